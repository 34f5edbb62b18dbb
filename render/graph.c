/* Node aggregation (see graph.h). */
#include "graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "idtable.h"

struct hd_graph_private {
    struct hd_arena *arena;   /* node names */
    struct hd_idtable names;  /* node ids by name */
    size_t capacity_nodes;
    /* Per location, the node ids of its frames, leaf first:
     * location_nodes[location_first[l] .. location_first[l + 1]). */
    uint32_t *location_first;
    uint32_t *location_nodes;
};

double hd_value_of(const struct hd_values *v, enum hd_value_type type)
{
    switch (type) {
    case HD_VALUE_INUSE_SPACE:
        return v->inuse_bytes;
    case HD_VALUE_INUSE_OBJECTS:
        return v->inuse_objects;
    case HD_VALUE_ALLOC_SPACE:
        return v->alloc_bytes;
    case HD_VALUE_ALLOC_OBJECTS:
        return v->alloc_objects;
    }
    return 0;
}

bool hd_value_is_objects(enum hd_value_type type)
{
    return type == HD_VALUE_INUSE_OBJECTS || type == HD_VALUE_ALLOC_OBJECTS;
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
    if (g->n_nodes == x->capacity_nodes) {
        x->capacity_nodes = x->capacity_nodes ? 2 * x->capacity_nodes : 256;
        g->nodes = realloc(g->nodes, x->capacity_nodes * sizeof *g->nodes);
        if (!g->nodes)
            abort();
    }
    g->nodes[g->n_nodes] =
        (struct hd_node){hd_arena_strndup(x->arena, key, strlen(key)), 0, 0};
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

/* "module+0xoffset", or "0xaddress" outside every mapping. */
static void format_address(const struct hd_profile *p, const struct hd_location *l,
                           char *buf, size_t size)
{
    if (l->mapping == HD_NO_MAPPING || !p->mappings[l->mapping].path[0])
        snprintf(buf, size, "0x%llx", (unsigned long long)l->address);
    else
        snprintf(buf, size, "%s+0x%llx", base_name(p->mappings[l->mapping].path),
                 (unsigned long long)l->offset);
}

/* The node name of frame F (INDEX of the location's N frames, leaf first)
 * at granularity G.  Inlined frames are every frame but the last. */
static void format_frame(const struct hd_profile *p, const struct hd_location *l,
                         uint32_t index, enum hd_granularity g, char *buf, size_t size)
{
    char address[128];
    format_address(p, l, address, sizeof address);
    if (l->n_frames == 0) {
        snprintf(buf, size, "%s", address);
        return;
    }
    const struct hd_frame *f = &l->frames[index];
    const char *function = f->function ? f->function : address;
    const char *inline_mark = index + 1 < l->n_frames ? " (inline)" : "";
    const char *file = f->file ? f->file : "??";
    switch (g) {
    case HD_GRANULARITY_FUNCTIONS:
        snprintf(buf, size, "%s%s", function, inline_mark);
        break;
    case HD_GRANULARITY_LINES:
        snprintf(buf, size, "%s%s %s:%u", function, inline_mark, file, (unsigned)f->line);
        break;
    case HD_GRANULARITY_FILES:
        snprintf(buf, size, "%s", f->file ? f->file : address);
        break;
    case HD_GRANULARITY_ADDRESSES:
        snprintf(buf, size, "%s %s%s %s:%u", address, function, inline_mark, file,
                 (unsigned)f->line);
        break;
    }
}

/* Compute every location's node ids once, so that samples only add. */
static void name_locations(struct hd_graph *g, const struct hd_profile *p,
                           enum hd_granularity granularity)
{
    struct hd_graph_private *x = g->private;
    size_t total = 0;
    for (size_t i = 0; i < p->n_locations; i++)
        total += p->locations[i].n_frames ? p->locations[i].n_frames : 1;
    x->location_first = malloc((p->n_locations + 1) * sizeof *x->location_first);
    x->location_nodes = malloc((total + 1) * sizeof *x->location_nodes);
    if (!x->location_first || !x->location_nodes)
        abort();
    uint32_t next = 0;
    char name[4096];
    for (size_t i = 0; i < p->n_locations; i++) {
        const struct hd_location *l = &p->locations[i];
        x->location_first[i] = next;
        uint32_t n = l->n_frames ? l->n_frames : 1;
        for (uint32_t f = 0; f < n; f++) {
            format_frame(p, l, f, granularity, name, sizeof name);
            x->location_nodes[next++] = node_for_name(g, name);
        }
    }
    x->location_first[p->n_locations] = next;
}

struct hd_graph *hd_graph_build(const struct hd_profile *p,
                                const struct hd_graph_options *options)
{
    struct hd_graph *g = calloc(1, sizeof *g);
    if (!g)
        abort();
    g->private = calloc(1, sizeof *g->private);
    if (!g->private)
        abort();
    g->private->arena = hd_arena_new();
    name_locations(g, p, options->granularity);
    const struct hd_graph_private *x = g->private;
    /* last_sample[n] = the sample that last added to node n's cum, so a
     * recursive stack counts once (FORMATS.md §3.5). */
    size_t *last_sample = malloc((g->n_nodes + 1) * sizeof *last_sample);
    if (!last_sample)
        abort();
    for (size_t n = 0; n < g->n_nodes; n++)
        last_sample[n] = SIZE_MAX;
    for (size_t s = 0; s < p->n_samples; s++) {
        const struct hd_sample *sample = &p->samples[s];
        double value = hd_value_of(&sample->values, options->value);
        g->total += value;
        if (value == 0)
            continue;
        const struct hd_stack *stack = &p->stacks[sample->stack];
        uint32_t first = 0;
        while (first + 1 < stack->depth && p->locations[stack->locations[first]].is_allocator)
            first++;
        bool leaf = true;
        for (uint32_t d = first; d < stack->depth; d++) {
            uint32_t l = stack->locations[d];
            for (uint32_t k = x->location_first[l]; k < x->location_first[l + 1]; k++) {
                uint32_t node = x->location_nodes[k];
                if (leaf)
                    g->nodes[node].flat += value;
                leaf = false;
                if (last_sample[node] != s) {
                    last_sample[node] = s;
                    g->nodes[node].cum += value;
                }
            }
        }
    }
    free(last_sample);
    return g;
}

void hd_graph_free(struct hd_graph *g)
{
    if (!g)
        return;
    hd_idtable_free(&g->private->names);
    hd_arena_free(g->private->arena);
    free(g->private->location_first);
    free(g->private->location_nodes);
    free(g->private);
    free(g->nodes);
    free(g);
}
