/* CI gates: rules that make heapdiff exit 1 when memory grew too much
 * (--fail-if-growth, --fail-if-node-growth) or leaks (--fail-if-leak,
 * with --trend).  The gates read rows, one per node at the report's
 * granularity, so that a two-profile diff and a trend over a series are
 * judged alike: a diff's row is a node's flat delta; a trend's, its flat
 * growth over the series and its verdict.  Nodes that a suppressions file
 * names (suppress.h) never trip a gate. */
#ifndef HD_GATES_H
#define HD_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model.h"
#include "suppress.h"

/* A threshold that was not given: its gate is off (min_leak: the
 * default below applies). */
#define HD_GATE_UNSET (-1.0)

/* --min-leak's default: a leak must have grown by this much over the
 * series to trip --fail-if-leak.  1 MiB of bytes, 1024 objects for the
 * object counts (--inuse-objects): a slow leak a CI run cannot see is
 * a false alarm more often than not (issue 11: "a false alarm costs the
 * user more than a missed tiny leak"). */
#define HD_GATE_DEFAULT_MIN_LEAK_BYTES 1048576.0
#define HD_GATE_DEFAULT_MIN_LEAK_OBJECTS 1024.0

/* How many rows a tripped rule names on its own lines; more are counted. */
#define HD_GATE_SAY_ROWS 5

/* What the user asked; unset = off.  Thresholds are in the report's value
 * (bytes, or objects with --inuse-objects/--alloc-objects) and a rule
 * trips when a growth is strictly above its threshold. */
struct hd_gates {
    bool fail_if_leak;          /* --fail-if-leak */
    double min_leak;            /* --min-leak SIZE, >= 0; HD_GATE_UNSET: the
                                   default (hd_gates_min_leak) */
    double fail_if_growth;      /* --fail-if-growth SIZE, >= 0; HD_GATE_UNSET:
                                   off */
    double fail_if_node_growth; /* --fail-if-node-growth SIZE, >= 0;
                                   HD_GATE_UNSET: off */
    const char *suppress;       /* --suppress FILE, or NULL; the caller's */
};

/* One node as the gates see it. */
struct hd_gate_row {
    const char *name; /* the node's name at the report's granularity; the
                         caller's, lives through the check */
    double growth;    /* its flat growth: a diff's delta, or over a series */
    bool leak;        /* a trend said leak (with enough confidence); always
                         false for a diff */
};

/* GATES with every rule off. */
void hd_gates_init(struct hd_gates *gates);

/* Whether any rule is on. */
bool hd_gates_any(const struct hd_gates *gates);

/* The --min-leak threshold of GATES for VALUE: min_leak, or its default. */
double hd_gates_min_leak(const struct hd_gates *gates, enum hd_value_type value);

/* Check ROWS (N of them) and TOTAL_GROWTH against GATES, with SUPPRESSIONS
 * (NULL: none).  --fail-if-growth compares TOTAL_GROWTH less the growth
 * of the suppressed rows (so ROWS must be every node whose flat growth
 * makes up TOTAL_GROWTH: a suppressed node counts for nothing, as if
 * its memory were not there on either side); --fail-if-node-growth each
 * unsuppressed row's growth; --fail-if-leak each unsuppressed leak row's
 * growth against hd_gates_min_leak().  Prints each rule that tripped to
 * SAY, one "heapdiff: gate tripped: ..." line with the growth and the
 * threshold, exact, in VALUE's unit (B or objects), then the rows that
 * tripped it, the largest growth first (for --fail-if-growth, the rows
 * that grew most), HD_GATE_SAY_ROWS of them and a count of the rest.
 * Returns the number of rules that tripped (0 to 3). */
size_t hd_gates_check(const struct hd_gates *gates, const struct hd_suppressions *suppressions,
                      double total_growth, const struct hd_gate_row *rows, size_t n,
                      enum hd_value_type value, FILE *say);

#endif
