/* Where a process's resident memory went: one snapshot's RSS broken down
 * into classes (memory.c), and for two snapshots or a series each class's
 * growth, its trend verdict and a plain-language finding
 * (memory_findings.c).  The rules of every class are in README, "When RSS
 * grows and the heap does not"; the inputs are memory/memory.h's
 * snapshots (this header is not called memory.h: that one is the
 * inputs').
 *
 * The classes partition RSS: each resident byte smaps (or pmap -x) shows
 * is counted in exactly one class, so they sum to RSS; what no rule
 * places is the explicit class "unexplained". */
#ifndef HD_MEMORY_ANALYSIS_H
#define HD_MEMORY_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "memory.h"

enum hd_mem_class {
    HD_MEM_HEAP_IN_USE,     /* what the program holds: the heap profile's
                               in-use bytes, else the allocator's */
    HD_MEM_ALLOC_OVERHEAD,  /* held by the allocator beyond the program's
                               requests: size-class rounding, chunk headers,
                               partly used slabs */
    HD_MEM_ALLOC_FREE,      /* free but retained: free chunks in glibc's
                               arenas, jemalloc's dirty pages, tcmalloc's
                               page heap free list */
    HD_MEM_ALLOC_CACHES,    /* tcmalloc's thread, central and transfer
                               caches */
    HD_MEM_ALLOC_METADATA,  /* the allocator's own bookkeeping */
    HD_MEM_PROFILER,        /* gperftools' heap profiler's own tables
                               (estimated; README) */
    HD_MEM_THREAD_STACKS,   /* [stack] and anonymous regions behind a guard */
    HD_MEM_OTHER_ANON,      /* anonymous memory outside every allocator */
    HD_MEM_FILE_CODE,       /* executable mappings of files */
    HD_MEM_FILE_DATA,       /* the other mappings of those files */
    HD_MEM_MAPPED_FILES,    /* files mapped with no executable part */
    HD_MEM_UNEXPLAINED,     /* what no rule places */
};
#define HD_MEM_CLASS_COUNT 12

/* "heap_in_use", "alloc_free", ...: the JSON key. */
const char *hd_mem_class_key(enum hd_mem_class c);
/* "heap in use by the program", ...: the table's label (<= 34 chars). */
const char *hd_mem_class_label(enum hd_mem_class c);

/* Whose statistics a snapshot's allocator classes come from. */
enum hd_mem_allocator {
    HD_MEM_ALLOCATOR_NONE,  /* no statistics in the capture */
    HD_MEM_ALLOCATOR_GLIBC,
    HD_MEM_ALLOCATOR_JEMALLOC,
    HD_MEM_ALLOCATOR_TCMALLOC,
};
const char *hd_mem_allocator_name(enum hd_mem_allocator a); /* "glibc", ... */

/* The heap profile of the snapshot's moment, as the core read it (the
 * parser's in-use totals). */
struct hd_mem_profile {
    bool present;
    double inuse_bytes;   /* >= 0 */
    double inuse_objects; /* >= 0 */
    bool gperftools;      /* written by gperftools' heap profiler, whose
                             tables live outside the allocator */
};

/* glibc's arenas as smaps and malloc_info show them together.  A
 * non-main arena's memory is in heaps: regions of at most
 * HD_MEM_GLIBC_HEAP_MAX bytes aligned to it, read-write from their start
 * and PROT_NONE to their end (glibc's HEAP_MAX_SIZE on 64-bit). */
#define HD_MEM_GLIBC_HEAP_MAX ((uint64_t)64 << 20)

struct hd_mem_heap {
    uint64_t start;       /* aligned to HD_MEM_GLIBC_HEAP_MAX */
    uint64_t rw_bytes;    /* the read-write part, <= HD_MEM_GLIBC_HEAP_MAX */
    uint64_t rss;
};

struct hd_mem_arenas {
    size_t n_arenas;          /* malloc_info's heaps, the main one included;
                                 0 without malloc_info */
    uint64_t main_system;     /* the main arena's system bytes and free
                                 chunks (malloc_info nr 0) */
    uint64_t main_free;
    uint64_t main_resident;   /* [heap]'s RSS */
    uint64_t other_system;    /* the other arenas' */
    uint64_t other_free;
    struct hd_mem_heap *heaps; /* non-main heaps found in smaps, by address */
    size_t n_heaps;
    uint64_t heaps_reserved;  /* n_heaps x HD_MEM_GLIBC_HEAP_MAX */
    uint64_t heaps_resident;  /* their RSS */
    uint64_t free_resident;   /* free chunks counted resident: each group's
                                 free bounded by its RSS less its in-use */
    uint64_t mmap_bytes;      /* chunks mmap'ed directly (malloc_info) */
};

/* One file's resident memory. */
struct hd_mem_file {
    const char *path;     /* the snapshot's */
    uint64_t rss;
    bool code;            /* it has an executable mapping */
};

#define HD_MEM_MAX_NOTES 6

/* One snapshot, broken down. */
struct hd_mem_breakdown {
    const char *name;     /* the snapshot's */
    uint64_t rss;         /* the regions' sum, else smaps_rollup's;
                             HD_MEM_UNKNOWN without either */
    bool regions;         /* per-region RSS was known: the areas (arenas'
                             resident bytes, stacks, files) are measured */
    uint64_t classes[HD_MEM_CLASS_COUNT]; /* bytes; with RSS known they sum
                                             to it */
    enum hd_mem_allocator allocator;
    bool heap_from_profile; /* HD_MEM_HEAP_IN_USE is the profile's */
    struct hd_mem_profile profile;
    uint64_t allocator_in_use; /* the allocator's own in-use figure, resident
                                  part; HD_MEM_UNKNOWN without statistics */
    uint64_t allocator_free;   /* its free-but-retained figure as written
                                  (before bounding by RSS); UNKNOWN without */
    bool glibc;               /* ARENAS is filled (glibc's allocator) */
    struct hd_mem_arenas arenas; /* owned */
    size_t n_thread_stacks;   /* [stack] and guarded regions found */
    size_t n_threads;         /* the capture's thread count (status); 0
                                 when unknown */
    struct hd_mem_rollup kernel; /* smaps' own fields (UNKNOWN: absent) */
    bool has_kernel;
    struct hd_mem_file *files; /* owned; by RSS, largest first */
    size_t n_files;
    /* What the numbers do not settle, for the report (static strings or
     * owned copies in note_text). */
    char notes[HD_MEM_MAX_NOTES][200];
    size_t n_notes;
};

/* Break SNAP down as README, "When RSS grows and the heap does not",
 * says, with PROFILE (NULL: none) the heap profile of the same moment.
 * Fills *OUT, which points into SNAP (names, paths): SNAP must outlive
 * it.  Never fails: what the capture lacks makes classes 0 and notes. */
void hd_mem_breakdown_of(const struct hd_mem_snapshot *snap, const struct hd_mem_profile *profile,
                         struct hd_mem_breakdown *out);

/* Free what hd_mem_breakdown_of allocated.  NULL is fine. */
void hd_mem_breakdown_release(struct hd_mem_breakdown *b);

/* The sum of B's classes. */
uint64_t hd_mem_breakdown_sum(const struct hd_mem_breakdown *b);

/* ---- two snapshots or a series (memory_findings.c) ---- */

/* One class over the series. */
struct hd_mem_class_series {
    double growth;        /* last - first, bytes */
    bool has_verdict;     /* --trend with >= 3 snapshots */
    struct hd_classification verdict;
};

#define HD_MEM_MAX_FINDINGS 4

/* A finding: one cause and its numbers, in a sentence. */
struct hd_mem_finding {
    const char *cause;    /* "heap_growth", "glibc_fragmentation",
                             "jemalloc_dirty", "tcmalloc_page_heap",
                             "allocator_free", "allocator_caches",
                             "allocator_metadata", "allocator_overhead",
                             "thread_stacks", "anonymous_mmaps",
                             "file_mappings", "profiler", "unexplained",
                             "no_growth", "mixed", "largest_class" */
    enum hd_mem_class main_class; /* the class it is about */
    double growth;        /* that class's growth (or size, for one
                             snapshot), bytes */
    char text[600];       /* plain language, with the numbers */
};

/* The series: its snapshots' breakdowns, and what changed. */
struct hd_mem_analysis {
    struct hd_mem_breakdown *snapshots; /* owned; n_snapshots >= 1, in order */
    size_t n_snapshots;
    bool trend;                /* verdicts were asked for ... */
    struct hd_trend_thresholds thresholds; /* ... under these */
    double rss_growth;         /* last - first; 0 with RSS unknown */
    struct hd_mem_class_series classes[HD_MEM_CLASS_COUNT];
    bool rss_has_verdict;
    struct hd_classification rss_verdict;
    struct hd_mem_finding findings[HD_MEM_MAX_FINDINGS]; /* the first is
                                   the main finding */
    size_t n_findings;
};

/* Analyze the N (>= 1) breakdowns SNAPSHOTS (taken over: released with
 * the analysis) in order: growth per class from the first to the last,
 * with THRESHOLDS (NULL: no --trend) each class's verdict when N >= 3,
 * and the findings (README).  Fills *OUT. */
void hd_mem_analyze(struct hd_mem_breakdown *snapshots, size_t n,
                    const struct hd_trend_thresholds *thresholds, struct hd_mem_analysis *out);

void hd_mem_analysis_release(struct hd_mem_analysis *a);

/* BYTES for people: "412 MiB", "3.5 MiB", "812 KiB", "1.21 GiB", "0 B";
 * with SIGN a leading '+' or '-'.  Returns BUF. */
const char *hd_mem_format_bytes(double bytes, bool sign, char *buf, size_t size);

#endif
