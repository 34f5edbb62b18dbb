/* The CI gates (analyze/gates.c, suppress.c), the SIZE parser they take
 * their thresholds from (cmd/options.c), and the --markdown summary.
 * Numbers come from testdata/README.md: from tick 1 to tick 4, leaky's
 * in-use bytes grow by 1987200 (recurse 1572864, lib_alloc 147456,
 * inlined_alloc 144000, linear_leak 122880; cache_fill 0) and its in-use
 * objects by 3045 (inlined_alloc 3000). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "gates.h"
#include "markdown.h"
#include "options.h"
#include "run_heapdiff.h"
#include "suppress.h"

/* ---- SIZE ---- */

static size_t size_of(const char *text)
{
    size_t bytes = 12345;
    cr_assert(hd_option_parse_size(text, &bytes), "'%s' was refused", text);
    return bytes;
}

static void expect_refused(const char *text)
{
    size_t bytes = 12345;
    cr_expect_not(hd_option_parse_size(text, &bytes), "'%s' was taken as %zu", text, bytes);
    cr_expect_eq(bytes, 12345, "'%s' changed the result on failure", text);
}

Test(size, suffixes_are_powers_of_1024_in_any_spelling_and_case)
{
    cr_expect_eq(size_of("0"), 0);
    cr_expect_eq(size_of("1000"), 1000);
    cr_expect_eq(size_of("7B"), 7);
    cr_expect_eq(size_of("1K"), 1024);
    cr_expect_eq(size_of("1KB"), 1024);
    cr_expect_eq(size_of("1KiB"), 1024);
    cr_expect_eq(size_of("3kib"), 3072);
    cr_expect_eq(size_of("1M"), 1048576);
    cr_expect_eq(size_of("2MiB"), 2097152);
    cr_expect_eq(size_of("1mb"), 1048576);
    cr_expect_eq(size_of("1G"), 1073741824);
    cr_expect_eq(size_of("1GiB"), 1073741824);
    cr_expect_eq(size_of("4GB"), (size_t)4 << 30);
}

Test(size, overflow_is_refused_at_the_exact_limit)
{
    cr_expect_eq(size_of("18446744073709551615"), SIZE_MAX);
    expect_refused("18446744073709551616");
    expect_refused("99999999999999999999999");
    /* 2^34 G = 2^64 bytes; one less fits. */
    expect_refused("17179869184G");
    cr_expect_eq(size_of("17179869183G"), (size_t)17179869183 << 30);
    expect_refused("17592186044416M");
    expect_refused("18014398509481984K");
}

Test(size, garbage_is_refused)
{
    const char *bad[] = {"", "K", "-1", "+1", " 1", "1 ", "1 K", "1.5M", "1e3", "0x10",
                         "1KK", "1T", "1Ki", "1MIBS", "1k2", "M1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_refused(bad[i]);
}

/* ---- suppressions files ---- */

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-gates-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

/* Write SIZE bytes of TEXT to DIR/NAME; its path into PATH. */
static const char *write_file(const char *name, const char *text, size_t size, char *path,
                              size_t path_size)
{
    snprintf(path, path_size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, size, f), size);
    fclose(f);
    return path;
}

static const char *write_text(const char *name, const char *text, char *path, size_t size)
{
    return write_file(name, text, strlen(text), path, size);
}

Test(suppress, comments_blank_lines_and_blanks_around_patterns_are_skipped,
     .init = make_dir, .fini = remove_dir)
{
    char path[128];
    write_text("s.supp",
               "# known growth\n"
               "\n"
               "   ^recurse$  \r\n"
               "\t# indented comment\n"
               "Cache::(put|get) # not a comment: part of the pattern\n"
               "lib_alloc",
               path, sizeof path);
    struct hd_suppressions *s;
    struct hd_error err;
    cr_assert_eq(hd_suppressions_load(path, &s, &err), 0, "%s", err.message);
    cr_expect_eq(hd_suppressions_count(s), 3);
    cr_expect(hd_suppressed(s, "recurse"));
    cr_expect_not(hd_suppressed(s, "recurse2"), "^...$ anchors");
    cr_expect(hd_suppressed(s, "my_lib_alloc_fn"), "unanchored: matched anywhere");
    cr_expect(hd_suppressed(s, "Cache::put # not a comment: part of the pattern"));
    cr_expect_not(hd_suppressed(s, "Cache::put"));
    cr_expect_not(hd_suppressed(s, "known growth"));
    cr_expect_not(hd_suppressed(NULL, "recurse"));
    hd_suppressions_free(s);
}

Test(suppress, a_bad_pattern_is_named_by_file_and_line, .init = make_dir, .fini = remove_dir)
{
    char path[128], text[1200];
    write_text("bad.supp", "# header\n^recurse$\n\nfoo(\nbar\n", path, sizeof path);
    struct hd_suppressions *s = (void *)1;
    struct hd_error err;
    cr_assert_eq(hd_suppressions_load(path, &s, &err), -1);
    cr_expect_null(s);
    char expected[512];
    snprintf(expected, sizeof expected,
             "%s:4: --suppress: bad regular expression 'foo(': missing closing parenthesis at "
             "offset 4",
             path);
    cr_expect_str_eq(hd_error_format(&err, text, sizeof text), expected);
}

Test(suppress, hostile_files_are_refused_without_a_crash, .init = make_dir, .fini = remove_dir)
{
    char path[128], text[1200];
    struct hd_suppressions *s;
    struct hd_error err;

    write_file("nul.supp", "a\nb\0c\n", 6, path, sizeof path);
    cr_expect_eq(hd_suppressions_load(path, &s, &err), -1);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.message, "NUL byte"), "%s", err.message);

    size_t big = HD_SUPPRESS_MAX_BYTES + 1;
    char *huge = malloc(big);
    cr_assert_not_null(huge);
    memset(huge, '#', big);
    write_file("huge.supp", huge, big, path, sizeof path);
    cr_expect_eq(hd_suppressions_load(path, &s, &err), -1);
    cr_expect_str_eq(err.message, "more than 1048576 bytes, too large for a suppressions file");
    /* Exactly the limit is fine: one comment line. */
    write_file("limit.supp", huge, big - 1, path, sizeof path);
    cr_expect_eq(hd_suppressions_load(path, &s, &err), 0, "%s", err.message);
    cr_expect_eq(hd_suppressions_count(s), 0);
    hd_suppressions_free(s);

    /* 10001 one-character patterns: "a\n" times 10001. */
    size_t n = 2 * (HD_SUPPRESS_MAX_PATTERNS + 1);
    for (size_t i = 0; i < n; i += 2)
        memcpy(huge + i, "a\n", 2);
    write_file("many.supp", huge, n, path, sizeof path);
    cr_expect_eq(hd_suppressions_load(path, &s, &err), -1);
    cr_expect_eq(err.line, HD_SUPPRESS_MAX_PATTERNS + 1);
    cr_expect_str_eq(err.message, "more than 10000 patterns in a suppressions file");
    free(huge);

    cr_expect_eq(hd_suppressions_load(dir, &s, &err), -1);
    snprintf(path, sizeof path, "%s: not a regular file (--suppress)", dir);
    cr_expect_str_eq(hd_error_format(&err, text, sizeof text), path);
    snprintf(path, sizeof path, "%s/missing.supp", dir);
    cr_expect_eq(hd_suppressions_load(path, &s, &err), -1);
    cr_expect_str_eq(err.message, "cannot open: No such file or directory (--suppress)");

    /* A name that is not UTF-8 is never suppressed, and does not crash. */
    write_text("any.supp", ".\n", path, sizeof path);
    cr_assert_eq(hd_suppressions_load(path, &s, &err), 0);
    cr_expect_not(hd_suppressed(s, "\xff\xfe"));
    cr_expect(hd_suppressed(s, "x"));
    hd_suppressions_free(s);
}

/* ---- the gates on rows ---- */

/* hd_gates_check() of GATES on ROWS; what it said into SAID. */
static size_t check(const struct hd_gates *gates, const struct hd_suppressions *s, double total,
                    const struct hd_gate_row *rows, size_t n, enum hd_value_type value,
                    char *said, size_t size)
{
    char *text = NULL;
    size_t length = 0;
    FILE *say = open_memstream(&text, &length);
    cr_assert_not_null(say);
    size_t tripped = hd_gates_check(gates, s, total, rows, n, value, say);
    fclose(say);
    snprintf(said, size, "%s", text);
    free(text);
    return tripped;
}

/* leaky's tick 1 -> 4 diff, by function (README). */
static const struct hd_gate_row leaky_rows[] = {
    {"recurse", 1572864, false},     {"lib_alloc", 147456, false},
    {"inlined_alloc", 144000, false}, {"linear_leak", 122880, false},
    {"cache_fill", 0, false},        {"main", 0, false},
};
#define LEAKY_TOTAL 1987200.0

Test(gates, no_rule_on_trips_nothing)
{
    struct hd_gates g;
    hd_gates_init(&g);
    cr_expect_not(hd_gates_any(&g));
    char said[2048];
    cr_expect_eq(check(&g, NULL, LEAKY_TOTAL, leaky_rows, 6, HD_VALUE_INUSE_SPACE, said,
                       sizeof said),
                 0);
    cr_expect_str_eq(said, "");
}

Test(gates, thresholds_trip_only_when_strictly_exceeded)
{
    struct hd_gates g;
    hd_gates_init(&g);
    char said[2048];
    g.fail_if_growth = LEAKY_TOTAL;
    cr_expect_eq(check(&g, NULL, LEAKY_TOTAL, leaky_rows, 6, HD_VALUE_INUSE_SPACE, said,
                       sizeof said),
                 0);
    g.fail_if_growth = LEAKY_TOTAL - 1;
    g.fail_if_node_growth = 144000;
    cr_expect_eq(check(&g, NULL, LEAKY_TOTAL, leaky_rows, 6, HD_VALUE_INUSE_SPACE, said,
                       sizeof said),
                 2);
    cr_expect_str_eq(said,
                     "heapdiff: gate tripped: --fail-if-growth 1987199 B: the total grew by "
                     "1987200 B; the rows that grew most:\n"
                     "      +1572864 B  recurse\n"
                     "       +147456 B  lib_alloc\n"
                     "       +144000 B  inlined_alloc\n"
                     "       +122880 B  linear_leak\n"
                     "heapdiff: gate tripped: --fail-if-node-growth 144000 B: 2 rows grew by "
                     "more:\n"
                     "      +1572864 B  recurse\n"
                     "       +147456 B  lib_alloc\n");
}

Test(gates, suppressed_rows_never_trip_and_leave_the_total, .init = make_dir,
     .fini = remove_dir)
{
    char path[128], said[2048];
    write_text("s.supp", "^recurse$\n^lib_alloc$\n", path, sizeof path);
    struct hd_suppressions *s;
    struct hd_error err;
    cr_assert_eq(hd_suppressions_load(path, &s, &err), 0);
    struct hd_gates g;
    hd_gates_init(&g);
    /* 1987200 - 1572864 - 147456 = 266880 */
    g.fail_if_growth = 266880;
    g.fail_if_node_growth = 144000;
    cr_expect_eq(check(&g, s, LEAKY_TOTAL, leaky_rows, 6, HD_VALUE_INUSE_SPACE, said,
                       sizeof said),
                 0, "%s", said);
    g.fail_if_growth = 266879;
    g.fail_if_node_growth = 143999;
    cr_expect_eq(check(&g, s, LEAKY_TOTAL, leaky_rows, 6, HD_VALUE_INUSE_SPACE, said,
                       sizeof said),
                 2);
    cr_expect_str_eq(said,
                     "heapdiff: gate tripped: --fail-if-growth 266879 B: the total grew by "
                     "266880 B (1720320 B of 2 suppressed rows left out); the rows that grew "
                     "most:\n"
                     "       +144000 B  inlined_alloc\n"
                     "       +122880 B  linear_leak\n"
                     "heapdiff: gate tripped: --fail-if-node-growth 143999 B: 1 row grew by "
                     "more:\n"
                     "       +144000 B  inlined_alloc\n");
    hd_suppressions_free(s);
}

Test(gates, leaks_trip_above_min_leak_with_its_default_per_unit)
{
    const struct hd_gate_row rows[] = {
        {"slow_leak", 1048576, true}, {"big_leak", 1048577, true},
        {"cache", 5000000, false},     {"few_objects", 1025, true},
    };
    struct hd_gates g;
    hd_gates_init(&g);
    g.fail_if_leak = true;
    cr_expect_eq(hd_gates_min_leak(&g, HD_VALUE_INUSE_SPACE), 1048576);
    cr_expect_eq(hd_gates_min_leak(&g, HD_VALUE_INUSE_OBJECTS), 1024);
    char said[2048];
    cr_expect_eq(check(&g, NULL, 0, rows, 4, HD_VALUE_INUSE_SPACE, said, sizeof said), 1);
    cr_expect_str_eq(said,
                     "heapdiff: gate tripped: --fail-if-leak (--min-leak 1048576 B): 1 row is "
                     "leaking, each grew by more:\n"
                     "      +1048577 B  big_leak\n");
    cr_expect_eq(check(&g, NULL, 0, rows, 4, HD_VALUE_INUSE_OBJECTS, said, sizeof said), 1);
    cr_expect(strstr(said, "3 rows are leaking"), "%s", said);
    g.min_leak = 0;
    cr_expect_eq(check(&g, NULL, 0, rows, 4, HD_VALUE_INUSE_SPACE, said, sizeof said), 1);
    cr_expect(strstr(said, "(--min-leak 0 B): 3 rows are leaking"), "%s", said);
}

Test(gates, a_tripped_rule_names_five_rows_and_counts_the_rest)
{
    struct hd_gate_row rows[8];
    char names[8][8];
    for (size_t i = 0; i < 8; i++) {
        snprintf(names[i], sizeof names[i], "f%zu", i);
        rows[i] = (struct hd_gate_row){names[i], (double)(i + 1), false};
    }
    struct hd_gates g;
    hd_gates_init(&g);
    g.fail_if_node_growth = 0;
    char said[2048];
    cr_expect_eq(check(&g, NULL, 36, rows, 8, HD_VALUE_INUSE_OBJECTS, said, sizeof said), 1);
    cr_expect_str_eq(said,
                     "heapdiff: gate tripped: --fail-if-node-growth 0 objects: 8 rows grew by "
                     "more:\n"
                     "            +8 objects  f7\n"
                     "            +7 objects  f6\n"
                     "            +6 objects  f5\n"
                     "            +5 objects  f4\n"
                     "            +4 objects  f3\n"
                     "  ... and 3 more\n");
}

/* ---- the command line ---- */

#define BASE "profiles/tc-run1.0001.heap"
#define CURRENT "profiles/tc-run1.0004.heap"

Test(gates_cli, growth_over_the_threshold_exits_1_and_names_rule_and_rows)
{
    struct hd_test_run *r = hd_test_heapdiff("--fail-if-growth", "1M", "--base", BASE, "bin/leaky",
                             CURRENT,
                             NULL);
    cr_expect_eq(r->status, 1, "status %d: %s", r->status, r->err);
    cr_expect_str_eq(r->err,
                     "heapdiff: gate tripped: --fail-if-growth 1048576 B: the total grew by "
                     "1987200 B; the rows that grew most:\n"
                     "      +1572864 B  recurse\n"
                     "       +147456 B  lib_alloc\n"
                     "       +144000 B  inlined_alloc\n"
                     "       +122880 B  linear_leak\n");
    /* The report is written all the same. */
    cr_expect(strstr(r->out, "Total: 1940.62 KiB  (current minus base"), "%s", r->out);

    r = hd_test_heapdiff("--fail-if-growth=2MiB", "--base", BASE, "bin/leaky", CURRENT, NULL);
    cr_expect_eq(r->status, 0, "status %d: %s", r->status, r->err);
    cr_expect_str_eq(r->err, "");
    r = hd_test_heapdiff("--fail-if-growth=1987200", "--base", BASE, "bin/leaky", CURRENT, NULL);
    cr_expect_eq(r->status, 0, "not strictly above: %s", r->err);
    r = hd_test_heapdiff("--fail-if-growth=1987199", "--base", BASE, "bin/leaky", CURRENT, NULL);
    cr_expect_eq(r->status, 1);
}

Test(gates_cli, jemalloc_diff_trips_alike)
{
    /* The libstdc++ pool (81920 B) is in both and cancels. */
    struct hd_test_run *r = hd_test_heapdiff("--fail-if-growth", "1M", "--base",
                             "profiles/je-unsampled-run1.1.heap",
                             "bin/leaky", "profiles/je-unsampled-run1.4.heap", NULL);
    cr_expect_eq(r->status, 1);
    cr_expect(strstr(r->err, "the total grew by 1987200 B"), "%s", r->err);
}

Test(gates_cli, node_growth_uses_flat_and_suppressing_the_top_rows_passes, .init = make_dir,
     .fini = remove_dir)
{
    /* cum would trip on main (1987200); flat trips only where memory is
     * held. */
    struct hd_test_run *r = hd_test_heapdiff("--fail-if-node-growth=144000", "--base", BASE,
                             "bin/leaky",
                             CURRENT, NULL);
    cr_expect_eq(r->status, 1);
    cr_expect_str_eq(r->err,
                     "heapdiff: gate tripped: --fail-if-node-growth 144000 B: 2 rows grew by "
                     "more:\n"
                     "      +1572864 B  recurse\n"
                     "       +147456 B  lib_alloc\n");
    char path[128];
    write_text("ci.supp", "# accepted: the recursion's buffers\n^recurse$\nlib_alloc\n", path,
               sizeof path);
    r = hd_test_heapdiff("--suppress", path, "--fail-if-node-growth=144000", "--base", BASE,
                 "bin/leaky", CURRENT, NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->err, "");
    /* The report still shows them. */
    cr_expect(strstr(r->out, "recurse"), "%s", r->out);

    /* Object counts: inlined_alloc holds 3000 more objects. */
    r = hd_test_heapdiff("--inuse-objects", "--fail-if-node-growth=2K", "--base", BASE, "bin/leaky",
                 CURRENT, NULL);
    cr_expect_eq(r->status, 1);
    cr_expect_str_eq(r->err,
                     "heapdiff: gate tripped: --fail-if-node-growth 2048 objects: 1 row grew "
                     "by more:\n"
                     "         +3000 objects  inlined_alloc\n");
    r = hd_test_heapdiff("--inuse-objects", "--fail-if-node-growth=3000", "--base", BASE,
                             "bin/leaky",
                 CURRENT, NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
}

Test(gates_cli, usage_errors_exit_2, .init = make_dir, .fini = remove_dir)
{
    static const struct {
        const char *args[8];
        const char *message;
    } cases[] = {
        {{"--fail-if-leak", "--base", BASE, CURRENT},
         "heapdiff: --fail-if-leak needs --trend: telling a leak from a cache takes a series of "
         "snapshots, not two\n"},
        {{"--min-leak=1M", "--fail-if-growth=0", "--base", BASE, CURRENT},
         "heapdiff: --min-leak needs --fail-if-leak\n"},
        {{"--fail-if-growth=1M", CURRENT},
         "heapdiff: --fail-if-growth and --fail-if-node-growth need --base or --trend: growth is "
         "current minus base, or last minus first\n"},
        {{"--suppress=x.supp", "--base", BASE, CURRENT},
         "heapdiff: --suppress needs a gate: --fail-if-growth, --fail-if-node-growth or "
         "--fail-if-leak\n"},
        {{"--fail-if-growth=1.5M", "--base", BASE, CURRENT},
         "heapdiff: option '--fail-if-growth=1.5M' needs a size (K, M and G suffixes allowed) "
         "from 0 to 18446744073709551615, not '1.5M' (K, KB, KiB: 1024)\n"},
        {{"--fail-if-node-growth", "-1", "--base", BASE, CURRENT},
         "heapdiff: option '--fail-if-node-growth' needs a size (K, M and G suffixes allowed) "
         "from 0 to 18446744073709551615, not '-1' (K, KB, KiB: 1024)\n"},
        {{"--fail-if-growth=1M", "--fail-if-growth=2M", "--base", BASE, CURRENT},
         "heapdiff: '--fail-if-growth=2M' is given twice ('1M' and '2M'): choose one\n"},
        {{"--suppress=missing.supp", "--fail-if-growth=0", "--base", BASE, CURRENT},
         "heapdiff: missing.supp: cannot open: No such file or directory (--suppress)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *const *a = cases[i].args;
        struct hd_test_run *r = hd_test_heapdiff(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                                 NULL);
        cr_expect_eq(r->status, 2, "case %zu: status %d", i, r->status);
        cr_expect_str_eq(r->err, cases[i].message, "case %zu", i);
        cr_expect_str_eq(r->out, "", "case %zu", i);
    }
    char path[128], expected[512];
    write_text("bad.supp", "# ok\n^recurse$\nfoo(\n", path, sizeof path);
    struct hd_test_run *r = hd_test_heapdiff("--suppress", path, "--fail-if-growth=0", "--base",
                             BASE,
                             "bin/leaky", CURRENT, NULL);
    cr_expect_eq(r->status, 2);
    snprintf(expected, sizeof expected,
             "heapdiff: %s:3: --suppress: bad regular expression 'foo(': missing closing "
             "parenthesis at offset 4\n",
             path);
    cr_expect_str_eq(r->err, expected);
    cr_expect_str_eq(r->out, "");
}

/* ---- the core: a tripped gate is the run's outcome ---- */

Test(gates_core, a_tripped_gate_is_the_outcome_once_the_report_is_written)
{
    cr_assert_eq(chdir(getenv("HD_TESTDATA")), 0);
    static const char *const base[] = {BASE}, *const current[] = {CURRENT};
    struct hd_request r;
    hd_request_init(&r);
    cr_expect_not(hd_gates_any(&r.gates), "every gate is off by default");
    r.binary = "bin/leaky";
    r.currents = current;
    r.n_currents = 1;
    r.bases = base;
    r.n_bases = 1;
    char path[] = "/tmp/hd-gates-core-XXXXXX";
    close(mkstemp(path));
    r.output = path;
    struct hd_error err;
    /* recurse grew by 1572864 B, the most of any function. */
    r.gates.fail_if_node_growth = 1572863;
    cr_expect_eq(hd_core_run(&r, &err), HD_OUTCOME_GATE_TRIPPED);
    struct stat st;
    cr_expect(stat(path, &st) == 0 && st.st_size > 100, "the report was not written");
    r.gates.fail_if_node_growth = 1572864;
    cr_expect_eq(hd_core_run(&r, &err), HD_OUTCOME_OK, "%s", err.message);
    unlink(path);
}

/* ---- --markdown ---- */

Test(markdown_cli, diff_summary_has_totals_and_the_changed_rows)
{
    struct hd_test_run *r = hd_test_heapdiff("--markdown", "--base", BASE, "bin/leaky", CURRENT,
                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out,
                     "### heapdiff: inuse_space grew by 1940.62 KiB\n"
                     "\n"
                     "|  | inuse_space | profile |\n"
                     "|:---|---:|:---|\n"
                     "| base | 710.88 KiB | `profiles/tc-run1.0001.heap` |\n"
                     "| current | 2651.50 KiB | `profiles/tc-run1.0004.heap` |\n"
                     "| **delta** | **+1940.62 KiB** | current minus base |\n"
                     "\n"
                     "| delta | base | current | change | name |\n"
                     "|---:|---:|---:|---:|:---|\n"
                     "| +1536.00 | 512.00 | 2048.00 | +300.0% | `recurse` |\n"
                     "| +144.00 | 48.00 | 192.00 | +300.0% | `lib_alloc` |\n"
                     "| +140.62 | 46.88 | 187.50 | +300.0% | `inlined_alloc (inline)` |\n"
                     "| +120.00 | 40.00 | 160.00 | +300.0% | `linear_leak` |\n"
                     "\n"
                     "Values in KiB.\n");
}

Test(markdown_cli, exact_bytes_top_rows_and_notes)
{
    struct hd_test_run *r = hd_test_heapdiff("--markdown", "--show-bytes", "--top=2", "--base",
                             BASE,
                             "bin/leaky", CURRENT, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "| **delta** | **+1987200 B** | current minus base |\n"), "%s",
              r->out);
    cr_expect(strstr(r->out,
                     "Top 2 rows by |flat|; 2 more left out.\n"
                     "\n"
                     "| delta | base | current | change | name |\n"
                     "|---:|---:|---:|---:|:---|\n"
                     "| +1572864 | 524288 | 2097152 | +300.0% | `recurse` |\n"
                     "| +147456 | 49152 | 196608 | +300.0% | `lib_alloc` |\n"
                     "\n"
                     "Values in B.\n"),
              "%s", r->out);
    /* Swapped inputs: a note, and the shrinkage. */
    r = hd_test_heapdiff("--markdown", "--inuse-objects", "--nodecount=0", "--base", CURRENT,
                 "bin/leaky", BASE, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "### heapdiff: inuse_objects shrank by 3045 objects\n"), "%s",
              r->out);
    cr_expect(strstr(r->out,
                     "> Caution: the base is dump 4, the current dump 1 of one run: swap "
                     "them?\n"),
              "%s", r->out);
    cr_expect(strstr(r->out, "| -3000 | 4000 | 1000 | -75.0% | `inlined_alloc (inline)` |\n"),
              "%s", r->out);
}

Test(markdown_cli, one_profile_has_flat_and_cum_columns)
{
    struct hd_test_run *r = hd_test_heapdiff("--markdown", "--show-bytes", "bin/leaky", CURRENT,
                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    /* 2715136 B in use after tick 4; recurse holds 8 x 262144. */
    cr_expect(strstr(r->out, "### heapdiff: inuse_space 2715136 B\n"), "%s", r->out);
    cr_expect(strstr(r->out, "| total | 2715136 B | `profiles/tc-run1.0004.heap` |\n"), "%s",
              r->out);
    cr_expect(strstr(r->out, "| flat | flat% | cum | cum% | name |\n"
                             "|---:|---:|---:|---:|:---|\n"
                             "| 2097152 | 77.2% | 2097152 | 77.2% | `recurse` |\n"),
              "%s", r->out);
}

Test(markdown, names_are_code_spans_safe_in_a_table)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    cr_assert_not_null(out);
    hd_markdown_code(out, "operator|");
    fputc('\n', out);
    hd_markdown_code(out, "a`b");
    fputc('\n', out);
    hd_markdown_code(out, "`x\n");
    fputc('\n', out);
    hd_markdown_text(out, "a*b_c [d] <e>");
    fclose(out);
    cr_expect_str_eq(text, "`operator\\|`\n``a`b``\n`` `x? ``\na\\*b_c \\[d\\] \\<e\\>");
    free(text);
}
