/* Sampling noise: the variance rule of model/values.c against its
 * formula, the graph's sums of it, a simulation of jemalloc's sampler that
 * checks the coverage of the stated interval (value, cross-run delta,
 * same-run delta), and the marks the reports draw from it. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "graph.h"
#include "model.h"
#include "run_heapdiff.h"
#include "unsample.h"

/* ---- the formula ---- */

/* model.h's formula: Var(objects) = p (m + min(2m, 1)) s^2 with c = objects
 * / s recorded, m = c (1 - p) / p. */
static double formula(double c, double p, double s)
{
    double m = c * (1 - p) / p;
    return p * (m + fmin(2 * m, 1)) * s * s;
}

Test(significance, v2_variance_is_the_binomial_variance_of_the_recorded_count)
{
    /* 20000 x 48 B at R = 4096 (FORMATS.md §2.4): p = 1 - exp(-48/4096) =
     * 0.0116503; recorded c = 233.0; many missed (m = 19767), so the
     * variance is c (1 - p) / p^2 = 1.69667e6 (SE 1302.6 objects), and
     * Var(bytes) = 48^2 x that (SE 62525 B). */
    double objects = 20000, bytes = 960000;
    double var_objects = hd_sampling_variance(HD_SAMPLING_V2, 4096, objects, bytes, true);
    double var_bytes = hd_sampling_variance(HD_SAMPLING_V2, 4096, objects, bytes, false);
    double p = 1 - exp(-48.0 / 4096);
    cr_assert_float_eq(var_objects, formula(objects * p, p, 1 / p), 1e-9 * var_objects);
    cr_assert_float_eq(var_objects, objects * p * (1 - p) / (p * p), 1e-4 * var_objects);
    cr_assert_float_eq(sqrt(var_objects), 1302.6, 0.1);
    cr_assert_float_eq(var_bytes, 48.0 * 48.0 * var_objects, 1e-9 * var_bytes);
    cr_assert_float_eq(sqrt(var_bytes), 62525, 1);
}

Test(significance, few_missed_objects_widen_the_interval)
{
    /* 30 x 16 KiB at R = 4096: p = 1 - exp(-4) = 0.981684, m = 0.5597
     * missed expected; Var(c) = p (m + min(2m, 1)) = 1.5312, not the
     * binomial's c (1 - p) = 0.5495 (whose interval covers 90%, see the
     * simulation below). */
    double p = -expm1(-4.0);
    double v = hd_sampling_variance(HD_SAMPLING_V2, 4096, 30 / p, 30 / p * 16384, true);
    cr_assert_float_eq(v, formula(30, p, 1 / p), 1e-9 * v);
    cr_assert_float_eq(v * p * p, 1.5312, 1e-4);
}

Test(significance, v1_variance_uses_the_rules_own_factor)
{
    /* v1 at R' = 524288 for 48-byte objects: the factor is R'/48 =
     * 10922.67 (FORMATS.md §2.2), so c = objects / 10922.67, while the
     * chance to be recorded is p = 1 - exp(-48/R') = 9.15485e-5. */
    double factor = 524288.0 / 48, c = 10, objects = c * factor;
    double p = -expm1(-48.0 / 524288);
    double v = hd_sampling_variance(HD_SAMPLING_V1, 524288, objects, objects * 48, true);
    cr_assert_float_eq(v, formula(c, p, factor), 1e-9 * v);
    /* Objects above the period are kept as counted (factor 1): 4 x 1 MiB,
     * p = 1 - exp(-2), m = 4 e^-2 / p = 0.626. */
    v = hd_sampling_variance(HD_SAMPLING_V1, 524288, 4, 4 * 1048576.0, true);
    cr_assert_float_eq(v, formula(4, -expm1(-2.0), 1), 1e-12);
}

Test(significance, exact_values_have_no_variance)
{
    cr_assert_eq(hd_sampling_variance(HD_SAMPLING_NONE, 0, 100, 4800, false), 0);
    /* heap_v2/1: jemalloc's lg_prof_sample:0 records every allocation. */
    cr_assert_eq(hd_sampling_variance(HD_SAMPLING_V2, 1, 100, 4800, false), 0);
    /* The pairs hd_unsample_pair leaves alone. */
    cr_assert_eq(hd_sampling_variance(HD_SAMPLING_V2, 4096, 0, 4800, false), 0);
    cr_assert_eq(hd_sampling_variance(HD_SAMPLING_V2, 4096, 100, 0, false), 0);
    /* Only 0 is within the noise of an exact value. */
    cr_assert(hd_within_noise(0, 0));
    cr_assert_not(hd_within_noise(1, 0));
    cr_assert(hd_within_noise(-20, 100));
    cr_assert_not(hd_within_noise(-20.5, 100));
}

/* ---- a model the way the parser makes one ---- */

/* Append a V2 input at PERIOD with ROLE to M: for each I < N, RECORDED[I]
 * objects of SIZES[I] bytes at stack I (one location at 0x1000 + 16 I),
 * unsampled as the parser does (hd_unsample_pair).  Returns its index. */
static uint32_t add_sampled_input(struct hd_model *m, enum hd_role role, double period,
                                  const double *sizes, const uint64_t *recorded, size_t n)
{
    uint32_t k = hd_model_add_input(m, role == HD_ROLE_BASE ? "base" : "current", role);
    m->inputs[k].producer = HD_PRODUCER_JEMALLOC;
    m->inputs[k].sampling = HD_SAMPLING_V2;
    m->inputs[k].sample_period = period;
    for (size_t i = 0; i < n; i++) {
        uint32_t location = hd_model_intern_address(m, 0x1000 + 16 * i);
        uint32_t stack = hd_model_intern_stack(m, &location, 1);
        struct hd_values v = {(double)recorded[i], (double)recorded[i] * sizes[i], 0, 0};
        hd_unsample_pair(HD_SAMPLING_V2, period, &v.inuse_objects, &v.inuse_bytes);
        hd_model_add_sample(m, k, stack, HD_ALL_THREADS, &v);
    }
    return k;
}

/* ---- jemalloc's sampler ---- */

/* splitmix64: a fixed seed makes every run draw the same numbers. */
struct rng {
    uint64_t state;
};

static uint64_t next_u64(struct rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1]. */
static double next_unit(struct rng *r)
{
    return ((double)(next_u64(r) >> 11) + 1.0) / 9007199254740992.0;
}

/* jemalloc's sampler (PROFILING_INTERNALS.md, "Fast Bernoulli sampling"):
 * a countdown of bytes drawn from the exponential distribution of mean
 * PERIOD; each allocation takes its size off it, and the one that reaches
 * 0 is recorded and a new countdown drawn. */
struct sampler {
    struct rng rng;
    double period;
    double left; /* bytes until the next recorded allocation */
};

static void sampler_draw(struct sampler *s)
{
    s->left = -log(next_unit(&s->rng)) * s->period;
}

static bool sampler_records(struct sampler *s, double size)
{
    s->left -= size;
    if (s->left > 0)
        return false;
    sampler_draw(s);
    return true;
}

/* The allocation stream: one stack per size, 48 B to 1 MiB, with COUNT
 * objects each, allocated interleaved as a program would. */
#define N_STACKS 5
static const double stream_sizes[N_STACKS] = {48, 512, 4096, 16384, 1048576};
static const uint64_t stream_counts[N_STACKS] = {6000, 800, 150, 30, 4};

/* Allocate COUNTS[i] objects of each stream size through S, adding the
 * recorded ones to RECORDED (each object's fate into KEPT[i][j] when
 * KEPT is not NULL). */
static void allocate(struct sampler *s, const uint64_t *counts, uint64_t *recorded,
                     bool (*kept)[6000])
{
    uint64_t most = 0;
    for (size_t i = 0; i < N_STACKS; i++)
        most = counts[i] > most ? counts[i] : most;
    for (uint64_t j = 0; j < most; j++)
        for (size_t i = 0; i < N_STACKS; i++) {
            if (j >= counts[i])
                continue;
            bool r = sampler_records(s, stream_sizes[i]);
            recorded[i] += r;
            if (kept)
                kept[i][j] = r;
        }
}

#define TRIALS 2000
#define PERIOD 4096.0 /* lg_prof_sample:12, as testdata's je-sampled */
/* 2 standard errors cover 95.45% of a normal estimate; the binomial
 * counts here (30 to 100 recorded per stack) are close to normal.  The
 * tolerance is 4 standard errors of a proportion over TRIALS. */
#define NOMINAL 0.9545
#define TOLERANCE 0.02

/* Coverage counters per stack and for the sum of all stacks. */
struct coverage {
    unsigned covered[N_STACKS + 1];
};

/* Count whether ESTIMATE, with VARIANCE, is within HD_NOISE_Z standard
 * errors of TRUTH, at slot I. */
static void tally(struct coverage *c, size_t i, double estimate, double truth, double variance)
{
    c->covered[i] += hd_within_noise(estimate - truth, variance);
}

static void tally_model(struct coverage *c, const struct hd_model *m, const double *truth)
{
    double sum = 0, sum_truth = 0, sum_var = 0;
    for (size_t i = 0; i < N_STACKS; i++) {
        struct hd_sides sides = hd_model_sample_sides(m, i, HD_VALUE_INUSE_SPACE);
        double var = hd_delta_variance(hd_model_sample_variance(m, i, HD_VALUE_INUSE_SPACE));
        tally(c, i, sides.current - sides.base, truth[i], var);
        sum += sides.current - sides.base;
        sum_truth += truth[i];
        sum_var += var;
    }
    tally(c, N_STACKS, sum, sum_truth, sum_var);
}

/* Assert each stack's coverage within TOLERANCE of NOMINAL, or (AT_LEAST)
 * not below NOMINAL - TOLERANCE; stacks of objects the sampler always
 * records (16 KiB and up: 1 - p < 0.02) are exact, and covered always. */
static void expect_coverage(const struct coverage *c, const char *what, bool at_least)
{
    for (size_t i = 0; i <= N_STACKS; i++) {
        double rate = (double)c->covered[i] / TRIALS;
        const char *name = i < N_STACKS ? "stack" : "sum";
        double size = i < N_STACKS ? stream_sizes[i] : 0;
        cr_log_info("%s coverage, %s %.0f B: %.4f", what, name, size, rate);
        if (i < N_STACKS && stream_sizes[i] >= 16384) {
            cr_expect(rate >= NOMINAL, "%s, %.0f B: %.4f", what, size, rate);
            continue;
        }
        cr_expect(rate >= NOMINAL - TOLERANCE, "%s, %s %.0f B: coverage %.4f", what, name,
                  size, rate);
        if (!at_least)
            cr_expect(rate <= NOMINAL + TOLERANCE, "%s, %s %.0f B: coverage %.4f", what,
                      name, size, rate);
    }
}

Test(significance, value_interval_covers_the_truth_at_its_stated_rate)
{
    struct sampler s = {{20261201}, PERIOD, 0};
    sampler_draw(&s);
    struct coverage c = {{0}};
    double truth[N_STACKS];
    for (size_t i = 0; i < N_STACKS; i++)
        truth[i] = stream_counts[i] * stream_sizes[i];
    for (int t = 0; t < TRIALS; t++) {
        uint64_t recorded[N_STACKS] = {0};
        allocate(&s, stream_counts, recorded, NULL);
        struct hd_model *m = hd_model_new();
        add_sampled_input(m, HD_ROLE_CURRENT, PERIOD, stream_sizes, recorded, N_STACKS);
        tally_model(&c, m, truth);
        hd_model_free(m);
    }
    expect_coverage(&c, "value", false);
}

Test(significance, delta_interval_of_two_runs_covers_the_truth_at_its_stated_rate)
{
    /* Two processes: the current allocates 1.5 times what the base did,
     * each with its own sampler; the delta's variance is the sum. */
    struct sampler base_sampler = {{7}, PERIOD, 0}, current_sampler = {{8}, PERIOD, 0};
    sampler_draw(&base_sampler);
    sampler_draw(&current_sampler);
    uint64_t current_counts[N_STACKS];
    double truth[N_STACKS];
    for (size_t i = 0; i < N_STACKS; i++) {
        current_counts[i] = stream_counts[i] * 3 / 2;
        truth[i] = (double)(current_counts[i] - stream_counts[i]) * stream_sizes[i];
    }
    struct coverage c = {{0}};
    for (int t = 0; t < TRIALS; t++) {
        uint64_t base[N_STACKS] = {0}, current[N_STACKS] = {0};
        allocate(&base_sampler, stream_counts, base, NULL);
        allocate(&current_sampler, current_counts, current, NULL);
        struct hd_model *m = hd_model_new();
        add_sampled_input(m, HD_ROLE_BASE, PERIOD, stream_sizes, base, N_STACKS);
        add_sampled_input(m, HD_ROLE_CURRENT, PERIOD, stream_sizes, current, N_STACKS);
        tally_model(&c, m, truth);
        hd_model_free(m);
    }
    expect_coverage(&c, "cross-run delta", false);
}

Test(significance, delta_interval_within_one_run_is_conservative)
{
    /* One process dumps, frees every other object, allocates half as much
     * again and dumps: the objects live in both dumps were recorded (or
     * not) once.  The sum of the sides' variances over-states the
     * delta's, so the interval covers more often than stated. */
    static bool kept[N_STACKS][6000];
    struct sampler s = {{99}, PERIOD, 0};
    sampler_draw(&s);
    uint64_t more[N_STACKS];
    double truth[N_STACKS];
    for (size_t i = 0; i < N_STACKS; i++) {
        more[i] = stream_counts[i] / 2;
        /* Half of the first set freed ((count + 1) / 2 survive), half as
         * many allocated. */
        uint64_t survivors = (stream_counts[i] + 1) / 2;
        truth[i] = ((double)survivors + (double)more[i] - (double)stream_counts[i]) *
                   stream_sizes[i];
    }
    struct coverage c = {{0}};
    for (int t = 0; t < TRIALS; t++) {
        uint64_t first[N_STACKS] = {0}, added[N_STACKS] = {0}, second[N_STACKS];
        allocate(&s, stream_counts, first, kept);
        allocate(&s, more, added, NULL);
        for (size_t i = 0; i < N_STACKS; i++) {
            second[i] = added[i];
            for (uint64_t j = 0; j < stream_counts[i]; j += 2)
                second[i] += kept[i][j];
        }
        struct hd_model *m = hd_model_new();
        add_sampled_input(m, HD_ROLE_BASE, PERIOD, stream_sizes, first, N_STACKS);
        add_sampled_input(m, HD_ROLE_CURRENT, PERIOD, stream_sizes, second, N_STACKS);
        tally_model(&c, m, truth);
        hd_model_free(m);
    }
    expect_coverage(&c, "same-run delta", true);
    /* Conservative, not useless: each dump holds n objects' worth, the
     * delta only the n/2 freed and the n/2 added, so the stated variance
     * is twice the true one and the interval sqrt(2) times as wide: it
     * covers 99.5% (|Z| <= 2.83), not always. */
    for (size_t i = 0; i < 2; i++)
        cr_expect(c.covered[i] < TRIALS, "stack %zu always covered", i);
}

/* ---- the graph sums variances as it sums values ---- */

Test(significance, graph_sums_variances_over_independent_samples_once_per_sample)
{
    /* Two stacks, leaf first: A <- ROOT and ROOT <- ROOT <- ROOT (recursion),
     * 100 and 50 recorded 48-byte objects at R = 4096; a base of 10 of the
     * first.  Unsymbolized, the nodes are "0x1000" (A) and "0x2000". */
    struct hd_model *m = hd_model_new();
    uint32_t a = hd_model_intern_address(m, 0x1000), root = hd_model_intern_address(m, 0x2000);
    uint32_t first[2] = {a, root}, second[3] = {root, root, root};
    uint32_t s1 = hd_model_intern_stack(m, first, 2), s2 = hd_model_intern_stack(m, second, 3);
    uint32_t k = hd_model_add_input(m, "current", HD_ROLE_CURRENT);
    uint32_t b = hd_model_add_input(m, "base", HD_ROLE_BASE);
    for (uint32_t i = 0; i < 2; i++) {
        m->inputs[i].sampling = HD_SAMPLING_V2;
        m->inputs[i].sample_period = 4096;
    }
    struct hd_values v1 = {100, 4800, 0, 0}, v2 = {50, 2400, 0, 0}, v3 = {10, 480, 0, 0};
    hd_unsample_pair(HD_SAMPLING_V2, 4096, &v1.inuse_objects, &v1.inuse_bytes);
    hd_unsample_pair(HD_SAMPLING_V2, 4096, &v2.inuse_objects, &v2.inuse_bytes);
    hd_unsample_pair(HD_SAMPLING_V2, 4096, &v3.inuse_objects, &v3.inuse_bytes);
    hd_model_add_sample(m, k, s1, HD_ALL_THREADS, &v1);
    hd_model_add_sample(m, k, s2, HD_ALL_THREADS, &v2);
    hd_model_add_sample(m, b, s1, HD_ALL_THREADS, &v3);
    double var1 = hd_sampling_variance(HD_SAMPLING_V2, 4096, v1.inuse_objects, v1.inuse_bytes,
                                       false);
    double var2 = hd_sampling_variance(HD_SAMPLING_V2, 4096, v2.inuse_objects, v2.inuse_bytes,
                                       false);
    double var3 = hd_sampling_variance(HD_SAMPLING_V2, 4096, v3.inuse_objects, v3.inuse_bytes,
                                       false);
    /* Var(bytes) of c recorded 48-byte objects: 48^2 Var(objects). */
    double p = 1 - exp(-48.0 / 4096);
    cr_assert_float_eq(var1, formula(100, p, 1 / p) * 48 * 48, 1e-9 * var1);

    struct hd_graph_options o = {.value = HD_VALUE_INUSE_SPACE};
    struct hd_graph *g = hd_graph_build(m, &o);
    const struct hd_node *na = NULL, *nroot = NULL;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (strcmp(g->nodes[i].name, "0x1000") == 0)
            na = &g->nodes[i];
        if (strcmp(g->nodes[i].name, "0x2000") == 0)
            nroot = &g->nodes[i];
    }
    cr_assert(na && nroot);
    cr_assert_float_eq(na->flat_var, var1 + var3, 1e-6 * var1);
    cr_assert_float_eq(na->current_flat_var, var1, 1e-6 * var1);
    cr_assert_float_eq(na->cum_var, var1 + var3, 1e-6 * var1);
    /* The root: flat of the recursive stack, cum of both, each once. */
    cr_assert_float_eq(nroot->flat_var, var2, 1e-6 * var2);
    cr_assert_float_eq(nroot->cum_var, var1 + var2 + var3, 1e-6 * var1);
    cr_assert_float_eq(nroot->current_cum_var, var1 + var2, 1e-6 * var1);
    for (size_t e = 0; e < g->n_edges; e++)
        if (g->edges[e].caller == (uint32_t)(nroot - g->nodes) &&
            g->edges[e].callee == (uint32_t)(na - g->nodes))
            cr_assert_float_eq(g->edges[e].weight_var, var1 + var3, 1e-6 * var1);
    hd_graph_free(g);
    hd_model_free(m);
}

/* ---- the reports ---- */

static void run(struct hd_test_run *r, const char *first, ...)
{
    const char *argv[32];
    size_t argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s && argc < 31; s = va_arg(ap, const char *))
        argv[argc++] = s;
    va_end(ap);
    argv[argc] = NULL;
    hd_test_run_heapdiff(argv, r);
}

/* The line of R's output that ends in NAME, or NULL. */
static const char *row(const struct hd_test_run *r, const char *name, char *buf, size_t size)
{
    for (const char *line = r->out; *line;) {
        size_t n = strcspn(line, "\n");
        size_t k = strlen(name);
        if (n >= k && strncmp(line + n - k, name, k) == 0 && line[n - k - 1] == ' ') {
            snprintf(buf, size, "%.*s", (int)n, line);
            return buf;
        }
        line += n + (line[n] == '\n');
    }
    return NULL;
}

Test(significance, compare_marks_the_deltas_within_sampling_noise)
{
    /* je-sampled.3 -> .4, one tick of leaky at R = 4096 (testdata/README.md):
     * recurse's 256 KiB objects are always recorded, so +524288 B is
     * exact; inlined_alloc's 48-byte objects are recorded 1 in 86, and
     * its +20600 B (truth +48000) lies within 2 SE (SE 37.3 KB: each dump
     * holds about 40 records of it).  cache_fill did not change: 0, no
     * mark.  Over two ticks (.2 -> .4) inlined_alloc's +78280 B is
     * outside its noise. */
    struct hd_test_run r;
    char buf[256];
    run(&r, "--compare", "--show_bytes", "--base=profiles/je-sampled.3.heap", "bin/leaky",
        "profiles/je-sampled.4.heap", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "~: the delta is within sampling noise (|delta| <= 2 standard "
                            "errors)\n"),
              "%s", r.out);
    cr_expect_str_eq(row(&r, "recurse", buf, sizeof buf),
                     "   1572864    2097152     524288   +33.3%  recurse");
    cr_expect_str_eq(row(&r, "inlined_alloc (inline)", buf, sizeof buf),
                     "    160681     181281      20600~  +12.8%  inlined_alloc (inline)");
    cr_expect_str_eq(row(&r, "cache_fill", buf, sizeof buf),
                     "     74104      74104          0    +0.0%  cache_fill");
    hd_test_run_free(&r);

    run(&r, "--compare", "--show_bytes", "--base=profiles/je-sampled.2.heap", "bin/leaky",
        "profiles/je-sampled.4.heap", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(row(&r, "inlined_alloc (inline)", buf, sizeof buf),
                     "    103000     181281      78280   +76.0%  inlined_alloc (inline)");
    hd_test_run_free(&r);

    /* Exact profiles: no mark, no legend line. */
    run(&r, "--compare", "--show_bytes", "--base=profiles/tc-run1.0003.heap", "bin/leaky",
        "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_null(strstr(r.out, "sampling noise"), "%s", r.out);
    cr_expect_null(strchr(r.out, '~'), "%s", r.out);
    hd_test_run_free(&r);
}

Test(significance, graphs_draw_the_changes_within_noise_grey)
{
    struct hd_test_run r;
    run(&r, "--dot", "--show_bytes", "--base=profiles/je-sampled.3.heap", "bin/leaky",
        "profiles/je-sampled.4.heap", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* Grey is hd_color_of(0): "#b2b2b2" border, "#ededed" fill. */
    const char *leaf = strstr(r.out, "[label=\"inlined_alloc\\n+20600B");
    cr_assert_not_null(leaf, "%s", r.out);
    cr_expect(strstr(leaf, "within sampling noise (SE 37321 B)\" color=\"#b2b2b2\" "
                           "fillcolor=\"#ededed\""),
              "%.600s", leaf);
    const char *lib = strstr(r.out, "[label=\"recurse\\n+524288B");
    cr_assert_not_null(lib, "%s", r.out);
    size_t line = strcspn(lib, "\n");
    cr_expect(strstr(lib, "color=\"#") && !memmem(lib, line, "within sampling noise", 21) &&
                  !memmem(lib, line, "#b2b2b2", 7),
              "%.*s", (int)line, lib);
    cr_expect(strstr(r.out, "Grey also: the change is within sampling noise (|delta| <= 2 "
                            "standard errors)"),
              "%s", r.out);
    hd_test_run_free(&r);
}
