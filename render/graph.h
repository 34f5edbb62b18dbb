/* Aggregating a symbolized model into report nodes at a granularity.
 * Every report (text, and later dot, svg, ...) starts from this. */
#ifndef HD_GRAPH_H
#define HD_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "model.h"

/* What one node stands for.  A function inlined at some call sites and
 * called out of line at others is one node, as in Go pprof: names carry
 * no inline mark (see hd_inline_mark). */
enum hd_granularity {
    HD_GRANULARITY_FUNCTIONS, /* function name; unknown -> module+0xoffset */
    HD_GRANULARITY_LINES,     /* function file:line */
    HD_GRANULARITY_FILES,     /* source file */
    HD_GRANULARITY_ADDRESSES, /* module+0xoffset, then function file:line */
};

/* How a node was entered, from its incoming edges (Go pprof's rule,
 * internal/report printText): */
enum hd_inline_mark {
    HD_INLINE_NONE,    /* no incoming edge is an inlined call (or none) */
    HD_INLINE_ALL,     /* every incoming edge is an inlined call */
    HD_INLINE_PARTIAL, /* some incoming edges are, some are not */
};

/* The mark as the text report appends it to a name: "", " (inline)" or
 * " (partial-inline)". */
const char *hd_inline_suffix(enum hd_inline_mark mark);

struct hd_filters;

/* What LOCATION of MODEL is called where no symbol names it:
 * "module+0xoffset" (the module's base name and the file offset), or
 * "0xADDRESS" outside every mapping.  Into BUF of SIZE bytes. */
void hd_location_name(const struct hd_model *model, const struct hd_location *location,
                      char *buf, size_t size);

struct hd_graph_options {
    enum hd_value_type value;
    enum hd_granularity granularity;
    bool no_inlines;                  /* fold inlined frames into the function
                                         they were inlined into */
    bool drop_negative;               /* leave out samples whose value is
                                         negative (shrunk since the base) */
    const struct hd_filters *filters; /* --focus and friends; NULL: none */
};

struct hd_node {
    const char *name; /* unique within the graph; owned by it */
    double flat;      /* value of the samples whose leaf is this node */
    double cum;       /* value of the samples whose stack holds this node,
                         each sample counted once however often it recurs */
    double base_flat; /* the base side of flat and cum (hd_sides.base):
                         positive; 0 without a base */
    double base_cum;
    double current_flat; /* the current side of flat and cum; flat is
                            current_flat - base_flat, cum likewise */
    double current_cum;
    /* Sampling variances (model.h, "sampling noise"), >= 0; all 0 when
     * every input is exact.  flat_var and cum_var are of flat and cum (in
     * a diff, of the delta: hd_delta_variance); current_flat_var and
     * current_cum_var of the current side alone.  Samples are independent,
     * so variances add over them; cum counts each sample once, as cum. */
    double flat_var;
    double cum_var;
    double current_flat_var;
    double current_cum_var;
    enum hd_inline_mark inlined; /* from the edges into the node */
};

/* A node's flat and cum as the two sides of a diff, for hd_change_of(). */
struct hd_sides hd_node_flat_sides(const struct hd_node *node);
struct hd_sides hd_node_cum_sides(const struct hd_node *node);

/* A call from CALLER to CALLEE, counted once per sample. */
struct hd_edge {
    uint32_t caller;    /* node id */
    uint32_t callee;    /* node id; never equal to caller */
    double weight;      /* value of the samples with this call */
    double base_weight; /* the base's share, as for nodes */
    double weight_var;  /* sampling variance of weight, as flat_var */
    bool inlined;       /* every call it counts was inlined into the
                           caller (one that was not clears it, as Go's
                           AddToEdge does) */
};

struct hd_graph_private;

struct hd_graph {
    struct hd_node *nodes; /* in order of first appearance */
    size_t n_nodes;
    struct hd_edge *edges; /* in order of first appearance */
    size_t n_edges;
    double total;          /* signed sum of the chosen value over all samples
                              (= sum of flat) */
    double base_total;     /* the base profiles' total, positive; 0 without */
    double shown_total;    /* total of the samples that passed the filters
                              and kept a frame; = total without filters */
    double shown_base_total; /* the base's share of shown_total */
    double shown_gross;    /* sum of |value| over the shown samples:
                              growth and shrinkage alike (>= |shown_total|) */
    unsigned filters_matched; /* bit (1 << kind) for each filter that matched
                                 some frame of some sample */
    struct hd_graph_private *private;
};

/* Build the nodes of MODEL's whole-process samples.  Each sample counts
 * with its sides (hd_model_sample_sides): the result current - base, and
 * the base side apart.  In each stack the allocator's own leaf frames
 * (stack allocator_frames, set by symbolize/allocator.c) are left out.  A
 * location without frames (not symbolized) is one node named
 * "module+0xoffset" (or "0xADDR" outside every mapping).  The graph does
 * not point into MODEL except for strings the symbolizer owns. */
struct hd_graph *hd_graph_build(const struct hd_model *model,
                                const struct hd_graph_options *options);

/* What the percentages of a report of GRAPH are of (hd_choose_denominator
 * over the shown samples); DIFF: the graph has a base side. */
struct hd_denominator hd_graph_denominator(const struct hd_graph *graph, bool diff);

/* The chosen value of sample SAMPLE of MODEL (the model GRAPH was built
 * from) as GRAPH counts it: the result in *VALUE, its base side in *BASE.
 * Returns false when GRAPH leaves the sample out (it has no value on
 * either side, or it shrank and the graph was built with drop_negative). */
bool hd_graph_sample_value(const struct hd_graph *graph, const struct hd_model *model,
                           size_t sample, double *value, double *base);

/* The sampling variance of sample SAMPLE's value (of *VALUE of
 * hd_graph_sample_value) at GRAPH's value type: hd_delta_variance of
 * hd_model_sample_variance; 0 for exact inputs. */
double hd_graph_sample_variance(const struct hd_graph *graph, const struct hd_model *model,
                                size_t sample);

/* The nodes of sample SAMPLE of MODEL (the model GRAPH was built
 * from), leaf first, after allocator frames and filters: up to MAX node
 * ids into NODES.  Returns how many there are (may exceed MAX); 0 when
 * the graph leaves the sample out, or it is filtered out or left without
 * a frame. */
size_t hd_graph_sample_nodes(const struct hd_graph *graph, const struct hd_model *model,
                             size_t sample, uint32_t *nodes, size_t max);

/* One frame of a sample's path (hd_graph_sample_frames). */
struct hd_path_frame {
    uint32_t node; /* node id */
    bool inlined;  /* this frame was inlined into the next one at its
                      address (false for the last frame of a location) */
};

/* As hd_graph_sample_nodes, with each frame's inline flag: up to MAX
 * frames into FRAMES; returns how many there are. */
size_t hd_graph_sample_frames(const struct hd_graph *graph, const struct hd_model *model,
                              size_t sample, struct hd_path_frame *frames, size_t max);

/* Where a node is in the source, as far as its frames agree. */
struct hd_node_source {
    const char *file; /* the file of every frame the node stands for;
                         NULL when unknown or they differ.  Points into
                         the model's strings. */
    uint32_t line;    /* likewise the line, only at the lines and
                         addresses granularities (a function's frames are
                         its call sites, not one line); 0: none */
};

/* Each node's source into SOURCES (room for n_nodes), from the frames of
 * MODEL (the model GRAPH was built from) that name it. */
void hd_graph_node_sources(const struct hd_graph *graph, const struct hd_model *model,
                           struct hd_node_source *sources);

/* hd_graph_sample_frames into *FRAMES, a growable array of *CAPACITY
 * frames that grows to hold the whole path: the one loop every emitter
 * that walks stacks needs.  Returns the number of frames (0: the graph
 * leaves the sample out). */
size_t hd_graph_sample_path(const struct hd_graph *graph, const struct hd_model *model,
                            size_t sample, struct hd_path_frame **frames, size_t *capacity);

void hd_graph_free(struct hd_graph *graph);

#endif
