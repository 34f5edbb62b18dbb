/* A flame graph's frame tree and layout (see flame_layout.h). */
#include "flame_layout.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "idtable.h"

#define NO_NODE UINT32_MAX
enum { INLINED = 1, CALLED = 2 };

/* One node of the frame tree: a path prefix from the root. */
struct tree_node {
    uint32_t node;         /* graph node id; NO_NODE for the root */
    uint32_t parent;       /* tree index; the root's is NO_NODE */
    uint32_t first_child;  /* tree index, NO_NODE for none; in order of
                              creation (sorted when laid out) */
    uint32_t next_sibling;
    size_t size;           /* this node and its descendants, >= 1 */
    unsigned char entered; /* INLINED | CALLED: how the paths through it
                              entered it from the parent */
    double width;
    struct hd_flame_values values;
};

struct tree {
    struct tree_node *nodes; /* [0] is the root; a child's index is
                                larger than its parent's */
    size_t n, capacity;
    struct hd_idtable children; /* (parent, node) -> tree index */
};

struct child_key {
    uint32_t parent, node;
};

static uint64_t key_hash(uint32_t parent, uint32_t node)
{
    return hd_hash_mix((uint64_t)parent << 32 | node);
}

static bool key_matches(const void *owner, uint32_t id, const void *key)
{
    const struct tree *t = owner;
    const struct child_key *k = key;
    return t->nodes[id].parent == k->parent && t->nodes[id].node == k->node;
}

static uint64_t key_rehash(const void *owner, uint32_t id)
{
    const struct tree *t = owner;
    return key_hash(t->nodes[id].parent, t->nodes[id].node);
}

static uint32_t add_child(void *owner, const void *key)
{
    struct tree *t = owner;
    const struct child_key *k = key;
    HD_ARRAY_RESERVE(t->nodes, t->capacity, t->n + 1);
    uint32_t id = (uint32_t)t->n++;
    struct tree_node *parent = &t->nodes[k->parent];
    t->nodes[id] = (struct tree_node){.node = k->node, .parent = k->parent,
                                      .first_child = NO_NODE,
                                      .next_sibling = parent->first_child, .size = 1};
    parent->first_child = id;
    return id;
}

static uint32_t child_of(struct tree *t, uint32_t parent, uint32_t node)
{
    struct child_key key = {parent, node};
    struct hd_probe q = {key_hash(parent, node), key_matches, key_rehash, t, &key};
    return hd_idtable_intern(&t->children, &q, add_child, t);
}

static void add_values(struct hd_flame_values *to, const struct hd_flame_values *v)
{
    to->current += v->current;
    to->base += v->base;
    to->delta_var += v->delta_var;
    to->gone_base += v->gone_base;
    to->current_objects += v->current_objects;
    to->base_objects += v->base_objects;
}

/* The object counts' value type for bytes of VALUE; VALUE itself for
 * counts (then unused). */
static enum hd_value_type objects_of(enum hd_value_type value)
{
    return value == HD_VALUE_INUSE_SPACE   ? HD_VALUE_INUSE_OBJECTS
           : value == HD_VALUE_ALLOC_SPACE ? HD_VALUE_ALLOC_OBJECTS
                                           : value;
}

/* Every counted sample's values added to each tree node of its path. */
static void build_tree(struct tree *t, const struct hd_graph *graph,
                       const struct hd_model *model, enum hd_value_type value, bool objects)
{
    HD_ARRAY_RESERVE(t->nodes, t->capacity, 1);
    t->nodes[0] = (struct tree_node){.node = NO_NODE, .parent = NO_NODE,
                                     .first_child = NO_NODE, .next_sibling = NO_NODE,
                                     .size = 1};
    t->n = 1;
    size_t capacity = 0;
    struct hd_path_frame *path = NULL;
    HD_ARRAY_RESERVE(path, capacity, 64);
    for (size_t i = 0; i < model->samples.n; i++) {
        double delta, base;
        if (!hd_graph_sample_value(graph, model, i, &delta, &base))
            continue;
        size_t n = hd_graph_sample_path(graph, model, i, &path, &capacity);
        if (n == 0)
            continue;
        struct hd_flame_values v = {
            .current = delta + base,
            .base = base,
            .delta_var = hd_graph_sample_variance(graph, model, i),
            .gone_base = delta + base == 0 ? base : 0,
        };
        if (objects) {
            struct hd_sides sides = hd_model_sample_sides(model, i, objects_of(value));
            v.current_objects = sides.current;
            v.base_objects = sides.base;
        }
        add_values(&t->nodes[0].values, &v);
        uint32_t at = 0;
        for (size_t k = n; k-- > 0;) { /* the path is leaf first */
            at = child_of(t, at, path[k].node);
            add_values(&t->nodes[at].values, &v);
            t->nodes[at].entered |= path[k].inlined ? INLINED : CALLED;
        }
    }
    free(path);
    /* Children come after their parents: sizes add up from the end. */
    for (size_t i = t->n; i-- > 1;)
        t->nodes[t->nodes[i].parent].size += t->nodes[i].size;
}

struct layout_context {
    const struct tree *tree;
    const struct hd_graph *graph;
    struct hd_flame_layout *out;
    size_t capacity;
    double min_width;
};

static struct hd_flame_frame *add_frame(struct layout_context *c, const char *name,
                                        uint32_t depth, double x, double width,
                                        const struct hd_flame_values *values)
{
    struct hd_flame_layout *l = c->out;
    HD_ARRAY_RESERVE(l->frames, c->capacity, l->n_frames + 1);
    struct hd_flame_frame *f = &l->frames[l->n_frames++];
    *f = (struct hd_flame_frame){name, depth, x, width, *values, 0, HD_INLINE_NONE};
    if (depth + 1 > l->depth)
        l->depth = depth + 1;
    return f;
}

static const char *name_of(const struct layout_context *c, uint32_t id)
{
    uint32_t node = c->tree->nodes[id].node;
    return node == NO_NODE ? "all" : c->graph->nodes[node].name;
}

/* A child as sorted: by name, which is unique in a graph. */
struct named {
    const char *name;
    uint32_t id;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Frame ID at X and DEPTH, then its children left to right: the wide
 * ones in alphabetical order, then one "other" slice for the narrow. */
static void lay_out(struct layout_context *c, uint32_t id, uint32_t depth, double x)
{
    const struct tree_node *t = &c->tree->nodes[id];
    add_frame(c, name_of(c, id), depth, x, t->width, &t->values)->inlined =
        t->entered == INLINED              ? HD_INLINE_ALL
        : t->entered == (INLINED | CALLED) ? HD_INLINE_PARTIAL
                                           : HD_INLINE_NONE;
    size_t n = 0;
    for (uint32_t k = t->first_child; k != NO_NODE; k = c->tree->nodes[k].next_sibling)
        n++;
    if (n == 0)
        return;
    struct named *children = hd_malloc(n, sizeof *children);
    n = 0;
    for (uint32_t k = t->first_child; k != NO_NODE; k = c->tree->nodes[k].next_sibling)
        children[n++] = (struct named){name_of(c, k), k};
    qsort(children, n, sizeof *children, by_name);
    struct hd_flame_values other = {0};
    double other_width = 0;
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        const struct tree_node *child = &c->tree->nodes[children[i].id];
        if (child->width < c->min_width) {
            add_values(&other, &child->values);
            other_width += child->width;
            merged += child->size;
            continue;
        }
        lay_out(c, children[i].id, depth + 1, x);
        x += child->width;
    }
    free(children);
    c->out->merged += merged;
    if (merged > 0 && other_width >= c->min_width)
        add_frame(c, HD_FLAME_OTHER, depth + 1, x, other_width, &other)->merged = merged;
}

struct hd_flame_layout *hd_flame_layout_build(const struct hd_graph *graph,
                                              const struct hd_model *model,
                                              enum hd_value_type value, double min_fraction)
{
    struct hd_flame_layout *l = hd_calloc(1, sizeof *l);
    l->objects = !hd_value_is_objects(value);
    struct tree t = {0};
    build_tree(&t, graph, model, value, l->objects);

    /* Gone stacks take their base's width, unless together they would
     * take more than HD_FLAME_GONE_SHARE of the picture. */
    const struct hd_flame_values *all = &t.nodes[0].values;
    double current = all->current, gone = all->gone_base;
    l->gone_scale = 1;
    if (gone > 0 && gone > HD_FLAME_GONE_SHARE / (1 - HD_FLAME_GONE_SHARE) * current)
        l->gone_scale = current > 0 ? HD_FLAME_GONE_SHARE / (1 - HD_FLAME_GONE_SHARE) *
                                          current / gone
                                    : 1;
    for (size_t i = 0; i < t.n; i++)
        t.nodes[i].width = t.nodes[i].values.current + l->gone_scale * t.nodes[i].values.gone_base;
    l->total_width = t.nodes[0].width;

    if (l->total_width > 0) {
        struct layout_context c = {&t, graph, l, 0, min_fraction * l->total_width};
        lay_out(&c, 0, 0, 0);
    }
    free(t.nodes);
    hd_idtable_free(&t.children);
    return l;
}

void hd_flame_layout_free(struct hd_flame_layout *layout)
{
    if (!layout)
        return;
    free(layout->frames);
    free(layout);
}
