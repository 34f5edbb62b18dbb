/* --trend end to end: a user's series of snapshots, its order, its
 * verdicts and its errors.  The expected numbers are testdata's design
 * (testdata/README.md). */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_heapdiff.h"

/* The table row of NAME in OUT (the line ending in "  NAME"), or "". */
static const char *row_of(const char *out, const char *name)
{
    static char row[512];
    row[0] = '\0';
    for (const char *line = out; *line;) {
        size_t n = strcspn(line, "\n");
        size_t len = strlen(name);
        if (n > len + 2 && strncmp(line + n - len - 2, "  ", 2) == 0 &&
            strncmp(line + n - len, name, len) == 0) {
            snprintf(row, sizeof row, "%.*s", (int)n, line);
            break;
        }
        line += n + (line[n] == '\n');
    }
    return row;
}

Test(trend, the_leaks_of_leaky_are_leaks_and_the_full_cache_is_flat)
{
    struct hd_test_run *r = hd_test_heapdiff("--trend", "bin/leaky", "profiles/tc-run1.0001.heap",
                                             "profiles/tc-run1.0002.heap",
                                             "profiles/tc-run1.0003.heap",
                                             "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Trend: 4 snapshots, profiles/tc-run1.0001.heap .. "
                             "tc-run1.0004.heap\n"), "%s", r->out);
    /* Per tick: recurse 2 x 256 KiB, linear_leak 10 x 4 KiB; the cache
     * filled in tick 1, before the first snapshot. */
    cr_expect_str_eq(row_of(r->out, "recurse"),
                     "leak      95.8%   +1.5MB   +512kB   +512kB  ▁▃▆█  recurse");
    cr_expect_str_eq(row_of(r->out, "linear_leak"),
                     "leak      95.8%   +120kB    +40kB    +40kB  ▁▃▆█  linear_leak");
    cr_expect_str_eq(row_of(r->out, "cache_fill"),
                     "flat       100%       0B       0B       0B  ▁▁▁▁  cache_fill");
    cr_expect(strstr(r->out, "4 leak, 0 plateau, 0 transient, 0 shrinking, 1 flat"), "%s",
              r->out);
    /* Leaks first, the largest growth first. */
    cr_expect_lt(strstr(r->out, "  recurse\n"), strstr(r->out, "  linear_leak\n"));
    cr_expect_lt(strstr(r->out, "  linear_leak\n"), strstr(r->out, "  cache_fill\n"));
}

Test(trend, snapshots_are_ordered_by_dump_number_whatever_the_order_given)
{
    struct hd_test_run *r = hd_test_heapdiff("--trend", "--ascii", "bin/leaky",
                                             "profiles/tc-run1.0004.heap",
                                             "profiles/tc-run1.0002.heap",
                                             "profiles/tc-run1.0003.heap",
                                             "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "profiles/tc-run1.0001.heap .. tc-run1.0004.heap"), "%s", r->out);
    cr_expect_str_eq(row_of(r->out, "recurse"),
                     "leak      95.8%   +1.5MB   +512kB   +512kB  _-+#  recurse");
}

/* A scratch directory of jemalloc-named copies of testdata's sampled
 * series: dumps 2, 9, 10 and 11 of process 77, which a string sort
 * would put in the order 10, 11, 2, 9. */
static char scratch[] = "/tmp/hd-trend-XXXXXX";

static void make_jemalloc_dir(void)
{
    cr_assert_not_null(mkdtemp(scratch));
    static const char *const names[] = {"p.77.2.m2.heap", "p.77.9.m9.heap", "p.77.10.m10.heap",
                                        "p.77.11.i0.heap"};
    for (int i = 0; i < 4; i++) {
        char from[4096], to[4096];
        snprintf(from, sizeof from, "%s/profiles/je-sampled.%d.heap", getenv("HD_TESTDATA"),
                 i + 1);
        snprintf(to, sizeof to, "%s/%s", scratch, names[i]);
        cr_assert_eq(symlink(from, to), 0);
    }
}

static void remove_scratch(void)
{
    char command[4200];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    cr_assert_eq(system(command), 0);
}

Test(trend, a_directory_of_jemalloc_dumps_is_read_in_sequence_order)
{
    make_jemalloc_dir();
    struct hd_test_run *r = hd_test_heapdiff("--trend", "bin/leaky", scratch, NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "p.77.2.m2.heap .. p.77.11.i0.heap"), "%s", r->out);
    cr_expect(strstr(row_of(r->out, "recurse"), "leak "), "%s", r->out);
    remove_scratch();
}

Test(trend, a_quoted_glob_is_expanded)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--trend", "bin/leaky", "profiles/tc-run1.000?.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Trend: 4 snapshots, profiles/tc-run1.0001.heap .. "), "%s",
              r->out);
}

Test(trend, thresholds_are_adjustable)
{
    /* A leak grows as fast late as early: it passes even the strictest
     * ratio; a noise floor of 90% of each row's value hides it. */
    struct hd_test_run *r = hd_test_heapdiff("--trend", "--trend-late-ratio", "1", "bin/leaky",
                                             "profiles/tc-run1.000?.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(row_of(r->out, "recurse"), "leak "), "%s", r->out);
    r = hd_test_heapdiff("--trend", "--trend-late-part", "0.25", "--trend-noise-floor", "0.9",
                         "bin/leaky", "profiles/tc-run1.000?.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(row_of(r->out, "linear_leak"), "flat "), "%s", r->out);
}

Test(trend, usage_errors)
{
    struct hd_test_run *r = hd_test_heapdiff("--trend", "bin/leaky", "profiles/tc-run1.0001.heap",
                                             "profiles/tc-run1.0002.heap", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: --trend needs at least 3 snapshots, got 2 (for two: "
                             "--base OLD BINARY NEW)\n");
    r = hd_test_heapdiff("--trend", "--base", "profiles/tc-run1.0001.heap", "bin/leaky",
                         "profiles/tc-run1.000?.heap", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "--trend and --base"), "%s", r->err);
    r = hd_test_heapdiff("--trend", "--traces", "bin/leaky", "profiles/tc-run1.000?.heap", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err,
                     "heapdiff: --trend makes a table (--text) or a graph, not --traces\n");
    r = hd_test_heapdiff("--trend", "bin/leaky", "profiles/nothing-*.heap", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: profiles/nothing-*.heap: matches no file\n");
    r = hd_test_heapdiff("--trend", "bin/leaky", "src", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err,
                     "heapdiff: src: holds no profile (files named *.heap or *.heap.gz)\n");
    r = hd_test_heapdiff("--trend", "--trend-confidence", "1", "bin/leaky",
                         "profiles/tc-run1.000?.heap", NULL);
    cr_expect_eq(r->status, 2);
}

Test(trend, the_graph_is_coloured_by_verdict_and_outlines_leaks)
{
    struct hd_test_run *r = hd_test_heapdiff("--trend", "--dot", "bin/leaky",
                                             "profiles/tc-run1.000?.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    /* recurse leaks on its own: red, outlined; its growth over the series
     * is the label. */
    const char *recurse = strstr(r->out, "label=\"recurse\\n+1.50MiB (79.1%)\\nflat: leak (95.8%)\"");
    cr_assert_not_null(recurse, "%s", r->out);
    const char *end = strchr(recurse, ']');
    char node[1024];
    snprintf(node, sizeof node, "%.*s", (int)(end - recurse), recurse);
    cr_expect(strstr(node, "color=\"#b30000\""), "%s", node);
    cr_expect(strstr(node, "fillcolor=\"#ffc2c2\""), "%s", node);
    cr_expect(strstr(node, "penwidth=\"4\""), "%s", node);
    cr_expect(strstr(r->out, "First: profiles/tc-run1.0001.heap"), "%s", r->out);
    cr_expect(strstr(r->out, "Trend of 4 snapshots"), "%s", r->out);
}

/* ---- testdata's trend program: a leak beside a cache, a pool, churn,
 * batches and a shrinking index (testdata/README.md, "trend") ---- */

/* The verdict word at the start of NAME's row in R's table. */
static const char *verdict_of(const struct hd_test_run *r, const char *name)
{
    static char verdict[16];
    const char *row = row_of(r->out, name);
    snprintf(verdict, sizeof verdict, "%.*s", (int)strcspn(row, " "), row);
    return verdict;
}

static void expect_designed_verdicts(const struct hd_test_run *r, bool leaking)
{
    cr_expect_str_eq(verdict_of(r, "leak_request_state"), leaking ? "leak" : "", "%s", r->out);
    cr_expect_str_eq(verdict_of(r, "cache_insert"), "plateau", "%s", r->out);
    cr_expect_str_eq(verdict_of(r, "pool_grow"), "plateau", "%s", r->out);
    cr_expect_str_eq(verdict_of(r, "batch_flush"), "transient", "%s", r->out);
    cr_expect_str_eq(verdict_of(r, "session_buffers"), "transient", "%s", r->out);
    cr_expect_str_eq(verdict_of(r, "shrink_index"), "shrinking", "%s", r->out);
    cr_expect_str_eq(verdict_of(r, "load_config"), "flat", "%s", r->out);
    cr_expect(strstr(r->out, leaking ? "Verdicts (flat): 1 leak," : "Verdicts (flat): 0 leak,"),
              "%s", r->out);
}

Test(trend, tcmalloc_series_the_leak_is_a_leak_and_the_cache_a_plateau)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--trend", "bin/trend", "profiles/tc-trend.0*.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_designed_verdicts(r, true);
    /* 48 x 64 KiB a tick: 33 MiB from snapshot 1 to 12, 3 MiB a tick. */
    cr_expect_str_eq(row_of(r->out, "leak_request_state"),
                     "leak      99.9%    +33MB    +15MB   +3.0MB  ▁▂▂▃▄▄▅▅▆▇▇█  "
                     "leak_request_state");
    cr_expect_str_eq(row_of(r->out, "cache_insert"),
                     "plateau   99.8%   +350MB       0B    +15MB  ▁▃▅▇████████  cache_insert");
    /* The leak is ranked first though the cache grew ten times more. */
    cr_expect_lt(strstr(r->out, "  leak_request_state\n"), strstr(r->out, "  cache_insert\n"));
}

Test(trend, sampled_jemalloc_series_the_leak_is_a_leak_and_the_cache_a_plateau)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--trend", "bin/trend", "profiles/je-trend.*.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Trend: 12 snapshots, profiles/je-trend."), "%s", r->out);
    cr_expect(strstr(r->out, ".11.m11.heap\n"), "the last is dump 11: %s", r->out);
    expect_designed_verdicts(r, true);
}

Test(trend, no_leak_series_get_no_leak_verdict_under_either_allocator)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--trend", "bin/trend", "profiles/tc-trend-noleak.*.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_designed_verdicts(r, false);
    r = hd_test_heapdiff("--trend", "bin/trend", "profiles/je-trend-noleak.*.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_designed_verdicts(r, false);
}

Test(trend, fail_if_leak_exits_1_on_the_leak_and_0_without)
{
    static const char *const series[][2] = {
        {"profiles/tc-trend.0*.heap", "profiles/tc-trend-noleak.*.heap"},
        {"profiles/je-trend.*.heap", "profiles/je-trend-noleak.*.heap"},
    };
    for (int k = 0; k < 2; k++) {
        struct hd_test_run *r =
            hd_test_heapdiff("--trend", "--fail-if-leak", "bin/trend", series[k][0], NULL);
        cr_expect_eq(r->status, 1, "%s: %d\n%s", series[k][0], r->status, r->err);
        cr_expect(strstr(r->err, "leak_request_state"), "%s", r->err);
        r = hd_test_heapdiff("--trend", "--fail-if-leak", "bin/trend", series[k][1], NULL);
        cr_expect_eq(r->status, 0, "%s: %d\n%s", series[k][1], r->status, r->err);
    }
    /* A leak under --min-leak does not trip; a suppressed one neither. */
    struct hd_test_run *r = hd_test_heapdiff("--trend", "--fail-if-leak", "--min-leak", "64M",
                                             "bin/trend", series[0][0], NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
    char supp[] = "/tmp/hd-trend-supp-XXXXXX";
    int fd = mkstemp(supp);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "# known\n^leak_request_state$\n", 29), 29);
    close(fd);
    r = hd_test_heapdiff("--trend", "--fail-if-leak", "--suppress", supp, "bin/trend",
                         series[0][0], NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
    unlink(supp);
    /* The growth gates judge the last snapshot against the first. */
    r = hd_test_heapdiff("--trend", "--fail-if-node-growth", "340M", "bin/trend", series[0][1],
                         NULL);
    cr_expect_eq(r->status, 1, "%s", r->err);
    cr_expect(strstr(r->err, "cache_insert"), "%s", r->err);
}

Test(trend, markdown_summary_has_the_verdicts_and_sparklines)
{
    struct hd_test_run *r = hd_test_heapdiff("--trend", "--markdown", "bin/trend",
                                             "profiles/tc-trend.0*.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Verdicts (flat): **1 leak**, 2 plateau, 2 transient, 1 shrinking, "
                             "1 flat."), "%s", r->out);
    cr_expect(strstr(r->out, "| **leak** | 99.9% | +33MB | +15MB | ▁▂▂▃▄▄▅▅▆▇▇█ | "
                             "`leak_request_state` |\n"), "%s", r->out);
}

Test(trend, flame_collapsed_and_proto_show_the_growth_from_the_first_snapshot_to_the_last)
{
    /* Folded stacks: base is snapshot 1, current snapshot 12; their sums
     * are the two files' line sums (testdata/README.md, "trend"). */
    struct hd_test_run *r = hd_test_heapdiff("--trend", "--collapsed", "bin/trend",
                                             "profiles/tc-trend.0*.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    double base = 0, current = 0;
    for (const char *line = r->out; *line;) {
        const char *end = strchr(line, '\n');
        const char *last = end;
        while (last > line && last[-1] != ' ')
            last--;
        const char *before = last - 1;
        while (before > line && before[-1] != ' ')
            before--;
        base += strtod(before, NULL);
        current += strtod(last, NULL);
        line = end + 1;
    }
    cr_expect_eq(base, 550699008.0);
    cr_expect_eq(current, 922484736.0);
    r = hd_test_heapdiff("--trend", "--flame", "bin/trend", "profiles/tc-trend.0*.heap", NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "cache_insert"), "no cache_insert frame");
}
