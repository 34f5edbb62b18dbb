/* Reading one capture (a file, or a directory of files) into struct
 * hd_mem_snapshot: each file is recognized by its content (recognize.c)
 * and handed to its reader; the pieces are then completed (sums, thread
 * count).  A directory's files are read in name order, so that which of
 * two inputs of one kind wins does not depend on the file system. */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "input.h"
#include "parse.h"
#include "sniff.h"

/* Which source REGIONS came from (KIND smaps or pmap). */
static enum hd_mem_source source_of(enum hd_mem_kind kind, const struct hd_mem_region *r)
{
    if (kind == HD_MEM_KIND_SMAPS)
        return r[0].rss == HD_MEM_UNKNOWN ? HD_MEM_SOURCE_MAPS : HD_MEM_SOURCE_SMAPS;
    return r[0].pss != HD_MEM_UNKNOWN ? HD_MEM_SOURCE_PMAP_XX : HD_MEM_SOURCE_PMAP_X;
}

static void duplicate(const char *name, enum hd_mem_kind kind)
{
    hd_warn("%s: a second %s in one snapshot: ignored", name, hd_mem_kind_name(kind));
}

static bool same_jemalloc(const struct hd_mem_jemalloc *a, const struct hd_mem_jemalloc *b)
{
    return a->allocated == b->allocated && a->active == b->active &&
           a->metadata == b->metadata && a->resident == b->resident && a->mapped == b->mapped &&
           a->retained == b->retained && a->dirty_bytes == b->dirty_bytes &&
           a->muzzy_bytes == b->muzzy_bytes && a->n_arenas == b->n_arenas;
}

static bool same_tcmalloc(const struct hd_mem_tcmalloc *a, const struct hd_mem_tcmalloc *b)
{
    return a->in_use == b->in_use && a->page_heap_free == b->page_heap_free &&
           a->page_heap_unmapped == b->page_heap_unmapped &&
           a->central_cache == b->central_cache && a->transfer_cache == b->transfer_cache &&
           a->thread_cache == b->thread_cache && a->metadata == b->metadata &&
           a->actual_used == b->actual_used && a->virtual_size == b->virtual_size;
}

static void disagree(const char *name, enum hd_mem_kind kind)
{
    hd_warn("%s: a second %s in one snapshot, with other figures: ignored", name,
            hd_mem_kind_name(kind));
}

static int add_regions(struct hd_mem_snapshot *snap, const char *name, enum hd_mem_kind kind,
                       const char *data, size_t size, struct hd_error *err)
{
    struct hd_mem_region *regions;
    size_t n;
    int rc = kind == HD_MEM_KIND_SMAPS ? hd_mem_parse_smaps(name, data, size, &regions, &n, err)
                                       : hd_mem_parse_pmap(name, data, size, &regions, &n, err);
    if (rc != 0)
        return -1;
    enum hd_mem_source source = source_of(kind, regions);
    if (source <= snap->regions_source) {
        /* pmap beside smaps is expected in a capture: only the same
         * source twice is worth a word. */
        if (source == snap->regions_source)
            duplicate(name, kind);
        hd_mem_regions_free(regions, n);
        return 1;
    }
    hd_mem_regions_free(snap->regions, snap->n_regions);
    snap->regions = regions;
    snap->n_regions = n;
    snap->has_regions = true;
    snap->regions_source = source;
    return 1;
}

int hd_mem_snapshot_add(struct hd_mem_snapshot *snap, const char *name, const char *data,
                        size_t size, struct hd_error *err)
{
    enum hd_mem_kind kind = hd_mem_recognize(data, size);
    switch (kind) {
    case HD_MEM_KIND_NONE:
        return 0;
    case HD_MEM_KIND_SMAPS:
    case HD_MEM_KIND_PMAP:
        return add_regions(snap, name, kind, data, size, err);
    case HD_MEM_KIND_SMAPS_ROLLUP:
        if (snap->has_rollup) {
            duplicate(name, kind);
            return 1;
        }
        if (hd_mem_parse_smaps_rollup(name, data, size, &snap->rollup, err) != 0)
            return -1;
        snap->has_rollup = true;
        return 1;
    case HD_MEM_KIND_STATUS:
        if (snap->threads_from_status) {
            duplicate(name, kind);
            return 1;
        }
        if (hd_mem_parse_status(name, data, size, &snap->n_threads, err) != 0)
            return -1;
        snap->threads_from_status = true;
        return 1;
    case HD_MEM_KIND_MALLOC_INFO:
        if (snap->glibc.from_malloc_info) {
            duplicate(name, kind);
            return 1;
        }
        /* malloc_info knows more than malloc_stats: it replaces it. */
        return hd_mem_parse_malloc_info(name, data, size, &snap->glibc, err) == 0 ? 1 : -1;
    case HD_MEM_KIND_MALLOC_STATS:
        return hd_mem_parse_malloc_stats(name, data, size, &snap->glibc, err) == 0 ? 1 : -1;
    case HD_MEM_KIND_JEMALLOC_TEXT:
    case HD_MEM_KIND_JEMALLOC_JSON: {
        struct hd_mem_jemalloc je;
        int rc = kind == HD_MEM_KIND_JEMALLOC_TEXT
                     ? hd_mem_parse_jemalloc_text(name, data, size, &je, err)
                     : hd_mem_parse_jemalloc_json(name, data, size, &je, err);
        if (rc != 0)
            return -1;
        /* Text and JSON of one moment, side by side, say the same. */
        if (!snap->jemalloc.present)
            snap->jemalloc = je;
        else if (!same_jemalloc(&je, &snap->jemalloc))
            disagree(name, kind);
        return 1;
    }
    case HD_MEM_KIND_TCMALLOC: {
        struct hd_mem_tcmalloc tc;
        if (hd_mem_parse_tcmalloc(name, data, size, &tc, err) != 0)
            return -1;
        if (!snap->tcmalloc.present)
            snap->tcmalloc = tc;
        else if (!same_tcmalloc(&tc, &snap->tcmalloc))
            disagree(name, kind);
        return 1;
    }
    case HD_MEM_KIND_HEAP_PROFILE:
        if (snap->profile_path) {
            duplicate(name, kind);
            return 1;
        }
        snap->profile_path = hd_strdup(name);
        return 1;
    }
    return 0;
}

int hd_mem_snapshot_finish(struct hd_mem_snapshot *snap, struct hd_error *err)
{
    snap->regions_have_rss = snap->has_regions;
    for (size_t i = 0; i < snap->n_regions; i++)
        if (snap->regions[i].rss == HD_MEM_UNKNOWN)
            snap->regions_have_rss = false;
    if (!snap->has_rollup && snap->regions_have_rss) {
        struct hd_mem_rollup sum;
        memset(&sum, 0, sizeof sum);
        for (size_t i = 0; i < snap->n_regions; i++) {
            const struct hd_mem_region *r = &snap->regions[i];
            uint64_t v[HD_MEM_N_SIZE_FIELDS] = {r->rss, r->pss, r->shared_clean, r->shared_dirty,
                                                r->private_clean, r->private_dirty,
                                                r->anonymous, r->swap, r->anon_huge};
            for (int f = 0; f < HD_MEM_N_SIZE_FIELDS; f++)
                if (hd_mem_add(hd_mem_size_slot(&sum, f), v[f], snap->name,
                               hd_mem_size_field_name(f), err) != 0)
                    return -1;
        }
        snap->rollup = sum;
        snap->has_rollup = true;
    }
    if (!snap->threads_from_status) {
        size_t stacks = 0;
        for (size_t i = 0; i < snap->n_regions; i++)
            if (strncmp(snap->regions[i].path, "[stack:", 7) == 0)
                stacks++;
        snap->n_threads = stacks ? stacks + 1 : 0; /* + the main thread's [stack] */
    }
    return 0;
}

/* Read the file PATH into SNAP.  ALONE: it is the whole snapshot, so
 * being none of the inputs is an error rather than a warning. */
static int add_file(struct hd_mem_snapshot *snap, const char *path, bool alone,
                    struct hd_error *err)
{
    struct hd_input in;
    if (hd_input_open(&in, path, HD_PARSE_DEFAULT_MAX_INPUT_BYTES, err) != 0) {
        if (alone)
            return -1;
        hd_warn("%s: skipped: %s", path, err->message);
        return 0;
    }
    int rc = hd_mem_snapshot_add(snap, path, in.data, in.size, err);
    if (rc == 0) {
        struct hd_sniffed what;
        bool known = hd_sniff_format(in.data, in.size, &what);
        if (alone)
            rc = hd_error_set(err, path, 0, "%s%s, not a memory capture (smaps, smaps_rollup, "
                              "pmap -x/-X, malloc_info, malloc_stats, jemalloc or gperftools "
                              "statistics, a heap profile)",
                              known ? "this is " : "not a known input",
                              known ? what.what : "");
        else
            hd_warn("%s: skipped: %s%s", path, known ? what.what : "none of the memory inputs",
                    known ? "" : " (smaps, pmap, allocator statistics, a heap profile)");
    }
    hd_input_close(&in);
    return rc < 0 ? -1 : 0;
}

static int name_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_directory(struct hd_mem_snapshot *snap, const char *dir, struct hd_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return hd_error_set(err, dir, 0, "cannot read the directory: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden files */
        if (n >= 1 << 16) {
            hd_warn("%s: more than 65536 files: the rest are skipped", dir);
            break;
        }
        HD_ARRAY_RESERVE(names, cap, n + 1);
        names[n++] = hd_strdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, name_order);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = hd_malloc(len, 1);
        struct stat st;
        snprintf(path, len, "%s/%s", dir, names[i]);
        if (rc == 0) {
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                hd_warn("%s: skipped: a directory inside a snapshot", path);
            else
                rc = add_file(snap, path, false, err);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int hd_mem_read_snapshot(const char *path, struct hd_mem_snapshot *out, struct hd_error *err)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    out->name = hd_strdup(path);
    hd_mem_rollup_unknown(&out->rollup);
    int rc;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = add_directory(out, path, err);
        if (rc == 0 && !out->has_regions && !out->has_rollup && !out->glibc.present &&
            !out->jemalloc.present && !out->tcmalloc.present && !out->profile_path &&
            !out->threads_from_status)
            rc = hd_error_set(err, path, 0, "no memory capture in this directory (smaps, "
                              "pmap, allocator statistics, a heap profile)");
    } else {
        rc = add_file(out, path, true, err);
    }
    if (rc == 0)
        rc = hd_mem_snapshot_finish(out, err);
    if (rc != 0) {
        hd_mem_snapshot_free(out);
        return -1;
    }
    return 0;
}

void hd_mem_snapshot_free(struct hd_mem_snapshot *snap)
{
    if (!snap)
        return;
    hd_mem_regions_free(snap->regions, snap->n_regions);
    free(snap->glibc.arenas);
    free((char *)snap->name);
    free((char *)snap->profile_path);
    memset(snap, 0, sizeof *snap);
}
