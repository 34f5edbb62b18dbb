/* A snapshot series, node by node: each node's flat and cum value in
 * every snapshot, and the verdict on each (classify.h).
 *
 * The core streams a series through it: after each snapshot is read and
 * its graph built, every node's values are added under its name; the
 * snapshot is then dropped.  A node absent from a snapshot has 0 there.
 * Only these per-node series are held, never the snapshots. */
#ifndef HD_TREND_H
#define HD_TREND_H

#include <stdbool.h>
#include <stddef.h>

#include "classify.h"
#include "idtable.h"

struct hd_trend_node {
    const char *name;      /* owned by the trend; unique */
    double *flat, *cum;    /* n_snapshots values each */
    double *flat_var, *cum_var; /* their sampling variances (0: exact) */
    struct hd_classification flat_verdict; /* by hd_trend_classify */
    struct hd_classification cum_verdict;
    double flat_peak;      /* the largest |flat|, by hd_trend_classify */
};

struct hd_trend {
    size_t n_snapshots;          /* >= 1 */
    const char **paths;          /* each snapshot's file, in order; owned */
    struct hd_trend_node *nodes; /* in order of first appearance */
    size_t n_nodes;
    double *total, *total_var;   /* the whole profile's value per snapshot */
    struct hd_classification total_verdict;
    /* Bytes ever allocated by each snapshot's time (gperftools always
     * counts them; jemalloc with prof_accum), nondecreasing; NULL when
     * some snapshot does not know (hd_trend_set_allocated). */
    double *allocated;
    double allocated_slope;      /* with ALLOCATED: the total's Theil-Sen
                                    slope per allocated byte */
    /* private */
    size_t capacity;
    struct hd_idtable index;
    struct hd_arena *arena;
};

/* An empty series of N_SNAPSHOTS (>= 1) snapshots. */
struct hd_trend *hd_trend_new(size_t n_snapshots);
void hd_trend_free(struct hd_trend *trend);

/* Snapshot SNAPSHOT's file was PATH (copied). */
void hd_trend_set_path(struct hd_trend *trend, size_t snapshot, const char *path);

/* Add to node NAME's values in SNAPSHOT (< n_snapshots); NAME is copied. */
void hd_trend_add(struct hd_trend *trend, size_t snapshot, const char *name, double flat,
                  double cum, double flat_var, double cum_var);

/* The whole profile's value in SNAPSHOT, and its variance. */
void hd_trend_set_total(struct hd_trend *trend, size_t snapshot, double total, double var);

/* Record ALLOCATED bytes ever allocated at SNAPSHOT; a value <= 0 or
 * below an earlier snapshot's means the series does not know. */
void hd_trend_set_allocated(struct hd_trend *trend, size_t snapshot, double allocated);

/* Classify every node's flat and cum series and the total's. */
void hd_trend_classify(struct hd_trend *trend, const struct hd_trend_thresholds *thresholds);

/* The node named NAME, or NULL. */
const struct hd_trend_node *hd_trend_find(const struct hd_trend *trend, const char *name);

/* The nodes in report order into ORDER (room for n_nodes): by flat
 * verdict (leaks first, flat last), then by |growth|, then by the
 * largest value, then by name.  Returns n_nodes. */
size_t hd_trend_rank(const struct hd_trend *trend, const struct hd_trend_node **order);

#endif
