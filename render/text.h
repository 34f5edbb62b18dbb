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
    HD_UNIT_MB,    /* "%.1f" of MiB named "MB", as jeprof prints */
    HD_UNIT_BYTES, /* whole bytes, as --show_bytes ("B") */
    HD_UNIT_KIB,   /* "%.2f" of KiB */
    HD_UNIT_MIB,   /* "%.2f" of MiB */
    HD_UNIT_GIB,   /* "%.2f" of GiB */
    HD_UNIT_AUTO,  /* the largest of B, KiB, MiB, GiB that the total reaches
                      (pictures); tables settle it by hd_table_unit */
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
    bool mark_noise;      /* some input is sampled: in diff mode, --compare
                             rows mark a delta within sampling noise
                             (hd_within_noise) with HD_NOISE_MARK, and the
                             header says so once */
    size_t top;           /* print at most this many rows; 0: all */
    size_t node_count;    /* likewise (Go pprof's -nodecount in text: the
                             first rows in report order); 0: all */
    double node_fraction; /* drop rows with |cum| < NODE_FRACTION x the
                             denominator (hd_graph_denominator), with
                             --compare when base and current cum are too;
                             0: none */
    bool default_trim;    /* node_count and node_fraction are the defaults,
                             not asked for: the header says how to see all */
    const struct hd_filters *filters; /* named in the header; NULL: none */
    const char *const *notes; /* lines the header adds after the totals,
                                 e.g. an input its producer cut; n_notes */
    size_t n_notes;
    /* Diff mode when n_bases > 0: the header names the inputs, and rows are
     * marked (new) or (gone). */
    const struct hd_report_input *currents;
    size_t n_currents;
    const struct hd_report_input *bases;
    size_t n_bases;
};

/* The mark after a --compare row's delta that is within sampling noise. */
#define HD_NOISE_MARK '~'

/* Print the report of GRAPH to OUT.  Header: in diff mode the base and
 * current inputs with their totals; then "Total: VALUE UNIT" (all samples,
 * signed); the notes; with filters the shown total; what the percentages
 * are of (hd_graph_denominator over the shown samples); what trimming
 * dropped and how to see all.  Rows: each node whose flat or cum is not zero,
 * "flat flat% sum% cum cum% name", sorted by the key descending (ties by
 * name), the first node_count and top of them; the name ends in the
 * node's inline mark (hd_inline_suffix) and, in diff mode, (new) or
 * (gone); percentages have the sign of their value, "-" when every value
 * is 0.  Returns 0, or -1 when writing failed. */
int hd_render_text(FILE *out, const struct hd_graph *graph,
                   const struct hd_text_options *options);

/* The header hd_render_text() prints, up to the trimming lines, for
 * another table of GRAPH (--list): inputs, totals, notes, filters and what
 * the percentages are of, DENOMINATOR (hd_graph_denominator), in UNIT. */
void hd_text_print_header(FILE *out, const struct hd_graph *graph,
                          const struct hd_text_options *options,
                          const struct hd_denominator *denominator, enum hd_byte_unit unit);

/* VALUE of TYPE in UNIT, without the unit name, into BUF.  UNIT must not
 * be HD_UNIT_AUTO (see hd_resolve_unit). */
const char *hd_format_value(double value, enum hd_value_type type, enum hd_byte_unit unit,
                            char *buf, size_t size);

/* The unit's name as printed after a total: "MB", "B", "KiB", ... or
 * "objects" for object counts. */
const char *hd_unit_name(enum hd_value_type type, enum hd_byte_unit unit);

/* UNIT, with HD_UNIT_AUTO replaced by the unit that suits MAGNITUDE. */
enum hd_byte_unit hd_resolve_unit(enum hd_byte_unit unit, double magnitude);

/* A table's automatic unit (its default) for values up to MAGNITUDE: the
 * largest of B, KiB, MiB, GiB in which |MAGNITUDE| is at least 100.  With
 * two decimals the largest value keeps five significant digits, and a
 * row down to 0.01% of it reads non-zero; B under 100 KiB. */
enum hd_byte_unit hd_table_unit(double magnitude);

/* ---- the text report's pieces, for other tables (markdown.c) ---- */

/* --compare's change column of NODE's flat (cum when BY_CUM) into BUF:
 * "new", "gone", "-" without a base value, else "+300.0%". */
const char *hd_format_change(const struct hd_node *node, bool by_cum, char *buf, size_t size);

/* PART as a percentage of DENOMINATOR ("79.1%"), "-" without one. */
const char *hd_format_percent(double part, const struct hd_denominator *denominator, char *buf,
                              size_t size);

/* The rows hd_render_text() prints for OPTIONS, in order, with |cum|
 * under CUTOFF dropped (count in *DROPPED_FRACTION), then all but the
 * node_count and top of largest |key| (count in *DROPPED_COUNT); their
 * count in *N_ROWS.  The caller frees the array. */
const struct hd_node **hd_text_rows(const struct hd_graph *graph,
                                    const struct hd_text_options *options, double cutoff,
                                    size_t *n_rows, size_t *dropped_fraction,
                                    size_t *dropped_count);

#endif
