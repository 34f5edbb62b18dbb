/* One report of a model: what every emitter reads, decided in one place.
 *
 * hd_report_prepare() takes the user's report options and the emitter's
 * kind and settles, for all emitters alike:
 *  - the unit: by magnitude unless --unit says; a table's is settled
 *    here (hd_table_unit), a picture's when it is drawn (HD_UNIT_AUTO);
 *  - pruning: a table keeps its first HD_TEXT_DEFAULT_ROWS rows, without
 *    those under pprof's node fraction, unless asked (--nodecount, --top,
 *    --nodefraction); a picture prunes with pprof's defaults
 *    (hd_prune_defaults);
 *  - what the header or legend states: the inputs with their totals (from
 *    the model's columns, by role), the active filters, and notes: an
 *    input whose records hold less of the value than its header counts
 *    (a dump its producer cut, parser/totals.h).
 * Emitters (emitter.h) then only lay these out. */
#ifndef HD_REPORT_H
#define HD_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "graph.h"
#include "prune.h"
#include "scene.h"
#include "text.h"
#include "trend_table.h"
#include "walk.h"

struct hd_emitter;
struct hd_mem_analysis;
struct hd_source_options;

/* Unset --unit, --nodecount, --nodefraction, --edgefraction: the emitter
 * kind's default applies. */
#define HD_UNIT_DEFAULT (-1)
#define HD_UNSET_COUNT ((size_t)-1)
#define HD_UNSET_FRACTION (-1.0)

/* The rows a table keeps when none of --nodecount, --top, --nodefraction
 * is given: with the header's 1 to 6 lines, about one terminal screen
 * (Go's and jeprof's interactive "top" show 10).  --nodecount=0 keeps
 * all, as jeprof prints them. */
#define HD_TEXT_DEFAULT_ROWS 20

/* What the user asked of the report. */
struct hd_report_options {
    enum hd_value_type value;
    int unit;               /* an enum hd_byte_unit, or HD_UNIT_DEFAULT */
    bool sort_by_cum;       /* tables: sort by cum instead of flat */
    bool sort_by_abs;       /* tables: sort by |value| */
    bool compare;           /* tables: base, current, delta, change */
    size_t top;             /* tables: at most this many rows; 0: not
                               given (the default row count applies) */
    size_t node_count;      /* HD_UNSET_COUNT: the kind's default */
    double node_fraction;   /* HD_UNSET_FRACTION: the kind's default */
    double edge_fraction;   /* HD_UNSET_FRACTION: the kind's default */
    const struct hd_filters *filters; /* NULL: none */
    const struct hd_source_options *source; /* --list; NULL: its defaults */
    const char *const *wrappers_charged; /* the wrappers charged to their
                                  callers, the heaviest first; named in
                                  one header and legend line */
    size_t n_wrappers_charged;
    bool wrappers_default_on;  /* the default list is on: the line says
                                  --no-wrappers shows them */
    const struct hd_trend *trend; /* --trend: the series the graph is the
                                     growth over; NULL: a plain report */
    bool ascii;             /* --ascii: sparklines without Unicode */
    bool inverted;          /* --inverted: flame graphs as icicles, the
                               root at the top */
    const struct hd_mem_analysis *memory; /* --memory --html: the captures'
                               RSS by class, shown above the profiles'
                               report; NULL: none */
};

/* The report as emitters read it.  Owns what it allocated; points into
 * the model, graph and filters it was prepared from, which must outlive
 * it. */
struct hd_report {
    const struct hd_model *model;
    const struct hd_graph *graph;
    const struct hd_view *view; /* the pruned graph, when the emitter
                                   needs_view; else NULL */
    struct hd_text_options text;            /* tables: text, traces */
    struct hd_graph_render_options picture; /* pictures: dot, svg, ... */
    struct hd_prune_options prune;          /* as settled for the kind */
    const char *output_name;                /* where it goes, for messages;
                                               NULL for standard output */
    const struct hd_source_options *source; /* --list (source.h), or NULL */
    const struct hd_trend *trend;           /* --trend, or NULL */
    struct hd_trend_table_options trend_table; /* with TREND: the table */
    bool inverted;                          /* --flame: root at the top */
    const struct hd_mem_analysis *memory;   /* --memory --html, or NULL */
    /* private */
    struct hd_report_input *inputs;         /* currents, then bases */
    char (*filter_text)[600];
    const char **filter_list;
    char (*note_text)[1024];
    char *wrappers_note;
    const char **note_list;
    struct hd_model_paths *paths;
    struct hd_view *owned_view;
};

/* Settle REPORT for EMITTER from OPTIONS over GRAPH, which was built from
 * MODEL; prune GRAPH when the emitter needs a view.  Aborts on out of
 * memory. */
void hd_report_prepare(struct hd_report *report, const struct hd_emitter *emitter,
                       const struct hd_model *model, const struct hd_graph *graph,
                       const struct hd_report_options *options);

/* Free what hd_report_prepare() allocated. */
void hd_report_release(struct hd_report *report);

#endif
