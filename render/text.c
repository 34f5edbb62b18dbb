/* The perl-layout text report (see text.h). */
#include "text.h"
#include "emitter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

enum hd_byte_unit hd_resolve_unit(enum hd_byte_unit unit, double magnitude)
{
    if (unit != HD_UNIT_AUTO)
        return unit;
    magnitude = fabs(magnitude);
    if (magnitude >= 1073741824.0)
        return HD_UNIT_GIB;
    if (magnitude >= 1048576.0)
        return HD_UNIT_MIB;
    if (magnitude >= 1024.0)
        return HD_UNIT_KIB;
    return HD_UNIT_BYTES;
}

enum hd_byte_unit hd_table_unit(double magnitude)
{
    magnitude = fabs(magnitude);
    if (magnitude >= 100 * 1073741824.0)
        return HD_UNIT_GIB;
    if (magnitude >= 100 * 1048576.0)
        return HD_UNIT_MIB;
    if (magnitude >= 100 * 1024.0)
        return HD_UNIT_KIB;
    return HD_UNIT_BYTES;
}

/* "-0.0" (a tiny negative value, such as --normalize's rounding residue)
 * printed as "0.0": a zero has no sign. */
static const char *unsign_zero(char *buf)
{
    if (buf[0] == '-' && buf[strspn(buf + 1, "0.") + 1] == '\0')
        memmove(buf, buf + 1, strlen(buf));
    return buf;
}

const char *hd_format_value(double value, enum hd_value_type type, enum hd_byte_unit unit,
                            char *buf, size_t size)
{
    /* perl prints counts and bytes with %d, which truncates toward zero;
     * heapdiff does the same so that its totals equal the peers'. */
    if (hd_value_is_objects(type) || unit == HD_UNIT_BYTES) {
        double whole = trunc(value);
        snprintf(buf, size, "%.0f", whole == 0 ? 0.0 : whole);
        return buf;
    }
    switch (unit) {
    case HD_UNIT_KIB:
        snprintf(buf, size, "%.2f", value / 1024.0);
        break;
    case HD_UNIT_MIB:
        snprintf(buf, size, "%.2f", value / 1048576.0);
        break;
    case HD_UNIT_GIB:
        snprintf(buf, size, "%.2f", value / 1073741824.0);
        break;
    default:
        snprintf(buf, size, "%.1f", value / 1048576.0);
        break;
    }
    return unsign_zero(buf);
}

const char *hd_unit_name(enum hd_value_type type, enum hd_byte_unit unit)
{
    if (hd_value_is_objects(type))
        return "objects";
    switch (unit) {
    case HD_UNIT_BYTES:
        return "B";
    case HD_UNIT_KIB:
        return "KiB";
    case HD_UNIT_MIB:
        return "MiB";
    case HD_UNIT_GIB:
        return "GiB";
    default:
        return "MB";
    }
}

/* PART as a percentage of DENOMINATOR (> 0), or "-" without one. */
static const char *format_percent(double part, const struct hd_denominator *denominator,
                                  char *buf, size_t size)
{
    if (denominator->kind == HD_DENOMINATOR_NONE) {
        snprintf(buf, size, "-");
        return buf;
    }
    snprintf(buf, size, "%.1f", part * 100.0 / denominator->value);
    unsign_zero(buf);
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%%");
    return buf;
}

/* The row order: the sort key descending, ties by name.  CONTEXT is the
 * report's options. */
static double sort_key(const struct hd_node *n, const struct hd_text_options *o)
{
    double key = o->sort_by_cum ? n->cum : n->flat;
    return o->sort_by_abs ? fabs(key) : key;
}

static int compare_rows(const void *a, const void *b, void *context)
{
    const struct hd_node *x = *(const struct hd_node *const *)a;
    const struct hd_node *y = *(const struct hd_node *const *)b;
    double kx = sort_key(x, context), ky = sort_key(y, context);
    if (kx != ky)
        return kx > ky ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* " (new)" when the node exists only in the current profiles, " (gone)"
 * only in the base; "" otherwise or outside diff mode. */
static const char *diff_mark(const struct hd_node *n, const struct hd_text_options *o)
{
    if (o->n_bases == 0)
        return "";
    switch (hd_change_of(hd_node_cum_sides(n))) {
    case HD_CHANGE_NEW:
        return " (new)";
    case HD_CHANGE_GONE:
        return " (gone)";
    default:
        return "";
    }
}

static void print_inputs(FILE *out, const char *label, const struct hd_report_input *in,
                         size_t n, const struct hd_text_options *o, enum hd_byte_unit unit)
{
    char value[64];
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-8s %s %s  %s\n", label,
                hd_format_value(in[i].total, o->value, unit, value, sizeof value),
                hd_unit_name(o->value, unit), in[i].path);
}

/* The rows to print, in order; their count in *N_ROWS; trimming counts in
 * *DROPPED_FRACTION (|cum| under the fraction) and *DROPPED_COUNT (past
 * the node_count or top rows of largest |key|).  As Go pprof's text
 * report: the fraction first, then the first N rows by |key|; these are
 * printed in report order. */
static const struct hd_node **select_rows(const struct hd_graph *g,
                                          const struct hd_text_options *o, double cutoff,
                                          size_t *n_rows, size_t *dropped_fraction,
                                          size_t *dropped_count)
{
    const struct hd_node **rows = hd_malloc(g->n_nodes + 1, sizeof *rows);
    size_t n = 0;
    *dropped_fraction = *dropped_count = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        const struct hd_node *node = &g->nodes[i];
        /* --compare also shows what did not change (a cache that
         * plateaued); only the sort key's columns matter there: a row with
         * nothing in them, base or current, says nothing. */
        if (node->flat == 0 && node->cum == 0 && !o->compare)
            continue;
        if (o->compare && (o->sort_by_cum ? node->cum == 0 && node->base_cum == 0
                                          : node->flat == 0 && node->base_flat == 0))
            continue;
        /* --compare shows what did not change: a row is small there
         * when it is small on both sides. */
        double size = o->compare ? fmax(fabs(node->cum), fmax(node->base_cum, node->current_cum))
                                 : fabs(node->cum);
        if (size < cutoff) {
            ++*dropped_fraction;
            continue;
        }
        rows[n++] = node;
    }
    size_t keep = n;
    if (o->node_count > 0 && o->node_count < keep)
        keep = o->node_count;
    if (o->top > 0 && o->top < keep)
        keep = o->top;
    if (keep < n) {
        /* The rows kept are those of largest |key|, as Go pprof's (which
         * sorts by |flat|): a shrinking diff keeps what shrank most. */
        struct hd_text_options by_size = *o;
        by_size.sort_by_abs = true;
        qsort_r(rows, n, sizeof *rows, compare_rows, &by_size);
    }
    qsort_r(rows, keep, sizeof *rows, compare_rows, (void *)o);
    *dropped_count = n - keep;
    *n_rows = keep;
    return rows;
}

/* "|flat|" or "|cum|": what the rows kept are chosen by. */
static const char *size_key_name(const struct hd_text_options *o)
{
    return o->sort_by_cum ? "|cum|" : "|flat|";
}

/* The header's statement of the denominator, when the Total or Shown line
 * does not say it. */
static void print_denominator(FILE *out, const struct hd_graph *g,
                              const struct hd_denominator *d, const struct hd_text_options *o,
                              enum hd_byte_unit unit)
{
    char a[64];
    if (d->kind != HD_DENOMINATOR_CURRENT)
        return;
    /* Growth and shrinkage cancel: a share of the delta would be huge. */
    fprintf(out, "Percentages are of the %scurrent total, %s %s (|delta| < half of all change)\n",
            o->filters ? "shown " : "", hd_format_value(d->value, o->value, unit, a, sizeof a),
            hd_unit_name(o->value, unit));
}

/* How the Total or Shown line names the delta as the denominator: "" when
 * it is not the denominator. */
static const char *delta_clause(const struct hd_denominator *d, double delta)
{
    if (d->kind != HD_DENOMINATOR_DELTA)
        return "";
    return delta < 0 ? "; percentages are of its size" : "; percentages are of this delta";
}

void hd_text_print_header(FILE *out, const struct hd_graph *g, const struct hd_text_options *o,
                          const struct hd_denominator *d, enum hd_byte_unit unit)
{
    char a[64];
    const char *unit_name = hd_unit_name(o->value, unit);
    if (o->n_bases > 0) {
        print_inputs(out, "Base:", o->bases, o->n_bases, o, unit);
        print_inputs(out, "Current:", o->currents, o->n_currents, o, unit);
        fprintf(out, "Total: %s %s  (current minus base%s)\n",
                hd_format_value(g->total, o->value, unit, a, sizeof a), unit_name,
                o->filters ? "" : delta_clause(d, g->total));
    } else {
        fprintf(out, "Total: %s %s\n", hd_format_value(g->total, o->value, unit, a, sizeof a),
                unit_name);
    }
    for (size_t i = 0; i < o->n_notes; i++)
        fprintf(out, "%s\n", o->notes[i]);
    if (o->filters) {
        hd_filters_print(out, o->filters);
        const char *clause = o->n_bases == 0 ? "; percentages are of this"
                                             : delta_clause(d, g->shown_total);
        if (o->n_bases > 0 && !*clause)
            clause = " (current minus base)";
        fprintf(out, "\nShown: %s %s after filters%s\n",
                hd_format_value(g->shown_total, o->value, unit, a, sizeof a), unit_name,
                clause);
    }
    print_denominator(out, g, d, o, unit);
    if (o->compare && o->mark_noise && o->n_bases > 0)
        fprintf(out, "%c: the delta is within sampling noise (|delta| <= %.0f standard errors)\n",
                HD_NOISE_MARK, HD_NOISE_Z);
}

static void print_compare_row(FILE *out, const struct hd_node *n,
                              const struct hd_text_options *o, enum hd_byte_unit unit)
{
    char base[64], current[64], delta[64], change[64];
    double key = o->sort_by_cum ? n->cum : n->flat;
    double key_base = o->sort_by_cum ? n->base_cum : n->base_flat;
    double key_var = o->sort_by_cum ? n->cum_var : n->flat_var;
    /* A delta of 0 is no change at all, not a change that may be noise. */
    bool noise = o->mark_noise && o->n_bases > 0 && key != 0 && hd_within_noise(key, key_var);
    fprintf(out, "%10s %10s %10s%c%8s  %s%s\n",
            hd_format_value(key_base, o->value, unit, base, sizeof base),
            hd_format_value(key + key_base, o->value, unit, current, sizeof current),
            hd_format_value(key, o->value, unit, delta, sizeof delta),
            noise ? HD_NOISE_MARK : ' ', hd_format_change(n, o->sort_by_cum, change, sizeof change),
            n->name,
            hd_inline_suffix(n->inlined));
}

int hd_render_text(FILE *out, const struct hd_graph *g, const struct hd_text_options *o)
{
    enum hd_byte_unit unit = hd_resolve_unit(o->unit, g->total != 0 ? g->total : g->base_total);
    struct hd_denominator denominator = hd_graph_denominator(g, o->n_bases > 0);
    hd_text_print_header(out, g, o, &denominator, unit);
    /* The fraction is of what the percentages are of, so a dropped row is
     * one whose cum% would be under it. */
    double cutoff = o->node_fraction * denominator.value;
    size_t n, dropped_fraction, dropped_count;
    const struct hd_node **rows =
        select_rows(g, o, cutoff, &n, &dropped_fraction, &dropped_count);
    char a[64], b[64], c[64], d[64], e[64];
    /* The last trimming line says how to see all, when trimming was the
     * default rather than asked for. */
    const char *hint = o->default_trim ? "; --nodecount=0 shows all" : "";
    if (dropped_fraction > 0)
        fprintf(out, "Dropped %zu rows (|cum| < %s %s)%s\n", dropped_fraction,
                hd_format_value(cutoff, o->value, unit, a, sizeof a),
                hd_unit_name(o->value, unit), dropped_count > 0 ? "" : hint);
    if (dropped_count > 0)
        fprintf(out, "Showing the top %zu of %zu rows by %s%s\n", n, n + dropped_count,
                size_key_name(o), hint);
    if (o->compare) {
        fprintf(out, "%10s %10s %10s %8s  %s\n", "base", "current", "delta", "change",
                o->sort_by_cum ? "name (cum)" : "name (flat)");
        for (size_t i = 0; i < n; i++)
            print_compare_row(out, rows[i], o, unit);
    } else {
        double running = 0;
        for (size_t i = 0; i < n; i++) {
            running += rows[i]->flat;
            fprintf(out, "%8s %6s %6s %8s %6s %s%s%s\n",
                    hd_format_value(rows[i]->flat, o->value, unit, a, sizeof a),
                    format_percent(rows[i]->flat, &denominator, b, sizeof b),
                    format_percent(running, &denominator, c, sizeof c),
                    hd_format_value(rows[i]->cum, o->value, unit, d, sizeof d),
                    format_percent(rows[i]->cum, &denominator, e, sizeof e), rows[i]->name,
                    hd_inline_suffix(rows[i]->inlined), diff_mark(rows[i], o));
        }
    }
    free(rows);
    return ferror(out) ? -1 : 0;
}

int hd_emit_text(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    int rc = report->trend ? hd_render_trend_table(out, report->trend, &report->trend_table)
                           : hd_render_text(out, report->graph, &report->text);
    if (rc != 0)
        return hd_error_set(err, report->output_name, 0, "cannot write the report");
    return 0;
}

/* ---- for other tables (markdown.c) ---- */

const char *hd_format_change(const struct hd_node *n, bool by_cum, char *buf, size_t size)
{
    double key = by_cum ? n->cum : n->flat;
    double key_base = by_cum ? n->base_cum : n->base_flat;
    enum hd_change how = hd_change_of(by_cum ? hd_node_cum_sides(n) : hd_node_flat_sides(n));
    if (how == HD_CHANGE_NEW)
        snprintf(buf, size, "new");
    else if (how == HD_CHANGE_GONE)
        snprintf(buf, size, "gone");
    else if (key_base == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%+.1f%%", key * 100.0 / key_base);
    return buf;
}

const char *hd_format_percent(double part, const struct hd_denominator *denominator, char *buf,
                              size_t size)
{
    return format_percent(part, denominator, buf, size);
}

const struct hd_node **hd_text_rows(const struct hd_graph *graph,
                                    const struct hd_text_options *options, double cutoff,
                                    size_t *n_rows, size_t *dropped_fraction,
                                    size_t *dropped_count)
{
    return select_rows(graph, options, cutoff, n_rows, dropped_fraction, dropped_count);
}
