/* The core: heapdiff's whole pipeline behind one small API.
 *
 *     read inputs -> align -> symbolize -> build the graph -> emit
 *
 * A request says what to read and what to show; hd_core_run() carries it
 * out and says how it went.  cmd/ only turns options into a request and
 * the outcome into an exit status; tests and the benchmark drive the same
 * functions, one stage at a time when they need to.
 *
 * The stages: hd_core_read_inputs() parses each file, gives its modules
 * their identities (by build-id, through the symbolizer) and aligns it
 * into one model, holding one parsed file at a time; hd_core_symbolize()
 * attaches frames and marks the allocator's; hd_graph_build() aggregates;
 * an emitter (emitter.h) writes. */
#ifndef HD_CORE_H
#define HD_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include "emitter.h"
#include "error.h"
#include "filter.h"
#include "gates.h"
#include "graph.h"
#include "model.h"
#include "parse.h"
#include "report.h"
#include "source.h"
#include "symbolizer.h"
#include "trend.h"

struct hd_wrappers; /* symbolize/allocator.h */

/* Everything one run of heapdiff needs to know.  Strings and arrays are
 * the caller's and must live until the run ends. */
struct hd_request {
    /* What to read. */
    const char *binary;            /* the program that wrote the profiles, or
                                      NULL; stands in for their main mapping */
    const char *const *currents;   /* profiles shown (summed); n_currents >= 1 */
    size_t n_currents;
    const char *const *bases;      /* profiles subtracted (--base) */
    size_t n_bases;
    long thread;                   /* a jemalloc thread (--thread), or
                                      HD_ALL_THREADS */
    bool normalize;                /* scale the bases to the currents' total */
    struct hd_parse_limits limits; /* what one profile may hold; the
                                      defaults, or --max-input-size */

    /* How to name frames. */
    bool no_symbols;               /* leave frames as module+0xoffset */
    const char *const *lib_prefixes; /* also look for libraries here; the
                                      binary's own folder is added */
    size_t n_lib_prefixes;
    const char *const *debug_dirs; /* separate debug files */
    size_t n_debug_dirs;
    const char *sysroot;           /* or NULL */
    /* Comparing two builds (builds.h): the program that wrote the bases,
     * when another build than BINARY (--base-binary), or NULL; libraries
     * of the bases' build are also looked for in base_lib_prefixes
     * (--base-lib-prefix), then next to base_binary, then in
     * lib_prefixes. */
    const char *base_binary;
    const char *const *base_lib_prefixes;
    size_t n_base_lib_prefixes;
    bool demangle;
    bool full_names;
    bool verbose;                  /* -v: warnings list every module and the
                                      paths tried (hd_sym_say_summary) */
    const char *cache_dir;         /* the persistent symbol cache, or NULL
                                      (--no-cache) */

    /* Source files. */
    const char *const *trim_paths; /* --trim-path: prefixes taken off source
                                      file names before any report is built,
                                      each a ':'-separated list (path.h) */
    size_t n_trim_paths;

    /* Wrappers (symbolize/allocator.h): a function that only allocates for
     * its caller is cut like the allocator, so its caller is the row. */
    const char *wrappers;          /* --wrappers RE, added to the default
                                      list; NULL: none */
    bool no_default_wrappers;      /* --no-wrappers: the default list is off */

    /* What to show. */
    struct hd_graph_options graph; /* value type, granularity, ...; its
                                      filters are compiled by hd_core_run */
    const char *filters[HD_FILTER_COUNT]; /* --focus and friends, or NULL */
    struct hd_report_options report; /* its value and filters are set by
                                        hd_core_run from the above */
    const struct hd_emitter *emitter; /* NULL: text */

    /* --trend: the currents are a snapshot series (files, directories of
     * dumps, globs), classified node by node under THRESHOLDS. */
    bool trend;
    struct hd_trend_thresholds thresholds;
    struct hd_source_options source; /* --list: which functions, where their
                                        sources are; its no_inlines is set
                                        by hd_core_run from graph */
    const char *output;            /* a file written atomically; NULL or
                                      "-": standard output */

    /* CI gates (analyze/gates.h), checked once the report is written. */
    struct hd_gates gates;         /* every rule off by default */

    /* --memory: the currents are memory captures (memory/memory.h: files
     * or directories), one snapshot each, in order; the report is their
     * RSS by class (hd_core_memory).  With trend, each class gets a
     * verdict from 3 snapshots on. */
    bool memory;
};

/* A request with the defaults: no input, in-use bytes, functions, text,
 * demangled short names, every option unset. */
void hd_request_init(struct hd_request *request);

/* How a run ended. */
enum hd_outcome {
    HD_OUTCOME_OK,      /* the report was written */
    HD_OUTCOME_TROUBLE, /* bad usage or unreadable input: *ERR says what */
    HD_OUTCOME_GATE_TRIPPED, /* the report was written, and a gate of
                                request->gates tripped: stderr says which */
};

/* Carry out REQUEST: read, align, symbolize, build the graph, emit.
 * Warnings go through hd_warn() as they arise. */
enum hd_outcome hd_core_run(const struct hd_request *request, struct hd_error *err);

/* Check REQUEST's gates against ROWS (N of them, every node of the
 * report) and TOTAL_GROWTH, without the nodes SUPPRESSIONS names (NULL:
 * none), as hd_gates_check() does, saying what tripped on stderr.  The
 * diff's rows are its nodes' flat deltas (hd_core_run); a series' come
 * from its trend.  Returns HD_OUTCOME_GATE_TRIPPED when a rule tripped,
 * else HD_OUTCOME_OK. */
enum hd_outcome hd_core_check_gates(const struct hd_request *request,
                                    const struct hd_suppressions *suppressions,
                                    double total_growth, const struct hd_gate_row *rows,
                                    size_t n);

/* --memory (core/memory.c): read REQUEST's currents as memory snapshots
 * (each with its heap profile, when the capture has one, read by the
 * profile parser), break each one's RSS down into classes, analyze the
 * series and write the report as text, --json or --html to REQUEST's
 * output.  hd_core_run calls it when REQUEST->memory is set. */
enum hd_outcome hd_core_memory(const struct hd_request *request, struct hd_error *err);

/* Release what the process keeps across runs (graphviz's context, the
 * warnings already said).  Call once, at exit, after the last run. */
void hd_core_shutdown(void);

/* The stages, for tests and the benchmark. */

/* A symbolizer set up as REQUEST asks (libraries also looked for next to
 * the binary).  Used for module identities even with no_symbols. */
struct hd_symbolizer *hd_core_symbolizer(const struct hd_request *request);

/* A symbolizer for the bases' build: hd_core_symbolizer's, with MAIN
 * (the request's base_binary, or NULL: the files at the mapped paths) for
 * the main program and the base lib prefixes first. */
struct hd_symbolizer *hd_core_base_symbolizer(const struct hd_request *request,
                                              const char *main);

/* Read REQUEST's currents, then its bases, into one model, one column per
 * file; module identities come from SYM's build-id lookups (NULL: the
 * fallbacks only).  Checks that each file has what the value type needs
 * and selects the thread.  Warns, through hd_warn(), about inputs that do
 * not make the diff that was probably meant (README, "Warnings about the
 * inputs"): a BINARY with another build-id than the profiles' program, a
 * base of another program, the base among the currents, a base written
 * after the current.  Returns the model, or NULL with *ERR set. */
struct hd_model *hd_core_read_inputs(const struct hd_request *request,
                                     struct hd_symbolizer *sym, struct hd_error *err);

/* Parse the one profile PATH as hd_core_read_inputs reads each input:
 * checked for the value type and thread, modules identified through SYM,
 * BINARY checked against it.  NULL with *ERR set. */
struct hd_model *hd_core_read_one(const struct hd_request *request, const char *path,
                                  struct hd_symbolizer *sym, struct hd_error *err);
/* hd_core_read_inputs, telling whether the bases come from another build
 * than the currents (builds.h: by build-id or by the files' bytes, with
 * base_binary given; by the build-ids of the files the profiles name,
 * without).  If so, the bases' modules are marked other_build, the header
 * says so, and *BASE_SYM is the symbolizer that names their frames (the
 * caller frees it; NULL otherwise).  Without base_binary, a base whose
 * return addresses are not call sites in the currents' binary is said to
 * be of another build, in a warning and the header. */
struct hd_model *hd_core_read_builds(const struct hd_request *request,
                                     struct hd_symbolizer *sym,
                                     struct hd_symbolizer **base_sym, struct hd_error *err);

/* Attach frames to MODEL's locations with SYM (NULL: --no-symbols), mark
 * the allocator's frames, and the wrappers' under WRAPPERS (NULL: the
 * wrapper rule is off; see hd_wrappers_new), and say the symbolizer's
 * gathered warnings. */
void hd_core_symbolize(struct hd_symbolizer *sym, struct hd_model *model,
                       struct hd_wrappers *wrappers);

/* hd_core_symbolize, the other_build locations named by BASE_SYM (NULL:
 * by SYM). */
void hd_core_symbolize_builds(struct hd_symbolizer *sym, struct hd_symbolizer *base_sym,
                              struct hd_model *model, struct hd_wrappers *wrappers);

/* Take REQUEST's --trim-path prefixes, and Go pprof's default
 * (hd_path_trim), off the source file of every frame of MODEL's locations
 * from FIRST_LOCATION on, once they are symbolized: every report then
 * shows the trimmed names.  A location whose frames change gets a copy of
 * them in MODEL. */
void hd_core_trim_paths(const struct hd_request *request, struct hd_model *model,
                        size_t first_location);

/* ---- a snapshot series (--trend; core/trend.c) ---- */

#define HD_TREND_MAX_SNAPSHOTS 10000

/* A series as read: the per-node series with their verdicts, and a model
 * of the first snapshot (as the base) and the last (as the current), for
 * the report of the growth over the series. */
struct hd_series {
    struct hd_model *model;
    struct hd_trend *trend;
};

/* Read REQUEST's currents as a series: each argument a profile, a
 * directory (its *.heap and *.heap.gz files) or a glob; ordered as their
 * producer wrote them (hd_sort_snapshots); at least 3.  One snapshot is
 * held at a time (and the next, parsed meanwhile on a second core,
 * core/parallel.h): each is aligned, its new locations symbolized with SYM
 * (none with no_symbols) and WRAPPERS, its graph built with FILTERS and
 * added to the trend; then it is dropped.  Fills *SERIES; 0, or -1 with
 * *ERR set. */
int hd_core_read_series(const struct hd_request *request, struct hd_symbolizer *sym,
                        struct hd_wrappers *wrappers, const struct hd_filters *filters,
                        struct hd_series *series, struct hd_error *err);

/* Free what hd_core_read_series() filled. */
void hd_series_release(struct hd_series *series);

#endif
