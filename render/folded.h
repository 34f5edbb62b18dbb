/* The --collapsed report: folded stacks, one line per stack, for
 * flamegraph.pl, inferno and speedscope (Brendan Gregg's "folded" format:
 * "root;...;leaf value").  In diff mode each line carries two values,
 * "stack base current", the form difffolded.pl writes and
 * flamegraph.pl --negate and inferno-diff-folded read.
 *
 * Frames are the graph's nodes (its granularity, allocator frames cut,
 * filters applied), root first; a frame inlined at that address ends in
 * " [inline]".  Names are made safe for the format: ';' (the frame
 * separator) becomes ':' as stackcollapse-perf.pl does, a control
 * character (newline, tab, ...) becomes '?', and a space before trailing
 * digits at the end of the leaf becomes '_' (the parsers take the last
 * blank-separated number as the value).  Values are whole bytes or
 * objects whatever --unit says; identical stacks are merged and the lines
 * are sorted by stack. */
#ifndef HD_FOLDED_H
#define HD_FOLDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text.h"

/* Whole numbers for VALUES[0..N) into OUT whose sum is exactly TARGET:
 * each value rounded half away from zero, then the residue (TARGET minus
 * the sum of those) spread one unit at a time over the values whose
 * rounding lost (or gained) the most, ties to the lower index: the
 * largest-remainder method.  Sampled estimates are fractional, so
 * rounding each alone would miss the total by up to N/2. */
void hd_folded_apportion(const double *values, size_t n, int64_t target, int64_t *out);

/* NAME written as a frame of the format, made safe as above; LEAF: it
 * ends the stack (nothing follows it but the values). */
void hd_folded_print_frame(FILE *out, const char *name, bool leaf);

/* Print the folded stacks of GRAPH, built from MODEL, to OUT; in diff
 * mode (OPTIONS->n_bases > 0) with the base and current columns.  Each
 * column sums to the text report's total of that side as --unit=B prints
 * it (truncated, as perl's %d): the shown total of the samples that kept
 * a frame.  Lines whose values are all 0 are left out.  Returns 0, or -1
 * when writing failed. */
int hd_render_folded(FILE *out, const struct hd_graph *graph, const struct hd_model *model,
                     const struct hd_text_options *options);

#endif
