/* Samples as graph node paths (see walk.h). */
#include "walk.h"

#include <stdlib.h>

void hd_profile_paths_walk(const void *source, hd_path_visit *visit, void *context)
{
    const struct hd_profile_paths *s = source;
    size_t capacity = 64;
    uint32_t *nodes = malloc(capacity * sizeof *nodes);
    if (!nodes)
        abort();
    for (size_t i = 0; i < s->profile->n_samples; i++) {
        double value, base;
        if (!hd_graph_sample_value(s->graph, &s->profile->samples[i], &value, &base))
            continue;
        size_t n = hd_graph_sample_nodes(s->graph, s->profile, i, nodes, capacity);
        if (n > capacity) {
            capacity = n;
            nodes = realloc(nodes, capacity * sizeof *nodes);
            if (!nodes)
                abort();
            n = hd_graph_sample_nodes(s->graph, s->profile, i, nodes, capacity);
        }
        if (n > 0)
            visit(context, nodes, n, value, base);
    }
    free(nodes);
}
