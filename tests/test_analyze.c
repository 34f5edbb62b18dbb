/* The statistics and the leak-or-plateau classifier on series with known
 * answers (analyze/). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "classify.h"
#include "stats.h"
#include "trend.h"

/* A fixed-seed generator, so every run draws the same noise. */
static uint64_t rng_state;
static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double gaussian(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static struct hd_classification classify(const double *y, const double *var, size_t n)
{
    struct hd_trend_thresholds t;
    hd_trend_thresholds_init(&t);
    return hd_classify(y, var, n, &t);
}

#define MB (1024.0 * 1024.0)

Test(stats, theil_sen_ignores_one_outlier)
{
    double y[] = {0, 2, 4, 60, 8, 10, 12};
    cr_assert_float_eq(hd_theil_sen(NULL, y, 7), 2.0, 1e-12);
    double x[] = {0, 10, 20, 30, 40, 50, 60};
    cr_assert_float_eq(hd_theil_sen(x, y, 7), 0.2, 1e-12);
}

Test(stats, mann_kendall_is_exact_for_short_series)
{
    double up[] = {1, 2, 3};
    struct hd_mann_kendall mk = hd_mann_kendall(up, 3, 0);
    cr_assert_eq(mk.s, 3);
    cr_assert_float_eq(mk.p_up, 1.0 / 6, 1e-12);    /* one ordering of six */
    cr_assert_float_eq(mk.p_down, 1.0, 1e-12);
    double five[] = {1, 3, 2, 4, 5}; /* one inversion: S = 10 - 2 = 8 */
    mk = hd_mann_kendall(five, 5, 0);
    cr_assert_eq(mk.s, 8);
    cr_assert_float_eq(mk.p_up, 5.0 / 120, 1e-12); /* 1 + 4 orderings with <= 1 inversion */
}

Test(stats, mann_kendall_counts_differences_within_tie_as_ties)
{
    double y[] = {10, 10.5, 9.8, 10.2, 10.1, 9.9};
    struct hd_mann_kendall mk = hd_mann_kendall(y, 6, 1.0);
    cr_assert_eq(mk.s, 0);
    cr_assert_float_eq(mk.p_up, 1.0, 1e-12); /* every pair tied: no evidence at all */
}

Test(classify, linear_leak_under_noise_is_a_leak)
{
    rng_state = 1;
    double y[12], var[12];
    for (int i = 0; i < 12; i++) {
        var[i] = (0.3 * MB) * (0.3 * MB);
        y[i] = 50 * MB + i * 1.0 * MB + sqrt(var[i]) * gaussian();
    }
    struct hd_classification c = classify(y, var, 12);
    cr_assert_eq(c.verdict, HD_VERDICT_LEAK, "%s", hd_verdict_name(c.verdict));
    cr_assert_gt(c.confidence, 0.999);
    cr_assert_float_eq(c.slope, 1.0 * MB, 0.2 * MB);
}

Test(classify, warm_up_then_flat_is_a_plateau)
{
    rng_state = 2;
    double y[12];
    for (int i = 0; i < 12; i++)
        y[i] = 16 * MB * (1 - exp(-i / 1.5)) + 0.05 * MB * gaussian();
    struct hd_classification c = classify(y, NULL, 12);
    cr_assert_eq(c.verdict, HD_VERDICT_PLATEAU, "%s", hd_verdict_name(c.verdict));
    cr_assert_lt(fabs(c.late_slope), 0.01 * c.growth);
}

Test(classify, a_sawtooth_is_transient)
{
    /* A batch every third snapshot, freed at the next. */
    double y[12] = {0, 0, 6, 0, 0, 6, 0, 0, 6, 0, 0, 6};
    for (int i = 0; i < 12; i++)
        y[i] = 10 + y[i] * MB;
    cr_assert_eq(classify(y, NULL, 12).verdict, HD_VERDICT_TRANSIENT);
    /* The same ending low. */
    double z[11] = {0, 0, 6, 0, 0, 6, 0, 0, 6, 0, 0};
    cr_assert_eq(classify(z, NULL, 11).verdict, HD_VERDICT_TRANSIENT);
}

Test(classify, a_step_is_a_plateau_wherever_it_is)
{
    for (int at = 1; at < 11; at++) {
        double y[12];
        for (int i = 0; i < 12; i++)
            y[i] = i >= at ? 8 * MB : 1 * MB;
        struct hd_classification c = classify(y, NULL, 12);
        cr_assert_eq(c.verdict, HD_VERDICT_PLATEAU, "step at %d: %s", at,
                     hd_verdict_name(c.verdict));
    }
}

Test(classify, a_slow_leak_at_two_percent_under_churn_is_found_and_churn_is_not)
{
    /* A process of ~500 MB: twenty churning nodes move up and down by up
     * to 10% of their size; one node leaks 10 MB over the series (2%). All
     * are sampled at jemalloc's default rate (512 KiB samples). */
    rng_state = 3;
    enum { N = 16, CHURN = 20 };
    double rate = 512 * 1024;
    double leak[N], leak_var[N];
    /* Snapshots of one run: what was sampled stays sampled, each tick's
     * new allocations are sampled afresh (variance = bytes x sample). */
    double step = 10 * MB / (N - 1), sum = 0;
    for (int i = 0; i < N; i++) {
        if (i > 0)
            sum += step + sqrt(step * rate) * gaussian();
        leak[i] = sum;
        leak_var[i] = step * i * rate;
    }
    struct hd_classification c = classify(leak, leak_var, N);
    cr_assert_eq(c.verdict, HD_VERDICT_LEAK, "%s", hd_verdict_name(c.verdict));
    for (int k = 0; k < CHURN; k++) {
        double y[N], var[N];
        for (int i = 0; i < N; i++) {
            y[i] = 24 * MB * (1 + 0.1 * (uniform() - 0.5) * 2);
            var[i] = y[i] * rate;
            y[i] += sqrt(var[i]) * gaussian();
        }
        c = classify(y, var, N);
        cr_assert_neq(c.verdict, HD_VERDICT_LEAK, "churn node %d called a leak", k);
    }
}

Test(classify, three_snapshots)
{
    double rising[] = {1 * MB, 2 * MB, 3 * MB};
    struct hd_classification c = classify(rising, NULL, 3);
    cr_assert_eq(c.verdict, HD_VERDICT_LEAK);
    /* As sure as three points can be: one ordering in six. */
    cr_assert_float_eq(c.confidence, 5.0 / 6, 1e-9);
    double levelled[] = {1 * MB, 3 * MB, 3 * MB};
    cr_assert_eq(classify(levelled, NULL, 3).verdict, HD_VERDICT_PLATEAU);
    double peak[] = {1 * MB, 3 * MB, 1 * MB};
    cr_assert_eq(classify(peak, NULL, 3).verdict, HD_VERDICT_TRANSIENT);
    double falling[] = {3 * MB, 2 * MB, 1 * MB};
    cr_assert_eq(classify(falling, NULL, 3).verdict, HD_VERDICT_SHRINKING);
    double same[] = {2 * MB, 2 * MB, 2 * MB};
    cr_assert_eq(classify(same, NULL, 3).verdict, HD_VERDICT_FLAT);
}

Test(classify, noise_alone_is_flat)
{
    rng_state = 4;
    double y[20], var[20];
    for (int i = 0; i < 20; i++) {
        var[i] = 1e10;
        y[i] = 40 * MB + 1e5 * gaussian();
    }
    cr_assert_eq(classify(y, var, 20).verdict, HD_VERDICT_FLAT);
}

Test(classify, a_long_series_is_thinned_and_keeps_its_slope)
{
    enum { N = 1000 };
    static double y[N];
    for (int i = 0; i < N; i++)
        y[i] = 1000.0 * i;
    struct hd_classification c = classify(y, NULL, N);
    cr_assert_eq(c.verdict, HD_VERDICT_LEAK);
    cr_assert_float_eq(c.slope, 1000.0, 1e-6);
    cr_assert_float_eq(c.growth, 999000.0, 1e-6);
}

Test(trend, series_are_kept_by_name_and_ranked_leaks_first)
{
    struct hd_trend *t = hd_trend_new(5);
    for (size_t k = 0; k < 5; k++) {
        hd_trend_add(t, k, "leaky", (double)k * MB, (double)k * MB, 0, 0);
        hd_trend_add(t, k, "cache", k < 2 ? (double)k * MB : 2 * MB, 0, 0, 0);
        hd_trend_add(t, k, "big", 50 * MB, 0, 0, 0);
        if (k == 2)
            hd_trend_add(t, k, "batch", 4 * MB, 0, 0, 0);
    }
    struct hd_trend_thresholds th;
    hd_trend_thresholds_init(&th);
    hd_trend_classify(t, &th);
    const struct hd_trend_node *order[4];
    cr_assert_eq(hd_trend_rank(t, order), 4);
    cr_assert_str_eq(order[0]->name, "leaky");
    cr_assert_str_eq(order[1]->name, "cache");
    cr_assert_str_eq(order[2]->name, "batch");
    cr_assert_str_eq(order[3]->name, "big");
    cr_assert_eq(order[3]->flat_verdict.verdict, HD_VERDICT_FLAT);
    cr_assert_eq(hd_trend_find(t, "batch")->flat[2], 4 * MB);
    cr_assert_null(hd_trend_find(t, "nothing"));
    hd_trend_free(t);
}
