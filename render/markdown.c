/* The --markdown summary (see markdown.h). */
#include "markdown.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "emitter.h"
#include "path.h"
#include "sparkline.h"
#include "trend_table.h"

void hd_markdown_code(FILE *out, const char *text)
{
    size_t longest = 0, run = 0;
    for (const char *c = text; *c; c++) {
        run = *c == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    /* A span that starts or ends with a backtick needs a blank inside
     * its fence (CommonMark §6.1), which the reader strips. */
    size_t len = strlen(text);
    bool pad = len > 0 && (text[0] == '`' || text[len - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
    if (pad)
        fputc(' ', out);
    for (const char *c = text; *c; c++) {
        if (*c == '|')
            fputs("\\|", out);
        else if ((unsigned char)*c < 0x20 || *c == 0x7f)
            fputc('?', out);
        else
            fputc(*c, out);
    }
    if (pad)
        fputc(' ', out);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
}

void hd_markdown_text(FILE *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        if (strchr("\\`*[]<>|", *c))
            fputc('\\', out);
        fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, out);
    }
}

void hd_markdown_head(FILE *out, const char *const *columns, const char *align, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "| %s ", columns[i]);
    fputs("|\n", out);
    for (size_t i = 0; i < n; i++)
        fputs(align[i] == 'r' ? "|---:" : align[i] == 'c' ? "|:---:" : "|:---", out);
    fputs("|\n", out);
}

/* VALUE as the tables print it, with a '+' for growth when SIGNED: a
 * delta of "0.0" has none. */
static const char *format(double value, const struct hd_text_options *o, bool is_signed,
                          char *buf, size_t size)
{
    char plain[48]; /* room for the sign in BUF's 64 */
    hd_format_value(value, o->value, o->unit, plain, sizeof plain);
    bool zero = plain[strspn(plain, "0.")] == '\0';
    snprintf(buf, size, "%s%s", is_signed && value > 0 && !zero ? "+" : "", plain);
    return buf;
}

/* The unit after values: "MB", "B", ... or "objects". */
static const char *unit_name(const struct hd_text_options *o)
{
    return hd_unit_name(o->value, o->unit);
}

/* One row of the inputs' table: LABEL, VALUE, and PATH as code. */
static void input_row(FILE *out, const char *label, const char *value,
                      const struct hd_text_options *o, const char *path)
{
    fprintf(out, "| %s | %s %s | ", label, value, unit_name(o));
    hd_markdown_code(out, path);
    fputs(" |\n", out);
}

void hd_markdown_totals(FILE *out, const struct hd_report *report)
{
    const struct hd_text_options *o = &report->text;
    const struct hd_graph *g = report->graph;
    const char *type = hd_value_type_name(o->value);
    char value[64];
    bool diff = o->n_bases > 0;
    format(fabs(g->total), o, false, value, sizeof value);
    if (diff && value[strspn(value, "0.")] == '\0')
        fprintf(out, "### heapdiff: %s did not change\n\n", type);
    else if (diff)
        fprintf(out, "### heapdiff: %s %s %s %s\n\n", type,
                g->total < 0 ? "shrank by" : "grew by", value, unit_name(o));
    else
        fprintf(out, "### heapdiff: %s %s %s\n\n", type,
                format(g->total, o, false, value, sizeof value), unit_name(o));
    const char *columns[] = {"", type, "profile"};
    hd_markdown_head(out, columns, "lrl", 3);
    for (size_t i = 0; i < o->n_bases; i++)
        input_row(out, "base", format(o->bases[i].total, o, false, value, sizeof value), o,
                  o->bases[i].path);
    for (size_t i = 0; i < o->n_currents; i++)
        input_row(out, diff ? "current" : "total",
                  format(o->currents[i].total, o, false, value, sizeof value), o,
                  o->currents[i].path);
    if (diff)
        fprintf(out, "| **delta** | **%s %s** | current minus base |\n",
                format(g->total, o, true, value, sizeof value), unit_name(o));
    if (o->filters) {
        fprintf(out, "| shown | %s %s | after filters |\n",
                format(g->shown_total, o, diff, value, sizeof value), unit_name(o));
    }
    fputc('\n', out);
    for (size_t i = 0; i < o->n_notes; i++) {
        fputs("> ", out);
        hd_markdown_text(out, o->notes[i]);
        fputs("\n\n", out);
    }
    if (o->filters) {
        fputs("Active filters:", out);
        for (int k = 0; k < HD_FILTER_COUNT; k++) {
            const char *pattern = hd_filter_pattern(o->filters, (enum hd_filter_kind)k);
            if (!pattern)
                continue;
            char text[600];
            snprintf(text, sizeof text, "--%s=%s", hd_filter_name((enum hd_filter_kind)k),
                     pattern);
            fputc(' ', out);
            hd_markdown_code(out, text);
        }
        fputs("\n\n", out);
    }
}

/* The rows: with a base, delta, base, current and change; without,
 * flat, flat%, cum, cum%; then the name.  Only rows whose sort key is not
 * zero: a summary shows what changed, not its callers. */
static void print_rows(FILE *out, const struct hd_report *report)
{
    const struct hd_graph *g = report->graph;
    struct hd_text_options o = report->text;
    if (o.default_trim)
        o.node_count = HD_MARKDOWN_DEFAULT_ROWS;
    bool diff = o.n_bases > 0;
    o.compare = false;
    struct hd_denominator denominator = hd_graph_denominator(g, diff);
    size_t n, dropped_fraction, dropped_count;
    const struct hd_node **rows =
        hd_text_rows(g, &o, o.node_fraction * denominator.value, &n, &dropped_fraction,
                     &dropped_count);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        if ((o.sort_by_cum ? rows[i]->cum : rows[i]->flat) != 0)
            rows[shown++] = rows[i];
    const char *key = o.sort_by_cum ? "cum" : "flat";
    if (shown == 0) {
        fprintf(out, "No row's %s %s.\n", key, diff ? "changed" : "has a value");
        free(rows);
        return;
    }
    /* What was left out is counted among the rows that would show. */
    size_t left_out = 0;
    for (size_t i = 0; i < g->n_nodes; i++)
        left_out += (o.sort_by_cum ? g->nodes[i].cum : g->nodes[i].flat) != 0;
    left_out -= shown;
    if (left_out > 0)
        fprintf(out, "Top %zu rows by |%s|; %zu more left out%s.\n\n", shown, key, left_out,
                o.default_trim ? " (`--nodecount=0` shows all)" : "");
    char a[64], b[64], c[64], d[64];
    if (diff) {
        const char *columns[] = {"delta", "base", "current", "change", "name"};
        columns[0] = o.sort_by_cum ? "delta (cum)" : "delta";
        hd_markdown_head(out, columns, "rrrrl", 5);
    } else {
        const char *columns[] = {"flat", "flat%", "cum", "cum%", "name"};
        hd_markdown_head(out, columns, "rrrrl", 5);
    }
    for (size_t i = 0; i < shown; i++) {
        const struct hd_node *r = rows[i];
        if (diff) {
            double delta = o.sort_by_cum ? r->cum : r->flat;
            double base = o.sort_by_cum ? r->base_cum : r->base_flat;
            fprintf(out, "| %s | %s | %s | %s | ", format(delta, &o, true, a, sizeof a),
                    format(base, &o, false, b, sizeof b),
                    format(base + delta, &o, false, c, sizeof c),
                    hd_format_change(r, o.sort_by_cum, d, sizeof d));
        } else {
            fprintf(out, "| %s | %s | ", format(r->flat, &o, false, a, sizeof a),
                    hd_format_percent(r->flat, &denominator, b, sizeof b));
            fprintf(out, "%s | %s | ", format(r->cum, &o, false, c, sizeof c),
                    hd_format_percent(r->cum, &denominator, d, sizeof d));
        }
        char name[1200];
        snprintf(name, sizeof name, "%s%s", r->name, hd_inline_suffix(r->inlined));
        hd_markdown_code(out, name);
        fputs(" |\n", out);
    }
    fprintf(out, "\nValues in %s.\n", unit_name(&o));
    free(rows);
}

/* A trend's rows: the verdict counts, then verdict, how sure, growth over
 * the series and over its late part, sparkline and name, leaks first, as
 * the text table ranks them (hd_trend_rank). */
static void print_trend_rows(FILE *out, const struct hd_report *report)
{
    const struct hd_trend *t = report->trend;
    const struct hd_trend_table_options *o = &report->trend_table;
    size_t n = t->n_snapshots;
    const struct hd_trend_node **order = hd_calloc(t->n_nodes + 1, sizeof *order);
    size_t ranked = hd_trend_rank(t, order), rows = 0;
    size_t count[HD_VERDICT_COUNT] = {0};
    for (size_t i = 0; i < ranked; i++)
        if (order[i]->flat_peak != 0) {
            count[order[i]->flat_verdict.verdict]++;
            order[rows++] = order[i];
        }
    size_t shown = o->default_rows ? HD_MARKDOWN_DEFAULT_ROWS : o->rows;
    shown = shown && shown < rows ? shown : rows;
    char spark[HD_SPARKLINE_SIZE], a[32], b[32], sure[16];
    fprintf(out, "Trend of %zu snapshots, `%s` to `%s`: the total %s %s.\n\n", n,
            hd_path_base(t->paths[0]), hd_path_base(t->paths[n - 1]),
            t->total_verdict.verdict == HD_VERDICT_FLAT ? "is" : "is a",
            hd_verdict_name(t->total_verdict.verdict));
    fputs("Verdicts (flat):", out);
    for (int k = 0; k < HD_VERDICT_COUNT; k++)
        fprintf(out, "%s %s%zu %s%s", k ? "," : "", k == HD_VERDICT_LEAK && count[k] ? "**" : "",
                count[k], hd_verdict_name((enum hd_verdict)k),
                k == HD_VERDICT_LEAK && count[k] ? "**" : "");
    fputs(".\n\n", out);
    if (shown < rows)
        fprintf(out, "Top %zu of %zu rows%s.\n\n", shown, rows,
                o->default_rows ? " (`--nodecount=0` shows all)" : "");
    const char *columns[] = {"verdict", "sure", "growth", "late", "trend", "name"};
    hd_markdown_head(out, columns, "lrrrll", 6);
    for (size_t i = 0; i < shown; i++) {
        const struct hd_classification *v = &order[i]->flat_verdict;
        fprintf(out, "| %s%s%s | %s | %s | %s | %s | ",
                v->verdict == HD_VERDICT_LEAK ? "**" : "", hd_verdict_name(v->verdict),
                v->verdict == HD_VERDICT_LEAK ? "**" : "",
                hd_format_sure(v->confidence, sure, sizeof sure),
                hd_format_compact(v->growth, o->value, true, a, sizeof a),
                hd_format_compact(v->late_growth, o->value, true, b, sizeof b),
                hd_sparkline(order[i]->flat, n, o->ascii, spark));
        hd_markdown_code(out, order[i]->name);
        fputs(" |\n", out);
    }
    free(order);
}

int hd_emit_markdown(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    hd_markdown_totals(out, report);
    if (report->trend)
        print_trend_rows(out, report);
    else
        print_rows(out, report);
    if (ferror(out))
        return hd_error_set(err, report->output_name, 0, "cannot write the report");
    return 0;
}
