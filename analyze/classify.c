/* The leak-or-plateau classifier (see classify.h and README, "Leak or
 * plateau?"). */
#include "classify.h"

#include <math.h>
#include <stdlib.h>

#include "array.h"
#include "stats.h"

const char *hd_verdict_name(enum hd_verdict verdict)
{
    static const char *const names[HD_VERDICT_COUNT] = {"leak", "plateau", "transient",
                                                        "shrinking", "flat"};
    return names[verdict];
}

void hd_trend_thresholds_init(struct hd_trend_thresholds *t)
{
    t->confidence = 0.95;
    t->late_ratio = 0.5;
    t->late_part = 0.5;
    t->noise_floor = 0.01;
}

/* A series as the tests see it: at most HD_TREND_MAX_POINTS points, each
 * at its snapshot index X (a bucket's mean index when thinned). */
struct points {
    double *x, *y, *var;
    size_t n;
};

/* Y[0..N) (variances VAR, or NULL) as at most HD_TREND_MAX_POINTS
 * points: the means of consecutive buckets when longer. */
static void thin(const double *y, const double *var, size_t n, struct points *p)
{
    size_t m = n <= HD_TREND_MAX_POINTS ? n : HD_TREND_MAX_POINTS;
    p->x = hd_calloc(m, sizeof *p->x);
    p->y = hd_calloc(m, sizeof *p->y);
    p->var = hd_calloc(m, sizeof *p->var);
    p->n = m;
    for (size_t b = 0; b < m; b++) {
        size_t from = b * n / m, to = (b + 1) * n / m;
        double count = (double)(to - from);
        for (size_t i = from; i < to; i++) {
            p->x[b] += (double)i / count;
            p->y[b] += y[i] / count;
            p->var[b] += (var ? var[i] : 0) / (count * count);
        }
    }
}

/* The largest fall Y[i] - Y[j] over i < j (0 if it never falls). */
static double largest_fall(const double *y, size_t n)
{
    double top = y[0], fall = 0;
    for (size_t i = 1; i < n; i++) {
        if (y[i] > top)
            top = y[i];
        else if (top - y[i] > fall)
            fall = top - y[i];
    }
    return fall;
}

/* How sure a rise then a fall is: the weaker of Mann-Kendall's rise over
 * Y[0..PEAK] and fall over Y[PEAK..N). */
static double rise_and_fall_confidence(const double *y, size_t n, size_t peak, double tie)
{
    struct hd_mann_kendall rise = hd_mann_kendall(y, peak + 1, tie);
    struct hd_mann_kendall fall = hd_mann_kendall(y + peak, n - peak, tie);
    return fmin(1 - rise.p_up, 1 - fall.p_down);
}

struct hd_classification hd_classify(const double *y, const double *var, size_t n,
                                     const struct hd_trend_thresholds *t)
{
    struct hd_classification c = {.verdict = HD_VERDICT_FLAT};
    if (n == 0)
        return c;
    size_t late = (size_t)ceil((double)n * t->late_part);
    late = late < 2 ? 2 : late > n ? n : late;
    c.growth = y[n - 1] - y[0];
    c.late_growth = y[n - 1] - y[n - late];
    if (n < 3)
        return c;

    struct points p;
    thin(y, var, n, &p);
    size_t m = p.n;
    size_t late_points = (size_t)ceil((double)m * t->late_part);
    late_points = late_points < 2 ? 2 : late_points;
    double peak_abs = 0, max_var = 0, low = p.y[0], high = p.y[0], step = 0;
    size_t peak = 0;
    for (size_t i = 0; i < m; i++) {
        peak_abs = fmax(peak_abs, fabs(p.y[i]));
        max_var = fmax(max_var, p.var[i]);
        low = fmin(low, p.y[i]);
        if (p.y[i] > high) {
            high = p.y[i];
            peak = i;
        }
        if (i > 0)
            step = fmax(step, p.y[i] - p.y[i - 1]);
    }
    /* Two standard errors of a value.  Snapshots of one run share their
     * sampled objects, so a difference is often less noisy than that;
     * rank tests below judge the rest. */
    double tie = t->noise_floor * peak_abs;
    c.noise = fmax(tie, 2 * sqrt(max_var));
    double range = high - low, first = p.y[0], last = p.y[m - 1];
    double net = last - first, fall = largest_fall(p.y, m);

    struct hd_mann_kendall mk = hd_mann_kendall(p.y, m, tie);
    c.slope = hd_theil_sen(p.x, p.y, m);
    c.late_slope = hd_theil_sen(p.x + m - late_points, p.y + m - late_points, late_points);
    size_t early_points = m - late_points < 2 ? 2 : m - late_points;
    double early_slope = hd_theil_sen(p.x, p.y, early_points);
    /* Three or four points cannot reach every confidence: a series that
     * rises at every step is then as sure as it can be. */
    double attainable = m == 3 ? 1 - 1.0 / 6 : m == 4 ? 1 - 1.0 / 24 : 1;
    double need = fmin(t->confidence, attainable - 1e-9);
    bool rises = 1 - mk.p_up >= need && net > c.noise;
    bool falls = 1 - mk.p_down >= need && net < -c.noise;
    /* One jump holding most of the growth is a step, not steady growth. */
    double step_share = m >= 4 ? fmax(0.5, 2.0 / (double)(m - 1)) : 1;
    bool steady = step <= step_share * range;
    bool fell_back = fall > c.noise && fall >= 0.5 * range;

    if (range <= c.noise) {
        c.verdict = HD_VERDICT_FLAT;
        c.confidence = fmin(1, 2 * fmin(mk.p_up, mk.p_down));
    } else if (rises) {
        bool at_top = last >= high - c.noise;
        bool still_growing = c.late_slope > 0 && c.late_slope >= t->late_ratio * early_slope;
        if (at_top && still_growing && steady && !fell_back)
            c.verdict = HD_VERDICT_LEAK;
        else if (fell_back)
            c.verdict = HD_VERDICT_TRANSIENT;
        else
            c.verdict = HD_VERDICT_PLATEAU;
        c.confidence = c.verdict == HD_VERDICT_TRANSIENT
                           ? rise_and_fall_confidence(p.y, m, peak, tie)
                           : 1 - mk.p_up;
    } else if (falls) {
        bool rose_first = high - first > c.noise && high - first >= 0.5 * range;
        c.verdict = rose_first ? HD_VERDICT_TRANSIENT : HD_VERDICT_SHRINKING;
        c.confidence = rose_first ? rise_and_fall_confidence(p.y, m, peak, tie)
                                  : 1 - mk.p_down;
    } else if (high - first > c.noise && fell_back) {
        c.verdict = HD_VERDICT_TRANSIENT;
        c.confidence = rise_and_fall_confidence(p.y, m, peak, tie);
    } else if (net > c.noise) {
        c.verdict = HD_VERDICT_PLATEAU;
        c.confidence = 1 - mk.p_up;
    } else if (net < -c.noise) {
        c.verdict = HD_VERDICT_SHRINKING;
        c.confidence = 1 - mk.p_down;
    } else {
        c.verdict = HD_VERDICT_FLAT;
        c.confidence = fmin(1, 2 * fmin(mk.p_up, mk.p_down));
    }
    free(p.x);
    free(p.y);
    free(p.var);
    return c;
}

bool hd_trend_is_leak(const struct hd_classification *c, const struct hd_trend_thresholds *t)
{
    return c->verdict == HD_VERDICT_LEAK && c->confidence >= t->confidence;
}
