/* Comparing two builds (core/builds.h, README "Comparing two builds"):
 * the base from one build of a program, the current from another.
 *
 * testdata/src/twobuilds.c, built as bin/twobuilds-1 and bin/twobuilds-2,
 * ran from one path; its snapshot 2 holds (testdata/README.md):
 *   build 1: steady_cache 16 x 1024 B, leak_buffers 16 x 4096 B
 *            = 32 objects, 81920 B;
 *   build 2: steady_cache 16 x 1024 B, leak_buffers 32 x 4096 B,
 *            stamp 2 x 256 B = 50 objects, 147968 B.
 * So from build 1 to build 2: leak_buffers +65536 B (+16 objects), stamp
 * +512 B (+2, new), steady_cache 0, total +66048 B.  Build 2's stamp()
 * comes before leak_buffers() in the text, so every return address of
 * leak_buffers and run_tick moved; its source lines did not (the #if
 * keeps them), so --lines matches too. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builds.h"
#include "core.h"
#include "parse.h"
#include "run_heapdiff.h"

#define BASE "profiles/tc-twobuilds-1.0002.heap"
#define CURRENT "profiles/tc-twobuilds-2.0002.heap"
#define HEADER_LINE                                                                          \
    "Base and current are different builds of twobuilds (build-ids 990f24f5.. and "         \
    "cdf5d9f6..): stacks "

static struct hd_test_run run;

static void heapdiff(const char *const *argv)
{
    hd_test_run_free(&run);
    hd_test_run_heapdiff(argv, &run);
    cr_assert_eq(run.status, 0, "exit %d: %s", run.status, run.err);
}

static void has(const char *text, const char *part)
{
    cr_assert(strstr(text, part), "'%s' lacks '%s'", text, part);
}

static void fini(void)
{
    hd_test_run_free(&run);
}

TestSuite(builds, .fini = fini);

Test(builds, base_binary_gives_exact_per_function_deltas)
{
    heapdiff((const char *[]){"--unit=b", "--wrappers", "xalloc", "--base-binary",
                              "bin/twobuilds-1", "--base", BASE, "bin/twobuilds-2", CURRENT,
                              NULL});
    has(run.out, "Total: 66048 B  (current minus base; percentages are of this delta)\n");
    has(run.out, HEADER_LINE "matched by function\n");
    has(run.out, "   65536  99.2%  99.2%    65536  99.2% leak_buffers\n");
    has(run.out, "     512   0.8% 100.0%      512   0.8% stamp (new)\n");
    has(run.out, "       0   0.0% 100.0%    66048 100.0% run_tick\n");
    /* steady_cache is the same on both sides: no row, no "gone" */
    cr_assert_not(strstr(run.out, "steady_cache"), "%s", run.out);
    cr_assert_not(strstr(run.out, "gone"), "%s", run.out);
    cr_assert_eq(run.err[0], '\0', "%s", run.err);
}

Test(builds, objects_at_lines_match_by_function_and_line)
{
    heapdiff((const char *[]){"--unit=b", "--lines", "--inuse-objects", "--wrappers", "xalloc",
                              "--base-binary", "bin/twobuilds-1", "--base", BASE,
                              "bin/twobuilds-2", CURRENT, NULL});
    has(run.out, "Total: 18 objects");
    has(run.out, HEADER_LINE "matched by function and line\n");
    has(run.out, "      16  88.9%  88.9%       16  88.9% leak_buffers src/twobuilds.c:86\n");
    has(run.out, "       2  11.1% 100.0%        2  11.1% stamp src/twobuilds.c:77 (new)\n");
    has(run.out, "       0   0.0% 100.0%       16  88.9% run_tick src/twobuilds.c:98\n");
}

Test(builds, allocator_and_wrapper_frames_are_cut_on_both_sides)
{
    /* Without --wrappers xalloc, xalloc is the leaf on both sides (the
     * base's frames of tcmalloc's malloc are cut): one row, all of it. */
    heapdiff((const char *[]){"--unit=b", "--base-binary", "bin/twobuilds-1", "--base", BASE,
                              "bin/twobuilds-2", CURRENT, NULL});
    has(run.out, "   66048 100.0% 100.0%    66048 100.0% xalloc\n");
    cr_assert_not(strstr(run.out, "malloc"), "%s", run.out);
}

Test(builds, addresses_are_not_matched_across_builds)
{
    heapdiff((const char *[]){"--unit=b", "--addresses", "--nodecount=0", "--wrappers",
                              "xalloc", "--base-binary", "bin/twobuilds-1", "--base", BASE,
                              "bin/twobuilds-2", CURRENT, NULL});
    has(run.out, HEADER_LINE "not matched (addresses differ)\n");
    /* leak_buffers' call of xalloc: 0x13ef in build 1, 0x142f in build 2 */
    has(run.out, "  131072  88.6%  88.6%   131072  88.6% twobuilds+0x142f leak_buffers "
                 "src/twobuilds.c:86 (new)\n");
    has(run.out, "  -65536 -44.3%  44.6%   -65536 -44.3% twobuilds+0x13ef leak_buffers "
                 "src/twobuilds.c:86 (gone)\n");
}

Test(builds, the_same_build_as_base_binary_is_a_plain_diff)
{
    heapdiff((const char *[]){"--unit=b", "--wrappers", "xalloc", "--base-binary",
                              "bin/twobuilds-2", "--base", "profiles/tc-twobuilds-2.0001.heap",
                              "bin/twobuilds-2", CURRENT, NULL});
    /* tick 2 of build 2: 16 x 4096 B and 1 x 256 B */
    has(run.out, "Total: 65792 B");
    has(run.out, "   65536  99.6%  99.6%    65536  99.6% leak_buffers\n");
    cr_assert_not(strstr(run.out, "different builds"), "%s", run.out);
}

Test(builds, without_base_binary_the_other_build_is_warned_about)
{
    /* Both profiles name one path, gone since, and record no build-id:
     * only the base's return addresses tell, 3 of its 7 in twobuilds
     * being no call sites in build 2.  The numbers are wrong, and said
     * to be. */
    heapdiff((const char *[]){"--unit=b", "--wrappers", "xalloc", "--base", BASE,
                              "bin/twobuilds-2", CURRENT, NULL});
    has(run.err, "heapdiff: warning: the base " BASE " is probably of another build of "
                 "twobuilds than bin/twobuilds-2: 3 of its 7 return addresses in twobuilds "
                 "follow no call there, so its frames would be named wrongly and matched with "
                 "the current's by file offset: give the base's program with --base-binary "
                 "FILE\n");
    has(run.out, "Caution: the base is probably of another build of twobuilds (give "
                 "--base-binary)\n");
}

Test(builds, a_run_of_one_build_is_not_warned_about)
{
    heapdiff((const char *[]){"--base", "profiles/tc-run1.0001.heap", "bin/leaky",
                              "profiles/tc-run2.0004.heap", NULL});
    cr_assert_not(strstr(run.err, "another build"), "%s", run.err);
    cr_assert_not(strstr(run.out, "Caution"), "%s", run.out);
}

Test(builds, base_binary_usage_errors_exit_2)
{
    hd_test_run_free(&run);
    hd_test_run_heapdiff((const char *[]){"--base-binary", "bin/twobuilds-1",
                                          "bin/twobuilds-2", CURRENT, NULL},
                         &run);
    cr_assert_eq(run.status, 2);
    cr_assert_str_eq(run.err,
                     "heapdiff: --base-binary names the base's build: it needs --base FILE\n");
    hd_test_run_free(&run);
    hd_test_run_heapdiff((const char *[]){"--base-binary", BASE, "--base", BASE, CURRENT,
                                          NULL},
                         &run);
    cr_assert_eq(run.status, 2);
    cr_assert_str_eq(run.err, "heapdiff: --base-binary " BASE ": not an ELF program\n");
}

/* ---- the stages (core/builds.h) ---- */

static void enter_testdata(void)
{
    const char *testdata = getenv("HD_TESTDATA");
    cr_assert(testdata && chdir(testdata) == 0, "cannot enter HD_TESTDATA");
    hd_warning_reset();
}

TestSuite(build_stages, .init = enter_testdata, .fini = hd_warning_reset);

Test(build_stages, builds_without_build_ids_are_compared_by_their_bytes)
{
    struct hd_build a = {.file = "bin/twobuilds-1"}, b = {.file = "bin/twobuilds-2"};
    cr_assert_eq(hd_builds_compare(&a, &b), HD_BUILDS_DIFFERENT);
    struct hd_build copy = {.file = "../testdata/bin/twobuilds-1"};
    cr_assert_eq(hd_builds_compare(&a, &copy), HD_BUILDS_SAME);
    struct hd_build missing = {.file = "bin/no-such-build"}, unknown = {.file = ""};
    cr_assert_eq(hd_builds_compare(&a, &missing), HD_BUILDS_UNKNOWN);
    cr_assert_eq(hd_builds_compare(&a, &unknown), HD_BUILDS_UNKNOWN);
    /* A build-id on both sides decides, whatever the files. */
    struct hd_build x = {.file = "bin/twobuilds-1", .build_id = "ab"},
                    y = {.file = "bin/twobuilds-2", .build_id = "ab"};
    cr_assert_eq(hd_builds_compare(&x, &y), HD_BUILDS_SAME);
}

Test(build_stages, return_addresses_are_call_sites_in_their_own_build_only)
{
    struct hd_error err;
    struct hd_model *m = hd_parse_file(BASE, NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    const char *main_identity = m->mappings[hd_model_main_mapping(m)].identity;
    size_t checked, after_call;
    /* 7 return addresses in twobuilds: the calls of malloc (in xalloc),
     * of xalloc (steady_cache, leak_buffers), of those two (run_tick), of
     * run_tick (main) and of __libc_start_main (_start). */
    cr_assert(hd_builds_count_call_sites("bin/twobuilds-1", m, main_identity, &checked,
                                         &after_call));
    cr_assert_eq(checked, 7);
    cr_assert_eq(after_call, 7);
    /* Build 2 moved leak_buffers and run_tick: 3 of them follow no call. */
    cr_assert(hd_builds_count_call_sites("bin/twobuilds-2", m, main_identity, &checked,
                                         &after_call));
    cr_assert_eq(checked, 7);
    cr_assert_eq(after_call, 4);
    cr_assert_not(hd_builds_count_call_sites(BASE, m, main_identity, &checked, &after_call));
    hd_model_free(m);
}

/* Read, symbolize and match the two builds' snapshot 2 at GRANULARITY;
 * returns the number of whole-process samples before and after the
 * match. */
static void samples_matched(enum hd_granularity granularity, size_t *before, size_t *after)
{
    struct hd_request r;
    hd_request_init(&r);
    const char *currents[] = {CURRENT}, *bases[] = {BASE};
    r.binary = "bin/twobuilds-2";
    r.currents = currents;
    r.n_currents = 1;
    r.bases = bases;
    r.n_bases = 1;
    r.base_binary = "bin/twobuilds-1";
    struct hd_error err;
    struct hd_symbolizer *sym = hd_core_symbolizer(&r), *base_sym;
    struct hd_model *m = hd_core_read_builds(&r, sym, &base_sym, &err);
    cr_assert_not_null(m, "%s", err.message);
    cr_assert_not_null(base_sym);
    hd_core_symbolize_builds(sym, base_sym, m, NULL);
    *before = m->samples.n;
    hd_builds_match_stacks(m, granularity);
    *after = m->samples.n;
    struct hd_sides total = hd_model_total(m, HD_VALUE_INUSE_SPACE);
    cr_assert_float_eq(total.current, 147968.0, 0.5);
    cr_assert_float_eq(total.base, 81920.0, 0.5);
    hd_model_free(m);
    hd_sym_free(base_sym);
    hd_sym_free(sym);
}

Test(build_stages, stacks_of_equal_frames_become_one)
{
    /* Base: steady_cache's and leak_buffers' stacks; current: those and
     * stamp's.  By function they meet: 3 stacks, totals kept. */
    size_t before, after;
    samples_matched(HD_GRANULARITY_FUNCTIONS, &before, &after);
    cr_assert_eq(before, 5);
    cr_assert_eq(after, 3);
    samples_matched(HD_GRANULARITY_LINES, &before, &after);
    cr_assert_eq(after, 3);
    samples_matched(HD_GRANULARITY_ADDRESSES, &before, &after);
    cr_assert_eq(after, 5);
}
