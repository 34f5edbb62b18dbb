/* Settling a report for its emitter (see report.h). */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "emitter.h"

/* The inputs as the header and legend name them: currents (and
 * snapshots) first, then bases, each in column order, with its own total
 * of VALUE.  Sets the text options' lists. */
static void list_inputs(struct hd_report *r, const struct hd_model *model,
                        enum hd_value_type value)
{
    r->inputs = hd_calloc(model->n_inputs + 1, sizeof *r->inputs);
    size_t n = 0;
    for (int bases = 0; bases < 2; bases++) {
        size_t first = n;
        for (uint32_t k = 0; k < model->n_inputs; k++) {
            if ((model->inputs[k].role == HD_ROLE_BASE) != bases)
                continue;
            struct hd_values total = hd_model_input_total(model, k);
            r->inputs[n++] = (struct hd_report_input){model->inputs[k].path,
                                                      hd_value_of(&total, value)};
        }
        if (bases) {
            r->text.bases = n > first ? &r->inputs[first] : NULL;
            r->text.n_bases = n - first;
        } else {
            r->text.currents = r->inputs;
            r->text.n_currents = n;
        }
    }
}

/* The active filters as the legend lists them: "focus=RE". */
static void list_filters(struct hd_report *r, const struct hd_filters *filters)
{
    r->filter_text = hd_calloc(HD_FILTER_COUNT, sizeof *r->filter_text);
    r->filter_list = hd_calloc(HD_FILTER_COUNT, sizeof *r->filter_list);
    size_t n = 0;
    for (int k = 0; k < HD_FILTER_COUNT; k++) {
        const char *pattern = hd_filter_pattern(filters, (enum hd_filter_kind)k);
        if (!pattern)
            continue;
        snprintf(r->filter_text[n], sizeof r->filter_text[n], "%s=%s",
                 hd_filter_name((enum hd_filter_kind)k), pattern);
        r->filter_list[n] = r->filter_text[n];
        n++;
    }
    r->picture.filters = r->filter_list;
    r->picture.n_filters = n;
}

void hd_report_prepare(struct hd_report *r, const struct hd_emitter *emitter,
                       const struct hd_model *model, const struct hd_graph *graph,
                       const struct hd_report_options *o)
{
    memset(r, 0, sizeof *r);
    r->model = model;
    r->graph = graph;
    bool picture = emitter->kind == HD_EMITTER_PICTURE;

    /* Tables print jeprof's MB; pictures need finer steps. */
    enum hd_byte_unit unit = o->unit != HD_UNIT_DEFAULT ? (enum hd_byte_unit)o->unit
                             : picture                  ? HD_UNIT_AUTO
                                                        : HD_UNIT_MB;
    /* Tables keep every row, as jeprof; pictures prune as pprof does. */
    r->prune = hd_prune_defaults();
    if (!picture) {
        r->prune.node_count = 0;
        r->prune.node_fraction = 0;
    }
    if (o->node_count != HD_UNSET_COUNT)
        r->prune.node_count = o->node_count;
    if (o->node_fraction != HD_UNSET_FRACTION)
        r->prune.node_fraction = o->node_fraction;
    if (o->edge_fraction != HD_UNSET_FRACTION)
        r->prune.edge_fraction = o->edge_fraction;

    r->text = (struct hd_text_options){
        .value = o->value,
        .unit = unit,
        .sort_by_cum = o->sort_by_cum,
        .sort_by_abs = o->sort_by_abs,
        .compare = o->compare,
        .top = o->top,
        .node_count = r->prune.node_count,
        .node_fraction = r->prune.node_fraction,
        .filters = o->filters,
        .wrappers_note = o->wrappers_note,
    };
    list_inputs(r, model, o->value);
    r->picture = (struct hd_graph_render_options){
        .value = o->value,
        .unit = unit,
        .currents = r->text.currents,
        .n_currents = r->text.n_currents,
        .bases = r->text.bases,
        .n_bases = r->text.n_bases,
        .wrappers_note = o->wrappers_note,
    };
    list_filters(r, o->filters);

    if (emitter->needs_view) {
        r->paths = hd_calloc(1, sizeof *r->paths);
        *r->paths = (struct hd_model_paths){graph, model};
        r->prune.walk = hd_model_paths_walk;
        r->prune.walk_source = r->paths;
        r->view = r->owned_view = hd_prune(graph, &r->prune);
    }
}

void hd_report_release(struct hd_report *r)
{
    hd_view_free(r->owned_view);
    free(r->paths);
    free(r->filter_list);
    free(r->filter_text);
    free(r->inputs);
    memset(r, 0, sizeof *r);
}
