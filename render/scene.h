/* What a call graph shows, independent of how it is written: every node,
 * edge and legend entry of a pruned graph with its graphviz attributes.
 * dot.c writes a scene as dot text; gvc.c builds the same scene with the
 * cgraph API and renders it in-process.  Sharing it guarantees that
 * --dot and --svg/--png/--pdf draw the same picture. */
#ifndef HD_SCENE_H
#define HD_SCENE_H

#include <stdbool.h>
#include <stddef.h>

#include "graph.h"
#include "prune.h"
#include "text.h"
#include "trend.h"

/* What the picture says about its inputs.  Diff mode when n_bases > 0. */
struct hd_graph_render_options {
    enum hd_value_type value;
    enum hd_byte_unit unit; /* bytes as MB "%.1f" or whole bytes; ignored
                               for object counts */
    const struct hd_report_input *currents; /* the profiles shown */
    size_t n_currents;
    const struct hd_report_input *bases;    /* the profiles subtracted */
    size_t n_bases;
    const char *const *filters; /* active filters as the user gave them,
                                   e.g. "focus=leak"; listed in the legend */
    size_t n_filters;
    const char *const *notes; /* lines the legend adds after the totals,
                                 e.g. an input its producer cut */
    size_t n_notes;
    const struct hd_trend *trend; /* --trend: the graph is the growth over
                                     this series; nodes are coloured by
                                     verdict; NULL: by value */
    bool mark_noise; /* some input is sampled: in diff mode, nodes whose
                        cum and edges whose weight are within sampling
                        noise (hd_within_noise) are drawn grey */
};

#define HD_SCENE_MAX_ATTRS 12

/* One graphviz attribute.  VALUE is in graphviz's escString form: "\n",
 * "\l", "\r" are line breaks and every backslash of a name is doubled, so
 * it can be given to agsafeset as is.  It holds no raw newline.  Writing it
 * in dot syntax needs only '"' escaped (see dot.c). */
struct hd_scene_attr {
    const char *name;
    const char *value;
};

struct hd_scene_node {
    const char *id; /* "N1".. in view order; "Legend", "K1".. in the legend */
    struct hd_scene_attr attrs[HD_SCENE_MAX_ATTRS];
    size_t n_attrs;
};

struct hd_scene_edge {
    size_t from, to; /* indexes into the scene's nodes */
    struct hd_scene_attr attrs[HD_SCENE_MAX_ATTRS];
    size_t n_attrs;
};

struct hd_scene_private;

/* All strings are owned by the scene and live until hd_scene_free(). */
struct hd_scene {
    const char *name; /* the digraph's name */
    struct hd_scene_attr graph_attrs[HD_SCENE_MAX_ATTRS];
    size_t n_graph_attrs;
    struct hd_scene_attr node_defaults[HD_SCENE_MAX_ATTRS];
    size_t n_node_defaults;
    /* The legend cluster ("cluster_legend"): the text box, then the color
     * key's sample nodes. */
    struct hd_scene_node *legend;
    size_t n_legend;
    struct hd_scene_node *nodes; /* one per view node, same order */
    size_t n_nodes;
    struct hd_scene_edge *edges; /* one per view edge, same order */
    size_t n_edges;
    struct hd_scene_private *private;
};

/* Describe VIEW of GRAPH (see hd_prune):
 *  - percentages and colours are of the denominator: the text report's
 *    (hd_graph_denominator: the total, |delta|, or the current total when
 *    growth and shrinkage cancel); when there is none, the sum of |flat|.
 *    The legend says which;
 *  - a node's label is its name broken at top-level "::", its flat value
 *    and share, "of CUM (share)" when cum differs (pprof's layout); in diff
 *    mode values carry an explicit sign, a NEW node (no base share, current
 *    value) gets a "NEW" first line and a double border, a GONE node
 *    (current value 0, base share) a "GONE" line and a dashed border;
 *    fontsize 8 + ceil(16 sqrt(|flat| / max |flat|)); border and fill
 *    colours from hd_color_of(cum / |denominator|); a tooltip with the full
 *    name, flat, cum, and in diff mode base, current and delta;
 *  - an edge's label is its weight (plus "(inline)"), weight 1 + min(100,
 *    |100 w / denominator|), penwidth 1 + min(5, |5 w / denominator|)
 *    (integers, pprof's formulas), colour of w / |denominator|, dotted
 *    when residual;
 *  - with mark_noise in diff mode, a node whose cum (an edge whose
 *    weight) is not 0 but within sampling noise is drawn in the colour of
 *    0 (grey), its tooltip says so with the standard error, and the legend
 *    says what grey means and has a key for it;
 *  - the legend lists the inputs, the value type, the totals, the
 *    denominator, the active filters, what pruning dropped, and a colour
 *    key.
 * Depends only on the values and names in GRAPH, VIEW and OPTIONS, so it
 * is byte-for-byte reproducible.  Aborts on out of memory. */
struct hd_scene *hd_scene_build(const struct hd_graph *graph, const struct hd_view *view,
                                const struct hd_graph_render_options *options);

void hd_scene_free(struct hd_scene *scene);

/* The value of attribute NAME among ATTRS[0..N), or NULL. */
const char *hd_scene_attr(const struct hd_scene_attr *attrs, size_t n, const char *name);

/* pprof's name for a value type: "inuse_space", "alloc_objects", ... */
const char *hd_value_type_name(enum hd_value_type type);

#endif
