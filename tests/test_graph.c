/* Call-graph tests: pruning (node fraction, node count, edge fraction,
 * residual edges, determinism), pprof's colours, the dot text (labels,
 * legend, NEW/GONE marks, escaping, byte-identical output) and the
 * in-process graphviz renderings (SVG parsed back with libxml2, PNG and
 * PDF by their signatures). */
#include <criterion/criterion.h>
#include <graphviz/cgraph.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"
#include "dot.h"
#include "graph.h"
#include "gvc.h"
#include "parse.h"
#include "prune.h"
#include "run_heapdiff.h"
#include "scene.h"
#include "walk.h"

/* ---- helpers ---- */

#define MAPS "\nMAPPED_LIBRARIES:\n00001000-00100000 r-xp 00001000 00:00 1 /srv/app\n"

/* A function name for each address, as a symbolizer would give. */
struct name_of {
    uint64_t address;
    const char *function;
};

static struct hd_frame frame_pool[256];

/* Parse TEXT and name its locations after NAMES (unnamed ones stay
 * "app+0xOFFSET").  Frames live in frame_pool: one profile at a time. */
static struct hd_model *make(const char *text, const struct name_of *names, size_t n_names)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("t.heap", text, strlen(text), &err);
    cr_assert_not_null(p, "parse failed: %s", err.message);
    size_t used = 0;
    for (size_t i = 0; i < p->n_locations; i++) {
        for (size_t k = 0; k < n_names; k++) {
            if (p->locations[i].address == names[k].address) {
                cr_assert_lt(used, sizeof frame_pool / sizeof frame_pool[0]);
                frame_pool[used] = (struct hd_frame){names[k].function, "app.c", 1};
                p->locations[i].frames = &frame_pool[used++];
                p->locations[i].n_frames = 1;
            }
        }
    }
    return p;
}

static struct hd_graph *build(const struct hd_model *p)
{
    struct hd_graph_options o = {.value = HD_VALUE_INUSE_SPACE,
                                 .granularity = HD_GRANULARITY_FUNCTIONS};
    return hd_graph_build(p, &o);
}

static struct hd_view *prune(const struct hd_graph *g, const struct hd_model *p,
                             double node_fraction, double edge_fraction, size_t node_count)
{
    static struct hd_model_paths paths;
    paths = (struct hd_model_paths){g, p};
    struct hd_prune_options o = {node_fraction, edge_fraction, node_count,
                                 p ? hd_model_paths_walk : NULL, p ? &paths : NULL};
    return hd_prune(g, &o);
}

static bool kept(const struct hd_graph *g, const struct hd_view *v, const char *name)
{
    for (size_t i = 0; i < v->n_nodes; i++)
        if (strcmp(g->nodes[v->nodes[i]].name, name) == 0)
            return true;
    return false;
}

static const struct hd_view_edge *view_edge(const struct hd_graph *g, const struct hd_view *v,
                                            const char *caller, const char *callee)
{
    for (size_t i = 0; i < v->n_edges; i++)
        if (strcmp(g->nodes[v->edges[i].caller].name, caller) == 0 &&
            strcmp(g->nodes[v->edges[i].callee].name, callee) == 0)
            return &v->edges[i];
    return NULL;
}

/* OUT's whole contents after WRITE. */
static char *capture(void (*write)(FILE *, void *), void *context, size_t *size)
{
    char *data = NULL;
    size_t length = 0;
    FILE *f = open_memstream(&data, &length);
    cr_assert_not_null(f);
    write(f, context);
    fclose(f);
    if (size)
        *size = length;
    return data;
}

struct render_job {
    const struct hd_graph *graph;
    const struct hd_view *view;
    const struct hd_graph_render_options *options;
    enum hd_image_format format;
    bool dot;
};

static void write_job(FILE *f, void *context)
{
    struct render_job *j = context;
    if (j->dot) {
        cr_assert_eq(hd_render_dot(f, j->graph, j->view, j->options), 0);
        return;
    }
    struct hd_error err;
    cr_assert_eq(hd_render_image(f, j->format, j->graph, j->view, j->options, &err), 0,
                 "render failed: %s", err.message);
}

static char *render_dot(const struct hd_graph *g, const struct hd_view *v,
                        const struct hd_graph_render_options *o)
{
    struct render_job j = {g, v, o, HD_IMAGE_SVG, true};
    return capture(write_job, &j, NULL);
}

static char *render_image(const struct hd_graph *g, const struct hd_view *v,
                          const struct hd_graph_render_options *o, enum hd_image_format format,
                          size_t *size)
{
    struct render_job j = {g, v, o, format, false};
    return capture(write_job, &j, size);
}

static const struct hd_report_input current_input = {"cur.heap", 0};

static struct hd_graph_render_options plain_options(void)
{
    return (struct hd_graph_render_options){.value = HD_VALUE_INUSE_SPACE,
                                            .unit = HD_UNIT_BYTES,
                                            .currents = &current_input,
                                            .n_currents = 1};
}

/* ---- pruning ---- */

/*   main -> a -> leaf    50
 *   main -> b -> c -> leaf  10
 *   main -> d            45 (flat)
 *   main -> tiny          1 */
static const char chain_text[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                 "1: 50 [1: 50] @ 0x1900 0x1100 0x1000\n"
                                 "1: 10 [1: 10] @ 0x1900 0x1300 0x1200 0x1000\n"
                                 "1: 45 [1: 45] @ 0x1400 0x1000\n"
                                 "1: 1 [1: 1] @ 0x1500 0x1000\n" MAPS;
static const struct name_of chain_names[] = {{0x1000, "main"}, {0x1100, "a"},
                                             {0x1200, "b"},    {0x1300, "c"},
                                             {0x1400, "d"},    {0x1500, "tiny"},
                                             {0x1900, "leaf"}};
#define N_CHAIN (sizeof chain_names / sizeof chain_names[0])

Test(prune, node_fraction_drops_nodes_below_the_truncated_cutoff)
{
    struct hd_model *p = make(chain_text, chain_names, N_CHAIN);
    struct hd_graph *g = build(p);
    /* Σ|flat| = 106; 0.01 * 106 = 1.06 -> cutoff 1 (pprof truncates):
     * tiny (cum 1) is not below it.  0.02 -> 2: tiny goes. */
    struct hd_view *v = prune(g, p, 0.01, 0, 0);
    cr_expect_float_eq(v->abs_total, 106, 0);
    cr_expect_float_eq(v->node_cutoff, 1, 0);
    cr_expect(kept(g, v, "tiny"));
    hd_view_free(v);
    v = prune(g, p, 0.02, 0, 0);
    cr_expect_float_eq(v->node_cutoff, 2, 0);
    cr_expect_not(kept(g, v, "tiny"));
    cr_expect_eq(v->dropped_by_fraction, 1);
    cr_expect_eq(v->n_nonzero, 7);
    cr_expect_eq(v->n_nodes, 6);
    cr_expect_null(view_edge(g, v, "main", "tiny"));
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(prune, node_count_keeps_the_largest_cum_ties_by_flat_then_name)
{
    struct hd_model *p = make(chain_text, chain_names, N_CHAIN);
    struct hd_graph *g = build(p);
    struct hd_view *v = prune(g, p, 0, 0, 4);
    /* cum: main 106, leaf 60, a 50, d 45, b 10, c 10, tiny 1. */
    static const char *const order[] = {"main", "leaf", "a", "d"};
    cr_assert_eq(v->n_nodes, 4);
    for (size_t i = 0; i < 4; i++)
        cr_expect_str_eq(g->nodes[v->nodes[i]].name, order[i]);
    cr_expect_eq(v->n_candidates, 7);
    cr_expect_eq(v->dropped_by_count, 3);
    hd_view_free(v);
    /* b and c tie on cum (10) and flat (0): the name decides. */
    v = prune(g, p, 0, 0, 6);
    cr_expect_str_eq(g->nodes[v->nodes[4]].name, "b");
    cr_expect_str_eq(g->nodes[v->nodes[5]].name, "c");
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(prune, residual_edge_is_removed_when_its_target_is_reachable_otherwise)
{
    struct hd_model *p = make(chain_text, chain_names, N_CHAIN);
    struct hd_graph *g = build(p);
    /* Dropping b and c makes main ... leaf (10) residual, but main -> a ->
     * leaf still connects them: pprof's RemoveRedundantEdges deletes it. */
    struct hd_view *v = prune(g, p, 0, 0, 4);
    cr_expect_null(view_edge(g, v, "main", "leaf"));
    cr_expect_eq(v->redundant_residuals, 1);
    cr_expect_not_null(view_edge(g, v, "main", "a"));
    cr_expect_not_null(view_edge(g, v, "a", "leaf"));
    cr_expect_not_null(view_edge(g, v, "main", "d"));
    cr_expect_eq(v->n_edges, 3);
    cr_expect(v->exact_residuals);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

/*   main -> a          50 flat
 *   main -> b -> c -> e 8 (e's flat)
 * Keeping 3 nodes keeps main, a, e (e beats b and c on flat): the only way
 * from main to e is through b and c, so a residual edge stays. */
static const char residual_text[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                    "1: 50 [1: 50] @ 0x1100 0x1000\n"
                                    "1: 8 [1: 8] @ 0x1400 0x1300 0x1200 0x1000\n" MAPS;
static const struct name_of residual_names[] = {
    {0x1000, "main"}, {0x1100, "a"}, {0x1200, "b"}, {0x1300, "c"}, {0x1400, "e"}};

Test(prune, dropped_middle_nodes_leave_a_residual_edge_exactly_or_estimated)
{
    struct hd_model *p = make(residual_text, residual_names, 5);
    struct hd_graph *g = build(p);
    for (int exact = 0; exact < 2; exact++) {
        struct hd_view *v = prune(g, exact ? p : NULL, 0, 0, 3);
        cr_assert_eq(v->n_nodes, 3);
        cr_expect(kept(g, v, "e") && kept(g, v, "a") && kept(g, v, "main"));
        const struct hd_view_edge *r = view_edge(g, v, "main", "e");
        cr_assert_not_null(r, "no residual edge main ... e (exact=%d)", exact);
        cr_expect(r->residual);
        cr_expect_float_eq(r->weight, 8, 0);
        cr_expect_not(view_edge(g, v, "main", "a")->residual);
        cr_expect_eq(v->exact_residuals, exact == 1);
        hd_view_free(v);
    }
    hd_graph_free(g);
    hd_model_free(p);
}

Test(prune, residual_weights_are_exact_with_a_walk_and_merge_with_direct_calls)
{
    /* main -> x -> e (5) and main -> e (7): dropping x adds the 5 to the
     * direct edge, which becomes residual (pprof marks a merged edge so). */
    static const char text[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                               "1: 5 [1: 5] @ 0x1400 0x1300 0x1000\n"
                               "1: 7 [1: 7] @ 0x1400 0x1000\n"
                               "1: 100 [1: 100] @ 0x1100 0x1000\n" MAPS;
    static const struct name_of names[] = {
        {0x1000, "main"}, {0x1100, "big"}, {0x1300, "x"}, {0x1400, "e"}};
    struct hd_model *p = make(text, names, 4);
    struct hd_graph *g = build(p);
    struct hd_view *v = prune(g, p, 0, 0, 3);
    const struct hd_view_edge *r = view_edge(g, v, "main", "e");
    cr_assert_not_null(r);
    cr_expect_float_eq(r->weight, 12, 0);
    cr_expect(r->residual);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(prune, edge_fraction_drops_light_edges)
{
    struct hd_model *p = make(chain_text, chain_names, N_CHAIN);
    struct hd_graph *g = build(p);
    /* 0.05 * 106 = 5.3 -> 5: main -> tiny (1) goes; b -> c (10) stays. */
    struct hd_view *v = prune(g, p, 0, 0.05, 0);
    cr_expect_float_eq(v->edge_cutoff, 5, 0);
    cr_expect_null(view_edge(g, v, "main", "tiny"));
    cr_expect_not_null(view_edge(g, v, "b", "c"));
    cr_expect_eq(v->dropped_edges, 1);
    cr_expect(kept(g, v, "tiny")); /* nodes stay */
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(prune, defaults_drop_below_half_a_percent_keep_80_and_drop_edges_below_a_tenth)
{
    /* pprof's defaults (--nodefraction 0.005, --edgefraction 0.001,
     * --nodecount 80) on a profile whose Σ|flat| is 100000, so the cutoffs
     * are int(0.005 * 100000) = 500 and int(0.001 * 100000) = 100:
     *   main -> f00..f84   1000 + i each (85 leaves, 88570)
     *   main -> at_cutoff  500 (|cum| 500 is not below 500)
     *   main -> below      499 (dropped by the fraction)
     *   main -> f84 -> f83 99 (an edge below 100: dropped)
     *   main -> f84 -> f82 100 (an edge at 100: kept)
     *   main itself        10232, making the sum 100000. */
    static char text[8192], function_names[85][8];
    struct name_of names[88] = {{0x1000, "main"}, {0x3000, "at_cutoff"}, {0x3100, "below"}};
    size_t length = (size_t)snprintf(text, sizeof text,
                                     "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                     "1: 10232 [1: 10232] @ 0x1000\n"
                                     "1: 500 [1: 500] @ 0x3000 0x1000\n"
                                     "1: 499 [1: 499] @ 0x3100 0x1000\n"
                                     "1: 99 [1: 99] @ 0x%x 0x%x 0x1000\n"
                                     "1: 100 [1: 100] @ 0x%x 0x%x 0x1000\n",
                                     0x2000 + 16 * 83, 0x2000 + 16 * 84, 0x2000 + 16 * 82,
                                     0x2000 + 16 * 84);
    for (unsigned i = 0; i < 85; i++) {
        snprintf(function_names[i], sizeof function_names[i], "f%02u", i);
        names[3 + i] = (struct name_of){0x2000 + 16 * i, function_names[i]};
        length += (size_t)snprintf(text + length, sizeof text - length,
                                   "1: %u [1: %u] @ 0x%x 0x1000\n", 1000 + i, 1000 + i,
                                   0x2000 + 16 * i);
    }
    snprintf(text + length, sizeof text - length, "%s", MAPS);
    struct hd_model *p = make(text, names, 88);
    struct hd_graph *g = build(p);
    struct hd_model_paths paths = {g, p};
    struct hd_prune_options o = hd_prune_defaults();
    o.walk = hd_model_paths_walk;
    o.walk_source = &paths;
    struct hd_view *v = hd_prune(g, &o);

    cr_expect_float_eq(v->abs_total, 100000, 0);
    cr_expect_float_eq(v->node_cutoff, 500, 0);
    cr_expect_float_eq(v->edge_cutoff, 100, 0);
    /* Only "below" is under the node cutoff; at_cutoff is a candidate. */
    cr_expect_eq(v->n_nonzero, 88);
    cr_expect_eq(v->dropped_by_fraction, 1);
    cr_expect_eq(v->n_candidates, 87);
    /* 80 of the 87 stay: main, then f84 (cum 1283), f82 and f83 (1182
     * each, by name), f81 down to f06; f05..f00 and at_cutoff go. */
    cr_assert_eq(v->n_nodes, 80);
    cr_expect_eq(v->dropped_by_count, 7);
    cr_expect_str_eq(g->nodes[v->nodes[0]].name, "main");
    cr_expect_str_eq(g->nodes[v->nodes[1]].name, "f84");
    cr_expect_str_eq(g->nodes[v->nodes[2]].name, "f82");
    cr_expect_str_eq(g->nodes[v->nodes[3]].name, "f83");
    cr_expect_str_eq(g->nodes[v->nodes[79]].name, "f06");
    cr_expect_not(kept(g, v, "f05"));
    cr_expect_not(kept(g, v, "at_cutoff"));
    cr_expect_not(kept(g, v, "below"));
    /* Edges: main -> f06..f84 (79) and f84 -> f82 (100); f84 -> f83 (99)
     * is the one dropped. */
    cr_expect_null(view_edge(g, v, "f84", "f83"));
    const struct hd_view_edge *kept_edge = view_edge(g, v, "f84", "f82");
    cr_assert_not_null(kept_edge);
    cr_expect_float_eq(kept_edge->weight, 100, 0);
    cr_expect_eq(v->dropped_edges, 1);
    cr_expect_eq(v->n_edges, 80);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(prune, order_does_not_depend_on_node_ids)
{
    /* The same stacks in another order give other node ids, and the same
     * picture, byte for byte. */
    static const char reversed[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                   "1: 1 [1: 1] @ 0x1500 0x1000\n"
                                   "1: 45 [1: 45] @ 0x1400 0x1000\n"
                                   "1: 10 [1: 10] @ 0x1900 0x1300 0x1200 0x1000\n"
                                   "1: 50 [1: 50] @ 0x1900 0x1100 0x1000\n" MAPS;
    struct hd_graph_render_options o = plain_options();
    char *dots[2];
    for (int i = 0; i < 2; i++) {
        struct hd_model *p = make(i ? reversed : chain_text, chain_names, N_CHAIN);
        struct hd_graph *g = build(p);
        struct hd_view *v = prune(g, p, 0, 0, 4);
        dots[i] = render_dot(g, v, &o);
        hd_view_free(v);
        hd_graph_free(g);
        hd_model_free(p);
    }
    cr_expect_str_eq(dots[0], dots[1]);
    free(dots[0]);
    free(dots[1]);
}

Test(prune, empty_profile_gives_an_empty_view)
{
    /* A profile with no stack lines (a process that had freed
     * everything) makes a graph with no nodes: nothing is kept, nothing
     * is dropped, and the scale is 0. */
    static const char text[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n" MAPS;
    struct hd_model *p = make(text, NULL, 0);
    struct hd_graph *g = build(p);
    cr_assert_eq(g->n_nodes, 0);
    for (int exact = 0; exact < 2; exact++) {
        struct hd_view *v = prune(g, exact ? p : NULL, 0.005, 0.001, 80);
        cr_expect_eq(v->n_nodes, 0);
        cr_expect_eq(v->n_edges, 0);
        cr_expect_float_eq(v->abs_total, 0, 0);
        cr_expect_float_eq(v->node_cutoff, 0, 0);
        cr_expect_float_eq(v->edge_cutoff, 0, 0);
        cr_expect_eq(v->n_nonzero, 0);
        cr_expect_eq(v->dropped_by_fraction, 0);
        cr_expect_eq(v->n_candidates, 0);
        cr_expect_eq(v->dropped_by_count, 0);
        cr_expect_eq(v->dropped_edges, 0);
        cr_expect_eq(v->redundant_residuals, 0);
        cr_expect_eq(v->exact_residuals, exact == 1);
        hd_view_free(v);
    }
    hd_graph_free(g);
    hd_model_free(p);
}

/* ---- colours ---- */

Test(color, pprof_worked_example)
{
    /* FORMATS.md §6.2: cum -2408.28kB of 13589.78kB. */
    char c[HD_COLOR_SIZE];
    double score = -2408.28 / 13589.78;
    cr_expect_str_eq(hd_color_of(score, false, c), "#54b214");
    cr_expect_str_eq(hd_color_of(score, true, c), "#e0edd8");
}

Test(color, full_growth_is_pprof_red_and_zero_is_grey)
{
    /* FORMATS.md §6.2: main at 100% is color="#b20000" fillcolor="#edd5d5". */
    char c[HD_COLOR_SIZE];
    cr_expect_str_eq(hd_color_of(1.0, false, c), "#b20000");
    cr_expect_str_eq(hd_color_of(1.0, true, c), "#edd5d5");
    cr_expect_str_eq(hd_color_of(7.0, false, c), "#b20000"); /* clamped */
    cr_expect_str_eq(hd_color_of(-1.0, false, c), "#00b200");
    cr_expect_str_eq(hd_color_of(0.0, false, c), "#b2b2b2");
    cr_expect_str_eq(hd_color_of(0.0, true, c), "#ededed");
    cr_expect_str_eq(hd_color_of(NAN, false, c), "#b2b2b2");
}

/* ---- dot text ---- */

/* A diff: grows (leaf_alloc +100), shrinks (shrinker -30), new (fresh),
 * gone (old). */
static const char diff_current[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                   "1: 150 [1: 150] @ 0x1100 0x1000\n"
                                   "1: 10 [1: 10] @ 0x1200 0x1000\n"
                                   "1: 40 [1: 40] @ 0x1300 0x1000\n" MAPS;
static const char diff_base[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                "1: 50 [1: 50] @ 0x1100 0x1000\n"
                                "1: 40 [1: 40] @ 0x1200 0x1000\n"
                                "1: 20 [1: 20] @ 0x1400 0x1000\n" MAPS;
static const struct name_of diff_names[] = {{0x1000, "main"},
                                            {0x1100, "leaf_alloc"},
                                            {0x1200, "shrinker"},
                                            {0x1300, "ns::Fresh::make"},
                                            {0x1400, "old"}};

struct diff_fixture {
    struct hd_model *current, *base;
    struct hd_graph *graph;
    struct hd_view *view;
    struct hd_graph_render_options options;
};

static const char *const diff_filters[] = {"focus=main"};

static void diff_setup(struct diff_fixture *f)
{
    f->current = make(diff_current, diff_names, 5);
    struct hd_error err;
    f->base = hd_parse_buffer("b.heap", diff_base, strlen(diff_base), &err);
    cr_assert_not_null(f->base);
    {
        /* current minus base, as the core aligns them: two columns */
        struct hd_model *diff = hd_model_new();
        hd_model_align(diff, f->current, HD_ROLE_CURRENT);
        hd_model_align(diff, f->base, HD_ROLE_BASE);
        hd_model_free(f->current);
        f->current = diff;
    }
    /* Name the base-only location too (merge copied it). */
    for (size_t i = 0; i < f->current->n_locations; i++)
        if (f->current->locations[i].offset == 0x1400 && !f->current->locations[i].frames) {
            frame_pool[200] = (struct hd_frame){"old", "app.c", 1};
            f->current->locations[i].frames = &frame_pool[200];
            f->current->locations[i].n_frames = 1;
        }
    f->graph = build(f->current);
    f->view = prune(f->graph, f->current, 0, 0, 0);
    static const struct hd_report_input cur = {"cur.heap", 200}, base = {"base.heap", 110};
    f->options = (struct hd_graph_render_options){.value = HD_VALUE_INUSE_SPACE,
                                                  .unit = HD_UNIT_BYTES,
                                                  .currents = &cur,
                                                  .n_currents = 1,
                                                  .bases = &base,
                                                  .n_bases = 1,
                                                  .filters = diff_filters,
                                                  .n_filters = 1};
}

static void diff_teardown(struct diff_fixture *f)
{
    hd_view_free(f->view);
    hd_graph_free(f->graph);
    hd_model_free(f->current);
    hd_model_free(f->base);
}

/* The dot line that declares node NAME's first label line. */
static const char *line_with(const char *dot, const char *needle)
{
    const char *at = strstr(dot, needle);
    cr_assert_not_null(at, "'%s' not in:\n%s", needle, dot);
    return at;
}

Test(dot, diff_labels_signs_percentages_and_new_gone_marks)
{
    struct diff_fixture f;
    diff_setup(&f);
    char *dot = render_dot(f.graph, f.view, &f.options);
    /* delta = 200 - 110 = +90, under half of the 190 B that changed
     * (+100 +40 -30 -20): percentages are of the current total, 200 B, as
     * in the text report (hd_graph_denominator); of the delta leaf_alloc
     * would be 111.1%. */
    line_with(dot, "label=\"leaf_alloc\\n+100B (50.0%)\"");
    line_with(dot, "label=\"shrinker\\n-30B (-15.0%)\"");
    /* New: no base share.  Its name breaks at "::" as pprof's does. */
    const char *fresh = line_with(dot, "label=\"NEW\\nns\\nFresh\\nmake\\n+40B (20.0%)\"");
    cr_expect(strstr(fresh, "peripheries=\"2\"") < strchr(fresh, '\n'));
    const char *old = line_with(dot, "label=\"GONE\\nold\\n-20B (-10.0%)\"");
    cr_expect(strstr(old, "style=\"filled,dashed\"") < strchr(old, '\n'));
    line_with(dot, "label=\"main\\n0 (0.0%) of +90B (45.0%)\"");
    /* Growth red, shrinkage green (FORMATS.md §6.2 colours). */
    char red[HD_COLOR_SIZE], green[HD_COLOR_SIZE];
    hd_color_of(100.0 / 200, false, red);
    hd_color_of(-30.0 / 200, false, green);
    char want[64];
    snprintf(want, sizeof want, "color=\"%s\"", red);
    cr_expect(strstr(line_with(dot, "label=\"leaf_alloc"), want));
    snprintf(want, sizeof want, "color=\"%s\"", green);
    cr_expect(strstr(line_with(dot, "label=\"shrinker"), want));
    /* Tooltips carry base, current and delta. */
    line_with(dot, "tooltip=\"shrinker\\nflat -30B, cum -30B\\nbase 40 B, current 10 B, delta -30 B\"");
    free(dot);
    diff_teardown(&f);
}

Test(dot, legend_names_inputs_type_totals_denominator_filters_and_key)
{
    struct diff_fixture f;
    diff_setup(&f);
    char *dot = render_dot(f.graph, f.view, &f.options);
    const char *legend = line_with(dot, "subgraph cluster_legend {\n  \"Legend\" [label=\"");
    static const char *const lines[] = {
        "Base: base.heap (110 B)\\l",
        "Current: cur.heap (200 B)\\l",
        "Type: inuse_space\\l",
        "Current total 200 B, base total 110 B, delta +90 B\\l",
        "Percentages are of the current total, 200 B (|delta| < half of all change)\\l",
        "Active filters:\\l   focus=main\\l",
        "Showing 5 nodes and 4 edges\\l",
        "red grew, green shrank",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_expect(strstr(legend, lines[i]), "legend lacks '%s':\n%s", lines[i], legend);
    /* The colour key's sample nodes. */
    line_with(dot, "\"K1\" [label=\"grew\"");
    line_with(dot, "\"K3\" [label=\"shrank\"");
    line_with(dot, "\"K4\" [label=\"NEW\"");
    line_with(dot, "\"K5\" [label=\"GONE\"");
    free(dot);
    diff_teardown(&f);
}

/* The legend line of the denominator of CURRENT minus BASE, one stack
 * each: "Percentages are of ...". */
static char *denominator_line(const char *current, const char *base)
{
    static const struct name_of names[] = {{0x1000, "main"}, {0x1100, "leaf_alloc"}};
    struct hd_model *diff = hd_model_new(), *cur = make(current, names, 2);
    struct hd_error err;
    struct hd_model *b = hd_parse_buffer("b.heap", base, strlen(base), &err);
    hd_model_align(diff, cur, HD_ROLE_CURRENT);
    hd_model_align(diff, b, HD_ROLE_BASE);
    struct hd_graph *g = build(diff);
    struct hd_view *v = prune(g, diff, 0, 0, 0);
    static const struct hd_report_input in = {"c.heap", 0}, out = {"b.heap", 0};
    struct hd_graph_render_options o = plain_options();
    o.bases = &out;
    o.n_bases = 1;
    o.currents = &in;
    char *dot = render_dot(g, v, &o);
    const char *at = line_with(dot, "Percentages are of ");
    char *line = strndup(at, strcspn(at, "\\"));
    free(dot);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(b);
    hd_model_free(cur);
    hd_model_free(diff);
    return line;
}

Test(dot, legend_names_the_delta_or_its_size_as_the_text_report_does)
{
    static const char small[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                "1: 50 [1: 50] @ 0x1100 0x1000\n" MAPS;
    static const char large[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                                "1: 150 [1: 150] @ 0x1100 0x1000\n" MAPS;
    char *line = denominator_line(large, small);
    cr_expect_str_eq(line, "Percentages are of the delta, +100 B");
    free(line);
    line = denominator_line(small, large);
    cr_expect_str_eq(line, "Percentages are of |delta|, 100 B");
    free(line);
}

Test(dot, legend_says_what_was_dropped)
{
    struct hd_model *p = make(chain_text, chain_names, N_CHAIN);
    struct hd_graph *g = build(p);
    struct hd_view *v = prune(g, p, 0.02, 0.2, 4);
    struct hd_graph_render_options o = plain_options();
    char *dot = render_dot(g, v, &o);
    line_with(dot, "File: cur.heap (0 B)\\l");
    line_with(dot, "Total 106 B\\l");
    line_with(dot, "Dropped 1 node (|cum| < 2 B)\\l");
    line_with(dot, "Dropped 1 edge (|weight| < 21 B)\\l"); /* main ... leaf (10) */
    line_with(dot, "Showing top 4 nodes out of 6\\l");
    free(dot);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(dot, edges_have_pprof_weights_widths_and_dotted_residuals)
{
    struct hd_model *p = make(residual_text, residual_names, 5);
    struct hd_graph *g = build(p);
    struct hd_view *v = prune(g, p, 0, 0, 3);
    struct hd_graph_render_options o = plain_options();
    char *dot = render_dot(g, v, &o);
    /* main -> a: 50 of 58 -> weight 1 + min(100, 86) = 87, penwidth 1 + 4. */
    const char *a = line_with(dot, "\"N1\" -> \"N2\" [label=\" 50B\" weight=\"87\" penwidth=\"5\"");
    cr_expect(strstr(a, "tooltip=\"main -> a (50B)\""));
    const char *e = line_with(dot, "\"N1\" -> \"N3\" [label=\" 8B\" weight=\"14\"");
    cr_expect(strstr(e, "style=\"dotted\"") < strchr(e, '\n'));
    cr_expect(strstr(e, "tooltip=\"main ... e (8B)\""));
    /* fontsize 8 + ceil(16 sqrt(|flat| / max|flat|)): a 24, e 8 + 7. */
    line_with(dot, "\"N2\" [label=\"a\\n50B (86.2%)\" shape=\"box\" fontsize=\"24\"");
    line_with(dot, "\"N3\" [label=\"e\\n8B (13.8%)\" shape=\"box\" fontsize=\"15\"");
    line_with(dot, "\"N1\" [label=\"main\\n0 (0.0%) of 58B (100.0%)\" shape=\"box\" fontsize=\"8\"");
    free(dot);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(dot, inline_calls_are_marked)
{
    static const char text[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                               "1: 60 [1: 60] @ 0x1500 0x1000\n" MAPS;
    struct hd_model *p = make(text, (const struct name_of[]){{0x1000, "main"}}, 1);
    static struct hd_frame inl[2] = {{"inlined_alloc", "a.c", 1}, {"small_objects", "a.c", 2}};
    for (size_t i = 0; i < p->n_locations; i++)
        if (p->locations[i].address == 0x1500) {
            p->locations[i].frames = inl;
            p->locations[i].n_frames = 2;
        }
    struct hd_graph *g = build(p);
    struct hd_view *v = prune(g, p, 0, 0, 0);
    struct hd_graph_render_options o = plain_options();
    char *dot = render_dot(g, v, &o);
    line_with(dot, "[label=\" 60B\\n (inline)\"");
    free(dot);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(dot, names_and_paths_are_escaped)
{
    static const char text[] = "heap profile: 0: 0 [0: 0] @ heapprofile\n"
                               "1: 60 [1: 60] @ 0x1100 0x1000\n" MAPS;
    static const struct name_of names[] = {{0x1000, "say\"hi\\n"},
                                           {0x1100, "std::map<a::b, c>::insert"}};
    struct hd_model *p = make(text, names, 2);
    struct hd_graph *g = build(p);
    struct hd_view *v = prune(g, p, 0, 0, 0);
    static const struct hd_report_input in = {"dir\\x\"y.heap", 60};
    struct hd_graph_render_options o = plain_options();
    o.currents = &in;
    char *dot = render_dot(g, v, &o);
    /* '"' escaped for dot; a backslash doubled so "\n" stays literal;
     * no break inside template arguments. */
    line_with(dot, "label=\"say\\\"hi\\\\n\\n");
    line_with(dot, "label=\"std\\nmap<a::b, c>\\ninsert\\n");
    line_with(dot, "File: dir\\\\x\\\"y.heap (60 B)");
    /* graphviz reads it back with the intended strings. */
    Agraph_t *parsed = agmemread(dot);
    cr_assert_not_null(parsed);
    Agnode_t *n = agnode(parsed, "N2", 0);
    cr_assert_not_null(n);
    cr_expect_str_eq(agget(n, "label"), "say\"hi\\\\n\\n0 (0.0%) of 60B (100.0%)");
    agclose(parsed);
    free(dot);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
}

Test(dot, output_is_byte_identical_across_runs)
{
    /* Two heapdiff processes on the same diff (tc-run2 against tc-run1:
     * two runs, so the addresses differ by ASLR) print the same bytes for
     * --dot and for --svg: nothing in the output depends on addresses,
     * hash order, time or the process. */
    static const char *const formats[] = {"--dot", "--svg"};
    for (size_t i = 0; i < 2; i++) {
        const char *const argv[] = {formats[i], "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                                    "profiles/tc-run2.0003.heap", NULL};
        struct hd_test_run runs[2];
        for (int k = 0; k < 2; k++) {
            hd_test_run_heapdiff(argv, &runs[k]);
            cr_assert_eq(runs[k].status, 0, "%s: %s", formats[i], runs[k].err);
        }
        cr_expect_gt(runs[0].out_size, 1000, "%s printed too little", formats[i]);
        cr_expect(runs[0].out_size == runs[1].out_size &&
                      memcmp(runs[0].out, runs[1].out, runs[0].out_size) == 0,
                  "%s differs between two runs", formats[i]);
        hd_test_run_free(&runs[0]);
        hd_test_run_free(&runs[1]);
    }
}

/* ---- in-process rendering ---- */

static xmlXPathObjectPtr xpath(xmlXPathContextPtr x, const char *expression)
{
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expression, x);
    cr_assert_not_null(r, "bad xpath %s", expression);
    return r;
}

static char *xpath_string(xmlXPathContextPtr x, const char *expression)
{
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped, "string(%s)", expression);
    xmlXPathObjectPtr r = xpath(x, wrapped);
    char *s = strdup((const char *)r->stringval);
    xmlXPathFreeObject(r);
    return s;
}

Test(gvc, svg_has_nodes_tooltips_colors_and_legend)
{
    struct diff_fixture f;
    diff_setup(&f);
    size_t size;
    char *svg = render_image(f.graph, f.view, &f.options, HD_IMAGE_SVG, &size);
    xmlDocPtr doc = xmlReadMemory(svg, (int)size, "g.svg", NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "the SVG does not parse");
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(x, (const xmlChar *)"s", (const xmlChar *)"http://www.w3.org/2000/svg");
    xmlXPathRegisterNs(x, (const xmlChar *)"xl", (const xmlChar *)"http://www.w3.org/1999/xlink");
    /* One node group per view node, titled N1..N5. */
    xmlXPathObjectPtr nodes = xpath(x, "//s:g[@class='node']/s:title[starts-with(., 'N')]");
    cr_expect_eq(nodes->nodesetval ? nodes->nodesetval->nodeNr : 0, 5);
    xmlXPathFreeObject(nodes);
    /* The tooltip of leaf_alloc reaches the SVG as xlink:title. */
    char *tip = xpath_string(x, "//s:g[@class='node'][s:title='N1']//s:a/@xl:title");
    cr_expect(strstr(tip, "leaf_alloc\nflat +100B, cum +100B\nbase 50 B, current 150 B, delta +100 B"),
              "tooltip: %s", tip);
    free(tip);
    /* Its label text and fill colour. */
    char *label = xpath_string(x, "//s:g[@class='node'][s:title='N1']//s:text[1]");
    cr_expect_str_eq(label, "leaf_alloc");
    free(label);
    char bg[HD_COLOR_SIZE];
    char *fill = xpath_string(x, "//s:g[@class='node'][s:title='N1']//s:polygon/@fill");
    cr_expect_str_eq(fill, hd_color_of(100.0 / 200, true, bg));
    free(fill);
    /* The legend, as text lines of the Legend node. */
    char *legend = xpath_string(x, "//s:g[@class='node'][s:title='Legend']//s:text[3]");
    cr_expect_str_eq(legend, "Type: inuse_space");
    free(legend);
    char *gone = xpath_string(x, "//s:g[@class='node']//s:text[.='GONE']");
    cr_expect_str_eq(gone, "GONE");
    free(gone);
    xmlXPathFreeContext(x);
    xmlFreeDoc(doc);
    free(svg);
    diff_teardown(&f);
}

Test(gvc, cgraph_build_equals_layout_of_the_dot_text)
{
    /* --svg builds the graph with cgraph; reading the --dot text back and
     * rendering it must give the same SVG: the two outputs agree. */
    struct diff_fixture f;
    diff_setup(&f);
    size_t size;
    char *svg = render_image(f.graph, f.view, &f.options, HD_IMAGE_SVG, &size);
    char *dot = render_dot(f.graph, f.view, &f.options);
    char *data = NULL;
    size_t length = 0;
    FILE *mem = open_memstream(&data, &length);
    struct hd_error err;
    cr_assert_eq(hd_render_dot_text_image(mem, HD_IMAGE_SVG, dot, &err), 0, "%s", err.message);
    fclose(mem);
    cr_expect_eq(length, size);
    cr_expect(length == size && memcmp(data, svg, size) == 0, "the SVGs differ");
    free(data);
    free(dot);
    free(svg);
    diff_teardown(&f);
}

static uint32_t big_endian32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

Test(gvc, png_has_its_signature_and_dimensions)
{
    struct diff_fixture f;
    diff_setup(&f);
    size_t size;
    unsigned char *png =
        (unsigned char *)render_image(f.graph, f.view, &f.options, HD_IMAGE_PNG, &size);
    cr_assert_gt(size, 33);
    cr_expect(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    cr_expect(memcmp(png + 12, "IHDR", 4) == 0);
    cr_expect_gt(big_endian32(png + 16), 100); /* width */
    cr_expect_gt(big_endian32(png + 20), 100); /* height */
    free(png);
    diff_teardown(&f);
}

Test(gvc, pdf_has_its_header_and_trailer)
{
    struct diff_fixture f;
    diff_setup(&f);
    size_t size;
    char *pdf = render_image(f.graph, f.view, &f.options, HD_IMAGE_PDF, &size);
    cr_assert_gt(size, 16);
    cr_expect(memcmp(pdf, "%PDF-", 5) == 0);
    /* The trailer ends "%%EOF" and a newline. */
    cr_expect(memmem(pdf + size - 8, 8, "%%EOF", 5) != NULL);
    free(pdf);
    diff_teardown(&f);
}

Test(gvc, format_names)
{
    enum hd_image_format format;
    cr_expect_eq(hd_image_format_from_name("png", &format), 0);
    cr_expect_eq(format, HD_IMAGE_PNG);
    cr_expect_eq(hd_image_format_from_name("pdf", &format), 0);
    cr_expect_eq(format, HD_IMAGE_PDF);
    cr_expect_eq(hd_image_format_from_name("gif", &format), -1);
}

/* 100,000 distinct stacks of depth 4..11 over 3,000 functions: pruning to
 * the default 80 nodes keeps the layout small enough to draw.  Speed is
 * measured by the benchmarks (bench/), not by this test. */
Test(gvc, hundred_thousand_stacks_prune_and_render)
{
    size_t capacity = 100000 * 160 + 256, length = 0;
    char *text = malloc(capacity);
    cr_assert_not_null(text);
    length += (size_t)snprintf(text, capacity, "heap profile: 0: 0 [0: 0] @ heapprofile\n");
    uint64_t state = 42;
    for (size_t s = 0; s < 100000; s++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned depth = 4 + (unsigned)((state >> 33) % 8);
        length += (size_t)snprintf(text + length, capacity - length, "1: %u [1: %u] @",
                                   (unsigned)(16 + (s % 997)), (unsigned)(16 + (s % 997)));
        /* A distinct leaf pair per stack, then shared callers toward main. */
        length += (size_t)snprintf(text + length, capacity - length, " 0x%x 0x%x",
                                   (unsigned)(0x10000 + 16 * (s % 3000)),
                                   (unsigned)(0x40000 + 16 * (s / 3000)));
        for (unsigned d = 2; d + 1 < depth; d++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            length += (size_t)snprintf(text + length, capacity - length, " 0x%x",
                                       (unsigned)(0x80000 + 16 * ((state >> 33) % (64u << d))));
        }
        length += (size_t)snprintf(text + length, capacity - length, " 0x1000\n");
    }
    length += (size_t)snprintf(text + length, capacity - length, "%s",
                               "\nMAPPED_LIBRARIES:\n00001000-00400000 r-xp 00001000 00:00 1 /srv/app\n");
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("big.heap", text, length, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_expect_eq(p->n_stacks, 100000);
    struct hd_graph *g = build(p);
    struct hd_model_paths paths = {g, p};
    struct hd_prune_options po = hd_prune_defaults();
    po.walk = hd_model_paths_walk;
    po.walk_source = &paths;
    struct hd_view *v = hd_prune(g, &po);
    cr_expect_leq(v->n_nodes, 80);
    struct hd_graph_render_options o = plain_options();
    size_t size;
    char *svg = render_image(g, v, &o, HD_IMAGE_SVG, &size);
    cr_expect_gt(size, 1000);
    free(svg);
    hd_view_free(v);
    hd_graph_free(g);
    hd_model_free(p);
    free(text);
}
