/* The --traces report (see traces.h). */
#include "traces.h"

#include <math.h>
#include <stdlib.h>

/* Samples in print order; qsort has no context argument. */
static const struct hd_profile *ordering;
static enum hd_value_type ordering_value;

static int compare_samples(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    double vx = fabs(hd_value_of(&ordering->samples[x].values, ordering_value));
    double vy = fabs(hd_value_of(&ordering->samples[y].values, ordering_value));
    if (vx != vy)
        return vx > vy ? -1 : 1;
    return x < y ? -1 : x > y;
}

int hd_render_traces(FILE *out, const struct hd_graph *g, const struct hd_profile *p,
                     const struct hd_text_options *o)
{
    enum hd_byte_unit unit = hd_resolve_unit(o->unit, g->total != 0 ? g->total : g->base_total);
    size_t *order = malloc((p->n_samples + 1) * sizeof *order);
    size_t capacity = 256;
    uint32_t *nodes = malloc(capacity * sizeof *nodes);
    if (!order || !nodes)
        abort();
    size_t n = 0;
    for (size_t s = 0; s < p->n_samples; s++)
        if (hd_value_of(&p->samples[s].values, o->value) != 0)
            order[n++] = s;
    ordering = p;
    ordering_value = o->value;
    qsort(order, n, sizeof *order, compare_samples);
    fprintf(out, "Traces: %s in %s, leaf first%s\n", hd_unit_name(o->value, unit),
            o->n_bases > 0 ? "current minus base" : "the profile",
            o->n_bases > 0 ? "; new/gone: only in current/base" : "");
    for (size_t i = 0; i < n; i++) {
        const struct hd_sample *s = &p->samples[order[i]];
        size_t depth = hd_graph_sample_nodes(g, p, order[i], nodes, capacity);
        if (depth > capacity) {
            capacity = depth;
            nodes = realloc(nodes, capacity * sizeof *nodes);
            if (!nodes)
                abort();
            depth = hd_graph_sample_nodes(g, p, order[i], nodes, capacity);
        }
        if (depth == 0)
            continue;
        double value = hd_value_of(&s->values, o->value);
        double base = hd_value_of(&s->base, o->value);
        const char *mark = "";
        if (o->n_bases > 0 && base == 0)
            mark = " new";
        else if (o->n_bases > 0 && value + base == 0)
            mark = " gone";
        char text[64];
        fprintf(out, "-----------+-------------------------------------------------------\n");
        for (size_t d = 0; d < depth; d++) {
            if (d == 0)
                fprintf(out, "%10s   %s%s%s\n", hd_format_value(value, o->value, unit, text,
                                                                sizeof text),
                        g->nodes[nodes[d]].name, *mark ? "  --" : "", mark);
            else
                fprintf(out, "%10s   %s\n", "", g->nodes[nodes[d]].name);
        }
    }
    free(order);
    free(nodes);
    return ferror(out) ? -1 : 0;
}
