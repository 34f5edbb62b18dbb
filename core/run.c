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
#include "builds.h"
#include "gvc.h"
#include "input.h"
#include "output.h"
#include "parallel.h"
#include "parse.h"
#include "path.h"
#include "sequence.h"
#include "vaddrs.h"

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
    hd_trend_thresholds_init(&r->thresholds);
    hd_gates_init(&r->gates);
}

/* ---- symbolizer ---- */

/* A symbolizer as REQUEST asks, with MAIN standing in for the main
 * program and libraries missing at their mapped paths looked for in
 * FIRST[0..N_FIRST), next to MAIN, then in THEN[0..N_THEN): a CI artifact
 * or a copied deployment usually keeps them next to the program. */
static struct hd_symbolizer *new_symbolizer(const struct hd_request *r, const char *main,
                                            const char *const *first, size_t n_first,
                                            const char *const *then, size_t n_then)
{
    struct hd_sym_options options;
    hd_sym_options_init(&options);
    options.main_binary = main;
    const char **prefixes = hd_calloc(n_first + n_then + 1, sizeof *prefixes);
    size_t n_prefixes = 0;
    for (size_t i = 0; i < n_first; i++)
        prefixes[n_prefixes++] = first[i];
    char binary_dir[PATH_MAX];
    if (main) {
        snprintf(binary_dir, sizeof binary_dir, "%s", main);
        char *slash = strrchr(binary_dir, '/');
        if (!slash)
            snprintf(binary_dir, sizeof binary_dir, ".");
        else
            slash[slash == binary_dir] = '\0'; /* "/server" lives in "/" */
        prefixes[n_prefixes++] = binary_dir;
    }
    for (size_t i = 0; i < n_then; i++)
        prefixes[n_prefixes++] = then[i];
    options.lib_prefixes = prefixes;
    options.n_lib_prefixes = n_prefixes;
    options.debug_dirs = r->debug_dirs;
    options.n_debug_dirs = r->n_debug_dirs;
    options.sysroot = r->sysroot;
    options.demangle = r->demangle;
    options.full_names = r->full_names;
    options.verbose = r->verbose;
    options.cache_dir = r->cache_dir;
    struct hd_symbolizer *sym = hd_sym_new(&options); /* copies the options */
    free(prefixes);
    return sym;
}

struct hd_symbolizer *hd_core_symbolizer(const struct hd_request *r)
{
    return new_symbolizer(r, r->binary, r->lib_prefixes, r->n_lib_prefixes, NULL, 0);
}

struct hd_symbolizer *hd_core_base_symbolizer(const struct hd_request *r, const char *main)
{
    return new_symbolizer(r, main, r->base_lib_prefixes, r->n_base_lib_prefixes,
                          r->lib_prefixes, r->n_lib_prefixes);
}

void hd_core_symbolize(struct hd_symbolizer *sym, struct hd_model *model,
                       struct hd_wrappers *wrappers)
{
    hd_sym_annotate_model(sym, model, wrappers);
    if (sym)
        hd_sym_say_summary(sym);
}

/* hd_core_symbolize_builds, the locations FOUND names (NULL: none) not
 * looked up again (hd_sym_annotate_found). */
static void symbolize_found(struct hd_symbolizer *sym, struct hd_symbolizer *base_sym,
                            struct hd_model *model, struct hd_wrappers *wrappers,
                            const struct hd_sym_location *const *found)
{
    hd_sym_annotate_found(sym, base_sym, model, wrappers, found);
    if (sym)
        hd_sym_say_summary(sym);
    if (base_sym)
        hd_sym_say_summary(base_sym);
}

void hd_core_symbolize_builds(struct hd_symbolizer *sym, struct hd_symbolizer *base_sym,
                              struct hd_model *model, struct hd_wrappers *wrappers)
{
    symbolize_found(sym, base_sym, model, wrappers, NULL);
}

void hd_core_trim_paths(const struct hd_request *r, struct hd_model *model,
                        size_t first_location)
{
    for (size_t i = first_location; i < model->n_locations; i++) {
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

/* Warn when BINARY (the request's, or its base_binary) may not be the program that wrote the file
 * of FACTS: their build-ids differ, the program's being the one the
 * profile records or that of the file at its mapped path.  Load segments
 * that happen to fit would otherwise give plausible, wrong names in
 * silence.  Said once per pair of files, however many profiles. */
static void check_binary(const char *binary, struct hd_symbolizer *sym,
                         const struct input_facts *facts)
{
    char binary_id[160];
    if (!binary || !sym || !facts->build_id[0] ||
        !hd_sym_module_build_id(sym, facts->program, true, binary_id, sizeof binary_id) ||
        strcmp(binary_id, facts->build_id) == 0)
        return;
    /* The file at the mapped path may have been rebuilt since the profile
     * was written, so only a recorded build-id says which one is wrong. */
    if (facts->build_id_file[0])
        hd_warn("%s has another build-id (%.12s...) than %s (%.12s...), the program the "
                "profile names: names come from %s, and are wrong if it did not write the "
                "profile",
                binary, binary_id, facts->build_id_file, facts->build_id, binary);
    else
        hd_warn("%s is not the program that wrote the profile: its build-id is %.12s..., "
                "the profile records %.12s... for %s; names come from %s and may be wrong",
                binary, binary_id, facts->build_id, facts->program, binary);
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
        if (!hd_dump_sequence(bases[b].path, base_run, sizeof base_run, &base_seq))
            continue;
        for (size_t c = 0; c < r->n_currents; c++) {
            if (!hd_dump_sequence(currents[c].path, current_run, sizeof current_run,
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

/* Parse PATH (through PAR: NULL, or the second core's) and check it can
 * serve REQUEST, its main program read by SYM from BINARY; fill *FACTS.
 * NULL with *ERR set. */
static struct hd_model *read_one(const struct hd_request *r, struct hd_parallel *par,
                                 const char *path, struct hd_symbolizer *sym,
                                 const char *binary, struct input_facts *facts,
                                 struct hd_error *err)
{
    struct hd_model *m = hd_parallel_parse(par, path, &r->limits, err);
    if (!m)
        return NULL;
    const struct hd_model_input *in = &m->inputs[0];
    enum hd_value_type value = r->graph.value;
    if (in->format == HD_FORMAT_MASSIF && value != HD_VALUE_INUSE_SPACE) {
        hd_error_set(err, in->path, 0,
                     "valgrind massif counts bytes in use only, not objects nor what was "
                     "allocated and freed: it has no value but --inuse_space");
        hd_model_free(m);
        return NULL;
    }
    if ((value == HD_VALUE_ALLOC_SPACE || value == HD_VALUE_ALLOC_OBJECTS) &&
        !in->has_alloc_values) {
        hd_error_set(err, in->path, 0,
                     "has no allocated values: every allocated pair is 0: 0 (jemalloc "
                     "writes them only with prof_accum:true)");
        hd_model_free(m);
        return NULL;
    }
    if (hd_value_is_objects(value) && in->lacks_objects) {
        hd_error_set(err, in->path, 0,
                     "has no object counts, only bytes (its sample types are space ones): "
                     "use --inuse_space or --alloc_space");
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
    if (sym) {
        hd_sym_place_vaddrs(sym, m);
        hd_model_identify_modules(m, read_build_id, sym);
    }
    gather_facts(sym, m, path, facts);
    check_binary(binary, sym, facts);
    return m;
}

struct hd_model *hd_core_read_one(const struct hd_request *r, const char *path,
                                  struct hd_symbolizer *sym, struct hd_error *err)
{
    return hd_core_read_one_through(r, NULL, path, sym, err);
}

struct hd_model *hd_core_read_one_through(const struct hd_request *r, struct hd_parallel *par,
                                          const char *path, struct hd_symbolizer *sym,
                                          struct hd_error *err)
{
    struct input_facts facts;
    return read_one(r, par, path, sym, r->binary, &facts, err);
}

/* ---- two builds ---- */

/* What reading has learnt of the two sides' builds (builds.h). */
struct build_sides {
    struct hd_build current;        /* the first current's main program, as
                                       SYM reads it */
    struct hd_symbolizer *base_sym; /* names the bases' frames: made at once
                                       with base_binary, else when a base
                                       turns out to be of another build */
};

/* Warn, and caution in MODEL's header, when the base file ONE (its FACTS)
 * is probably of another build than the currents although nothing
 * recorded says so: its return addresses in the main program are not
 * call sites in the currents' binary.  Named by that binary and matched
 * by offset, its frames would give plausible, wrong rows in silence. */
static void check_call_sites(const struct build_sides *sides, const struct hd_model *one,
                             uint32_t main, const struct input_facts *facts,
                             struct hd_model *model)
{
    size_t checked, after_call;
    if (!sides->current.file[0] ||
        !hd_builds_count_call_sites(sides->current.file, one, one->mappings[main].identity,
                                    &checked, &after_call))
        return;
    /* The right build puts every return address after a call; a tenth
     * allows for frames a frame-pointer unwinder guessed wrong. */
    size_t stray = checked - after_call;
    if (stray < 2 || stray * 10 <= checked)
        return;
    const char *program = hd_path_base(one->mappings[main].path);
    hd_warn("the base %s is probably of another build of %s than %s: %zu of its %zu return "
            "addresses in %s follow no call there, so its frames would be named wrongly and "
            "matched with the current's by file offset: give the base's program with "
            "--base-binary FILE",
            facts->path, program, sides->current.file, stray, checked, program);
    char caution[PATH_MAX + 100];
    snprintf(caution, sizeof caution,
             "Caution: the base is probably of another build of %s (give --base-binary)",
             program);
    hd_model_add_caution(model, caution);
}

/* Whether the base file ONE (its FACTS) is of another build than the
 * currents, as SIDES knows them; if so, keep its modules apart and name
 * them with SIDES' base symbolizer (made here when needed), and say so in
 * MODEL's header.  With base_binary, the builds are compared by build-id
 * or bytes.  Without, the base's program is taken from the file its
 * profile names when that is another file than the currents' (or the
 * profile records its build-id) and has another build-id; otherwise the
 * base's return addresses are checked against the currents' binary. */
static void place_base(const struct hd_request *r, struct hd_symbolizer *sym,
                       struct build_sides *sides, struct hd_model *one,
                       const struct input_facts *facts, struct hd_model *model)
{
    uint32_t main = hd_model_main_mapping(one);
    if (!sym || main == HD_NO_MAPPING) {
        check_binary(r->base_binary ? NULL : r->binary, sym, facts);
        return;
    }
    struct hd_build base;
    if (r->base_binary) {
        hd_build_describe(&base, sides->base_sym, one, main);
        enum hd_build_match match = hd_builds_compare(&base, &sides->current);
        if (match == HD_BUILDS_SAME ||
            (match == HD_BUILDS_UNKNOWN && r->binary && same_file(r->base_binary, r->binary)))
            return;
    } else {
        bool recorded = facts->build_id[0] && !facts->build_id_file[0];
        if (!facts->build_id[0] || !sides->current.build_id[0] ||
            strcmp(facts->build_id, sides->current.build_id) == 0 ||
            (!recorded && strcmp(facts->program, sides->current.program) == 0)) {
            check_binary(r->binary, sym, facts);
            check_call_sites(sides, one, main, facts, model);
            return;
        }
        if (!sides->base_sym)
            sides->base_sym = hd_core_base_symbolizer(r, NULL);
        hd_model_identify_modules(one, read_build_id, sides->base_sym);
        hd_build_describe(&base, sides->base_sym, one, main);
        hd_warn("the base %s was written by another build of %s (build-id %.12s...) than the "
                "current (%.12s...): its frames are named from %s%s",
                facts->path, hd_path_base(facts->program), facts->build_id,
                sides->current.build_id, base.file[0] ? base.file : facts->program,
                base.file[0] ? "; --base-binary FILE names another file" : ", which is missing: give --base-binary FILE");
    }
    hd_model_mark_other_build(one);
    char note[PATH_MAX + 300];
    /* Unnamed frames (--no-symbols) are matched by nothing but offset. */
    hd_builds_note(note, sizeof note, &base, &sides->current,
                   r->no_symbols ? HD_GRANULARITY_ADDRESSES : r->graph.granularity);
    hd_model_add_caution(model, note);
}

/* hd_core_read_builds, the files parsed through PAR (NULL: here). */
static struct hd_model *read_builds(const struct hd_request *r, struct hd_symbolizer *sym,
                                    struct hd_parallel *par, struct hd_symbolizer **base_sym,
                                    struct hd_error *err)
{
    *base_sym = NULL;
    struct build_sides *sides = hd_calloc(1, sizeof *sides);
    if (sym && r->base_binary && r->n_bases > 0)
        sides->base_sym = hd_core_base_symbolizer(r, r->base_binary);
    struct hd_model *model = hd_model_new();
    struct input_facts *facts = hd_malloc(r->n_currents + r->n_bases + 1, sizeof *facts);
    for (int bases = 0; bases < 2; bases++) {
        const char *const *paths = bases ? r->bases : r->currents;
        size_t n = bases ? r->n_bases : r->n_currents;
        /* A base of --base-binary is read as that program's profile. */
        bool own = bases && sides->base_sym && r->base_binary;
        for (size_t i = 0; i < n; i++) {
            struct input_facts *f = &facts[(bases ? r->n_currents : 0) + i];
            /* A base's program is checked against BINARY once it is known
             * not to be of another build (place_base). */
            struct hd_model *one = read_one(r, par, paths[i], own ? sides->base_sym : sym,
                                            own ? r->base_binary : bases ? NULL : r->binary, f,
                                            err);
            if (!one) {
                free(facts);
                hd_model_free(model);
                hd_sym_free(sides->base_sym);
                free(sides);
                return NULL;
            }
            if (!bases && i == 0)
                hd_build_describe(&sides->current, sym, one, hd_model_main_mapping(one));
            if (bases)
                place_base(r, sym, sides, one, f, model);
            hd_model_align(model, one, bases ? HD_ROLE_BASE : HD_ROLE_CURRENT);
            hd_model_free(one);
        }
    }
    if (r->normalize)
        hd_model_normalize_bases(model, r->graph.value);
    check_inputs(r, facts, model);
    free(facts);
    *base_sym = sides->base_sym;
    free(sides);
    return model;
}

struct hd_model *hd_core_read_builds(const struct hd_request *r, struct hd_symbolizer *sym,
                                     struct hd_symbolizer **base_sym, struct hd_error *err)
{
    return read_builds(r, sym, NULL, base_sym, err);
}

struct hd_model *hd_core_read_inputs(const struct hd_request *r, struct hd_symbolizer *sym,
                                     struct hd_error *err)
{
    struct hd_symbolizer *base_sym;
    struct hd_model *model = hd_core_read_builds(r, sym, &base_sym, err);
    hd_sym_free(base_sym);
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

/* Emit GRAPH of MODEL (with TREND, the series it is the growth over, or
 * NULL) as REQUEST asks.  Returns 0, or -1 with *ERR set. */
static int emit(const struct hd_request *r, const struct hd_emitter *emitter,
                const struct hd_model *model, const struct hd_graph *graph,
                const struct hd_filters *filters, struct hd_wrappers *wrappers,
                const struct hd_trend *trend, struct hd_error *err)
{
    struct hd_report_options options = r->report;
    options.value = r->graph.value;
    options.filters = filters;
    struct hd_source_options source = r->source;
    source.no_inlines = r->graph.no_inlines;
    options.source = &source;
    options.n_wrappers_charged = hd_wrappers_charged(wrappers, &options.wrappers_charged);
    options.wrappers_default_on = !r->no_default_wrappers;
    options.trend = trend;
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

/* A series' gates: each row with its flat growth from the first snapshot
 * to the last, a leak when its verdict is one as sure as the thresholds
 * ask (hd_trend_is_leak); the total's growth likewise. */
static enum hd_outcome check_trend_gates(const struct hd_request *r,
                                         const struct hd_suppressions *s,
                                         const struct hd_trend *trend)
{
    if (!hd_gates_any(&r->gates))
        return HD_OUTCOME_OK;
    struct hd_gate_row *rows = hd_calloc(trend->n_nodes + 1, sizeof *rows);
    for (size_t i = 0; i < trend->n_nodes; i++) {
        const struct hd_trend_node *node = &trend->nodes[i];
        rows[i] = (struct hd_gate_row){node->name, node->flat_verdict.growth,
                                       hd_trend_is_leak(&node->flat_verdict, &r->thresholds)};
    }
    enum hd_outcome outcome =
        hd_core_check_gates(r, s, trend->total_verdict.growth, rows, trend->n_nodes);
    free(rows);
    return outcome;
}

enum hd_outcome hd_core_run(const struct hd_request *r, struct hd_error *err)
{
    if (r->memory)
        return hd_core_memory(r, err);
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
    if (hd_output_check(r->output, err) != 0) {
        hd_filters_free(filters);
        hd_wrappers_free(wrappers);
        hd_suppressions_free(suppressions);
        return HD_OUTCOME_TROUBLE;
    }
    if (r->trend && !emitter->series) {
        hd_error_set(err, NULL, 0, "--trend makes a table (--text) or a graph, not --%s",
                     emitter->name);
        hd_filters_free(filters);
        hd_wrappers_free(wrappers);
        hd_suppressions_free(suppressions);
        return HD_OUTCOME_TROUBLE;
    }
    enum hd_outcome outcome = HD_OUTCOME_TROUBLE;
    struct hd_symbolizer *sym = hd_core_symbolizer(r);
    struct hd_parallel *par = hd_parallel_new(r);
    struct hd_graph *graph = NULL;
    struct hd_symbolizer *base_sym = NULL;
    struct hd_series series = {0};
    struct hd_model *model = NULL;
    if (r->trend) {
        /* Symbolized snapshot by snapshot as the series is read. */
        if (hd_core_read_series(r, sym, wrappers, filters, &series, err) == 0)
            model = series.model;
    } else if ((model = read_builds(r, sym, par, &base_sym, err)) != NULL) {
        /* The main module's lookups shared with the second core. */
        const struct hd_sym_location **found = hd_parallel_lookups(par, model, base_sym != NULL);
        symbolize_found(r->no_symbols ? NULL : sym, r->no_symbols ? NULL : base_sym, model,
                        wrappers, found);
        free(found);
        hd_core_trim_paths(r, model, 0);
        if (base_sym && !r->no_symbols)
            hd_builds_match_stacks(model, r->graph.granularity);
    }
    if (model) {
        struct hd_graph_options graph_options = r->graph;
        graph_options.filters = filters;
        graph = hd_graph_build(model, &graph_options);
        warn_unmatched_filters(r, graph);
        if (emit(r, emitter, model, graph, filters, wrappers, series.trend, err) == 0)
            outcome = r->trend ? check_trend_gates(r, suppressions, series.trend)
                               : check_diff_gates(r, suppressions, graph);
    }
    hd_graph_free(graph);
    if (r->trend)
        hd_series_release(&series);
    else
        hd_model_free(model);
    hd_parallel_free(par); /* after the last use of the frames it named */
    hd_sym_free(base_sym);
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
