/* Model tests: N inputs aligned on one location and stack table, module
 * identity across runs and workspaces, the sides of a diff, normalizing,
 * the one definition of new and gone, and threads across columns. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "model.h"
#include "parse.h"
#include "symbolizer.h"

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

/* ---- locations whose frames the input gives ---- */

/* A one-input model with a mapping of PATH at START and one sample of
 * BYTES at a stack of given frames FRAMES[0..N) (leaf location) over the
 * address location ROOT. */
static struct hd_model *given_model(const char *path, uint64_t start, uint64_t address,
                                    const struct hd_frame *frames, uint32_t n, uint64_t root,
                                    double bytes)
{
    struct hd_model *m = hd_model_new();
    hd_model_add_input(m, "given", HD_ROLE_CURRENT);
    uint32_t map = hd_model_add_mapping(m, start, start + 0x10000, 0, path, true, false);
    uint32_t stack[2] = {hd_model_intern_given_location(m, map, address, frames, n),
                         hd_model_intern_address(m, root)};
    hd_model_resolve_locations(m);
    struct hd_values v = {1, bytes, 1, bytes};
    hd_model_add_sample(m, 0, hd_model_intern_stack(m, stack, 2), HD_ALL_THREADS, &v);
    return m;
}

Test(model, given_locations_are_unique_by_their_frames_and_copied)
{
    struct hd_model *m = hd_model_new();
    char function[16] = "grow", file[16] = "vec.c";
    struct hd_frame frames[2] = {{function, file, 12}, {"push", "vec.c", 40}};
    uint32_t a = hd_model_intern_given_location(m, HD_NO_MAPPING, 0x1000, frames, 2);
    /* The same frames at another address (another run): the same location. */
    cr_assert_eq(hd_model_intern_given_location(m, HD_NO_MAPPING, 0x9000, frames, 2), a);
    const struct hd_location *l = &m->locations[a];
    cr_assert_eq(l->origin, HD_ORIGIN_INPUT);
    cr_assert_eq(l->n_frames, 2);
    cr_assert_eq(l->address, 0x1000, "the first input's address is shown");
    /* Strings were copied into the model. */
    strcpy(function, "other");
    cr_assert_str_eq(m->locations[a].frames[0].function, "grow");
    cr_assert_str_eq(m->locations[a].frames[1].file, "vec.c");
    cr_assert_eq(m->locations[a].frames[1].line, 40);
    strcpy(function, "grow");
    /* Another line, another inlining, or a lone address: other locations. */
    struct hd_frame other_line[2] = {{"grow", "vec.c", 13}, {"push", "vec.c", 40}};
    uint32_t b = hd_model_intern_given_location(m, HD_NO_MAPPING, 0x1000, other_line, 2);
    uint32_t c = hd_model_intern_given_location(m, HD_NO_MAPPING, 0x1000, frames + 1, 1);
    uint32_t d = hd_model_intern_address(m, 0x1000);
    cr_assert(a != b && a != c && b != c && d != a && d != b && d != c);
    cr_assert_eq(m->locations[d].origin, HD_ORIGIN_SYMBOLIZER);
    cr_assert_null(m->locations[d].frames);
    /* Function names alone do not tell them apart from NULLs: no file. */
    struct hd_frame bare = {"grow", NULL, 0};
    uint32_t e = hd_model_intern_given_location(m, HD_NO_MAPPING, 0, &bare, 1);
    cr_assert_null(m->locations[e].frames[0].file);
    cr_assert_eq(hd_model_intern_given_location(m, HD_NO_MAPPING, 0, &bare, 1), e);
    /* Identities set later rebuild the index: given keys survive it. */
    hd_model_resolve_locations(m);
    cr_assert_eq(hd_model_intern_given_location(m, HD_NO_MAPPING, 0x5, frames, 2), a);
    cr_assert_eq(hd_model_intern_address(m, 0x1000), d);
    hd_model_free(m);
}

Test(model, given_locations_of_two_inputs_align_by_frames_not_addresses)
{
    struct hd_frame frames[2] = {{"grow", "vec.c", 12}, {"push", "vec.c", 40}};
    struct hd_frame moved[1] = {{"push", "vec.c", 41}};
    /* Two builds: the same code at other addresses, other paths. */
    struct hd_model *in[3] = {
        given_model("/build/1/app", 0x400000, 0x401234, frames, 2, 0x402000, 100),
        given_model("/build/2/app", 0x500000, 0x505678, frames, 2, 0x9000000, 300),
        given_model("/build/2/app", 0x500000, 0x401234, moved, 1, 0x502000, 7),
    };
    enum hd_role roles[3] = {HD_ROLE_BASE, HD_ROLE_CURRENT, HD_ROLE_CURRENT};
    struct hd_model *m = aligned(in, roles, 3);
    size_t given = 0;
    uint32_t grow = HD_NO_MAPPING;
    for (size_t i = 0; i < m->n_locations; i++)
        if (m->locations[i].origin == HD_ORIGIN_INPUT) {
            given++;
            if (m->locations[i].n_frames == 2)
                grow = (uint32_t)i;
        }
    cr_assert_eq(given, 2, "grow+push once, push:41 once");
    cr_assert_neq(grow, HD_NO_MAPPING);
    cr_assert_str_eq(m->locations[grow].frames[0].function, "grow");
    cr_assert_str_eq(m->locations[grow].given_frames[1].function, "push");
    cr_assert_eq(m->locations[grow].address, 0x401234, "the first input's address");
    /* The base's and the first current's leaves meet in one stack (their
     * roots are other addresses, so look at samples by leaf). */
    double base = 0, current = 0;
    for (size_t s = 0; s < m->samples.n; s++)
        if (m->stacks[m->samples.keys[s].stack].locations[0] == grow) {
            base += m->samples.columns[0][s].inuse_bytes;
            current += m->samples.columns[1][s].inuse_bytes;
            cr_assert_eq(m->samples.columns[2][s].inuse_bytes, 0);
        }
    cr_assert_eq(base, 100);
    cr_assert_eq(current, 300);
    /* The base's and the second current's roots are one file offset of
     * the main program (0x2000): one address location. */
    size_t roots = 0;
    for (size_t i = 0; i < m->n_locations; i++)
        roots += m->locations[i].origin == HD_ORIGIN_SYMBOLIZER;
    cr_assert_eq(roots, 2);
    hd_model_free(m);
}

static const char *testdata_bin(const char *name)
{
    static char path[4096];
    const char *root = getenv("HD_TESTDATA");
    cr_assert(root, "HD_TESTDATA must point to testdata/");
    snprintf(path, sizeof path, "%s/bin/%s", root, name);
    return path;
}

Test(model, the_symbolizer_keeps_given_frames_and_cuts_their_allocator_by_name)
{
    /* churn() of testdata/bin/leaky starts at file offset 0x14a0. */
    const char *leaky = testdata_bin("leaky");
    struct hd_frame given[1] = {{"named_by_input", "input.c", 7}};
    struct hd_frame with_malloc[3] = {
        {"malloc", "malloc.c", 1}, {"xmalloc", "x.c", 2}, {"caller", "c.c", 3}};
    struct hd_frame all_malloc[1] = {{"malloc", NULL, 0}};
    struct hd_model *m = hd_model_new();
    hd_model_add_input(m, "given", HD_ROLE_CURRENT);
    uint32_t map = hd_model_add_mapping(m, 0x400000, 0x410000, 0, leaky, true, false);
    uint32_t named = hd_model_intern_given_location(m, map, 0x4014a8, given, 1);
    uint32_t wrapped = hd_model_intern_given_location(m, map, 0x4014b0, with_malloc, 3);
    uint32_t alloc = hd_model_intern_given_location(m, map, 0x4014b8, all_malloc, 1);
    uint32_t looked_up = hd_model_intern_address(m, 0x4014a8);
    hd_model_resolve_locations(m);
    uint32_t stack[3] = {alloc, wrapped, named};
    struct hd_values v = {1, 10, 1, 10};
    hd_model_add_sample(m, 0, hd_model_intern_stack(m, stack, 3), HD_ALL_THREADS, &v);

    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    struct hd_wrappers *w;
    struct hd_error err;
    cr_assert_eq(hd_wrappers_new("xmalloc", true, &w, &err), 0);
    hd_sym_annotate_model(sym, m, w);

    /* The address is looked up; the given location at it is not. */
    cr_assert_eq(m->locations[looked_up].origin, HD_ORIGIN_SYMBOLIZER);
    cr_assert_geq(m->locations[looked_up].n_frames, 1);
    cr_assert_str_eq(m->locations[looked_up].frames[m->locations[looked_up].n_frames - 1].function,
                     "churn");
    cr_assert_eq(m->locations[named].n_frames, 1);
    cr_assert_str_eq(m->locations[named].frames[0].function, "named_by_input");
    cr_assert_eq(m->locations[named].frames[0].line, 7);
    /* malloc and the wrapper inlined over it are cut; the caller stays. */
    cr_assert_eq(m->locations[wrapped].n_frames, 1);
    cr_assert_str_eq(m->locations[wrapped].frames[0].function, "caller");
    cr_assert_eq(m->locations[wrapped].n_given_frames, 3, "the input's frames are kept");
    cr_assert_not(m->locations[wrapped].is_allocator);
    /* A location that is all allocator is the allocator's: the stack is cut. */
    cr_assert(m->locations[alloc].is_allocator);
    cr_assert_eq(m->stacks[m->samples.keys[0].stack].allocator_frames, 1);
    const char *const *charged;
    cr_assert_eq(hd_wrappers_charged(w, &charged), 1);
    cr_assert_str_eq(charged[0], "xmalloc");
    /* Annotating again (a series adds snapshots) changes nothing. */
    hd_sym_annotate_model(sym, m, w);
    cr_assert_eq(m->locations[wrapped].n_frames, 1);
    cr_assert_str_eq(m->locations[wrapped].frames[0].function, "caller");
    hd_wrappers_free(w);
    hd_sym_free(sym);
    hd_model_free(m);
}
