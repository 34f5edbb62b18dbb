/* The perl-layout text report (see text.h). */
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *hd_format_value(double value, enum hd_value_type type, enum hd_byte_unit unit,
                            char *buf, size_t size)
{
    /* perl prints counts and bytes with %d, which truncates toward zero;
     * heapdiff does the same so that its totals equal the peers'. */
    if (hd_value_is_objects(type) || unit == HD_UNIT_BYTES)
        snprintf(buf, size, "%.0f", trunc(value) == 0 ? 0.0 : trunc(value));
    else
        snprintf(buf, size, "%.1f", value / 1048576.0);
    return buf;
}

static const char *unit_name(enum hd_value_type type, enum hd_byte_unit unit)
{
    if (hd_value_is_objects(type))
        return "objects";
    return unit == HD_UNIT_BYTES ? "B" : "MB";
}

static const char *format_percent(double part, double total, char *buf, size_t size)
{
    if (total == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", part * 100.0 / total);
    return buf;
}

/* Sort order shared by qsort's comparator. */
static bool sorting_by_cum;

static int compare_rows(const void *a, const void *b)
{
    const struct hd_node *x = *(const struct hd_node *const *)a;
    const struct hd_node *y = *(const struct hd_node *const *)b;
    double kx = sorting_by_cum ? x->cum : x->flat, ky = sorting_by_cum ? y->cum : y->flat;
    if (kx != ky)
        return kx > ky ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void print_inputs(FILE *out, const char *label, const struct hd_report_input *in,
                         size_t n, const struct hd_text_options *o)
{
    char value[64];
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-8s %s %s  %s\n", label,
                hd_format_value(in[i].total, o->value, o->unit, value, sizeof value),
                unit_name(o->value, o->unit), in[i].path);
}

int hd_render_text(FILE *out, const struct hd_graph *g, const struct hd_text_options *o)
{
    char a[64], b[64], c[64], d[64], e[64];
    if (o->n_bases > 0) {
        print_inputs(out, "Base:", o->bases, o->n_bases, o);
        print_inputs(out, "Current:", o->currents, o->n_currents, o);
        fprintf(out, "Total: %s %s  (current minus base; percentages are of this delta)\n",
                hd_format_value(g->total, o->value, o->unit, a, sizeof a),
                unit_name(o->value, o->unit));
    } else {
        fprintf(out, "Total: %s %s\n", hd_format_value(g->total, o->value, o->unit, a, sizeof a),
                unit_name(o->value, o->unit));
    }
    const struct hd_node **rows = malloc((g->n_nodes + 1) * sizeof *rows);
    if (!rows)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].flat != 0 || g->nodes[i].cum != 0)
            rows[n++] = &g->nodes[i];
    sorting_by_cum = o->sort_by_cum;
    qsort(rows, n, sizeof *rows, compare_rows);
    double running = 0;
    for (size_t i = 0; i < n; i++) {
        running += rows[i]->flat;
        fprintf(out, "%8s %6s %6s %8s %6s %s\n",
                hd_format_value(rows[i]->flat, o->value, o->unit, a, sizeof a),
                format_percent(rows[i]->flat, g->total, b, sizeof b),
                format_percent(running, g->total, c, sizeof c),
                hd_format_value(rows[i]->cum, o->value, o->unit, d, sizeof d),
                format_percent(rows[i]->cum, g->total, e, sizeof e), rows[i]->name);
    }
    free(rows);
    return ferror(out) ? -1 : 0;
}
