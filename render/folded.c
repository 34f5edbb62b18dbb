/* The --collapsed report (see folded.h). */
#include "folded.h"
#include "emitter.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* One merged stack: its frames, root first, at PATH[first..first+depth)
 * of the stacks' shared array, each coded node << 1 | inlined. */
struct stack {
    size_t first;
    size_t depth;   /* > 0 */
    double base;    /* the base side, >= 0; 0 without a base */
    double current; /* the current side */
};

/* The order of the apportioning: residues largest first, ties by index. */
struct residue {
    double amount; /* value minus its rounding */
    size_t index;
};

static int compare_residues(const void *a, const void *b)
{
    const struct residue *x = a, *y = b;
    if (x->amount != y->amount)
        return x->amount > y->amount ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void hd_folded_apportion(const double *values, size_t n, int64_t target, int64_t *out)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (int64_t)round(values[i]); /* C's round: half away from zero */
        sum += out[i];
    }
    if (sum == target || n == 0)
        return;
    struct residue *order = hd_malloc(n, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (struct residue){values[i] - (double)out[i], i};
    qsort(order, n, sizeof *order, compare_residues);
    /* Short: add to the values rounded down the most; over: take from
     * those rounded up the most, from the end of the order.  A residue
     * beyond N units (a target far from the sum) goes round again. */
    for (size_t k = 0; sum < target; k++, sum++)
        out[order[k % n].index]++;
    for (size_t k = 0; sum > target; k++, sum--)
        out[order[n - 1 - k % n].index]--;
    free(order);
}

/* The codes' frame order for sorting: by name, then not inlined before
 * inlined. */
static int compare_frames(const struct hd_graph *g, uint32_t x, uint32_t y)
{
    if (x == y)
        return 0;
    int c = strcmp(g->nodes[x >> 1].name, g->nodes[y >> 1].name);
    return c != 0 ? c : (x & 1) < (y & 1) ? -1 : 1;
}

struct sort_context {
    const struct hd_graph *graph;
    const uint32_t *path;
};

/* Stacks in the order of their frames, root first, a prefix first. */
static int compare_stacks(const void *a, const void *b, void *context)
{
    const struct sort_context *c = context;
    const struct stack *x = a, *y = b;
    size_t depth = x->depth < y->depth ? x->depth : y->depth;
    for (size_t d = 0; d < depth; d++) {
        int order = compare_frames(c->graph, c->path[x->first + d], c->path[y->first + d]);
        if (order != 0)
            return order;
    }
    return x->depth < y->depth ? -1 : x->depth > y->depth;
}

static bool same_path(const uint32_t *path, const struct stack *x, const struct stack *y)
{
    return x->depth == y->depth &&
           memcmp(path + x->first, path + y->first, x->depth * sizeof *path) == 0;
}

void hd_folded_print_frame(FILE *out, const char *name, bool leaf)
{
    /* Where a blank and a number end the leaf, the parsers would read the
     * number as a value: that blank is written as '_'. */
    size_t length = strlen(name), digits = length;
    while (digits > 0 && (isdigit((unsigned char)name[digits - 1]) || name[digits - 1] == '.'))
        digits--;
    size_t clash = leaf && digits < length && digits > 0 && name[digits - 1] == ' '
                       ? digits - 1
                       : (size_t)-1;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)name[i];
        fputc(c == ';' ? ':' : c < 0x20 || c == 0x7f ? '?' : i == clash ? '_' : c, out);
    }
}

/* The column's target: the text report's total as --unit=B prints it. */
static int64_t printed_total(double total)
{
    return (int64_t)trunc(total);
}

int hd_render_folded(FILE *out, const struct hd_graph *g, const struct hd_model *p,
                     const struct hd_text_options *o)
{
    bool diff = o->n_bases > 0;
    struct stack *stacks = NULL;
    uint32_t *path = NULL;
    struct hd_path_frame *frames = NULL;
    size_t n = 0, stacks_capacity = 0, path_capacity = 0, frames_capacity = 0, used = 0;
    HD_ARRAY_RESERVE(frames, frames_capacity, 256);
    for (size_t s = 0; s < p->samples.n; s++) {
        double value, base;
        if (!hd_graph_sample_value(g, p, s, &value, &base))
            continue;
        size_t depth = hd_graph_sample_path(g, p, s, &frames, &frames_capacity);
        if (depth == 0)
            continue;
        HD_ARRAY_RESERVE(path, path_capacity, used + depth);
        for (size_t d = 0; d < depth; d++) /* leaf first -> root first */
            path[used + d] =
                frames[depth - 1 - d].node << 1 | (frames[depth - 1 - d].inlined ? 1u : 0u);
        HD_ARRAY_RESERVE(stacks, stacks_capacity, n + 1);
        stacks[n++] = (struct stack){used, depth, base, value + base};
        used += depth;
    }
    free(frames);

    struct sort_context context = {g, path};
    qsort_r(stacks, n, sizeof *stacks, compare_stacks, &context);
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        if (merged > 0 && same_path(path, &stacks[merged - 1], &stacks[i])) {
            stacks[merged - 1].base += stacks[i].base;
            stacks[merged - 1].current += stacks[i].current;
        } else {
            stacks[merged++] = stacks[i];
        }
    }

    /* Each column apportioned to its total, so the lines sum to it. */
    double *values = hd_malloc(merged + 1, sizeof *values);
    int64_t *base = hd_malloc(merged + 1, sizeof *base);
    int64_t *current = hd_malloc(merged + 1, sizeof *current);
    for (size_t i = 0; i < merged; i++)
        values[i] = stacks[i].current;
    hd_folded_apportion(values, merged, printed_total(g->shown_total + g->shown_base_total),
                        current);
    for (size_t i = 0; i < merged; i++)
        values[i] = stacks[i].base;
    hd_folded_apportion(values, merged, printed_total(g->shown_base_total), base);

    for (size_t i = 0; i < merged; i++) {
        if (current[i] == 0 && (!diff || base[i] == 0))
            continue;
        const struct stack *st = &stacks[i];
        for (size_t d = 0; d < st->depth; d++) {
            uint32_t code = path[st->first + d];
            if (d > 0)
                fputc(';', out);
            hd_folded_print_frame(out, g->nodes[code >> 1].name, d + 1 == st->depth && !(code & 1));
            if (code & 1)
                fputs(" [inline]", out);
        }
        if (diff)
            fprintf(out, " %lld %lld\n", (long long)base[i], (long long)current[i]);
        else
            fprintf(out, " %lld\n", (long long)current[i]);
    }
    free(values);
    free(base);
    free(current);
    free(stacks);
    free(path);
    return ferror(out) ? -1 : 0;
}

int hd_emit_folded(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    if (hd_render_folded(out, report->graph, report->model, &report->text) != 0)
        return hd_error_set(err, report->output_name, 0, "cannot write the report");
    return 0;
}
