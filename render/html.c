/* The --html report: one self-contained page for CI artifacts, bug reports
 * and incident channels (README, "HTML report").
 *
 * Everything is inline and nothing is fetched: the style and script are
 * render/html/report.css and report.js, embedded at build time
 * (html/embed.py); the call graph is --svg's, rendered by libgvc in
 * process; the flame graph is --flame's, its ids prefixed so that they do
 * not clash with the page's; the data is the --json document, embedded
 * once in <script type="application/json" id="data">.
 *
 * The page works without its script: the header, the rows (a plain table
 * written here, the script only sorts and filters it), each row's details
 * (a <details> element) and both graphs are in the HTML.  The element ids
 * and data-* attributes are a contract with the browser test
 * (tests/browser): table#rows, th[data-key], tr.row[data-KEY], #search,
 * #shown-count, #summary, #callgraph, #flame, #trend.
 *
 * Size is bounded whatever the profile: at most HD_HTML_MAX_ROWS rows by
 * |flat| and as many by |cum|, the call graph pruned as --svg's, the flame
 * graph's narrow frames merged as --flame's, HD_HTML_MAX_STACKS stacks in
 * the data; the header says what was left out. */
#include "emitter.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "flame.h"
#include "gvc.h"
#include "html.h"
#include "html_assets.h"
#include "json.h"
#include "memory_render.h"
#include "sparkline.h"
#include "walk.h"

/* The rows the table keeps: this many largest by |flat|, and as many by
 * |cum|.  A thousand rows keep the page quick to open. */
#define HD_HTML_MAX_ROWS 500
/* The stacks the embedded data keeps (--json keeps 1000). */
#define HD_HTML_MAX_STACKS 100
/* Callers and callees listed in a row's details. */
#define HD_HTML_MAX_CALLS 5

/* TEXT as HTML character data or a quoted attribute value. */
static void put_escaped(FILE *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*c, out);
        }
    }
}

void hd_html_put_escaped(FILE *out, const char *text)
{
    put_escaped(out, text);
}

/* VALUE as a data-* attribute's raw number: whole values as integers,
 * others with every digit; JavaScript's parseFloat reads both. */
static void put_number(FILE *out, const char *key, double value)
{
    if (isinf(value))
        fprintf(out, " data-%s=\"%sInfinity\"", key, value < 0 ? "-" : "");
    else if (value == trunc(value) && fabs(value) < 9007199254740992.0)
        fprintf(out, " data-%s=\"%.0f\"", key, value);
    else
        fprintf(out, " data-%s=\"%.17g\"", key, value);
}

/* The rows of the table and what it left out. */
struct rows {
    const struct hd_node **nodes; /* in the text report's order */
    size_t n;
    size_t n_all;                 /* before keeping the largest */
    struct hd_node_source *sources; /* by node id */
};

static int by_abs_flat(const void *a, const void *b)
{
    const struct hd_node *x = *(const struct hd_node *const *)a;
    const struct hd_node *y = *(const struct hd_node *const *)b;
    return fabs(x->flat) < fabs(y->flat) ? 1 : fabs(x->flat) > fabs(y->flat) ? -1 : 0;
}

static int by_abs_cum(const void *a, const void *b)
{
    const struct hd_node *x = *(const struct hd_node *const *)a;
    const struct hd_node *y = *(const struct hd_node *const *)b;
    return fabs(x->cum) < fabs(y->cum) ? 1 : fabs(x->cum) > fabs(y->cum) ? -1 : 0;
}

/* The text report's rows, as --json takes them (without the default
 * trimming to one screen), then the HD_HTML_MAX_ROWS largest by |flat|
 * and by |cum|, in the text report's order.  KEEP[i] says whether the
 * i-th of all rows was kept (for the data's rows, in the same order). */
static void select_rows(const struct hd_report *report, struct rows *r, bool **keep)
{
    const struct hd_graph *g = report->graph;
    struct hd_text_options o = report->text;
    if (o.default_trim) {
        o.node_count = 0;
        o.node_fraction = 0;
    }
    struct hd_denominator denominator = hd_graph_denominator(g, o.n_bases > 0);
    size_t dropped_fraction, dropped_count;
    r->nodes = hd_text_rows(g, &o, o.node_fraction * denominator.value, &r->n_all,
                            &dropped_fraction, &dropped_count);
    r->n = r->n_all;
    *keep = hd_calloc(r->n_all + 1, sizeof **keep);
    for (size_t i = 0; i < r->n_all; i++)
        (*keep)[i] = true;
    if (r->n_all > 2 * HD_HTML_MAX_ROWS) {
        bool *chosen = hd_calloc(g->n_nodes + 1, sizeof *chosen);
        const struct hd_node **sorted = hd_malloc(r->n_all, sizeof *sorted);
        for (int pass = 0; pass < 2; pass++) {
            memcpy(sorted, r->nodes, r->n_all * sizeof *sorted);
            qsort(sorted, r->n_all, sizeof *sorted, pass ? by_abs_cum : by_abs_flat);
            for (size_t i = 0; i < HD_HTML_MAX_ROWS; i++)
                chosen[sorted[i] - g->nodes] = true;
        }
        r->n = 0;
        for (size_t i = 0; i < r->n_all; i++) {
            (*keep)[i] = chosen[r->nodes[i] - g->nodes];
            if ((*keep)[i])
                r->nodes[r->n++] = r->nodes[i];
        }
        free(sorted);
        free(chosen);
    }
    r->sources = hd_malloc(g->n_nodes + 1, sizeof *r->sources);
    hd_graph_node_sources(g, report->model, r->sources);
}

/* The data: the --json document with the rows the table keeps (KEEP),
 * HD_HTML_MAX_STACKS stacks and at most HD_HTML_MAX_ROWS trend rows.
 * Written as JSON in which no '<' appears (each is \u003c), so no
 * "</script" can end the element. */
static void put_data(FILE *out, const struct hd_report *report, const bool *keep)
{
    struct hd_json_limits limits = {keep, HD_HTML_MAX_STACKS, HD_HTML_MAX_ROWS};
    json_t *root = hd_json_report(report, &limits);
    char *text = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!text)
        abort();
    for (const char *c = text; *c; c++) {
        if (*c == '<')
            fputs("\\u003c", out);
        else
            fputc(*c, out);
    }
    free(text);
    json_decref(root);
}

/* The text report's header (inputs, totals, what the percentages are of,
 * notes, filters), as --text prints it. */
static void put_text_header(FILE *out, const struct hd_report *report)
{
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&text, &size);
    if (!memory)
        abort();
    const struct hd_graph *g = report->graph;
    struct hd_denominator denominator = hd_graph_denominator(g, report->text.n_bases > 0);
    hd_text_print_header(memory, g, &report->text, &denominator, report->text.unit);
    fclose(memory);
    fputs("<pre class=\"facts\">", out);
    put_escaped(out, text);
    fputs("</pre>\n", out);
    free(text);
}

static const char *producer_name(enum hd_producer p)
{
    switch (p) {
    case HD_PRODUCER_GPERFTOOLS:
        return "gperftools";
    case HD_PRODUCER_JEMALLOC:
        return "jemalloc";
    case HD_PRODUCER_JEMALLOC_3:
        return "jemalloc 2.x/3.x";
    case HD_PRODUCER_MASSIF:
        return "valgrind massif";

    case HD_PRODUCER_PPROF:
        return "pprof profile.proto";
    default:
        return "unknown";
    }
}

/* The header: what the page is of, the inputs with their producers and
 * sampling, the binary, the text report's header, and what was pruned. */
static void put_summary(FILE *out, const struct hd_report *report, const struct rows *rows,
                        const char *mode)
{
    const struct hd_model *m = report->model;
    fprintf(out, "<header id=\"summary\">\n<h1>heapdiff: %s report, %s</h1>\n", mode,
            hd_value_type_name(report->text.value));
    fputs("<dl class=\"facts\">\n", out);
    for (uint32_t k = 0; k < m->n_inputs; k++) {
        const struct hd_model_input *in = &m->inputs[k];
        fprintf(out, "<dt>%s</dt><dd>", in->role == HD_ROLE_BASE ? "Base" : "Input");
        put_escaped(out, in->path);
        fprintf(out, " (%s%s%s", producer_name(in->producer), in->type[0] ? ", " : "", in->type);
        if (in->sampling == HD_SAMPLING_NONE)
            fputs(", exact values)", out);
        else
            fprintf(out, ", sampled every %.0f bytes on average)", in->sample_period);
        fputs("</dd>\n", out);
    }
    /* The program: the first executable file mapped (maps sections list
     * it first), with the build-id it was identified by. */
    for (size_t i = 0; i < m->n_mappings; i++) {
        const struct hd_mapping *map = &m->mappings[i];
        if (!map->executable || !map->path[0])
            continue;
        fputs("<dt>Binary</dt><dd>", out);
        put_escaped(out, map->path);
        const char *build_id = map->build_id ? map->build_id
                               : strncmp(map->identity, "build-id:", 9) == 0 ? map->identity + 9
                                                                             : NULL;
        if (build_id) {
            fputs(" (build-id ", out);
            put_escaped(out, build_id);
            fputs(")", out);
        }
        fputs("</dd>\n", out);
        break;
    }
    fputs("</dl>\n", out);
    put_text_header(out, report);
    /* What heapdiff warned about on stderr (missing debug info, a binary
     * of another build, ...): the page's reader sees no terminal. */
    const char *const *warnings;
    size_t n_warnings = hd_warnings_said(&warnings);
    if (n_warnings > 0) {
        fputs("<ul class=\"warnings\">\n", out);
        for (size_t i = 0; i < n_warnings; i++) {
            fputs("<li>warning: ", out);
            put_escaped(out, warnings[i]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    if (report->text.mark_noise && report->text.n_bases > 0)
        fprintf(out, "<p class=\"noise\">Sampled profiles: a delta marked %c is within "
                     "sampling noise (at most %.0f standard errors).</p>\n",
                HD_NOISE_MARK, HD_NOISE_Z);
    fprintf(out, "<p class=\"pruned\">Rows: %zu", rows->n);
    if (rows->n < rows->n_all)
        fprintf(out, " of %zu (the %d largest by |flat| and by |cum|; --text --nodecount=0 "
                     "lists all)", rows->n_all, HD_HTML_MAX_ROWS);
    fprintf(out, ". Call graph: pruned as --svg's. Flame graph: frames narrower than half a "
                 "pixel merged, as --flame's. Embedded data: at most %d stacks.</p>\n",
            HD_HTML_MAX_STACKS);
    fputs("<nav>", out);
    if (report->memory)
        fputs("<a href=\"#memory\">Where RSS went</a>", out);
    fputs("<a href=\"#table\">Rows</a><a href=\"#callgraph\">Call graph</a>"
          "<a href=\"#flame\">Flame graph</a>", out);
    if (report->trend)
        fputs("<a href=\"#trend\">Trend</a>", out);
    fputs("</nav>\n</header>\n", out);
}

/* The trend node called NAME, or NULL.  SORTED holds the N nodes by
 * name. */
static int by_name(const void *a, const void *b)
{
    return strcmp((*(const struct hd_trend_node *const *)a)->name,
                  (*(const struct hd_trend_node *const *)b)->name);
}

static const struct hd_trend_node *find_trend_node(const struct hd_trend_node **sorted, size_t n,
                                                   const char *name)
{
    struct hd_trend_node key = {.name = name};
    const struct hd_trend_node *k = &key;
    const struct hd_trend_node **found = bsearch(&k, sorted, n, sizeof *sorted, by_name);
    return found ? *found : NULL;
}

/* VALUES[0..N) as a small inline SVG line, lowest to highest. */
static void put_sparkline(FILE *out, const double *values, size_t n)
{
    enum { W = 80, H = 16 };
    double low = INFINITY, high = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        low = fmin(low, values[i]);
        high = fmax(high, values[i]);
    }
    fprintf(out, "<svg class=\"spark\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "aria-hidden=\"true\"><polyline fill=\"none\" stroke=\"#b00020\" points=\"",
            W, H, W, H);
    for (size_t i = 0; i < n; i++) {
        double x = n > 1 ? (double)i * (W - 2) / (double)(n - 1) + 1 : W / 2.0;
        double y = high > low ? H - 1 - (values[i] - low) * (H - 2) / (high - low) : H / 2.0;
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", x, y);
    }
    fputs("\"/></svg>", out);
}

/* The graph's edges twice: by callee and by caller, each node's heaviest
 * (|weight|) first, so that a row's callers and callees are a range. */
struct calls {
    const struct hd_edge **by_callee;
    const struct hd_edge **by_caller;
    size_t n;
};

static int compare_calls(const struct hd_edge *x, const struct hd_edge *y, uint32_t kx,
                         uint32_t ky)
{
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return fabs(x->weight) < fabs(y->weight) ? 1 : fabs(x->weight) > fabs(y->weight) ? -1 : 0;
}

static int by_callee(const void *a, const void *b)
{
    const struct hd_edge *x = *(const struct hd_edge *const *)a;
    const struct hd_edge *y = *(const struct hd_edge *const *)b;
    return compare_calls(x, y, x->callee, y->callee);
}

static int by_caller(const void *a, const void *b)
{
    const struct hd_edge *x = *(const struct hd_edge *const *)a;
    const struct hd_edge *y = *(const struct hd_edge *const *)b;
    return compare_calls(x, y, x->caller, y->caller);
}

static void index_calls(const struct hd_graph *g, struct calls *c)
{
    c->n = g->n_edges;
    c->by_callee = hd_malloc(c->n + 1, sizeof *c->by_callee);
    c->by_caller = hd_malloc(c->n + 1, sizeof *c->by_caller);
    for (size_t e = 0; e < c->n; e++)
        c->by_callee[e] = c->by_caller[e] = &g->edges[e];
    qsort(c->by_callee, c->n, sizeof *c->by_callee, by_callee);
    qsort(c->by_caller, c->n, sizeof *c->by_caller, by_caller);
}

/* A row's details: the HD_HTML_MAX_CALLS heaviest callers (CALLERS) or
 * callees of node ID. */
static void put_calls(FILE *out, const struct hd_report *report, uint32_t id, bool callers,
                      const struct calls *c)
{
    const struct hd_edge **edges = callers ? c->by_callee : c->by_caller;
    size_t low = 0, high = c->n; /* the first edge whose key is >= ID */
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if ((callers ? edges[mid]->callee : edges[mid]->caller) < id)
            low = mid + 1;
        else
            high = mid;
    }
    size_t end = low;
    while (end < c->n && end - low < HD_HTML_MAX_CALLS &&
           (callers ? edges[end]->callee : edges[end]->caller) == id)
        end++;
    if (end == low)
        return;
    const struct hd_graph *g = report->graph;
    fprintf(out, "<div>%s:<ul>", callers ? "Top callers" : "Top callees");
    for (size_t i = low; i < end; i++) {
        char value[64];
        const struct hd_node *other = &g->nodes[callers ? edges[i]->caller : edges[i]->callee];
        fprintf(out, "<li>%s ", hd_format_value(edges[i]->weight, report->text.value,
                                                report->text.unit, value, sizeof value));
        put_escaped(out, other->name);
        fputs(edges[i]->inlined ? " (inlined)</li>" : "</li>", out);
    }
    fputs("</ul></div>", out);
}

/* One cell of a value in the table's unit. */
static void put_value_cell(FILE *out, const struct hd_report *report, double value, bool sign)
{
    char text[64];
    const char *class = !sign || value == 0 ? "num" : value > 0 ? "num grew" : "num shrank";
    fprintf(out, "<td class=\"%s\">%s</td>", class,
            hd_format_value(value, report->text.value, report->text.unit, text, sizeof text));
}

/* The table: a th per column (data-key), a tr.row per row with its raw
 * numbers as data-* and its details in the name cell. */
static void put_table(FILE *out, const struct hd_report *report, const struct rows *rows)
{
    const struct hd_graph *g = report->graph;
    const struct hd_text_options *o = &report->text;
    bool diff = o->n_bases > 0, by_cum = o->sort_by_cum;
    const struct hd_trend *t = report->trend;
    const struct hd_trend_node **sorted = NULL;
    if (t) {
        sorted = hd_calloc(t->n_nodes + 1, sizeof *sorted);
        for (size_t i = 0; i < t->n_nodes; i++)
            sorted[i] = &t->nodes[i];
        qsort(sorted, t->n_nodes, sizeof *sorted, by_name);
    }
    fprintf(out, "<section id=\"table\">\n<h2>Rows</h2>\n<div class=\"controls\">"
                 "<input id=\"search\" type=\"search\" placeholder=\"Filter names: regular "
                 "expression or text\" aria-label=\"Filter rows\"> "
                 "<span id=\"shown-count\">%zu</span> of %zu rows shown</div>\n",
            rows->n, rows->n);
    const char *unit = hd_unit_name(o->value, o->unit);
    fprintf(out, "<table id=\"rows\">\n<thead><tr><th data-key=\"name\">Name</th>"
                 "<th data-key=\"flat\">Flat %s</th><th data-key=\"cum\">Cum %s</th>",
            unit, unit);
    if (diff)
        fprintf(out, "<th data-key=\"base\">Base %s</th><th data-key=\"current\">Current %s"
                     "</th><th data-key=\"delta\">Delta %s</th>"
                     "<th class=\"noise\"></th><th data-key=\"change\">Change</th>", unit,
                unit, unit);
    if (t)
        fputs("<th data-key=\"verdict\">Verdict</th><th data-key=\"slope\">Slope / snapshot"
              "</th>", out);
    fputs("</tr></thead>\n<tbody>\n", out);
    struct calls calls;
    index_calls(g, &calls);
    for (size_t i = 0; i < rows->n; i++) {
        const struct hd_node *n = rows->nodes[i];
        uint32_t id = (uint32_t)(n - g->nodes);
        double key = by_cum ? n->cum : n->flat;
        double key_base = by_cum ? n->base_cum : n->base_flat;
        const struct hd_trend_node *tn = t ? find_trend_node(sorted, t->n_nodes, n->name) : NULL;
        fputs("<tr class=\"row\" data-name=\"", out);
        put_escaped(out, n->name);
        fputc('"', out);
        put_number(out, "flat", n->flat);
        put_number(out, "cum", n->cum);
        if (diff) {
            put_number(out, "base", key_base);
            put_number(out, "current", key + key_base);
            put_number(out, "delta", key);
            put_number(out, "change", key_base != 0 ? key * 100 / key_base
                                      : key > 0 ? INFINITY : 0);
        }
        if (tn) {
            fprintf(out, " data-verdict=\"%s\"", hd_verdict_name(tn->flat_verdict.verdict));
            put_number(out, "slope", tn->flat_verdict.slope);
        }
        fputs("><td class=\"name\"><details><summary>", out);
        put_escaped(out, n->name);
        fputs("</summary><div class=\"detail\">", out);
        const struct hd_node_source *s = &rows->sources[id];
        if (s->file) {
            fputs("<div>", out);
            put_escaped(out, s->file);
            if (s->line)
                fprintf(out, ":%u", (unsigned)s->line);
            fputs("</div>", out);
        }
        if (n->inlined != HD_INLINE_NONE)
            fprintf(out, "<div>Inlined %s into its callers</div>",
                    n->inlined == HD_INLINE_ALL ? "everywhere" : "in some calls");
        put_calls(out, report, id, true, &calls);
        put_calls(out, report, id, false, &calls);
        fputs("</div></details></td>", out);
        put_value_cell(out, report, n->flat, diff);
        put_value_cell(out, report, n->cum, diff);
        if (diff) {
            char change[64];
            put_value_cell(out, report, key_base, false);
            put_value_cell(out, report, key + key_base, false);
            put_value_cell(out, report, key, true);
            if (o->mark_noise && key != 0 &&
                hd_within_noise(key, by_cum ? n->cum_var : n->flat_var))
                fprintf(out, "<td class=\"num noise\" title=\"within sampling noise\">%c"
                             "</td>", HD_NOISE_MARK);
            else
                fputs("<td class=\"num\"></td>", out);
            fprintf(out, "<td class=\"num\">%s</td>",
                    hd_format_change(n, by_cum, change, sizeof change));
        }
        if (t) {
            char slope[64];
            const char *verdict = tn ? hd_verdict_name(tn->flat_verdict.verdict) : "";
            fprintf(out, "<td class=\"verdict-%s\">%s</td><td class=\"num\">", verdict, verdict);
            if (tn) {
                fputs(hd_format_compact(tn->flat_verdict.slope, o->value, true, slope,
                                        sizeof slope), out);
                put_sparkline(out, tn->flat, t->n_snapshots);
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</section>\n", out);
    free(calls.by_callee);
    free(calls.by_caller);
    free(sorted);
}

/* Run WRITE into memory; the text (malloc'd) or NULL with *ERR set. */
static char *capture_callgraph(const struct hd_report *report, struct hd_error *err)
{
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&text, &size);
    if (!memory)
        abort();
    /* --svg's pruning: pprof's defaults, unless the user set them (a
     * table's default of one screen of rows is not a graph's). */
    struct hd_prune_options prune =
        report->text.default_trim ? hd_prune_defaults() : report->prune;
    struct hd_model_paths paths = {report->graph, report->model};
    prune.walk = hd_model_paths_walk;
    prune.walk_source = &paths;
    struct hd_view *view = hd_prune(report->graph, &prune);
    int status =
        hd_render_image(memory, HD_IMAGE_SVG, report->graph, view, &report->picture, err);
    hd_view_free(view);
    fclose(memory);
    if (status != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The call graph section: graphviz's SVG without its XML prolog and
 * doctype (which name an external DTD); or, when graphviz cannot draw,
 * why. */
static void put_callgraph(FILE *out, const struct hd_report *report)
{
    struct hd_error err = {0};
    char *svg = capture_callgraph(report, &err);
    fputs("<section id=\"callgraph\">\n<h2>Call graph</h2>\n"
          "<p class=\"hint\">Drag to pan, wheel to zoom, double-click to reset.</p>\n"
          "<div class=\"viewport\">\n", out);
    const char *start = svg ? strstr(svg, "<svg") : NULL;
    if (start) {
        fputs(start, out);
    } else {
        fputs("<p>The call graph could not be drawn: ", out);
        put_escaped(out, err.message);
        fputs("</p>", out);
    }
    fputs("</div>\n</section>\n", out);
    free(svg);
}

static int put_flame(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    fputs("<section id=\"flame\">\n<h2>Flame graph</h2>\n"
          "<p class=\"hint\">Click a frame to zoom, \"Search\" to highlight.</p>\n", out);
    if (hd_flame_write(out, report, "flame-", false, err) != 0)
        return -1;
    fputs("</section>\n", out);
    return 0;
}

int hd_emit_html(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    const char *mode = report->trend ? "trend" : report->text.n_bases > 0 ? "diff" : "profile";
    struct rows rows = {0};
    bool *keep = NULL;
    select_rows(report, &rows, &keep);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
    fprintf(out, "<title>heapdiff %s report</title>\n<style>\n%s</style>\n</head>\n<body>\n", mode,
            hd_html_report_css);
    put_summary(out, report, &rows, mode);
    fputs("<main>\n", out);
    /* --memory: where RSS went comes before where the heap grew. */
    if (report->memory)
        hd_mem_render_html_section(out, report->memory);
    put_table(out, report, &rows);
    /* A series' charts answer "is it a leak" first, before the graphs. */
    if (report->trend)
        fputs("<section id=\"trend\">\n<h2>Trend</h2>\n<div id=\"trend-chart\">"
              "<p class=\"hint\">The charts need scripts; the table's sparklines show each "
              "row's series.</p></div>\n<h3>Selected row</h3>\n<div id=\"node-chart\">"
              "<p class=\"hint\">Select a row to chart its series.</p></div>\n</section>\n",
              out);
    put_callgraph(out, report);
    int status = put_flame(out, report, err);
    if (status == 0) {
        fputs("</main>\n<script type=\"application/json\" id=\"data\">", out);
        put_data(out, report, keep);
        fprintf(out, "</script>\n<script>\n%s</script>\n</body>\n</html>\n", hd_html_report_js);
    }
    free(rows.sources);
    free(rows.nodes);
    free(keep);
    if (status == 0 && ferror(out))
        return hd_error_set(err, report->output_name, 0, "cannot write the report");
    return status;
}
