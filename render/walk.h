/* The exact path walk for hd_prune(): a profile's samples as node paths of
 * the graph built from it (hd_graph_sample_nodes), so that residual edges
 * get pprof's exact weights. */
#ifndef HD_WALK_H
#define HD_WALK_H

#include <stdbool.h>

#include "graph.h"
#include "prune.h"

/* What the walk reads.  GRAPH must have been built from PROFILE with
 * options whose value is VALUE and whose drop_negative is DROP_NEGATIVE
 * (the walk must skip the samples the graph skipped). */
struct hd_profile_paths {
    const struct hd_graph *graph;
    const struct hd_profile *profile;
    enum hd_value_type value;
    bool drop_negative;
};

/* An hd_path_walk: SOURCE is a const struct hd_profile_paths *.  Visits
 * every whole-process sample with a non-zero value or base share that the
 * graph counted, in sample order. */
void hd_profile_paths_walk(const void *source, hd_path_visit *visit, void *context);

#endif
