/* The model: N heap profiles aligned on one table of locations and stacks,
 * with one column of values per input.
 *
 *   inputs     0 .. n_inputs-1   each a file, with its role and weight
 *   mappings   the maps sections' lines, merged by module identity
 *   locations  unique (module identity, file offset)
 *   stacks     unique sequences of location ids, leaf first
 *   samples    unique (stack, thread) keys
 *   columns    columns[k][s]: input k's values for sample s (0 when input k
 *              has no such sample)
 *
 * A parser reads one file into a model of one input.  hd_model_align()
 * then adds it to the model a report is built from, as one more column:
 * a diff is a current column of weight +1 and a base column of weight -1;
 * several currents are several columns of the current role; a series is
 * N snapshot columns in order.  Only one parsed file is held at a time.
 *
 * Locations are identified across inputs by (module identity, file
 * offset), not by address or path, so inputs from different runs (ASLR),
 * workspaces (paths) or machines align (DESIGN.md, "Addresses are
 * normalized early").  A module's identity is its build-id where the file
 * can be read and has one; failing that, "main" for the main program and
 * the file's base name for a library (hd_model_identify_modules).
 *
 * Ownership: the model owns everything reachable from it.  Pointers into
 * it (stacks' location arrays, strings) live until hd_model_free().
 * Arrays may move when the model grows: hold ids, not element pointers,
 * across calls that add to it. */
#ifndef HD_MODEL_H
#define HD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define HD_NO_MAPPING UINT32_MAX
#define HD_ALL_THREADS (-1)

/* Which program wrote a file. */
enum hd_producer {
    HD_PRODUCER_UNKNOWN,
    HD_PRODUCER_GPERFTOOLS, /* tcmalloc's heap profiler or sampler */
    HD_PRODUCER_JEMALLOC,   /* jemalloc >= 4 threaded format */
    HD_PRODUCER_JEMALLOC_3, /* jemalloc 2.x/3.x: legacy text, unpadded */
    HD_PRODUCER_MASSIF,     /* valgrind --tool=massif */

    HD_PRODUCER_MEMCHECK,   /* valgrind memcheck's leak records */
    HD_PRODUCER_LSAN,       /* LeakSanitizer's report (ASan or LSan) */
    HD_PRODUCER_PPROF,      /* a pprof profile.proto writer (Go, tcmalloc,
                               jemalloc_pprof, heapdiff --proto) */
};

/* Which text layout a file used (FORMATS.md §1). */
enum hd_format {
    HD_FORMAT_LEGACY,   /* "heap profile: A: B [C: D] @ TYPE" + one line per stack */
    HD_FORMAT_THREADED, /* "heap_v2/R" + "@ stack" + "t*:"/"tN:" lines */
    HD_FORMAT_MASSIF,   /* massif.out.PID: snapshots of a heap tree */

    HD_FORMAT_MEMCHECK_XML, /* valgrind --xml=yes: <error> leak records */
    HD_FORMAT_LSAN,     /* "Direct leak of N byte(s) in M object(s)" blocks */
    HD_FORMAT_PROTO,    /* pprof's profile.proto (parser/proto.c) */
};

/* How the counts in a file were turned into estimates (FORMATS.md §2). */
enum hd_sampling {
    HD_SAMPLING_NONE, /* values are exact */
    HD_SAMPLING_V1,   /* perl's v1 ratio rule, period in sample_period */
    HD_SAMPLING_V2,   /* Poisson rule 1/(1-exp(-avg/R)), R = sample_period */
};

/* What an input is in a report. */
enum hd_role {
    HD_ROLE_CURRENT,  /* shown; several currents are summed */
    HD_ROLE_BASE,     /* subtracted: the report shows growth since it */
    HD_ROLE_SNAPSHOT, /* one of an ordered series, by input index */
};

/* The four values of a sample.  Unsampled estimates, so not integers. */
struct hd_values {
    double inuse_objects; /* allocations minus frees */
    double inuse_bytes;
    double alloc_objects; /* ever allocated; 0 when the producer kept none */
    double alloc_bytes;
};

/* Which of the four values a report shows (pprof's names). */
enum hd_value_type {
    HD_VALUE_INUSE_SPACE,
    HD_VALUE_INUSE_OBJECTS,
    HD_VALUE_ALLOC_SPACE,
    HD_VALUE_ALLOC_OBJECTS,
};

/* What valgrind massif counts beside the heap tree of the snapshot an
 * input holds (parser/massif.c).  Values only: inputs are copied by
 * value when aligned. */
struct hd_massif_snapshot {
    long number;             /* the file's "snapshot=N"; >= 0 */
    bool peak;               /* heap_tree=peak: massif's peak snapshot */
    double time;             /* "time=", in time_unit */
    char time_unit[4];       /* "i" (instructions), "ms" or "B" */
    double heap_bytes;       /* mem_heap_B: what the tree holds */
    double heap_extra_bytes; /* mem_heap_extra_B: the allocator's headers
                                and alignment, in no tree */
    double stacks_bytes;     /* mem_stacks_B: 0 unless --stacks=yes */
};

/* One input file: what its header said, and how its column counts. */
struct hd_model_input {
    const char *path;       /* the file it was read from (owned) */
    enum hd_role role;
    double weight;          /* the column's factor in the result: +1 for a
                               current or snapshot, -1 for a base (scaled by
                               hd_model_normalize_bases) */
    enum hd_producer producer;
    enum hd_format format;
    char type[32];          /* header type token: "heapprofile", "heap_v2",
                               "growth", ... ; "" when the header had none */
    enum hd_sampling sampling;
    double sample_period;   /* bytes; 0 with HD_SAMPLING_NONE */
    bool has_alloc_values;  /* some allocated pair was not 0: 0 */
    bool lacks_objects;     /* the file has no object counts at all (a
                               profile.proto with space types only, as
                               jemalloc_pprof writes): objects read 0 */
    /* The header's totals against the records' sums (parser/totals.c).
     * records_short: the records hold fewer bytes than the header counts,
     * beyond what the format explains; then header_total holds the
     * header's totals, unsampled as the records' values are, and
     * cut_by_buffer says the cause is known: gperftools' fixed 1 MiB dump
     * buffer ran out.  All zero otherwise. */
    bool records_short;
    bool cut_by_buffer;
    struct hd_values header_total;
    /* With HD_FORMAT_MASSIF: the snapshot read; zero otherwise.  Massif
     * counts bytes only: the object counts are 0, unknown. */
    struct hd_massif_snapshot massif;
};

/* One line of a maps section: a range of the process's address space
 * backed by a file (or anonymous). */
struct hd_mapping {
    uint64_t start;   /* inclusive */
    uint64_t limit;   /* exclusive; start < limit */
    uint64_t offset;  /* file offset that START maps */
    const char *path; /* owned by the model; "" when anonymous; never
                         carries a " (deleted)" suffix (see deleted) */
    const char *identity; /* owned by the model: "build-id:HEX", "main",
                         "name:BASENAME", or "" when anonymous; mappings of
                         one module share it (hd_model_identify_modules) */
    const char *build_id; /* owned by the model: the build-id the profile
                         records for this file, lowercase hex; NULL when it
                         records none (no text format does; pprof's
                         profile.proto does) */
    bool executable;  /* the permission field had 'x' (or had no field) */
    bool deleted;     /* the path was marked " (deleted)" */
    bool vaddr_offsets; /* its locations' offsets are ELF virtual addresses
                           (LSan's "(module+0xOFF)"), not file offsets, until
                           hd_sym_place_vaddrs() turns them into file offsets */
    bool other_build; /* a module of the bases' build, which is another
                         than the currents' (hd_model_mark_other_build):
                         named by the bases' symbolizer */
};

/* One source-level frame at a location: the function, and where in it. */
struct hd_frame {
    const char *function; /* NULL when unknown */
    const char *file;     /* NULL when unknown */
    uint32_t line;        /* 0 when unknown */
};

/* Where a location's frames came from. */
enum hd_frame_origin {
    HD_ORIGIN_SYMBOLIZER, /* named here from (module, offset) by the
                             symbolizer; until then unnamed */
    HD_ORIGIN_INPUT,      /* named by the input file; kept as given, never
                             looked up */
};

/* A unique frame address, normalized, or a unique set of frames the input
 * named.  Within a model, locations of HD_ORIGIN_SYMBOLIZER are unique by
 * (mapping's identity, offset), those of HD_ORIGIN_INPUT by their frames
 * (given_key). */
struct hd_location {
    uint32_t mapping; /* index into mappings, or HD_NO_MAPPING when the
                         address lies in no mapping (or there were none) */
    uint64_t address; /* the return address in the first input that had
                         it; only for display, never for matching */
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
    bool is_allocator; /* set by symbolize/allocator.c: allocator code */
    enum hd_frame_origin origin;
    /* HD_ORIGIN_INPUT: the frames the input gave (in the model's arena,
     * strings pooled), of which frames/n_frames may keep the callers'
     * part once the allocator's frames are cut (symbolize/annotate.c);
     * given_key, their text, is what the location is unique by (model/
     * only).  NULL and 0 for HD_ORIGIN_SYMBOLIZER. */
    const struct hd_frame *given_frames;
    uint32_t n_given_frames;
    const char *given_key;
};

/* A call stack, leaf (innermost) first.  Unique within a model. */
struct hd_stack {
    uint32_t depth;            /* >= 1 */
    const uint32_t *locations; /* depth location ids, leaf first */
    uint32_t allocator_frames; /* leaf frames that are the allocator's own
                                  and left out of reports; < depth, so a
                                  stack keeps at least its root.  0 until
                                  symbolize/allocator.c sets it */
};

/* A row of the value columns: a stack, optionally of one jemalloc thread. */
struct hd_sample {
    uint32_t stack; /* stack id */
    long thread;    /* HD_ALL_THREADS, or the jemalloc thread uid of a
                       "tN:" line */
};

/* Samples and their value columns.  Unique by (stack, thread). */
struct hd_sample_table {
    struct hd_sample *keys;
    size_t n;
    struct hd_values **columns; /* n_inputs columns of n values each */
    size_t capacity;            /* of keys and of every column */
};

struct hd_model_index; /* private hash tables, see model.c */
struct hd_arena;

#define HD_MODEL_MAX_CAUTIONS 4

struct hd_model {
    struct hd_model_input *inputs; /* column k is inputs[k] */
    size_t n_inputs;

    struct hd_mapping *mappings;   /* in the order first seen */
    size_t n_mappings;
    struct hd_location *locations; /* id = index */
    size_t n_locations;
    struct hd_stack *stacks;       /* id = index */
    size_t n_stacks;
    /* Whole-process samples: at most one per stack.  Totals, reports and
     * diffs use these. */
    struct hd_sample_table samples;
    /* jemalloc's per-thread breakdown ("tN:" lines) of the samples above,
     * at most one per (stack, thread); empty for other producers. */
    struct hd_sample_table thread_samples;

    /* What a report's header must say about how the inputs relate (a base
     * of another program, written after the current, ...): lines the
     * core's input checks add, in the string pool; at most
     * HD_MODEL_MAX_CAUTIONS. */
    const char *cautions[HD_MODEL_MAX_CAUTIONS];
    size_t n_cautions;

    struct hd_model_index *index;
    struct hd_arena *arena;
    size_t capacity_inputs, capacity_mappings, capacity_locations, capacity_stacks;
};

/* ---- building ---- */

/* A new model with no input.  Aborts on out of memory, as every
 * allocation in heapdiff does. */
struct hd_model *hd_model_new(void);
void hd_model_free(struct hd_model *model);

/* Append an input column for the file PATH (copied) with ROLE; its weight
 * is -1 for a base, +1 otherwise, and its header facts are zero.  Returns
 * its index. */
uint32_t hd_model_add_input(struct hd_model *model, const char *path, enum hd_role role);

/* Remove the last input and its columns.  Its samples stay, with values
 * in the other columns only (0 where it alone had them): a series keeps
 * its first snapshot and one more, not all of them (core/trend.c). */
void hd_model_drop_last_input(struct hd_model *model);

/* Give input INPUT ROLE, and the weight hd_model_add_input gives it. */
void hd_model_set_role(struct hd_model *model, uint32_t input, enum hd_role role);

/* Add TEXT (copied) to MODEL's cautions, unless it is there or the list
 * is full. */
void hd_model_add_caution(struct hd_model *model, const char *text);

/* SIZE bytes that live as long as the model (its arena), for data that
 * later stages attach to it, such as locations' frames. */
void *hd_model_alloc(struct hd_model *model, size_t size);

/* Copy STR into the model's string pool and return the pooled copy.
 * Equal strings give the same pointer. */
const char *hd_model_intern_string(struct hd_model *model, const char *str);

/* Append a mapping (PATH is interned; its identity is set by
 * hd_model_resolve_locations).  Returns its index. */
uint32_t hd_model_add_mapping(struct hd_model *model, uint64_t start, uint64_t limit,
                              uint64_t offset, const char *path, bool executable,
                              bool deleted);

/* Which mapping each address lies in.  The address space is cut at every
 * mapping's start and limit into pieces, each with its answer, so that a
 * lookup is a binary search whatever the number of mappings or overlaps:
 * maps sections from hostile or odd producers may hold 100,000 lines. */
struct hd_mapping_finder {
    uint64_t *points;  /* n ascending piece starts */
    uint32_t *mapping; /* mapping[k] holds [points[k], points[k + 1]) */
    size_t n;
};

/* A finder for MODEL's mappings as they are now; O(n log n). */
void hd_mapping_finder_build(struct hd_mapping_finder *finder, const struct hd_model *model);

/* Index of the mapping containing ADDRESS (start <= ADDRESS < limit): the
 * first executable one in file order, else the first in file order;
 * HD_NO_MAPPING when none does. */
uint32_t hd_mapping_finder_find(const struct hd_mapping_finder *finder, uint64_t address);

void hd_mapping_finder_free(struct hd_mapping_finder *finder);

/* The location id for raw ADDRESS, created unmapped if new.  Parsers call
 * this while reading stacks, before the maps section is known; then
 * hd_model_resolve_locations() attaches mappings. */
uint32_t hd_model_intern_address(struct hd_model *model, uint64_t address);

/* The id of the location keyed (MAPPING's identity, OFFSET), created
 * with MAPPING and ADDRESS when absent: an address whose module and file
 * offset the input names (MAPPING may be HD_NO_MAPPING: then OFFSET is
 * the address).  Its identity is MAPPING's as it is now; identities set
 * later (hd_model_identify_modules) rebuild the index. */
uint32_t hd_model_intern_location(struct hd_model *model, uint32_t mapping, uint64_t address,
                                  uint64_t offset);

/* Intern a location whose frames the input names, FRAMES[0] the innermost
 * inlined function ... FRAMES[N_FRAMES - 1] the real function (the order
 * of hd_location.frames), N_FRAMES >= 1.  Strings are copied into the
 * model.  Given locations are unique by their frames (each frame's
 * function, file and line; NULL and "" are alike), not by address:
 * inputs of other runs and builds align by symbol.  MAPPING (or
 * HD_NO_MAPPING) and ADDRESS are those of the first input that had it,
 * kept for display only; its offset is computed from them as for an
 * address.  The location's origin is HD_ORIGIN_INPUT.  Returns the
 * location id. */
uint32_t hd_model_intern_given_location(struct hd_model *model, uint32_t mapping,
                                        uint64_t address, const struct hd_frame *frames,
                                        uint32_t n_frames);

/* Attach each unmapped location (but given ones, kept as the input gave
 * them) to the mapping that contains its address, compute its file offset, and give every mapping its fallback identity
 * ("main" or "name:BASENAME"; see hd_model_identify_modules).  Call once
 * after the maps section is read. */
void hd_model_resolve_locations(struct hd_model *model);

/* The stack id for LOCATIONS[0..DEPTH), leaf first; DEPTH >= 1. */
uint32_t hd_model_intern_stack(struct hd_model *model, const uint32_t *locations,
                               uint32_t depth);

/* Add VALUES to input INPUT's column at the sample of (STACK, THREAD),
 * creating the sample if new.  THREAD is HD_ALL_THREADS for whole-process
 * values. */
void hd_model_add_sample(struct hd_model *model, uint32_t input, uint32_t stack, long thread,
                         const struct hd_values *values);

/* ---- module identity ---- */

/* Reads the build-id of the module that MODULE_PATH names (IS_MAIN: it is
 * the main program) as lowercase hex into HEX of SIZE bytes; false when
 * the file cannot be read or has none.  CONTEXT is passed back. */
typedef bool hd_build_id_reader(void *context, const char *module_path, bool is_main,
                                char *hex, size_t size);

/* Give each mapping its module identity: "build-id:HEX" where READ_BUILD_ID
 * finds one, or else where the profile records one (the mapping's
 * build_id); otherwise "main" for the main program (the mappings of
 * hd_model_main_mapping's file) and "name:BASENAME" for any other file;
 * "" for anonymous mappings.  READ_BUILD_ID NULL: the fallbacks only.
 * Rebuilds the location index, since identities are part of its keys. */
void hd_model_identify_modules(struct hd_model *model, hd_build_id_reader *read_build_id,
                               void *context);

/* The bases of a diff come from another build of the program than the
 * currents (core/builds.h): mark every mapping of the one-file model
 * MODEL as other_build, and prefix each identity that is not a build-id
 * ("main", "name:BASENAME") with "other-build:", so that hd_model_align()
 * never matches its locations with the currents' by file offset (the
 * same offset holds other code in the other build).  A build-id identity
 * is kept: it names one file, the same in both builds.  Rebuilds the
 * location index. */
void hd_model_mark_other_build(struct hd_model *model);

/* The main program's mapping among the other_build ones, chosen as
 * hd_model_main_mapping() chooses; HD_NO_MAPPING when none is. */
uint32_t hd_model_other_build_main_mapping(const struct hd_model *model);

/* Match locations by something other than (identity, offset): location
 * i becomes SAME_AS[i] (SAME_AS[i] == i keeps it) in every stack, stacks
 * that become equal are one, and their samples are summed.  For the
 * bases of another build, once symbolized (core/builds.h): a base stack
 * then meets the current stack of the same frames.  Stacks no sample
 * uses any more stay in the table; sample ids change. */
void hd_model_merge_locations(struct hd_model *model, const uint32_t *same_as);

/* ---- aligning inputs ---- */

/* Add every input of SRC to DST as new columns, with ROLE (weights as
 * hd_model_add_input gives them), matching SRC's locations to DST's by
 * (module identity, offset) and stacks by their locations.  Mappings of
 * SRC that DST lacks are copied.  When DST has no input yet, SRC's tables
 * are moved into DST and SRC is left empty: the first input costs no copy.
 * Returns the index of the first new column. */
uint32_t hd_model_align(struct hd_model *dst, struct hd_model *src, enum hd_role role);

/* Make jemalloc thread THREAD's samples (its "tN:" lines) the model's
 * whole-process samples.  Returns the number of samples that thread has
 * (0 when none, or not a threaded profile). */
size_t hd_model_select_thread(struct hd_model *model, long thread);

/* ---- values ---- */

/* The chosen value of V. */
double hd_value_of(const struct hd_values *v, enum hd_value_type type);

/* Whether TYPE counts objects (else bytes). */
bool hd_value_is_objects(enum hd_value_type type);

/* Input INPUT's own total: the sum of its column, unweighted. */
struct hd_values hd_model_input_total(const struct hd_model *model, uint32_t input);

/* A sample's value of TYPE seen from both sides of a diff:
 * CURRENT = sum of weight x value over current and snapshot columns,
 * BASE = sum of |weight| x value over base columns (a positive amount);
 * the result the report shows is CURRENT - BASE. */
struct hd_sides {
    double current;
    double base;
};
struct hd_sides hd_model_sample_sides(const struct hd_model *model, size_t sample,
                                      enum hd_value_type type);

/* The weighted total of every whole-process sample, as sides. */
struct hd_sides hd_model_total(const struct hd_model *model, enum hd_value_type type);

/* Whether the model has a column of ROLE. */
bool hd_model_has_role(const struct hd_model *model, enum hd_role role);

/* --normalize: scale each base column so that the bases' total of TYPE
 * equals the currents' total (pprof's -normalize), by setting the base
 * weights to -(current total / base total).  Bases whose total is 0 keep
 * weight -1. */
void hd_model_normalize_bases(struct hd_model *model, enum hd_value_type type);

/* What a report's percentages are of: the one rule every report uses. */
enum hd_denominator_kind {
    HD_DENOMINATOR_NONE,    /* every value is 0: no percentages */
    HD_DENOMINATOR_TOTAL,   /* no base: the total */
    HD_DENOMINATOR_DELTA,   /* a diff: |current - base| */
    HD_DENOMINATOR_CURRENT, /* a diff whose growth and shrinkage mostly
                               cancel: the current total */
};

/* |delta| must be at least this share of the gross change (the sum of
 * each stack's |delta|) to be the denominator. */
#define HD_DELTA_DENOMINATOR_SHARE 0.5

struct hd_denominator {
    enum hd_denominator_kind kind;
    double value; /* > 0, except 0 with HD_DENOMINATOR_NONE */
};

/* The denominator of a report's percentages.  SIDES are the report's
 * current and base totals, GROSS the sum of |current - base| over its
 * stacks; DIFF whether there is a base.  Without a base: the total.  In a
 * diff: |delta| when it is at least HD_DELTA_DENOMINATOR_SHARE of GROSS,
 * so that no row's share exceeds 150% of it; otherwise growth and
 * shrinkage cancel (--normalize makes the delta 0 on purpose) and a share
 * of the delta says nothing, so the current total (Go pprof's -diff_base
 * takes the base's, equal to it after --normalize).  Always positive, so
 * a percentage has the sign of its value: growth is positive even when
 * the total shrank. */
struct hd_denominator hd_choose_denominator(struct hd_sides sides, double gross, bool diff);

/* How an amount changed between the base and the current side.  The one
 * definition of "new" and "gone" every report uses. */
enum hd_change {
    HD_CHANGE_NONE,  /* on both sides, or on neither */
    HD_CHANGE_NEW,   /* only on the current side */
    HD_CHANGE_GONE,  /* only on the base side */
};
enum hd_change hd_change_of(struct hd_sides sides);

/* ---- sampling noise ----
 *
 * A sampled input's values are estimates (FORMATS.md §2).  Each object is
 * recorded with probability p = 1 - exp(-size/R), independently of the
 * others (jemalloc's doc_internal/PROFILING_INTERNALS.md; tcmalloc's
 * sampler works alike), so the recorded count c is binomial and an
 * estimate has a variance that follows from c, p and the unsampling rule.
 * Every report tells noise from change with these functions only. */

/* How many standard errors a delta may stray from 0 and still be called
 * noise: 2, a two-sided interval of about 95% for a normal estimate.  The
 * interval is wider still for a same-run delta (hd_delta_variance). */
#define HD_NOISE_Z 2.0

/* The sampling variance of one unsampled estimate: the (OBJECTS, BYTES)
 * pair that hd_unsample_pair made with SAMPLING and PERIOD, of its object
 * count (OF_OBJECTS) or its bytes.  With avg = BYTES/OBJECTS, p = 1 -
 * exp(-avg/PERIOD) and the rule's factor s (1/p for v2; max(1,
 * PERIOD/avg) for v1), the recorded count is c = OBJECTS/s, binomial
 * with Var(c) = c (1 - p) = p m, m = c (1 - p)/p the expected number of
 * missed objects, and
 *   Var(objects) = p (m + min(2m, 1)) s^2   (v2, large m: c (1 - p) / p^2)
 *   Var(bytes)   = avg^2 Var(objects).
 * The term min(2m, 1) widens the interval where few objects are missed
 * (p near 1), whose Poisson count the normal interval under-covers.
 * 0 for exact values (HD_SAMPLING_NONE, or PERIOD <= 1: jemalloc's
 * lg_prof_sample:0 records every allocation) and for pairs the rule
 * leaves alone (no objects or no bytes).  A stack whose objects differ in
 * size is treated as AVG-sized objects, as the rule itself does. */
double hd_sampling_variance(enum hd_sampling sampling, double period, double objects,
                            double bytes, bool of_objects);

/* The sampling variance of both sides of sample SAMPLE's value of TYPE
 * (hd_model_sample_sides): over each side's columns, the sum of weight^2
 * x hd_sampling_variance.  Columns are independent samples. */
struct hd_sides hd_model_sample_variance(const struct hd_model *model, size_t sample,
                                         enum hd_value_type type);

/* The variance of a delta, current - base, from its sides' VARIANCE: their
 * sum.  Exact for dumps of different runs (independent samples).  Two
 * dumps of one run share the objects live in both, recorded once by the
 * same draws; their covariance is the shared part's variance (>= 0), so
 * the sum is an upper bound there: too wide, never too narrow.  A false
 * "changed" costs more than a missed small change, and which dumps share
 * a run is not known for sure, so every delta uses the sum. */
double hd_delta_variance(struct hd_sides variance);

/* Whether VALUE, an estimate or a delta of estimates with VARIANCE, is
 * within sampling noise: |VALUE| <= HD_NOISE_Z x sqrt(VARIANCE).  With
 * VARIANCE 0 (exact inputs) only 0 is. */
bool hd_within_noise(double value, double variance);

/* Whether some input of MODEL is sampled (its values have a variance). */
bool hd_model_is_sampled(const struct hd_model *model);

/* ---- the main program ---- */

/* The mapping that holds the main program: the first mapping with a path
 * that is neither a shared library (".so", ".so.N") nor a pseudo-file
 * ("[heap]", "[vdso]", ...), as Go pprof chooses it (FORMATS.md §3.2).
 * HD_NO_MAPPING when there is none. */
uint32_t hd_model_main_mapping(const struct hd_model *model);

#endif
