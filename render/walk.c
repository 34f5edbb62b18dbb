/* Samples as graph node paths (see walk.h). */
#include "walk.h"

#include <stdlib.h>

#include "array.h"

void hd_model_paths_walk(const void *source, hd_path_visit *visit, void *context)
{
    const struct hd_model_paths *s = source;
    size_t capacity = 0;
    uint32_t *nodes = NULL;
    HD_ARRAY_RESERVE(nodes, capacity, 64);
    for (size_t i = 0; i < s->model->samples.n; i++) {
        double value, base;
        if (!hd_graph_sample_value(s->graph, s->model, i, &value, &base))
            continue;
        size_t n = hd_graph_sample_nodes(s->graph, s->model, i, nodes, capacity);
        if (n > capacity) {
            HD_ARRAY_RESERVE(nodes, capacity, n);
            n = hd_graph_sample_nodes(s->graph, s->model, i, nodes, capacity);
        }
        if (n > 0)
            visit(context, nodes, n, value, base,
                  hd_graph_sample_variance(s->graph, s->model, i));
    }
    free(nodes);
}
