/* Aggregating a symbolized profile into report nodes at a granularity.
 * Every report (text, and later dot, svg, ...) starts from this. */
#ifndef HD_GRAPH_H
#define HD_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* Which of a sample's four values a report shows (pprof's names). */
enum hd_value_type {
    HD_VALUE_INUSE_SPACE,
    HD_VALUE_INUSE_OBJECTS,
    HD_VALUE_ALLOC_SPACE,
    HD_VALUE_ALLOC_OBJECTS,
};

/* What one node stands for. */
enum hd_granularity {
    HD_GRANULARITY_FUNCTIONS, /* function name; unknown -> module+0xoffset */
    HD_GRANULARITY_LINES,     /* function file:line */
    HD_GRANULARITY_FILES,     /* source file */
    HD_GRANULARITY_ADDRESSES, /* module+0xoffset, then function file:line */
};

struct hd_graph_options {
    enum hd_value_type value;
    enum hd_granularity granularity;
};

struct hd_node {
    const char *name; /* unique within the graph; owned by it */
    double flat;      /* value of the samples whose leaf is this node */
    double cum;       /* value of the samples whose stack holds this node,
                         each sample counted once however often it recurs */
};

struct hd_graph_private;

struct hd_graph {
    struct hd_node *nodes; /* in order of first appearance */
    size_t n_nodes;
    double total;          /* signed sum of the chosen value over all samples
                              (= sum of flat, plus samples with no frame) */
    struct hd_graph_private *private;
};

/* The chosen value of V. */
double hd_value_of(const struct hd_values *v, enum hd_value_type type);

/* Whether TYPE counts objects (else bytes). */
bool hd_value_is_objects(enum hd_value_type type);

/* Build the nodes of PROFILE's whole-process samples.  Leading allocator
 * frames (location is_allocator) are dropped from each stack's leaf end;
 * a stack made only of them keeps its root-most frame.  A location without
 * frames (not symbolized) is one node named "module+0xoffset" (or "0xADDR"
 * outside every mapping).  The graph does not point into PROFILE except
 * for strings the symbolizer owns. */
struct hd_graph *hd_graph_build(const struct hd_profile *profile,
                                const struct hd_graph_options *options);

void hd_graph_free(struct hd_graph *graph);

#endif
