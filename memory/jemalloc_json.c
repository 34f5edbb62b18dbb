/* jemalloc's malloc_stats_print(opts "J") JSON (src/stats.c, 5.x):
 *
 *   {"jemalloc": {"version": ..., "arenas": {"narenas": N, "page": P, ...},
 *    "stats": {"allocated": A, "active": B, "metadata": C, "resident": E,
 *              "mapped": F, "retained": G, ...},
 *    "stats.arenas": {"merged": {"pdirty": D, "pmuzzy": M, ...},
 *                     "destroyed": {...}, "0": {...}, ...}}}
 *
 * "merged" is there only when more than one arena is in use; else the
 * numbered arenas are summed, as for the text.  jemalloc 5.3 writes some
 * keys twice (opt.stats_print): duplicates are accepted, the last wins. */
#include "inputs.h"

#include <string.h>

#include <jansson.h>

static int get_u64(json_t *obj, const char *key, const char *where, const char *name,
                   uint64_t *value, bool required, struct hd_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL && !required) {
        *value = HD_MEM_UNKNOWN;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return hd_error_set(err, name, 0, "jemalloc JSON: %s.%s %s", where, key,
                            v ? "is not a non-negative integer" : "is missing");
    *value = (uint64_t)json_integer_value(v);
    return 0;
}

static int pages_to_bytes(uint64_t pages, uint64_t page, const char *name, uint64_t *bytes,
                          struct hd_error *err)
{
    if (pages == HD_MEM_UNKNOWN || page == HD_MEM_UNKNOWN) {
        *bytes = HD_MEM_UNKNOWN;
        return 0;
    }
    if (__builtin_mul_overflow(pages, page, bytes) || *bytes == HD_MEM_UNKNOWN)
        return hd_error_set(err, name, 0, "jemalloc JSON: pages x page size beyond 2^64 bytes");
    return 0;
}

static int read_root(json_t *root, const char *name, struct hd_mem_jemalloc *je,
                     struct hd_error *err)
{
    json_t *j = json_object_get(root, "jemalloc");
    json_t *stats = json_object_get(j, "stats");
    json_t *arenas = json_object_get(j, "arenas");
    json_t *sa = json_object_get(j, "stats.arenas");
    uint64_t page = HD_MEM_UNKNOWN, narenas = HD_MEM_UNKNOWN;
    uint64_t pages[2] = {HD_MEM_UNKNOWN, HD_MEM_UNKNOWN};
    if (!json_is_object(j) || !json_is_object(stats))
        return hd_error_set(err, name, 0, "jemalloc JSON: no jemalloc.stats object "
                            "(jemalloc built without stats?)");
    if (get_u64(stats, "allocated", "stats", name, &je->allocated, true, err) != 0 ||
        get_u64(stats, "active", "stats", name, &je->active, true, err) != 0 ||
        get_u64(stats, "metadata", "stats", name, &je->metadata, false, err) != 0 ||
        get_u64(stats, "resident", "stats", name, &je->resident, true, err) != 0 ||
        get_u64(stats, "mapped", "stats", name, &je->mapped, false, err) != 0 ||
        get_u64(stats, "retained", "stats", name, &je->retained, false, err) != 0 ||
        get_u64(arenas, "page", "arenas", name, &page, false, err) != 0 ||
        get_u64(arenas, "narenas", "arenas", name, &narenas, false, err) != 0)
        return -1;
    json_t *merged = json_object_get(sa, "merged");
    if (json_is_object(merged)) {
        if (get_u64(merged, "pdirty", "stats.arenas.merged", name, &pages[0], true, err) != 0 ||
            get_u64(merged, "pmuzzy", "stats.arenas.merged", name, &pages[1], true, err) != 0)
            return -1;
    } else if (json_is_object(sa)) {
        const char *key;
        json_t *arena;
        json_object_foreach(sa, key, arena) {
            if (key[0] < '0' || key[0] > '9' || !json_is_object(arena))
                continue; /* "destroyed", or something newer */
            for (int k = 0; k < 2; k++) {
                uint64_t p = 0;
                if (get_u64(arena, k ? "pmuzzy" : "pdirty", "stats.arenas.N", name, &p, true,
                            err) != 0)
                    return -1;
                if (pages[k] == HD_MEM_UNKNOWN)
                    pages[k] = 0;
                if (hd_mem_add(&pages[k], p, name, "jemalloc's page counts", err) != 0)
                    return -1;
            }
        }
    }
    je->n_arenas = narenas == HD_MEM_UNKNOWN || narenas > SIZE_MAX ? 0 : (size_t)narenas;
    return pages_to_bytes(pages[0], page, name, &je->dirty_bytes, err) != 0 ||
                   pages_to_bytes(pages[1], page, name, &je->muzzy_bytes, err) != 0
               ? -1
               : 0;
}

/* jansson builds the whole tree, several times the text's size: a bound
 * far above jemalloc's output (about 60 KB per arena in 5.3, so 1024
 * arenas stay under 64 MiB) keeps a hostile file from exhausting memory. */
#define MAX_JSON_BYTES ((size_t)128 << 20)

int hd_mem_parse_jemalloc_json(const char *name, const char *data, size_t size,
                               struct hd_mem_jemalloc *je, struct hd_error *err)
{
    json_error_t jerr;
    memset(je, 0xff, sizeof *je); /* every figure HD_MEM_UNKNOWN */
    je->present = false;
    if (size > MAX_JSON_BYTES)
        return hd_error_set(err, name, 0, "jemalloc JSON: %zu bytes, more than %zu MiB: "
                            "not malloc_stats_print's", size, MAX_JSON_BYTES >> 20);
    json_t *root = json_loadb(data, size, 0, &jerr);
    if (root == NULL)
        return hd_error_set(err, name, jerr.line > 0 ? jerr.line : 0, "jemalloc JSON: %s",
                            jerr.text);
    int rc = read_root(root, name, je, err);
    json_decref(root);
    if (rc == 0)
        je->present = true;
    else
        memset(je, 0, sizeof *je);
    return rc;
}
