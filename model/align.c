/* Aligning inputs: module identities, adding one model's inputs to
 * another as columns, and choosing a jemalloc thread (see model.h). */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "model_index.h"

/* ---- module identity ---- */

static uint64_t pointer_rehash(const void *owner, uint32_t id)
{
    const struct hd_model *m = owner;
    return hd_hash_mix((uint64_t)(uintptr_t)m->mappings[id].path);
}

static bool same_path(const void *owner, uint32_t id, const void *key)
{
    const struct hd_model *m = owner;
    return m->mappings[id].path == key;
}

/* hd_idtable_intern's create: the id is chosen by the caller. */
static uint32_t take_id(void *id, const void *key)
{
    (void)key;
    return *(const uint32_t *)id;
}

/* The identity of MAP's file (IS_MAIN: the main program's). */
static const char *identity_of(struct hd_model *m, const struct hd_mapping *map,
                               bool is_main, hd_build_id_reader *read_build_id,
                               void *context)
{
    const char *path = map->path;
    if (!path[0])
        return hd_model_intern_string(m, "");
    char text[160] = "build-id:";
    size_t prefix = strlen(text);
    if ((read_build_id && read_build_id(context, path, is_main, text + prefix,
                                        sizeof text - prefix)) ||
        (map->build_id && map->build_id[0] &&
         snprintf(text + prefix, sizeof text - prefix, "%s", map->build_id) <
             (int)(sizeof text - prefix)))
        return hd_model_intern_string(m, text);
    if (is_main)
        return hd_model_intern_string(m, "main");
    const char *base = strrchr(path, '/');
    char name[4200];
    snprintf(name, sizeof name, "name:%s", base ? base + 1 : path);
    return hd_model_intern_string(m, name);
}

void hd_model_identify_modules(struct hd_model *m, hd_build_id_reader *read_build_id,
                               void *context)
{
    uint32_t main_mapping = hd_model_main_mapping(m);
    const char *main_path = main_mapping == HD_NO_MAPPING ? NULL : m->mappings[main_mapping].path;
    /* Each file is identified once: a mapping whose path (interned, so
     * compared by pointer) was seen takes the first one's identity. */
    struct hd_idtable seen = {0};
    for (size_t i = 0; i < m->n_mappings; i++) {
        struct hd_mapping *map = &m->mappings[i];
        struct hd_probe q = {hd_hash_mix((uint64_t)(uintptr_t)map->path), same_path,
                             pointer_rehash, m, map->path};
        uint32_t id = (uint32_t)i;
        uint32_t first = hd_idtable_intern(&seen, &q, take_id, &id);
        map->identity = first != id ? m->mappings[first].identity
                                    : identity_of(m, map, map->path == main_path,
                                                  read_build_id, context);
    }
    hd_idtable_free(&seen);
    hd_model_rebuild_location_index(m);
}

void hd_model_mark_other_build(struct hd_model *m)
{
    static const char prefix[] = "other-build:";
    for (size_t i = 0; i < m->n_mappings; i++) {
        struct hd_mapping *map = &m->mappings[i];
        map->other_build = true;
        const char *identity = map->identity;
        if (!identity || !identity[0] || strncmp(identity, "build-id:", 9) == 0 ||
            strncmp(identity, prefix, sizeof prefix - 1) == 0)
            continue;
        size_t size = sizeof prefix + strlen(identity);
        char *text = hd_malloc(size, 1);
        snprintf(text, size, "%s%s", prefix, identity);
        map->identity = hd_model_intern_string(m, text);
        free(text);
    }
    hd_model_rebuild_location_index(m);
}

/* Re-key the sample table of MODEL (WHOLE: the whole-process one, else
 * the per-thread one) by STACK_MAP, summing the rows that meet. */
static void rekey_samples(struct hd_model *m, bool whole, const uint32_t *stack_map)
{
    struct hd_sample_table *t = whole ? &m->samples : &m->thread_samples;
    struct hd_sample_table old = *t;
    *t = (struct hd_sample_table){NULL, 0, hd_calloc(m->n_inputs + 1, sizeof *t->columns), 0};
    hd_model_forget_sample_index(m, whole);
    for (size_t i = 0; i < old.n; i++) {
        uint32_t id = hd_model_intern_sample(m, stack_map[old.keys[i].stack], old.keys[i].thread);
        for (size_t k = 0; k < m->n_inputs; k++)
            hd_values_add(&t->columns[k][id], &old.columns[k][i], 1.0);
    }
    for (size_t k = 0; k < m->n_inputs; k++)
        free(old.columns[k]);
    free(old.columns);
    free(old.keys);
}

void hd_model_merge_locations(struct hd_model *m, const uint32_t *same_as)
{
    size_t n_stacks = m->n_stacks;
    uint32_t *stack_map = hd_malloc(n_stacks + 1, sizeof *stack_map);
    uint32_t *frames = NULL;
    size_t capacity_frames = 0;
    for (size_t i = 0; i < n_stacks; i++) {
        uint32_t depth = m->stacks[i].depth;
        HD_ARRAY_RESERVE(frames, capacity_frames, depth);
        bool moved = false;
        for (uint32_t d = 0; d < depth; d++) {
            frames[d] = same_as[m->stacks[i].locations[d]];
            moved |= frames[d] != m->stacks[i].locations[d];
        }
        stack_map[i] = (uint32_t)i;
        if (!moved)
            continue;
        uint32_t cut = m->stacks[i].allocator_frames; /* the array may move */
        stack_map[i] = hd_model_intern_stack(m, frames, depth);
        if (stack_map[i] >= n_stacks)
            m->stacks[stack_map[i]].allocator_frames = cut;
    }
    rekey_samples(m, true, stack_map);
    rekey_samples(m, false, stack_map);
    free(frames);
    free(stack_map);
}

/* ---- aligning ---- */

/* Move SRC's contents into the empty DST and leave SRC empty. */
static void move_model(struct hd_model *dst, struct hd_model *src)
{
    struct hd_model empty = *dst;
    *dst = *src;
    *src = empty;
}

/* DST's mappings grouped by module, so that translating a mapping looks at
 * its module's mappings only: FIRST finds a module's first mapping by its
 * identity (interned in DST, so compared by pointer), NEXT chains the
 * others in index order, TAIL[first] is the chain's last. */
struct module_index {
    struct hd_idtable first;
    uint32_t *next; /* HD_NO_MAPPING ends a chain */
    uint32_t *tail; /* valid at a chain's first mapping */
    size_t capacity;
};

static uint64_t identity_rehash(const void *owner, uint32_t id)
{
    const struct hd_model *m = owner;
    return hd_hash_mix((uint64_t)(uintptr_t)m->mappings[id].identity);
}

static bool same_identity(const void *owner, uint32_t id, const void *key)
{
    const struct hd_model *m = owner;
    return m->mappings[id].identity == key;
}

/* Record DST's mapping ID in X. */
static void index_mapping(struct module_index *x, const struct hd_model *dst, uint32_t id)
{
    size_t capacity = x->capacity;
    HD_ARRAY_RESERVE(x->next, x->capacity, (size_t)id + 1);
    x->tail = hd_array_reserve(x->tail, &capacity, x->capacity, sizeof *x->tail);
    const char *identity = dst->mappings[id].identity;
    struct hd_probe q = {hd_hash_mix((uint64_t)(uintptr_t)identity), same_identity,
                         identity_rehash, dst, identity};
    uint32_t head = hd_idtable_intern(&x->first, &q, take_id, &id);
    x->next[id] = HD_NO_MAPPING;
    if (head != id)
        x->next[x->tail[head]] = id;
    x->tail[head] = id;
}

/* DST's mapping for SRC's mapping MAP at file OFFSET: one of the same
 * module whose file range holds OFFSET (the first in DST's order), copied
 * into DST when there is none.  *LAST caches the previous answer for MAP. */
static uint32_t translate_mapping(struct hd_model *dst, struct module_index *x,
                                  const struct hd_model *src, uint32_t map, uint64_t offset,
                                  uint32_t *last)
{
    const struct hd_mapping *sm = &src->mappings[map];
    const struct hd_mapping *dm = *last == HD_NO_MAPPING ? NULL : &dst->mappings[*last];
    if (dm && offset >= dm->offset && offset - dm->offset < dm->limit - dm->start)
        return *last;
    const char *identity = hd_model_intern_string(dst, sm->identity);
    struct hd_probe q = {hd_hash_mix((uint64_t)(uintptr_t)identity), same_identity,
                         identity_rehash, dst, identity};
    for (uint32_t i = hd_idtable_find(&x->first, &q); i != HD_NO_MAPPING; i = x->next[i]) {
        dm = &dst->mappings[i];
        if (offset >= dm->offset && offset - dm->offset < dm->limit - dm->start)
            return *last = i;
    }
    uint32_t added = hd_model_add_mapping(dst, sm->start, sm->limit, sm->offset, sm->path,
                                          sm->executable, sm->deleted);
    dst->mappings[added].identity = identity;
    dst->mappings[added].other_build = sm->other_build;
    if (sm->build_id)
        dst->mappings[added].build_id = hd_model_intern_string(dst, sm->build_id);
    index_mapping(x, dst, added);
    return *last = added;
}

/* Add SRC's table FROM, columns 0.. of SRC, into DST's columns FIRST.. */
static void align_samples(struct hd_model *dst, const struct hd_model *src,
                          const struct hd_sample_table *from, const uint32_t *stack_map,
                          uint32_t first)
{
    /* The sample after the last one met in each table, tried first: a
     * series' snapshots list their samples in one order. */
    uint32_t next[2] = {0, 0};
    for (size_t i = 0; i < from->n; i++) {
        const struct hd_sample *s = &from->keys[i];
        bool whole = s->thread == HD_ALL_THREADS;
        struct hd_sample_table *to = whole ? &dst->samples : &dst->thread_samples;
        uint32_t id = next[whole];
        if (id >= to->n || to->keys[id].stack != stack_map[s->stack] ||
            to->keys[id].thread != s->thread)
            id = hd_model_intern_sample(dst, stack_map[s->stack], s->thread);
        next[whole] = id + 1;
        for (size_t k = 0; k < src->n_inputs; k++)
            hd_values_add(&to->columns[first + k][id], &from->columns[k][i], 1.0);
    }
}

/* DST's location for SRC's given location L, shown at DST's mapping MAP
 * (L's, translated) with L's address and offset when new. */
static uint32_t align_given(struct hd_model *dst, uint32_t map, const struct hd_location *l)
{
    size_t before = dst->n_locations;
    uint32_t id = hd_model_intern_given_location(dst, map, l->address, l->given_frames,
                                                 l->n_given_frames);
    if (id >= before) /* DST's mapping may lie elsewhere: keep L's numbers */
        dst->locations[id].offset = l->offset;
    return id;
}

uint32_t hd_model_align(struct hd_model *dst, struct hd_model *src, enum hd_role role)
{
    for (size_t k = 0; k < src->n_inputs; k++) {
        src->inputs[k].role = role;
        src->inputs[k].weight = role == HD_ROLE_BASE ? -1.0 : 1.0;
    }
    if (dst->n_inputs == 0) {
        move_model(dst, src);
        return 0;
    }
    uint32_t first = (uint32_t)dst->n_inputs;
    for (size_t k = 0; k < src->n_inputs; k++) {
        const struct hd_model_input *in = &src->inputs[k];
        uint32_t added = hd_model_add_input(dst, in->path, role);
        struct hd_model_input *out = &dst->inputs[added];
        const char *path = out->path;
        *out = *in;
        out->path = path;
    }
    struct module_index modules = {0};
    for (uint32_t i = 0; i < dst->n_mappings; i++)
        index_mapping(&modules, dst, i);
    uint32_t *mapping_cache = hd_malloc(src->n_mappings + 1, sizeof *mapping_cache);
    for (size_t i = 0; i < src->n_mappings; i++)
        mapping_cache[i] = HD_NO_MAPPING;
    uint32_t *location_map = hd_malloc(src->n_locations + 1, sizeof *location_map);
    for (size_t i = 0; i < src->n_locations; i++) {
        const struct hd_location *l = &src->locations[i];
        uint32_t map = HD_NO_MAPPING;
        uint64_t address = l->address;
        if (l->mapping != HD_NO_MAPPING) {
            map = translate_mapping(dst, &modules, src, l->mapping, l->offset,
                                    &mapping_cache[l->mapping]);
            /* The address this file offset has in DST's layout. */
            if (l->origin != HD_ORIGIN_INPUT)
                address = dst->mappings[map].start + (l->offset - dst->mappings[map].offset);
        }
        /* Given locations meet by their frames, addresses by (module,
         * offset). */
        location_map[i] =
            l->origin == HD_ORIGIN_INPUT
                ? align_given(dst, map, l)
                : hd_model_intern_location(dst, map, address, l->offset);
    }
    uint32_t *stack_map = hd_malloc(src->n_stacks + 1, sizeof *stack_map);
    uint32_t *frames = NULL;
    size_t capacity_frames = 0;
    for (size_t i = 0; i < src->n_stacks; i++) {
        const struct hd_stack *s = &src->stacks[i];
        HD_ARRAY_RESERVE(frames, capacity_frames, s->depth);
        for (uint32_t d = 0; d < s->depth; d++)
            frames[d] = location_map[s->locations[d]];
        /* The stack after the last one's is tried first: a series'
         * snapshots list their stacks in one order.  Keys are unique, so
         * an equal stack there is the one interning would find. */
        uint32_t guess = i ? stack_map[i - 1] + 1 : 0;
        if (guess < dst->n_stacks && dst->stacks[guess].depth == s->depth &&
            memcmp(dst->stacks[guess].locations, frames, s->depth * sizeof *frames) == 0)
            stack_map[i] = guess;
        else
            stack_map[i] = hd_model_intern_stack(dst, frames, s->depth);
    }
    align_samples(dst, src, &src->samples, stack_map, first);
    align_samples(dst, src, &src->thread_samples, stack_map, first);
    free(frames);
    free(stack_map);
    free(location_map);
    free(mapping_cache);
    hd_idtable_free(&modules.first);
    free(modules.next);
    free(modules.tail);
    return first;
}

/* ---- threads ---- */

size_t hd_model_select_thread(struct hd_model *m, long thread)
{
    struct hd_sample_table *whole = &m->samples;
    const struct hd_sample_table *per = &m->thread_samples;
    whole->n = 0;
    hd_model_rebuild_sample_index(m);
    for (size_t i = 0; i < per->n; i++) {
        if (per->keys[i].thread != thread)
            continue;
        uint32_t id = hd_model_intern_sample(m, per->keys[i].stack, HD_ALL_THREADS);
        for (size_t k = 0; k < m->n_inputs; k++)
            whole->columns[k][id] = per->columns[k][i];
    }
    return whole->n;
}
