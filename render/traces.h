/* --traces: every stack with its value, leaf first, as Go pprof's -traces
 * prints them. */
#ifndef HD_TRACES_H
#define HD_TRACES_H

#include <stdio.h>

#include "graph.h"
#include "text.h"

/* Print each sample of PROFILE that GRAPH shows (filters applied) with a
 * non-zero value: a separator line, then one line per node, leaf first,
 * the value (and in diff mode "new"/"gone") on the first.  Largest |value|
 * first, ties in profile order.  OPTIONS gives the value type, unit and
 * diff mode (n_bases).  Returns 0, or -1 when writing failed. */
int hd_render_traces(FILE *out, const struct hd_graph *graph, const struct hd_model *profile,
                     const struct hd_text_options *options);

#endif
