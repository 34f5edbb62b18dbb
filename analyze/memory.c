/* One snapshot's RSS broken down into classes (memory_analysis.h; the
 * rules are README's, "When RSS grows and the heap does not").
 *
 * First every region of smaps (or pmap -x) goes to one area by its
 * address, permissions and path: glibc's main heap ([heap]), glibc's
 * other heaps (64 MiB-aligned), thread stacks, files, and the pool of the
 * remaining anonymous memory.  Then the allocator's statistics split the
 * areas that are the allocator's, each figure bounded by the resident
 * memory of its area, since the statistics count address space that may
 * never have been touched or has been trimmed.  What no statistics claim
 * stays "other anonymous"; what a rule cannot place is "unexplained". */
#include "memory_analysis.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

static const char *const class_keys[HD_MEM_CLASS_COUNT] = {
    "heap_in_use",     "alloc_overhead", "alloc_free",   "alloc_caches",
    "alloc_metadata",  "profiler",       "thread_stacks", "other_anonymous",
    "file_code",       "file_data",      "mapped_files",  "unexplained",
};

static const char *const class_labels[HD_MEM_CLASS_COUNT] = {
    "heap in use by the program",
    "allocator: beyond the requests",
    "allocator: free but retained",
    "allocator: thread caches",
    "allocator: metadata",
    "heap profiler's own (estimate)",
    "thread stacks",
    "other anonymous memory",
    "code of programs and libraries",
    "data of programs and libraries",
    "other mapped files",
    "unexplained",
};

const char *hd_mem_class_key(enum hd_mem_class c)
{
    return class_keys[c];
}

const char *hd_mem_class_label(enum hd_mem_class c)
{
    return class_labels[c];
}

const char *hd_mem_allocator_name(enum hd_mem_allocator a)
{
    static const char *const names[] = {"none", "glibc", "jemalloc", "tcmalloc"};
    return names[a];
}

/* gperftools' heap profiler keeps, outside the allocator, an address map
 * of the live objects (addressmap-inl.h): a 32-byte entry per object
 * (chain, key, bucket, size), and for each 1 MiB of address space holding
 * some, a cluster of 8192 block pointers (64 KiB + 16 bytes), zeroed when
 * made, so resident.  The live objects fill at least in-use bytes / 1 MiB
 * clusters, entries and clusters are never given back, and its fixed
 * tables (179999 bucket pointers, the 1 MiB dump buffer) are left out as
 * mostly untouched: the estimate is a lower bound. */
#define PROFILER_BYTES_PER_OBJECT 32.0
#define PROFILER_CLUSTER_SPAN (1024.0 * 1024.0)
#define PROFILER_CLUSTER_BYTES (8192.0 * 8 + 16)

/* The largest guard page glibc's pthread_create puts below a stack that
 * heapdiff recognizes (the default is one page; guardsize can be more). */
#define MAX_GUARD_BYTES ((uint64_t)1 << 20)

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* A - B, 0 when B >= A. */
static uint64_t less(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* X, 0 when unknown. */
static uint64_t known(uint64_t x)
{
    return x == HD_MEM_UNKNOWN ? 0 : x;
}

static void note(struct hd_mem_breakdown *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct hd_mem_breakdown *b, const char *fmt, ...)
{
    if (b->n_notes == HD_MEM_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->notes[b->n_notes++], sizeof b->notes[0], fmt, ap);
    va_end(ap);
}

static bool is_anonymous(const struct hd_mem_region *r)
{
    return r->path[0] == '\0' || strncmp(r->path, "[anon:", 6) == 0;
}

static bool is_read_write(const struct hd_mem_region *r)
{
    return r->perms[0] == 'r' && r->perms[1] == 'w';
}

static bool is_no_access(const struct hd_mem_region *r)
{
    return strncmp(r->perms, "---", 3) == 0;
}

/* Whether REGIONS[I] starts one of glibc's non-main heaps: anonymous,
 * read-write from an address aligned to HD_MEM_GLIBC_HEAP_MAX, and either
 * exactly that long or followed at once by an anonymous PROT_NONE region
 * reaching the next alignment (glibc's new_heap maps the whole
 * HEAP_MAX_SIZE and opens it as the heap grows).  A heap the kernel merged
 * with a neighbour of the same protection is not recognized. */
static bool starts_heap(const struct hd_mem_snapshot *s, size_t i)
{
    const struct hd_mem_region *r = &s->regions[i];
    if (!is_anonymous(r) || !is_read_write(r) || r->start % HD_MEM_GLIBC_HEAP_MAX != 0)
        return false;
    uint64_t end = r->start + HD_MEM_GLIBC_HEAP_MAX;
    if (r->limit == end)
        return true;
    if (r->limit > end || i + 1 >= s->n_regions)
        return false;
    const struct hd_mem_region *next = &s->regions[i + 1];
    return next->start == r->limit && is_anonymous(next) && is_no_access(next) &&
           next->limit >= end;
}

/* Whether REGIONS[I] is a thread's stack: [stack], a named pthread stack
 * (glibc >= 2.39 names them with glibc.mem.decorate_maps), or an
 * anonymous read-write region right above an anonymous PROT_NONE guard of
 * at most MAX_GUARD_BYTES that is not a heap's tail (pthread_create maps
 * the guard at the low end of each stack). */
static bool is_stack(const struct hd_mem_snapshot *s, size_t i, const bool *heap_tail)
{
    const struct hd_mem_region *r = &s->regions[i];
    if (strcmp(r->path, "[stack]") == 0 || strncmp(r->path, "[stack:", 7) == 0 ||
        strstr(r->path, "pthread stack"))
        return true;
    if (i == 0 || !is_anonymous(r) || !is_read_write(r))
        return false;
    const struct hd_mem_region *guard = &s->regions[i - 1];
    return guard->limit == r->start && is_anonymous(guard) && is_no_access(guard) &&
           guard->limit - guard->start <= MAX_GUARD_BYTES && !heap_tail[i - 1];
}

/* The areas the regions fall in, before any statistics. */
struct areas {
    uint64_t heap_segment; /* [heap] */
    uint64_t heaps;        /* glibc's non-main heaps (B->arenas.heaps) */
    uint64_t stacks;
    uint64_t anon;         /* every other anonymous region */
    uint64_t code, data, mapped;
};

static int by_path(const void *a, const void *b)
{
    const struct hd_mem_region *x = *(const struct hd_mem_region *const *)a;
    const struct hd_mem_region *y = *(const struct hd_mem_region *const *)b;
    int c = strcmp(x->path, y->path);
    return c ? c : x->start < y->start ? -1 : x->start > y->start;
}

static int by_rss(const void *a, const void *b)
{
    const struct hd_mem_file *x = a, *y = b;
    return x->rss < y->rss ? 1 : x->rss > y->rss ? -1 : strcmp(x->path, y->path);
}

/* Files: the code of a file with an executable mapping is its executable
 * regions, its data the others; a file with none is a mapped file.  Kernel
 * mappings such as [vdso] count as files of their name.  FILES[0..N) are
 * the file regions; fills B->files and A's file areas. */
static void sum_files(const struct hd_mem_region **files, size_t n, struct hd_mem_breakdown *b,
                      struct areas *a)
{
    qsort(files, n, sizeof *files, by_path);
    b->files = hd_calloc(n + 1, sizeof *b->files);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        bool code = false;
        uint64_t rss = 0, exec_rss = 0;
        for (; j < n && strcmp(files[j]->path, files[i]->path) == 0; j++) {
            rss += known(files[j]->rss);
            if (files[j]->perms[2] == 'x') {
                code = true;
                exec_rss += known(files[j]->rss);
            }
        }
        b->files[b->n_files++] = (struct hd_mem_file){files[i]->path, rss, code};
        if (code) {
            a->code += exec_rss;
            a->data += rss - exec_rss;
        } else {
            a->mapped += rss;
        }
        i = j;
    }
    qsort(b->files, b->n_files, sizeof *b->files, by_rss);
}

/* Place every region of S in an area; glibc's heaps are looked for when
 * FIND_HEAPS (the allocator is glibc's, or unknown). */
static void place_regions(const struct hd_mem_snapshot *s, bool find_heaps,
                          struct hd_mem_breakdown *b, struct areas *a)
{
    size_t n = s->n_regions;
    bool *heap_tail = hd_calloc(n + 1, sizeof *heap_tail);
    const struct hd_mem_region **files = hd_calloc(n + 1, sizeof *files);
    size_t n_files = 0;
    struct hd_mem_arenas *ar = &b->arenas;
    ar->heaps = hd_calloc(n + 1, sizeof *ar->heaps);
    for (size_t i = 0; i < n; i++) {
        const struct hd_mem_region *r = &s->regions[i];
        uint64_t rss = known(r->rss);
        if (find_heaps && starts_heap(s, i)) {
            ar->heaps[ar->n_heaps++] = (struct hd_mem_heap){r->start, r->limit - r->start, rss};
            ar->heaps_reserved += HD_MEM_GLIBC_HEAP_MAX;
            ar->heaps_resident += rss;
            a->heaps += rss;
            if (r->limit - r->start < HD_MEM_GLIBC_HEAP_MAX)
                heap_tail[i + 1] = true;
        } else if (heap_tail[i]) {
            a->anon += rss; /* PROT_NONE: nothing resident */
        } else if (strcmp(r->path, "[heap]") == 0) {
            a->heap_segment += rss;
        } else if (is_stack(s, i, heap_tail)) {
            a->stacks += rss;
            b->n_thread_stacks++;
        } else if (is_anonymous(r)) {
            a->anon += rss;
        } else {
            files[n_files++] = r;
        }
    }
    sum_files(files, n_files, b, a);
    free(files);
    free(heap_tail);
}

/* Take up to WANT bytes from *POOL; returns what was taken. */
static uint64_t take(uint64_t *pool, uint64_t want)
{
    uint64_t got = min_u64(*pool, want);
    *pool -= got;
    return got;
}

/* glibc with per-region RSS: each group of arenas (the main one in
 * [heap], the others in their heaps) has RESIDENT bytes; its in-use part
 * (system - free) is counted first, then its free chunks, so that space
 * malloc_trim gave back (still "free" in malloc_info, no longer resident)
 * is not counted twice.  Chunks glibc mmap'ed directly are taken from the
 * anonymous pool: the kernel may merge them with the program's own maps,
 * so only malloc_info's total says how much is glibc's. */
static void split_glibc(const struct hd_mem_glibc *g, struct areas *a, bool have_regions,
                        struct hd_mem_breakdown *b)
{
    struct hd_mem_arenas *ar = &b->arenas;
    ar->n_arenas = g->n_arenas;
    for (size_t i = 0; i < g->n_arenas; i++) {
        const struct hd_mem_glibc_arena *arena = &g->arenas[i];
        if (arena->number == 0) {
            ar->main_system += arena->system_current;
            ar->main_free += arena->free_bytes;
        } else {
            ar->other_system += arena->system_current;
            ar->other_free += arena->free_bytes;
        }
    }
    if (g->n_arenas == 0) {
        ar->main_system = known(g->system_current);
        ar->main_free = known(g->free_bytes);
    }
    ar->mmap_bytes = known(g->mmap_bytes);
    ar->main_resident = a->heap_segment;
    uint64_t in_use = 0, free_res = 0, extra = 0;
    if (have_regions) {
        uint64_t resident[2] = {a->heap_segment, a->heaps};
        uint64_t system[2] = {ar->main_system, ar->other_system};
        uint64_t free_bytes[2] = {ar->main_free, ar->other_free};
        for (int k = 0; k < 2; k++) {
            uint64_t left = resident[k];
            in_use += take(&left, less(system[k], free_bytes[k]));
            free_res += take(&left, free_bytes[k]);
            extra += left;
        }
        a->heap_segment = a->heaps = 0;
    } else {
        /* Without regions the arenas are somewhere in the anonymous
         * memory smaps_rollup counts. */
        uint64_t system = ar->main_system + ar->other_system;
        uint64_t free_bytes = ar->main_free + ar->other_free;
        in_use += take(&a->anon, less(system, free_bytes));
        free_res += take(&a->anon, free_bytes);
    }
    in_use += take(&a->anon, ar->mmap_bytes);
    ar->free_resident = free_res;
    b->allocator_in_use = in_use;
    b->allocator_free = ar->main_free + ar->other_free;
    b->classes[HD_MEM_ALLOC_FREE] = free_res;
    b->classes[HD_MEM_UNEXPLAINED] += extra;
    if (free_res + (1 << 20) < b->allocator_free)
        note(b, "malloc_info counts %.1f MiB free in the arenas, %.1f MiB of it resident "
                "(the rest trimmed or never touched)",
             b->allocator_free / 1048576.0, free_res / 1048576.0);
    if (extra > (1 << 20))
        note(b, "glibc's arenas have %.1f MiB resident beyond malloc_info's system bytes",
             extra / 1048576.0);
}

/* jemalloc: its extents are anonymous maps (and sbrk's [heap] with
 * dss), so its share of the pool is stats.resident, an upper bound
 * (pages counted dirty may never have been touched): allocated first,
 * then active's rest (partly used pages), metadata, and dirty pages
 * last, which take the shortfall. */
static void split_jemalloc(const struct hd_mem_jemalloc *j, struct areas *a,
                           struct hd_mem_breakdown *b)
{
    a->anon += a->heap_segment;
    a->heap_segment = 0;
    uint64_t share = take(&a->anon, known(j->resident));
    b->allocator_in_use = take(&share, known(j->allocated));
    b->classes[HD_MEM_ALLOC_OVERHEAD] += take(&share, less(known(j->active), known(j->allocated)));
    b->classes[HD_MEM_ALLOC_METADATA] += take(&share, known(j->metadata));
    b->classes[HD_MEM_ALLOC_FREE] += take(&share, known(j->dirty_bytes));
    b->classes[HD_MEM_ALLOC_OVERHEAD] += share;
    b->allocator_free = known(j->dirty_bytes);
    if (known(j->resident) > b->allocator_in_use + b->classes[HD_MEM_ALLOC_OVERHEAD] +
                                 b->classes[HD_MEM_ALLOC_METADATA] +
                                 b->classes[HD_MEM_ALLOC_FREE] + (1 << 20))
        note(b, "jemalloc's stats.resident (%.1f MiB, an upper bound) exceeds the anonymous "
                "memory smaps shows",
             known(j->resident) / 1048576.0);
}

/* tcmalloc (gperftools): it grows [heap] with sbrk before it maps, so
 * [heap] is its own, not glibc's.  Its share is "Actual memory used"
 * (physical + swap): the application's bytes first, then the caches,
 * metadata, and the page heap's free list last. */
static void split_tcmalloc(const struct hd_mem_tcmalloc *t, struct areas *a,
                           struct hd_mem_breakdown *b)
{
    a->anon += a->heap_segment;
    a->heap_segment = 0;
    uint64_t caches = known(t->central_cache) + known(t->transfer_cache) + known(t->thread_cache);
    uint64_t actual = t->actual_used != HD_MEM_UNKNOWN
                          ? t->actual_used
                          : known(t->in_use) + caches + known(t->metadata) +
                                known(t->page_heap_free);
    uint64_t share = take(&a->anon, actual);
    b->allocator_in_use = take(&share, known(t->in_use));
    b->classes[HD_MEM_ALLOC_CACHES] += take(&share, caches);
    b->classes[HD_MEM_ALLOC_METADATA] += take(&share, known(t->metadata));
    b->classes[HD_MEM_ALLOC_FREE] += take(&share, known(t->page_heap_free));
    b->classes[HD_MEM_ALLOC_OVERHEAD] += share;
    b->allocator_free = known(t->page_heap_free);
}

static enum hd_mem_allocator choose_allocator(const struct hd_mem_snapshot *s)
{
    /* A capture that asked glibc under a preloaded jemalloc or tcmalloc
     * sees glibc's idle main arena: the preloaded allocator's figures are
     * the ones that count. */
    if (s->jemalloc.present)
        return HD_MEM_ALLOCATOR_JEMALLOC;
    if (s->tcmalloc.present)
        return HD_MEM_ALLOCATOR_TCMALLOC;
    if (s->glibc.present)
        return HD_MEM_ALLOCATOR_GLIBC;
    return HD_MEM_ALLOCATOR_NONE;
}

void hd_mem_breakdown_of(const struct hd_mem_snapshot *s, const struct hd_mem_profile *profile,
                         struct hd_mem_breakdown *b)
{
    memset(b, 0, sizeof *b);
    b->name = s->name;
    b->rss = HD_MEM_UNKNOWN;
    b->allocator_in_use = b->allocator_free = HD_MEM_UNKNOWN;
    if (profile)
        b->profile = *profile;
    b->allocator = choose_allocator(s);
    b->n_threads = s->n_threads;
    if (s->has_rollup) {
        b->kernel = s->rollup;
        b->has_kernel = true;
    }
    bool regions = s->has_regions && s->regions_have_rss;
    b->regions = regions;
    bool glibc_like = b->allocator == HD_MEM_ALLOCATOR_GLIBC || b->allocator == HD_MEM_ALLOCATOR_NONE;
    struct areas a = {0};
    if (regions) {
        place_regions(s, glibc_like, b, &a);
        b->rss = a.heap_segment + a.heaps + a.stacks + a.anon + a.code + a.data + a.mapped;
        if (s->has_rollup && s->rollup.rss != HD_MEM_UNKNOWN &&
            (s->rollup.rss > b->rss + b->rss / 100 || b->rss > s->rollup.rss + s->rollup.rss / 100))
            note(b, "smaps_rollup's Rss (%.1f MiB) differs from the regions' sum (%.1f MiB): "
                    "captured at different moments; the regions' is used",
                 s->rollup.rss / 1048576.0, b->rss / 1048576.0);
    } else if (s->has_rollup && s->rollup.rss != HD_MEM_UNKNOWN) {
        b->rss = s->rollup.rss;
        a.anon = min_u64(known(s->rollup.anonymous), b->rss);
        a.mapped = b->rss - a.anon;
        note(b, "smaps_rollup only: no regions, so no arenas, stacks or files by path");
    } else {
        note(b, "no smaps or pmap -x: RSS unknown; the classes are the statistics' figures");
        a.anon = UINT64_MAX / 4; /* the statistics are taken as written */
    }
    b->glibc = b->allocator == HD_MEM_ALLOCATOR_GLIBC;
    switch (b->allocator) {
    case HD_MEM_ALLOCATOR_GLIBC:
        split_glibc(&s->glibc, &a, regions, b);
        break;
    case HD_MEM_ALLOCATOR_JEMALLOC:
        split_jemalloc(&s->jemalloc, &a, b);
        break;
    case HD_MEM_ALLOCATOR_TCMALLOC:
        split_tcmalloc(&s->tcmalloc, &a, b);
        break;
    case HD_MEM_ALLOCATOR_NONE:
        break;
    }
    /* The heap in use: the profile's figure where there is one, bounded
     * by what the allocator holds in use (its excess over the request is
     * the allocator's); else the allocator's own. */
    uint64_t heap = 0;
    if (b->allocator != HD_MEM_ALLOCATOR_NONE) {
        heap = b->allocator_in_use;
        if (b->profile.present) {
            uint64_t requested = (uint64_t)b->profile.inuse_bytes;
            if (requested > heap + (1 << 20))
                note(b, "the heap profile counts %.1f MiB in use, more than the %.1f MiB the "
                        "allocator holds resident (untouched or sampled)",
                     requested / 1048576.0, heap / 1048576.0);
            b->classes[HD_MEM_ALLOC_OVERHEAD] += less(heap, requested);
            heap = min_u64(heap, requested);
            b->heap_from_profile = true;
        }
    } else {
        /* No statistics: the profile's bytes are taken from glibc-shaped
         * memory first ([heap], 64 MiB heaps), then other anonymous; what
         * is left of the former cannot be split. */
        uint64_t shaped = a.heap_segment + a.heaps;
        if (b->profile.present) {
            uint64_t requested = (uint64_t)b->profile.inuse_bytes;
            heap = take(&shaped, requested);
            heap += take(&a.anon, requested - heap);
            b->heap_from_profile = true;
        }
        b->classes[HD_MEM_UNEXPLAINED] += shaped;
        if (shaped > 0)
            note(b, "no allocator statistics: %.1f MiB in [heap] and glibc-shaped heaps not "
                    "split into in use and free",
                 shaped / 1048576.0);
    }
    b->classes[HD_MEM_HEAP_IN_USE] = heap;
    if (b->profile.present && b->profile.gperftools) {
        double estimate = PROFILER_BYTES_PER_OBJECT * b->profile.inuse_objects +
                          PROFILER_CLUSTER_BYTES *
                              ceil(b->profile.inuse_bytes / PROFILER_CLUSTER_SPAN);
        b->classes[HD_MEM_PROFILER] = take(&a.anon, (uint64_t)estimate);
    }
    b->classes[HD_MEM_THREAD_STACKS] = a.stacks;
    b->classes[HD_MEM_FILE_CODE] = a.code;
    b->classes[HD_MEM_FILE_DATA] = a.data;
    b->classes[HD_MEM_MAPPED_FILES] = a.mapped;
    if (b->rss != HD_MEM_UNKNOWN) {
        b->classes[HD_MEM_OTHER_ANON] = a.anon;
        /* Every area was placed, so only rounding could leave a gap. */
        uint64_t sum = hd_mem_breakdown_sum(b);
        b->classes[HD_MEM_UNEXPLAINED] += less(b->rss, sum);
    }
}

uint64_t hd_mem_breakdown_sum(const struct hd_mem_breakdown *b)
{
    uint64_t sum = 0;
    for (int c = 0; c < HD_MEM_CLASS_COUNT; c++)
        sum += b->classes[c];
    return sum;
}

void hd_mem_breakdown_release(struct hd_mem_breakdown *b)
{
    if (!b)
        return;
    free(b->arenas.heaps);
    free(b->files);
    b->arenas.heaps = NULL;
    b->files = NULL;
}
