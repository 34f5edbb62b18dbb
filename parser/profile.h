/* The common profile model: what every parser produces and every later
 * stage reads.
 *
 * A profile is a set of samples.  Each sample is an interned stack of
 * interned locations plus four values.  A location is an address normalized
 * to (mapping file, file offset), so that locations from two runs of the
 * same program with different address layouts compare equal (DESIGN.md,
 * "Addresses are normalized early").
 *
 * Ownership: the profile owns everything reachable from it.  Pointers into
 * it (stacks' location arrays, mapping paths) live until hd_profile_free().
 * Arrays may move when the profile grows: hold ids, not element pointers,
 * across calls that add to the profile. */
#ifndef HD_PROFILE_H
#define HD_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define HD_NO_MAPPING UINT32_MAX
#define HD_ALL_THREADS (-1)

/* Which program wrote the file. */
enum hd_producer {
    HD_PRODUCER_UNKNOWN,
    HD_PRODUCER_GPERFTOOLS, /* tcmalloc's heap profiler or sampler */
    HD_PRODUCER_JEMALLOC,   /* jemalloc >= 4 threaded format */
    HD_PRODUCER_JEMALLOC_3, /* jemalloc 2.x/3.x: legacy text, unpadded */
};

/* Which text layout the file used (FORMATS.md §1). */
enum hd_format {
    HD_FORMAT_LEGACY,   /* "heap profile: A: B [C: D] @ TYPE" + one line per stack */
    HD_FORMAT_THREADED, /* "heap_v2/R" + "@ stack" + "t*:"/"tN:" lines */
};

/* How the counts in the file were turned into estimates (FORMATS.md §2). */
enum hd_sampling {
    HD_SAMPLING_NONE, /* values are exact */
    HD_SAMPLING_V1,   /* perl's v1 ratio rule, period in sample_period */
    HD_SAMPLING_V2,   /* Poisson rule 1/(1-exp(-avg/R)), R = sample_period */
};

/* The four values of a sample.  Unsampled estimates, so not integers. */
struct hd_values {
    double inuse_objects; /* allocations minus frees */
    double inuse_bytes;
    double alloc_objects; /* ever allocated; 0 when the producer kept none */
    double alloc_bytes;
};

/* One line of the maps section: a range of the process's address space
 * backed by a file (or anonymous). */
struct hd_mapping {
    uint64_t start;   /* inclusive */
    uint64_t limit;   /* exclusive; start < limit */
    uint64_t offset;  /* file offset that START maps */
    const char *path; /* owned by the profile; "" when anonymous; never
                         carries a " (deleted)" suffix (see deleted) */
    bool executable;  /* the permission field had 'x' (or had no field) */
    bool deleted;     /* the path was marked " (deleted)" */
};

/* One source-level frame at a location: the function, and where in it. */
struct hd_frame {
    const char *function; /* NULL when unknown */
    const char *file;     /* NULL when unknown */
    uint32_t line;        /* 0 when unknown */
};

/* A unique frame address, normalized.  Within one profile no two locations
 * have the same (mapping path, offset). */
struct hd_location {
    uint32_t mapping; /* index into mappings, or HD_NO_MAPPING when the
                         address lies in no mapping (or there were none) */
    uint64_t address; /* the return address as written in the file; only
                         for display, never for matching across profiles */
    uint64_t offset;  /* with a mapping: the file offset of ADDRESS in the
                         mapping's file (address - start + mapping offset);
                         without: ADDRESS itself */
    /* Filled by the symbolizer; until then frames is NULL and n_frames 0.
     * frames[0] is the innermost inlined function, frames[n_frames - 1]
     * the real function that contains the address (the same order as
     * stacks: leaf first).  The strings are the symbolizer's and live
     * until it is freed. */
    const struct hd_frame *frames;
    uint32_t n_frames;
    bool is_allocator; /* set by the symbolizer: an allocator frame, dropped
                          from the leaf end of stacks */
};

/* A call stack, leaf (innermost) first.  Unique within a profile. */
struct hd_stack {
    uint32_t depth;            /* >= 1 */
    const uint32_t *locations; /* depth location ids, leaf first */
};

/* Values of one stack, optionally of one jemalloc thread. */
struct hd_sample {
    uint32_t stack;   /* stack id */
    long thread;      /* HD_ALL_THREADS, or the jemalloc thread uid of a
                         "tN:" line */
    struct hd_values values; /* the result: current minus base */
    struct hd_values base;   /* what base profiles contributed (as positive
                                values); all 0 when nothing was subtracted.
                                The current side is values + base. */
};

struct hd_profile_index; /* private hash tables, see profile.c */
struct hd_arena;

struct hd_profile {
    const char *path; /* the file it was read from (owned) */
    enum hd_producer producer;
    enum hd_format format;
    char type[32];          /* header type token: "heapprofile", "heap_v2",
                               "growth", ... ; "" when the header had none */
    enum hd_sampling sampling;
    double sample_period;   /* bytes; 0 with HD_SAMPLING_NONE */
    bool has_alloc_values;  /* some allocated pair was not 0: 0 */

    struct hd_mapping *mappings;   /* in file order */
    size_t n_mappings;
    struct hd_location *locations; /* id = index */
    size_t n_locations;
    struct hd_stack *stacks;       /* id = index */
    size_t n_stacks;
    /* Whole-process samples: at most one per stack.  Totals, reports and
     * diffs use these. */
    struct hd_sample *samples;
    size_t n_samples;
    /* jemalloc per-thread breakdown ("tN:" lines) of the samples above, at
     * most one per (stack, thread); empty for other producers. */
    struct hd_sample *thread_samples;
    size_t n_thread_samples;

    struct hd_profile_index *index;
    struct hd_arena *arena;
    size_t capacity_mappings, capacity_locations, capacity_stacks,
        capacity_samples, capacity_thread_samples;
};

/* A new empty profile read from PATH (copied).  Aborts on out of memory,
 * as every allocation in heapdiff does. */
struct hd_profile *hd_profile_new(const char *path);
void hd_profile_free(struct hd_profile *profile);

/* SIZE bytes that live as long as the profile (its arena), for data that
 * later stages attach to it, such as locations' frames. */
void *hd_profile_alloc(struct hd_profile *profile, size_t size);

/* Copy STR into the profile's string pool and return the pooled copy.
 * Equal strings give the same pointer. */
const char *hd_profile_intern_string(struct hd_profile *profile, const char *str);

/* Append a mapping (PATH is interned).  Returns its index. */
uint32_t hd_profile_add_mapping(struct hd_profile *profile, uint64_t start,
                                uint64_t limit, uint64_t offset,
                                const char *path, bool executable, bool deleted);

/* Index of the mapping containing ADDRESS (start <= ADDRESS < limit),
 * preferring executable mappings; HD_NO_MAPPING when none does. */
uint32_t hd_profile_find_mapping(const struct hd_profile *profile, uint64_t address);

/* The location id for raw ADDRESS, created unmapped if new.  Parsers call
 * this while reading stacks, before the maps section is known; then
 * hd_profile_resolve_locations() attaches mappings. */
uint32_t hd_profile_intern_address(struct hd_profile *profile, uint64_t address);

/* Attach each unmapped location to the mapping that contains its address
 * and compute its file offset.  Call once after the maps section is read. */
void hd_profile_resolve_locations(struct hd_profile *profile);

/* The stack id for LOCATIONS[0..DEPTH), leaf first; DEPTH >= 1. */
uint32_t hd_profile_intern_stack(struct hd_profile *profile,
                                 const uint32_t *locations, uint32_t depth);

/* Add VALUES to the sample of (STACK, THREAD), creating it if new.
 * THREAD is HD_ALL_THREADS for whole-process values. */
void hd_profile_add_sample(struct hd_profile *profile, uint32_t stack, long thread,
                           const struct hd_values *values);

/* Add FACTOR times every sample of SRC into DST, matching stacks on their
 * normalized locations (mapping path, file offset), so SRC may come from
 * another run.  FACTOR = 1 merges, -1 subtracts a base; with a negative
 * FACTOR, -FACTOR times SRC's values is also added to the samples' base
 * side.  Mappings of SRC that DST lacks are copied.  Samples that become
 * exactly zero stay. */
void hd_profile_merge(struct hd_profile *dst, const struct hd_profile *src,
                      double factor);

/* Make jemalloc thread THREAD's samples (its "tN:" lines) the profile's
 * samples, in place of the whole-process ones.  Returns the number of
 * samples that thread has (0 when none, or not a threaded profile). */
size_t hd_profile_select_thread(struct hd_profile *profile, long thread);

/* Sum of the whole-process samples' values (current minus base). */
struct hd_values hd_profile_total(const struct hd_profile *profile);

/* Sum of the whole-process samples' base sides. */
struct hd_values hd_profile_base_total(const struct hd_profile *profile);

/* Whether PATH names a dedicated allocator library (libjemalloc*,
 * libtcmalloc*, libmimalloc*, ...; not libc): every frame in it is
 * allocator-internal and dropped from reports (DESIGN.md, "allocator
 * frames").  hd_profile_resolve_locations() marks its locations
 * is_allocator.  NULL: false. */
bool hd_profile_is_allocator_library(const char *path);

/* The mapping that holds the main program: the first mapping with a path
 * that is neither a shared library (".so", ".so.N") nor a pseudo-file
 * ("[heap]", "[vdso]", ...), as Go pprof chooses it (FORMATS.md §3.2).
 * HD_NO_MAPPING when there is none. */
uint32_t hd_profile_main_mapping(const struct hd_profile *profile);

#endif
