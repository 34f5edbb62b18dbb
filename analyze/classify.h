/* Leak or plateau: the verdict on one node's series of values.
 *
 * A series is a node's value (flat or cum) in each snapshot, in order,
 * with the sampling variance of each value (0 for exact profiles).  The
 * classifier answers what a leak hunter asks of it:
 *
 *   leak       it keeps growing to the end, close to linearly
 *   plateau    it grew, then levelled off (a cache, a pool, warm-up)
 *   transient  it rose and fell (a batch, a sawtooth)
 *   shrinking  it fell
 *   flat       it did not change beyond noise
 *
 * The rules and their thresholds are in README, "Leak or plateau?"; each
 * threshold is a field of struct hd_trend_thresholds. */
#ifndef HD_CLASSIFY_H
#define HD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

enum hd_verdict {
    HD_VERDICT_LEAK,      /* ranked first */
    HD_VERDICT_PLATEAU,
    HD_VERDICT_TRANSIENT,
    HD_VERDICT_SHRINKING,
    HD_VERDICT_FLAT,
};
#define HD_VERDICT_COUNT 5

/* "leak", "plateau", ... */
const char *hd_verdict_name(enum hd_verdict verdict);

/* What turns statistics into verdicts; hd_trend_thresholds_init gives the
 * documented defaults, the --trend-* options change them. */
struct hd_trend_thresholds {
    double confidence;  /* in (0, 1): how sure Mann-Kendall must be of a
                           rise (or fall) before it counts (default 0.95) */
    double late_ratio;  /* in [0, 1]: a leak's slope over its late part must
                           be at least this share of its slope over the
                           early part, else it levelled off (0.5) */
    double late_part;   /* in (0, 1): the late part is this share of the
                           snapshots, the last ones (0.5), the early part
                           the others; each at least 2 */
    double noise_floor; /* in [0, 1): changes below this share of the
                           series' largest |value| are noise even in exact
                           profiles (0.01) */
};

void hd_trend_thresholds_init(struct hd_trend_thresholds *thresholds);

/* The verdict on one series, with the numbers it rests on.  Slopes are
 * per snapshot. */
struct hd_classification {
    enum hd_verdict verdict;
    double confidence;  /* in [0, 1]: how sure the test behind the verdict
                           is (1 - its p-value); see README */
    double slope;       /* Theil-Sen over the whole series */
    double late_slope;  /* Theil-Sen over the late part */
    double growth;      /* last value - first value */
    double late_growth; /* last value - the value where the late part
                           starts */
    double noise;       /* the smallest change that counts: the floor, or
                           two standard errors of the noisiest value */
};

/* Series longer than this are classified on this many bucket means. */
#define HD_TREND_MAX_POINTS 100

/* Classify Y[0..N) whose values have the sampling variances VAR[0..N)
 * (NULL: exact), under THRESHOLDS.  N >= 3 for a verdict other than
 * flat: fewer points are flat with confidence 0. */
struct hd_classification hd_classify(const double *y, const double *var, size_t n,
                                     const struct hd_trend_thresholds *thresholds);

/* Whether C is a leak a gate acts on: the verdict leak, at least as sure
 * as THRESHOLDS' confidence (three snapshots never are: README). */
bool hd_trend_is_leak(const struct hd_classification *c,
                      const struct hd_trend_thresholds *thresholds);

#endif
