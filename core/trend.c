/* --trend: a snapshot series, read one file at a time (see trend.h). */
#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "annotate.h"
#include "array.h"
#include "parallel.h"
#include "sequence.h"

/* The snapshots of a series: the paths given, a directory's profiles, a
 * glob's matches; in the order their producer wrote them. */
struct snapshot_list {
    char **paths; /* owned */
    size_t n, capacity;
};

static void list_add(struct snapshot_list *list, const char *path)
{
    HD_ARRAY_RESERVE(list->paths, list->capacity, list->n + 1);
    list->paths[list->n++] = hd_strdup(path);
}

/* list_add for hd_expand_snapshots. */
static void add_snapshot_path(void *list, const char *path)
{
    list_add(list, path);
}

static void list_free(struct snapshot_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->paths[i]);
    free(list->paths);
}

/* Whether NAME is a profile a directory of dumps holds: *.heap, or
 * *.heap.gz. */
static bool profile_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".heap") == 0) ||
           (n > 8 && strcmp(name + n - 8, ".heap.gz") == 0);
}

/* Add the profiles of directory DIR.  -1 with *ERR set when it cannot be
 * read. */
static int add_directory(struct snapshot_list *list, const char *dir, struct hd_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return hd_error_set(err, dir, 0, "cannot read the directory: %s", strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!profile_name(e->d_name))
            continue;
        char path[PATH_MAX];
        size_t n = strlen(dir);
        const char *slash = n > 0 && dir[n - 1] == '/' ? "" : "/";
        if (snprintf(path, sizeof path, "%s%s%s", dir, slash, e->d_name) >= (int)sizeof path)
            continue;
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            list_add(list, path);
        if (list->n > HD_TREND_MAX_SNAPSHOTS)
            break;
    }
    closedir(d);
    return 0;
}

/* ARGS[0..N) as snapshot files, ordered (hd_sort_snapshots); a massif
 * file is its detailed snapshots (hd_expand_snapshots, read within
 * LIMITS).  -1 with *ERR set: a missing file, an empty directory or glob,
 * malformed massif output, too few or too many snapshots. */
static int list_snapshots(const char *const *args, size_t n,
                          const struct hd_parse_limits *limits, struct snapshot_list *list,
                          struct hd_error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        size_t before = list->n;
        if (strcmp(args[i], "-") == 0)
            return hd_error_set(err, NULL, 0, "--trend reads files, not standard input");
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (add_directory(list, args[i], err) != 0)
                return -1;
            if (list->n == before)
                return hd_error_set(err, args[i], 0,
                                    "holds no profile (files named *.heap or *.heap.gz)");
        } else if (stat(args[i], &st) != 0 && strpbrk(args[i], "*?[")) {
            glob_t g;
            int rc = glob(args[i], 0, NULL, &g);
            for (size_t k = 0; rc == 0 && k < g.gl_pathc; k++)
                list_add(list, g.gl_pathv[k]);
            globfree(&g);
            if (list->n == before)
                return hd_error_set(err, args[i], 0, "matches no file");
        } else if (hd_expand_snapshots(args[i], limits, HD_TREND_MAX_SNAPSHOTS,
                                       add_snapshot_path, list, err) != 0) {
            return -1; /* else read_one says what is wrong with it */
        }
        if (list->n > HD_TREND_MAX_SNAPSHOTS)
            return hd_error_set(err, NULL, 0, "--trend takes at most %d snapshots",
                                HD_TREND_MAX_SNAPSHOTS);
    }
    if (list->n < 3)
        return hd_error_set(err, NULL, 0,
                            "--trend needs at least 3 snapshots, got %zu (for two: --base "
                            "OLD BINARY NEW)",
                            list->n);
    hd_sort_snapshots((const char **)list->paths, list->n);
    return 0;
}

/* Warn when the snapshots are not the dumps of one run. */
static void check_one_run(const struct snapshot_list *list)
{
    char first[PATH_MAX + 16], run[PATH_MAX + 16];
    unsigned long long seq;
    if (!hd_dump_sequence(list->paths[0], first, sizeof first, &seq))
        return;
    for (size_t i = 1; i < list->n; i++)
        if (!hd_dump_sequence(list->paths[i], run, sizeof run, &seq) ||
            strcmp(run, first) != 0) {
            hd_warn("the snapshots are not all dumps of one run (%s, %s): the series "
                    "mixes processes",
                    list->paths[0], list->paths[i]);
            return;
        }
}

/* Add each node of GRAPH, built from a model whose current column is
 * snapshot K, to TREND. */
static void add_snapshot(struct hd_trend *trend, size_t k, const struct hd_graph *graph,
                         const struct hd_model *model, uint32_t column)
{
    double var = 0; /* the total's: the stacks' variances add up */
    for (size_t i = 0; i < graph->n_nodes; i++) {
        const struct hd_node *node = &graph->nodes[i];
        hd_trend_add(trend, k, node->name, node->current_flat, node->current_cum,
                     node->current_flat_var, node->current_cum_var);
        var += node->current_flat_var;
    }
    hd_trend_set_total(trend, k, graph->shown_total + graph->shown_base_total, var);
    hd_trend_set_allocated(trend, k, hd_model_input_total(model, column).alloc_bytes);
}

int hd_core_read_series(const struct hd_request *r, struct hd_symbolizer *sym,
                        struct hd_wrappers *wrappers, const struct hd_filters *filters,
                        struct hd_series *out, struct hd_error *err)
{
    memset(out, 0, sizeof *out);
    struct snapshot_list list = {0};
    if (list_snapshots(r->currents, r->n_currents, &r->limits, &list, err) != 0) {
        list_free(&list);
        return -1;
    }
    check_one_run(&list);
    struct hd_graph_options options = r->graph;
    options.filters = filters;
    struct hd_model *model = hd_model_new();
    struct hd_trend *trend = hd_trend_new(list.n);
    /* The second core parses the next snapshot meanwhile. */
    struct hd_parallel *par = hd_parallel_series(r, (const char *const *)list.paths, list.n);
    for (size_t k = 0; k < list.n; k++) {
        struct hd_model *one = hd_core_read_one_through(r, par, list.paths[k], sym, err);
        if (!one) {
            hd_parallel_free(par);
            hd_model_free(model);
            hd_trend_free(trend);
            list_free(&list);
            return -1;
        }
        /* The model holds the first snapshot (as the base, once it is
         * counted) and the current one. */
        if (model->n_inputs == 2)
            hd_model_drop_last_input(model);
        size_t known = model->n_locations;
        uint32_t column = hd_model_align(model, one, HD_ROLE_CURRENT);
        hd_model_free(one);
        hd_sym_annotate_new(r->no_symbols ? NULL : sym, model, wrappers, known);
        hd_core_trim_paths(r, model, known);
        struct hd_graph *graph = hd_graph_build(model, &options);
        add_snapshot(trend, k, graph, model, column);
        hd_trend_set_path(trend, k, list.paths[k]);
        hd_graph_free(graph);
        if (k == 0)
            hd_model_set_role(model, 0, HD_ROLE_BASE);
    }
    hd_parallel_free(par);
    if (sym && !r->no_symbols)
        hd_sym_say_summary(sym);
    hd_trend_classify(trend, &r->thresholds);
    out->model = model;
    out->trend = trend;
    list_free(&list);
    return 0;
}

void hd_series_release(struct hd_series *series)
{
    hd_model_free(series->model);
    hd_trend_free(series->trend);
    memset(series, 0, sizeof *series);
}
