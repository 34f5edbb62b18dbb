/* The call graph as dot text (--dot), as pprof -dot writes it
 * (FORMATS.md §6.2), with heapdiff's legend and diff marks. */
#ifndef HD_DOT_H
#define HD_DOT_H

#include <stdio.h>

#include "graph.h"
#include "prune.h"
#include "scene.h"

/* Write VIEW of GRAPH (see hd_prune) to OUT in dot syntax: the digraph
 * with default node attributes, the legend cluster "cluster_legend", the
 * nodes N1.. in view order and the edges in view order, each with the
 * attributes hd_scene_build() gives them.  Every value is a quoted
 * string with '"' escaped.  The same input gives byte-identical output.
 * Returns 0, or -1 when writing to OUT failed. */
int hd_render_dot(FILE *out, const struct hd_graph *graph, const struct hd_view *view,
                  const struct hd_graph_render_options *options);

/* Write SCENE in dot syntax to OUT (the writer behind hd_render_dot).
 * Returns 0, or -1 when writing failed. */
int hd_write_scene_dot(FILE *out, const struct hd_scene *scene);

#endif
