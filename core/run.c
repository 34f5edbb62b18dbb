/* The pipeline (see core.h). */
#include "core.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator.h"
#include "annotate.h"
#include "array.h"
#include "gvc.h"
#include "output.h"
#include "parse.h"

void hd_request_init(struct hd_request *r)
{
    memset(r, 0, sizeof *r);
    r->thread = HD_ALL_THREADS;
    hd_parse_limits_init(&r->limits);
    r->demangle = true;
    r->graph.value = HD_VALUE_INUSE_SPACE;
    r->graph.granularity = HD_GRANULARITY_FUNCTIONS;
    r->report.unit = HD_UNIT_DEFAULT;
    r->report.node_count = HD_UNSET_COUNT;
    r->report.node_fraction = HD_UNSET_FRACTION;
    r->report.edge_fraction = HD_UNSET_FRACTION;
}

/* ---- symbolizer ---- */

struct hd_symbolizer *hd_core_symbolizer(const struct hd_request *r)
{
    struct hd_sym_options options;
    hd_sym_options_init(&options);
    options.main_binary = r->binary;
    /* Libraries missing at their mapped paths are looked for in each
     * --lib-prefix, then next to BINARY, where a CI artifact or a copied
     * deployment usually keeps them. */
    const char **prefixes = hd_calloc(r->n_lib_prefixes + 1, sizeof *prefixes);
    size_t n_prefixes = 0;
    for (size_t i = 0; i < r->n_lib_prefixes; i++)
        prefixes[n_prefixes++] = r->lib_prefixes[i];
    char binary_dir[PATH_MAX];
    if (r->binary) {
        snprintf(binary_dir, sizeof binary_dir, "%s", r->binary);
        char *slash = strrchr(binary_dir, '/');
        if (!slash)
            snprintf(binary_dir, sizeof binary_dir, ".");
        else
            slash[slash == binary_dir] = '\0'; /* "/server" lives in "/" */
        prefixes[n_prefixes++] = binary_dir;
    }
    options.lib_prefixes = prefixes;
    options.n_lib_prefixes = n_prefixes;
    options.debug_dirs = r->debug_dirs;
    options.n_debug_dirs = r->n_debug_dirs;
    options.sysroot = r->sysroot;
    options.demangle = r->demangle;
    options.full_names = r->full_names;
    struct hd_symbolizer *sym = hd_sym_new(&options); /* copies the options */
    free(prefixes);
    return sym;
}

void hd_core_symbolize(struct hd_symbolizer *sym, struct hd_model *model,
                       struct hd_wrappers *wrappers)
{
    hd_sym_annotate_model(sym, model, wrappers);
}

/* The header's note on the wrapper rule: which wrappers were charged to
 * their callers, the heaviest first, as many as fit in 80 columns (one at
 * least), and how to see them.  NULL when none was.  The caller frees
 * it. */
static char *wrapper_note(const struct hd_request *r, struct hd_wrappers *wrappers)
{
    enum { WIDTH = 80 };
    const char *const *names;
    size_t n = hd_wrappers_charged(wrappers, &names);
    if (n == 0)
        return NULL;
    const char *prefix = r->no_default_wrappers ? "Wrappers charged to callers:"
                                                : "Wrappers charged to callers (--no-wrappers):";
    size_t size = strlen(prefix) + 64;
    for (size_t i = 0; i < n; i++)
        size += strlen(names[i]) + 2;
    char *note = hd_malloc(size, 1);
    size_t length = (size_t)snprintf(note, size, "%s %s", prefix, names[0]);
    size_t shown = 1;
    for (; shown < n; shown++) {
        char more[40] = "";
        if (shown + 1 < n)
            snprintf(more, sizeof more, " and %zu more", n - shown - 1);
        if (length + 2 + strlen(names[shown]) + strlen(more) > WIDTH)
            break;
        length += (size_t)snprintf(note + length, size - length, ", %s", names[shown]);
    }
    if (shown < n)
        snprintf(note + length, size - length, " and %zu more", n - shown);
    return note;
}

/* ---- inputs ---- */

/* hd_build_id_reader over the symbolizer, so that a module's identity is
 * the build-id of the very file its frames are named from. */
static bool read_build_id(void *sym, const char *module_path, bool is_main, char *hex,
                          size_t size)
{
    return hd_sym_module_build_id(sym, module_path, is_main, hex, size);
}

/* Parse PATH and check it can serve REQUEST.  NULL with *ERR set. */
static struct hd_model *read_one(const struct hd_request *r, const char *path,
                                 struct hd_symbolizer *sym, struct hd_error *err)
{
    struct hd_model *m = hd_parse_file(path, &r->limits, err);
    if (!m)
        return NULL;
    const struct hd_model_input *in = &m->inputs[0];
    enum hd_value_type value = r->graph.value;
    if ((value == HD_VALUE_ALLOC_SPACE || value == HD_VALUE_ALLOC_OBJECTS) &&
        !in->has_alloc_values) {
        hd_error_set(err, path, 0,
                     "has no allocated values: every allocated pair is 0: 0 (jemalloc "
                     "writes them only with prof_accum:true)");
        hd_model_free(m);
        return NULL;
    }
    if (r->thread != HD_ALL_THREADS) {
        if (in->format != HD_FORMAT_THREADED) {
            hd_error_set(err, path, 0, "--thread needs a jemalloc profile with tN: lines");
            hd_model_free(m);
            return NULL;
        }
        if (hd_model_select_thread(m, r->thread) == 0)
            hd_warn("%s: thread %ld has no samples", path, r->thread);
    }
    if (sym)
        hd_model_identify_modules(m, read_build_id, sym);
    return m;
}

struct hd_model *hd_core_read_inputs(const struct hd_request *r, struct hd_symbolizer *sym,
                                     struct hd_error *err)
{
    struct hd_model *model = hd_model_new();
    for (int bases = 0; bases < 2; bases++) {
        const char *const *paths = bases ? r->bases : r->currents;
        size_t n = bases ? r->n_bases : r->n_currents;
        for (size_t i = 0; i < n; i++) {
            struct hd_model *one = read_one(r, paths[i], sym, err);
            if (!one) {
                hd_model_free(model);
                return NULL;
            }
            hd_model_align(model, one, bases ? HD_ROLE_BASE : HD_ROLE_CURRENT);
            hd_model_free(one);
        }
    }
    if (r->normalize)
        hd_model_normalize_bases(model, r->graph.value);
    return model;
}

/* ---- the run ---- */

/* Warn about each filter that matched no frame. */
static void warn_unmatched_filters(const struct hd_request *r, const struct hd_graph *graph)
{
    for (int k = 0; k < HD_FILTER_COUNT; k++)
        if (r->filters[k] && !(graph->filters_matched & (1u << k)))
            hd_warn("--%s=%s matched no frame", hd_filter_name((enum hd_filter_kind)k),
                    r->filters[k]);
}

static bool writes_to_terminal(const struct hd_request *r)
{
    return (!r->output || strcmp(r->output, "-") == 0) && isatty(STDOUT_FILENO);
}

/* Emit GRAPH of MODEL as REQUEST asks.  Returns 0, or -1 with *ERR set. */
static int emit(const struct hd_request *r, const struct hd_emitter *emitter,
                const struct hd_model *model, const struct hd_graph *graph,
                const struct hd_filters *filters, const char *wrappers_note,
                struct hd_error *err)
{
    struct hd_report_options options = r->report;
    options.value = r->graph.value;
    options.filters = filters;
    options.wrappers_note = wrappers_note;
    struct hd_report report;
    hd_report_prepare(&report, emitter, model, graph, &options);
    struct hd_output out;
    int rc = hd_output_open(&out, r->output, err);
    if (rc == 0) {
        report.output_name = out.final_path;
        rc = emitter->write(out.stream, &report, err);
        if (hd_output_close(&out, rc == 0, rc == 0 ? err : &(struct hd_error){0}) != 0)
            rc = -1;
    }
    hd_report_release(&report);
    return rc;
}

enum hd_outcome hd_core_run(const struct hd_request *r, struct hd_error *err)
{
    const struct hd_emitter *emitter = r->emitter ? r->emitter : &hd_emitters[0];
    struct hd_filters *filters = NULL;
    if (hd_filters_compile(r->filters, &filters, err) != 0)
        return HD_OUTCOME_TROUBLE;
    struct hd_wrappers *wrappers = NULL;
    if (hd_wrappers_new(r->wrappers, !r->no_default_wrappers, &wrappers, err) != 0) {
        hd_filters_free(filters);
        return HD_OUTCOME_TROUBLE;
    }
    if (emitter->binary && writes_to_terminal(r)) {
        char name[16] = "";
        for (size_t i = 0; emitter->name[i] && i + 1 < sizeof name; i++)
            name[i] = (char)toupper((unsigned char)emitter->name[i]);
        hd_error_set(err, NULL, 0, "will not write %s to a terminal: use -o FILE or a pipe",
                     name);
        hd_filters_free(filters);
        hd_wrappers_free(wrappers);
        return HD_OUTCOME_TROUBLE;
    }
    enum hd_outcome outcome = HD_OUTCOME_TROUBLE;
    struct hd_symbolizer *sym = hd_core_symbolizer(r);
    struct hd_graph *graph = NULL;
    struct hd_model *model = hd_core_read_inputs(r, sym, err);
    if (model) {
        hd_core_symbolize(r->no_symbols ? NULL : sym, model, wrappers);
        struct hd_graph_options graph_options = r->graph;
        graph_options.filters = filters;
        graph = hd_graph_build(model, &graph_options);
        warn_unmatched_filters(r, graph);
        char *note = wrapper_note(r, wrappers);
        if (emit(r, emitter, model, graph, filters, note, err) == 0)
            outcome = HD_OUTCOME_OK;
        free(note);
    }
    hd_graph_free(graph);
    hd_model_free(model);
    hd_sym_free(sym);
    hd_filters_free(filters);
    hd_wrappers_free(wrappers);
    return outcome;
}

void hd_core_shutdown(void)
{
    hd_warning_reset();
    hd_gvc_shutdown();
}
