/* Parser tests: every header variant, the unsampling math (worked examples
 * from FORMATS.md §2.3-2.4), the maps section, and every bad input. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "collect_warnings.h"
#include "parse.h"
#include "model.h"

/* ---- helpers ---- */

TestSuite(parser, .init = setup, .fini = teardown);

/* A maps section covering the addresses used below: 0x1000.. is the
 * program, 0x7f0000001000.. a shared library. */
#define MAPS                                                                            \
    "\nMAPPED_LIBRARIES:\n"                                                             \
    "00001000-00003000 r-xp 00001000 00:00 1234       /srv/app\n"                       \
    "7f0000001000-7f0000002000 r-xp 00001000 08:01 99 /usr/lib/libleak.so\n"

static struct hd_model *parse_text(const char *text)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("test.heap", text, strlen(text), &err);
    cr_assert_not_null(p, "parse failed: %s:%ld: %s", err.file, err.line, err.message);
    return p;
}

/* Parse TEXT expecting failure at LINE with MESSAGE inside the message. */
static void expect_error(const char *text, long line, const char *message)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("bad.heap", text, strlen(text), &err);
    cr_assert_null(p, "bad input was accepted");
    cr_expect_eq(err.line, line, "error at line %ld, want %ld (%s)", err.line, line,
                 err.message);
    cr_expect(strstr(err.message, message), "message '%s' lacks '%s'", err.message, message);
}

static const char *fixture(const char *relative)
{
    static char path[4096];
    const char *root = getenv("HD_TESTDATA");
    snprintf(path, sizeof path, "%s/%s", root ? root : "testdata", relative);
    return path;
}

/* ---- gperftools headers and unsampling (FORMATS.md §2) ---- */

Test(parser, heapprofile_values_are_exact)
{
    struct hd_model *p = parse_text(
        "heap profile:   3:  1000 [   5:  2000] @ heapprofile\n"
        "     2:      600 [     3:     1200] @ 0x00001100 0x00001200\n"
        "     1:      400 [     2:      800] @ 0x00001300\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_NONE);
    cr_assert_str_eq(p->inputs[0].type, "heapprofile");
    cr_assert_eq(p->inputs[0].producer, HD_PRODUCER_GPERFTOOLS);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_objects, 3, 1e-9);
    cr_assert_float_eq(t.inuse_bytes, 1000, 1e-9);
    cr_assert_float_eq(t.alloc_objects, 5, 1e-9);
    cr_assert_float_eq(t.alloc_bytes, 2000, 1e-9);
    cr_assert(p->inputs[0].has_alloc_values);
    hd_model_free(p);
}

Test(parser, heap_v2_applies_poisson_scaling_to_each_pair)
{
    /* FORMATS.md §2.3: 2: 524288 [4: 1048576] at heap_v2/524288 -> avg
     * 262144, scale 2.5414940825 -> 5.082988 / 1332474.85 (pprof-pl). */
    struct hd_model *p = parse_text(
        "heap profile: 2: 524288 [4: 1048576] @ heap_v2/524288\n"
        "2: 524288 [4: 1048576] @ 0x1100 0x1200\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_V2);
    cr_assert_float_eq(p->inputs[0].sample_period, 524288, 0);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_objects, 5.082988, 1e-5);
    cr_assert_float_eq(t.inuse_bytes, 1332474.85, 0.01);
    cr_assert_float_eq(t.alloc_objects, 2 * 5.082988, 1e-5);
    cr_assert_float_eq(t.alloc_bytes, 2 * 1332474.85, 0.02);
    hd_model_free(p);
}

Test(parser, heap_v2_small_objects_scale_up_a_lot)
{
    /* FORMATS.md §2.3: 10: 480 at R = 524288 -> scale 10923.1667 ->
     * 109231.67 objects / 5243120.0 bytes. */
    struct hd_model *p = parse_text("heap profile: 10: 480 [10: 480] @ heap_v2/524288\n"
                                      "10: 480 [10: 480] @ 0x1100\n" MAPS);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_objects, 109231.67, 0.01);
    cr_assert_float_eq(t.inuse_bytes, 5243120.0, 0.5);
    hd_model_free(p);
}

Test(parser, heap_with_rate_uses_v1_with_half_the_rate)
{
    /* FORMATS.md §2.3: heap/1048576 -> R' = 524288, ratio 0.5 < 1 ->
     * 4 / 1048576 (perl's rule, heapdiff's choice). */
    struct hd_model *p = parse_text("heap profile: 2: 524288 [4: 1048576] @ heap/1048576\n"
                                      "2: 524288 [4: 1048576] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_V1);
    cr_assert_float_eq(p->inputs[0].sample_period, 524288, 0);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_objects, 4, 1e-9);
    cr_assert_float_eq(t.inuse_bytes, 1048576, 1e-6);
    /* The allocated pair has the same average, so the same ratio. */
    cr_assert_float_eq(t.alloc_objects, 8, 1e-9);
    cr_assert_float_eq(t.alloc_bytes, 2097152, 1e-6);
    hd_model_free(p);
}

Test(parser, heap_without_rate_uses_v1_with_128k)
{
    /* avg 262144 >= 131072: ratio 2, values unchanged (FORMATS.md §2.3);
     * 10: 480 -> ratio 48/131072 -> 27306.67 objects, 1310720 bytes. */
    struct hd_model *p = parse_text("heap profile: 12: 524768 [14: 1049056] @ heap\n"
                                      "2: 524288 [4: 1048576] @ 0x1100\n"
                                      "10: 480 [10: 480] @ 0x1200\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_V1);
    cr_assert_float_eq(p->inputs[0].sample_period, 131072, 0);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_objects, 2 + 10 * 131072.0 / 48, 1e-6);
    cr_assert_float_eq(t.inuse_bytes, 524288 + 1310720, 1e-6);
    hd_model_free(p);
}

Test(parser, heap_v2_without_rate_assumes_128k_and_warns)
{
    struct hd_model *p = parse_text("heap profile: 10: 480 [10: 480] @ heap_v2\n"
                                      "10: 480 [10: 480] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_V2);
    cr_assert_float_eq(p->inputs[0].sample_period, 131072, 0);
    cr_assert(strstr(warnings, "names no sampling rate"), "warnings: %s", warnings);
    /* scale = 1/(1-exp(-48/131072)) */
    double scale = 1.0 / (1.0 - exp(-48.0 / 131072.0));
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 480 * scale, 1e-3);
    hd_model_free(p);
}

Test(parser, no_type_with_equal_pairs_is_v1_sampled)
{
    struct hd_model *p = parse_text("heap profile: 10: 480 [10: 480]\n"
                                      "10: 480 [10: 480] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_V1);
    cr_assert_str_eq(p->inputs[0].type, "");
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 1310720, 1e-6);
    hd_model_free(p);
}

Test(parser, no_type_with_different_pairs_is_exact)
{
    struct hd_model *p = parse_text("heap profile: 10: 480 [20: 960]\n"
                                      "10: 480 [20: 960] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_NONE);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 480, 0);
    hd_model_free(p);
}

Test(parser, growth_profiles_are_unscaled_in_use_growth)
{
    struct hd_model *p = parse_text("heap profile: 3: 300 [3: 300] @ growth\n"
                                      "3: 300 [3: 300] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_NONE);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_bytes, 300, 0);
    cr_assert_float_eq(t.alloc_bytes, 0, 0);
    cr_assert_not(p->inputs[0].has_alloc_values);
    hd_model_free(p);
}

Test(parser, heapprofile_with_trailing_space_is_still_heapprofile)
{
    /* Go pprof ignores the space; perl makes it v1 (FORMATS.md §2.1). */
    struct hd_model *p = parse_text("heap profile: 10: 480 [10: 480] @ heapprofile \n"
                                      "10: 480 [10: 480] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_NONE);
    hd_model_free(p);
}

Test(parser, unknown_type_is_refused)
{
    expect_error("heap profile: 1: 1 [1: 1] @ fragmentation\n1: 1 [1: 1] @ 0x1100\n" MAPS, 1,
                 "unknown heap profile type 'fragmentation'");
}

Test(parser, zero_rate_means_unsampled_with_a_warning)
{
    struct hd_model *p = parse_text("heap profile: 10: 480 [10: 480] @ heap_v2/0\n"
                                      "10: 480 [10: 480] @ 0x1100\n" MAPS);
    cr_assert_eq(p->inputs[0].sampling, HD_SAMPLING_NONE);
    cr_assert(strstr(warnings, "sampling rate 0"));
    hd_model_free(p);
}

Test(parser, padding_and_tabs_are_accepted)
{
    struct hd_model *p = parse_text("heap profile:\t1:\t10 [ 1 :10 ] @ heapprofile\n"
                                      "\t1:\t10\t[\t1:\t10\t]\t@\t0x1100\t0x1200\t\n" MAPS);
    cr_assert_eq(p->samples.n, 1);
    cr_assert_eq(p->stacks[0].depth, 2);
    hd_model_free(p);
}

Test(parser, identical_stacks_merge_into_one_sample)
{
    struct hd_model *p = parse_text("heap profile: 3: 30 [3: 30] @ heapprofile\n"
                                      "1: 10 [1: 10] @ 0x1100 0x1200\n"
                                      "2: 20 [2: 20] @ 0x1100 0x1200\n"
                                      "0: 0 [0: 0] @ 0x1200\n" MAPS);
    cr_assert_eq(p->n_stacks, 2);
    cr_assert_eq(p->samples.n, 2);
    cr_assert_eq(p->n_locations, 2);
    cr_assert_float_eq(p->samples.columns[0][0].inuse_bytes, 30, 0);
    hd_model_free(p);
}

Test(parser, negative_in_use_counts_are_kept_with_one_warning)
{
    /* gperftools#953: producers have written -1 counts; heapdiff keeps the
     * numbers and says so once. */
    struct hd_model *p = parse_text("heap profile: 0: 0 [2: 20] @ heapprofile\n"
                                      "-1: -10 [1: 10] @ 0x1100\n"
                                      "-1: -10 [1: 10] @ 0x1200\n"
                                      "0: 100 [1: 100] @ 0x1300\n" MAPS);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 80, 0);
    cr_assert(strstr(warnings, "test.heap:2: negative in-use count"), "%s", warnings);
    cr_assert_null(strstr(warnings, "test.heap:3:"), "warned twice: %s", warnings);
    cr_assert(strstr(warnings, "test.heap:4: 100 in-use bytes but 0 in-use objects"), "%s",
              warnings);
    hd_model_free(p);
}

Test(parser, percent_warn_lines_are_reported_and_skipped)
{
    struct hd_model *p = parse_text("%warn profile may be incomplete\n"
                                      "%other line\n"
                                      "heap profile: 1: 10 [1: 10] @ heapprofile\n"
                                      "1: 10 [1: 10] @ 0x1100\n" MAPS);
    cr_assert(strstr(warnings, "the profiler said:  profile may be incomplete"), "%s",
              warnings);
    cr_assert_eq(p->samples.n, 1);
    hd_model_free(p);
}

Test(parser, crlf_line_ends_read_like_lf)
{
    struct hd_model *p = parse_text("heap profile: 1: 10 [1: 10] @ heapprofile\r\n"
                                      "1: 10 [1: 10] @ 0x1100\r\n\r\nMAPPED_LIBRARIES:\r\n"
                                      "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\r\n");
    cr_assert_eq(p->n_mappings, 1);
    cr_assert_str_eq(p->mappings[0].path, "/srv/app");
    cr_assert_eq(p->locations[0].offset, 0x1100);
    hd_model_free(p);
}

Test(parser, header_only_profile_is_empty_not_an_error)
{
    struct hd_model *p = parse_text("heap profile: 0: 0 [0: 0] @ heapprofile\n" MAPS);
    cr_assert_eq(p->samples.n, 0);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 0, 0);
    hd_model_free(p);
}

/* ---- jemalloc (FORMATS.md §1.2, §1.3, §2.4) ---- */

static const char threaded[] =
    "heap_v2/4096\n"
    "  t*: 288: 469034 [0: 0]\n"
    "  t0: 288: 469034 [0: 0]\n"
    "@ 0x7f0000001100 0x1100 0x1200\n"
    "  t*: 46: 457424 [0: 0]\n"
    "  t0: 40: 397760 [0: 0]\n"
    "  t3: 6: 59664 [0: 0] worker\n"
    "@ 0x7f0000001100 0x1300\n"
    "  t*: 242: 11610 [0: 0]\n"
    "  t0: 242: 11610 [0: 0]\n" MAPS;

Test(parser, jemalloc_unsamples_prebiased_counts_once)
{
    /* FORMATS.md §2.4: t*: 46: 457424 (50 live 10000-byte objects,
     * R = 4096) -> 50.45 objects, 501691.5 bytes; t*: 242: 11610
     * (20000 x 48 B) -> 20782.6 objects, 997048 bytes. */
    struct hd_model *p = parse_text(threaded);
    cr_assert_eq(p->inputs[0].format, HD_FORMAT_THREADED);
    cr_assert_eq(p->inputs[0].producer, HD_PRODUCER_JEMALLOC);
    cr_assert_eq(p->samples.n, 2);
    cr_assert_float_eq(p->samples.columns[0][0].inuse_objects, 50.45, 0.01);
    cr_assert_float_eq(p->samples.columns[0][0].inuse_bytes, 501691.5, 0.5);
    cr_assert_float_eq(p->samples.columns[0][1].inuse_objects, 20782.6, 0.1);
    cr_assert_float_eq(p->samples.columns[0][1].inuse_bytes, 997048, 1);
    cr_assert_not(p->inputs[0].has_alloc_values);
    hd_model_free(p);
}

Test(parser, jemalloc_thread_lines_are_kept_apart_from_totals)
{
    struct hd_model *p = parse_text(threaded);
    cr_assert_eq(p->thread_samples.n, 3);
    cr_assert_eq(p->thread_samples.keys[0].thread, 0);
    cr_assert_eq(p->thread_samples.keys[1].thread, 3);
    cr_assert_eq(p->thread_samples.keys[1].stack, p->samples.keys[0].stack);
    /* 6: 59664, avg 9944 as the total line: the same scale 1.0967757. */
    cr_assert_float_eq(p->thread_samples.columns[0][1].inuse_bytes, 59664 * 1.0967757, 1);
    hd_model_free(p);
}

Test(parser, jemalloc_accumulated_pair_is_read)
{
    struct hd_model *p = parse_text("heap_v2/1\n  t*: 1: 4096 [3: 12288]\n"
                                      "@ 0x1100\n  t*: 1: 4096 [3: 12288]\n" MAPS);
    cr_assert(p->inputs[0].has_alloc_values);
    /* R = 1: scale 1/(1 - exp(-4096)) = 1 exactly in doubles. */
    cr_assert_float_eq(p->samples.columns[0][0].alloc_bytes, 12288, 1e-9);
    cr_assert_float_eq(p->samples.columns[0][0].alloc_objects, 3, 1e-9);
    hd_model_free(p);
}

Test(parser, jemalloc_3_legacy_text_is_recognized_by_its_library)
{
    struct hd_model *p = parse_text(
        "heap profile: 30: 1966080 [0: 0] @ heap_v2/4096\n"
        "30: 1966080 [0: 0] @ 0x7f0000001100 0x1100\n"
        "\nMAPPED_LIBRARIES:\n"
        "00001000-00003000 r-xp 00001000 fe:00 1 /srv/app\n"
        "7f0000001000-7f0000002000 r-xp 00001000 fe:00 2 /usr/lib/libjemalloc.so.1\n");
    cr_assert_eq(p->inputs[0].producer, HD_PRODUCER_JEMALLOC_3);
    cr_assert_eq(p->inputs[0].format, HD_FORMAT_LEGACY);
    /* avg 65536, R 4096: scale 1/(1 - exp(-16)). */
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 1966080 / (1 - exp(-16.0)), 1e-3);
    hd_model_free(p);
}

Test(parser, jemalloc_stack_without_totals_line_is_refused)
{
    expect_error("heap_v2/4096\n  t*: 1: 10 [0: 0]\n@ 0x1100\n  t0: 1: 10 [0: 0]\n"
                 "@ 0x1200\n  t*: 1: 10 [0: 0]\n" MAPS,
                 3, "stack has no 't*:' line");
}

Test(parser, jemalloc_second_totals_line_is_refused)
{
    expect_error("heap_v2/4096\n@ 0x1100\n  t*: 1: 10 [0: 0]\n  t*: 1: 10 [0: 0]\n" MAPS, 4,
                 "second 't*:' line");
}

Test(parser, jemalloc_header_needs_a_positive_rate)
{
    expect_error("heap_v2/0\n" MAPS, 1, "positive sampling rate");
    expect_error("heap_v2\n" MAPS, 1, "positive sampling rate");
}

/* ---- maps section (FORMATS.md §1.4) ---- */

Test(parser, addresses_are_normalized_to_file_offsets)
{
    struct hd_model *p = parse_text("heap profile: 1: 10 [1: 10] @ heapprofile\n"
                                      "1: 10 [1: 10] @ 0x7f0000001129 0x1100 0x9999\n" MAPS);
    const struct hd_location *lib = &p->locations[0], *app = &p->locations[1],
                             *none = &p->locations[2];
    cr_assert_str_eq(p->mappings[lib->mapping].path, "/usr/lib/libleak.so");
    cr_assert_eq(lib->offset, 0x1129); /* 0x7f0000001129 - start + 0x1000 */
    cr_assert_eq(lib->address, 0x7f0000001129);
    cr_assert_eq(app->offset, 0x1100);
    cr_assert_eq(none->mapping, HD_NO_MAPPING);
    cr_assert_eq(none->offset, 0x9999);
    hd_model_free(p);
}

Test(parser, maps_forms_deleted_spaces_cooked_and_definitions)
{
    struct hd_model *p = parse_text(
        "heap profile: 1: 10 [1: 10] @ heapprofile\n"
        "1: 10 [1: 10] @ 0x1100\n"
        "--- Memory map: ---\n"
        "build=/home/me/build\n"
        "00001000-00003000 r-xp 00001000 00:00 1 $build/app\n"
        "00004000-00005000 rw-p 00000000 00:00 0\n"
        "0x00006000-0x00007000 r-xp 0x00000000 00:00 1 /tmp/lib plugin.so (deleted)\n"
        "40000000-40015000: /lib/ld-2.3.2.so\n"
        "50000000-50001000 /opt/brief.so\n"
        "\n");
    cr_assert_eq(p->n_mappings, 5);
    cr_assert_str_eq(p->mappings[0].path, "/home/me/build/app");
    cr_assert_str_eq(p->mappings[1].path, "");
    cr_assert_not(p->mappings[1].executable);
    cr_assert_str_eq(p->mappings[2].path, "/tmp/lib plugin.so");
    cr_assert(p->mappings[2].deleted);
    cr_assert_str_eq(p->mappings[3].path, "/lib/ld-2.3.2.so");
    cr_assert_eq(p->mappings[3].offset, 0);
    cr_assert_str_eq(p->mappings[4].path, "/opt/brief.so");
    cr_assert_eq(hd_model_main_mapping(p), 0);
    hd_model_free(p);
}

Test(parser, unparsable_maps_line_names_its_line)
{
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x1100\n"
                 "\nMAPPED_LIBRARIES:\n00001000-00003000 r-xp 00001000 00:00 1 /a\n"
                 "this is not a mapping\n",
                 6, "cannot parse maps line");
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x1100\n"
                 "\nMAPPED_LIBRARIES:\n00003000-00001000 r-xp 00001000 00:00 1 /a\n",
                 5, "mapping ends before it starts");
}

/* ---- model arithmetic ---- */

Test(parser, a_million_frames_intern_to_few_stacks)
{
    /* 20000 lines over 100 distinct stacks of depth 50. */
    size_t size = 20000 * 600 + 4096, used = 0;
    char *text = malloc(size);
    used += (size_t)sprintf(text, "heap profile: 0: 0 [0: 0] @ heapprofile\n");
    for (int i = 0; i < 20000; i++) {
        used += (size_t)sprintf(text + used, "1: 8 [1: 8] @");
        for (int d = 0; d < 50; d++)
            used += (size_t)sprintf(text + used, " 0x%x", 0x1000 + (i % 100) * 64 + d);
        text[used++] = '\n';
    }
    used += (size_t)sprintf(text + used, "%s", MAPS);
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("big.heap", text, used, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert_eq(p->n_stacks, 100);
    cr_assert_eq(p->samples.n, 100);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 160000, 0);
    hd_model_free(p);
    free(text);
}

/* ---- bad input: one clear message with file and line ---- */

Test(parser, empty_file_is_refused)
{
    expect_error("", 0, "empty file");
}

Test(parser, text_that_is_no_profile_is_refused)
{
    expect_error("hello world\n", 1, "not a heap profile");
    expect_error("%warn only a warning\n", 1, "no heap profile header");
}

Test(parser, elf_file_is_named_by_its_type)
{
    /* e_type at offset 16 (the System V gABI): 1 object, 2 executable,
     * 4 core; ELFCLASS64, little-endian. */
    static const char elf[18] = "\177ELF\2\1\1";
    char data[18];
    static const struct {
        char type;
        const char *message;
    } cases[] = {
        {1, "this is an ELF object file, not a heap profile: give the linked program first"},
        {2, "this is an ELF executable, not a heap profile: give it first, as BINARY"},
        {4, "this is an ELF core file, not a heap profile: heapdiff reads heap profiles "
            "(gperftools, jemalloc, pprof's profile.proto)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memcpy(data, elf, sizeof data);
        data[16] = cases[i].type;
        struct hd_error err;
        cr_assert_null(hd_parse_buffer("f", data, sizeof data, &err));
        cr_expect_eq(err.line, 0);
        cr_expect(strstr(err.message, cases[i].message), "'%s' lacks '%s'", err.message,
                  cases[i].message);
    }
}

Test(parser, pie_executable_and_shared_library_are_told_apart)
{
    /* ET_DYN both; the executable has a PT_INTERP program header. */
    struct hd_error err;
    cr_assert_null(hd_parse_file(fixture("bin/leaky"), NULL, &err));
    cr_expect_str_eq(err.message, "this is an ELF executable (PIE), not a heap profile: give "
                                  "it first, as BINARY, then the profiles");
    cr_assert_null(hd_parse_file(fixture("bin/libleak.so"), NULL, &err));
    cr_expect_str_eq(err.message, "this is an ELF shared library, not a heap profile: "
                                  "heapdiff finds libraries through the profile's maps "
                                  "section; give the program first, as BINARY");
}

Test(parser, profile_proto_is_recognized_by_its_first_fields)
{
    /* A Profile message: sample_type {type 1, unit 2} (field 1), then
     * string_table "" (field 6) and period 1 (field 12): read as one,
     * whose sample type names strings the table lacks. */
    static const char proto[] = "\x0a\x04\x08\x01\x10\x02\x32\x00\x60\x01";
    struct hd_error err;
    cr_assert_null(hd_parse_buffer("p.pb", proto, sizeof proto - 1, &err));
    cr_expect_str_eq(err.message, "sample type: string index 1 is outside the string table "
                                  "(1 strings)");
    /* The same bytes with a wire type that field 12 cannot have: not one. */
    static const char broken[] = "\x0a\x04\x08\x01\x10\x02\x32\x00\x62\x01";
    cr_assert_null(hd_parse_buffer("p.pb", broken, sizeof broken - 1, &err));
    cr_expect_str_eq(err.message, "binary data, not a heap profile");
}

Test(parser, garbage_line_among_samples_is_refused)
{
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x1100\n"
                 "what is this\n" MAPS,
                 3, "expected the in-use objects count");
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] 0x1100\n" MAPS, 2,
                 "expected '@'");
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x1100 zz\n" MAPS,
                 2, "not a hex number");
}

Test(parser, overflowing_numbers_are_refused)
{
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n"
                 "1: 9223372036854775808 [1: 10] @ 0x1100\n" MAPS,
                 2, "in-use bytes count does not fit in 64 bits");
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n"
                 "1: 10 [1: 10] @ 0x11112222333344445\n" MAPS,
                 2, "address does not fit in 64 bits");
}

Test(parser, negative_allocated_count_is_refused)
{
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [-1: 10] @ 0x1100\n" MAPS,
                 2, "negative allocated objects count -1");
}

Test(parser, record_without_addresses_is_one_unknown_stack)
{
    /* gperftools writes "N: B [N: B] @" and no address when its dump
     * buffer runs out right after the counts, or for a stack it could not
     * unwind.  The counts are kept (Go pprof keeps them, perl drops them),
     * on a one-frame stack at address 0, with one warning. */
    struct hd_model *p = parse_text("heap profile: 3: 30 [3: 30] @ heapprofile\n"
                                    "1: 10 [1: 10] @\n"
                                    "1: 10 [1: 10] @ 0x1100\n"
                                    "1: 10 [1: 10] @\n" MAPS);
    cr_assert_eq(p->samples.n, 2);
    const struct hd_stack *unknown = &p->stacks[p->samples.keys[0].stack];
    cr_assert_eq(unknown->depth, 1);
    cr_assert_eq(p->locations[unknown->locations[0]].address, 0);
    cr_assert_eq(p->locations[unknown->locations[0]].mapping, HD_NO_MAPPING);
    cr_assert_float_eq(p->samples.columns[0][0].inuse_bytes, 20, 0);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 30, 0);
    cr_assert_str_eq(warnings,
                     "test.heap:2: no stack addresses after '@' (1: 10 [1: 10]): the producer "
                     "wrote no stack for these counts (its dump buffer ran out there, or it "
                     "could not unwind); they are kept as one unknown stack, the row 0x0, as "
                     "are any later such records\n");
    hd_model_free(p);

    warnings[0] = '\0';
    p = parse_text("heap_v2/1\n  t*: 1: 10 [0: 0]\n@\n  t*: 1: 10 [0: 0]\n" MAPS);
    cr_assert_eq(p->samples.n, 1);
    cr_assert_eq(p->stacks[p->samples.keys[0].stack].depth, 1);
    cr_assert(strstr(warnings, "test.heap:3: no stack addresses after '@': "), "%s", warnings);
    hd_model_free(p);
}

Test(parser, fixture_without_addresses_keeps_the_header_total)
{
    /* bad/stack-no-addresses.heap: TC with its first record's stack
     * removed.  Go pprof's total is TC's, 1390336 B (perl drops the line:
     * 866048 B, testdata/expected/peer-totals.txt). */
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture("bad/stack-no-addresses.heap"), NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 1390336, 0);
    cr_assert_not(p->inputs[0].records_short);
    cr_assert(strstr(warnings, "stack-no-addresses.heap:2: no stack addresses after '@' (2: "
                               "524288 [2: 524288])"), "%s", warnings);
    hd_model_free(p);
}

Test(parser, truncated_files_are_refused)
{
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x11", 2,
                 "truncated: the last line is cut off");
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x1100\n", 2,
                 "truncated: the file ends before its maps section");
    expect_error("heap profile: 1: 10 [1: 10] @ heapprofile\n1: 10 [1: 10] @ 0x1100\n"
                 "\nMAPPED_LIBRARIES:\n00001000-00003000 r-xp 000",
                 5, "truncated");
}

/* jemalloc's v2 correction 1 / (1 - exp(-size/rate)) is 1/0 when the rate
 * dwarfs the size: at heap_v2/2^63-1 one 1-byte object unsamples to inf,
 * which used to print "Total: inf B" and exit 0 (issue 10). */
Test(parser, counts_that_unsample_to_infinity_are_refused)
{
    expect_error("heap_v2/9223372036854775807\n  t*: 1: 1 [0: 0]\n@ 0x1100\n"
                 "  t*: 1: 1 [0: 0]\n" MAPS,
                 4, "are not finite numbers");
    expect_error("heap profile: 1: 1 [1: 1] @ heap_v2/9223372036854775807\n"
                 "1: 1 [1: 1] @ 0x1100\n" MAPS,
                 2, "are not finite numbers");
}

/* README, "Truncated files": a header that counts samples the file does not
 * contain is a cut file, maps section or not.  An all-zero header with no
 * stacks is an empty profile (a process that freed everything). */
Test(parser, header_promising_samples_without_stack_lines_is_refused)
{
    expect_error("heap profile: 2094: 1390336 [2194: 7943936] @ heapprofile\n" MAPS, 1,
                 "header promises 2094: 1390336 [2194: 7943936] but the file has no "
                 "stack lines");
    expect_error("heap_v2/524288\n  t*: 5: 80 [0: 0]\n  t0: 5: 80 [0: 0]\n" MAPS, 2,
                 "header promises 5: 80 [0: 0] but the file has no stack lines");
    struct hd_error err;
    static const char empty[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n" MAPS;
    struct hd_model *p = hd_parse_buffer("empty.heap", empty, strlen(empty), &err);
    cr_assert_not_null(p, "%s", err.message);
    hd_model_free(p);
}

/* README, "Limits": past a limit the parser stops with a message naming
 * it, instead of growing until the kernel kills the process.  The limits
 * are lowered here so that small texts reach them. */
static void expect_limit(const struct hd_parse_limits *limits, const char *text, long line,
                         const char *message)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_text("big.heap", text, strlen(text), limits, &err);
    cr_assert_null(p, "over the limit, yet accepted");
    cr_expect_eq(err.line, line, "error at line %ld, want %ld (%s)", err.line, line,
                 err.message);
    cr_expect(strstr(err.message, message), "message '%s' lacks '%s'", err.message, message);
}

Test(parser, profiles_past_a_limit_are_refused_with_its_name)
{
    static const char legacy[] = "heap profile: 2: 20 [2: 20] @ heapprofile\n"
                                 "1: 10 [1: 10] @ 0x1100 0x1200 0x1300\n"
                                 "1: 10 [1: 10] @ 0x1100 0x1400\n" MAPS;
    static const char jemalloc_text[] = "heap_v2/524288\n  t*: 2: 20 [0: 0]\n@ 0x1100\n"
                                   "  t*: 2: 20 [0: 0]\n  t0: 1: 10 [0: 0]\n"
                                   "  t1: 1: 10 [0: 0]\n" MAPS;
    static const struct {
        size_t field; /* offsetof the limit lowered */
        size_t value;
        const char *text;
        long line;
        const char *message;
    } cases[] = {
        {offsetof(struct hd_parse_limits, max_frames), 2, legacy, 2,
         "more than 2 frames in a stack, heapdiff's limit"},
        {offsetof(struct hd_parse_limits, max_stacks), 1, legacy, 3, "more than 1 stacks"},
        {offsetof(struct hd_parse_limits, max_locations), 3, legacy, 3,
         "more than 3 distinct addresses"},
        {offsetof(struct hd_parse_limits, max_mappings), 1, legacy, 7, "more than 1 mappings"},
        {offsetof(struct hd_parse_limits, max_input_bytes), 100, legacy, 0,
         "larger than 100 bytes, the limit (--max-input-size)"},
        {offsetof(struct hd_parse_limits, max_stacks), 1, jemalloc_text, 6,
         "more than 1 per-thread samples"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct hd_parse_limits limits;
        hd_parse_limits_init(&limits);
        *(size_t *)((char *)&limits + cases[i].field) = cases[i].value;
        expect_limit(&limits, cases[i].text, cases[i].line, cases[i].message);
    }
}

/* ---- fixtures: real files from testdata/ ---- */

/* TEXT[0..SIZE) deflated as one gzip member into *OUT (malloc'ed). */
static size_t gzip_member(const char *text, size_t size, unsigned char **out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t capacity = deflateBound(&z, (uLong)size) + 64;
    *out = malloc(capacity);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)size;
    z.next_out = *out;
    z.avail_out = (uInt)capacity;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = capacity - z.avail_out;
    deflateEnd(&z);
    return n;
}

Test(parser, gzip_members_of_any_sizes_concatenate)
{
    /* Two members, the first far larger than the last, whose trailer
     * (ISIZE) is the only size the file states: the buffer sized from it
     * must grow, and the second member must follow the first. */
    FILE *f = fopen(fixture("profiles/tc-run1.0003.heap"), "rb");
    cr_assert_not_null(f);
    static char text[1 << 20];
    size_t size = fread(text, 1, sizeof text, f);
    fclose(f);
    cr_assert(size > 1000 && size < sizeof text);
    size_t cut = size - 100;
    unsigned char *first, *second;
    size_t n1 = gzip_member(text, cut, &first), n2 = gzip_member(text + cut, size - cut, &second);
    char path[] = "/tmp/heapdiff-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, first, n1), (ssize_t)n1);
    cr_assert_eq(write(fd, second, n2), (ssize_t)n2);
    close(fd);
    free(first);
    free(second);
    struct hd_error err;
    struct hd_model *plain = hd_parse_file(fixture("profiles/tc-run1.0003.heap"), NULL, &err);
    cr_assert_not_null(plain, "%s", err.message);
    struct hd_model *gz = hd_parse_file(path, NULL, &err);
    cr_assert_not_null(gz, "%s", err.message);
    cr_assert_eq(gz->samples.n, plain->samples.n);
    cr_assert_eq(gz->n_mappings, plain->n_mappings);
    cr_assert_float_eq(hd_model_input_total(gz, 0).inuse_bytes,
                       hd_model_input_total(plain, 0).inuse_bytes, 0);
    /* The limit holds across members: the whole text is SIZE bytes. */
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_input_bytes = size - 1;
    cr_assert_null(hd_parse_file(path, &limits, &err));
    cr_assert(strstr(err.message, "gzip data inflates to more than"), "%s", err.message);
    limits.max_input_bytes = size;
    struct hd_model *exact = hd_parse_file(path, &limits, &err);
    cr_assert_not_null(exact, "%s", err.message);
    unlink(path);
    hd_model_free(exact);
    hd_model_free(plain);
    hd_model_free(gz);
}

Test(parser, gzip_is_detected_by_content_not_name)
{
    struct hd_error err;
    struct hd_model *plain = hd_parse_file(fixture("profiles/tc-run1.0003.heap"), NULL, &err);
    cr_assert_not_null(plain, "%s", err.message);
    struct hd_model *gz = hd_parse_file(fixture("profiles/tc-run1.0003-gzipped.heap"), NULL, &err);
    cr_assert_not_null(gz, "%s", err.message);
    cr_assert_eq(gz->samples.n, plain->samples.n);
    cr_assert_float_eq(hd_model_input_total(gz, 0).inuse_bytes, hd_model_input_total(plain, 0).inuse_bytes, 0);
    hd_model_free(plain);
    hd_model_free(gz);
}

struct bad_fixture {
    const char *file;
    long line;
    const char *message;
};

Test(parser, every_bad_fixture_gets_its_message)
{
    static const struct bad_fixture cases[] = {
        {"bad/empty.heap", 0, "empty file"},
        {"bad/truncated-mid-line.heap", 4, "truncated: the last line is cut off"},
        {"bad/truncated-before-maps.heap", 8, "truncated: the file ends before its maps"},
        {"bad/garbage-line.heap", 4, "expected the in-use objects count"},
        {"bad/overflow-64bit.heap", 2, "does not fit in 64 bits"},
        {"bad/overflow-int64.heap", 2, "does not fit in 64 bits"},
        {"bad/negative-alloc-count.heap", 2, "negative allocated objects count"},
        {"bad/bad-maps-line.heap", 11, "cannot parse maps line"},
        {"bad/je-garbage-count-line.heap", 8, "expected '['"},
        {"bad/je-truncated-mid-line.heap", 7, "truncated"},
        {"bad/je-header-no-rate.heap", 1, "positive sampling rate"},
        {"bad/truncated.heap.gz", 0, "truncated gzip data"},
        {"bad/corrupt-deflate.heap.gz", 0, "corrupt gzip data"},
        {"bad/crc-mismatch.heap.gz", 0, "corrupt gzip data"},
        /* pprof's profile.proto (testdata/make-proto.py) */
        {"proto/bad/truncated.pb", 0, "cannot be decoded: truncated or malformed"},
        {"proto/bad/length-past-end.pb", 0, "cannot be decoded: truncated or malformed"},
        {"proto/bad/varint-bomb.pb", 0, "cannot be decoded: truncated or malformed"},
        {"proto/bad/location-id-out-of-range.pb", 0, "sample 1: location id 9 does not exist"},
        {"proto/bad/mapping-id-out-of-range.pb", 0, "location 1: mapping id 7 does not exist"},
        {"proto/bad/function-id-out-of-range.pb", 0,
         "location 2: function id 5 does not exist"},
        {"proto/bad/string-index-out-of-range.pb", 0,
         "function: string index 99 is outside the string table (5 strings)"},
        {"proto/bad/duplicate-location-id.pb", 0, "two locations have id 1"},
        {"proto/bad/zero-location-id.pb", 0, "location 1 of 2 has id 0, which is reserved"},
        {"proto/bad/negative-value.pb", 0, "sample 1 has the negative value -100"},
        {"proto/bad/value-count.pb", 0, "sample 1 has 2 values for 1 sample types"},
        {"proto/bad/cpu-profile.pb", 0,
         "no heap sample type: heapdiff reads inuse_space/bytes, inuse_objects/count, "
         "alloc_space/bytes, alloc_objects/count, space/bytes and objects/count; this "
         "profile has samples/count, cpu/nanoseconds"},
        /* other kinds of file given in a profile's place */
        {"bad/other-core", 0, "this is an ELF core file, not a heap profile"},
        {"bad/other-perf.data", 0, "this is perf data (perf record), not a heap profile"},
        {"bad/other-massif.out", 0, "none of its 1 snapshots is detailed"},
        /* valgrind memcheck's XML is read (parser/memcheck.c): this one is
         * only its start */
        {"bad/other-memcheck.xml", 14, "the XML ends before </valgrindoutput>"},
        {"bad/other-cpu.prof", 0, "this is a gperftools CPU profile (CPUPROFILE), not a heap "
                                  "profile"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct hd_error err;
        struct hd_model *p = hd_parse_file(fixture(cases[i].file), NULL, &err);
        cr_expect_null(p, "%s was accepted", cases[i].file);
        hd_model_free(p);
        cr_expect_eq(err.line, cases[i].line, "%s: line %ld, want %ld", cases[i].file,
                     err.line, cases[i].line);
        cr_expect(strstr(err.message, cases[i].message), "%s: message '%s' lacks '%s'",
                  cases[i].file, err.message, cases[i].message);
        cr_expect(strstr(err.file, cases[i].file), "%s: error names '%s'", cases[i].file,
                  err.file);
    }
}

/* ---- the records against the header's totals (parser/totals.h) ---- */

/* The warning a dump cut by gperftools' buffer gets, after its path. */
#define CUT_BY_BUFFER                                                                     \
    ": gperftools' fixed 1 MiB dump buffer ran out and it dropped the rest, least in use " \
    "first; no setting enlarges it (README, \"Bad input\")\n"

Test(parser, dump_cut_by_gperftools_buffer_is_read_with_one_warning)
{
    /* variants/tc-producer-cut.heap: TC's header (2094: 1390336 [2194:
     * 7943936]), its first four records, the fifth (20: 81920, linear_leak)
     * cut after two addresses, no blank line before the maps.  The records
     * hold 1324800 B, in use and allocated; perl and Go pprof report as
     * much (testdata/README.md). */
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture("variants/tc-producer-cut.heap"), NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    struct hd_values t = hd_model_input_total(p, 0);
    cr_assert_float_eq(t.inuse_bytes, 1324800, 0);
    cr_assert_float_eq(t.alloc_bytes, 1324800, 0);
    const struct hd_model_input *in = &p->inputs[0];
    cr_assert(in->records_short);
    cr_assert(in->cut_by_buffer);
    cr_assert_float_eq(in->header_total.inuse_bytes, 1390336, 0);
    cr_assert_float_eq(in->header_total.alloc_bytes, 7943936, 0);
    /* The cut record keeps the leaf frames it has. */
    cr_assert_eq(p->stacks[p->samples.keys[4].stack].depth, 2);
    const char *text = strstr(warnings, "variants/tc-producer-cut.heap: ");
    cr_assert_not_null(text, "%s", warnings);
    cr_assert_str_eq(text, "variants/tc-producer-cut.heap: its records hold 1293.8 of the "
                           "7757.8 KB allocated and 1293.8 of the 1357.8 KB in use that its "
                           "header counts" CUT_BY_BUFFER);
    hd_model_free(p);
}

Test(parser, dump_cut_right_after_an_at_sign_keeps_that_record)
{
    /* bad/tc-producer-cut-at-at.heap: the fifth record cut right after
     * its '@' (as in a real clang dump: "8: 768 [16: 1536] @").  Its
     * 81920 B stay, as the unknown stack; perl drops them (1242880 B). */
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture("bad/tc-producer-cut-at-at.heap"), NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 1324800, 0);
    cr_assert(p->inputs[0].cut_by_buffer);
    cr_assert(strstr(warnings, "tc-producer-cut-at-at.heap:6: no stack addresses after '@' "
                               "(20: 81920 [20: 81920])"), "%s", warnings);
    cr_assert(strstr(warnings, "tc-producer-cut-at-at.heap: its records hold 1293.8 of the "
                               "7757.8 KB allocated"), "%s", warnings);
    hd_model_free(p);
}

/* A gperftools dump whose header counts 100000 records of 10 bytes and
 * that holds N, each "     1:       10 [     1:       10] @ 0x00001100",
 * ended the way a whole dump is (a blank line before the maps). */
static char *dump_of(size_t n, size_t *size)
{
    static const char header[] = "heap profile: 100000: 1000000 [100000: 1000000] @ heapprofile\n";
    static const char record[] = "     1:       10 [     1:       10] @ 0x00001100\n";
    size_t length = strlen(header) + n * strlen(record) + strlen(MAPS);
    char *text = malloc(length + 1), *at = text;
    cr_assert_not_null(text);
    at += sprintf(at, "%s", header);
    for (size_t i = 0; i < n; i++)
        at += sprintf(at, "%s", record);
    sprintf(at, "%s", MAPS);
    *size = length;
    return text;
}

Test(parser, dump_that_fills_the_buffer_is_blamed_on_it)
{
    /* A cut at a record's end leaves no trace but the size: within one
     * record of 1 MiB (heap-profiler.cc, kProfileBufferSize = 1 << 20). */
    size_t record = strlen("     1:       10 [     1:       10] @ 0x00001100\n"), size;
    char *empty = dump_of(0, &size);
    free(empty);
    size_t n = ((size_t)1048575 - size) / record;
    char *text = dump_of(n, &size);
    cr_assert(size < 1048576 && size + record > 1048576, "size %zu", size);
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("full.heap", text, size, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert(p->inputs[0].records_short);
    cr_assert(p->inputs[0].cut_by_buffer);
    cr_assert(strstr(warnings, CUT_BY_BUFFER), "%s", warnings);
    hd_model_free(p);
    free(text);

    /* The same records far from 1 MiB: missing, cause unknown. */
    warnings[0] = '\0';
    text = dump_of(1000, &size);
    p = hd_parse_buffer("part.heap", text, size, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert(p->inputs[0].records_short);
    cr_assert_not(p->inputs[0].cut_by_buffer);
    cr_assert_str_eq(warnings, "part.heap: its records hold 10000 of the 1000000 B allocated "
                               "and 10000 of the 1000000 B in use that its header counts: "
                               "records are missing\n");
    hd_model_free(p);
    free(text);
}

Test(parser, in_use_complete_and_allocated_short_says_so)
{
    struct hd_model *p = parse_text("heap profile: 1: 10 [3: 30000] @ heapprofile\n"
                                    "1: 10 [1: 10] @ 0x1100\n" MAPS);
    cr_assert(p->inputs[0].records_short);
    cr_assert_str_eq(warnings, "test.heap: its records hold 10 of the 30000 B allocated that "
                               "its header counts (all that is in use): records are missing\n");
    hd_model_free(p);
}

Test(parser, records_holding_more_than_the_header_are_no_loss)
{
    /* gperftools' HEAP_PROFILE_MMAP adds mmap records its header does not
     * count. */
    struct hd_model *p = parse_text("heap profile: 1: 10 [1: 10] @ heapprofile\n"
                                    "1: 10 [1: 10] @ 0x1100\n"
                                    "1: 4096 [1: 4096] @ 0x1200\n" MAPS);
    cr_assert_not(p->inputs[0].records_short);
    cr_assert_str_eq(warnings, "");
    hd_model_free(p);
}

Test(parser, jemalloc_prebiased_totals_agree_once_unsampled)
{
    /* je-sampled.1.heap (jemalloc 5.3, prof_unbias): header t*: 190:
     * 115528, lines 44: 700822 as written (expected/header-sums.txt);
     * unsampled 837433 B against 837309 B, within the lines' rounding.
     * Without the rounding allowance a shortfall is found: a header
     * four times as large. */
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture("profiles/je-sampled.1.heap"), NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert_not(p->inputs[0].records_short);
    cr_assert_str_eq(warnings, "");
    hd_model_free(p);
    p = parse_text("heap_v2/4096\n  t*: 760: 462112 [0: 0]\n"
                   "@ 0x1100\n  t*: 44: 700822 [0: 0]\n" MAPS);
    cr_assert(p->inputs[0].records_short);
    cr_assert_not(p->inputs[0].cut_by_buffer);
    cr_assert(strstr(warnings, "records are missing"), "%s", warnings);
    hd_model_free(p);
}

/* Every real profile and every variant but the cut one adds up. */
Test(parser, every_whole_fixture_adds_up_to_its_header)
{
    static const char *const dirs[] = {"profiles", "variants"};
    size_t checked = 0;
    for (size_t d = 0; d < 2; d++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", fixture(dirs[d]));
        DIR *listing = opendir(dir);
        cr_assert_not_null(listing, "%s", dir);
        for (struct dirent *e; (e = readdir(listing));) {
            if (e->d_name[0] == '.' || strstr(e->d_name, "producer-cut") ||
                strcmp(e->d_name, "tc-header-only.heap") == 0)
                continue;
            char path[4096 + 256];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            struct hd_error err;
            struct hd_model *p = hd_parse_file(path, NULL, &err);
            cr_expect_not_null(p, "%s: %s", path, err.message);
            if (p)
                cr_expect_not(p->inputs[0].records_short, "%s", path);
            hd_model_free(p);
            checked++;
        }
        closedir(listing);
    }
    cr_assert_gt(checked, 50);
    cr_assert_not(strstr(warnings, "records hold"), "%s", warnings);
}

/* ---- standard input ---- */

/* Make FILE (a fixture) the process's standard input; criterion runs each
 * test in a process of its own. */
static void stdin_from(const char *file)
{
    int fd = open(fixture(file), O_RDONLY);
    cr_assert(fd >= 0 && dup2(fd, STDIN_FILENO) == 0, "%s", file);
    close(fd);
}

Test(parser, dash_reads_standard_input_plain_or_gzip)
{
    static const char *const files[] = {"profiles/tc-run1.0002.heap",
                                        "profiles/tc-run1.0002.heap.gz"};
    for (size_t i = 0; i < 2; i++) {
        stdin_from(files[i]);
        struct hd_error err;
        struct hd_model *p = hd_parse_file("-", NULL, &err);
        cr_assert_not_null(p, "%s: %s", files[i], err.message);
        cr_assert_str_eq(p->inputs[0].path, "<stdin>");
        /* TC's total, as google-pprof prints it (peer-totals.txt). */
        cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 1390336, 0);
        hd_model_free(p);
    }
}

Test(parser, standard_input_is_bounded_by_the_input_limit)
{
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_input_bytes = 1000;
    stdin_from("profiles/tc-run1.0002.heap");
    struct hd_error err;
    cr_assert_null(hd_parse_file("-", &limits, &err));
    cr_assert_str_eq(err.file, "<stdin>");
    cr_assert_str_eq(err.message, "more than 1000 bytes, the limit (--max-input-size)");
    /* gzip'ed: 1000 bytes of gzip inflate to more. */
    limits.max_input_bytes = 2000;
    stdin_from("profiles/tc-run1.0002.heap.gz");
    cr_assert_null(hd_parse_file("-", &limits, &err));
    cr_assert(strstr(err.message, "gzip data inflates to more than 2000 bytes"), "%s",
              err.message);
}

Test(parser, terminal_on_standard_input_is_refused_not_waited_on, .timeout = 10)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    cr_assert(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    int terminal = open(ptsname(master), O_RDONLY | O_NOCTTY);
    cr_assert(terminal >= 0 && dup2(terminal, STDIN_FILENO) == 0);
    struct hd_error err;
    cr_assert_null(hd_parse_file("-", NULL, &err));
    cr_assert_str_eq(err.message, "standard input is a terminal: pipe a profile into it, as "
                                  "in 'zcat p.heap.gz | heapdiff BINARY -'");
    close(terminal);
    close(master);
}

Test(parser, missing_file_is_an_error_not_a_crash)
{
    struct hd_error err;
    cr_assert_null(hd_parse_file(fixture("no/such/file.heap"), NULL, &err));
    cr_assert(strstr(err.message, "cannot open"), "%s", err.message);
}

/* ---- pprof's profile.proto (parser/proto.c) ---- */

Test(parser, profile_protos_are_bounded_by_the_limits)
{
    /* 64 KiB of gzip that inflate to 64 MiB: bounded by --max-input-size. */
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_input_bytes = 1 << 20;
    struct hd_error err;
    cr_assert_null(hd_parse_file(fixture("proto/bad/gzip-bomb.pb.gz"), &limits, &err));
    cr_assert(strstr(err.message, "gzip data inflates to more than 1048576 bytes"), "%s",
              err.message);
    /* The stated limits hold for protos too. */
    hd_parse_limits_init(&limits);
    limits.max_locations = 1;
    cr_assert_null(hd_parse_file(fixture("proto/bad/negative-value.pb"), &limits, &err));
    cr_assert(strstr(err.message, "more than 1 locations"), "%s", err.message);
}

Test(parser, jemalloc_pprof_shaped_profile_is_addresses_in_mappings_with_build_ids)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture("proto/jepprof-run1.4.pb.gz"), NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    struct hd_model *text = hd_parse_file(fixture("profiles/je-unsampled-run1.4.heap"), NULL, &err);
    cr_assert_not_null(text, "%s", err.message);
    const struct hd_model_input *in = &p->inputs[0];
    cr_assert_eq(in->producer, HD_PRODUCER_PPROF);
    cr_assert_eq(in->format, HD_FORMAT_PROTO);
    cr_assert_eq(in->sampling, HD_SAMPLING_NONE, "period 1: exact");
    cr_assert_not(in->has_alloc_values);
    /* inuse_space only: the text profile's bytes, no objects. */
    struct hd_values a = hd_model_input_total(p, 0), b = hd_model_input_total(text, 0);
    cr_assert_eq(a.inuse_bytes, b.inuse_bytes);
    cr_assert_eq(a.inuse_objects, 0);
    cr_assert_eq(p->samples.n, text->samples.n);
    /* Every location is an address, at the text profile's file offsets
     * (the crate's return address - 1 is taken back). */
    size_t matched = 0;
    for (size_t i = 0; i < p->n_locations; i++) {
        const struct hd_location *l = &p->locations[i];
        cr_assert_eq(l->origin, HD_ORIGIN_SYMBOLIZER);
        cr_assert_null(l->frames);
        for (size_t k = 0; k < text->n_locations; k++)
            matched += text->locations[k].address == l->address &&
                       text->locations[k].offset == l->offset;
    }
    cr_assert_eq(matched, p->n_locations);
    /* The build-ids recorded identify the modules. */
    uint32_t main_mapping = hd_model_main_mapping(p);
    cr_assert_neq(main_mapping, HD_NO_MAPPING);
    cr_assert_not_null(p->mappings[main_mapping].build_id);
    cr_assert_eq(strncmp(p->mappings[main_mapping].identity, "build-id:", 9), 0, "%s",
                 p->mappings[main_mapping].identity);
    cr_assert_str_eq(p->mappings[main_mapping].identity + 9, p->mappings[main_mapping].build_id);
    hd_model_free(p);
    hd_model_free(text);
}

Test(parser, proto_lines_are_given_frames_innermost_first)
{
    /* heapdiff --proto of tc-cpp.0004: app::Pool::make is inlined into
     * app::Pool::fill; lines[0] is the innermost, as the model's. */
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture("proto/heapdiff-tc-cpp.0004.pb.gz"), NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    bool found = false;
    for (size_t i = 0; i < p->n_locations; i++) {
        const struct hd_location *l = &p->locations[i];
        cr_assert_eq(l->origin, HD_ORIGIN_INPUT, "every location has lines");
        cr_assert_eq(l->n_frames, l->n_given_frames);
        for (uint32_t f = 0; f + 1 < l->n_frames; f++)
            if (strcmp(l->frames[f].function, "app::Pool::make") == 0 &&
                strcmp(l->frames[f + 1].function, "app::Pool::fill") == 0) {
                found = true;
                cr_assert_str_eq(l->frames[f].file, "src/leaky_cpp.cc");
                cr_assert_eq(l->frames[f].line, 60);
            }
    }
    cr_assert(found);
    cr_assert_eq(hd_model_input_total(p, 0).inuse_bytes, 736256);
    hd_model_free(p);
}
