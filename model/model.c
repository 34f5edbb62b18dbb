/* The model's tables: interning of strings, mappings, locations, stacks
 * and samples, and the value columns (see model.h). */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"
#include "idtable.h"
#include "model_index.h"

/* ---- strings ---- */

const char *hd_model_intern_string(struct hd_model *m, const char *str)
{
    return hd_strpool_intern(&m->index->strings, str);
}

/* ---- the model ---- */

struct hd_model *hd_model_new(void)
{
    struct hd_model *m = hd_calloc(1, sizeof *m);
    m->arena = hd_arena_new();
    m->index = hd_calloc(1, sizeof *m->index);
    hd_strpool_init(&m->index->strings, m->arena);
    return m;
}

static void free_sample_table(struct hd_sample_table *t, size_t n_inputs)
{
    for (size_t k = 0; k < n_inputs; k++)
        free(t->columns[k]);
    free(t->columns);
    free(t->keys);
}

void hd_model_free(struct hd_model *m)
{
    if (!m)
        return;
    struct hd_model_index *x = m->index;
    hd_strpool_free(&x->strings);
    hd_idtable_free(&x->locations);
    hd_idtable_free(&x->stacks);
    hd_idtable_free(&x->samples);
    hd_idtable_free(&x->thread_samples);
    free(x);
    free_sample_table(&m->samples, m->n_inputs);
    free_sample_table(&m->thread_samples, m->n_inputs);
    free(m->inputs);
    free(m->mappings);
    free(m->locations);
    free(m->stacks);
    hd_arena_free(m->arena);
    free(m);
}

void hd_model_add_caution(struct hd_model *m, const char *text)
{
    const char *pooled = hd_model_intern_string(m, text);
    for (size_t i = 0; i < m->n_cautions; i++)
        if (m->cautions[i] == pooled)
            return;
    if (m->n_cautions < HD_MODEL_MAX_CAUTIONS)
        m->cautions[m->n_cautions++] = pooled;
}

void *hd_model_alloc(struct hd_model *m, size_t size)
{
    return hd_arena_alloc(m->arena, size);
}

/* ---- inputs and their columns ---- */

/* Give table T a zeroed column for the newest of N_INPUTS inputs. */
static void add_column(struct hd_sample_table *t, size_t n_inputs)
{
    t->columns = hd_array_reserve(t->columns, &(size_t){n_inputs - 1}, n_inputs,
                                  sizeof *t->columns);
    t->columns[n_inputs - 1] = hd_calloc(t->capacity, sizeof **t->columns);
}

uint32_t hd_model_add_input(struct hd_model *m, const char *path, enum hd_role role)
{
    HD_ARRAY_RESERVE(m->inputs, m->capacity_inputs, m->n_inputs + 1);
    m->inputs[m->n_inputs] = (struct hd_model_input){
        .path = hd_model_intern_string(m, path ? path : ""),
        .role = role,
        .weight = role == HD_ROLE_BASE ? -1.0 : 1.0,
    };
    m->n_inputs++;
    add_column(&m->samples, m->n_inputs);
    add_column(&m->thread_samples, m->n_inputs);
    return (uint32_t)(m->n_inputs - 1);
}

void hd_model_drop_last_input(struct hd_model *m)
{
    if (m->n_inputs == 0)
        return;
    m->n_inputs--;
    free(m->samples.columns[m->n_inputs]);
    free(m->thread_samples.columns[m->n_inputs]);
}

void hd_model_set_role(struct hd_model *m, uint32_t input, enum hd_role role)
{
    m->inputs[input].role = role;
    m->inputs[input].weight = role == HD_ROLE_BASE ? -1.0 : 1.0;
}

/* ---- mappings ---- */

uint32_t hd_model_add_mapping(struct hd_model *m, uint64_t start, uint64_t limit,
                              uint64_t offset, const char *path, bool executable, bool deleted)
{
    HD_ARRAY_RESERVE(m->mappings, m->capacity_mappings, m->n_mappings + 1);
    const char *pooled = hd_model_intern_string(m, path ? path : "");
    m->mappings[m->n_mappings] = (struct hd_mapping){
        .start = start,
        .limit = limit,
        .offset = offset,
        .path = pooled,
        .identity = pooled, /* until hd_model_identify_modules() */
        .executable = executable,
        .deleted = deleted,
    };
    return (uint32_t)m->n_mappings++;
}

/* ---- the mapping finder ---- */

/* A mapping's rank among those covering one address: executable ones
 * first, then file order.  Lower wins. */
static uint64_t mapping_rank(const struct hd_model *m, uint32_t i)
{
    return ((uint64_t)!m->mappings[i].executable << 32) | i;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* A min-heap of mapping ids by rank, for the sweep below. */
struct rank_heap {
    uint32_t *ids;
    size_t n;
};

static void heap_push(struct rank_heap *h, const struct hd_model *m, uint32_t id)
{
    size_t i = h->n++;
    while (i > 0 && mapping_rank(m, h->ids[(i - 1) / 2]) > mapping_rank(m, id)) {
        h->ids[i] = h->ids[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->ids[i] = id;
}

static void heap_pop(struct rank_heap *h, const struct hd_model *m)
{
    uint32_t last = h->ids[--h->n];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && mapping_rank(m, h->ids[child + 1]) < mapping_rank(m, h->ids[child]))
            child++;
        if (mapping_rank(m, h->ids[child]) >= mapping_rank(m, last))
            break;
        h->ids[i] = h->ids[child];
        i = child;
    }
    if (h->n)
        h->ids[i] = last;
}

static int by_start(const void *a, const void *b, void *model)
{
    const struct hd_model *m = model;
    uint64_t x = m->mappings[*(const uint32_t *)a].start;
    uint64_t y = m->mappings[*(const uint32_t *)b].start;
    return x < y ? -1 : x > y;
}

void hd_mapping_finder_build(struct hd_mapping_finder *f, const struct hd_model *m)
{
    size_t n = m->n_mappings;
    f->points = hd_malloc(2 * n + 1, sizeof *f->points);
    f->mapping = hd_malloc(2 * n + 1, sizeof *f->mapping);
    f->n = 0;
    for (size_t i = 0; i < n; i++) {
        f->points[2 * i] = m->mappings[i].start;
        f->points[2 * i + 1] = m->mappings[i].limit;
    }
    qsort(f->points, 2 * n, sizeof *f->points, compare_u64);
    size_t n_points = 0;
    for (size_t i = 0; i < 2 * n; i++)
        if (n_points == 0 || f->points[n_points - 1] != f->points[i])
            f->points[n_points++] = f->points[i];
    uint32_t *order = hd_malloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, by_start, (void *)m);
    /* Sweep the points: mappings that started are pushed, those that
     * ended are dropped when they reach the top (their limit <= point). */
    struct rank_heap heap = {hd_malloc(n + 1, sizeof *heap.ids), 0};
    size_t next = 0;
    for (size_t k = 0; k < n_points; k++) {
        uint64_t point = f->points[k];
        while (next < n && m->mappings[order[next]].start <= point)
            heap_push(&heap, m, order[next++]);
        while (heap.n && m->mappings[heap.ids[0]].limit <= point)
            heap_pop(&heap, m);
        f->points[f->n] = point;
        f->mapping[f->n++] = heap.n ? heap.ids[0] : HD_NO_MAPPING;
    }
    free(heap.ids);
    free(order);
}

uint32_t hd_mapping_finder_find(const struct hd_mapping_finder *f, uint64_t address)
{
    /* The last piece starting at or before ADDRESS. */
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->points[mid] <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? HD_NO_MAPPING : f->mapping[lo - 1];
}

void hd_mapping_finder_free(struct hd_mapping_finder *f)
{
    free(f->points);
    free(f->mapping);
    memset(f, 0, sizeof *f);
}

static bool is_shared_library_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *so = strstr(base, ".so");
    while (so) {
        const char *after = so + 3;
        if (*after == '\0')
            return true;
        if (*after == '.' || *after == '_') {
            const char *d = after + 1;
            if (*d >= '0' && *d <= '9')
                return true;
        }
        so = strstr(after, ".so");
    }
    return false;
}

/* The first mapping of M whose path is a program's (see
 * hd_model_main_mapping), among the other_build ones only when
 * OTHER_BUILD. */
static uint32_t main_mapping_of(const struct hd_model *m, bool other_build)
{
    for (size_t i = 0; i < m->n_mappings; i++) {
        const char *path = m->mappings[i].path;
        if ((!other_build || m->mappings[i].other_build) && path[0] && path[0] != '[' &&
            !is_shared_library_path(path))
            return (uint32_t)i;
    }
    return HD_NO_MAPPING;
}

uint32_t hd_model_main_mapping(const struct hd_model *m)
{
    return main_mapping_of(m, false);
}

uint32_t hd_model_other_build_main_mapping(const struct hd_model *m)
{
    return main_mapping_of(m, true);
}

/* ---- locations ---- */

static struct hd_location_key location_key_of(const struct hd_model *m, uint32_t id)
{
    const struct hd_location *l = &m->locations[id];
    if (l->given_key)
        return (struct hd_location_key){NULL, 0, l->given_key};
    struct hd_location_key k = {NULL, l->offset, NULL};
    if (l->mapping != HD_NO_MAPPING)
        k.identity = m->mappings[l->mapping].identity;
    return k;
}

static uint64_t location_key_hash(const struct hd_location_key *k)
{
    /* Identities are interned per model, so hash their text, not their
     * pointer: keys are also built from another model's strings. */
    if (k->given)
        return hd_hash_mix(hd_hash_bytes(k->given, strlen(k->given)) ^ 0x9e3779b97f4a7c15u);
    uint64_t h = k->identity ? hd_hash_bytes(k->identity, strlen(k->identity)) : 0;
    return hd_hash_mix(h ^ hd_hash_mix(k->offset));
}

static uint64_t location_rehash(const void *owner, uint32_t id)
{
    struct hd_location_key k = location_key_of(owner, id);
    return location_key_hash(&k);
}

/* Whether pooled-or-not strings A and B (either may be NULL) are equal. */
static bool same_text(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return a == b || strcmp(a, b) == 0;
}

static bool location_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_location_key *k = key;
    struct hd_location_key mine = location_key_of(owner, id);
    if (!mine.given != !k->given)
        return false;
    if (mine.given)
        return same_text(mine.given, k->given);
    return mine.offset == k->offset && same_text(mine.identity, k->identity);
}

/* The location being created by hd_idtable_intern(): create() cannot take
 * more than the key, so the rest travels here. */
struct new_location {
    struct hd_location_key key; /* first, so location_matches() reads it */
    uint32_t mapping;
    uint64_t address;
    uint64_t offset;
    const struct hd_frame *frames; /* given ones (the caller's), or NULL */
    uint32_t n_frames;
};

/* Copy the N given FRAMES into M, strings pooled. */
static const struct hd_frame *copy_given_frames(struct hd_model *m,
                                                const struct hd_frame *frames, uint32_t n)
{
    struct hd_frame *copy = hd_arena_alloc(m->arena, n * sizeof *copy);
    for (uint32_t f = 0; f < n; f++)
        copy[f] = (struct hd_frame){
            frames[f].function ? hd_model_intern_string(m, frames[f].function) : NULL,
            frames[f].file ? hd_model_intern_string(m, frames[f].file) : NULL,
            frames[f].line};
    return copy;
}

static uint32_t location_create(void *owner, const void *key)
{
    struct hd_model *m = owner;
    const struct new_location *n = key;
    HD_ARRAY_RESERVE(m->locations, m->capacity_locations, m->n_locations + 1);
    struct hd_location l = {.mapping = n->mapping, .address = n->address, .offset = n->offset};
    if (n->key.given) {
        l.origin = HD_ORIGIN_INPUT;
        l.given_key = hd_model_intern_string(m, n->key.given);
        l.given_frames = l.frames = copy_given_frames(m, n->frames, n->n_frames);
        l.n_given_frames = l.n_frames = n->n_frames;
    }
    m->locations[m->n_locations] = l;
    return (uint32_t)m->n_locations++;
}

uint32_t hd_model_intern_location(struct hd_model *m, uint32_t mapping, uint64_t address,
                                  uint64_t offset)
{
    struct new_location n = {{NULL, offset, NULL}, mapping, address, offset, NULL, 0};
    if (mapping != HD_NO_MAPPING)
        n.key.identity = m->mappings[mapping].identity;
    struct hd_probe q = {location_key_hash(&n.key), location_matches, location_rehash, m, &n};
    return hd_idtable_intern(&m->index->locations, &q, location_create, m);
}

/* The text given frames are keyed by, malloc'd: per frame its function,
 * file and line, separated by control characters no name holds. */
static char *given_key_of(const struct hd_frame *frames, uint32_t n)
{
    size_t size = 1;
    for (uint32_t f = 0; f < n; f++)
        size += (frames[f].function ? strlen(frames[f].function) : 0) +
                (frames[f].file ? strlen(frames[f].file) : 0) + 16;
    char *key = hd_malloc(size, 1);
    size_t used = 0;
    for (uint32_t f = 0; f < n; f++)
        used += (size_t)snprintf(key + used, size - used, "%s\x1f%s\x1f%u\x1e",
                                 frames[f].function ? frames[f].function : "",
                                 frames[f].file ? frames[f].file : "", frames[f].line);
    key[used] = '\0';
    return key;
}

uint32_t hd_model_intern_given_location(struct hd_model *m, uint32_t mapping, uint64_t address,
                                        const struct hd_frame *frames, uint32_t n_frames)
{
    uint64_t offset = address;
    if (mapping != HD_NO_MAPPING)
        offset = address - m->mappings[mapping].start + m->mappings[mapping].offset;
    if (n_frames == 0) /* nothing given: an address */
        return hd_model_intern_location(m, mapping, address, offset);
    char *key = given_key_of(frames, n_frames);
    struct new_location n = {{NULL, 0, key}, mapping, address, offset, frames, n_frames};
    struct hd_probe q = {location_key_hash(&n.key), location_matches, location_rehash, m, &n};
    uint32_t id = hd_idtable_intern(&m->index->locations, &q, location_create, m);
    free(key);
    return id;
}

uint32_t hd_model_intern_address(struct hd_model *m, uint64_t address)
{
    /* Fibonacci hashing: the top bits of address x 2^64 / phi. */
    size_t k = (size_t)((address * 0x9e3779b97f4a7c15ULL) >> (64 - HD_ADDRESS_CACHE_BITS));
    struct hd_model_index *x = m->index;
    if (x->address_cache[k].id_plus_1 && x->address_cache[k].address == address)
        return x->address_cache[k].id_plus_1 - 1;
    uint32_t id = hd_model_intern_location(m, HD_NO_MAPPING, address, address);
    x->address_cache[k].address = address;
    x->address_cache[k].id_plus_1 = id + 1;
    return id;
}

void hd_model_rebuild_location_index(struct hd_model *m)
{
    memset(m->index->address_cache, 0, sizeof m->index->address_cache);
    hd_idtable_rebuild(&m->index->locations, (uint32_t)m->n_locations, location_rehash, m);
}

void hd_model_resolve_locations(struct hd_model *m)
{
    memset(m->index->address_cache, 0, sizeof m->index->address_cache);
    struct hd_mapping_finder finder;
    hd_mapping_finder_build(&finder, m);
    for (size_t i = 0; i < m->n_locations; i++) {
        struct hd_location *l = &m->locations[i];
        if (l->mapping != HD_NO_MAPPING || l->origin == HD_ORIGIN_INPUT)
            continue;
        uint32_t map = hd_mapping_finder_find(&finder, l->address);
        if (map == HD_NO_MAPPING)
            continue;
        l->mapping = map;
        l->offset = l->address - m->mappings[map].start + m->mappings[map].offset;
    }
    hd_mapping_finder_free(&finder);
    /* Gives fallback identities and rebuilds the index, whose keys
     * changed. */
    hd_model_identify_modules(m, NULL, NULL);
}

/* ---- stacks ---- */

struct stack_key {
    const uint32_t *locations;
    uint32_t depth;
};

static uint64_t stack_rehash(const void *owner, uint32_t id)
{
    const struct hd_model *m = owner;
    const struct hd_stack *s = &m->stacks[id];
    return hd_hash_bytes(s->locations, s->depth * sizeof *s->locations);
}

static bool stack_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_model *m = owner;
    const struct stack_key *k = key;
    const struct hd_stack *s = &m->stacks[id];
    return s->depth == k->depth &&
           memcmp(s->locations, k->locations, k->depth * sizeof *k->locations) == 0;
}

static uint32_t stack_create(void *owner, const void *key)
{
    struct hd_model *m = owner;
    const struct stack_key *k = key;
    HD_ARRAY_RESERVE(m->stacks, m->capacity_stacks, m->n_stacks + 1);
    uint32_t *copy = hd_arena_alloc(m->arena, k->depth * sizeof *copy);
    memcpy(copy, k->locations, k->depth * sizeof *copy);
    m->stacks[m->n_stacks] = (struct hd_stack){.depth = k->depth, .locations = copy};
    return (uint32_t)m->n_stacks++;
}

uint32_t hd_model_intern_stack(struct hd_model *m, const uint32_t *locations, uint32_t depth)
{
    struct stack_key k = {locations, depth};
    struct hd_probe q = {hd_hash_bytes(locations, depth * sizeof *locations), stack_matches,
                         stack_rehash, m, &k};
    return hd_idtable_intern(&m->index->stacks, &q, stack_create, m);
}

/* ---- samples ---- */

/* The sample table being interned into, for the idtable callbacks. */
struct table_owner {
    struct hd_sample_table *table;
    size_t n_inputs;
    uint32_t *stack_bound; /* the table's (see hd_model_index) */
};

static uint64_t sample_key_hash(uint32_t stack, long thread)
{
    return hd_hash_mix(((uint64_t)stack << 32) ^ (uint64_t)thread);
}

static uint64_t sample_rehash(const void *owner, uint32_t id)
{
    const struct hd_sample *s = &((const struct table_owner *)owner)->table->keys[id];
    return sample_key_hash(s->stack, s->thread);
}

static bool sample_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_sample *s = &((const struct table_owner *)owner)->table->keys[id];
    const struct hd_sample *k = key;
    return s->stack == k->stack && s->thread == k->thread;
}

static uint32_t sample_create(void *owner, const void *key)
{
    struct table_owner *o = owner;
    struct hd_sample_table *t = o->table;
    if (t->n == t->capacity) {
        size_t capacity = t->capacity;
        HD_ARRAY_RESERVE(t->keys, t->capacity, t->n + 1);
        for (size_t k = 0; k < o->n_inputs; k++)
            t->columns[k] = hd_array_reserve(t->columns[k], &(size_t){capacity}, t->capacity,
                                             sizeof **t->columns);
    }
    t->keys[t->n] = *(const struct hd_sample *)key;
    if (t->keys[t->n].stack >= *o->stack_bound)
        *o->stack_bound = t->keys[t->n].stack + 1;
    for (size_t k = 0; k < o->n_inputs; k++)
        t->columns[k][t->n] = (struct hd_values){0, 0, 0, 0};
    return (uint32_t)t->n++;
}

/* The table, its index and its owner for the callbacks, of THREAD's
 * kind; WHICH becomes 0 (whole-process) or 1 (per-thread). */
static struct table_owner owner_of(struct hd_model *m, long thread, size_t *which,
                                   struct hd_idtable **index)
{
    *which = thread == HD_ALL_THREADS ? 0 : 1;
    *index = *which == 0 ? &m->index->samples : &m->index->thread_samples;
    return (struct table_owner){*which == 0 ? &m->samples : &m->thread_samples, m->n_inputs,
                                &m->index->stack_bound[*which]};
}

uint32_t hd_model_intern_sample(struct hd_model *m, uint32_t stack, long thread)
{
    size_t which;
    struct hd_idtable *index;
    struct table_owner o = owner_of(m, thread, &which, &index);
    /* First index the samples appended unindexed. */
    for (size_t i = m->index->indexed[which]; i < o.table->n; i++)
        hd_idtable_add(index, sample_rehash(&o, (uint32_t)i), (uint32_t)i);
    struct hd_sample key = {stack, thread};
    struct hd_probe q = {sample_key_hash(stack, thread), sample_matches, sample_rehash, &o,
                         &key};
    uint32_t id = hd_idtable_intern(index, &q, sample_create, &o);
    m->index->indexed[which] = o.table->n;
    return id;
}

void hd_model_rebuild_sample_index(struct hd_model *m)
{
    struct table_owner o = {&m->samples, m->n_inputs, &m->index->stack_bound[0]};
    hd_idtable_rebuild(&m->index->samples, (uint32_t)m->samples.n, sample_rehash, &o);
    m->index->indexed[0] = m->samples.n;
}

void hd_model_forget_sample_index(struct hd_model *m, bool whole)
{
    size_t which = whole ? 0 : 1;
    hd_idtable_free(whole ? &m->index->samples : &m->index->thread_samples);
    m->index->indexed[which] = 0;
}

void hd_values_add(struct hd_values *to, const struct hd_values *v, double factor)
{
    to->inuse_objects += factor * v->inuse_objects;
    to->inuse_bytes += factor * v->inuse_bytes;
    to->alloc_objects += factor * v->alloc_objects;
    to->alloc_bytes += factor * v->alloc_bytes;
}

void hd_model_add_sample(struct hd_model *m, uint32_t input, uint32_t stack, long thread,
                         const struct hd_values *v)
{
    size_t which;
    struct hd_idtable *index;
    struct table_owner o = owner_of(m, thread, &which, &index);
    /* A parse meets each stack's samples right after the stack: a stack
     * newer than any in the table has no sample yet, and its sample is
     * appended, to be indexed if a lookup ever needs it (a single
     * profile's report never does). */
    uint32_t id = stack >= m->index->stack_bound[which]
                      ? sample_create(&o, &(struct hd_sample){stack, thread})
                      : hd_model_intern_sample(m, stack, thread);
    hd_values_add(&o.table->columns[input][id], v, 1.0);
}
