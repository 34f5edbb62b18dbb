/* Render tests: node aggregation (flat, cum, recursion, edges, allocator
 * frames, diff sides), filters, and the text and traces reports. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "annotate.h"
#include "emitter.h"
#include "graph.h"
#include "parse.h"
#include "text.h"
#include "traces.h"

/* Locations by address in the profile below, with the functions given to
 * them by hand as a symbolizer would:
 *   0x1100 leaf_alloc     0x1200 caller       0x1300 main
 *   0x1400 recurse        0x1500 inlined_alloc inlined into small_objects
 *   0x7f..1100 je_malloc (libjemalloc: allocator) */
static const char profile_text[] =
    "heap profile: 0: 0 [0: 0] @ heapprofile\n"
    "1: 100 [2: 200] @ 0x1100 0x1200 0x1300\n"                   /* leaf_alloc <- caller <- main */
    "1: 40 [1: 40] @ 0x1400 0x1400 0x1400 0x1300\n"              /* recursion */
    "2: 60 [2: 60] @ 0x7f0000001100 0x1500 0x1300\n"             /* via the allocator */
    "\nMAPPED_LIBRARIES:\n"
    "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n"
    "7f0000001000-7f0000002000 r-xp 00001000 00:00 2 /usr/lib/libjemalloc.so.2\n";

static struct hd_frame frames_of(const char *function, uint32_t line)
{
    return (struct hd_frame){function, "app.c", line};
}

static struct hd_model *make_profile(void)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("r.heap", profile_text, strlen(profile_text), &err);
    cr_assert_not_null(p, "%s", err.message);
    static struct hd_frame leaf, caller, mainf, recurse, inl[2];
    leaf = frames_of("leaf_alloc", 10);
    caller = frames_of("caller", 20);
    mainf = frames_of("main", 30);
    recurse = frames_of("recurse", 40);
    inl[0] = frames_of("inlined_alloc", 50); /* innermost first */
    inl[1] = frames_of("small_objects", 55);
    for (size_t i = 0; i < p->n_locations; i++) {
        struct hd_location *l = &p->locations[i];
        struct hd_frame *f = NULL;
        uint32_t n = 1;
        switch (l->address) {
        case 0x1100: f = &leaf; break;
        case 0x1200: f = &caller; break;
        case 0x1300: f = &mainf; break;
        case 0x1400: f = &recurse; break;
        case 0x1500: f = inl; n = 2; break;
        default: break;
        }
        if (f) {
            l->frames = f;
            l->n_frames = n;
        }
    }
    hd_sym_annotate_model(NULL, p, NULL); /* the allocator's frames, as the core marks them */
    return p;
}

/* CUR minus BASE as the core aligns them: a model of two columns, with
 * the allocator's frames marked.  CUR and BASE are emptied. */
static struct hd_model *diff_of(struct hd_model *cur, struct hd_model *base)
{
    struct hd_model *diff = hd_model_new();
    hd_model_align(diff, cur, HD_ROLE_CURRENT);
    hd_model_align(diff, base, HD_ROLE_BASE);
    hd_model_free(cur);
    hd_sym_annotate_model(NULL, diff, NULL);
    return diff;
}

static const struct hd_node *node(const struct hd_graph *g, const char *name)
{
    for (size_t i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return &g->nodes[i];
    cr_assert_fail("no node '%s'", name);
    return NULL;
}

static const struct hd_edge *edge(const struct hd_graph *g, const char *caller,
                                  const char *callee)
{
    for (size_t i = 0; i < g->n_edges; i++)
        if (strcmp(g->nodes[g->edges[i].caller].name, caller) == 0 &&
            strcmp(g->nodes[g->edges[i].callee].name, callee) == 0)
            return &g->edges[i];
    return NULL;
}

static struct hd_graph *build(const struct hd_model *p, enum hd_granularity granularity,
                              const struct hd_filters *filters)
{
    struct hd_graph_options o = {.value = HD_VALUE_INUSE_SPACE, .granularity = granularity,
                                 .filters = filters};
    return hd_graph_build(p, &o);
}

Test(graph, flat_goes_to_the_leaf_and_cum_to_every_frame)
{
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    cr_assert_float_eq(g->total, 200, 0);
    cr_assert_float_eq(node(g, "leaf_alloc")->flat, 100, 0);
    cr_assert_float_eq(node(g, "caller")->flat, 0, 0);
    cr_assert_float_eq(node(g, "caller")->cum, 100, 0);
    cr_assert_float_eq(node(g, "main")->cum, 200, 0);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(graph, recursion_counts_once_in_cum_and_draws_no_self_edge)
{
    /* FORMATS.md §3.5: recurse appears three times in one stack. */
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    cr_assert_float_eq(node(g, "recurse")->flat, 40, 0);
    cr_assert_float_eq(node(g, "recurse")->cum, 40, 0);
    cr_assert_null(edge(g, "recurse", "recurse"));
    cr_assert_float_eq(edge(g, "main", "recurse")->weight, 40, 0);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(graph, allocator_frames_are_dropped_and_inlines_are_their_own_nodes)
{
    /* The libjemalloc frame is the leaf of the third stack: it goes, and
     * the inlined function becomes the leaf, a node of its own with an
     * inline edge from the function it was inlined in; every edge into it
     * is inlined, so it is marked "(inline)" as Go pprof marks it. */
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    cr_assert_float_eq(node(g, "inlined_alloc")->flat, 60, 0);
    cr_assert_eq(node(g, "inlined_alloc")->inlined, HD_INLINE_ALL);
    cr_assert_eq(node(g, "small_objects")->inlined, HD_INLINE_NONE);
    cr_assert_float_eq(node(g, "small_objects")->cum, 60, 0);
    const struct hd_edge *e = edge(g, "small_objects", "inlined_alloc");
    cr_assert_not_null(e);
    cr_assert(e->inlined);
    cr_assert_not(edge(g, "caller", "leaf_alloc")->inlined);
    cr_assert_float_eq(node(g, "libjemalloc.so.2+0x1100")->cum, 0, 0);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(graph, no_inlines_folds_inlined_frames_into_their_caller)
{
    struct hd_model *p = make_profile();
    struct hd_graph_options o = {.value = HD_VALUE_INUSE_SPACE, .no_inlines = true};
    struct hd_graph *g = hd_graph_build(p, &o);
    cr_assert_float_eq(node(g, "small_objects")->flat, 60, 0);
    for (size_t i = 0; i < g->n_nodes; i++)
        cr_assert_null(strstr(g->nodes[i].name, "inline"), "%s", g->nodes[i].name);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(graph, granularities_name_lines_files_and_addresses)
{
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_LINES, NULL);
    cr_assert_float_eq(node(g, "leaf_alloc app.c:10")->flat, 100, 0);
    cr_assert_float_eq(node(g, "inlined_alloc app.c:50")->flat, 60, 0);
    hd_graph_free(g);
    g = build(p, HD_GRANULARITY_FILES, NULL);
    cr_assert_float_eq(node(g, "app.c")->cum, 200, 0);
    hd_graph_free(g);
    g = build(p, HD_GRANULARITY_ADDRESSES, NULL);
    cr_assert_float_eq(node(g, "app+0x1100 leaf_alloc app.c:10")->flat, 100, 0);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(graph, unsymbolized_frames_are_named_module_plus_offset)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("r.heap", profile_text, strlen(profile_text), &err);
    hd_sym_annotate_model(NULL, p, NULL); /* --no-symbols: allocator frames only */
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    cr_assert_float_eq(node(g, "app+0x1100")->flat, 100, 0);
    cr_assert_float_eq(node(g, "app+0x1500")->flat, 60, 0);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(graph, base_side_and_delta_are_kept_per_node)
{
    struct hd_model *cur = make_profile();
    struct hd_error err;
    static const char base_text[] =
        "heap profile: 0: 0 [0: 0] @ heapprofile\n"
        "1: 30 [1: 30] @ 0x1100 0x1200 0x1300\n"
        "1: 7 [1: 7] @ 0x1600 0x1300\n"
        "\nMAPPED_LIBRARIES:\n00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n";
    struct hd_model *base = hd_parse_buffer("b.heap", base_text, strlen(base_text), &err);
    cr_assert_not_null(base, "%s", err.message);
    cur = diff_of(cur, base);
    struct hd_graph *g = build(cur, HD_GRANULARITY_FUNCTIONS, NULL);
    cr_assert_float_eq(g->total, 200 - 37, 0);
    cr_assert_float_eq(g->base_total, 37, 0);
    cr_assert_float_eq(node(g, "leaf_alloc")->flat, 70, 0);
    cr_assert_float_eq(node(g, "leaf_alloc")->base_flat, 30, 0);
    cr_assert_float_eq(node(g, "app+0x1600")->flat, -7, 0); /* gone */
    cr_assert_float_eq(node(g, "app+0x1600")->base_flat, 7, 0);
    hd_graph_free(g);
    hd_model_free(cur);
    hd_model_free(base);
}

/* ---- filters ---- */

static struct hd_filters *compile(enum hd_filter_kind kind, const char *pattern)
{
    const char *patterns[HD_FILTER_COUNT] = {NULL};
    patterns[kind] = pattern;
    struct hd_filters *f;
    struct hd_error err;
    cr_assert_eq(hd_filters_compile(patterns, &f, &err), 0, "%s", err.message);
    return f;
}

/* A function both inlined and called out of line, as CPython's
 * PyDict_New is in python3.11 (inlined into some callers, called by
 * others): inlined_alloc at line 50 of app.c
 *   0x1500 inlined into small_objects <- main        60 B
 *   0x1700 out of line, called by caller <- main     20 B
 *   0x1800 inlined into caller <- main               10 B
 * so caller calls it both ways. */
static const char partial_inline_text[] =
    "heap profile: 0: 0 [0: 0] @ heapprofile\n"
    "1: 60 [1: 60] @ 0x1500 0x1300\n"
    "1: 20 [1: 20] @ 0x1700 0x1200 0x1300\n"
    "1: 10 [1: 10] @ 0x1800 0x1300\n"
    "\nMAPPED_LIBRARIES:\n"
    "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n";

static struct hd_model *make_partial_inline_profile(void)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("pi.heap", partial_inline_text,
                                         strlen(partial_inline_text), &err);
    cr_assert_not_null(p, "%s", err.message);
    static struct hd_frame in_small[2], out_of_line, callerf, mainf, in_caller[2];
    in_small[0] = frames_of("inlined_alloc", 50);
    in_small[1] = frames_of("small_objects", 55);
    out_of_line = frames_of("inlined_alloc", 50);
    callerf = frames_of("caller", 20);
    mainf = frames_of("main", 30);
    in_caller[0] = frames_of("inlined_alloc", 50);
    in_caller[1] = frames_of("caller", 21);
    for (size_t i = 0; i < p->n_locations; i++) {
        struct hd_location *l = &p->locations[i];
        switch (l->address) {
        case 0x1500: l->frames = in_small; l->n_frames = 2; break;
        case 0x1700: l->frames = &out_of_line; l->n_frames = 1; break;
        case 0x1200: l->frames = &callerf; l->n_frames = 1; break;
        case 0x1300: l->frames = &mainf; l->n_frames = 1; break;
        case 0x1800: l->frames = in_caller; l->n_frames = 2; break;
        default: break;
        }
    }
    hd_sym_annotate_model(NULL, p, NULL);
    return p;
}

Test(graph, inlined_and_out_of_line_copies_of_a_function_are_one_node)
{
    /* Go pprof keys a node on (function, file, line, address) as the
     * granularity keeps them, never on being inlined (internal/graph
     * NodeInfo), so the copies are one row with the whole cum.  It marks
     * the row from the edges into it (internal/report printText): some
     * inlined and some not is "(partial-inline)".  An edge is inlined only
     * when every call it counts was (AddToEdge), so caller -> inlined_alloc,
     * both ways, is not. */
    struct hd_model *p = make_partial_inline_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    cr_assert_float_eq(node(g, "inlined_alloc")->flat, 90, 0);
    cr_assert_float_eq(node(g, "inlined_alloc")->cum, 90, 0);
    cr_assert_eq(node(g, "inlined_alloc")->inlined, HD_INLINE_PARTIAL);
    cr_assert(edge(g, "small_objects", "inlined_alloc")->inlined);
    cr_assert_not(edge(g, "caller", "inlined_alloc")->inlined);
    cr_assert_float_eq(edge(g, "caller", "inlined_alloc")->weight, 30, 0);
    for (size_t i = 0; i < g->n_nodes; i++)
        cr_assert_null(strstr(g->nodes[i].name, "inline)"), "%s", g->nodes[i].name);
    hd_graph_free(g);
    /* Without small_objects' stack, only caller calls it, both ways: one
     * edge that is not inlined, so no mark, as in Go. */
    struct hd_filters *f = compile(HD_FILTER_IGNORE, "small_objects");
    g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(node(g, "inlined_alloc")->flat, 30, 0);
    cr_assert_eq(node(g, "inlined_alloc")->inlined, HD_INLINE_NONE);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(graph, lines_merge_the_copies_and_addresses_keep_them_apart)
{
    /* At --lines the node is (function, file:line): the three copies are
     * all line 50, one node, as Go's.  At --addresses each address is its
     * own node, and each is always or never inlined. */
    struct hd_model *p = make_partial_inline_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_LINES, NULL);
    cr_assert_float_eq(node(g, "inlined_alloc app.c:50")->flat, 90, 0);
    cr_assert_eq(node(g, "inlined_alloc app.c:50")->inlined, HD_INLINE_PARTIAL);
    hd_graph_free(g);
    g = build(p, HD_GRANULARITY_ADDRESSES, NULL);
    cr_assert_float_eq(node(g, "app+0x1500 inlined_alloc app.c:50")->flat, 60, 0);
    cr_assert_eq(node(g, "app+0x1500 inlined_alloc app.c:50")->inlined, HD_INLINE_ALL);
    cr_assert_float_eq(node(g, "app+0x1700 inlined_alloc app.c:50")->flat, 20, 0);
    cr_assert_eq(node(g, "app+0x1700 inlined_alloc app.c:50")->inlined, HD_INLINE_NONE);
    cr_assert_eq(node(g, "app+0x1800 inlined_alloc app.c:50")->inlined, HD_INLINE_ALL);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(filters, focus_keeps_stacks_with_a_match_and_totals_say_so)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_FOCUS, "^cal+er$");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(g->total, 200, 0, "the total is before filters");
    cr_assert_float_eq(g->shown_total, 100, 0);
    cr_assert_float_eq(node(g, "main")->cum, 100, 0);
    cr_assert_float_eq(node(g, "recurse")->cum, 0, 0);
    cr_assert(g->filters_matched & (1u << HD_FILTER_FOCUS));
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, ignore_drops_stacks_with_a_match)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_IGNORE, "recurse");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(g->shown_total, 160, 0);
    cr_assert_float_eq(node(g, "main")->cum, 160, 0);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, hide_removes_frames_and_the_caller_becomes_the_leaf)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_HIDE, "leaf_alloc");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(node(g, "caller")->flat, 100, 0);
    cr_assert_float_eq(node(g, "leaf_alloc")->cum, 0, 0);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, show_keeps_only_matching_frames)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_SHOW, "^main$");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(node(g, "main")->flat, 200, 0);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, show_from_starts_stacks_at_the_match)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_SHOW_FROM, "caller|small_objects");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(g->shown_total, 160, 0, "the stack without a match is dropped");
    cr_assert_float_eq(node(g, "main")->cum, 0, 0);
    cr_assert_float_eq(node(g, "caller")->cum, 100, 0);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, prune_from_ends_stacks_at_the_match)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_PRUNE_FROM, "^caller$");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_float_eq(node(g, "caller")->flat, 100, 0);
    cr_assert_float_eq(node(g, "leaf_alloc")->cum, 0, 0);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, a_filter_matching_nothing_is_reported_as_such)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_FOCUS, "no_such_function");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    cr_assert_eq(g->filters_matched, 0);
    cr_assert_float_eq(g->shown_total, 0, 0);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(filters, bad_regex_is_an_error_naming_the_option)
{
    const char *patterns[HD_FILTER_COUNT] = {NULL};
    patterns[HD_FILTER_IGNORE] = "(unclosed";
    struct hd_filters *f;
    struct hd_error err;
    cr_assert_eq(hd_filters_compile(patterns, &f, &err), -1);
    cr_assert(strstr(err.message, "--ignore: bad regular expression '(unclosed'"), "%s",
              err.message);
}

/* ---- text ---- */

static char *render(const struct hd_graph *g, const struct hd_text_options *o)
{
    static char buf[16384];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert_eq(hd_render_text(f, g, o), 0);
    fclose(f);
    return buf;
}

Test(text, perl_layout_rows_sorted_by_flat_then_name)
{
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES};
    const char *out = render(g, &o);
    cr_assert_str_eq(out, "Total: 200 B\n"
                          "     100  50.0%  50.0%      100  50.0% leaf_alloc\n"
                          "      60  30.0%  80.0%       60  30.0% inlined_alloc (inline)\n"
                          "      40  20.0% 100.0%       40  20.0% recurse\n"
                          "       0   0.0% 100.0%      100  50.0% caller\n"
                          "       0   0.0% 100.0%      200 100.0% main\n"
                          "       0   0.0% 100.0%       60  30.0% small_objects\n");
    o.sort_by_cum = true;
    o.top = 2;
    out = render(g, &o);
    cr_assert_str_eq(out, "Total: 200 B\n"
                          "Showing the top 2 of 6 rows by |cum|\n"
                          "       0   0.0%   0.0%      200 100.0% main\n"
                          "       0   0.0%   0.0%      100  50.0% caller\n");
    hd_graph_free(g);
    hd_model_free(p);
}

Test(text, units_mb_by_default_and_selectable)
{
    struct hd_graph g = {.total = 3 * 1048576.0 + 524288};
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_MB};
    cr_assert_str_eq(render(&g, &o), "Total: 3.5 MB\n");
    o.unit = HD_UNIT_KIB;
    cr_assert_str_eq(render(&g, &o), "Total: 3584.00 KiB\n");
    o.unit = HD_UNIT_AUTO;
    cr_assert_str_eq(render(&g, &o), "Total: 3.50 MiB\n");
    o.unit = HD_UNIT_GIB;
    cr_assert_str_eq(render(&g, &o), "Total: 0.00 GiB\n");
    o.value = HD_VALUE_INUSE_OBJECTS;
    cr_assert_str_eq(render(&g, &o), "Total: 3670016 objects\n");
}

Test(text, byte_counts_truncate_like_perl)
{
    /* jeprof's %d truncates 501691.5 to 501691 (FORMATS.md §2.4). */
    struct hd_graph g = {.total = 501691.5};
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES};
    cr_assert_str_eq(render(&g, &o), "Total: 501691 B\n");
    g.total = -0.5;
    cr_assert_str_eq(render(&g, &o), "Total: 0 B\n");
}

Test(text, diff_header_names_inputs_marks_rows_and_compares)
{
    struct hd_model *cur = make_profile();
    struct hd_error err;
    static const char base_text[] =
        "heap profile: 0: 0 [0: 0] @ heapprofile\n"
        "1: 30 [1: 30] @ 0x1100 0x1200 0x1300\n"
        "1: 7 [1: 7] @ 0x1600 0x1300\n"
        "\nMAPPED_LIBRARIES:\n00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n";
    struct hd_model *base = hd_parse_buffer("b.heap", base_text, strlen(base_text), &err);
    cur = diff_of(cur, base);
    struct hd_graph *g = build(cur, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_report_input c = {"cur.heap", 200}, b = {"base.heap", 37};
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES,
                                .sort_by_abs = true, .currents = &c, .n_currents = 1,
                                .bases = &b, .n_bases = 1};
    const char *out = render(g, &o);
    cr_assert(strstr(out, "Base:    37 B  base.heap\n"
                          "Current: 200 B  cur.heap\n"
                          "Total: 163 B  (current minus base; percentages are of this delta)\n"),
              "%s", out);
    cr_assert(strstr(out, "      70  42.9%  42.9%       70  42.9% leaf_alloc\n"), "%s", out);
    cr_assert(strstr(out, "% recurse (new)\n"), "%s", out);
    cr_assert(strstr(out, "      -7  -4.3%") && strstr(out, "app+0x1600 (gone)\n"), "%s", out);
    o.compare = true;
    out = render(g, &o);
    cr_assert(strstr(out, "      base    current      delta   change  name (flat)\n"), "%s", out);
    cr_assert(strstr(out, "        30        100         70  +233.3%  leaf_alloc\n"), "%s", out);
    cr_assert(strstr(out, "         0         40         40      new  recurse\n"), "%s", out);
    cr_assert(strstr(out, "         7          0         -7     gone  app+0x1600\n"), "%s", out);
    hd_graph_free(g);
    hd_model_free(cur);
    hd_model_free(base);
}

Test(text, trimming_is_said_in_the_header)
{
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES,
                                .node_fraction = 0.25, .node_count = 3};
    const char *out = render(g, &o);
    /* |cum| < 50 B: recurse (40) goes; of the 5 left, the first 3 by flat,
     * ties by name, as Go pprof's -nodecount keeps its top rows. */
    cr_assert_str_eq(out, "Total: 200 B\nDropped 1 rows (|cum| < 50 B)\n"
                          "Showing the top 3 of 5 rows by |flat|\n"
                          "     100  50.0%  50.0%      100  50.0% leaf_alloc\n"
                          "      60  30.0%  80.0%       60  30.0% inlined_alloc (inline)\n"
                          "       0   0.0%  80.0%      100  50.0% caller\n");
    /* Trimming by default says how to see all, on its last line. */
    o.default_trim = true;
    out = render(g, &o);
    cr_assert(strstr(out, "Dropped 1 rows (|cum| < 50 B)\n"
                          "Showing the top 3 of 5 rows by |flat|; --nodecount=0 shows all\n"),
              "%s", out);
    o.node_count = 0;
    out = render(g, &o);
    cr_assert(strstr(out, "Dropped 1 rows (|cum| < 50 B); --nodecount=0 shows all\n"), "%s",
              out);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(text, node_count_keeps_the_top_rows_in_report_order_not_the_roots)
{
    /* Go pprof's text report with -nodecount=N prints its first N rows
     * (internal/report printText after SelectTopNodes on FlatNameOrder or
     * CumNameOrder).  The two rows of largest |cum|, main and caller (100,
     * tied with leaf_alloc, first by name), are what --nodecount=2 kept
     * before; now they are its rows only when sorting by cum. */
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES,
                                .node_count = 2};
    const char *out = render(g, &o);
    cr_assert_str_eq(out, "Total: 200 B\n"
                          "Showing the top 2 of 6 rows by |flat|\n"
                          "     100  50.0%  50.0%      100  50.0% leaf_alloc\n"
                          "      60  30.0%  80.0%       60  30.0% inlined_alloc (inline)\n");
    o.sort_by_cum = true;
    out = render(g, &o);
    cr_assert(strstr(out, "Showing the top 2 of 6 rows by |cum|\n"
                          "       0   0.0%   0.0%      200 100.0% main\n"
                          "       0   0.0%   0.0%      100  50.0% caller\n"),
              "%s", out);
    /* --top and --nodecount both cut; the smaller wins. */
    o.sort_by_cum = false;
    o.top = 1;
    out = render(g, &o);
    cr_assert(strstr(out, "Showing the top 1 of 6 rows by |flat|\n"
                          "     100  50.0%  50.0%      100  50.0% leaf_alloc\n"),
              "%s", out);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(text, filters_are_listed_with_the_shown_total)
{
    struct hd_model *p = make_profile();
    struct hd_filters *f = compile(HD_FILTER_FOCUS, "caller");
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, f);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES,
                                .filters = f};
    const char *out = render(g, &o);
    cr_assert(strstr(out, "Total: 200 B\nActive filters: --focus=caller\n"
                          "Shown: 100 B after filters; percentages are of this\n"
                          "     100 100.0% 100.0%      100 100.0% leaf_alloc\n"),
              "%s", out);
    hd_graph_free(g);
    hd_filters_free(f);
    hd_model_free(p);
}

Test(traces, every_stack_leaf_first_largest_first)
{
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES};
    static char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert_eq(hd_render_traces(f, g, p, &o), 0);
    fclose(f);
    const char *sep = "-----------+-------------------------------------------------------\n";
    char want[2048];
    snprintf(want, sizeof want,
             "Traces: B in the profile, leaf first\n"
             "%s       100   leaf_alloc\n             caller\n             main\n"
             "%s        60   inlined_alloc (inline)\n             small_objects\n"
             "             main\n"
             "%s        40   recurse\n             recurse\n             recurse\n"
             "             main\n",
             sep, sep, sep);
    cr_assert_str_eq(buf, want);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(text, a_partly_inlined_function_is_one_row_marked_partial_inline)
{
    /* Before: "inlined_alloc" 20 B and "inlined_alloc (inline)" 70 B, two
     * rows splitting one function's cum.  --lines marks after file:line,
     * where Go pprof puts it. */
    struct hd_model *p = make_partial_inline_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES};
    const char *out = render(g, &o);
    cr_assert_str_eq(out, "Total: 90 B\n"
                          "      90 100.0% 100.0%       90 100.0% inlined_alloc (partial-inline)\n"
                          "       0   0.0% 100.0%       30  33.3% caller\n"
                          "       0   0.0% 100.0%       90 100.0% main\n"
                          "       0   0.0% 100.0%       60  66.7% small_objects\n");
    hd_graph_free(g);
    g = build(p, HD_GRANULARITY_LINES, NULL);
    out = render(g, &o);
    cr_assert(strstr(out, "% inlined_alloc app.c:50 (partial-inline)\n"), "%s", out);
    cr_assert(strstr(out, "% caller app.c:21\n"), "%s", out);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(traces, each_frame_is_marked_as_it_was_inlined_at_its_address)
{
    /* A stack knows exactly which of its calls were inlined. */
    struct hd_model *p = make_partial_inline_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES};
    static char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    cr_assert_eq(hd_render_traces(f, g, p, &o), 0);
    fclose(f);
    const char *sep = "-----------+-------------------------------------------------------\n";
    char want[2048];
    snprintf(want, sizeof want,
             "Traces: B in the profile, leaf first\n"
             "%s        60   inlined_alloc (inline)\n             small_objects\n"
             "             main\n"
             "%s        20   inlined_alloc\n             caller\n             main\n"
             "%s        10   inlined_alloc (inline)\n             caller\n"
             "             main\n",
             sep, sep, sep);
    cr_assert_str_eq(buf, want);
    hd_graph_free(g);
    hd_model_free(p);
}

/* ---- what the percentages are of ---- */

Test(percentages, a_diff_is_of_its_delta_when_most_change_goes_one_way)
{
    /* A leak: +163 B net of 170 B that changed. */
    struct hd_denominator d = hd_choose_denominator((struct hd_sides){200, 37}, 170, true);
    cr_assert_eq(d.kind, HD_DENOMINATOR_DELTA);
    cr_assert_float_eq(d.value, 163, 0);
    /* Shrinkage: the delta's size, so that growth reads positive. */
    d = hd_choose_denominator((struct hd_sides){10, 50}, 44, true);
    cr_assert_eq(d.kind, HD_DENOMINATOR_DELTA);
    cr_assert_float_eq(d.value, 40, 0);
    /* The threshold: |delta| of at least half of the gross change. */
    d = hd_choose_denominator((struct hd_sides){110, 100}, 20, true);
    cr_assert_eq(d.kind, HD_DENOMINATOR_DELTA);
    d = hd_choose_denominator((struct hd_sides){110, 100}, 20.5, true);
    cr_assert_eq(d.kind, HD_DENOMINATOR_CURRENT);
    cr_assert_float_eq(d.value, 110, 0);
}

Test(percentages, changes_that_cancel_are_of_the_current_total)
{
    /* --normalize scales the base to the current total: the delta is a
     * rounding residue (tc-run1.0002 - normalized tc-run1.0001 printed
     * 162183436554506400.0% for recurse).  Two builds whose changes
     * nearly cancel gave -2375%. */
    struct hd_denominator d =
        hd_choose_denominator((struct hd_sides){1390336, 1390336 - 2.9e-10}, 126470, true);
    cr_assert_eq(d.kind, HD_DENOMINATOR_CURRENT);
    cr_assert_float_eq(d.value, 1390336, 0);
    /* Nothing at all: no percentages, with or without a base. */
    cr_assert_eq(hd_choose_denominator((struct hd_sides){0, 0}, 0, true).kind,
                 HD_DENOMINATOR_NONE);
    cr_assert_eq(hd_choose_denominator((struct hd_sides){0, 0}, 0, false).kind,
                 HD_DENOMINATOR_NONE);
    d = hd_choose_denominator((struct hd_sides){200, 0}, 200, false);
    cr_assert_eq(d.kind, HD_DENOMINATOR_TOTAL);
    cr_assert_float_eq(d.value, 200, 0);
}

Test(percentages, the_header_says_what_they_are_of_and_they_keep_their_sign)
{
    /* make_profile (200 B) against a base that held 190 B in leaf_alloc's
     * stack: growth elsewhere nearly cancels leaf_alloc's shrinkage. */
    struct hd_model *cur = make_profile();
    struct hd_error err;
    static const char base_text[] =
        "heap profile: 0: 0 [0: 0] @ heapprofile\n"
        "1: 190 [1: 190] @ 0x1100 0x1200 0x1300\n" /* leaf_alloc: 100 - 190 = -90 */
        "\nMAPPED_LIBRARIES:\n00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n";
    struct hd_model *base = hd_parse_buffer("b.heap", base_text, strlen(base_text), &err);
    cur = diff_of(cur, base);
    struct hd_graph *g = build(cur, HD_GRANULARITY_FUNCTIONS, NULL);
    /* Stacks: -90 (leaf_alloc), +40 (recurse), +60 (inlined_alloc): the
     * delta is +10 B of 190 B that changed, so the current total, 200 B. */
    cr_assert_float_eq(g->total, 10, 0);
    cr_assert_float_eq(g->shown_gross, 190, 0);
    struct hd_report_input c = {"cur.heap", 200}, b = {"base.heap", 190};
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES,
                                .currents = &c, .n_currents = 1, .bases = &b, .n_bases = 1};
    const char *out = render(g, &o);
    cr_assert(strstr(out, "Total: 10 B  (current minus base)\n"
                          "Percentages are of the current total, 200 B (|delta| < half of "
                          "all change)\n"
                          "      60  30.0%  30.0%       60  30.0% inlined_alloc (inline) (new)\n"
                          "      40  20.0%  50.0%       40  20.0% recurse (new)\n"),
              "%s", out);
    cr_assert(strstr(out, "     -90 -45.0%   5.0%      -90 -45.0% leaf_alloc\n"), "%s", out);
    hd_graph_free(g);
    hd_model_free(cur);
    hd_model_free(base);
}

Test(percentages, a_shrinking_diff_is_of_the_size_of_its_delta)
{
    /* Base 400 B in leaf_alloc's stack: that stack -300 B, the others
     * +100 B; the delta -200 B is half of the 400 B changed. */
    struct hd_model *cur = make_profile();
    struct hd_error err;
    static const char base_text[] =
        "heap profile: 0: 0 [0: 0] @ heapprofile\n"
        "1: 400 [1: 400] @ 0x1100 0x1200 0x1300\n"
        "\nMAPPED_LIBRARIES:\n00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n";
    struct hd_model *base = hd_parse_buffer("b.heap", base_text, strlen(base_text), &err);
    cur = diff_of(cur, base);
    struct hd_graph *g = build(cur, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_report_input c = {"cur.heap", 200}, b = {"base.heap", 400};
    struct hd_text_options o = {.value = HD_VALUE_INUSE_SPACE, .unit = HD_UNIT_BYTES,
                                .currents = &c, .n_currents = 1, .bases = &b, .n_bases = 1};
    const char *out = render(g, &o);
    cr_assert(strstr(out, "Total: -200 B  (current minus base; percentages are of its size)\n"
                          "      60  30.0%  30.0%       60  30.0% inlined_alloc (inline) (new)\n"),
              "growth is positive: %s", out);
    cr_assert(strstr(out, "    -300 -150.0% -100.0%     -300 -150.0% leaf_alloc\n"), "%s", out);
    hd_graph_free(g);
    hd_model_free(cur);
    hd_model_free(base);
}

/* ---- how much a report shows by default ---- */

Test(report, a_table_keeps_one_screen_unless_asked_and_nodecount_0_keeps_all)
{
    /* Go pprof's text report drops nodes under 0.5% (nodefraction 0.005);
     * heapdiff's also stops after HD_TEXT_DEFAULT_ROWS rows.  Asking for
     * any trimming replaces both, so --nodecount=0 is jeprof's whole
     * table. */
    struct hd_model *p = make_profile();
    struct hd_graph *g = build(p, HD_GRANULARITY_FUNCTIONS, NULL);
    struct hd_report_options o = {.value = HD_VALUE_INUSE_SPACE,
                                  .unit = HD_UNIT_DEFAULT,
                                  .node_count = HD_UNSET_COUNT,
                                  .node_fraction = HD_UNSET_FRACTION,
                                  .edge_fraction = HD_UNSET_FRACTION};
    const struct hd_emitter *text = hd_emitter_find("text");
    struct hd_report r;
    hd_report_prepare(&r, text, p, g, &o);
    cr_assert_eq(r.text.node_count, 20);
    cr_assert_float_eq(r.text.node_fraction, 0.005, 0);
    cr_assert(r.text.default_trim);
    hd_report_release(&r);
    o.node_count = 0;
    hd_report_prepare(&r, text, p, g, &o);
    cr_assert_eq(r.text.node_count, 0);
    cr_assert_float_eq(r.text.node_fraction, 0, 0);
    cr_assert_not(r.text.default_trim);
    hd_report_release(&r);
    o.node_count = HD_UNSET_COUNT;
    o.top = 50; /* --top 50 means 50 rows, not 20 */
    hd_report_prepare(&r, text, p, g, &o);
    cr_assert_eq(r.text.node_count, 0);
    cr_assert_eq(r.text.top, 50);
    cr_assert_float_eq(r.text.node_fraction, 0, 0);
    hd_report_release(&r);
    o.top = 0;
    o.node_fraction = 0.1;
    hd_report_prepare(&r, text, p, g, &o);
    cr_assert_eq(r.text.node_count, 0);
    cr_assert_float_eq(r.text.node_fraction, 0.1, 0);
    hd_report_release(&r);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(report, a_tables_unit_is_the_largest_its_magnitude_reaches_100_of)
{
    /* Two decimals then keep five significant digits of the largest
     * value (text.h, hd_table_unit). */
    cr_expect_eq(hd_table_unit(0), HD_UNIT_BYTES);
    cr_expect_eq(hd_table_unit(102399), HD_UNIT_BYTES);
    cr_expect_eq(hd_table_unit(102400), HD_UNIT_KIB);
    cr_expect_eq(hd_table_unit(-1324800), HD_UNIT_KIB); /* a shrinking diff */
    cr_expect_eq(hd_table_unit(100 * 1048576.0 - 1), HD_UNIT_KIB);
    cr_expect_eq(hd_table_unit(100 * 1048576.0), HD_UNIT_MIB);
    cr_expect_eq(hd_table_unit(100 * 1073741824.0), HD_UNIT_GIB);
}
