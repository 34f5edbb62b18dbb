/* The --trend table: one row per node, leaks first, with its verdict, how
 * sure it is, its growth and a sparkline of its series. */
#ifndef HD_TREND_TABLE_H
#define HD_TREND_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"
#include "model.h"
#include "trend.h"

struct hd_trend_table_options {
    enum hd_value_type value;
    bool ascii;               /* sparklines in ASCII */
    size_t rows;              /* at most this many rows; 0: all */
    bool default_rows;        /* ROWS is the default, not asked for: the
                                 header says how to see all */
    const char *const *notes; /* header lines (cautions, cut inputs, ...) */
    size_t n_notes;
    const struct hd_filters *filters; /* named in the header; NULL: none */
};

/* A compact signed or unsigned VALUE of TYPE for a table cell ("+2.5MB",
 * "213kB", "-64B", "1.2k" objects) into BUF.  MB are MiB, as jeprof's. */
const char *hd_format_compact(double value, enum hd_value_type type, bool sign, char *buf,
                              size_t size);

/* A verdict's CONFIDENCE as the tables print it: "95.8%", truncated so
 * that only a certainty prints "100%". */
const char *hd_format_sure(double confidence, char *buf, size_t size);

/* Write TREND as a table to OUT.  Header: the snapshots, the total's
 * series, verdict and growth (when the files count allocations, also its
 * growth per 100 MB allocated and the bytes allocated per snapshot, which
 * turns any row's slope per snapshot into one per byte), the verdict
 * counts, the notes.  Rows: nodes
 * with some flat value, in hd_trend_rank order.  Returns 0, or -1 when
 * writing failed. */
int hd_render_trend_table(FILE *out, const struct hd_trend *trend,
                          const struct hd_trend_table_options *options);

#endif
