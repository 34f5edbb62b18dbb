/* The --trend table (see trend_table.h). */
#include "trend_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "path.h"
#include "sparkline.h"

const char *hd_format_compact(double value, enum hd_value_type type, bool sign, char *buf,
                              size_t size)
{
    static const char *const bytes[] = {"B", "kB", "MB", "GB", "TB"};
    static const char *const counts[] = {"", "k", "M", "G", "T"};
    const char *const *units = hd_value_is_objects(type) ? counts : bytes;
    double step = hd_value_is_objects(type) ? 1000.0 : 1024.0;
    double magnitude = fabs(value);
    int u = 0;
    while (magnitude >= step * 0.9995 && u < 4) {
        magnitude /= step;
        u++;
    }
    const char *prefix = value < 0 ? "-" : sign && value > 0 ? "+" : "";
    if (u == 0)
        snprintf(buf, size, "%s%.0f%s", prefix, magnitude, units[0]);
    else
        snprintf(buf, size, "%s%.*f%s", prefix, magnitude < 9.95 ? 1 : 0, magnitude, units[u]);
    return buf;
}

const char *hd_format_sure(double confidence, char *buf, size_t size)
{
    if (confidence >= 1)
        snprintf(buf, size, "100%%");
    else
        snprintf(buf, size, "%.1f%%", floor(confidence * 1000) / 10);
    return buf;
}

/* Whether NODE has a flat value somewhere: a row of the table. */
static bool has_flat(const struct hd_trend_node *node, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (node->flat[k] != 0)
            return true;
    return false;
}

static void print_header(FILE *out, const struct hd_trend *t,
                         const struct hd_trend_table_options *o, size_t shown, size_t rows)
{
    char a[32], b[32], c[32], d[32], spark[HD_SPARKLINE_SIZE];
    size_t n = t->n_snapshots;
    fprintf(out, "Trend: %zu snapshots, %s .. %s\n", n, t->paths[0],
            hd_path_base(t->paths[n - 1]));
    const struct hd_classification *v = &t->total_verdict;
    fprintf(out, "Total: %s -> %s (%s), %s, %s per snapshot  %s\n",
            hd_format_compact(t->total[0], o->value, false, a, sizeof a),
            hd_format_compact(t->total[n - 1], o->value, false, b, sizeof b),
            hd_format_compact(v->growth, o->value, true, c, sizeof c),
            hd_verdict_name(v->verdict), hd_format_compact(v->slope, o->value, true, d, sizeof d),
            hd_sparkline(t->total, n, o->ascii, spark));
    if (t->allocated && t->allocated_slope != 0 && !hd_value_is_objects(o->value))
        fprintf(out, "       %s per 100MB allocated; a snapshot is %s allocated\n",
                hd_format_compact(t->allocated_slope * 100 * 1048576.0, o->value, true, a,
                                  sizeof a),
                hd_format_compact((t->allocated[n - 1] - t->allocated[0]) / (double)(n - 1),
                                  HD_VALUE_ALLOC_SPACE, false, b, sizeof b));
    size_t count[HD_VERDICT_COUNT] = {0};
    for (size_t i = 0; i < t->n_nodes; i++)
        if (has_flat(&t->nodes[i], n))
            count[t->nodes[i].flat_verdict.verdict]++;
    fputs("Verdicts (flat):", out);
    for (int k = 0; k < HD_VERDICT_COUNT; k++)
        fprintf(out, "%s %zu %s", k ? "," : "", count[k], hd_verdict_name((enum hd_verdict)k));
    fputc('\n', out);
    for (size_t i = 0; i < o->n_notes; i++)
        fprintf(out, "%s\n", o->notes[i]);
    if (o->filters) {
        hd_filters_print(out, o->filters);
        fputc('\n', out);
    }
    if (shown < rows)
        fprintf(out, "Showing %zu of %zu rows%s\n", shown, rows,
                o->default_rows ? " (--nodecount=0 for all)" : "");
}

int hd_render_trend_table(FILE *out, const struct hd_trend *t,
                          const struct hd_trend_table_options *o)
{
    size_t n = t->n_snapshots;
    const struct hd_trend_node **order = hd_calloc(t->n_nodes + 1, sizeof *order);
    size_t ranked = hd_trend_rank(t, order), rows = 0;
    for (size_t i = 0; i < ranked; i++)
        if (has_flat(order[i], n))
            order[rows++] = order[i];
    size_t shown = o->rows && o->rows < rows ? o->rows : rows;
    print_header(out, t, o, shown, rows);
    fprintf(out, "\n%-9s %5s %8s %8s %8s  %-*s  %s\n", "verdict", "sure", "growth", "late",
            "/snap", (int)(n < HD_SPARKLINE_MAX_WIDTH ? n : HD_SPARKLINE_MAX_WIDTH), "trend",
            "name");
    for (size_t i = 0; i < shown; i++) {
        const struct hd_trend_node *node = order[i];
        const struct hd_classification *v = &node->flat_verdict;
        char a[32], b[32], c[32], sure[16], spark[HD_SPARKLINE_SIZE];
        fprintf(out, "%-9s %5s %8s %8s %8s  %s  %s\n", hd_verdict_name(v->verdict),
                hd_format_sure(v->confidence, sure, sizeof sure),
                hd_format_compact(v->growth, o->value, true, a, sizeof a),
                hd_format_compact(v->late_growth, o->value, true, b, sizeof b),
                hd_format_compact(v->slope, o->value, true, c, sizeof c),
                hd_sparkline(node->flat, n, o->ascii, spark), node->name);
    }
    free(order);
    return ferror(out) ? -1 : 0;
}
