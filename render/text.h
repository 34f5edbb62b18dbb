/* The text report in perl pprof's layout, as jeprof users know it
 * (FORMATS.md §5.3). */
#ifndef HD_TEXT_REPORT_H
#define HD_TEXT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "graph.h"

/* How byte values are printed. */
enum hd_byte_unit {
    HD_UNIT_MB,    /* "%.1f" of MiB, as jeprof's default ("MB") */
    HD_UNIT_BYTES, /* whole bytes, as --show_bytes ("B") */
};

/* One input profile as the header names it. */
struct hd_report_input {
    const char *path;
    double total; /* its total of the chosen value, before any base */
};

struct hd_text_options {
    enum hd_value_type value;
    enum hd_byte_unit unit;
    bool sort_by_cum;
    /* Diff mode when n_bases > 0: the header names the inputs and says
     * that the percentages are of the delta. */
    const struct hd_report_input *currents;
    size_t n_currents;
    const struct hd_report_input *bases;
    size_t n_bases;
};

/* Print the report of GRAPH to OUT: in diff mode a header naming base and
 * current and their totals, then "Total: VALUE UNIT" (the signed total),
 * then one row per node whose flat or cum is not zero: flat, flat%, sum%,
 * cum, cum%, name, sorted by flat (or cum) descending, ties by name.
 * Percentages are of the total; "-" when it is 0.  Returns 0, or -1 when
 * writing failed. */
int hd_render_text(FILE *out, const struct hd_graph *graph,
                   const struct hd_text_options *options);

/* VALUE formatted as the report prints it (no unit), into BUF. */
const char *hd_format_value(double value, enum hd_value_type type, enum hd_byte_unit unit,
                            char *buf, size_t size);

#endif
