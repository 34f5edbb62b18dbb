/* Settling a report for its emitter (see report.h). */
#include "report.h"

#include <math.h>
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

/* The note for IN, a valgrind massif snapshot: which one, and the bytes
 * massif counts beside its heap tree, which no row holds (parser/
 * massif.h), in UNIT; into TEXT of SIZE bytes. */
static void massif_note(char *text, size_t size, const struct hd_model_input *in,
                        enum hd_byte_unit unit)
{
    const struct hd_massif_snapshot *s = &in->massif;
    enum hd_byte_unit u = hd_resolve_unit(unit, s->heap_bytes);
    char heap[64], extra[64], stacks[64];
    const char *name = hd_unit_name(HD_VALUE_INUSE_SPACE, u);
    hd_format_value(s->heap_bytes, HD_VALUE_INUSE_SPACE, u, heap, sizeof heap);
    hd_format_value(s->heap_extra_bytes, HD_VALUE_INUSE_SPACE, u, extra, sizeof extra);
    hd_format_value(s->stacks_bytes, HD_VALUE_INUSE_SPACE, u, stacks, sizeof stacks);
    snprintf(text, size,
             "Massif: %s is snapshot %ld%s (time=%.0f %s): heap %s %s; beside it "
             "mem_heap_extra_B %s %s, mem_stacks_B %s %s; bytes only, objects unknown",
             in->path, s->number, s->peak ? ", the peak" : "", s->time, s->time_unit, heap,
             name, extra, name, stacks, name);
}

/* The header's notes: the model's cautions (how the inputs relate); a
 * note for each input whose records hold less of VALUE than its header
 * counts: the producer dropped records (parser/totals.h), so the report
 * shows only part of that input, printed in UNIT (HD_UNIT_AUTO: by the
 * header's figure); then WRAPPERS_NOTE (NULL: none).  Sets the text and
 * picture options' notes. */
static void list_notes(struct hd_report *r, const struct hd_model *model,
                       enum hd_value_type value, enum hd_byte_unit unit,
                       const char *wrappers_note)
{
    r->note_text = hd_calloc(model->n_inputs + 1, sizeof *r->note_text);
    r->note_list = hd_calloc(model->n_inputs + model->n_cautions + 2, sizeof *r->note_list);
    size_t n = 0;
    for (size_t i = 0; i < model->n_cautions; i++)
        r->note_list[n++] = model->cautions[i];
    for (uint32_t k = 0; k < model->n_inputs; k++) {
        const struct hd_model_input *in = &model->inputs[k];
        if (in->format == HD_FORMAT_MASSIF) {
            char *text = r->note_text[n - model->n_cautions];
            massif_note(text, sizeof r->note_text[0], in, unit);
            r->note_list[n++] = text;
            continue;
        }
        if (!in->records_short)
            continue;
        struct hd_values total = hd_model_input_total(model, k);
        double held = hd_value_of(&total, value), counted = hd_value_of(&in->header_total, value);
        if (!(held < counted))
            continue;
        enum hd_byte_unit u = hd_resolve_unit(unit, counted);
        char a[64];
        char *text = r->note_text[n - model->n_cautions];
        snprintf(text, sizeof r->note_text[0],
                 "Incomplete: %s holds %.1f%% of the %s %s its header counts (%s)", in->path,
                 held * 100.0 / counted, hd_format_value(counted, value, u, a, sizeof a),
                 hd_unit_name(value, u),
                 in->cut_by_buffer ? "cut by gperftools' 1 MiB dump buffer"
                                   : "records are missing");
        r->note_list[n++] = text;
    }
    if (wrappers_note)
        r->note_list[n++] = wrappers_note;
    r->text.notes = r->note_list;
    r->text.n_notes = n;
    r->picture.notes = r->note_list;
    r->picture.n_notes = n;
}

/* The header's note on the wrapper rule: which wrappers were charged to
 * their callers, the heaviest first, as many as fit in 80 columns (one at
 * least), and how to see them.  NULL when none was.  The caller frees
 * it. */
static char *wrapper_note(const struct hd_report_options *o)
{
    enum { WIDTH = 80 };
    const char *const *names = o->wrappers_charged;
    size_t n = o->n_wrappers_charged;
    if (n == 0)
        return NULL;
    const char *prefix = o->wrappers_default_on ? "Wrappers charged to callers (--no-wrappers):"
                                                : "Wrappers charged to callers:";
    size_t size = strlen(prefix) + 64;
    for (size_t i = 0; i < n; i++)
        size += strlen(names[i]) + 2;
    char *note = hd_malloc(size, 1);
    size_t length = (size_t)snprintf(note, size, "%s %s", prefix, names[0]);
    size_t shown = 1;
    for (; shown < n; shown++) {
        char more[40] = "";
        if (shown + 1 < n)
            snprintf(more, sizeof more, " and %zu more", n - shown - 1);
        if (length + 2 + strlen(names[shown]) + strlen(more) > WIDTH)
            break;
        length += (size_t)snprintf(note + length, size - length, ", %s", names[shown]);
    }
    if (shown < n)
        snprintf(note + length, size - length, " and %zu more", n - shown);
    return note;
}

void hd_report_prepare(struct hd_report *r, const struct hd_emitter *emitter,
                       const struct hd_model *model, const struct hd_graph *graph,
                       const struct hd_report_options *o)
{
    memset(r, 0, sizeof *r);
    r->model = model;
    r->graph = graph;
    r->source = o->source;
    bool picture = emitter->kind == HD_EMITTER_PICTURE;

    /* Both choose by magnitude unless asked: a table by the largest
     * value it can print (hd_table_unit; README, "Choices where the
     * peers disagree"), a picture by its largest node, at scene time.
     * No row's |cum| exceeds the shown gross change, which is the total
     * without shrinkage and what is left when --normalize cancels it;
     * without any change, the base's total.  --unit=MB is jeprof's
     * layout. */
    enum hd_byte_unit unit = o->unit != HD_UNIT_DEFAULT ? (enum hd_byte_unit)o->unit
                                                        : HD_UNIT_AUTO;
    if (!picture && unit == HD_UNIT_AUTO) {
        double largest = fmax(fabs(graph->total), graph->shown_gross);
        unit = hd_table_unit(largest != 0 ? largest : graph->base_total);
    }
    /* Pictures prune as pprof does.  Tables keep one screen: the first
     * HD_TEXT_DEFAULT_ROWS rows, without those under pprof's node fraction
     * (which would fill the screen with rows of 0.0%); the header says
     * how to see all.  Any of --top, --nodecount, --nodefraction replaces
     * both defaults: --nodecount=0 alone shows every row, as jeprof. */
    r->prune = hd_prune_defaults();
    bool default_trim = !picture && o->top == 0 && o->node_count == HD_UNSET_COUNT &&
                        o->node_fraction == HD_UNSET_FRACTION;
    if (!picture && !default_trim) {
        r->prune.node_count = 0;
        r->prune.node_fraction = 0;
    } else if (default_trim) {
        r->prune.node_count = HD_TEXT_DEFAULT_ROWS;
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
        .mark_noise = hd_model_is_sampled(model),
        .top = o->top,
        .node_count = r->prune.node_count,
        .node_fraction = r->prune.node_fraction,
        .default_trim = default_trim,
        .filters = o->filters,
    };
    list_inputs(r, model, o->value);
    r->picture = (struct hd_graph_render_options){
        .value = o->value,
        .unit = unit,
        .currents = r->text.currents,
        .n_currents = r->text.n_currents,
        .bases = r->text.bases,
        .n_bases = r->text.n_bases,
        .mark_noise = r->text.mark_noise,
    };
    list_filters(r, o->filters);
    r->wrappers_note = wrapper_note(o);
    list_notes(r, model, o->value, unit, r->wrappers_note);
    r->trend = o->trend;
    r->picture.trend = o->trend;
    r->inverted = o->inverted;
    r->memory = o->memory;
    r->trend_table = (struct hd_trend_table_options){
        .value = o->value,
        .ascii = o->ascii,
        .rows = o->top && (r->text.node_count == 0 || o->top < r->text.node_count)
                    ? o->top
                    : r->text.node_count,
        .default_rows = default_trim,
        .notes = r->text.notes,
        .n_notes = r->text.n_notes,
        .filters = o->filters,
    };

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
    free(r->note_list);
    free(r->note_text);
    free(r->wrappers_note);
    free(r->inputs);
    memset(r, 0, sizeof *r);
}
