/* Node aggregation (see graph.h). */
#include "graph.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"
#include "idtable.h"

/* One frame of a location as the graph sees it. */
struct slot {
    uint32_t node;        /* node id */
    unsigned filter_bits; /* filters whose regex matches this frame */
    bool inlined;         /* inlined into the next slot of its location */
};

/* A stack's slots, leaf first; reused across samples. */
struct slot_list {
    struct slot *items;
    size_t n, capacity;
};

/* Per-sample stamps (see hd_graph_build). */
struct stamps {
    size_t *nodes;
    size_t *edges;
    size_t capacity_edges;
};

struct hd_graph_private {
    struct hd_arena *arena;   /* node names */
    struct hd_idtable names;  /* node ids by name */
    struct hd_idtable calls;  /* edge ids by (caller, callee) */
    size_t capacity_nodes, capacity_edges;
    /* Per location, its frames' slots, leaf first:
     * slots[location_first[l] .. location_first[l + 1]). */
    uint32_t *location_first;
    struct slot *slots;
    struct hd_graph_options options; /* as built */
};

struct hd_sides hd_node_flat_sides(const struct hd_node *n)
{
    return (struct hd_sides){n->current_flat, n->base_flat};
}

struct hd_sides hd_node_cum_sides(const struct hd_node *n)
{
    return (struct hd_sides){n->current_cum, n->base_cum};
}

static uint64_t name_rehash(const void *owner, uint32_t id)
{
    const struct hd_graph *g = owner;
    return hd_hash_bytes(g->nodes[id].name, strlen(g->nodes[id].name));
}

static bool name_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_graph *g = owner;
    return strcmp(g->nodes[id].name, key) == 0;
}

static uint32_t node_create(void *owner, const void *key)
{
    struct hd_graph *g = owner;
    struct hd_graph_private *x = g->private;
    HD_ARRAY_RESERVE(g->nodes, x->capacity_nodes, g->n_nodes + 1);
    g->nodes[g->n_nodes] =
        (struct hd_node){.name = hd_arena_strndup(x->arena, key, strlen(key))};
    return (uint32_t)g->n_nodes++;
}

static uint32_t node_for_name(struct hd_graph *g, const char *name)
{
    struct hd_probe q = {hd_hash_bytes(name, strlen(name)), name_matches, name_rehash, g,
                         name};
    return hd_idtable_intern(&g->private->names, &q, node_create, g);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

struct edge_key {
    uint32_t caller, callee;
    bool inlined;
};

static uint64_t edge_key_hash(uint32_t caller, uint32_t callee)
{
    return hd_hash_mix(((uint64_t)caller << 32) | callee);
}

static uint64_t edge_rehash(const void *owner, uint32_t id)
{
    const struct hd_graph *g = owner;
    return edge_key_hash(g->edges[id].caller, g->edges[id].callee);
}

static bool edge_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_graph *g = owner;
    const struct edge_key *k = key;
    return g->edges[id].caller == k->caller && g->edges[id].callee == k->callee;
}

static uint32_t edge_create(void *owner, const void *key)
{
    struct hd_graph *g = owner;
    struct hd_graph_private *x = g->private;
    const struct edge_key *k = key;
    HD_ARRAY_RESERVE(g->edges, x->capacity_edges, g->n_edges + 1);
    g->edges[g->n_edges] = (struct hd_edge){.caller = k->caller, .callee = k->callee,
                                            .inlined = k->inlined};
    return (uint32_t)g->n_edges++;
}

static uint32_t edge_for_call(struct hd_graph *g, uint32_t caller, uint32_t callee,
                              bool inlined)
{
    struct edge_key k = {caller, callee, inlined};
    struct hd_probe q = {edge_key_hash(caller, callee), edge_matches, edge_rehash, g, &k};
    return hd_idtable_intern(&g->private->calls, &q, edge_create, g);
}

void hd_location_name(const struct hd_model *p, const struct hd_location *l, char *buf,
                      size_t size)
{
    if (l->mapping == HD_NO_MAPPING || !p->mappings[l->mapping].path[0])
        snprintf(buf, size, "0x%llx", (unsigned long long)l->address);
    else
        snprintf(buf, size, "%s+0x%llx", base_name(p->mappings[l->mapping].path),
                 (unsigned long long)l->offset);
}

const char *hd_inline_suffix(enum hd_inline_mark mark)
{
    switch (mark) {
    case HD_INLINE_ALL:
        return " (inline)";
    case HD_INLINE_PARTIAL:
        return " (partial-inline)";
    default:
        return "";
    }
}

/* The node name of frame F (INDEX of the location's N frames, leaf first)
 * at granularity G.  Whether the frame was inlined is not part of the
 * name: an inlined and an out-of-line copy of a function are one node, as
 * in Go pprof, whose node key is (function, file, line, address) at each
 * granularity (internal/graph NodeInfo).  At --addresses the address
 * keeps them apart anyway. */
static void format_frame(const struct hd_model *p, const struct hd_location *l,
                         uint32_t index, enum hd_granularity g, char *buf, size_t size)
{
    char address[128];
    hd_location_name(p, l, address, sizeof address);
    if (l->n_frames == 0) {
        snprintf(buf, size, "%s", address);
        return;
    }
    const struct hd_frame *f = &l->frames[index];
    const char *function = f->function ? f->function : address;
    const char *file = f->file ? f->file : "??";
    switch (g) {
    case HD_GRANULARITY_FUNCTIONS:
        snprintf(buf, size, "%s", function);
        break;
    case HD_GRANULARITY_LINES:
        snprintf(buf, size, "%s %s:%u", function, file, (unsigned)f->line);
        break;
    case HD_GRANULARITY_FILES:
        snprintf(buf, size, "%s", f->file ? f->file : address);
        break;
    case HD_GRANULARITY_ADDRESSES:
        snprintf(buf, size, "%s %s %s:%u", address, function, file, (unsigned)f->line);
        break;
    }
}

/* The texts a filter regex is matched against for one frame: what Go
 * pprof matches (function and file of the entry, the mapping's file), plus
 * the node's own name, so unsymbolized frames can be matched as shown. */
static unsigned match_frame(const struct hd_filters *filters, const struct hd_model *p,
                            const struct hd_location *l, const struct hd_frame *f,
                            const char *node_name)
{
    const char *texts[4] = {node_name, NULL, NULL, NULL};
    if (f) {
        texts[1] = f->function;
        texts[2] = f->file;
    }
    if (l->mapping != HD_NO_MAPPING)
        texts[3] = p->mappings[l->mapping].path;
    return hd_filters_match(filters, texts, 4);
}

/* Compute every location's slots once (node id, filter bits, inline
 * flag), so that each sample only adds. */
static void name_locations(struct hd_graph *g, const struct hd_model *p,
                           const struct hd_graph_options *o)
{
    struct hd_graph_private *x = g->private;
    size_t total = 0;
    for (size_t i = 0; i < p->n_locations; i++)
        total += p->locations[i].n_frames && !o->no_inlines ? p->locations[i].n_frames : 1;
    x->location_first = hd_malloc(p->n_locations + 1, sizeof *x->location_first);
    x->slots = hd_malloc(total + 1, sizeof *x->slots);
    uint32_t next = 0;
    char name[4096];
    for (size_t i = 0; i < p->n_locations; i++) {
        const struct hd_location *l = &p->locations[i];
        x->location_first[i] = next;
        uint32_t n = l->n_frames ? l->n_frames : 1;
        uint32_t from = o->no_inlines ? n - 1 : 0;
        for (uint32_t f = from; f < n; f++) {
            format_frame(p, l, f, o->granularity, name, sizeof name);
            struct slot *s = &x->slots[next++];
            s->node = node_for_name(g, name);
            s->filter_bits = match_frame(o->filters, p, l, l->n_frames ? &l->frames[f] : NULL,
                                         name);
            s->inlined = f + 1 < n;
        }
    }
    x->location_first[p->n_locations] = next;
}

/* Append the slots of STACK, leaf first, to *LIST, leaving out the
 * allocator's own leaf frames (symbolize/allocator.c decides which). */
static void expand_stack(const struct hd_graph *g, const struct hd_stack *stack,
                         struct slot_list *list)
{
    const struct hd_graph_private *x = g->private;
    list->n = 0;
    for (uint32_t d = stack->allocator_frames; d < stack->depth; d++) {
        uint32_t l = stack->locations[d];
        uint32_t first = x->location_first[l], end = x->location_first[l + 1];
        HD_ARRAY_RESERVE(list->items, list->capacity, list->n + (end - first));
        for (uint32_t k = first; k < end; k++)
            list->items[list->n++] = x->slots[k];
    }
}

static bool has_bit(const struct slot_list *list, unsigned bit)
{
    for (size_t i = 0; i < list->n; i++)
        if (list->items[i].filter_bits & bit)
            return true;
    return false;
}

/* Apply the filters to LIST in pprof's order: focus, ignore, hide, show,
 * show_from, prune_from.  False when the sample is to be left out. */
static bool apply_filters(const struct hd_filters *filters, struct slot_list *list,
                          unsigned *matched)
{
    if (!filters)
        return true;
    for (size_t i = 0; i < list->n; i++)
        *matched |= list->items[i].filter_bits;
    const unsigned focus = 1u << HD_FILTER_FOCUS, ignore = 1u << HD_FILTER_IGNORE,
                   hide = 1u << HD_FILTER_HIDE, show = 1u << HD_FILTER_SHOW,
                   show_from = 1u << HD_FILTER_SHOW_FROM,
                   prune_from = 1u << HD_FILTER_PRUNE_FROM;
    if (hd_filter_pattern(filters, HD_FILTER_FOCUS) && !has_bit(list, focus))
        return false;
    if (has_bit(list, ignore))
        return false;
    bool showing = hd_filter_pattern(filters, HD_FILTER_SHOW) != NULL;
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++) {
        unsigned bits = list->items[i].filter_bits;
        if ((bits & hide) || (showing && !(bits & show)))
            continue;
        list->items[kept++] = list->items[i];
    }
    list->n = kept;
    if (hd_filter_pattern(filters, HD_FILTER_SHOW_FROM)) {
        size_t i = list->n;
        while (i > 0 && !(list->items[i - 1].filter_bits & show_from))
            i--;
        if (i == 0)
            return false;
        list->n = i; /* the match is the new root */
    }
    for (size_t i = 0; i < list->n; i++)
        if (list->items[i].filter_bits & prune_from) {
            memmove(list->items, list->items + i, (list->n - i) * sizeof *list->items);
            list->n -= i; /* the match is the new leaf */
            break;
        }
    return true;
}

/* Add one edge's worth of VALUE, BASE and VARIANCE for the call CALLER ->
 * CALLEE, once per sample S. */
static void add_edge(struct hd_graph *g, struct stamps *stamps, size_t s, uint32_t caller,
                     uint32_t callee, bool inlined, double value, double base,
                     double variance)
{
    uint32_t e = edge_for_call(g, caller, callee, inlined);
    if (!inlined)
        g->edges[e].inlined = false;
    if (e >= stamps->capacity_edges) {
        size_t old = stamps->capacity_edges;
        HD_ARRAY_RESERVE(stamps->edges, stamps->capacity_edges, (size_t)e + 1);
        for (size_t i = old; i < stamps->capacity_edges; i++)
            stamps->edges[i] = SIZE_MAX;
    }
    if (stamps->edges[e] != s) {
        stamps->edges[e] = s;
        g->edges[e].weight += value;
        g->edges[e].base_weight += base;
        g->edges[e].weight_var += variance;
    }
}

/* The sides of sample SAMPLE in *SIDES; false when the graph leaves it
 * out (see hd_graph_sample_value). */
static bool counted_sides(const struct hd_graph *g, const struct hd_model *p, size_t sample,
                          struct hd_sides *sides)
{
    const struct hd_graph_options *o = &g->private->options;
    *sides = hd_model_sample_sides(p, sample, o->value);
    return !(sides->current == 0 && sides->base == 0) &&
           !(o->drop_negative && sides->current - sides->base < 0);
}

/* Each node's mark from its incoming edges, as Go pprof's text report
 * sets it: an edge is inlined when every call it counts was. */
static void mark_inlined_nodes(struct hd_graph *g)
{
    enum { INLINED = 1, CALLED = 2 };
    unsigned char *seen = hd_calloc(g->n_nodes + 1, 1);
    for (size_t e = 0; e < g->n_edges; e++)
        seen[g->edges[e].callee] |= g->edges[e].inlined ? INLINED : CALLED;
    for (size_t n = 0; n < g->n_nodes; n++)
        g->nodes[n].inlined = seen[n] == INLINED            ? HD_INLINE_ALL
                              : seen[n] == (INLINED | CALLED) ? HD_INLINE_PARTIAL
                                                              : HD_INLINE_NONE;
    free(seen);
}

struct hd_graph *hd_graph_build(const struct hd_model *p,
                                const struct hd_graph_options *options)
{
    struct hd_graph *g = hd_calloc(1, sizeof *g);
    g->private = hd_calloc(1, sizeof *g->private);
    g->private->arena = hd_arena_new();
    g->private->options = *options;
    name_locations(g, p, options);
    /* stamps.nodes[n] / stamps.edges[e] = the sample that last counted
     * node n in cum / edge e, so that a recursive stack counts once
     * (FORMATS.md §3.5). */
    struct stamps stamps = {hd_malloc(g->n_nodes + 1, sizeof *stamps.nodes), NULL, 0};
    for (size_t n = 0; n < g->n_nodes; n++)
        stamps.nodes[n] = SIZE_MAX;
    struct slot_list list = {NULL, 0, 0};
    double gross = 0;
    for (size_t s = 0; s < p->samples.n; s++) {
        struct hd_sides sides;
        /* A left-out sample is 0 or dropped as negative: not in totals. */
        if (!counted_sides(g, p, s, &sides))
            continue;
        double value = sides.current - sides.base, base = sides.base, current = sides.current;
        struct hd_sides variance = hd_model_sample_variance(p, s, options->value);
        double delta_var = hd_delta_variance(variance);
        g->total += value;
        g->base_total += base;
        gross += fabs(value);
        expand_stack(g, &p->stacks[p->samples.keys[s].stack], &list);
        if (!apply_filters(options->filters, &list, &g->filters_matched) || list.n == 0)
            continue;
        g->shown_total += value;
        g->shown_base_total += base;
        g->shown_gross += fabs(value);
        for (size_t i = 0; i < list.n; i++) {
            struct hd_node *node = &g->nodes[list.items[i].node];
            if (i == 0) {
                node->flat += value;
                node->base_flat += base;
                node->current_flat += current;
                node->flat_var += delta_var;
                node->current_flat_var += variance.current;
            }
            if (stamps.nodes[list.items[i].node] != s) {
                stamps.nodes[list.items[i].node] = s;
                node->cum += value;
                node->base_cum += base;
                node->current_cum += current;
                node->cum_var += delta_var;
                node->current_cum_var += variance.current;
            }
            uint32_t callee = i > 0 ? list.items[i - 1].node : list.items[i].node;
            if (callee != list.items[i].node)
                add_edge(g, &stamps, s, list.items[i].node, callee, list.items[i - 1].inlined,
                         value, base, delta_var);
        }
    }
    if (!options->filters) {
        g->shown_total = g->total;
        g->shown_base_total = g->base_total;
        g->shown_gross = gross;
    }
    mark_inlined_nodes(g);
    free(list.items);
    free(stamps.edges);
    free(stamps.nodes);
    return g;
}

struct hd_denominator hd_graph_denominator(const struct hd_graph *g, bool diff)
{
    struct hd_sides shown = {g->shown_total + g->shown_base_total, g->shown_base_total};
    return hd_choose_denominator(shown, g->shown_gross, diff);
}

bool hd_graph_sample_value(const struct hd_graph *g, const struct hd_model *p, size_t sample,
                           double *value, double *base)
{
    struct hd_sides sides;
    bool counted = counted_sides(g, p, sample, &sides);
    *value = sides.current - sides.base;
    *base = sides.base;
    return counted;
}

double hd_graph_sample_variance(const struct hd_graph *g, const struct hd_model *p,
                                size_t sample)
{
    return hd_delta_variance(hd_model_sample_variance(p, sample, g->private->options.value));
}

/* The slots of SAMPLE as the graph counts them, in *LIST (emptied when
 * the graph leaves the sample out). */
static void sample_slots(const struct hd_graph *g, const struct hd_model *p, size_t sample,
                         struct slot_list *list)
{
    double value, base;
    list->n = 0;
    if (!hd_graph_sample_value(g, p, sample, &value, &base))
        return;
    unsigned matched = 0;
    expand_stack(g, &p->stacks[p->samples.keys[sample].stack], list);
    if (!apply_filters(g->private->options.filters, list, &matched))
        list->n = 0;
}

size_t hd_graph_sample_nodes(const struct hd_graph *g, const struct hd_model *p,
                             size_t sample, uint32_t *nodes, size_t max)
{
    struct slot_list list = {NULL, 0, 0};
    sample_slots(g, p, sample, &list);
    for (size_t i = 0; i < list.n && i < max; i++)
        nodes[i] = list.items[i].node;
    free(list.items);
    return list.n;
}

size_t hd_graph_sample_frames(const struct hd_graph *g, const struct hd_model *p,
                              size_t sample, struct hd_path_frame *frames, size_t max)
{
    struct slot_list list = {NULL, 0, 0};
    sample_slots(g, p, sample, &list);
    for (size_t i = 0; i < list.n && i < max; i++)
        frames[i] = (struct hd_path_frame){list.items[i].node, list.items[i].inlined};
    free(list.items);
    return list.n;
}

void hd_graph_node_sources(const struct hd_graph *g, const struct hd_model *p,
                           struct hd_node_source *sources)
{
    const struct hd_graph_private *x = g->private;
    enum hd_granularity granularity = x->options.granularity;
    bool lines = granularity == HD_GRANULARITY_LINES ||
                 granularity == HD_GRANULARITY_ADDRESSES;
    /* seen[n]: a frame named node n was met; its sources then narrow to
     * what every such frame agrees on. */
    bool *seen = hd_calloc(g->n_nodes + 1, sizeof *seen);
    for (size_t i = 0; i < g->n_nodes; i++)
        sources[i] = (struct hd_node_source){NULL, 0};
    for (size_t l = 0; l < p->n_locations; l++) {
        const struct hd_location *loc = &p->locations[l];
        uint32_t first = x->location_first[l], end = x->location_first[l + 1];
        /* The slots are the location's last END - FIRST frames (all of
         * them, or the outermost with no_inlines). */
        for (uint32_t k = first; k < end; k++) {
            const struct hd_frame *f =
                loc->n_frames ? &loc->frames[loc->n_frames - (end - k)] : NULL;
            const char *file = f ? f->file : NULL;
            uint32_t line = f && lines ? f->line : 0;
            struct hd_node_source *s = &sources[x->slots[k].node];
            if (!seen[x->slots[k].node]) {
                seen[x->slots[k].node] = true;
                *s = (struct hd_node_source){file, line};
                continue;
            }
            if (s->file && (!file || strcmp(s->file, file) != 0))
                s->file = NULL;
            if (s->line != line)
                s->line = 0;
        }
    }
    for (size_t i = 0; i < g->n_nodes; i++)
        if (!sources[i].file)
            sources[i].line = 0;
    free(seen);
}

size_t hd_graph_sample_path(const struct hd_graph *graph, const struct hd_model *model,
                            size_t sample, struct hd_path_frame **frames, size_t *capacity)
{
    size_t n = hd_graph_sample_frames(graph, model, sample, *frames, *capacity);
    if (n > *capacity) {
        *frames = hd_array_reserve(*frames, capacity, n, sizeof **frames);
        n = hd_graph_sample_frames(graph, model, sample, *frames, *capacity);
    }
    return n;
}

void hd_graph_free(struct hd_graph *g)
{
    if (!g)
        return;
    hd_idtable_free(&g->private->names);
    hd_idtable_free(&g->private->calls);
    hd_arena_free(g->private->arena);
    free(g->private->location_first);
    free(g->private->slots);
    free(g->private);
    free(g->nodes);
    free(g->edges);
    free(g);
}
