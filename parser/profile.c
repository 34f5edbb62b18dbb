/* The profile model: interning of strings, locations, stacks and samples,
 * and the arithmetic on whole profiles (see profile.h). */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "idtable.h"

struct hd_profile_index {
    struct hd_idtable strings;   /* ids into string_pool */
    const char **string_pool;
    size_t n_strings, capacity_strings;
    struct hd_idtable locations; /* keyed by (mapping path, offset) */
    struct hd_idtable stacks;    /* keyed by the location id sequence */
    struct hd_idtable samples;   /* keyed by (stack, thread) */
    struct hd_idtable thread_samples;
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

/* Grow *ARRAY (of element SIZE, *CAPACITY elements) to hold NEEDED. */
static void reserve(void *array, size_t *capacity, size_t needed, size_t size)
{
    void **a = array;
    if (needed <= *capacity)
        return;
    size_t c = *capacity ? *capacity : 64;
    while (c < needed)
        c *= 2;
    *a = xrealloc(*a, c * size);
    *capacity = c;
}

/* ---- strings ---- */

static uint64_t string_rehash(const void *owner, uint32_t id)
{
    const struct hd_profile *p = owner;
    const char *s = p->index->string_pool[id];
    return hd_hash_bytes(s, strlen(s));
}

static bool string_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_profile *p = owner;
    return strcmp(p->index->string_pool[id], key) == 0;
}

static uint32_t string_create(void *owner, const void *key)
{
    struct hd_profile *p = owner;
    struct hd_profile_index *x = p->index;
    reserve(&x->string_pool, &x->capacity_strings, x->n_strings + 1,
            sizeof *x->string_pool);
    x->string_pool[x->n_strings] = hd_arena_strndup(p->arena, key, strlen(key));
    return (uint32_t)x->n_strings++;
}

const char *hd_profile_intern_string(struct hd_profile *p, const char *str)
{
    struct hd_probe q = {hd_hash_bytes(str, strlen(str)), string_matches, string_rehash, p, str};
    uint32_t id = hd_idtable_intern(&p->index->strings, &q, string_create, p);
    return p->index->string_pool[id];
}

/* ---- profile ---- */

struct hd_profile *hd_profile_new(const char *path)
{
    struct hd_profile *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->arena = hd_arena_new();
    p->index = calloc(1, sizeof *p->index);
    if (!p->index)
        abort();
    p->path = hd_arena_strndup(p->arena, path ? path : "", path ? strlen(path) : 0);
    return p;
}

void hd_profile_free(struct hd_profile *p)
{
    if (!p)
        return;
    struct hd_profile_index *x = p->index;
    hd_idtable_free(&x->strings);
    hd_idtable_free(&x->locations);
    hd_idtable_free(&x->stacks);
    hd_idtable_free(&x->samples);
    hd_idtable_free(&x->thread_samples);
    free(x->string_pool);
    free(x);
    free(p->mappings);
    free(p->locations);
    free(p->stacks);
    free(p->samples);
    free(p->thread_samples);
    hd_arena_free(p->arena);
    free(p);
}

void *hd_profile_alloc(struct hd_profile *p, size_t size)
{
    return hd_arena_alloc(p->arena, size);
}

/* ---- mappings ---- */

uint32_t hd_profile_add_mapping(struct hd_profile *p, uint64_t start, uint64_t limit,
                                uint64_t offset, const char *path, bool executable,
                                bool deleted)
{
    reserve(&p->mappings, &p->capacity_mappings, p->n_mappings + 1, sizeof *p->mappings);
    struct hd_mapping *m = &p->mappings[p->n_mappings];
    m->start = start;
    m->limit = limit;
    m->offset = offset;
    m->path = hd_profile_intern_string(p, path ? path : "");
    m->executable = executable;
    m->deleted = deleted;
    return (uint32_t)p->n_mappings++;
}

uint32_t hd_profile_find_mapping(const struct hd_profile *p, uint64_t address)
{
    /* Maps sections hold tens to hundreds of lines and this runs once per
     * unique address, so a scan is cheap next to symbolization. */
    uint32_t found = HD_NO_MAPPING;
    for (size_t i = 0; i < p->n_mappings; i++) {
        const struct hd_mapping *m = &p->mappings[i];
        if (address < m->start || address >= m->limit)
            continue;
        if (m->executable)
            return (uint32_t)i;
        if (found == HD_NO_MAPPING)
            found = (uint32_t)i;
    }
    return found;
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

bool hd_profile_is_allocator_library(const char *path)
{
    if (!path)
        return false;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    static const char *const libs[] = {"libjemalloc", "libtcmalloc", "libmimalloc",
                                       "libhoard", "libtbbmalloc"};
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        size_t n = strlen(libs[i]);
        /* libjemalloc.so.2, libtcmalloc_minimal.so.4, libtcmalloc_and_profiler.so */
        if (strncmp(base, libs[i], n) == 0 &&
            (base[n] == '.' || base[n] == '_' || base[n] == '-' || base[n] == '\0'))
            return true;
    }
    return false;
}

uint32_t hd_profile_main_mapping(const struct hd_profile *p)
{
    for (size_t i = 0; i < p->n_mappings; i++) {
        const char *path = p->mappings[i].path;
        if (path[0] && path[0] != '[' && !is_shared_library_path(path))
            return (uint32_t)i;
    }
    return HD_NO_MAPPING;
}

/* ---- locations ---- */

/* A location's identity across profiles: its mapping's file and the file
 * offset; unmapped addresses are identified by the address alone. */
struct location_key {
    const char *path; /* NULL when unmapped */
    uint64_t offset;
};

static struct location_key location_key_of(const struct hd_profile *p, uint32_t id)
{
    const struct hd_location *l = &p->locations[id];
    struct location_key k = {NULL, l->offset};
    if (l->mapping != HD_NO_MAPPING)
        k.path = p->mappings[l->mapping].path;
    return k;
}

static uint64_t location_key_hash(const struct location_key *k)
{
    /* Paths are interned per profile, so hash their text, not pointer:
     * keys are also built from another profile's strings. */
    uint64_t h = k->path ? hd_hash_bytes(k->path, strlen(k->path)) : 0;
    return hd_hash_mix(h ^ hd_hash_mix(k->offset));
}

static uint64_t location_rehash(const void *owner, uint32_t id)
{
    const struct hd_profile *p = owner;
    struct location_key k = location_key_of(p, id);
    return location_key_hash(&k);
}

static bool location_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_profile *p = owner;
    const struct location_key *k = key;
    struct location_key mine = location_key_of(p, id);
    if (mine.offset != k->offset || !mine.path != !k->path)
        return false;
    return !mine.path || mine.path == k->path || strcmp(mine.path, k->path) == 0;
}

/* The location being created by hd_idtable_intern(): create() cannot take
 * more than the key, so the rest travels here. */
struct new_location {
    struct location_key key;
    uint32_t mapping;
    uint64_t address;
};

static uint32_t location_create(void *owner, const void *key)
{
    struct hd_profile *p = owner;
    const struct new_location *n = key;
    reserve(&p->locations, &p->capacity_locations, p->n_locations + 1,
            sizeof *p->locations);
    p->locations[p->n_locations] = (struct hd_location){
        .mapping = n->mapping, .address = n->address, .offset = n->key.offset};
    return (uint32_t)p->n_locations++;
}

/* The id of the location with KEY, created with MAPPING and ADDRESS when
 * absent. */
static uint32_t intern_location(struct hd_profile *p, uint32_t mapping, uint64_t address,
                                uint64_t offset)
{
    struct new_location n = {{NULL, offset}, mapping, address};
    if (mapping != HD_NO_MAPPING)
        n.key.path = p->mappings[mapping].path;
    /* The key is the first member, so location_matches() reads it as one. */
    struct hd_probe q = {location_key_hash(&n.key), location_matches, location_rehash, p, &n};
    return hd_idtable_intern(&p->index->locations, &q, location_create, p);
}

uint32_t hd_profile_intern_address(struct hd_profile *p, uint64_t address)
{
    return intern_location(p, HD_NO_MAPPING, address, address);
}

void hd_profile_resolve_locations(struct hd_profile *p)
{
    for (size_t i = 0; i < p->n_locations; i++) {
        struct hd_location *l = &p->locations[i];
        if (l->mapping != HD_NO_MAPPING)
            continue;
        uint32_t m = hd_profile_find_mapping(p, l->address);
        if (m == HD_NO_MAPPING)
            continue;
        l->mapping = m;
        l->offset = l->address - p->mappings[m].start + p->mappings[m].offset;
        l->is_allocator = hd_profile_is_allocator_library(p->mappings[m].path);
    }
    /* Keys changed: rebuild the location index.  Two addresses cannot
     * collide, since within one mapping offsets are as distinct as
     * addresses and different files have different paths. */
    hd_idtable_rebuild(&p->index->locations, (uint32_t)p->n_locations, location_rehash, p);
}

/* ---- stacks ---- */

struct stack_key {
    const uint32_t *locations;
    uint32_t depth;
};

static uint64_t stack_rehash(const void *owner, uint32_t id)
{
    const struct hd_profile *p = owner;
    const struct hd_stack *s = &p->stacks[id];
    return hd_hash_bytes(s->locations, s->depth * sizeof *s->locations);
}

static bool stack_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_profile *p = owner;
    const struct stack_key *k = key;
    const struct hd_stack *s = &p->stacks[id];
    return s->depth == k->depth &&
           memcmp(s->locations, k->locations, k->depth * sizeof *k->locations) == 0;
}

static uint32_t stack_create(void *owner, const void *key)
{
    struct hd_profile *p = owner;
    const struct stack_key *k = key;
    reserve(&p->stacks, &p->capacity_stacks, p->n_stacks + 1, sizeof *p->stacks);
    uint32_t *copy = hd_arena_alloc(p->arena, k->depth * sizeof *copy);
    memcpy(copy, k->locations, k->depth * sizeof *copy);
    p->stacks[p->n_stacks] = (struct hd_stack){k->depth, copy};
    return (uint32_t)p->n_stacks++;
}

uint32_t hd_profile_intern_stack(struct hd_profile *p, const uint32_t *locations,
                                 uint32_t depth)
{
    struct stack_key k = {locations, depth};
    struct hd_probe q = {hd_hash_bytes(locations, depth * sizeof *locations), stack_matches,
                      stack_rehash, p, &k};
    return hd_idtable_intern(&p->index->stacks, &q, stack_create, p);
}

/* ---- samples ---- */

struct sample_key {
    uint32_t stack;
    long thread;
};

static uint64_t sample_key_hash(uint32_t stack, long thread)
{
    return hd_hash_mix(((uint64_t)stack << 32) ^ (uint64_t)thread);
}

static uint64_t sample_rehash(const void *owner, uint32_t id)
{
    const struct hd_profile *p = owner;
    return sample_key_hash(p->samples[id].stack, p->samples[id].thread);
}

static uint64_t thread_sample_rehash(const void *owner, uint32_t id)
{
    const struct hd_profile *p = owner;
    const struct hd_sample *s = &p->thread_samples[id];
    return sample_key_hash(s->stack, s->thread);
}

static bool sample_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_profile *p = owner;
    const struct sample_key *k = key;
    return p->samples[id].stack == k->stack && p->samples[id].thread == k->thread;
}

static bool thread_sample_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_profile *p = owner;
    const struct sample_key *k = key;
    const struct hd_sample *s = &p->thread_samples[id];
    return s->stack == k->stack && s->thread == k->thread;
}

static uint32_t sample_create(void *owner, const void *key)
{
    struct hd_profile *p = owner;
    const struct sample_key *k = key;
    reserve(&p->samples, &p->capacity_samples, p->n_samples + 1, sizeof *p->samples);
    p->samples[p->n_samples] = (struct hd_sample){.stack = k->stack, .thread = k->thread};
    return (uint32_t)p->n_samples++;
}

static uint32_t thread_sample_create(void *owner, const void *key)
{
    struct hd_profile *p = owner;
    const struct sample_key *k = key;
    reserve(&p->thread_samples, &p->capacity_thread_samples, p->n_thread_samples + 1,
            sizeof *p->thread_samples);
    p->thread_samples[p->n_thread_samples] =
        (struct hd_sample){.stack = k->stack, .thread = k->thread};
    return (uint32_t)p->n_thread_samples++;
}

static void add_values(struct hd_values *to, const struct hd_values *v, double factor)
{
    to->inuse_objects += factor * v->inuse_objects;
    to->inuse_bytes += factor * v->inuse_bytes;
    to->alloc_objects += factor * v->alloc_objects;
    to->alloc_bytes += factor * v->alloc_bytes;
}

static void add_sample_scaled(struct hd_profile *p, uint32_t stack, long thread,
                              const struct hd_values *v, double factor)
{
    struct sample_key k = {stack, thread};
    uint64_t h = sample_key_hash(stack, thread);
    struct hd_sample *s;
    /* Intern first: creating a sample may move the array. */
    if (thread == HD_ALL_THREADS) {
        struct hd_probe q = {h, sample_matches, sample_rehash, p, &k};
        uint32_t id = hd_idtable_intern(&p->index->samples, &q, sample_create, p);
        s = &p->samples[id];
    } else {
        struct hd_probe q = {h, thread_sample_matches, thread_sample_rehash, p, &k};
        uint32_t id = hd_idtable_intern(&p->index->thread_samples, &q, thread_sample_create, p);
        s = &p->thread_samples[id];
    }
    add_values(&s->values, v, factor);
    if (factor < 0)
        add_values(&s->base, v, -factor);
}

void hd_profile_add_sample(struct hd_profile *p, uint32_t stack, long thread,
                           const struct hd_values *v)
{
    add_sample_scaled(p, stack, thread, v, 1.0);
}

/* ---- arithmetic ---- */

/* DST's mapping for SRC's mapping M: the same file covering the same file
 * offsets, copied into DST when DST has none. */
static uint32_t translate_mapping(struct hd_profile *dst, const struct hd_profile *src,
                                  uint32_t m, uint64_t offset)
{
    const struct hd_mapping *sm = &src->mappings[m];
    for (size_t i = 0; i < dst->n_mappings; i++) {
        const struct hd_mapping *dm = &dst->mappings[i];
        if (strcmp(dm->path, sm->path) == 0 && offset >= dm->offset &&
            offset - dm->offset < dm->limit - dm->start)
            return (uint32_t)i;
    }
    return hd_profile_add_mapping(dst, sm->start, sm->limit, sm->offset, sm->path,
                                  sm->executable, sm->deleted);
}

static void merge_samples(struct hd_profile *dst, const struct hd_sample *samples,
                          size_t n, const uint32_t *stack_map, double factor)
{
    for (size_t i = 0; i < n; i++)
        add_sample_scaled(dst, stack_map[samples[i].stack], samples[i].thread,
                          &samples[i].values, factor);
}

void hd_profile_merge(struct hd_profile *dst, const struct hd_profile *src, double factor)
{
    uint32_t *location_map = malloc((src->n_locations + 1) * sizeof *location_map);
    uint32_t *stack_map = malloc((src->n_stacks + 1) * sizeof *stack_map);
    if (!location_map || !stack_map)
        abort();
    for (size_t i = 0; i < src->n_locations; i++) {
        const struct hd_location *l = &src->locations[i];
        uint32_t m = HD_NO_MAPPING;
        uint64_t address = l->address;
        if (l->mapping != HD_NO_MAPPING) {
            m = translate_mapping(dst, src, l->mapping, l->offset);
            /* The address this file offset has in DST's layout. */
            address = dst->mappings[m].start + (l->offset - dst->mappings[m].offset);
        }
        location_map[i] = intern_location(dst, m, address, l->offset);
        if (l->is_allocator)
            dst->locations[location_map[i]].is_allocator = true;
    }
    uint32_t *frames = NULL;
    size_t capacity_frames = 0;
    for (size_t i = 0; i < src->n_stacks; i++) {
        const struct hd_stack *s = &src->stacks[i];
        reserve(&frames, &capacity_frames, s->depth, sizeof *frames);
        for (uint32_t d = 0; d < s->depth; d++)
            frames[d] = location_map[s->locations[d]];
        stack_map[i] = hd_profile_intern_stack(dst, frames, s->depth);
    }
    merge_samples(dst, src->samples, src->n_samples, stack_map, factor);
    merge_samples(dst, src->thread_samples, src->n_thread_samples, stack_map, factor);
    dst->has_alloc_values = dst->has_alloc_values || src->has_alloc_values;
    free(frames);
    free(location_map);
    free(stack_map);
}

struct hd_values hd_profile_total(const struct hd_profile *p)
{
    struct hd_values total = {0, 0, 0, 0};
    for (size_t i = 0; i < p->n_samples; i++)
        add_values(&total, &p->samples[i].values, 1.0);
    return total;
}

size_t hd_profile_select_thread(struct hd_profile *p, long thread)
{
    hd_idtable_free(&p->index->samples);
    p->n_samples = 0;
    for (size_t i = 0; i < p->n_thread_samples; i++) {
        const struct hd_sample *t = &p->thread_samples[i];
        if (t->thread != thread)
            continue;
        struct hd_values none = {0, 0, 0, 0};
        add_sample_scaled(p, t->stack, HD_ALL_THREADS, &none, 1.0);
        struct hd_sample *s = &p->samples[p->n_samples - 1];
        s->values = t->values;
        s->base = t->base;
    }
    return p->n_samples;
}

struct hd_values hd_profile_base_total(const struct hd_profile *p)
{
    struct hd_values total = {0, 0, 0, 0};
    for (size_t i = 0; i < p->n_samples; i++)
        add_values(&total, &p->samples[i].base, 1.0);
    return total;
}
