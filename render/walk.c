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
        const struct hd_sample *sample = &s->profile->samples[i];
        double value = hd_value_of(&sample->values, s->value);
        double base = hd_value_of(&sample->base, s->value);
        if ((value == 0 && base == 0) || (s->drop_negative && value < 0))
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
