/* The --collapsed report (render/folded.c): folded stacks whose values
 * sum to the text report's totals.  Numbers come from testdata/README.md:
 * leaky's tick 4 holds 2715136 in-use bytes (recurse 2097152 on two
 * stacks that differ only in an address, lib_alloc 196608, inlined_alloc
 * 192000, linear_leak 163840, cache_fill 65536); tick 1 holds 727936. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"
#include "run_heapdiff.h"

#define BASE "profiles/tc-run1.0001.heap"
#define CURRENT "profiles/tc-run1.0004.heap"
#define ROOT "_start;__libc_start_main_impl;__libc_start_call_main;main;run_tick;"

/* ---- apportioning ---- */

Test(folded_apportion, rounds_half_away_from_zero_when_the_sum_agrees)
{
    double values[] = {2.5, 1.4, 3.1};
    int64_t out[3];
    hd_folded_apportion(values, 3, 7, out);
    cr_expect_eq(out[0], 3); /* 2.5 -> 3, not banker's 2 */
    cr_expect_eq(out[1], 1);
    cr_expect_eq(out[2], 3);
}

Test(folded_apportion, gives_the_residue_to_the_largest_remainders)
{
    /* Three thirds of 1: each rounds to 0, the total is 1; the first of
     * the equal remainders takes the unit. */
    double thirds[] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    int64_t out[3];
    hd_folded_apportion(thirds, 3, 1, out);
    cr_expect(out[0] == 1 && out[1] == 0 && out[2] == 0);
    /* 0.6 + 0.6 + 0.6 = 1.8, truncated to 1 as the text report prints it:
     * rounding gives 3, so two units go from the last of equal residues. */
    double over[] = {0.6, 0.6, 0.6};
    hd_folded_apportion(over, 3, 1, out);
    cr_expect(out[0] == 1 && out[1] == 0 && out[2] == 0, "%" PRId64 " %" PRId64 " %" PRId64,
              out[0], out[1], out[2]);
    /* 10.45 + 20.45 + 0.1 = 31.0: rounding gives 30 (10 + 20 + 0), the
     * unit goes to the 0.45s before the 0.1, the first of them. */
    double mixed[] = {10.45, 20.45, 0.1};
    hd_folded_apportion(mixed, 3, 31, out);
    cr_expect(out[0] == 11 && out[1] == 20 && out[2] == 0);
}

/* ---- names ---- */

static char *frame_text(const char *name, bool leaf)
{
    static char buf[256];
    FILE *out = fmemopen(buf, sizeof buf, "w");
    cr_assert(out);
    hd_folded_print_frame(out, name, leaf);
    fclose(out);
    return buf;
}

Test(folded_names, separators_and_control_characters_are_replaced)
{
    /* ';' would split the frame; a newline would end the line. */
    cr_expect_str_eq(frame_text("a;b\nc\td", false), "a:b?c?d");
    /* Blanks stay: C++ names hold them, and the parsers split the value
     * off at the last blank. */
    cr_expect_str_eq(frame_text("f(unsigned long, int)", true), "f(unsigned long, int)");
}

Test(folded_names, a_number_ending_the_leaf_is_not_read_as_a_value)
{
    cr_expect_str_eq(frame_text("worker 42", true), "worker_42");
    cr_expect_str_eq(frame_text("worker 42", false), "worker 42"); /* ';' follows */
    cr_expect_str_eq(frame_text("run src/a.c:42", true), "run src/a.c:42");
}

/* ---- the report ---- */

/* The sums of the last two blank-separated columns of OUT's lines (the
 * second is 0 with one column), and the line count. */
static size_t sum_columns(const char *out, int64_t *first, int64_t *last)
{
    size_t lines = 0;
    *first = *last = 0;
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        cr_assert(end, "unterminated line in %s", out);
        const char *blank = end;
        while (blank > line && blank[-1] != ' ')
            blank--;
        *last += strtoll(blank, NULL, 10);
        const char *blank2 = blank - 1;
        while (blank2 > line && blank2[-1] != ' ')
            blank2--;
        *first += strtoll(blank2, NULL, 10);
        lines++;
        line = end + 1;
    }
    return lines;
}

/* The number after PREFIX in OUT, as the text report prints a total. */
static int64_t total_after(const char *out, const char *prefix)
{
    const char *at = strstr(out, prefix);
    cr_assert(at, "no '%s' in %s", prefix, out);
    return strtoll(at + strlen(prefix), NULL, 10);
}

Test(folded_cli, one_profile_merges_the_two_recurse_stacks_and_marks_inlined_frames)
{
    struct hd_test_run *r = hd_test_heapdiff("--collapsed", "bin/leaky", CURRENT, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, ROOT "cache_fill 65536\n" ROOT "from_lib;lib_alloc 196608\n" ROOT
                             "linear_leak 163840\n" ROOT "recurse;recurse;recurse 2097152\n" ROOT
                             "small_objects;inlined_alloc [inline] 192000\n");
}

Test(folded_cli, diff_writes_base_and_current_as_difffolded)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--collapsed", "--base", BASE, "bin/leaky", CURRENT, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, ROOT "cache_fill 65536 65536\n" ROOT
                             "from_lib;lib_alloc 49152 196608\n" ROOT
                             "linear_leak 40960 163840\n" ROOT
                             "recurse;recurse;recurse 524288 2097152\n" ROOT
                             "small_objects;inlined_alloc [inline] 48000 192000\n");
}

/* A sampled jemalloc diff: the unsampled estimates are fractional, and
 * the columns still sum to the text report's Base and Current lines. */
static void expect_sums_equal_totals(const char *value, const char *granularity,
                                     const char *base, const char *current)
{
    struct hd_test_run *r = hd_test_heapdiff("--collapsed", value, granularity, "--base", base,
                                             "bin/leaky", current, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    int64_t base_sum, current_sum;
    size_t lines = sum_columns(r->out, &base_sum, &current_sum);
    cr_expect_gt(lines, 4);
    char *folded = strdup(r->out);
    r = hd_test_heapdiff("--unit=B", value, "--base", base, "bin/leaky", current, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_eq(base_sum, total_after(r->out, "Base: "), "%s\n%s", folded, r->out);
    cr_expect_eq(current_sum, total_after(r->out, "Current: "), "%s\n%s", folded, r->out);
    free(folded);
}

Test(folded_cli, sampled_diff_columns_sum_to_the_text_totals)
{
    expect_sums_equal_totals("--inuse_space", "--functions", "profiles/je-sampled.1.heap",
                             "profiles/je-sampled.4.heap");
    expect_sums_equal_totals("--inuse_objects", "--functions", "profiles/je-sampled.1.heap",
                             "profiles/je-sampled.4.heap");
    expect_sums_equal_totals("--alloc_space", "--lines", "profiles/je-sampled-accum.1.heap",
                             "profiles/je-sampled-accum.4.heap");
    expect_sums_equal_totals("--alloc_objects", "--addresses", "profiles/je-sampled-accum.2.heap",
                             "profiles/je-sampled-accum.3.heap");
}

Test(folded_cli, one_sampled_profile_sums_to_the_total)
{
    /* je-sampled.4: 2804968 B estimated, as the text report prints it. */
    struct hd_test_run *r =
        hd_test_heapdiff("--collapsed", "bin/leaky", "profiles/je-sampled.4.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    int64_t unused, sum;
    sum_columns(r->out, &unused, &sum);
    cr_expect_eq(sum, 2804968);
}

Test(folded_cli, lines_name_each_frame_with_its_line)
{
    struct hd_test_run *r = hd_test_heapdiff("--collapsed", "--lines", "bin/leaky", CURRENT,
                                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    /* leaky.c: linear_leak's malloc is on line 94, called from line 161. */
    cr_expect(strstr(r->out, "main src/leaky.c:218;run_tick src/leaky.c:161;"
                             "linear_leak src/leaky.c:94 163840\n"),
              "%s", r->out);
    int64_t unused, sum;
    sum_columns(r->out, &unused, &sum);
    cr_expect_eq(sum, 2715136);
}

Test(folded_cli, focus_keeps_the_shown_stacks_only)
{
    struct hd_test_run *r = hd_test_heapdiff("--collapsed", "--focus=linear_leak", "bin/leaky",
                                             CURRENT, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, ROOT "linear_leak 163840\n");
}

/* Whether TEXT[0..*END) ends in a blank and a number, as flamegraph.pl's
 * /^(.*)\s+?(\d+(?:\.\d*)?)$/ reads a value; if so *END drops it. */
static bool take_value(const char *text, size_t *end)
{
    size_t i = *end;
    while (i > 0 && (isdigit((unsigned char)text[i - 1]) || text[i - 1] == '.'))
        i--;
    if (i == *end || i == 0 || !isspace((unsigned char)text[i - 1]) ||
        !isdigit((unsigned char)text[i]))
        return false;
    while (i > 0 && isspace((unsigned char)text[i - 1]))
        i--;
    *end = i;
    return true;
}

/* Every line of OUT as flamegraph.pl and inferno read it: COLUMNS values
 * (2: difffolded's), no more, and frames that are not empty. */
static void expect_folded_lines(const char *out, int columns)
{
    size_t lines = 0;
    for (const char *line = out; *line; lines++) {
        const char *newline = strchr(line, '\n');
        cr_assert(newline);
        size_t end = (size_t)(newline - line);
        for (int c = 0; c < columns; c++)
            cr_expect(take_value(line, &end), "value %d missing: %.*s", c,
                      (int)(newline - line), line);
        cr_expect(!take_value(line, &end), "a stack read as a value: %.*s",
                  (int)(newline - line), line);
        for (size_t i = 0; i < end; i++) {
            bool edge = i == 0 || i + 1 == end;
            cr_expect(!(line[i] == ';' && (edge || line[i + 1] == ';')) &&
                          (unsigned char)line[i] >= 0x20,
                      "bad frame in %.*s", (int)end, line);
        }
        line = newline + 1;
    }
    cr_expect_gt(lines, 3);
}

Test(folded_cli, every_line_reads_as_flamegraph_pl_reads_it)
{
    /* leaky_cpp: C++ names, inlined frames, libstdc++ without symbols. */
    struct hd_test_run *r = hd_test_heapdiff("--collapsed", "--lines", "--base",
                                             "profiles/je-cpp-accum.1.heap", "bin/leaky_cpp",
                                             "profiles/je-cpp-accum.4.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_folded_lines(r->out, 2);
    r = hd_test_heapdiff("--collapsed", "--addresses", "bin/leaky_cpp",
                         "profiles/je-cpp-accum.4.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_folded_lines(r->out, 1);
}
