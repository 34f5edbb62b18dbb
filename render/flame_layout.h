/* The frames of a flame graph: each sample's path of graph nodes
 * (hd_graph_sample_frames) merged into a tree from the root, laid out
 * left to right with children in alphabetical order, and frames too
 * narrow to see merged into their parent's "other" slice.  flame.c draws
 * the result as SVG; this file knows nothing of SVG. */
#ifndef HD_FLAME_LAYOUT_H
#define HD_FLAME_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"

/* The values of a frame: of the samples whose path passes through it
 * (each sample counted once per frame of its path, so a recursive
 * function's frames nest, as in every flame graph). */
struct hd_flame_values {
    double current;         /* current side (hd_graph_sample_value: value +
                               base), >= 0 */
    double base;            /* base side, >= 0; 0 without a base */
    double delta_var;       /* sampling variance of current - base
                               (hd_graph_sample_variance), >= 0 */
    double gone_base;       /* base side of the gone samples (current 0,
                               base > 0), <= base */
    double current_objects; /* object counts of the same samples, when the
                               value is bytes (else 0): for the split of a
                               delta into more and bigger objects */
    double base_objects;
};

/* One drawn frame. */
struct hd_flame_frame {
    const char *name;   /* the graph node's name, "all" for the root, or
                           HD_FLAME_OTHER; points into the graph */
    uint32_t depth;     /* 0 for the root ("all"); a child is one deeper */
    double x;           /* left edge, in width units from 0 */
    double width;       /* current + gone_scale x gone_base, > 0 */
    struct hd_flame_values values;
    size_t merged;      /* for an "other" slice: how many frames it holds
                           (with their descendants); else 0 */
    enum hd_inline_mark inlined; /* whether the frame was inlined into its
                                    parent: in all, some or none of its
                                    samples' paths (hd_path_frame) */
};

/* The name of a slice that holds a parent's merged narrow children. */
#define HD_FLAME_OTHER "[other]"

struct hd_flame_layout {
    struct hd_flame_frame *frames; /* in pre-order: a parent before its
                                      children, children left to right */
    size_t n_frames;
    uint32_t depth;      /* 1 + the largest frame depth; 0 without frames */
    double total_width;  /* the root's width; 0 when nothing has a value */
    double gone_scale;   /* the width of one unit of a gone stack's base,
                            in (0, 1]; 1 without gone stacks */
    size_t merged;       /* frames merged into "other" slices, with their
                            descendants (drawn or not) */
    bool objects;        /* the values carry object counts */
};

/* At most this share of the width goes to gone stacks, so that a diff
 * whose base held much more does not squeeze the current profile: each
 * gone stack is as wide as its base side times gone_scale, which is 1
 * unless the gone stacks together would take more than this share. */
#define HD_FLAME_GONE_SHARE 0.1

/* Lay out the samples of MODEL as GRAPH (built from it with value type
 * VALUE) counts them; for bytes, with the object counts of the same
 * samples (inuse_space: inuse_objects; alloc_space: alloc_objects).
 * MIN_FRACTION: a frame narrower than this share of the root's width is
 * merged with its narrow siblings into one "other" slice, drawn only when
 * it is not narrow itself.  Aborts on out of memory. */
struct hd_flame_layout *hd_flame_layout_build(const struct hd_graph *graph,
                                              const struct hd_model *model,
                                              enum hd_value_type value,
                                              double min_fraction);

void hd_flame_layout_free(struct hd_flame_layout *layout);

#endif
