/* The --traces report (see traces.h). */
#include "traces.h"
#include "emitter.h"

#include <math.h>
#include <stdlib.h>

#include "array.h"

/* The print order: the samples' |value|, largest first, ties in model
 * order.  CONTEXT is the array of values by sample. */
static int compare_samples(const void *a, const void *b, void *context)
{
    const double *magnitude = context;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (magnitude[x] != magnitude[y])
        return magnitude[x] > magnitude[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

int hd_render_traces(FILE *out, const struct hd_graph *g, const struct hd_model *p,
                     const struct hd_text_options *o)
{
    enum hd_byte_unit unit = hd_resolve_unit(o->unit, g->total != 0 ? g->total : g->base_total);
    size_t *order = hd_malloc(p->samples.n + 1, sizeof *order);
    double *magnitude = hd_malloc(p->samples.n + 1, sizeof *magnitude);
    size_t capacity = 0;
    struct hd_path_frame *frames = NULL;
    HD_ARRAY_RESERVE(frames, capacity, 256);
    size_t n = 0;
    for (size_t s = 0; s < p->samples.n; s++) {
        struct hd_sides sides = hd_model_sample_sides(p, s, o->value);
        magnitude[s] = fabs(sides.current - sides.base);
        if (sides.current - sides.base != 0)
            order[n++] = s;
    }
    qsort_r(order, n, sizeof *order, compare_samples, magnitude);
    fprintf(out, "Traces: %s in %s, leaf first%s\n", hd_unit_name(o->value, unit),
            o->n_bases > 0 ? "current minus base" : "the profile",
            o->n_bases > 0 ? "; new/gone: only in current/base" : "");
    for (size_t i = 0; i < o->n_notes; i++)
        fprintf(out, "%s\n", o->notes[i]);
    for (size_t i = 0; i < n; i++) {
        size_t depth = hd_graph_sample_path(g, p, order[i], &frames, &capacity);
        if (depth == 0)
            continue;
        struct hd_sides sides = hd_model_sample_sides(p, order[i], o->value);
        double value = sides.current - sides.base;
        const char *mark = "";
        if (o->n_bases > 0 && hd_change_of(sides) == HD_CHANGE_NEW)
            mark = " new";
        else if (o->n_bases > 0 && hd_change_of(sides) == HD_CHANGE_GONE)
            mark = " gone";
        char text[64];
        fprintf(out, "-----------+-------------------------------------------------------\n");
        /* Each frame is marked as it was at its address: a stack knows
         * exactly which calls were inlined. */
        for (size_t d = 0; d < depth; d++) {
            const char *name = g->nodes[frames[d].node].name;
            const char *inlined = frames[d].inlined ? " (inline)" : "";
            if (d == 0)
                fprintf(out, "%10s   %s%s%s%s\n", hd_format_value(value, o->value, unit, text,
                                                                  sizeof text),
                        name, inlined, *mark ? "  --" : "", mark);
            else
                fprintf(out, "%10s   %s%s\n", "", name, inlined);
        }
    }
    free(order);
    free(magnitude);
    free(frames);
    return ferror(out) ? -1 : 0;
}

int hd_emit_traces(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    if (hd_render_traces(out, report->graph, report->model, &report->text) != 0)
        return hd_error_set(err, report->output_name, 0, "cannot write the report");
    return 0;
}
