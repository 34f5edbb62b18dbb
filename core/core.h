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
    bool demangle;
    bool full_names;
    bool verbose;                  /* -v: warnings list every module and the
                                      paths tried (hd_sym_say_summary) */

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
    struct hd_source_options source; /* --list: which functions, where their
                                        sources are; its no_inlines is set
                                        by hd_core_run from graph */
    const char *output;            /* a file written atomically; NULL or
                                      "-": standard output */

    /* CI gates (analyze/gates.h), checked once the report is written. */
    struct hd_gates gates;         /* every rule off by default */
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

/* Release what the process keeps across runs (graphviz's context, the
 * warnings already said).  Call once, at exit, after the last run. */
void hd_core_shutdown(void);

/* The stages, for tests and the benchmark. */

/* A symbolizer set up as REQUEST asks (libraries also looked for next to
 * the binary).  Used for module identities even with no_symbols. */
struct hd_symbolizer *hd_core_symbolizer(const struct hd_request *request);

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

/* Attach frames to MODEL's locations with SYM (NULL: --no-symbols), mark
 * the allocator's frames, and the wrappers' under WRAPPERS (NULL: the
 * wrapper rule is off; see hd_wrappers_new), and say the symbolizer's
 * gathered warnings. */
void hd_core_symbolize(struct hd_symbolizer *sym, struct hd_model *model,
                       struct hd_wrappers *wrappers);

/* Take REQUEST's --trim-path prefixes, and Go pprof's default
 * (hd_path_trim), off the source file of every frame of MODEL, once it is
 * symbolized: every report then shows the trimmed names.  A location
 * whose frames change gets a copy of them in MODEL. */
void hd_core_trim_paths(const struct hd_request *request, struct hd_model *model);

#endif
