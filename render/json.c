/* The --json report: the text report's numbers for programs, in the
 * versioned schema of docs/json-schema.json (README, "JSON").  Built with
 * jansson, never by hand.
 *
 * Choices the schema documents:
 *  - values are in the unit itself (bytes or objects), unrounded, whatever
 *    --unit says; a whole value is a JSON integer, any other a real (an
 *    unsampled estimate, a --normalize'd base);
 *  - rows are every row of the text report; its default trimming to one
 *    screen does not apply (--nodecount, --top and --nodefraction do), and
 *    "dropped" counts what trimming left out;
 *  - "status" (new, gone, changed) is a diff's: a report of one profile
 *    has no base and its rows no status;
 *  - "stacks" holds the HD_JSON_MAX_STACKS largest stacks by |value|, as
 *    --traces prints them, and "stacks_omitted" the rest. */
#include "json.h"
#include "emitter.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "scene.h"

/* Bumped when a field is removed or renamed, or changes meaning; a new
 * field keeps it (README, "JSON"). */
#define HD_JSON_SCHEMA_VERSION 1

/* The most stacks "stacks" lists: enough for the stacks that matter,
 * bounded for a profile of 100,000 stacks. */
#define HD_JSON_MAX_STACKS 1000

#ifndef HD_VERSION
#define HD_VERSION "unknown"
#endif

/* VALUE as an integer when it is whole and exact in a double, else a
 * real; null when it is not finite (never in a valid profile). */
static json_t *number(double value)
{
    if (!isfinite(value))
        return json_null();
    if (value == trunc(value) && fabs(value) < 9007199254740992.0)
        return json_integer((json_int_t)value);
    return json_real(value);
}

/* TEXT as a JSON string.  Symbol and file names come from binaries and
 * need not be UTF-8; jansson refuses those, so their bytes outside ASCII
 * become '?'. */
static json_t *text(const char *text)
{
    json_t *s = json_string(text);
    if (s)
        return s;
    char *copy = hd_strdup(text);
    for (char *c = copy; *c; c++)
        if ((unsigned char)*c >= 0x80)
            *c = '?';
    s = json_string(copy);
    free(copy);
    return s;
}

/* Set KEY of OBJECT to VALUE (a new reference).  jansson fails only for
 * out of memory (a NULL value is one too), which is fatal in heapdiff as
 * in common/array.h. */
static void set(json_t *object, const char *key, json_t *value)
{
    if (!value || json_object_set_new(object, key, value) != 0)
        abort();
}

static void append(json_t *array, json_t *value)
{
    if (!value || json_array_append_new(array, value) != 0)
        abort();
}

static json_t *new_object(void)
{
    json_t *o = json_object();
    if (!o)
        abort();
    return o;
}

static json_t *new_array(void)
{
    json_t *a = json_array();
    if (!a)
        abort();
    return a;
}

/* N values as an array of numbers. */
static json_t *series(const double *values, size_t n)
{
    json_t *a = new_array();
    for (size_t i = 0; i < n; i++)
        append(a, number(values[i]));
    return a;
}

/* N variances as an array of standard errors. */
static json_t *standard_errors(const double *variances, size_t n)
{
    json_t *a = new_array();
    for (size_t i = 0; i < n; i++)
        append(a, number(sqrt(variances[i])));
    return a;
}

static json_t *inputs(const struct hd_report_input *in, size_t n)
{
    json_t *a = new_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = new_object();
        set(o, "path", text(in[i].path));
        set(o, "total", number(in[i].total));
        append(a, o);
    }
    return a;
}

static json_t *filters(const struct hd_filters *f)
{
    json_t *o = new_object();
    for (int k = 0; f && k < HD_FILTER_COUNT; k++) {
        const char *pattern = hd_filter_pattern(f, (enum hd_filter_kind)k);
        if (pattern)
            set(o, hd_filter_name((enum hd_filter_kind)k), text(pattern));
    }
    return o;
}

static const char *change_name(struct hd_sides sides)
{
    switch (hd_change_of(sides)) {
    case HD_CHANGE_NEW:
        return "new";
    case HD_CHANGE_GONE:
        return "gone";
    default:
        return "changed";
    }
}

static const char *inline_name(enum hd_inline_mark mark)
{
    return mark == HD_INLINE_ALL ? "all" : mark == HD_INLINE_PARTIAL ? "partial" : "none";
}

/* One row: NODE with its SOURCE; the status in a diff (DIFF), standard
 * errors when some input is sampled (SAMPLED). */
static json_t *row(const struct hd_node *node, const struct hd_node_source *source, bool diff,
                   bool sampled)
{
    json_t *o = new_object();
    set(o, "name", text(node->name));
    set(o, "inline", json_string(inline_name(node->inlined)));
    set(o, "flat", number(node->flat));
    set(o, "cum", number(node->cum));
    set(o, "base_flat", number(node->base_flat));
    set(o, "base_cum", number(node->base_cum));
    if (diff)
        set(o, "status", json_string(change_name(hd_node_cum_sides(node))));
    if (source->file)
        set(o, "file", text(source->file));
    if (source->line)
        set(o, "line", json_integer(source->line));
    if (sampled) {
        set(o, "flat_se", number(sqrt(node->flat_var)));
        set(o, "cum_se", number(sqrt(node->cum_var)));
    }
    return o;
}

/* "rows" and "dropped", from the text report's rows without its default
 * trimming. */
static void add_rows(json_t *root, const struct hd_report *report, const bool *kept)
{
    const struct hd_graph *g = report->graph;
    struct hd_text_options o = report->text;
    if (o.default_trim) {
        o.node_count = 0;
        o.node_fraction = 0;
    }
    bool diff = o.n_bases > 0;
    struct hd_denominator denominator = hd_graph_denominator(g, diff);
    double cutoff = o.node_fraction * denominator.value;
    size_t n, dropped_fraction, dropped_count;
    const struct hd_node **rows =
        hd_text_rows(g, &o, cutoff, &n, &dropped_fraction, &dropped_count);
    struct hd_node_source *sources = hd_malloc(g->n_nodes + 1, sizeof *sources);
    hd_graph_node_sources(g, report->model, sources);
    json_t *array = new_array();
    size_t pruned = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && !kept[i])
            pruned++;
        else
            append(array, row(rows[i], &sources[rows[i] - g->nodes], diff, o.mark_noise));
    }
    json_t *dropped = new_object();
    if (kept)
        set(dropped, "pruned", json_integer((json_int_t)pruned));
    set(dropped, "below_fraction", json_integer((json_int_t)dropped_fraction));
    set(dropped, "node_fraction", number(o.node_fraction));
    set(dropped, "fraction_cutoff", number(cutoff));
    set(dropped, "past_count", json_integer((json_int_t)dropped_count));
    size_t count = o.node_count && o.top ? (o.node_count < o.top ? o.node_count : o.top)
                                         : o.node_count ? o.node_count : o.top;
    set(dropped, "node_count", json_integer((json_int_t)count));
    set(root, "dropped", dropped);
    set(root, "sort", json_string(o.sort_by_cum ? "cum" : "flat"));
    set(root, "rows", array);
    free(sources);
    free(rows);
}

/* The print order of stacks: |value| descending, ties in model order.
 * CONTEXT is the values by sample. */
static int compare_stacks(const void *a, const void *b, void *context)
{
    const double *magnitude = context;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (magnitude[x] != magnitude[y])
        return magnitude[x] > magnitude[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* "stacks": the HD_JSON_MAX_STACKS samples of largest |value| that the
 * graph shows, as --traces prints them: frames leaf first, by name, and
 * "inlined" the indices of those inlined into the next frame (absent when
 * none), so a deep stack stays one short line per frame; "stacks_omitted":
 * the others. */
static void add_stacks(json_t *root, const struct hd_report *report, size_t max_stacks)
{
    const struct hd_graph *g = report->graph;
    const struct hd_model *p = report->model;
    bool diff = report->text.n_bases > 0;
    size_t *order = hd_malloc(p->samples.n + 1, sizeof *order);
    double *magnitude = hd_malloc(p->samples.n + 1, sizeof *magnitude);
    size_t n = 0;
    for (size_t s = 0; s < p->samples.n; s++) {
        double value, base;
        magnitude[s] = 0;
        if (!hd_graph_sample_value(g, p, s, &value, &base) || value == 0)
            continue;
        if (hd_graph_sample_nodes(g, p, s, NULL, 0) == 0)
            continue; /* filtered out, or left without a frame */
        magnitude[s] = fabs(value);
        order[n++] = s;
    }
    qsort_r(order, n, sizeof *order, compare_stacks, magnitude);
    size_t capacity = 0;
    struct hd_path_frame *frames = NULL;
    HD_ARRAY_RESERVE(frames, capacity, 256);
    json_t *stacks = new_array();
    size_t shown = n < max_stacks ? n : max_stacks;
    double omitted = 0;
    for (size_t i = 0; i < n; i++) {
        double value, base;
        hd_graph_sample_value(g, p, order[i], &value, &base);
        if (i >= shown) {
            omitted += value;
            continue;
        }
        size_t depth = hd_graph_sample_path(g, p, order[i], &frames, &capacity);
        json_t *o = new_object();
        set(o, "value", number(value));
        set(o, "base", number(base));
        if (diff)
            set(o, "status", json_string(change_name((struct hd_sides){value + base, base})));
        json_t *path = new_array(), *inlined = new_array();
        for (size_t d = 0; d < depth; d++) {
            append(path, text(g->nodes[frames[d].node].name));
            if (frames[d].inlined)
                append(inlined, json_integer((json_int_t)d));
        }
        set(o, "frames", path);
        if (json_array_size(inlined) > 0)
            set(o, "inlined", inlined);
        else
            json_decref(inlined);
        append(stacks, o);
    }
    json_t *rest = new_object();
    set(rest, "count", json_integer((json_int_t)(n - shown)));
    set(rest, "value", number(omitted));
    set(root, "stacks", stacks);
    set(root, "stacks_omitted", rest);
    free(frames);
    free(order);
    free(magnitude);
}

/* C's verdict and the numbers it rests on, into O. */
static json_t *add_verdict(json_t *o, const struct hd_classification *c)
{
    set(o, "verdict", json_string(hd_verdict_name(c->verdict)));
    set(o, "confidence", number(c->confidence));
    set(o, "slope", number(c->slope));
    set(o, "late_slope", number(c->late_slope));
    set(o, "growth", number(c->growth));
    set(o, "late_growth", number(c->late_growth));
    return o;
}

/* "trend": the snapshots, the total's series and verdict, and each row's
 * flat series and verdict in the trend table's order (hd_trend_rank),
 * without rows that never had a value; SAMPLED: with standard errors. */
static json_t *trend(const struct hd_report *report, bool sampled, size_t max_rows)
{
    const struct hd_trend *t = report->trend;
    const struct hd_trend_table_options *options = &report->trend_table;
    size_t n = t->n_snapshots;
    json_t *o = new_object();
    json_t *paths = new_array();
    for (size_t i = 0; i < n; i++)
        append(paths, text(t->paths[i]));
    set(o, "snapshots", paths);
    set(o, "total", series(t->total, n));
    if (sampled)
        set(o, "total_se", standard_errors(t->total_var, n));
    if (t->allocated)
        set(o, "allocated", series(t->allocated, n));
    set(o, "total_verdict", add_verdict(new_object(), &t->total_verdict));
    const struct hd_trend_node **order = hd_calloc(t->n_nodes + 1, sizeof *order);
    size_t ranked = hd_trend_rank(t, order), rows = 0;
    for (size_t i = 0; i < ranked; i++)
        if (order[i]->flat_peak != 0)
            order[rows++] = order[i];
    if (!options->default_rows && options->rows && options->rows < rows)
        rows = options->rows;
    if (rows > max_rows)
        rows = max_rows;
    json_t *array = new_array();
    for (size_t i = 0; i < rows; i++) {
        json_t *named = new_object();
        set(named, "name", text(order[i]->name));
        add_verdict(named, &order[i]->flat_verdict);
        set(named, "flat", series(order[i]->flat, n));
        if (sampled)
            set(named, "flat_se", standard_errors(order[i]->flat_var, n));
        append(array, named);
    }
    set(o, "rows", array);
    free(order);
    return o;
}

json_t *hd_json_report(const struct hd_report *report, const struct hd_json_limits *limits)
{
    const struct hd_text_options *o = &report->text;
    const struct hd_graph *g = report->graph;
    bool diff = o->n_bases > 0;
    json_t *root = new_object();
    set(root, "schema_version", json_integer(HD_JSON_SCHEMA_VERSION));
    set(root, "tool", json_string("heapdiff"));
    set(root, "tool_version", json_string(HD_VERSION));
    set(root, "mode", json_string(report->trend ? "trend" : diff ? "diff" : "profile"));
    set(root, "value_type", json_string(hd_value_type_name(o->value)));
    set(root, "unit", json_string(hd_value_is_objects(o->value) ? "objects" : "bytes"));
    set(root, "sampled", json_boolean(o->mark_noise));
    json_t *in = new_object();
    set(in, "base", inputs(o->bases, o->n_bases));
    set(in, "current", inputs(o->currents, o->n_currents));
    set(root, "inputs", in);
    json_t *totals = new_object();
    set(totals, "base", number(g->base_total));
    set(totals, "current", number(g->total + g->base_total));
    set(totals, "delta", number(g->total));
    set(totals, "shown", number(g->shown_total));
    set(root, "totals", totals);
    set(root, "filters", filters(o->filters));
    json_t *notes = new_array();
    for (size_t i = 0; i < o->n_notes; i++)
        append(notes, text(o->notes[i]));
    set(root, "notes", notes);
    add_rows(root, report, limits ? limits->rows_kept : NULL);
    add_stacks(root, report, limits ? limits->max_stacks : HD_JSON_MAX_STACKS);
    if (report->trend)
        set(root, "trend",
            trend(report, o->mark_noise, limits ? limits->max_trend_rows : SIZE_MAX));
    return root;
}

int hd_emit_json(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    json_t *root = hd_json_report(report, NULL);
    int status = json_dumpf(root, out, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (status != 0 || fputc('\n', out) == EOF || ferror(out))
        return hd_error_set(err, report->output_name, 0, "cannot write the report");
    return 0;
}

/* ---- the helpers above, for other documents (render/memory_json.c) ---- */

json_t *hd_json_text(const char *s)
{
    return text(s);
}

void hd_json_set(json_t *object, const char *key, json_t *value)
{
    set(object, key, value);
}

void hd_json_append(json_t *array, json_t *value)
{
    append(array, value);
}
