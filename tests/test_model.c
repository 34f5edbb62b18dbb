/* Model tests: N inputs aligned on one location and stack table, module
 * identity across runs and workspaces, the sides of a diff, normalizing,
 * the one definition of new and gone, and threads across columns. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "parse.h"

static struct hd_model *parse_text(const char *name, const char *text)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer(name, text, strlen(text), &err);
    cr_assert_not_null(p, "parse failed: %s:%ld: %s", err.file, err.line, err.message);
    return p;
}

/* ALIGN each of MODELS[0..N) with ROLES[i] into a new model, freeing
 * them, as the core reads its inputs. */
static struct hd_model *aligned(struct hd_model **models, const enum hd_role *roles, size_t n)
{
    struct hd_model *m = hd_model_new();
    for (size_t i = 0; i < n; i++) {
        hd_model_align(m, models[i], roles[i]);
        hd_model_free(models[i]);
    }
    return m;
}

/* The column INPUT's in-use bytes at the sample whose leaf location has
 * file OFFSET; -1 when there is none. */
static double inuse_at(const struct hd_model *m, uint32_t input, uint64_t offset)
{
    for (size_t s = 0; s < m->samples.n; s++) {
        const struct hd_stack *st = &m->stacks[m->samples.keys[s].stack];
        if (m->locations[st->locations[0]].offset == offset)
            return m->samples.columns[input][s].inuse_bytes;
    }
    return -1;
}

#define RUN1_BASE                                                                          \
    "heap profile: 2: 300 [2: 300] @ heapprofile\n"                                        \
    "1: 100 [1: 100] @ 0x555500001100 0x7f1000001129\n"                                    \
    "1: 200 [1: 200] @ 0x555500001200\n"                                                   \
    "\nMAPPED_LIBRARIES:\n"                                                                \
    "555500001000-555500003000 r-xp 00001000 00:00 1 /builds/8841/app\n"                   \
    "7f1000001000-7f1000002000 r-xp 00001000 00:00 2 /usr/lib/libleak.so\n"
#define RUN2_CURRENT                                                                       \
    "heap profile: 2: 500 [2: 500] @ heapprofile\n"                                        \
    "1: 400 [1: 400] @ 0x666600001100 0x7f2000001129\n"                                    \
    "1: 100 [1: 100] @ 0x666600001300\n"                                                   \
    "\nMAPPED_LIBRARIES:\n"                                                                \
    "666600001000-666600003000 r-xp 00001000 00:00 1 /builds/8842/app\n"                   \
    "7f2000001000-7f2000002000 r-xp 00001000 00:00 2 /usr/lib/libleak.so\n"

Test(model, inputs_from_other_runs_and_workspaces_share_locations_and_stacks)
{
    /* The same stack at other load addresses (ASLR) and with the program
     * at another path (a CI workspace per run) is one stack: the main
     * program is identified by its role, the library by its name. */
    struct hd_model *in[] = {parse_text("cur.heap", RUN2_CURRENT),
                             parse_text("base.heap", RUN1_BASE)};
    struct hd_model *m = aligned(in, (enum hd_role[]){HD_ROLE_CURRENT, HD_ROLE_BASE}, 2);
    cr_assert_eq(m->n_inputs, 2);
    cr_assert_eq(m->n_stacks, 3, "the shared stack was not matched");
    cr_assert_eq(m->n_mappings, 2, "mappings were duplicated");
    cr_assert_str_eq(m->mappings[0].identity, "main");
    cr_assert_str_eq(m->mappings[1].identity, "name:libleak.so");
    /* Columns: current (weight +1) and base (weight -1), 0 where absent. */
    cr_assert_float_eq(m->inputs[0].weight, 1, 0);
    cr_assert_float_eq(m->inputs[1].weight, -1, 0);
    cr_assert_float_eq(inuse_at(m, 0, 0x1100), 400, 0);
    cr_assert_float_eq(inuse_at(m, 1, 0x1100), 100, 0);
    cr_assert_float_eq(inuse_at(m, 0, 0x1200), 0, 0);
    cr_assert_float_eq(inuse_at(m, 1, 0x1200), 200, 0);
    struct hd_sides total = hd_model_total(m, HD_VALUE_INUSE_SPACE);
    cr_assert_float_eq(total.current, 500, 0);
    cr_assert_float_eq(total.base, 300, 0);
    /* The base-only location got an address in the current layout. */
    for (size_t i = 0; i < m->n_locations; i++)
        if (m->locations[i].offset == 0x1200)
            cr_assert_eq(m->locations[i].address, 0x666600001200);
    hd_model_free(m);
}

Test(model, the_first_input_is_moved_not_copied)
{
    struct hd_model *one = parse_text("cur.heap", RUN2_CURRENT);
    const struct hd_stack *stacks = one->stacks;
    struct hd_model *m = hd_model_new();
    cr_assert_eq(hd_model_align(m, one, HD_ROLE_CURRENT), 0);
    cr_assert_eq(m->stacks, stacks, "the tables should have moved");
    cr_assert_eq(one->n_stacks, 0);
    cr_assert_eq(one->n_inputs, 0);
    hd_model_free(one);
    hd_model_free(m);
}

Test(model, several_currents_are_columns_of_one_role_and_sum)
{
    struct hd_model *in[] = {
        parse_text("a.heap", "heap profile: 1: 10 [1: 10] @ heapprofile\n"
                             "1: 10 [1: 10] @ 0x1100\n"
                             "\nMAPPED_LIBRARIES:\n"
                             "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n"),
        parse_text("b.heap", "heap profile: 1: 30 [1: 30] @ heapprofile\n"
                             "1: 30 [1: 30] @ 0x2100\n"
                             "\nMAPPED_LIBRARIES:\n"
                             "00002000-00003000 r-xp 00000000 00:00 1 /opt/other\n"),
        parse_text("c.heap", "heap profile: 1: 5 [1: 5] @ heapprofile\n"
                             "1: 5 [1: 5] @ 0x1100\n"
                             "\nMAPPED_LIBRARIES:\n"
                             "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n")};
    struct hd_model *m = aligned(
        in, (enum hd_role[]){HD_ROLE_CURRENT, HD_ROLE_CURRENT, HD_ROLE_CURRENT}, 3);
    cr_assert_eq(m->n_inputs, 3);
    cr_assert_eq(m->samples.n, 2);
    /* /opt/other is the main program of b.heap, and a new mapping here. */
    cr_assert_eq(m->n_mappings, 2);
    cr_assert_str_eq(m->mappings[1].path, "/opt/other");
    cr_assert_str_eq(m->inputs[2].path, "c.heap");
    cr_assert_float_eq(hd_model_total(m, HD_VALUE_INUSE_SPACE).current, 45, 0);
    cr_assert_float_eq(hd_model_input_total(m, 1).inuse_bytes, 30, 0);
    hd_model_free(m);
}

/* A build-id reader for the test below: the main program has build-id
 * CONTEXT, libraries cannot be read. */
static bool read_fixed_build_id(void *context, const char *path, bool is_main, char *hex, size_t size)
{
    (void)path;
    if (!is_main)
        return false;
    snprintf(hex, size, "%s", (const char *)context);
    return true;
}

Test(model, build_ids_identify_modules_when_the_files_can_be_read)
{
    /* Two builds of one program at one path are two modules; the reader
     * stands in for the symbolizer, which reads the build-id note. */
    struct hd_model *m = parse_text("cur.heap", RUN2_CURRENT);
    hd_model_identify_modules(m, read_fixed_build_id, (void *)"abc123");
    cr_assert_str_eq(m->mappings[0].identity, "build-id:abc123");
    cr_assert_str_eq(m->mappings[1].identity, "name:libleak.so", "unreadable: its name");
    struct hd_model *other = parse_text("base.heap", RUN1_BASE);
    hd_model_identify_modules(other, read_fixed_build_id, (void *)"def456");
    struct hd_model *in[] = {m, other};
    struct hd_model *both = aligned(in, (enum hd_role[]){HD_ROLE_CURRENT, HD_ROLE_BASE}, 2);
    cr_assert_eq(both->n_mappings, 3, "the other build's program is another module");
    cr_assert_eq(both->n_stacks, 4, "only the library frame is shared; stacks differ");
    hd_model_free(both);
}

Test(model, normalize_scales_the_base_to_the_current_total)
{
    struct hd_model *in[] = {parse_text("cur.heap", RUN2_CURRENT),
                             parse_text("base.heap", RUN1_BASE)};
    struct hd_model *m = aligned(in, (enum hd_role[]){HD_ROLE_CURRENT, HD_ROLE_BASE}, 2);
    hd_model_normalize_bases(m, HD_VALUE_INUSE_SPACE);
    /* pprof's -normalize: base x (500 / 300), so the delta's total is 0. */
    cr_assert_float_eq(m->inputs[1].weight, -500.0 / 300.0, 1e-12);
    struct hd_sides total = hd_model_total(m, HD_VALUE_INUSE_SPACE);
    cr_assert_float_eq(total.current - total.base, 0, 1e-9);
    hd_model_free(m);
}

Test(model, new_and_gone_have_one_definition)
{
    cr_assert_eq(hd_change_of((struct hd_sides){5, 0}), HD_CHANGE_NEW);
    cr_assert_eq(hd_change_of((struct hd_sides){0, 5}), HD_CHANGE_GONE);
    cr_assert_eq(hd_change_of((struct hd_sides){5, 5}), HD_CHANGE_NONE);
    cr_assert_eq(hd_change_of((struct hd_sides){0, 0}), HD_CHANGE_NONE);
    /* Sides are sums, never differences: a tiny current side is there. */
    cr_assert_eq(hd_change_of((struct hd_sides){1e-300, 5}), HD_CHANGE_NONE);
}

Test(model, a_thread_is_selected_in_every_column)
{
    static const char je[] = "heap_v2/1\n"
                             "  t*: 2: 20 [0: 0]\n"
                             "  t0: 1: 10 [0: 0]\n"
                             "  t1: 1: 10 [0: 0]\n"
                             "@ 0x1100\n"
                             "  t*: 1: 7 [0: 0]\n"
                             "  t1: 1: 7 [0: 0]\n"
                             "@ 0x1200\n"
                             "  t*: 1: 3 [0: 0]\n"
                             "  t0: 1: 3 [0: 0]\n"
                             "\nMAPPED_LIBRARIES:\n"
                             "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n";
    struct hd_model *in[] = {parse_text("a.heap", je), parse_text("b.heap", je)};
    struct hd_model *m = aligned(in, (enum hd_role[]){HD_ROLE_CURRENT, HD_ROLE_BASE}, 2);
    cr_assert_eq(m->thread_samples.n, 2, "the breakdown stays available");
    cr_assert_eq(hd_model_select_thread(m, 1), 1);
    /* Thread 1 has only the stack at 0x1100: 7 bytes in 1 object at rate
     * 1, unsampled by the v2 rule to 7 / (1 - e^-7), in both columns. */
    double expected = 7 / (1 - exp(-7.0));
    cr_assert_float_eq(hd_model_input_total(m, 0).inuse_bytes, expected, 1e-9);
    cr_assert_float_eq(hd_model_input_total(m, 1).inuse_bytes, expected, 1e-9);
    hd_model_free(m);
}

/* ---- which mapping an address is in ---- */

/* The rule (model.h): the first executable mapping in file order that
 * contains the address, else the first in file order.  Overlaps and
 * nesting are answered piece by piece. */
Test(model, mapping_finder_prefers_executable_then_file_order)
{
    struct hd_model *m = hd_model_new();
    hd_model_add_mapping(m, 0x1000, 0x9000, 0, "/data", false, false);     /* 0 */
    hd_model_add_mapping(m, 0x2000, 0x3000, 0, "/text", true, false);      /* 1 */
    hd_model_add_mapping(m, 0x2800, 0x4000, 0, "/text2", true, false);     /* 2 */
    hd_model_add_mapping(m, 0x5000, 0x6000, 0, "/rodata", false, false);   /* 3 */
    hd_model_add_mapping(m, 0xa000, 0xb000, 0, "/far", false, false);      /* 4 */
    struct hd_mapping_finder f;
    hd_mapping_finder_build(&f, m);
    cr_assert_eq(hd_mapping_finder_find(&f, 0xfff), HD_NO_MAPPING);
    cr_assert_eq(hd_mapping_finder_find(&f, 0x1000), 0);
    cr_assert_eq(hd_mapping_finder_find(&f, 0x2000), 1);
    cr_assert_eq(hd_mapping_finder_find(&f, 0x2900), 1, "both executable: file order");
    cr_assert_eq(hd_mapping_finder_find(&f, 0x3000), 2);
    cr_assert_eq(hd_mapping_finder_find(&f, 0x4000), 0);
    cr_assert_eq(hd_mapping_finder_find(&f, 0x5800), 0, "neither executable: file order");
    cr_assert_eq(hd_mapping_finder_find(&f, 0x9000), HD_NO_MAPPING);
    cr_assert_eq(hd_mapping_finder_find(&f, 0xafff), 4);
    cr_assert_eq(hd_mapping_finder_find(&f, 0xb000), HD_NO_MAPPING);
    hd_mapping_finder_free(&f);
    hd_model_free(m);
}

/* 100,000 mappings and 100,000 addresses between them (none mapped): a
 * scan per address took 10.2 s (issue 10); the finder answers each with a
 * binary search.  The counts are asserted, not the time. */
Test(model, many_mappings_and_unmapped_addresses_resolve)
{
    struct hd_model *m = hd_model_new();
    hd_model_add_input(m, "many.heap", HD_ROLE_CURRENT);
    enum { N = 100000 };
    for (uint64_t i = 0; i < N; i++)
        hd_model_add_mapping(m, 0x100000 + i * 0x2000, 0x100000 + i * 0x2000 + 0x1000, 0,
                             "/lib", i % 2 == 0, false);
    for (uint64_t i = 0; i < N; i++)
        hd_model_intern_address(m, 0x100000 + i * 0x2000 + 0x1800);
    hd_model_intern_address(m, 0x100000 + 7 * 0x2000 + 0x10);
    hd_model_resolve_locations(m);
    size_t mapped = 0;
    for (size_t i = 0; i < m->n_locations; i++)
        mapped += m->locations[i].mapping != HD_NO_MAPPING;
    cr_assert_eq(mapped, 1);
    cr_assert_eq(m->locations[N].mapping, 7);
    cr_assert_eq(m->locations[N].offset, 0x10);
    hd_model_free(m);
}

/* ---- hash flooding ---- */

/* The inverse of the unkeyed MurmurHash3 finalizer that hd_hash_mix was:
 * with it, a profile can pick addresses whose hashes share their low 20
 * bits, so that linear probing walks one run for every insertion (100,000
 * took 18.7 s, issue 10).  With the per-process key they spread out. */
static uint64_t unmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0x9cb4b2f8129337dbULL; /* inverse of 0xc4ceb9fe1a85ec53 mod 2^64 */
    h ^= h >> 33;
    h *= 0x4f74430c22a54005ULL; /* inverse of 0xff51afd7ed558ccd */
    h ^= h >> 33;
    return h;
}

Test(model, addresses_crafted_to_collide_intern_quickly, .timeout = 60)
{
    /* An unmapped location's hash was mix(0 ^ mix(address)). */
    struct hd_model *m = hd_model_new();
    hd_model_add_input(m, "flood.heap", HD_ROLE_CURRENT);
    enum { N = 100000 };
    for (uint64_t i = 1; i <= N; i++)
        hd_model_intern_address(m, unmix(unmix(i << 20)));
    for (uint64_t i = 1; i <= N; i++)
        cr_assert_eq(hd_model_intern_address(m, unmix(unmix(i << 20))), i - 1);
    cr_assert_eq(m->n_locations, N);
    hd_model_free(m);
}
