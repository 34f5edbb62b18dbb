/* Per-node series (see trend.h). */
#include "trend.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"
#include "stats.h"

struct hd_trend *hd_trend_new(size_t n_snapshots)
{
    struct hd_trend *t = hd_calloc(1, sizeof *t);
    t->n_snapshots = n_snapshots;
    t->arena = hd_arena_new();
    t->total = hd_calloc(n_snapshots, sizeof *t->total);
    t->total_var = hd_calloc(n_snapshots, sizeof *t->total_var);
    t->allocated = hd_calloc(n_snapshots, sizeof *t->allocated);
    t->paths = hd_calloc(n_snapshots, sizeof *t->paths);
    for (size_t k = 0; k < n_snapshots; k++)
        t->paths[k] = "";
    return t;
}

void hd_trend_free(struct hd_trend *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t->total);
    free(t->total_var);
    free(t->allocated);
    free(t->paths);
    hd_idtable_free(&t->index);
    hd_arena_free(t->arena);
    free(t);
}

static bool name_matches(const void *owner, uint32_t id, const void *key)
{
    return strcmp(((const struct hd_trend *)owner)->nodes[id].name, key) == 0;
}

static uint64_t name_rehash(const void *owner, uint32_t id)
{
    const char *name = ((const struct hd_trend *)owner)->nodes[id].name;
    return hd_hash_bytes(name, strlen(name));
}

/* A new node for the name KEY, its series all 0. */
static uint32_t create_node(void *owner, const void *key)
{
    struct hd_trend *t = owner;
    HD_ARRAY_RESERVE(t->nodes, t->capacity, t->n_nodes + 1);
    struct hd_trend_node *node = &t->nodes[t->n_nodes];
    memset(node, 0, sizeof *node);
    node->name = hd_arena_strndup(t->arena, key, strlen(key));
    size_t n = t->n_snapshots;
    double *values = hd_arena_alloc(t->arena, 4 * n * sizeof *values);
    memset(values, 0, 4 * n * sizeof *values);
    node->flat = values;
    node->cum = values + n;
    node->flat_var = values + 2 * n;
    node->cum_var = values + 3 * n;
    return (uint32_t)t->n_nodes++;
}

static struct hd_probe probe_of(const struct hd_trend *t, const char *name)
{
    return (struct hd_probe){hd_hash_bytes(name, strlen(name)), name_matches, name_rehash, t,
                             name};
}

void hd_trend_add(struct hd_trend *t, size_t snapshot, const char *name, double flat,
                  double cum, double flat_var, double cum_var)
{
    struct hd_probe q = probe_of(t, name);
    uint32_t id = hd_idtable_intern(&t->index, &q, create_node, t); /* may move nodes */
    struct hd_trend_node *node = &t->nodes[id];
    node->flat[snapshot] += flat;
    node->cum[snapshot] += cum;
    node->flat_var[snapshot] += flat_var;
    node->cum_var[snapshot] += cum_var;
}

void hd_trend_set_path(struct hd_trend *t, size_t snapshot, const char *path)
{
    t->paths[snapshot] = hd_arena_strndup(t->arena, path, strlen(path));
}

void hd_trend_set_total(struct hd_trend *t, size_t snapshot, double total, double var)
{
    t->total[snapshot] = total;
    t->total_var[snapshot] = var;
}

void hd_trend_set_allocated(struct hd_trend *t, size_t snapshot, double allocated)
{
    if (!t->allocated)
        return;
    if (allocated <= 0 || (snapshot > 0 && allocated < t->allocated[snapshot - 1])) {
        free(t->allocated);
        t->allocated = NULL;
        return;
    }
    t->allocated[snapshot] = allocated;
}

const struct hd_trend_node *hd_trend_find(const struct hd_trend *t, const char *name)
{
    struct hd_probe q = probe_of(t, name);
    uint32_t id = hd_idtable_find(&t->index, &q);
    return id == UINT32_MAX ? NULL : &t->nodes[id];
}

void hd_trend_classify(struct hd_trend *t, const struct hd_trend_thresholds *thresholds)
{
    size_t n = t->n_snapshots;
    for (size_t i = 0; i < t->n_nodes; i++) {
        struct hd_trend_node *node = &t->nodes[i];
        node->flat_verdict = hd_classify(node->flat, node->flat_var, n, thresholds);
        node->cum_verdict = hd_classify(node->cum, node->cum_var, n, thresholds);
        node->flat_peak = 0;
        for (size_t k = 0; k < n; k++)
            node->flat_peak = fmax(node->flat_peak, fabs(node->flat[k]));
    }
    t->total_verdict = hd_classify(t->total, t->total_var, n, thresholds);
    /* All snapshots at one allocation count give no slope per byte. */
    if (t->allocated && n >= 2 && t->allocated[n - 1] > t->allocated[0])
        t->allocated_slope = hd_theil_sen(t->allocated, t->total, n);
}

static int compare_rank(const void *a, const void *b)
{
    const struct hd_trend_node *x = *(const struct hd_trend_node *const *)a;
    const struct hd_trend_node *y = *(const struct hd_trend_node *const *)b;
    if (x->flat_verdict.verdict != y->flat_verdict.verdict)
        return (int)x->flat_verdict.verdict - (int)y->flat_verdict.verdict;
    double gx = fabs(x->flat_verdict.growth), gy = fabs(y->flat_verdict.growth);
    if (gx != gy)
        return gx > gy ? -1 : 1;
    if (x->flat_peak != y->flat_peak)
        return x->flat_peak > y->flat_peak ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t hd_trend_rank(const struct hd_trend *t, const struct hd_trend_node **order)
{
    for (size_t i = 0; i < t->n_nodes; i++)
        order[i] = &t->nodes[i];
    qsort(order, t->n_nodes, sizeof *order, compare_rank);
    return t->n_nodes;
}
