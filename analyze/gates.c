/* Checking the CI gates (see gates.h). */
#include "gates.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

void hd_gates_init(struct hd_gates *g)
{
    *g = (struct hd_gates){
        .min_leak = HD_GATE_UNSET,
        .fail_if_growth = HD_GATE_UNSET,
        .fail_if_node_growth = HD_GATE_UNSET,
    };
}

bool hd_gates_any(const struct hd_gates *g)
{
    return g->fail_if_leak || g->fail_if_growth >= 0 || g->fail_if_node_growth >= 0;
}

double hd_gates_min_leak(const struct hd_gates *g, enum hd_value_type value)
{
    if (g->min_leak >= 0)
        return g->min_leak;
    return hd_value_is_objects(value) ? HD_GATE_DEFAULT_MIN_LEAK_OBJECTS
                                      : HD_GATE_DEFAULT_MIN_LEAK_BYTES;
}

/* Largest growth first, ties by name, so that what is said is stable. */
static int by_growth(const void *a, const void *b)
{
    const struct hd_gate_row *x = *(const struct hd_gate_row *const *)a;
    const struct hd_gate_row *y = *(const struct hd_gate_row *const *)b;
    if (x->growth != y->growth)
        return x->growth > y->growth ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Print the N rows of PICKED (sorted here) to SAY: the first
 * HD_GATE_SAY_ROWS on their own lines, then how many more there are. */
static void say_rows(FILE *say, const struct hd_gate_row **picked, size_t n, const char *unit)
{
    qsort(picked, n, sizeof *picked, by_growth);
    for (size_t i = 0; i < n && i < HD_GATE_SAY_ROWS; i++)
        fprintf(say, "  %+12.0f %s  %s\n", picked[i]->growth, unit, picked[i]->name);
    if (n > HD_GATE_SAY_ROWS)
        fprintf(say, "  ... and %zu more\n", n - HD_GATE_SAY_ROWS);
}

size_t hd_gates_check(const struct hd_gates *g, const struct hd_suppressions *s,
                      double total_growth, const struct hd_gate_row *rows, size_t n,
                      enum hd_value_type value, FILE *say)
{
    const char *unit = hd_value_is_objects(value) ? "objects" : "B";
    bool *suppressed = hd_calloc(n + 1, sizeof *suppressed);
    const struct hd_gate_row **picked = hd_malloc(n + 1, sizeof *picked);
    double suppressed_growth = 0;
    size_t n_suppressed = 0;
    for (size_t i = 0; i < n; i++) {
        suppressed[i] = hd_suppressed(s, rows[i].name);
        if (suppressed[i]) {
            suppressed_growth += rows[i].growth;
            n_suppressed++;
        }
    }
    size_t tripped = 0, n_picked;

    if (g->fail_if_growth >= 0) {
        double growth = total_growth - suppressed_growth;
        if (growth > g->fail_if_growth) {
            tripped++;
            fprintf(say,
                    "heapdiff: gate tripped: --fail-if-growth %.0f %s: the total grew by %.0f "
                    "%s",
                    g->fail_if_growth, unit, growth, unit);
            if (n_suppressed > 0)
                fprintf(say, " (%.0f %s of %zu suppressed %s left out)", suppressed_growth,
                        unit, n_suppressed, n_suppressed == 1 ? "row" : "rows");
            fprintf(say, "; the rows that grew most:\n");
            n_picked = 0;
            for (size_t i = 0; i < n; i++)
                if (!suppressed[i] && rows[i].growth > 0)
                    picked[n_picked++] = &rows[i];
            say_rows(say, picked, n_picked, unit);
        }
    }

    if (g->fail_if_node_growth >= 0) {
        n_picked = 0;
        for (size_t i = 0; i < n; i++)
            if (!suppressed[i] && rows[i].growth > g->fail_if_node_growth)
                picked[n_picked++] = &rows[i];
        if (n_picked > 0) {
            tripped++;
            fprintf(say,
                    "heapdiff: gate tripped: --fail-if-node-growth %.0f %s: %zu %s grew by "
                    "more:\n",
                    g->fail_if_node_growth, unit, n_picked, n_picked == 1 ? "row" : "rows");
            say_rows(say, picked, n_picked, unit);
        }
    }

    if (g->fail_if_leak) {
        double min_leak = hd_gates_min_leak(g, value);
        n_picked = 0;
        for (size_t i = 0; i < n; i++)
            if (!suppressed[i] && rows[i].leak && rows[i].growth > min_leak)
                picked[n_picked++] = &rows[i];
        if (n_picked > 0) {
            tripped++;
            fprintf(say,
                    "heapdiff: gate tripped: --fail-if-leak (--min-leak %.0f %s): %zu %s "
                    "leaking, each grew by more:\n",
                    min_leak, unit, n_picked, n_picked == 1 ? "row is" : "rows are");
            say_rows(say, picked, n_picked, unit);
        }
    }
    free(picked);
    free(suppressed);
    return tripped;
}
