/* Two snapshots or a series: each class's growth and verdict, and the
 * findings (memory_analysis.h; README, "When RSS grows and the heap does
 * not", says how a finding is chosen). */
#include "memory_analysis.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* Growth under this much, and under MIN_GROWTH_SHARE of the first RSS,
 * is nothing to explain. */
#define MIN_GROWTH_BYTES (1024.0 * 1024.0)
#define MIN_GROWTH_SHARE 0.01
/* A cause explains the growth when it is at least this share of it ... */
#define EXPLAINS_SHARE 0.5
/* ... and is mentioned beside the main one from this share on. */
#define MENTION_SHARE 0.25

const char *hd_mem_format_bytes(double bytes, bool sign, char *buf, size_t size)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = fabs(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    const char *s = !sign ? (bytes < 0 ? "-" : "") : bytes < 0 ? "-" : "+";
    if (u == 0 || v >= 100)
        snprintf(buf, size, "%s%.0f %s", s, v, units[u]);
    else if (u >= 3)
        snprintf(buf, size, "%s%.2f %s", s, v, units[u]);
    else
        snprintf(buf, size, "%s%.1f %s", s, v, units[u]);
    return buf;
}

/* B's RSS, or the sum of its classes when unknown. */
static double total_of(const struct hd_mem_breakdown *b)
{
    return b->rss != HD_MEM_UNKNOWN ? (double)b->rss : (double)hd_mem_breakdown_sum(b);
}

/* A small formatter: the sizes of one sentence in rotating buffers. */
struct sizes {
    char buf[8][32];
    int next;
};

static const char *sz(struct sizes *s, double bytes, bool sign)
{
    char *b = s->buf[s->next++ % 8];
    return hd_mem_format_bytes(bytes, sign, b, sizeof s->buf[0]);
}

static struct hd_mem_finding *add(struct hd_mem_analysis *a, const char *cause,
                                  enum hd_mem_class c, double growth)
{
    if (a->n_findings == HD_MEM_MAX_FINDINGS)
        return NULL;
    struct hd_mem_finding *f = &a->findings[a->n_findings++];
    f->cause = cause;
    f->main_class = c;
    f->growth = growth;
    f->text[0] = '\0';
    return f;
}

static void append(struct hd_mem_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append(struct hd_mem_finding *f, const char *fmt, ...)
{
    size_t used = strlen(f->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text + used, sizeof f->text - used, fmt, ap);
    va_end(ap);
}

/* "; --trend: leak, 97% sure" when class C has a verdict. */
static void append_verdict(struct hd_mem_finding *f, const struct hd_mem_analysis *a,
                           enum hd_mem_class c)
{
    const struct hd_mem_class_series *s = &a->classes[c];
    if (s->has_verdict)
        append(f, " (--trend: %s, %.0f%% sure)", hd_verdict_name(s->verdict.verdict),
               floor(100 * s->verdict.confidence));
}

/* Where the heap-in-use figure comes from, for a sentence. */
static const char *heap_source(const struct hd_mem_breakdown *b)
{
    if (b->heap_from_profile)
        return "from the heap profile";
    switch (b->allocator) {
    case HD_MEM_ALLOCATOR_GLIBC:
        return "from malloc_info";
    case HD_MEM_ALLOCATOR_JEMALLOC:
        return "from jemalloc's stats.allocated";
    case HD_MEM_ALLOCATOR_TCMALLOC:
        return "from tcmalloc's statistics";
    default:
        return "unknown: no profile or allocator statistics";
    }
}

/* The file whose RSS grew most from FIRST to LAST, and by how much. */
static const char *file_grown_most(const struct hd_mem_breakdown *first,
                                   const struct hd_mem_breakdown *last, double *growth)
{
    const char *path = NULL;
    *growth = 0;
    for (size_t i = 0; i < last->n_files; i++) {
        double before = 0;
        for (size_t j = 0; j < first->n_files; j++)
            if (strcmp(first->files[j].path, last->files[i].path) == 0)
                before = (double)first->files[j].rss;
        double g = (double)last->files[i].rss - before;
        if (g > *growth) {
            *growth = g;
            path = last->files[i].path;
        }
    }
    return path;
}

/* The causes a finding can name, each a class or a group of them. */
enum cause {
    CAUSE_HEAP,
    CAUSE_FREE,
    CAUSE_CACHES,
    CAUSE_METADATA,
    CAUSE_OVERHEAD,
    CAUSE_PROFILER,
    CAUSE_STACKS,
    CAUSE_ANON,
    CAUSE_FILES,
    CAUSE_UNEXPLAINED,
    CAUSE_COUNT
};

static const enum hd_mem_class cause_class[CAUSE_COUNT] = {
    HD_MEM_HEAP_IN_USE,    HD_MEM_ALLOC_FREE, HD_MEM_ALLOC_CACHES,  HD_MEM_ALLOC_METADATA,
    HD_MEM_ALLOC_OVERHEAD, HD_MEM_PROFILER,   HD_MEM_THREAD_STACKS, HD_MEM_OTHER_ANON,
    HD_MEM_FILE_CODE,      HD_MEM_UNEXPLAINED,
};

static double cause_growth(const struct hd_mem_analysis *a, enum cause c)
{
    if (c == CAUSE_FILES)
        return a->classes[HD_MEM_FILE_CODE].growth + a->classes[HD_MEM_FILE_DATA].growth +
               a->classes[HD_MEM_MAPPED_FILES].growth;
    return a->classes[cause_class[c]].growth;
}

/* The sentence of cause C (not the heap), growth G, into a new finding. */
static void say_cause(struct hd_mem_analysis *a, enum cause c, double g)
{
    const struct hd_mem_breakdown *first = &a->snapshots[0];
    const struct hd_mem_breakdown *last = &a->snapshots[a->n_snapshots - 1];
    struct sizes s = {0};
    const char *name = "allocator_free";
    if (c == CAUSE_FREE)
        name = last->allocator == HD_MEM_ALLOCATOR_GLIBC      ? "glibc_fragmentation"
               : last->allocator == HD_MEM_ALLOCATOR_JEMALLOC ? "jemalloc_dirty"
               : last->allocator == HD_MEM_ALLOCATOR_TCMALLOC ? "tcmalloc_page_heap"
                                                              : "allocator_free";
    static const char *const names[CAUSE_COUNT] = {
        "heap_growth", NULL, "allocator_caches", "allocator_metadata", "allocator_overhead",
        "profiler", "thread_stacks", "anonymous_mmaps", "file_mappings", "unexplained"};
    struct hd_mem_finding *f = add(a, c == CAUSE_FREE ? name : names[c], cause_class[c], g);
    if (!f)
        return;
    double free_now = (double)last->classes[HD_MEM_ALLOC_FREE];
    switch (c) {
    case CAUSE_FREE:
        if (last->allocator == HD_MEM_ALLOCATOR_GLIBC) {
            const struct hd_mem_arenas *x = &first->arenas, *y = &last->arenas;
            /* Their resident bytes where smaps says, else what they hold
             * from the system by malloc_info. */
            bool resident = first->regions && last->regions;
            double held = resident ? (double)(y->main_resident + y->heaps_resident) -
                                         (double)(x->main_resident + x->heaps_resident)
                                   : (double)(y->main_system + y->other_system) -
                                         (double)(x->main_system + x->other_system);
            if (y->n_arenas > x->n_arenas)
                append(f, "%zu new glibc arenas (%zu -> %zu, the main one included) hold %s%s, "
                          "%s of it free: fragmentation across threads (see MALLOC_ARENA_MAX, "
                          "malloc_trim)",
                       y->n_arenas - x->n_arenas, x->n_arenas, y->n_arenas, sz(&s, held, false),
                       resident ? "" : " more from the system", sz(&s, g, false));
            else
                append(f, "free chunks resident in glibc's %zu arenas grew %s, to %s: "
                          "fragmentation (see malloc_trim, M_TRIM_THRESHOLD)",
                       y->n_arenas, sz(&s, g, false), sz(&s, free_now, false));
        } else if (last->allocator == HD_MEM_ALLOCATOR_JEMALLOC) {
            append(f, "jemalloc's dirty pages grew %s, to %s resident", sz(&s, g, false),
                   sz(&s, free_now, false));
            if ((double)last->allocator_free > free_now + MIN_GROWTH_BYTES)
                append(f, " (it counts %s: its resident figure is an upper bound)",
                       sz(&s, (double)last->allocator_free, false));
            append(f, ": pages the program freed that jemalloc keeps for reuse (see "
                      "dirty_decay_ms, arena.<i>.purge)");
        } else if (last->allocator == HD_MEM_ALLOCATOR_TCMALLOC) {
            append(f, "tcmalloc's page heap free list grew %s, to %s: memory the program "
                      "freed that tcmalloc keeps instead of returning it (see "
                      "TCMALLOC_RELEASE_RATE, MallocExtension::ReleaseFreeMemory)",
                   sz(&s, g, false), sz(&s, free_now, false));
        } else {
            append(f, "free memory the allocator keeps grew %s", sz(&s, g, false));
        }
        break;
    case CAUSE_CACHES:
        append(f, "the allocator's thread, central and transfer caches grew %s, to %s (see "
                  "TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES)",
               sz(&s, g, false), sz(&s, (double)last->classes[HD_MEM_ALLOC_CACHES], false));
        break;
    case CAUSE_METADATA:
        append(f, "the allocator's metadata grew %s, to %s", sz(&s, g, false),
               sz(&s, (double)last->classes[HD_MEM_ALLOC_METADATA], false));
        break;
    case CAUSE_OVERHEAD:
        append(f, "what the allocator holds beyond the program's requests (size classes, "
                  "headers, partly used pages) grew %s",
               sz(&s, g, false));
        break;
    case CAUSE_PROFILER:
        append(f, "the heap profiler's own tables (estimated from the live objects) grew %s",
               sz(&s, g, false));
        break;
    case CAUSE_STACKS:
        append(f, "thread stacks grew %s (%zu -> %zu stacks)", sz(&s, g, false),
               first->n_thread_stacks, last->n_thread_stacks);
        break;
    case CAUSE_ANON:
        if (last->allocator != HD_MEM_ALLOCATOR_NONE)
            append(f, "anonymous mappings outside every allocator grew %s, to %s: memory "
                      "mapped directly, not through malloc",
                   sz(&s, g, false), sz(&s, (double)last->classes[HD_MEM_OTHER_ANON], false));
        else
            append(f, "anonymous memory grew %s; the capture has no allocator statistics, so "
                      "malloc's memory cannot be told from direct mmaps",
                   sz(&s, g, false));
        break;
    case CAUSE_FILES: {
        double file_growth;
        const char *path = file_grown_most(first, last, &file_growth);
        append(f, "file-backed memory grew %s", sz(&s, g, false));
        if (path)
            append(f, ", most in %s (%s)", path, sz(&s, file_growth, true));
        break;
    }
    case CAUSE_UNEXPLAINED:
        append(f, "%s of the growth is in no class (see the notes)", sz(&s, g, false));
        break;
    case CAUSE_HEAP:
    case CAUSE_COUNT:
        break;
    }
    append_verdict(f, a, cause_class[c]);
}

static void find_one_snapshot(struct hd_mem_analysis *a)
{
    const struct hd_mem_breakdown *b = &a->snapshots[0];
    double total = total_of(b);
    if (total <= 0)
        return;
    int largest = 0;
    for (int c = 1; c < HD_MEM_CLASS_COUNT; c++)
        if (b->classes[c] > b->classes[largest])
            largest = c;
    struct sizes s = {0};
    struct hd_mem_finding *f =
        add(a, "largest_class", (enum hd_mem_class)largest, (double)b->classes[largest]);
    append(f, "%s is %s; the largest class is %s, %s (%.0f%%)",
           b->rss != HD_MEM_UNKNOWN ? "RSS" : "the memory the statistics count",
           sz(&s, total, false), hd_mem_class_label((enum hd_mem_class)largest),
           sz(&s, (double)b->classes[largest], false), 100.0 * (double)b->classes[largest] / total);
    if (largest == HD_MEM_ALLOC_FREE && b->glibc)
        append(f, ", in %zu glibc arenas", b->arenas.n_arenas);
}

static void find_growth(struct hd_mem_analysis *a)
{
    const struct hd_mem_breakdown *first = &a->snapshots[0];
    const struct hd_mem_breakdown *last = &a->snapshots[a->n_snapshots - 1];
    bool rss = first->rss != HD_MEM_UNKNOWN && last->rss != HD_MEM_UNKNOWN;
    const char *what = rss ? "RSS" : "the memory the statistics count";
    double before = total_of(first), after = total_of(last), g = after - before;
    struct sizes s = {0};
    if (g < MIN_GROWTH_BYTES || g < MIN_GROWTH_SHARE * before) {
        struct hd_mem_finding *f = add(a, "no_growth", HD_MEM_UNEXPLAINED, g);
        append(f, "%s %s %s (%s -> %s): nothing to explain", what,
               g < 0 ? "shrank" : "grew only", sz(&s, fabs(g), false), sz(&s, before, false),
               sz(&s, after, false));
        return;
    }
    double heap = cause_growth(a, CAUSE_HEAP);
    enum cause largest = CAUSE_HEAP;
    for (int c = 1; c < CAUSE_COUNT; c++)
        if (cause_growth(a, (enum cause)c) > cause_growth(a, largest))
            largest = (enum cause)c;
    /* The heap in use comes first whenever it explains the growth or
     * grew more than any other class: memory the program holds is never
     * explained away as the allocator's. */
    if (largest == CAUSE_HEAP || heap >= EXPLAINS_SHARE * g) {
        struct hd_mem_finding *f = add(a, "heap_growth", HD_MEM_HEAP_IN_USE, heap);
        append(f, "%s grew %s (%s -> %s); the heap in use grew %s (%s), %.0f%% of it: the "
                  "program holds more memory, a leak or growing data, not the allocator "
                  "(heapdiff --base on the profiles shows where)",
               what, sz(&s, g, false), sz(&s, before, false), sz(&s, after, false),
               sz(&s, heap, false), heap_source(last), 100.0 * heap / g);
        append_verdict(f, a, HD_MEM_HEAP_IN_USE);
    } else if (cause_growth(a, largest) >= EXPLAINS_SHARE * g) {
        say_cause(a, largest, cause_growth(a, largest));
        struct hd_mem_finding *f = &a->findings[a->n_findings - 1];
        char cause_text[sizeof f->text];
        snprintf(cause_text, sizeof cause_text, "%s", f->text);
        f->text[0] = '\0';
        append(f, "%s grew %s (%s -> %s); ", what, sz(&s, g, false), sz(&s, before, false),
               sz(&s, after, false));
        if (last->allocator != HD_MEM_ALLOCATOR_NONE || last->heap_from_profile)
            append(f, "the heap in use accounts for %s (%s); ", sz(&s, heap, false),
                   heap_source(last));
        else
            append(f, "the heap in use is unknown (no profile or allocator statistics); ");
        append(f, "%s", cause_text);
    } else {
        struct hd_mem_finding *f = add(a, "mixed", HD_MEM_UNEXPLAINED, g);
        append(f, "%s grew %s (%s -> %s); no one class explains it:", what, sz(&s, g, false),
               sz(&s, before, false), sz(&s, after, false));
        bool used[CAUSE_COUNT] = {0};
        for (int k = 0; k < 3; k++) {
            int best = -1;
            for (int c = 0; c < CAUSE_COUNT; c++)
                if (!used[c] && cause_growth(a, (enum cause)c) > 0 &&
                    (best < 0 || cause_growth(a, (enum cause)c) > cause_growth(a, (enum cause)best)))
                    best = c;
            if (best < 0)
                break;
            used[best] = true;
            enum hd_mem_class cls = cause_class[best];
            append(f, "%s %s %s", k ? "," : "",
                   best == CAUSE_FILES ? "file-backed memory" : hd_mem_class_label(cls),
                   sz(&s, cause_growth(a, (enum cause)best), true));
        }
    }
    /* The other causes worth a sentence, the heap first. */
    enum cause main_cause = a->findings[0].main_class == HD_MEM_HEAP_IN_USE ? CAUSE_HEAP : largest;
    if (strcmp(a->findings[0].cause, "mixed") == 0)
        return;
    for (int c = 0; c < CAUSE_COUNT; c++) {
        if ((enum cause)c == main_cause || cause_growth(a, (enum cause)c) < MENTION_SHARE * g)
            continue;
        if (c == CAUSE_HEAP) {
            struct hd_mem_finding *f = add(a, "heap_growth", HD_MEM_HEAP_IN_USE, heap);
            if (f) {
                append(f, "the heap in use also grew %s (%s): memory the program holds",
                       sz(&s, heap, false), heap_source(last));
                append_verdict(f, a, HD_MEM_HEAP_IN_USE);
            }
        } else {
            say_cause(a, (enum cause)c, cause_growth(a, (enum cause)c));
        }
    }
}

void hd_mem_analyze(struct hd_mem_breakdown *snapshots, size_t n,
                    const struct hd_trend_thresholds *thresholds, struct hd_mem_analysis *a)
{
    memset(a, 0, sizeof *a);
    a->snapshots = snapshots;
    a->n_snapshots = n;
    a->trend = thresholds != NULL;
    if (thresholds)
        a->thresholds = *thresholds;
    const struct hd_mem_breakdown *first = &snapshots[0], *last = &snapshots[n - 1];
    if (first->rss != HD_MEM_UNKNOWN && last->rss != HD_MEM_UNKNOWN)
        a->rss_growth = (double)last->rss - (double)first->rss;
    double *y = hd_calloc(n, sizeof *y);
    for (int c = 0; c < HD_MEM_CLASS_COUNT; c++) {
        struct hd_mem_class_series *s = &a->classes[c];
        s->growth = (double)last->classes[c] - (double)first->classes[c];
        if (thresholds && n >= 3) {
            for (size_t k = 0; k < n; k++)
                y[k] = (double)snapshots[k].classes[c];
            s->verdict = hd_classify(y, NULL, n, thresholds);
            s->has_verdict = true;
        }
    }
    if (thresholds && n >= 3) {
        for (size_t k = 0; k < n; k++)
            y[k] = total_of(&snapshots[k]);
        a->rss_verdict = hd_classify(y, NULL, n, thresholds);
        a->rss_has_verdict = true;
    }
    free(y);
    if (n == 1)
        find_one_snapshot(a);
    else
        find_growth(a);
}

void hd_mem_analysis_release(struct hd_mem_analysis *a)
{
    if (!a)
        return;
    for (size_t k = 0; k < a->n_snapshots; k++)
        hd_mem_breakdown_release(&a->snapshots[k]);
    free(a->snapshots);
    a->snapshots = NULL;
    a->n_snapshots = 0;
}
