/* The exact path walk for hd_prune(): a model's samples as node paths of
 * the graph built from it (hd_graph_sample_nodes), so that residual edges
 * get pprof's exact weights. */
#ifndef HD_WALK_H
#define HD_WALK_H


#include "graph.h"
#include "prune.h"

/* What the walk reads: GRAPH and the MODEL it was built from. */
struct hd_model_paths {
    const struct hd_graph *graph;
    const struct hd_model *model;
};

/* An hd_path_walk: SOURCE is a const struct hd_model_paths *.  Visits
 * every whole-process sample with a non-zero value or base share that the
 * graph counted, in sample order. */
void hd_model_paths_walk(const void *source, hd_path_visit *visit, void *context);

#endif
