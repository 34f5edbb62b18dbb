/* Node and edge selection for call graphs (see prune.h). */
#include "prune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "idtable.h"

#define NONE UINT32_MAX

struct hd_prune_options hd_prune_defaults(void)
{
    return (struct hd_prune_options){
        .node_fraction = 0.005, .edge_fraction = 0.001, .node_count = 80};
}

/* ---- edge set keyed by (caller, callee) ---- */

struct edge_set {
    struct hd_view_edge *edges;
    size_t n, capacity;
    struct hd_idtable index; /* edge ids by (caller, callee) */
};

struct edge_key {
    uint32_t caller, callee;
};

static uint64_t pair_hash(uint32_t caller, uint32_t callee)
{
    return hd_hash_mix(((uint64_t)caller << 32) | callee);
}

static bool pair_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_view_edge *e = &((const struct edge_set *)owner)->edges[id];
    const struct edge_key *k = key;
    return e->caller == k->caller && e->callee == k->callee;
}

static uint64_t pair_rehash(const void *owner, uint32_t id)
{
    const struct hd_view_edge *e = &((const struct edge_set *)owner)->edges[id];
    return pair_hash(e->caller, e->callee);
}

static uint32_t pair_create(void *owner, const void *key)
{
    struct edge_set *s = owner;
    const struct edge_key *k = key;
    HD_ARRAY_RESERVE(s->edges, s->capacity, s->n + 1);
    s->edges[s->n] = (struct hd_view_edge){.caller = k->caller, .callee = k->callee};
    return (uint32_t)s->n++;
}

/* The index of edge CALLER -> CALLEE, created with zero weights if new. */
static uint32_t set_intern(struct edge_set *s, uint32_t caller, uint32_t callee)
{
    struct edge_key k = {caller, callee};
    struct hd_probe q = {pair_hash(caller, callee), pair_matches, pair_rehash, s, &k};
    return hd_idtable_intern(&s->index, &q, pair_create, s);
}

/* The index of CALLER -> CALLEE, or NONE. */
static uint32_t set_find(const struct edge_set *s, uint32_t caller, uint32_t callee)
{
    struct edge_key k = {caller, callee};
    struct hd_probe q = {pair_hash(caller, callee), pair_matches, pair_rehash, s, &k};
    return hd_idtable_find(&s->index, &q);
}

/* ---- ordering ---- */

/* Comparators for qsort_r; CONTEXT is the graph the ids index. */
static int compare_nodes(const void *a, const void *b, void *context)
{
    const struct hd_graph *g = context;
    const struct hd_node *x = &g->nodes[*(const uint32_t *)a];
    const struct hd_node *y = &g->nodes[*(const uint32_t *)b];
    if (fabs(x->cum) != fabs(y->cum))
        return fabs(x->cum) > fabs(y->cum) ? -1 : 1;
    if (fabs(x->flat) != fabs(y->flat))
        return fabs(x->flat) > fabs(y->flat) ? -1 : 1;
    int c = strcmp(x->name, y->name);
    /* Names are unique, so c != 0 for distinct nodes. */
    return c;
}

static int compare_edges(const void *a, const void *b, void *context)
{
    const struct hd_graph *g = context;
    const struct hd_view_edge *x = a, *y = b;
    if (fabs(x->weight) != fabs(y->weight))
        return fabs(x->weight) > fabs(y->weight) ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    int c = strcmp(g->nodes[x->caller].name, g->nodes[y->caller].name);
    if (c)
        return c;
    return strcmp(g->nodes[x->callee].name, g->nodes[y->callee].name);
}

/* What the picture shows is the delta (or the plain value): a node or
 * edge whose delta is 0 has nothing to draw, as in the text report and Go
 * pprof.  Gone nodes have a negative delta and stay. */
static bool has_weight(const struct hd_view_edge *e)
{
    return e->weight != 0;
}

static bool has_value(const struct hd_node *n)
{
    return n->flat != 0 || n->cum != 0;
}

/* ---- step 3, exact: rebuild the edges from the samples ---- */

struct rebuild {
    const struct hd_graph *graph;
    const bool *kept;
    struct edge_set *set;
    size_t *stamp;    /* per view edge: the sample that last added to it */
    size_t capacity_stamp;
    size_t sample;
};

static void visit_path(void *context, const uint32_t *nodes, size_t depth, double value,
                       double base, double variance)
{
    struct rebuild *r = context;
    size_t sample = r->sample++;
    if (value == 0 && base == 0)
        return;
    /* From the root down, as pprof's newGraph walks a sample: each kept
     * node is called by the previous kept one; dropped nodes in between
     * make the call residual. */
    uint32_t parent = NONE;
    bool residual = false;
    for (size_t i = depth; i-- > 0;) {
        uint32_t n = nodes[i];
        if (!r->kept[n]) {
            residual = true;
            continue;
        }
        if (parent != NONE && parent != n) {
            uint32_t e = set_intern(r->set, parent, n);
            if (e >= r->capacity_stamp) {
                size_t old = r->capacity_stamp;
                HD_ARRAY_RESERVE(r->stamp, r->capacity_stamp, (size_t)e + 1);
                for (size_t k = old; k < r->capacity_stamp; k++)
                    r->stamp[k] = SIZE_MAX;
            }
            if (r->stamp[e] != sample) {
                r->stamp[e] = sample;
                r->set->edges[e].weight += value;
                r->set->edges[e].base_weight += base;
                r->set->edges[e].weight_var += variance;
            }
            if (residual)
                r->set->edges[e].residual = true;
        }
        parent = n;
        residual = false;
    }
}

static void rebuild_from_walk(const struct hd_graph *g, const bool *kept,
                              const struct hd_prune_options *o, struct edge_set *set)
{
    struct rebuild r = {.graph = g, .kept = kept, .set = set};
    o->walk(o->walk_source, visit_path, &r);
    free(r.stamp);
    /* The walk gives no inline marks: a call is inlined when the graph's
     * direct edge says so and no dropped node lies between. */
    struct edge_set direct = {0};
    for (size_t e = 0; e < g->n_edges; e++) {
        const struct hd_edge *d = &g->edges[e];
        if (d->inlined && kept[d->caller] && kept[d->callee]) {
            set_intern(&direct, d->caller, d->callee);
        }
    }
    for (size_t e = 0; e < set->n; e++)
        set->edges[e].inlined = !set->edges[e].residual &&
                                set_find(&direct, set->edges[e].caller, set->edges[e].callee) != NONE;
    free(direct.edges);
    hd_idtable_free(&direct.index);
}

/* ---- step 3, estimated: direct edges plus reachability ---- */

static void rebuild_from_graph(const struct hd_graph *g, const bool *kept, struct edge_set *set)
{
    /* Out-edges per node, in the graph's (deterministic) edge order. */
    size_t *first = hd_calloc(g->n_nodes + 1, sizeof *first);
    uint32_t *out = hd_malloc(g->n_edges, sizeof *out);
    for (size_t e = 0; e < g->n_edges; e++)
        first[g->edges[e].caller + 1]++;
    for (size_t n = 0; n < g->n_nodes; n++)
        first[n + 1] += first[n];
    size_t *fill = hd_malloc(g->n_nodes + 1, sizeof *fill);
    memcpy(fill, first, (g->n_nodes + 1) * sizeof *fill);
    for (size_t e = 0; e < g->n_edges; e++)
        out[fill[g->edges[e].caller]++] = (uint32_t)e;
    free(fill);

    for (size_t e = 0; e < g->n_edges; e++) {
        const struct hd_edge *d = &g->edges[e];
        if (!kept[d->caller] || !kept[d->callee])
            continue;
        uint32_t v = set_intern(set, d->caller, d->callee);
        set->edges[v].weight = d->weight;
        set->edges[v].base_weight = d->base_weight;
        set->edges[v].weight_var = d->weight_var;
        set->edges[v].inlined = d->inlined;
    }

    /* Breadth-first from each kept node through dropped ones.  via[n] is
     * the graph edge that first reached dropped node n in this search;
     * seen[n] the search that reached it. */
    uint32_t *queue = hd_malloc(g->n_nodes, sizeof *queue);
    uint32_t *via = hd_malloc(g->n_nodes, sizeof *via);
    size_t *seen = hd_malloc(g->n_nodes, sizeof *seen);
    for (size_t n = 0; n < g->n_nodes; n++)
        seen[n] = SIZE_MAX;
    for (size_t u = 0; u < g->n_nodes; u++) {
        if (!kept[u])
            continue;
        size_t head = 0, tail = 0;
        for (size_t k = first[u]; k < first[u + 1]; k++) {
            uint32_t d = g->edges[out[k]].callee;
            if (!kept[d] && seen[d] != u) {
                seen[d] = u;
                via[d] = out[k];
                queue[tail++] = d;
            }
        }
        while (head < tail) {
            uint32_t d = queue[head++];
            for (size_t k = first[d]; k < first[d + 1]; k++) {
                const struct hd_edge *x = &g->edges[out[k]];
                uint32_t v = x->callee;
                if (!kept[v]) {
                    if (seen[v] != u) {
                        seen[v] = u;
                        via[v] = out[k];
                        queue[tail++] = v;
                    }
                    continue;
                }
                if (v == u || set_find(set, (uint32_t)u, v) != NONE)
                    continue;
                /* The bottleneck of the path u -> ... -> d -> v. */
                double weight = x->weight, base = x->base_weight, variance = x->weight_var;
                for (uint32_t n = d;; n = g->edges[via[n]].caller) {
                    const struct hd_edge *p = &g->edges[via[n]];
                    if (fabs(p->weight) < fabs(weight)) {
                        weight = copysign(fabs(p->weight), x->weight);
                        base = p->base_weight;
                        variance = p->weight_var;
                    }
                    if (p->caller == u)
                        break;
                }
                uint32_t e = set_intern(set, (uint32_t)u, v);
                set->edges[e].weight = weight;
                set->edges[e].base_weight = base;
                set->edges[e].weight_var = variance;
                set->edges[e].residual = true;
            }
        }
    }
    free(queue);
    free(via);
    free(seen);
    free(first);
    free(out);
}

/* ---- step 5: pprof's RemoveRedundantEdges ---- */

/* Whether CALLEE stays reachable from CALLER in the live edges other than
 * SKIP: breadth-first backwards from CALLEE through in-edges. */
static bool is_redundant(const struct hd_view_edge *edges, const bool *live, size_t n_edges,
                         size_t skip, const size_t *in_first, const uint32_t *in,
                         uint32_t *queue, size_t *seen, size_t search)
{
    uint32_t caller = edges[skip].caller;
    size_t head = 0, tail = 0;
    queue[tail++] = edges[skip].callee;
    seen[edges[skip].callee] = search;
    while (head < tail) {
        uint32_t n = queue[head++];
        for (size_t k = in_first[n]; k < in_first[n + 1]; k++) {
            size_t e = in[k];
            if (e == skip || !live[e] || seen[edges[e].caller] == search)
                continue;
            if (edges[e].caller == caller)
                return true;
            seen[edges[e].caller] = search;
            queue[tail++] = edges[e].caller;
        }
    }
    (void)n_edges;
    return false;
}

static size_t remove_redundant(const struct hd_graph *g, struct hd_view *v)
{
    /* In-edges per node in drawing order (edges are sorted already), so
     * that walking them backwards goes lightest first. */
    size_t *in_first = hd_calloc(g->n_nodes + 1, sizeof *in_first);
    uint32_t *in = hd_malloc(v->n_edges, sizeof *in);
    for (size_t e = 0; e < v->n_edges; e++)
        in_first[v->edges[e].callee + 1]++;
    for (size_t n = 0; n < g->n_nodes; n++)
        in_first[n + 1] += in_first[n];
    size_t *fill = hd_malloc(g->n_nodes + 1, sizeof *fill);
    memcpy(fill, in_first, (g->n_nodes + 1) * sizeof *fill);
    for (size_t e = 0; e < v->n_edges; e++)
        in[fill[v->edges[e].callee]++] = (uint32_t)e;
    free(fill);

    bool *live = hd_malloc(v->n_edges, sizeof *live);
    for (size_t e = 0; e < v->n_edges; e++)
        live[e] = true;
    uint32_t *queue = hd_malloc(g->n_nodes, sizeof *queue);
    size_t *seen = hd_malloc(g->n_nodes, sizeof *seen);
    for (size_t n = 0; n < g->n_nodes; n++)
        seen[n] = SIZE_MAX;
    size_t search = 0, removed = 0;
    /* Nodes from the last drawn; a node's in-edges from the lightest, up
     * to the first non-residual one (never remove an edge heavier than a
     * solid one: it would confuse). */
    for (size_t i = v->n_nodes; i-- > 0;) {
        uint32_t n = v->nodes[i];
        for (size_t k = in_first[n + 1]; k-- > in_first[n];) {
            size_t e = in[k];
            if (!v->edges[e].residual)
                break;
            if (is_redundant(v->edges, live, v->n_edges, e, in_first, in, queue, seen,
                             search++)) {
                live[e] = false;
                removed++;
            }
        }
    }
    size_t kept = 0;
    for (size_t e = 0; e < v->n_edges; e++)
        if (live[e])
            v->edges[kept++] = v->edges[e];
    v->n_edges = kept;
    free(live);
    free(queue);
    free(seen);
    free(in_first);
    free(in);
    return removed;
}

struct hd_view *hd_prune(const struct hd_graph *g, const struct hd_prune_options *o)
{
    struct hd_view *v = hd_calloc(1, sizeof *v);
    for (size_t n = 0; n < g->n_nodes; n++)
        v->abs_total += fabs(g->nodes[n].flat);
    /* pprof truncates the cutoffs to integers (abs64(int64(total * f))). */
    v->node_cutoff = trunc(o->node_fraction * v->abs_total);
    v->edge_cutoff = trunc(o->edge_fraction * v->abs_total);

    /* Steps 1 and 2. */
    v->nodes = hd_malloc(g->n_nodes, sizeof *v->nodes);
    for (size_t n = 0; n < g->n_nodes; n++) {
        const struct hd_node *node = &g->nodes[n];
        if (!has_value(node))
            continue;
        v->n_nonzero++;
        if (fabs(node->cum) < v->node_cutoff) {
            v->dropped_by_fraction++;
            continue;
        }
        v->nodes[v->n_nodes++] = (uint32_t)n;
    }
    v->n_candidates = v->n_nodes;
    /* An empty graph has nothing to sort, and its arrays may be NULL,
     * which qsort_r must not get even for 0 elements (C11 7.22.5). */
    if (v->n_nodes > 1)
        qsort_r(v->nodes, v->n_nodes, sizeof *v->nodes, compare_nodes, (void *)g);
    if (o->node_count > 0 && v->n_nodes > o->node_count)
        v->n_nodes = o->node_count;
    v->dropped_by_count = v->n_candidates - v->n_nodes;
    bool *kept = hd_calloc(g->n_nodes, sizeof *kept);
    for (size_t i = 0; i < v->n_nodes; i++)
        kept[v->nodes[i]] = true;

    /* Step 3. */
    struct edge_set set = {0};
    if (o->walk) {
        rebuild_from_walk(g, kept, o, &set);
        v->exact_residuals = true;
    } else {
        rebuild_from_graph(g, kept, &set);
    }
    hd_idtable_free(&set.index);
    free(kept);

    /* Step 4. */
    v->edges = set.edges;
    size_t n_edges = 0;
    for (size_t e = 0; e < set.n; e++) {
        if (fabs(set.edges[e].weight) < v->edge_cutoff || !has_weight(&set.edges[e]))
            v->dropped_edges++;
        else
            v->edges[n_edges++] = set.edges[e];
    }
    v->n_edges = n_edges;
    if (v->n_edges > 1)
        qsort_r(v->edges, v->n_edges, sizeof *v->edges, compare_edges, (void *)g);

    /* Step 5. */
    v->redundant_residuals = remove_redundant(g, v);
    return v;
}

void hd_view_free(struct hd_view *v)
{
    if (!v)
        return;
    free(v->nodes);
    free(v->edges);
    free(v);
}
