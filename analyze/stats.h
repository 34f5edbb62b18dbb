/* The statistics of a series: a robust slope and a monotone trend test.
 *
 * A heap series is short (3 to a few dozen snapshots), autocorrelated and
 * full of steps, so heapdiff uses rank statistics that need no model of
 * the noise: Theil-Sen's slope (the median of the slopes between every
 * pair of points) and Mann-Kendall's trend test (the sign of every
 * pair's difference).  README, "Leak or plateau?", says why. */
#ifndef HD_STATS_H
#define HD_STATS_H

#include <stddef.h>

/* Theil-Sen's slope of Y[0..N) over X[0..N) (X NULL: 0, 1, ..., N-1): the
 * median of (Y[j] - Y[i]) / (X[j] - X[i]) over the pairs i < j with
 * X[i] != X[j].  0 when there is no such pair.  O(N^2) time, O(N^2)
 * memory: callers keep N small (hd_trend_classify thins long series). */
double hd_theil_sen(const double *x, const double *y, size_t n);

/* The median of V[0..N), N >= 1; reorders V. */
double hd_median(double *v, size_t n);

/* Mann-Kendall's test of Y[0..N) for a monotone trend. */
struct hd_mann_kendall {
    long s;        /* sum over pairs i < j of sign(Y[j] - Y[i]), a
                      difference within TIE counting 0 */
    double z;      /* S's normal score, continuity corrected */
    double p_up;   /* one-sided p-value of "Y rises" (1 when S <= 0 is
                      as likely as not; small: a rise) */
    double p_down; /* one-sided p-value of "Y falls" */
};

/* The test over Y[0..N), differences of at most TIE (>= 0) being ties.
 * Without ties and for N <= HD_MK_EXACT_MAX the p-values are exact (the
 * distribution of Kendall's S over the N! orderings); otherwise the
 * normal approximation with the variance corrected for ties.  N < 2
 * gives S 0 and p-values 1. */
struct hd_mann_kendall hd_mann_kendall(const double *y, size_t n, double tie);

#define HD_MK_EXACT_MAX 12

/* P(Z > z) for a standard normal Z. */
double hd_normal_upper(double z);

#endif
