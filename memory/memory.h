/* What one capture of a process's memory holds: the kernel's view (smaps,
 * smaps_rollup, pmap) and the allocators' own statistics (glibc
 * malloc_info/malloc_stats, jemalloc malloc_stats_print, gperftools
 * GetStats), and the heap profile of the same moment, each optional.
 *
 * memory/ reads them (hd_mem_read_snapshot, recognizing each file by its
 * content); analyze/memory.c turns snapshots into classes and findings.
 * All sizes are bytes.  HD_MEM_UNKNOWN marks a figure the capture did not
 * have (never 0 for "unknown").
 *
 * Ownership: a snapshot owns its arrays and strings; hd_mem_snapshot_free
 * frees them. */
#ifndef HD_MEMORY_H
#define HD_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define HD_MEM_UNKNOWN UINT64_MAX

/* One mapping (VMA) as smaps or pmap -x/-X shows it.  The kernel merges
 * adjacent anonymous mappings with the same permissions into one VMA: a
 * program's own mmaps and glibc's mmap'ed chunks (or an allocator's
 * chunks) can be one region, so a region is never attributed to one
 * owner by its address alone. */
struct hd_mem_region {
    uint64_t start;          /* inclusive */
    uint64_t limit;          /* exclusive; start < limit */
    char perms[5];           /* "rw-p"; "" when the capture had none */
    uint64_t offset;         /* file offset; 0 when anonymous or unknown */
    const char *path;        /* owned; "" when anonymous; "[heap]",
                                "[stack]", "[anon:NAME]", ... as written;
                                pmap gives base names only ("libc.so.6"),
                                and its "[ anon ]" is "" */
    uint64_t rss;            /* HD_MEM_UNKNOWN when the capture lacks it */
    uint64_t pss;
    uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
    uint64_t anonymous;      /* smaps "Anonymous:" */
    uint64_t swap;
    uint64_t anon_huge;      /* smaps "AnonHugePages:" */
};

/* smaps_rollup, or the sums of smaps' regions. */
struct hd_mem_rollup {
    uint64_t rss, pss, shared_clean, shared_dirty, private_clean,
        private_dirty, anonymous, swap, anon_huge; /* each may be UNKNOWN */
};

/* One glibc arena (malloc_info's <heap nr="N">, or malloc_stats' "Arena
 * N:").  Its free bytes include the top chunk, and glibc still counts
 * space that malloc_trim gave back (madvise) as free, though it is no
 * longer resident: free_bytes is an upper bound on what is resident. */
struct hd_mem_glibc_arena {
    int number;              /* malloc_info's nr; 0 is the main arena */
    uint64_t system_current; /* bytes the arena holds from the system */
    uint64_t system_max;     /* UNKNOWN from malloc_stats */
    uint64_t free_bytes;     /* free chunks, fastbins and top included */
    uint64_t fastbin_bytes;  /* UNKNOWN from malloc_stats */
    uint64_t free_chunks;    /* how many free chunks; UNKNOWN from
                                malloc_stats */
};

/* glibc's malloc_info() XML and/or malloc_stats() text.  malloc_info is
 * used when both are there: malloc_stats prints through (unsigned int)
 * casts, so its figures wrap above 4 GiB. */
struct hd_mem_glibc {
    bool present;
    bool from_malloc_info;   /* false: from malloc_stats alone */
    struct hd_mem_glibc_arena *arenas; /* in the order written */
    size_t n_arenas;
    uint64_t system_current; /* all arenas (malloc_info's total) */
    uint64_t system_max;     /* UNKNOWN from malloc_stats */
    uint64_t free_bytes;     /* all arenas */
    uint64_t mmap_bytes;     /* chunks mmap'ed directly (hblkhd); from
                                malloc_stats: its total less the arenas' */
    uint64_t mmap_count;     /* UNKNOWN from malloc_stats */
};

/* jemalloc's malloc_stats_print(), text or JSON.  stats.resident is an
 * upper bound (jemalloc counts as resident dirty pages it never touched),
 * and allocated rounds large size classes up.  metadata, mapped, retained
 * may be UNKNOWN (older versions); allocated, active, resident never are
 * when present. */
struct hd_mem_jemalloc {
    bool present;
    uint64_t allocated, active, metadata, resident, mapped, retained;
    uint64_t dirty_bytes;    /* dirty pages x page size, all arenas (the
                                merged section, else the arenas summed);
                                UNKNOWN without a page size */
    uint64_t muzzy_bytes;
    size_t n_arenas;         /* "Arenas: N" (arenas.narenas): the arenas
                                jemalloc may use, not only those in use;
                                0 when unknown */
};

/* gperftools' MallocExtension::GetStats() text.  tcmalloc grows the heap
 * with sbrk first, so "[heap]" in smaps is tcmalloc's there, not glibc's.
 * Every figure but in_use may be UNKNOWN (a line missing). */
struct hd_mem_tcmalloc {
    bool present;
    uint64_t in_use;         /* "Bytes in use by application" */
    uint64_t page_heap_free; /* "Bytes in page heap freelist" */
    uint64_t page_heap_unmapped; /* "Bytes released to OS (aka unmapped)" */
    uint64_t central_cache, transfer_cache, thread_cache;
    uint64_t metadata;       /* "Bytes in malloc metadata" */
    uint64_t actual_used;    /* "Actual memory used (physical + swap)" */
    uint64_t virtual_size;   /* "Virtual address space used" */
};

/* Where a snapshot's regions came from, least to most detailed. */
enum hd_mem_source {
    HD_MEM_SOURCE_NONE,
    HD_MEM_SOURCE_MAPS,      /* /proc/PID/maps: no sizes */
    HD_MEM_SOURCE_PMAP_X,    /* pmap -x: RSS only (and Dirty, not kept) */
    HD_MEM_SOURCE_PMAP_XX,   /* pmap -X / -XX: Rss, Pss, Anonymous, Swap,
                                ...; Shared_ and Private_ only with -XX */
    HD_MEM_SOURCE_SMAPS,     /* smaps: every field */
};

/* One snapshot: a file, or a directory of files found by their content.
 * The heap profiler, when one ran, has its own resident memory (its
 * tables, the stack traces) outside what the allocator's statistics call
 * in use: a profile being present says so. */
struct hd_mem_snapshot {
    const char *name;        /* owned: the path given */
    struct hd_mem_region *regions; /* smaps or pmap, sorted by start,
                                      never overlapping */
    size_t n_regions;
    bool has_regions;
    enum hd_mem_source regions_source; /* smaps > pmap -X > pmap -x > maps:
                                          the most detailed one given */
    bool regions_have_rss;   /* every region's RSS known (smaps, pmap) */
    struct hd_mem_rollup rollup; /* from smaps_rollup, else summed */
    bool has_rollup;
    struct hd_mem_glibc glibc;
    struct hd_mem_jemalloc jemalloc;
    struct hd_mem_tcmalloc tcmalloc;
    const char *profile_path; /* owned: a heap profile found in the
                                 directory (sniffed), or NULL */
    size_t n_threads;        /* thread stacks seen ("[stack:TID]" or a
                                status file); 0 when unknown */
    bool threads_from_status; /* n_threads is status's "Threads:" */
};

/* Read PATH (a file, or a directory holding a capture's files) into *OUT.
 * Each file is recognized by its content; files that are none of the
 * inputs above are skipped with a warning.  Returns 0, or -1 with *ERR set
 * (FILE:LINE of the offending input) for unreadable or malformed input. */
int hd_mem_read_snapshot(const char *path, struct hd_mem_snapshot *out, struct hd_error *err);

/* Free what hd_mem_read_snapshot filled.  NULL is fine. */
void hd_mem_snapshot_free(struct hd_mem_snapshot *snap);

#endif
