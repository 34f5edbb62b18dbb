/* The pipeline (see core.h). */
#include "core.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocator.h"
#include "annotate.h"
#include "array.h"
#include "gvc.h"
#include "input.h"
#include "output.h"
#include "parse.h"
#include "path.h"

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
    hd_gates_init(&r->gates);
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
    options.verbose = r->verbose;
    struct hd_symbolizer *sym = hd_sym_new(&options); /* copies the options */
    free(prefixes);
    return sym;
}

void hd_core_symbolize(struct hd_symbolizer *sym, struct hd_model *model,
                       struct hd_wrappers *wrappers)
{
    hd_sym_annotate_model(sym, model, wrappers);
    if (sym)
        hd_sym_say_summary(sym);
}

void hd_core_trim_paths(const struct hd_request *r, struct hd_model *model)
{
    for (size_t i = 0; i < model->n_locations; i++) {
        struct hd_location *l = &model->locations[i];
        struct hd_frame *copy = NULL;
        for (uint32_t f = 0; f < l->n_frames; f++) {
            const char *file = l->frames[f].file;
            const char *trimmed = file ? hd_path_trim(file, r->trim_paths, r->n_trim_paths) : NULL;
            if (trimmed == file)
                continue;
            if (!copy) {
                /* The frames are the symbolizer's, shared by locations. */
                copy = hd_model_alloc(model, l->n_frames * sizeof *copy);
                memcpy(copy, l->frames, l->n_frames * sizeof *copy);
                l->frames = copy;
            }
            copy[f].file = trimmed;
        }
    }
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

/* ---- what the inputs say about each other ---- */

/* What one input file says of the program that wrote it. */
struct input_facts {
    const char *path;           /* the profile, as given */
    char program[PATH_MAX];     /* its main mapping's path; "" when it has none */
    char build_id[160];         /* that program's build-id, lowercase hex:
                                   recorded by the profile, else read from the
                                   file at PROGRAM (or its copy under --sysroot
                                   or a lib prefix); "" when unknown */
    char build_id_file[PATH_MAX]; /* the file BUILD_ID was read from; "" when
                                   the profile records it */
};

/* Fill *FACTS for the file PATH, read into the one-file model M.  SYM
 * (NULL: no file is read) finds the program's build-id without the
 * substitution of BINARY: this is what the profile names. */
static void gather_facts(struct hd_symbolizer *sym, const struct hd_model *m, const char *path,
                         struct input_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    facts->path = path;
    uint32_t main_mapping = hd_model_main_mapping(m);
    if (main_mapping == HD_NO_MAPPING)
        return;
    const struct hd_mapping *map = &m->mappings[main_mapping];
    snprintf(facts->program, sizeof facts->program, "%s", map->path);
    if (map->build_id && map->build_id[0]) {
        snprintf(facts->build_id, sizeof facts->build_id, "%s", map->build_id);
    } else if (sym &&
               hd_sym_module_build_id(sym, map->path, false, facts->build_id,
                                      sizeof facts->build_id)) {
        const char *file = hd_sym_module_file(sym, map->path, false);
        snprintf(facts->build_id_file, sizeof facts->build_id_file, "%s", file ? file : "");
    }
}

/* Warn when REQUEST's BINARY may not be the program that wrote the file
 * of FACTS: their build-ids differ, the program's being the one the
 * profile records or that of the file at its mapped path.  Load segments
 * that happen to fit would otherwise give plausible, wrong names in
 * silence.  Said once per pair of files, however many profiles. */
static void check_binary(const struct hd_request *r, struct hd_symbolizer *sym,
                         const struct input_facts *facts)
{
    char binary_id[160];
    if (!r->binary || !sym || !facts->build_id[0] ||
        !hd_sym_module_build_id(sym, facts->program, true, binary_id, sizeof binary_id) ||
        strcmp(binary_id, facts->build_id) == 0)
        return;
    /* The file at the mapped path may have been rebuilt since the profile
     * was written, so only a recorded build-id says which one is wrong. */
    if (facts->build_id_file[0])
        hd_warn("%s has another build-id (%.12s...) than %s (%.12s...), the program the "
                "profile names: names come from %s, and are wrong if it did not write the "
                "profile",
                r->binary, binary_id, facts->build_id_file, facts->build_id, r->binary);
    else
        hd_warn("%s is not the program that wrote the profile: its build-id is %.12s..., "
                "the profile records %.12s... for %s; names come from %s and may be wrong",
                r->binary, binary_id, facts->build_id, facts->program, r->binary);
}

/* Whether two inputs come from the same program: by build-id where both
 * are known and equal, or by the main mapping's file name (a workspace or
 * a copy changes the folder, not the name).  An input without a main
 * mapping says nothing, so it matches. */
static bool same_program(const struct input_facts *a, const struct input_facts *b)
{
    if (!a->program[0] || !b->program[0])
        return true;
    if (a->build_id[0] && b->build_id[0] && strcmp(a->build_id, b->build_id) == 0)
        return true;
    return strcmp(hd_path_base(a->program), hd_path_base(b->program)) == 0;
}

/* Whether paths A and B name one file: the same text, or the same device
 * and inode.  "-" (standard input) is no file. */
static bool same_file(const char *a, const char *b)
{
    if (hd_input_is_stdin(a) || hd_input_is_stdin(b))
        return false;
    if (strcmp(a, b) == 0)
        return true;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Whether TEXT[0..LEN) is all digits, and at least one. */
static bool all_digits(const char *text, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)text[i]))
            return false;
    return true;
}

/* Where PATH stands in its producer's series of dumps: RUN, the path
 * without the sequence number (the same for every dump of one process),
 * and SEQ.  jemalloc names its dumps PREFIX.PID.SEQ.KIND.heap, KIND being
 * i, m or u with a count of its own, or f for the final dump, and SEQ
 * counting every dump of the process; gperftools names them
 * PREFIX.NNNN.heap, NNNN from 0001 (%04d).  A ".gz" may follow.  Returns
 * false for any other name. */
static bool dump_sequence(const char *path, char *run, size_t size, unsigned long long *seq)
{
    char name[PATH_MAX];
    if (snprintf(name, sizeof name, "%s", path) >= (int)sizeof name)
        return false;
    size_t len = strlen(name);
    if (len > 3 && strcmp(name + len - 3, ".gz") == 0)
        name[len -= 3] = '\0';
    if (len < 5 || strcmp(name + len - 5, ".heap") != 0)
        return false;
    name[len -= 5] = '\0';
    char *last = strrchr(name, '.');
    if (!last || strchr(last, '/'))
        return false;
    const char *kind = last + 1;
    bool jemalloc = strcmp(kind, "f") == 0 ||
                    (strchr("imuv", kind[0]) && kind[0] && all_digits(kind + 1, strlen(kind + 1)));
    char *number = last;
    if (jemalloc) {
        *last = '\0';
        number = strrchr(name, '.');
        if (!number || strchr(number, '/') || !all_digits(number + 1, strlen(number + 1)))
            return false;
        char *pid = number;
        *pid = '\0';
        char *before = strrchr(name, '.');
        *pid = '.';
        if (!before || strchr(before, '/') || !all_digits(before + 1, (size_t)(pid - before - 1)))
            return false;
    } else if (strlen(kind) < 4 || !all_digits(kind, strlen(kind))) {
        return false;
    }
    *seq = strtoull(number + 1, NULL, 10);
    *number = '\0';
    snprintf(run, size, "%s:%s", jemalloc ? "jemalloc" : "gperftools", name);
    return true;
}

/* Warn about inputs that do not make the diff the user meant: a base of
 * another program, the base among the currents, and a base written after
 * the current by the same process; each also becomes a short caution in
 * MODEL, for the report's header.  FACTS holds the currents' then the
 * bases' facts; MODEL is every input aligned. */
static void check_inputs(const struct hd_request *r, const struct input_facts *facts,
                         struct hd_model *model)
{
    if (r->n_bases == 0)
        return;
    const struct input_facts *currents = facts, *bases = facts + r->n_currents;
    bool shared = false;
    for (size_t c = 0; c < r->n_currents && !shared; c++)
        for (size_t b = 0; b < r->n_bases && !shared; b++)
            shared = same_program(&currents[c], &bases[b]);
    char caution[2 * PATH_MAX + 100];
    if (!shared) {
        hd_warn("the base %s is a profile of %s, the current %s one of %s: they share no "
                "program, so the delta subtracts one program from another",
                bases[0].path, hd_path_base(bases[0].program), currents[0].path,
                hd_path_base(currents[0].program));
        snprintf(caution, sizeof caution, "Caution: the base is of %s, the current of %s",
                 hd_path_base(bases[0].program), hd_path_base(currents[0].program));
        hd_model_add_caution(model, caution);
    }
    for (size_t c = 0; c < r->n_currents; c++)
        for (size_t b = 0; b < r->n_bases; b++)
            if (!same_file(currents[c].path, bases[b].path))
                continue;
            else {
                if (r->n_currents == 1)
                    hd_warn("%s is both the base and the current: the delta is zero",
                            currents[c].path);
                else
                    hd_warn("%s is the base and also one of the %zu current profiles, which "
                            "are summed: to follow a series of snapshots, diff consecutive "
                            "ones (--base A B, then --base B C)",
                            currents[c].path, r->n_currents);
                snprintf(caution, sizeof caution, "Caution: %s is the base and a current",
                         currents[c].path);
                hd_model_add_caution(model, caution);
            }
    struct hd_sides total = hd_model_total(model, r->graph.value);
    for (size_t b = 0; b < r->n_bases; b++) {
        char base_run[PATH_MAX + 16], current_run[PATH_MAX + 16];
        unsigned long long base_seq, current_seq;
        if (!dump_sequence(bases[b].path, base_run, sizeof base_run, &base_seq))
            continue;
        for (size_t c = 0; c < r->n_currents; c++) {
            if (!dump_sequence(currents[c].path, current_run, sizeof current_run,
                               &current_seq) ||
                strcmp(base_run, current_run) != 0 || base_seq <= current_seq)
                continue;
            hd_warn("%sthe base %s was written after the current %s (dumps %llu and %llu of "
                    "one run): swap them?",
                    total.current < total.base ? "the total is negative: " : "",
                    bases[b].path, currents[c].path, base_seq, current_seq);
            snprintf(caution, sizeof caution,
                     "Caution: the base is dump %llu, the current dump %llu of one run: "
                     "swap them?", base_seq, current_seq);
            hd_model_add_caution(model, caution);
            return;
        }
    }
}

/* ---- inputs ---- */

/* Parse PATH and check it can serve REQUEST; fill *FACTS.  NULL with *ERR
 * set. */
static struct hd_model *read_one(const struct hd_request *r, const char *path,
                                 struct hd_symbolizer *sym, struct input_facts *facts,
                                 struct hd_error *err)
{
    struct hd_model *m = hd_parse_file(path, &r->limits, err);
    if (!m)
        return NULL;
    const struct hd_model_input *in = &m->inputs[0];
    enum hd_value_type value = r->graph.value;
    if ((value == HD_VALUE_ALLOC_SPACE || value == HD_VALUE_ALLOC_OBJECTS) &&
        !in->has_alloc_values) {
        hd_error_set(err, in->path, 0,
                     "has no allocated values: every allocated pair is 0: 0 (jemalloc "
                     "writes them only with prof_accum:true)");
        hd_model_free(m);
        return NULL;
    }
    if (r->thread != HD_ALL_THREADS) {
        if (in->format != HD_FORMAT_THREADED) {
            hd_error_set(err, in->path, 0, "--thread needs a jemalloc profile with tN: lines");
            hd_model_free(m);
            return NULL;
        }
        if (hd_model_select_thread(m, r->thread) == 0)
            hd_warn("%s: thread %ld has no samples", in->path, r->thread);
    }
    if (sym)
        hd_model_identify_modules(m, read_build_id, sym);
    gather_facts(sym, m, path, facts);
    check_binary(r, sym, facts);
    return m;
}

struct hd_model *hd_core_read_inputs(const struct hd_request *r, struct hd_symbolizer *sym,
                                     struct hd_error *err)
{
    struct hd_model *model = hd_model_new();
    struct input_facts *facts = hd_malloc(r->n_currents + r->n_bases + 1, sizeof *facts);
    for (int bases = 0; bases < 2; bases++) {
        const char *const *paths = bases ? r->bases : r->currents;
        size_t n = bases ? r->n_bases : r->n_currents;
        for (size_t i = 0; i < n; i++) {
            struct input_facts *f = &facts[(bases ? r->n_currents : 0) + i];
            struct hd_model *one = read_one(r, paths[i], sym, f, err);
            if (!one) {
                free(facts);
                hd_model_free(model);
                return NULL;
            }
            hd_model_align(model, one, bases ? HD_ROLE_BASE : HD_ROLE_CURRENT);
            hd_model_free(one);
        }
    }
    if (r->normalize)
        hd_model_normalize_bases(model, r->graph.value);
    check_inputs(r, facts, model);
    free(facts);
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
    struct hd_source_options source = r->source;
    source.no_inlines = r->graph.no_inlines;
    options.source = &source;
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

/* ---- gates ---- */

enum hd_outcome hd_core_check_gates(const struct hd_request *r, const struct hd_suppressions *s,
                                    double total_growth, const struct hd_gate_row *rows,
                                    size_t n)
{
    size_t tripped = hd_gates_check(&r->gates, s, total_growth, rows, n, r->graph.value, stderr);
    return tripped > 0 ? HD_OUTCOME_GATE_TRIPPED : HD_OUTCOME_OK;
}

/* The diff's gates: each node of GRAPH with its flat delta, against the
 * total the report shows (after --focus and the other filters: the
 * growth asked about).  HD_OUTCOME_OK when no gate is on. */
static enum hd_outcome check_diff_gates(const struct hd_request *r,
                                        const struct hd_suppressions *s,
                                        const struct hd_graph *graph)
{
    if (!hd_gates_any(&r->gates))
        return HD_OUTCOME_OK;
    struct hd_gate_row *rows = hd_calloc(graph->n_nodes + 1, sizeof *rows);
    for (size_t i = 0; i < graph->n_nodes; i++)
        rows[i] = (struct hd_gate_row){graph->nodes[i].name, graph->nodes[i].flat, false};
    enum hd_outcome outcome = hd_core_check_gates(r, s, graph->shown_total, rows, graph->n_nodes);
    free(rows);
    return outcome;
}

enum hd_outcome hd_core_run(const struct hd_request *r, struct hd_error *err)
{
    const struct hd_emitter *emitter = r->emitter ? r->emitter : &hd_emitters[0];
    struct hd_filters *filters = NULL;
    if (hd_filters_compile(r->filters, &filters, err) != 0 ||
        hd_source_check(&r->source, err) != 0) {
        hd_filters_free(filters);
        return HD_OUTCOME_TROUBLE;
    }
    struct hd_wrappers *wrappers = NULL;
    if (hd_wrappers_new(r->wrappers, !r->no_default_wrappers, &wrappers, err) != 0) {
        hd_filters_free(filters);
        return HD_OUTCOME_TROUBLE;
    }
    struct hd_suppressions *suppressions = NULL;
    if (r->gates.suppress && hd_suppressions_load(r->gates.suppress, &suppressions, err) != 0) {
        hd_filters_free(filters);
        hd_wrappers_free(wrappers);
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
        hd_suppressions_free(suppressions);
        return HD_OUTCOME_TROUBLE;
    }
    enum hd_outcome outcome = HD_OUTCOME_TROUBLE;
    struct hd_symbolizer *sym = hd_core_symbolizer(r);
    struct hd_graph *graph = NULL;
    struct hd_model *model = hd_core_read_inputs(r, sym, err);
    if (model) {
        hd_core_symbolize(r->no_symbols ? NULL : sym, model, wrappers);
        hd_core_trim_paths(r, model);
        struct hd_graph_options graph_options = r->graph;
        graph_options.filters = filters;
        graph = hd_graph_build(model, &graph_options);
        warn_unmatched_filters(r, graph);
        char *note = wrapper_note(r, wrappers);
        if (emit(r, emitter, model, graph, filters, note, err) == 0)
            outcome = check_diff_gates(r, suppressions, graph);
        free(note);
    }
    hd_graph_free(graph);
    hd_model_free(model);
    hd_sym_free(sym);
    hd_filters_free(filters);
    hd_wrappers_free(wrappers);
    hd_suppressions_free(suppressions);
    return outcome;
}

void hd_core_shutdown(void)
{
    hd_warning_reset();
    hd_gvc_shutdown();
}
