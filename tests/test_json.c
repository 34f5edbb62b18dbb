/* The --json report (render/json.c): its numbers, read back with jansson.
 * Numbers come from testdata/README.md: leaky's tick 3 holds 2052736 B
 * (recurse 1572864, lib_alloc 147456, inlined_alloc 144000 inlined into
 * main's callee, linear_leak 122880, cache_fill 65536); from tick 1 to
 * tick 4 it grows by 1987200 B (recurse +1572864, inlined_alloc +144000).
 * twobuilds' snapshot 2, build 1 against build 2, with xalloc charged to
 * its callers: leak_buffers +65536 B, stamp +512 B (new), total +66048 B.
 * Schema validity is tests/json_schema.py's. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_heapdiff.h"

#define TICK1 "profiles/tc-run1.0001.heap"
#define TICK3 "profiles/tc-run1.0003.heap"
#define TICK4 "profiles/tc-run1.0004.heap"

static json_t *document;

static void release(void)
{
    json_decref(document);
    document = NULL;
}

/* heapdiff --json with ARGV (NULL-terminated), which must succeed; its
 * report, parsed, lives until the test ends. */
static json_t *report_of(const char *const *argv)
{
    size_t n = 0;
    while (argv[n])
        n++;
    const char **args = calloc(n + 2, sizeof *args);
    cr_assert(args);
    args[0] = "--json";
    memcpy(args + 1, argv, n * sizeof *args);
    struct hd_test_run run;
    hd_test_run_heapdiff(args, &run);
    free(args);
    cr_assert_eq(run.status, 0, "heapdiff --json failed: %s", run.err);
    json_error_t error;
    json_decref(document);
    document = json_loads(run.out, 0, &error);
    hd_test_run_free(&run);
    cr_assert(document, "not JSON: %s at line %d", error.text, error.line);
    return document;
}

#define REPORT(...) report_of((const char *const[]){__VA_ARGS__, NULL})

static double number_at(const json_t *object, const char *key)
{
    const json_t *v = json_object_get(object, key);
    cr_assert(json_is_number(v), "%s is not a number", key);
    return json_number_value(v);
}

static const char *string_at(const json_t *object, const char *key)
{
    const json_t *v = json_object_get(object, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The row named NAME of REPORT, or NULL. */
static const json_t *row_named(const json_t *report, const char *name)
{
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "rows"), i, row)
        if (strcmp(string_at(row, "name"), name) == 0)
            return row;
    return NULL;
}

static const json_t *must_row(const json_t *report, const char *name)
{
    const json_t *row = row_named(report, name);
    cr_assert(row, "no row %s", name);
    return row;
}

TestSuite(json, .fini = release);

Test(json, one_profile_has_its_totals_and_every_row_exactly)
{
    json_t *r = REPORT("bin/leaky", TICK3);
    cr_expect_eq(json_integer_value(json_object_get(r, "schema_version")), 1);
    cr_expect_str_eq(string_at(r, "tool"), "heapdiff");
    cr_expect_str_eq(string_at(r, "mode"), "profile");
    cr_expect_str_eq(string_at(r, "value_type"), "inuse_space");
    cr_expect_str_eq(string_at(r, "unit"), "bytes");
    const json_t *totals = json_object_get(r, "totals");
    cr_expect_eq(number_at(totals, "current"), 2052736);
    cr_expect_eq(number_at(totals, "delta"), 2052736);
    cr_expect_eq(number_at(totals, "base"), 0);
    /* Whole values are integers, not reals. */
    cr_expect(json_is_integer(json_object_get(totals, "current")));
    const json_t *current = json_array_get(json_object_get(json_object_get(r, "inputs"),
                                                           "current"), 0);
    cr_expect_str_eq(string_at(current, "path"), TICK3);
    cr_expect_eq(number_at(current, "total"), 2052736);
    /* All 12 rows the text report has with --nodecount=0, not one
     * screen: the default trimming is the text report's only. */
    cr_expect_eq(json_array_size(json_object_get(r, "rows")), 12);
    const json_t *first = json_array_get(json_object_get(r, "rows"), 0);
    cr_expect_str_eq(string_at(first, "name"), "recurse");
    cr_expect_eq(number_at(first, "flat"), 1572864);
    cr_expect_eq(number_at(first, "cum"), 1572864);
    cr_expect_null(json_object_get(first, "status"), "a single profile has no status");
    cr_expect_null(json_object_get(first, "flat_se"), "tcmalloc's counts are exact");
    const json_t *inlined = must_row(r, "inlined_alloc");
    cr_expect_eq(number_at(inlined, "flat"), 144000);
    cr_expect_str_eq(string_at(inlined, "inline"), "all");
    cr_expect_str_eq(string_at(must_row(r, "main"), "inline"), "none");
    /* At --functions a row has its function's file, and no line. */
    cr_expect_str_eq(string_at(inlined, "file"), "src/leaky.c");
    cr_expect_str_eq(string_at(must_row(r, "lib_alloc"), "file"), "src/libleak.c");
    cr_expect_null(json_object_get(inlined, "line"));
    cr_expect_eq(number_at(must_row(r, "cache_fill"), "cum"), 65536);
}

Test(json, diff_rows_have_base_sides_and_sum_to_the_delta)
{
    json_t *r = REPORT("--base", TICK1, "bin/leaky", TICK4);
    cr_expect_str_eq(string_at(r, "mode"), "diff");
    const json_t *totals = json_object_get(r, "totals");
    cr_expect_eq(number_at(totals, "delta"), 1987200);
    cr_expect_eq(number_at(totals, "current") - number_at(totals, "base"), 1987200);
    const json_t *recurse = must_row(r, "recurse");
    cr_expect_eq(number_at(recurse, "flat"), 1572864);
    cr_expect_str_eq(string_at(recurse, "status"), "changed");
    cr_expect_eq(number_at(must_row(r, "inlined_alloc"), "flat"), 144000);
    /* The flats add up to the delta, as the text report's sum% column. */
    double sum = 0, base = 0;
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(r, "rows"), i, row) {
        sum += number_at(row, "flat");
        base += number_at(row, "base_flat");
    }
    cr_expect_eq(sum, 1987200);
    /* As in the text report, a row whose delta is 0 on both columns is
     * not one: cache_fill (65536 B at tick 1, unchanged) is the base's
     * only such row. */
    cr_expect_null(row_named(r, "cache_fill"));
    cr_expect_eq(base, number_at(totals, "base") - 65536);
}

Test(json, new_and_gone_rows_are_marked)
{
    json_t *r = REPORT("--wrappers", "xalloc", "--base-binary", "bin/twobuilds-1", "--base",
                       "profiles/tc-twobuilds-1.0002.heap", "bin/twobuilds-2",
                       "profiles/tc-twobuilds-2.0002.heap");
    cr_expect_eq(number_at(json_object_get(r, "totals"), "delta"), 66048);
    const json_t *stamp = must_row(r, "stamp");
    cr_expect_str_eq(string_at(stamp, "status"), "new");
    cr_expect_eq(number_at(stamp, "flat"), 512);
    cr_expect_eq(number_at(stamp, "base_flat"), 0);
    cr_expect_eq(number_at(must_row(r, "leak_buffers"), "flat"), 65536);
    /* The header's cautions are notes. */
    cr_expect_geq(json_array_size(json_object_get(r, "notes")), 2);
    r = REPORT("--wrappers", "xalloc", "--base-binary", "bin/twobuilds-2", "--base",
               "profiles/tc-twobuilds-2.0002.heap", "bin/twobuilds-1",
               "profiles/tc-twobuilds-1.0002.heap");
    stamp = must_row(r, "stamp");
    cr_expect_str_eq(string_at(stamp, "status"), "gone");
    cr_expect_eq(number_at(stamp, "flat"), -512);
    cr_expect_eq(number_at(stamp, "base_flat"), 512);
}

Test(json, lines_give_file_and_line)
{
    /* The leaf of recurse's allocation is leaky.c line 130 (its
     * malloc call), as the text report's --lines row names it. */
    json_t *r = REPORT("--lines", "bin/leaky", TICK3);
    const json_t *recurse = must_row(r, "recurse src/leaky.c:130");
    cr_expect_str_eq(string_at(recurse, "file"), "src/leaky.c");
    cr_expect_eq(number_at(recurse, "line"), 130);
    cr_expect_eq(number_at(recurse, "flat"), 1572864);
}

Test(json, sampled_rows_have_standard_errors)
{
    json_t *r = REPORT("--base", "profiles/je-sampled.1.heap", "bin/leaky",
                       "profiles/je-sampled.3.heap");
    cr_expect(json_is_true(json_object_get(r, "sampled")));
    size_t i, positive = 0;
    const json_t *row;
    json_array_foreach(json_object_get(r, "rows"), i, row) {
        cr_expect(json_is_number(json_object_get(row, "flat_se")), "row %zu", i);
        cr_expect(json_is_number(json_object_get(row, "cum_se")), "row %zu", i);
        positive += number_at(row, "cum_se") > 1.0;
    }
    cr_expect_gt(positive, 0);
    /* recurse's 512 KiB blocks are sampled with certainty (each is
     * larger than the 512 KiB mean interval is likely to skip), so its
     * estimate is exact: only a rounding residue is left. */
    cr_expect_lt(number_at(must_row(r, "recurse"), "flat_se"), 1.0);
    /* Unsampled estimates are reals. */
    cr_expect(json_is_real(json_object_get(json_object_get(r, "totals"), "delta")));
}

Test(json, trimming_is_counted_in_dropped)
{
    json_t *r = REPORT("--nodecount", "3", "bin/leaky", TICK3);
    cr_expect_eq(json_array_size(json_object_get(r, "rows")), 3);
    const json_t *dropped = json_object_get(r, "dropped");
    cr_expect_eq(number_at(dropped, "past_count"), 9);
    cr_expect_eq(number_at(dropped, "node_count"), 3);
}

Test(json, filters_are_named_and_shown_total_follows_them)
{
    json_t *r = REPORT("--focus", "linear_leak", "bin/leaky", TICK3);
    cr_expect_str_eq(string_at(json_object_get(r, "filters"), "focus"), "linear_leak");
    const json_t *totals = json_object_get(r, "totals");
    cr_expect_eq(number_at(totals, "delta"), 2052736);
    cr_expect_eq(number_at(totals, "shown"), 122880);
}

Test(json, stacks_sum_to_the_shown_total)
{
    json_t *r = REPORT("--base", TICK1, "bin/leaky", TICK4);
    const json_t *stacks = json_object_get(r, "stacks");
    cr_assert_gt(json_array_size(stacks), 0);
    double sum = number_at(json_object_get(r, "stacks_omitted"), "value");
    size_t i;
    const json_t *stack;
    json_array_foreach(stacks, i, stack)
        sum += number_at(stack, "value");
    cr_expect_eq(sum, 1987200);
    /* The largest first, leaf first: recurse's deepest stack. */
    const json_t *top = json_array_get(stacks, 0);
    const json_t *leaf = json_array_get(json_object_get(top, "frames"), 0);
    cr_expect_str_eq(json_string_value(leaf), "recurse");
    cr_expect_null(json_object_get(top, "inlined"), "recurse is called, not inlined");
    /* inlined_alloc's stack: inlined_alloc was inlined into its caller,
     * so frame 0 is in "inlined". */
    size_t i_stack;
    const json_t *s;
    bool seen = false;
    json_array_foreach(stacks, i_stack, s) {
        const json_t *frames = json_object_get(s, "frames");
        if (strcmp(json_string_value(json_array_get(frames, 0)), "inlined_alloc") != 0)
            continue;
        const json_t *inlined = json_object_get(s, "inlined");
        cr_assert(json_is_array(inlined));
        cr_expect_eq(json_integer_value(json_array_get(inlined, 0)), 0);
        seen = true;
    }
    cr_expect(seen, "no stack of inlined_alloc");
    cr_expect_str_eq(string_at(top, "status"), "changed");
}

Test(json, trend_has_the_series_and_verdicts)
{
    /* testdata/README.md, "trend": leak_request_state leaks in every
     * tick, so its verdict is leak. */
    char paths[12][64];
    const char *argv[16] = {"--trend", "bin/trend"};
    for (int k = 0; k < 12; k++) {
        snprintf(paths[k], sizeof paths[k], "profiles/tc-trend.%04d.heap", k + 1);
        argv[2 + k] = paths[k];
    }
    json_t *r = report_of(argv);
    cr_expect_str_eq(string_at(r, "mode"), "trend");
    const json_t *t = json_object_get(r, "trend");
    cr_assert(t);
    cr_expect_eq(json_array_size(json_object_get(t, "snapshots")), 12);
    const json_t *total = json_object_get(t, "total");
    cr_expect_eq(json_array_size(total), 12);
    cr_expect_eq(json_number_value(json_array_get(total, 11)) -
                     json_number_value(json_array_get(total, 0)),
                 number_at(json_object_get(r, "totals"), "delta"));
    const json_t *first = json_array_get(json_object_get(t, "rows"), 0);
    cr_expect_str_eq(string_at(first, "name"), "leak_request_state");
    cr_expect_str_eq(string_at(first, "verdict"), "leak");
    cr_expect_eq(json_array_size(json_object_get(first, "flat")), 12);
    cr_expect_gt(number_at(first, "slope"), 0);
}
