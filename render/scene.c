/* Attributes of a call graph's nodes, edges and legend (see scene.h;
 * pprof's dot layout, FORMATS.md §6.2). */
#include "scene.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"
#include "color.h"
#include "trend_table.h"

struct hd_scene_private {
    struct hd_arena *arena;
};

/* What every label needs to format values. */
struct context {
    const struct hd_graph *graph;
    const struct hd_view *view;
    const struct hd_graph_render_options *options;
    struct hd_arena *arena;
    bool diff;
    enum hd_byte_unit unit; /* options->unit with HD_UNIT_AUTO resolved */
    struct hd_denominator chosen; /* hd_graph_denominator */
    double denominator; /* chosen.value, or the sum of |flat| when there is
                           none; > 0 unless every value is 0 */
    double max_flat;    /* max |flat| over the kept nodes */
};

/* ---- a growing string ---- */

struct text {
    char *data;
    size_t length, capacity;
};

static void text_reserve(struct text *t, size_t more)
{
    HD_ARRAY_RESERVE(t->data, t->capacity, t->length + more + 1);
}

static void text_add(struct text *t, const char *s)
{
    size_t n = strlen(s);
    text_reserve(t, n);
    memcpy(t->data + t->length, s, n + 1);
    t->length += n;
}

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    text_reserve(t, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(t->data + t->length, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->length += (size_t)n;
}

/* Append S as escString text: backslashes doubled, so that "\N" or "\n" in
 * a name stays literal; a raw newline (none should occur) becomes "\n". */
static void text_add_escaped(struct text *t, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            text_add(t, "\\\\");
        else if (*s == '\n')
            text_add(t, "\\n");
        else if (*s == '\r')
            continue;
        else {
            char c[2] = {*s, 0};
            text_add(t, c);
        }
    }
}

/* Move T's contents into the arena and empty T. */
static const char *text_keep(struct text *t, struct hd_arena *arena)
{
    const char *s = hd_arena_strndup(arena, t->data ? t->data : "", t->length);
    t->length = 0;
    if (t->data)
        t->data[0] = '\0';
    return s;
}

/* ---- values ---- */

const char *hd_value_type_name(enum hd_value_type type)
{
    switch (type) {
    case HD_VALUE_INUSE_SPACE:
        return "inuse_space";
    case HD_VALUE_INUSE_OBJECTS:
        return "inuse_objects";
    case HD_VALUE_ALLOC_SPACE:
        return "alloc_space";
    case HD_VALUE_ALLOC_OBJECTS:
        return "alloc_objects";
    }
    return "?";
}

static const char *unit_suffix(const struct context *c)
{
    if (hd_value_is_objects(c->options->value))
        return "";
    return hd_unit_name(c->options->value, c->unit);
}

/* VALUE with its unit, signed explicitly in diff mode ("+1.9MB"). */
static void add_value(struct text *t, const struct context *c, double value)
{
    char buf[64];
    if (value == 0) { /* as Go pprof: a bare 0, no unit */
        text_printf(t, "0");
        return;
    }
    hd_format_value(value, c->options->value, c->unit, buf, sizeof buf);
    bool plus = c->diff && buf[0] != '-' && strspn(buf, "0.") != strlen(buf);
    text_printf(t, "%s%s%s", plus ? "+" : "", buf, unit_suffix(c));
}

/* A legend value: with a space before the unit, as the text report. */
static void add_total(struct text *t, const struct context *c, double value, bool sign)
{
    char buf[64];
    hd_format_value(value, c->options->value, c->unit, buf, sizeof buf);
    bool plus = sign && buf[0] != '-' && strspn(buf, "0.") != strlen(buf);
    const char *unit = hd_value_is_objects(c->options->value) ? "objects" : unit_suffix(c);
    text_printf(t, "%s%s %s", plus ? "+" : "", buf, unit);
}

static void add_percent(struct text *t, const struct context *c, double value)
{
    if (c->denominator == 0)
        text_add(t, "-");
    else
        text_printf(t, "%.1f%%", value * 100.0 / c->denominator);
}

/* Diff mode only: the node's change (model.h's one definition). */
static enum hd_change change_of(const struct context *c, const struct hd_node *n)
{
    return c->diff ? hd_change_of(hd_node_cum_sides(n)) : HD_CHANGE_NONE;
}

/* Whether VALUE, with sampling VARIANCE, is drawn as noise: diff mode,
 * some input sampled, a change that is not 0 but within noise. */
static bool is_noise(const struct context *c, double value, double variance)
{
    return c->diff && c->options->mark_noise && value != 0 && hd_within_noise(value, variance);
}

/* ", within sampling noise (SE x)" for a tooltip. */
static void add_noise_note(struct text *t, const struct context *c, double variance)
{
    text_add(t, ", within sampling noise (SE ");
    add_total(t, c, sqrt(variance), false);
    text_add(t, ")");
}

/* ---- attributes ---- */

static void set_attr(struct hd_scene_attr *attrs, size_t *n, const char *name, const char *value)
{
    if (*n == HD_SCENE_MAX_ATTRS)
        abort(); /* a programming error: raise HD_SCENE_MAX_ATTRS */
    attrs[(*n)++] = (struct hd_scene_attr){name, value};
}

const char *hd_scene_attr(const struct hd_scene_attr *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(attrs[i].name, name) == 0)
            return attrs[i].value;
    return NULL;
}

/* NAME for a label: broken into lines at "::" outside template arguments
 * and parameter lists, as pprof breaks C++ names. */
static void add_name_lines(struct text *t, const char *name)
{
    int depth = 0;
    for (const char *s = name; *s; s++) {
        if (*s == '<' || *s == '(' || *s == '[')
            depth++;
        else if ((*s == '>' || *s == ')' || *s == ']') && depth > 0)
            depth--;
        if (depth == 0 && s[0] == ':' && s[1] == ':' && s != name && s[2]) {
            text_add(t, "\\n");
            s++;
            continue;
        }
        char one[2] = {*s, 0};
        text_add_escaped(t, one);
    }
}

/* --trend: node N's colours are its cum series' verdict (a caller of a
 * leak is on the leak's path); a node whose own memory leaks (its flat
 * series) is outlined. */
static void set_verdict_colors(struct context *c, struct hd_scene_node *out,
                               const struct hd_node *n)
{
    const struct hd_trend_node *series = hd_trend_find(c->options->trend, n->name);
    int cum = series ? (int)series->cum_verdict.verdict : HD_VERDICT_FLAT;
    bool leaks = series && series->flat_verdict.verdict == HD_VERDICT_LEAK;
    set_attr(out->attrs, &out->n_attrs, "color",
             hd_verdict_color(leaks ? HD_VERDICT_LEAK : cum, false));
    set_attr(out->attrs, &out->n_attrs, "fillcolor", hd_verdict_color(cum, true));
    if (leaks)
        set_attr(out->attrs, &out->n_attrs, "penwidth", "4");
}

/* --trend: the verdicts on node N's series, lines for its label: its own
 * (flat) when it has some, and with its callees (cum) when that differs. */
static void add_verdicts(struct text *t, const struct context *c, const struct hd_node *n)
{
    const struct hd_trend_node *series = hd_trend_find(c->options->trend, n->name);
    if (!series)
        return;
    const struct hd_classification *flat = &series->flat_verdict, *cum = &series->cum_verdict;
    char sure[16];
    if (series->flat_peak != 0)
        text_printf(t, "\\nflat: %s (%s)", hd_verdict_name(flat->verdict),
                    hd_format_sure(flat->confidence, sure, sizeof sure));
    if (n->cum != n->flat || series->flat_peak == 0)
        text_printf(t, "\\ncum: %s", hd_verdict_name(cum->verdict));
}

static void build_node(struct context *c, struct hd_scene_node *out, size_t index,
                       struct text *t)
{
    const struct hd_node *n = &c->graph->nodes[c->view->nodes[index]];
    struct hd_arena *a = c->arena;
    text_printf(t, "N%zu", index + 1);
    out->id = text_keep(t, a);
    bool fresh = change_of(c, n) == HD_CHANGE_NEW, gone = change_of(c, n) == HD_CHANGE_GONE;

    if (fresh)
        text_add(t, "NEW\\n");
    if (gone)
        text_add(t, "GONE\\n");
    add_name_lines(t, n->name);
    text_add(t, "\\n");
    add_value(t, c, n->flat);
    text_add(t, " (");
    add_percent(t, c, n->flat);
    text_add(t, ")");
    if (n->cum != n->flat) {
        text_add(t, n->flat == 0 ? " " : "\\n");
        text_add(t, "of ");
        add_value(t, c, n->cum);
        text_add(t, " (");
        add_percent(t, c, n->cum);
        text_add(t, ")");
    }
    if (c->options->trend)
        add_verdicts(t, c, n);
    set_attr(out->attrs, &out->n_attrs, "label", text_keep(t, a));
    set_attr(out->attrs, &out->n_attrs, "shape", "box");

    double size = 8;
    if (c->max_flat > 0 && n->flat != 0)
        size += ceil(16 * sqrt(fabs(n->flat) / c->max_flat));
    text_printf(t, "%.0f", size);
    set_attr(out->attrs, &out->n_attrs, "fontsize", text_keep(t, a));

    text_add_escaped(t, n->name);
    text_add(t, "\\nflat ");
    add_value(t, c, n->flat);
    text_add(t, ", cum ");
    add_value(t, c, n->cum);
    if (c->diff) {
        text_add(t, "\\nbase ");
        add_total(t, c, n->base_cum, false);
        text_add(t, ", current ");
        add_total(t, c, n->cum + n->base_cum, false);
        text_add(t, ", delta ");
        add_total(t, c, n->cum, true);
        if (fresh)
            text_add(t, " (new)");
        if (gone)
            text_add(t, " (gone)");
    }
    bool noise = is_noise(c, n->cum, n->cum_var);
    if (noise)
        add_noise_note(t, c, n->cum_var);
    set_attr(out->attrs, &out->n_attrs, "tooltip", text_keep(t, a));

    if (c->options->trend) {
        set_verdict_colors(c, out, n);
        return;
    }
    char color[HD_COLOR_SIZE];
    double score = c->denominator && !noise ? n->cum / fabs(c->denominator) : 0;
    set_attr(out->attrs, &out->n_attrs, "color",
             hd_arena_strndup(a, hd_color_of(score, false, color), 7));
    set_attr(out->attrs, &out->n_attrs, "fillcolor",
             hd_arena_strndup(a, hd_color_of(score, true, color), 7));
    if (fresh)
        set_attr(out->attrs, &out->n_attrs, "peripheries", "2");
    if (gone)
        set_attr(out->attrs, &out->n_attrs, "style", "filled,dashed");
}

static void build_edge(struct context *c, struct hd_scene_edge *out, size_t index,
                       const size_t *scene_index, struct text *t)
{
    const struct hd_view_edge *e = &c->view->edges[index];
    struct hd_arena *a = c->arena;
    out->from = scene_index[e->caller];
    out->to = scene_index[e->callee];
    text_add(t, " ");
    add_value(t, c, e->weight);
    if (e->inlined)
        text_add(t, "\\n (inline)");
    set_attr(out->attrs, &out->n_attrs, "label", text_keep(t, a));

    double share = c->denominator ? fabs(e->weight / c->denominator) : 0;
    text_printf(t, "%d", 1 + (int)fmin(share * 100, 100));
    set_attr(out->attrs, &out->n_attrs, "weight", text_keep(t, a));
    int pen = 1 + (int)fmin(share * 5, 5);
    if (pen > 1) {
        text_printf(t, "%d", pen);
        set_attr(out->attrs, &out->n_attrs, "penwidth", text_keep(t, a));
    }
    char color[HD_COLOR_SIZE];
    bool noise = is_noise(c, e->weight, e->weight_var);
    double score = c->denominator && !noise ? e->weight / fabs(c->denominator) : 0;
    if (c->options->trend) {
        /* The callee's verdict: the edges into a leak are red. */
        const struct hd_trend_node *series =
            hd_trend_find(c->options->trend, c->graph->nodes[e->callee].name);
        set_attr(out->attrs, &out->n_attrs, "color",
                 hd_verdict_color(series ? (int)series->cum_verdict.verdict : HD_VERDICT_FLAT,
                                  false));
    } else {
        set_attr(out->attrs, &out->n_attrs, "color",
                 hd_arena_strndup(a, hd_color_of(score, false, color), 7));
    }
    if (e->residual)
        set_attr(out->attrs, &out->n_attrs, "style", "dotted");

    text_add_escaped(t, c->graph->nodes[e->caller].name);
    text_add(t, e->residual ? " ... " : " -> ");
    text_add_escaped(t, c->graph->nodes[e->callee].name);
    text_add(t, " (");
    add_value(t, c, e->weight);
    if (c->diff) {
        text_add(t, "; base ");
        add_total(t, c, e->base_weight, false);
        text_add(t, ", current ");
        add_total(t, c, e->weight + e->base_weight, false);
        if (noise)
            add_noise_note(t, c, e->weight_var);
    }
    text_add(t, ")");
    const char *tip = text_keep(t, a);
    set_attr(out->attrs, &out->n_attrs, "tooltip", tip);
    set_attr(out->attrs, &out->n_attrs, "labeltooltip", tip);
}

/* One legend line, escaped, ended by "\l" (left-justified). */
static void legend_line(struct text *t, const char *s)
{
    text_add_escaped(t, s);
    text_add(t, "\\l");
}

static void legend_inputs(struct text *t, struct context *c, const char *label,
                          const struct hd_report_input *in, size_t n, struct text *line)
{
    for (size_t i = 0; i < n; i++) {
        text_printf(line, "%s ", label);
        text_add(line, in[i].path);
        text_add(line, " (");
        add_total(line, c, in[i].total, false);
        text_add(line, ")");
        legend_line(t, line->data);
        line->length = 0;
    }
}

static void build_legend_text(struct context *c, struct hd_scene_node *out, struct text *t)
{
    const struct hd_graph_render_options *o = c->options;
    const struct hd_view *v = c->view;
    const struct hd_graph *g = c->graph;
    struct text line = {0};
    text_reserve(&line, 0);
    line.data[0] = '\0';
    out->id = "Legend";

    if (c->diff) {
        legend_inputs(t, c, o->trend ? "First:" : "Base:", o->bases, o->n_bases, &line);
        legend_inputs(t, c, o->trend ? "Last:" : "Current:", o->currents, o->n_currents, &line);
    } else {
        legend_inputs(t, c, "File:", o->currents, o->n_currents, &line);
    }
    text_printf(&line, "Type: %s", hd_value_type_name(o->value));
    legend_line(t, line.data);
    line.length = 0;
    if (c->diff) {
        text_add(&line, "Current total ");
        add_total(&line, c, g->total + g->base_total, false);
        text_add(&line, ", base total ");
        add_total(&line, c, g->base_total, false);
        text_add(&line, ", delta ");
        add_total(&line, c, g->total, true);
    } else {
        text_add(&line, "Total ");
        add_total(&line, c, g->total, false);
    }
    legend_line(t, line.data);
    line.length = 0;
    if (c->chosen.kind == HD_DENOMINATOR_TOTAL) {
        text_add(&line, "Percentages are of the total, ");
        add_total(&line, c, g->shown_total, false);
    } else if (c->chosen.kind == HD_DENOMINATOR_DELTA) {
        bool shrank = g->shown_total < 0;
        text_add(&line, shrank ? "Percentages are of |delta|, " : "Percentages are of the delta, ");
        add_total(&line, c, shrank ? c->denominator : g->shown_total, !shrank);
    } else if (c->chosen.kind == HD_DENOMINATOR_CURRENT) {
        text_add(&line, "Percentages are of the current total, ");
        add_total(&line, c, c->denominator, false);
        text_add(&line, " (|delta| < half of all change)");
    } else if (c->denominator != 0) {
        text_add(&line, "Percentages are of the sum of |flat|, ");
        add_total(&line, c, c->denominator, false);
        text_add(&line, c->diff ? " (the delta is 0)" : " (the total is 0)");
    } else {
        text_add(&line, "No percentages: every value is 0");
    }
    legend_line(t, line.data);
    line.length = 0;
    for (size_t i = 0; i < o->n_notes; i++)
        legend_line(t, o->notes[i]);
    if (o->n_filters > 0) {
        legend_line(t, "Active filters:");
        for (size_t i = 0; i < o->n_filters; i++) {
            text_add(&line, "   ");
            text_add(&line, o->filters[i]);
            legend_line(t, line.data);
            line.length = 0;
        }
    }
    text_printf(&line, "Showing %zu nodes and %zu edges", v->n_nodes, v->n_edges);
    legend_line(t, line.data);
    line.length = 0;
    if (v->dropped_by_fraction > 0) {
        text_printf(&line, "Dropped %zu node%s (|cum| < ", v->dropped_by_fraction,
                    v->dropped_by_fraction == 1 ? "" : "s");
        add_total(&line, c, v->node_cutoff, false);
        text_add(&line, ")");
        legend_line(t, line.data);
        line.length = 0;
    }
    if (v->dropped_edges > 0) {
        text_printf(&line, "Dropped %zu edge%s (|weight| < ", v->dropped_edges,
                    v->dropped_edges == 1 ? "" : "s");
        add_total(&line, c, v->edge_cutoff, false);
        text_add(&line, ")");
        legend_line(t, line.data);
        line.length = 0;
    }
    if (v->dropped_by_count > 0) {
        text_printf(&line, "Showing top %zu nodes out of %zu", v->n_nodes, v->n_candidates);
        legend_line(t, line.data);
        line.length = 0;
    }
    bool residual = false;
    for (size_t e = 0; e < v->n_edges; e++)
        residual = residual || v->edges[e].residual;
    if (residual)
        legend_line(t, "Dotted edges skip dropped nodes");
    if (o->trend) {
        text_printf(&line, "Trend of %zu snapshots: values are the growth from the first to the "
                    "last", o->trend->n_snapshots);
        legend_line(t, line.data);
        line.length = 0;
        legend_line(t, "Color: the verdict on each node's cum series (an edge's: its callee's); "
                       "thick red border: its own (flat) memory leaks");
    } else if (c->diff) {
        legend_line(t, "Color of cum / |denominator|: red grew, green shrank, grey little change;"
                       " NEW: double border, GONE: dashed");
    } else {
        legend_line(t, "Color of cum / |denominator|: the redder, the larger; grey: small");
    }
    if (c->diff && o->mark_noise && !o->trend) {
        text_printf(&line, "Grey also: the change is within sampling noise (|delta| <= %.0f "
                           "standard errors)", HD_NOISE_Z);
        legend_line(t, line.data);
        line.length = 0;
    }
    free(line.data);
    set_attr(out->attrs, &out->n_attrs, "label", text_keep(t, c->arena));
    set_attr(out->attrs, &out->n_attrs, "shape", "plaintext");
    set_attr(out->attrs, &out->n_attrs, "style", "solid");
    set_attr(out->attrs, &out->n_attrs, "fontsize", "16");
    set_attr(out->attrs, &out->n_attrs, "tooltip", "legend");
}

/* A sample node of the colour key: the colours of SCORE, or BORDER and
 * FILL when given. */
static void build_key(struct context *c, struct hd_scene_node *out, size_t index,
                      const char *label, double score, const char *border, const char *fill,
                      const char *extra_name, const char *extra_value, struct text *t)
{
    char color[HD_COLOR_SIZE];
    text_printf(t, "K%zu", index);
    out->id = text_keep(t, c->arena);
    set_attr(out->attrs, &out->n_attrs, "label", label);
    set_attr(out->attrs, &out->n_attrs, "shape", "box");
    set_attr(out->attrs, &out->n_attrs, "fontsize", "12");
    set_attr(out->attrs, &out->n_attrs, "tooltip", label);
    set_attr(out->attrs, &out->n_attrs, "color",
             border ? border : hd_arena_strndup(c->arena, hd_color_of(score, false, color), 7));
    set_attr(out->attrs, &out->n_attrs, "fillcolor",
             fill ? fill : hd_arena_strndup(c->arena, hd_color_of(score, true, color), 7));
    if (extra_name)
        set_attr(out->attrs, &out->n_attrs, extra_name, extra_value);
}

struct hd_scene *hd_scene_build(const struct hd_graph *g, const struct hd_view *v,
                                const struct hd_graph_render_options *o)
{
    struct hd_scene *s = hd_calloc(1, sizeof *s);
    s->private = hd_calloc(1, sizeof *s->private);
    struct context c = {.graph = g, .view = v, .options = o, .diff = o->n_bases > 0};
    c.arena = s->private->arena = hd_arena_new();
    c.chosen = hd_graph_denominator(g, c.diff);
    c.denominator = c.chosen.kind != HD_DENOMINATOR_NONE ? c.chosen.value : v->abs_total;
    for (size_t i = 0; i < v->n_nodes; i++)
        c.max_flat = fmax(c.max_flat, fabs(g->nodes[v->nodes[i]].flat));
    /* One unit for the whole picture, as the report's; auto picks it by
     * the largest flat, so the biggest nodes read well. */
    c.unit = hd_resolve_unit(o->unit, c.max_flat != 0 ? c.max_flat : fabs(g->total));

    s->name = "heapdiff";
    set_attr(s->node_defaults, &s->n_node_defaults, "style", "filled");
    set_attr(s->node_defaults, &s->n_node_defaults, "fillcolor", "#f8f8f8");

    struct text t = {0};
    bool noise_key = c.diff && o->mark_noise && !o->trend;
    s->n_legend = o->trend ? 1 + HD_VERDICT_COUNT : c.diff ? (noise_key ? 7 : 6) : 3;
    s->legend = hd_calloc(s->n_legend, sizeof *s->legend);
    build_legend_text(&c, &s->legend[0], &t);
    if (o->trend) {
        for (int k = 0; k < HD_VERDICT_COUNT; k++) {
            build_key(&c, &s->legend[1 + k], 1 + (size_t)k, hd_verdict_name((enum hd_verdict)k),
                      0, hd_verdict_color(k, false), hd_verdict_color(k, true),
                      k == HD_VERDICT_LEAK ? "penwidth" : NULL, "4", &t);
        }
    } else if (c.diff) {
        build_key(&c, &s->legend[1], 1, "grew", 0.5, NULL, NULL, NULL, NULL, &t);
        build_key(&c, &s->legend[2], 2, "little change", 0.02, NULL, NULL, NULL, NULL, &t);
        build_key(&c, &s->legend[3], 3, "shrank", -0.5, NULL, NULL, NULL, NULL, &t);
        build_key(&c, &s->legend[4], 4, "NEW", 0.5, NULL, NULL, "peripheries", "2", &t);
        build_key(&c, &s->legend[5], 5, "GONE", -0.5, NULL, NULL, "style", "filled,dashed", &t);
        if (noise_key)
            build_key(&c, &s->legend[6], 6, "within noise", 0, NULL, NULL, NULL, NULL, &t);
    } else {
        build_key(&c, &s->legend[1], 1, "large share", 0.5, NULL, NULL, NULL, NULL, &t);
        build_key(&c, &s->legend[2], 2, "small share", 0.02, NULL, NULL, NULL, NULL, &t);
    }

    s->n_nodes = v->n_nodes;
    s->nodes = hd_calloc(v->n_nodes + 1, sizeof *s->nodes);
    size_t *scene_index = hd_calloc(g->n_nodes + 1, sizeof *scene_index);
    for (size_t i = 0; i < v->n_nodes; i++) {
        scene_index[v->nodes[i]] = i;
        build_node(&c, &s->nodes[i], i, &t);
    }
    s->n_edges = v->n_edges;
    s->edges = hd_calloc(v->n_edges + 1, sizeof *s->edges);
    for (size_t e = 0; e < v->n_edges; e++)
        build_edge(&c, &s->edges[e], e, scene_index, &t);
    free(scene_index);
    free(t.data);
    return s;
}

void hd_scene_free(struct hd_scene *s)
{
    if (!s)
        return;
    hd_arena_free(s->private->arena);
    free(s->private);
    free(s->legend);
    free(s->nodes);
    free(s->edges);
    free(s);
}
