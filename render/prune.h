/* Choosing what a call graph draws: the nodes and edges that survive
 * --nodefraction, --nodecount and --edgefraction, plus the residual edges
 * that keep the picture connected across dropped nodes, as Go pprof does
 * (FORMATS.md §5.7, §6.2).  Pruning happens before layout, so that a huge
 * profile still gives a small graph (USERS.md, "Huge graphs kill dot"). */
#ifndef HD_PRUNE_H
#define HD_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* Called once per sample by a path walk: NODES[0..DEPTH) are the sample's
 * stack as node ids of the graph, leaf first, with VALUE and BASE the
 * sample's chosen value and its base share, VARIANCE the sampling
 * variance of VALUE (as in struct hd_node). */
typedef void hd_path_visit(void *context, const uint32_t *nodes, size_t depth, double value,
                           double base, double variance);

/* Walk every sample of the profile the graph was built from, calling VISIT
 * with CONTEXT, the stacks cut exactly as the graph cut them (allocator
 * frames removed).  SOURCE is the walker's own state. */
typedef void hd_path_walk(const void *source, hd_path_visit *visit, void *context);

struct hd_prune_options {
    double node_fraction; /* >= 0: drop nodes with |cum| < int(f * abs_total) */
    double edge_fraction; /* >= 0: drop edges with |weight| < int(f * abs_total) */
    size_t node_count;    /* keep at most this many nodes; 0 = no limit */
    /* Optional.  With a walk, edges between kept nodes are recomputed from
     * the samples, exactly as pprof rebuilds its graph: a call that skips
     * dropped nodes adds to a residual edge.  Without one (NULL), residual
     * edges are estimated from the graph's edges (see hd_prune). */
    hd_path_walk *walk;
    const void *walk_source;
};

/* The defaults of pprof and jeprof: node fraction 0.005, edge fraction
 * 0.001, 80 nodes, no walk. */
struct hd_prune_options hd_prune_defaults(void);

struct hd_view_edge {
    uint32_t caller;    /* graph node id, kept */
    uint32_t callee;    /* graph node id, kept; != caller */
    double weight;      /* as struct hd_edge; for a residual edge, the value */
    double base_weight; /* of the samples whose path it stands for */
    double weight_var;  /* sampling variance of weight (struct hd_edge) */
    bool inlined;       /* every call it stands for is an inlined call */
    bool residual;      /* some call it stands for skips dropped nodes;
                           drawn dotted */
};

struct hd_view {
    /* Kept graph node ids, in drawing order: |cum| descending, then |flat|
     * descending, then name (byte order).  N1 is nodes[0]. */
    uint32_t *nodes;
    size_t n_nodes;
    /* Kept edges, between kept nodes, unique per (caller, callee), in
     * drawing order: |weight| descending, then weight descending, then
     * caller name, then callee name. */
    struct hd_view_edge *edges;
    size_t n_edges;

    double abs_total;   /* sum of |flat| over the graph's nodes: the scale
                           the fractions apply to */
    double node_cutoff; /* int(node_fraction * abs_total) */
    double edge_cutoff; /* int(edge_fraction * abs_total) */
    size_t n_nonzero;          /* graph nodes with a non-zero flat or cum
                                  (the delta in diff mode); a node whose
                                  delta is 0 is never drawn */
    size_t dropped_by_fraction; /* of those, nodes with |cum| < node_cutoff */
    size_t n_candidates;        /* n_nonzero - dropped_by_fraction: the M of
                                   "top K of M" */
    size_t dropped_by_count;    /* n_candidates - n_nodes */
    size_t dropped_edges;       /* edges between kept nodes with |weight| <
                                   edge_cutoff */
    size_t redundant_residuals; /* residual edges removed because their
                                   callee is reachable from their caller
                                   another way */
    bool exact_residuals;       /* edges came from a path walk */
};

/* Select what to draw of GRAPH, which is not changed:
 *  1. abs_total = sum |flat|; nodes with |cum| < int(node_fraction *
 *     abs_total) are dropped (pprof's DiscardLowFrequencyNodes, on Σ|flat|
 *     so that a diff whose delta is ~0 still has a scale);
 *  2. of the rest, the first node_count in drawing order are kept.  This is
 *     perl pprof's order (|cum|), not Go's entropy score: the entropy order
 *     favours branching nodes, but it depends on the edges of an
 *     intermediate graph and reads as arbitrary in a diff; |cum| says "the
 *     biggest changes", and ties are broken by name, so it is total;
 *  3. edges between kept nodes are rebuilt: with options->walk exactly
 *     from the samples (a sample whose consecutive kept nodes are separated
 *     by dropped ones adds to a residual edge; each sample counts once per
 *     edge).  Without a walk, direct edges keep the graph's weights and a
 *     residual edge u -> v is added for each kept v reachable from kept u
 *     through dropped nodes only, with no direct edge u -> v; its weight
 *     is the smallest |weight| on the first (breadth-first, in edge order)
 *     such path, signed like that path's last edge: an estimate, since
 *     the graph no longer knows which samples took which path;
 *  4. edges with |weight| < int(edge_fraction * abs_total) are dropped;
 *  5. residual edges whose callee stays reachable from their caller
 *     without them are removed, lightest first (pprof's
 *     RemoveRedundantEdges).
 * Node flat and cum values are the graph's: dropping a node changes no
 * other node's values.  Deterministic: the result depends only on the
 * graph's values and names (and the walk's samples), not on ids or
 * addresses.  Never fails (aborts on out of memory). */
struct hd_view *hd_prune(const struct hd_graph *graph, const struct hd_prune_options *options);

void hd_view_free(struct hd_view *view);

#endif
