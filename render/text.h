/* The text report in perl pprof's layout, as jeprof users know it
 * (FORMATS.md §5.3), with heapdiff's diff header and --compare columns. */
#ifndef HD_TEXT_REPORT_H
#define HD_TEXT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"
#include "graph.h"

/* How byte values are printed. */
enum hd_byte_unit {
    HD_UNIT_MB,    /* "%.1f" of MiB named "MB", as jeprof prints (default) */
    HD_UNIT_BYTES, /* whole bytes, as --show_bytes ("B") */
    HD_UNIT_KIB,   /* "%.2f" of KiB */
    HD_UNIT_MIB,   /* "%.2f" of MiB */
    HD_UNIT_GIB,   /* "%.2f" of GiB */
    HD_UNIT_AUTO,  /* the largest of B, KiB, MiB, GiB that the total reaches */
};

/* One input profile as the header names it. */
struct hd_report_input {
    const char *path;
    double total; /* its total of the chosen value, before any base */
};

struct hd_text_options {
    enum hd_value_type value;
    enum hd_byte_unit unit;
    bool sort_by_cum;     /* sort by cum instead of flat */
    bool sort_by_abs;     /* sort by absolute value: shrinkage next to growth */
    bool compare;         /* rows of base, current, delta and change */
    size_t top;           /* print at most this many rows; 0: all */
    size_t node_count;    /* keep the NODE_COUNT rows of largest |cum|; 0: all */
    double node_fraction; /* drop rows with |cum| < NODE_FRACTION x the shown
                             total's magnitude; 0: none */
    const struct hd_filters *filters; /* named in the header; NULL: none */
    const char *wrappers_note; /* a header line on the wrappers charged to
                                  their callers; NULL: none */
    /* Diff mode when n_bases > 0: the header names the inputs, and rows are
     * marked (new) or (gone). */
    const struct hd_report_input *currents;
    size_t n_currents;
    const struct hd_report_input *bases;
    size_t n_bases;
};

/* Print the report of GRAPH to OUT.  Header: in diff mode the base and
 * current inputs with their totals; then "Total: VALUE UNIT" (all samples,
 * signed); with filters the shown total, which the percentages are of;
 * what trimming dropped.  Rows: each node whose flat or cum is not zero,
 * "flat flat% sum% cum cum% name", sorted by the key descending (ties by
 * name); percentages of the shown total, "-" when it is 0.  Returns 0, or
 * -1 when writing failed. */
int hd_render_text(FILE *out, const struct hd_graph *graph,
                   const struct hd_text_options *options);

/* VALUE of TYPE in UNIT, without the unit name, into BUF.  UNIT must not
 * be HD_UNIT_AUTO (see hd_resolve_unit). */
const char *hd_format_value(double value, enum hd_value_type type, enum hd_byte_unit unit,
                            char *buf, size_t size);

/* The unit's name as printed after a total: "MB", "B", "KiB", ... or
 * "objects" for object counts. */
const char *hd_unit_name(enum hd_value_type type, enum hd_byte_unit unit);

/* UNIT, with HD_UNIT_AUTO replaced by the unit that suits MAGNITUDE. */
enum hd_byte_unit hd_resolve_unit(enum hd_byte_unit unit, double magnitude);

#endif
