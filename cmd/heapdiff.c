/* heapdiff: the command line.  Parses options and wires the stages:
 * parser -> model arithmetic -> symbolize -> render.  No format or DWARF
 * knowledge lives here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "dot.h"
#include "filter.h"
#include "graph.h"
#include "gvc.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "parse.h"
#include "profile.h"
#include "prune.h"
#include "symbolizer.h"
#include "text.h"
#include "traces.h"
#include "walk.h"

enum { EXIT_GATE = 1, EXIT_TROUBLE = 2 };

enum report_kind { REPORT_TEXT, REPORT_TRACES, REPORT_DOT, REPORT_SVG, REPORT_PNG, REPORT_PDF };

/* Unset --nodecount / --nodefraction: each report has its own default. */
#define UNSET_COUNT ((size_t)-1)
#define UNSET_FRACTION (-1.0)

struct settings {
    bool help, version;
    int report;
    bool show_bytes;
    const char *unit;
    bool inuse_space, inuse_objects, alloc_space, alloc_objects;
    int granularity;
    bool no_inlines;
    bool sort_by_cum, sort_by_abs, compare;
    size_t top, node_count;
    double node_fraction, edge_fraction;
    const char *base;
    bool drop_negative, normalize;
    const char *thread;
    const char *filters[HD_FILTER_COUNT];
    struct hd_string_list lib_prefixes, debug_dirs;
    const char *sysroot;
    bool no_demangle, full_names, no_symbols;
    const char *output;
};

static struct settings settings = {
    .granularity = HD_GRANULARITY_FUNCTIONS,
    .node_count = UNSET_COUNT,
    .node_fraction = UNSET_FRACTION,
    .edge_fraction = UNSET_FRACTION,
};

#define FLAG(name, target, help) {name, 0, HD_OPTION_FLAG, &settings.target, 0, NULL, help}

static const struct hd_option option_table[] = {
    /* what to show */
    {"text", 0, HD_OPTION_CHOICE, &settings.report, REPORT_TEXT, NULL,
     "text report (the default): flat, flat%, sum%, cum, cum%, name"},
    {"traces", 0, HD_OPTION_CHOICE, &settings.report, REPORT_TRACES, NULL,
     "print every stack with its value, leaf first"},
    {"dot", 0, HD_OPTION_CHOICE, &settings.report, REPORT_DOT, NULL,
     "call graph in dot syntax"},
    {"svg", 0, HD_OPTION_CHOICE, &settings.report, REPORT_SVG, NULL,
     "call graph drawn as SVG (in-process, no dot program)"},
    {"png", 0, HD_OPTION_CHOICE, &settings.report, REPORT_PNG, NULL,
     "call graph drawn as PNG (needs -o FILE on a terminal)"},
    {"pdf", 0, HD_OPTION_CHOICE, &settings.report, REPORT_PDF, NULL,
     "call graph drawn as PDF (needs -o FILE on a terminal)"},
    {"base", 0, HD_OPTION_STRING, &settings.base, 0, "FILE",
     "subtract FILE first: show the growth since FILE (matched across runs)"},
    FLAG("inuse-space", inuse_space, "bytes in use (the default)"),
    FLAG("inuse-objects", inuse_objects, "objects in use"),
    FLAG("alloc-space", alloc_space, "bytes ever allocated"),
    FLAG("alloc-objects", alloc_objects, "objects ever allocated"),
    FLAG("drop-negative", drop_negative, "with --base: leave out stacks that shrank"),
    FLAG("normalize", normalize, "with --base: scale the base to the current total first"),
    {"thread", 0, HD_OPTION_STRING, &settings.thread, 0, "N",
     "only jemalloc thread N (its tN: lines)"},
    /* granularity */
    {"functions", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_FUNCTIONS, NULL,
     "one row per function (the default)"},
    {"lines", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_LINES, NULL,
     "one row per source line"},
    {"files", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_FILES, NULL,
     "one row per source file"},
    {"addresses", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_ADDRESSES, NULL,
     "one row per address"},
    FLAG("no-inlines", no_inlines, "fold inlined functions into their callers"),
    /* layout */
    FLAG("show-bytes", show_bytes, "exact bytes instead of MB (same as --unit=B)"),
    {"unit", 0, HD_OPTION_STRING, &settings.unit, 0, "UNIT",
     "B, KiB, MiB, GiB, MB (jeprof's one decimal; text default) or auto (graphs)"},
    FLAG("cum", sort_by_cum, "sort by cum instead of flat"),
    FLAG("abs", sort_by_abs, "sort by absolute value, so shrinkage ranks with growth"),
    FLAG("compare", compare, "with --base: columns base, current, delta, change"),
    {"top", 0, HD_OPTION_COUNT, &settings.top, 0, "N", "print only the first N rows"},
    {"nodecount", 0, HD_OPTION_COUNT, &settings.node_count, 0, "N",
     "keep the N nodes of largest |cum| (default: text all, as jeprof; graphs 80)"},
    {"nodefraction", 0, HD_OPTION_FRACTION, &settings.node_fraction, 0, "F",
     "drop nodes with |cum| below F of the total (default: text 0; graphs 0.005)"},
    {"edgefraction", 0, HD_OPTION_FRACTION, &settings.edge_fraction, 0, "F",
     "graphs: drop edges below F of the total (default 0.001)"},
    /* filters (PCRE2 regular expressions, as pprof's) */
    {"focus", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_FOCUS], 0, "RE",
     "keep only stacks with a frame matching RE"},
    {"ignore", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_IGNORE], 0, "RE",
     "drop stacks with a frame matching RE"},
    {"hide", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_HIDE], 0, "RE",
     "remove frames matching RE"},
    {"show", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_SHOW], 0, "RE",
     "keep only frames matching RE"},
    {"show-from", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_SHOW_FROM], 0, "RE",
     "start stacks at the root-most frame matching RE"},
    {"prune-from", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_PRUNE_FROM], 0, "RE",
     "end stacks at the leaf-most frame matching RE"},
    /* symbols */
    {"lib-prefix", 0, HD_OPTION_LIST, &settings.lib_prefixes, 0, "DIR",
     "also look for shared libraries in DIR (repeatable)"},
    {"sysroot", 0, HD_OPTION_STRING, &settings.sysroot, 0, "DIR",
     "look for every mapped file under DIR first"},
    {"debug-dir", 0, HD_OPTION_LIST, &settings.debug_dirs, 0, "DIR",
     "look for separate debug files in DIR (repeatable)"},
    FLAG("no-demangle", no_demangle, "show C++ and Rust names mangled"),
    FLAG("full-names", full_names, "keep argument lists and template arguments"),
    FLAG("no-symbols", no_symbols, "do not symbolize: frames as module+0xoffset"),
    /* output */
    {"output", 'o', HD_OPTION_STRING, &settings.output, 0, "FILE",
     "write to FILE (atomically) instead of standard output"},
    {"help", 'h', HD_OPTION_HELP, &settings.help, 0, NULL, "show this help"},
    FLAG("version", version, "show the version"),
    {NULL, 0, 0, NULL, 0, NULL, NULL},
};

static void print_usage(FILE *out)
{
    fputs("usage: heapdiff [OPTIONS] [BINARY] PROFILE...\n"
          "       heapdiff --base BASE [OPTIONS] [BINARY] PROFILE...\n"
          "\n"
          "Reads gperftools and jemalloc heap profiles (gzip'ed or not) and shows\n"
          "where memory is; with --base, where it grew.  Several PROFILEs are summed.\n"
          "BINARY, recognized by its ELF header, is the program that wrote them.\n"
          "Options take '-' or '_' in names, one dash or two, and --opt=V or --opt V.\n"
          "\n"
          "Options:\n",
          out);
    hd_options_print_help(out, option_table);
    fputs("\nExit status: 0 success, 2 usage error or unreadable input.\n", out);
}

static int fail(const struct hd_error *err)
{
    char text[1200];
    fprintf(stderr, "heapdiff: %s\n", hd_error_format(err, text, sizeof text));
    return EXIT_TROUBLE;
}

/* The value type the flags ask for; -1 with *ERR set when several do. */
static int chosen_value(struct hd_error *err)
{
    int count = settings.inuse_space + settings.inuse_objects + settings.alloc_space +
                settings.alloc_objects;
    if (count > 1)
        return hd_error_set(err, NULL, 0,
                            "choose one of --inuse_space, --inuse_objects, --alloc_space, "
                            "--alloc_objects");
    if (settings.inuse_objects)
        return HD_VALUE_INUSE_OBJECTS;
    if (settings.alloc_space)
        return HD_VALUE_ALLOC_SPACE;
    if (settings.alloc_objects)
        return HD_VALUE_ALLOC_OBJECTS;
    return HD_VALUE_INUSE_SPACE;
}

/* The unit --unit or --show_bytes asks for; -1 with *ERR set. */
static int chosen_unit(struct hd_error *err)
{
    static const struct {
        const char *name;
        enum hd_byte_unit unit;
    } units[] = {{"B", HD_UNIT_BYTES}, {"KiB", HD_UNIT_KIB}, {"MiB", HD_UNIT_MIB},
                 {"GiB", HD_UNIT_GIB}, {"MB", HD_UNIT_MB},   {"auto", HD_UNIT_AUTO}};
    if (!settings.unit && settings.show_bytes)
        return HD_UNIT_BYTES;
    if (!settings.unit) /* jeprof's MB in text; graphs need finer steps */
        return settings.report >= REPORT_DOT ? HD_UNIT_AUTO : HD_UNIT_MB;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(settings.unit, units[i].name) == 0)
            return units[i].unit;
    return hd_error_set(err, NULL, 0, "--unit must be B, KiB, MiB, GiB, MB or auto, not '%s'",
                        settings.unit);
}

/* Parse PATH; alloc values must be there when VALUE asks for them; with
 * --thread, keep only that thread. */
static struct hd_profile *read_profile(const char *path, enum hd_value_type value,
                                       struct hd_error *err)
{
    struct hd_profile *p = hd_parse_file(path, err);
    if (!p)
        return NULL;
    if ((value == HD_VALUE_ALLOC_SPACE || value == HD_VALUE_ALLOC_OBJECTS) &&
        !p->has_alloc_values) {
        hd_error_set(err, path, 0,
                     "has no allocated values: every allocated pair is 0: 0 (jemalloc "
                     "writes them only with prof_accum:true)");
        hd_profile_free(p);
        return NULL;
    }
    if (settings.thread) {
        char *end;
        long thread = strtol(settings.thread, &end, 10);
        if (p->format != HD_FORMAT_THREADED) {
            hd_error_set(err, path, 0, "--thread needs a jemalloc profile with tN: lines");
        } else if (*end || end == settings.thread || thread < 0) {
            hd_error_set(err, NULL, 0, "--thread needs a thread number, not '%s'",
                         settings.thread);
        } else {
            if (hd_profile_select_thread(p, thread) == 0)
                hd_warn("%s: thread %ld has no samples", path, thread);
            return p;
        }
        hd_profile_free(p);
        return NULL;
    }
    return p;
}

/* Symbolize PROFILE's locations unless --no-symbols.  BINARY may be NULL.
 * Libraries missing at their mapped paths are looked for in each
 * --lib-prefix, then next to BINARY, where a CI artifact or a copied
 * deployment usually keeps them. */
static struct hd_symbolizer *symbolize(struct hd_profile *profile, const char *binary)
{
    if (settings.no_symbols)
        return NULL;
    struct hd_sym_options options;
    hd_sym_options_init(&options);
    options.main_binary = binary;
    const char *prefixes[sizeof settings.lib_prefixes.items / sizeof (char *) + 1];
    size_t n_prefixes = 0;
    for (size_t i = 0; i < settings.lib_prefixes.n; i++)
        prefixes[n_prefixes++] = settings.lib_prefixes.items[i];
    char binary_dir[4096];
    if (binary) {
        snprintf(binary_dir, sizeof binary_dir, "%s", binary);
        char *slash = strrchr(binary_dir, '/');
        if (!slash)
            snprintf(binary_dir, sizeof binary_dir, ".");
        else
            slash[slash == binary_dir] = '\0'; /* "/server" lives in "/" */
        prefixes[n_prefixes++] = binary_dir;
    }
    options.lib_prefixes = prefixes;
    options.n_lib_prefixes = n_prefixes;
    options.debug_dirs = settings.debug_dirs.items;
    options.n_debug_dirs = settings.debug_dirs.n;
    options.sysroot = settings.sysroot;
    options.demangle = !settings.no_demangle;
    options.full_names = settings.full_names;
    struct hd_symbolizer *sym = hd_sym_new(&options);
    hd_sym_annotate_profile(sym, profile);
    return sym;
}

/* Draw GRAPH (built from PROFILE) as a call graph in the chosen format.
 * Returns 0, or -1 with *ERR set. */
static int render_graph(FILE *out, const struct hd_graph *graph, const struct hd_profile *profile,
                        const struct hd_text_options *text, struct hd_error *err)
{
    struct hd_profile_paths paths = {graph, profile};
    struct hd_prune_options prune = hd_prune_defaults();
    if (settings.node_count != UNSET_COUNT)
        prune.node_count = settings.node_count;
    if (settings.node_fraction != UNSET_FRACTION)
        prune.node_fraction = settings.node_fraction;
    if (settings.edge_fraction != UNSET_FRACTION)
        prune.edge_fraction = settings.edge_fraction;
    prune.walk = hd_profile_paths_walk;
    prune.walk_source = &paths;
    struct hd_view *view = hd_prune(graph, &prune);
    char filter_text[HD_FILTER_COUNT][600];
    const char *filter_list[HD_FILTER_COUNT];
    size_t n_filters = 0;
    for (int k = 0; k < HD_FILTER_COUNT; k++)
        if (settings.filters[k]) {
            snprintf(filter_text[n_filters], sizeof filter_text[n_filters], "%s=%s",
                     hd_filter_name((enum hd_filter_kind)k), settings.filters[k]);
            filter_list[n_filters] = filter_text[n_filters];
            n_filters++;
        }
    struct hd_graph_render_options o = {
        .value = text->value,
        .unit = text->unit,
        .currents = text->currents,
        .n_currents = text->n_currents,
        .bases = text->bases,
        .n_bases = text->n_bases,
        .filters = filter_list,
        .n_filters = n_filters,
    };
    int rc;
    if (settings.report == REPORT_DOT) {
        rc = hd_render_dot(out, graph, view, &o);
        if (rc != 0)
            hd_error_set(err, settings.output, 0, "cannot write the graph");
    } else {
        enum hd_image_format format = settings.report == REPORT_SVG   ? HD_IMAGE_SVG
                                      : settings.report == REPORT_PNG ? HD_IMAGE_PNG
                                                                      : HD_IMAGE_PDF;
        rc = hd_render_image(out, format, graph, view, &o, err);
    }
    hd_view_free(view);
    return rc;
}

/* Warn about each filter that matched no frame. */
static void warn_unmatched_filters(const struct hd_graph *graph)
{
    for (int k = 0; k < HD_FILTER_COUNT; k++)
        if (settings.filters[k] && !(graph->filters_matched & (1u << k)))
            hd_warn("--%s=%s matched no frame", hd_filter_name((enum hd_filter_kind)k),
                    settings.filters[k]);
}

int main(int argc, char **argv)
{
    struct hd_error err;
    const char **positional = calloc((size_t)argc + 1, sizeof *positional);
    int n_positional = 0;
    if (!positional)
        abort();
    int status = EXIT_TROUBLE;
    struct hd_profile *current = NULL, *base = NULL;
    struct hd_symbolizer *sym = NULL;
    struct hd_filters *filters = NULL;
    struct hd_graph *graph = NULL;
    struct hd_report_input *inputs = NULL;

    if (hd_options_parse(option_table, argc, argv, positional, &n_positional, &err) != 0) {
        status = fail(&err);
        goto out;
    }
    if (settings.help) {
        print_usage(stdout);
        status = 0;
        goto out;
    }
    if (settings.version) {
        puts("heapdiff 0.1.0");
        status = 0;
        goto out;
    }
    int value = chosen_value(&err);
    int unit = value < 0 ? -1 : chosen_unit(&err);
    if (value < 0 || unit < 0 || hd_filters_compile(settings.filters, &filters, &err) != 0) {
        status = fail(&err);
        goto out;
    }
    if ((settings.compare || settings.drop_negative || settings.normalize) && !settings.base) {
        hd_error_set(&err, NULL, 0, "--compare, --drop_negative and --normalize need --base");
        status = fail(&err);
        goto out;
    }
    if ((settings.report == REPORT_PNG || settings.report == REPORT_PDF) &&
        (!settings.output || strcmp(settings.output, "-") == 0) && isatty(STDOUT_FILENO)) {
        hd_error_set(&err, NULL, 0, "will not write %s to a terminal: use -o FILE or a pipe",
                     settings.report == REPORT_PNG ? "PNG" : "PDF");
        status = fail(&err);
        goto out;
    }
    int first_profile = 0;
    const char *binary = NULL;
    if (n_positional > 0 && hd_input_is_elf(positional[0]))
        binary = positional[first_profile++];
    if (first_profile >= n_positional) {
        fputs("heapdiff: no profile given\n", stderr);
        print_usage(stderr);
        goto out;
    }

    int n_currents = n_positional - first_profile;
    inputs = calloc((size_t)n_currents + 1, sizeof *inputs);
    if (!inputs)
        abort();
    for (int i = 0; i < n_currents; i++) {
        const char *path = positional[first_profile + i];
        struct hd_profile *p = read_profile(path, (enum hd_value_type)value, &err);
        if (!p) {
            status = fail(&err);
            goto out;
        }
        struct hd_values total = hd_profile_total(p);
        inputs[i] = (struct hd_report_input){path, hd_value_of(&total, (enum hd_value_type)value)};
        if (!current) {
            current = p;
        } else {
            hd_profile_merge(current, p, 1.0);
            hd_profile_free(p);
        }
    }
    struct hd_report_input base_input = {NULL, 0};
    if (settings.base) {
        base = read_profile(settings.base, (enum hd_value_type)value, &err);
        if (!base) {
            status = fail(&err);
            goto out;
        }
        struct hd_values total = hd_profile_total(base);
        base_input = (struct hd_report_input){settings.base,
                                              hd_value_of(&total, (enum hd_value_type)value)};
        double factor = -1.0;
        if (settings.normalize && base_input.total != 0) {
            struct hd_values cur_total = hd_profile_total(current);
            factor = -hd_value_of(&cur_total, (enum hd_value_type)value) / base_input.total;
        }
        hd_profile_merge(current, base, factor);
    }
    sym = symbolize(current, binary);

    struct hd_graph_options graph_options = {
        .value = (enum hd_value_type)value,
        .granularity = (enum hd_granularity)settings.granularity,
        .no_inlines = settings.no_inlines,
        .drop_negative = settings.drop_negative,
        .filters = filters,
    };
    graph = hd_graph_build(current, &graph_options);
    warn_unmatched_filters(graph);
    struct hd_text_options text_options = {
        .value = (enum hd_value_type)value,
        .unit = (enum hd_byte_unit)unit,
        .sort_by_cum = settings.sort_by_cum,
        .sort_by_abs = settings.sort_by_abs,
        .compare = settings.compare,
        .top = settings.top,
        .node_count = settings.node_count == UNSET_COUNT ? 0 : settings.node_count,
        .node_fraction = settings.node_fraction == UNSET_FRACTION ? 0 : settings.node_fraction,
        .filters = filters,
        .currents = inputs,
        .n_currents = (size_t)n_currents,
        .bases = settings.base ? &base_input : NULL,
        .n_bases = settings.base ? 1 : 0,
    };
    struct hd_output out;
    if (hd_output_open(&out, settings.output, &err) != 0) {
        status = fail(&err);
        goto out;
    }
    int rendered;
    switch (settings.report) {
    case REPORT_TRACES:
        rendered = hd_render_traces(out.stream, graph, current, &text_options);
        break;
    case REPORT_TEXT:
        rendered = hd_render_text(out.stream, graph, &text_options);
        break;
    default:
        rendered = render_graph(out.stream, graph, current, &text_options, &err);
        break;
    }
    if (rendered != 0 && (settings.report == REPORT_TEXT || settings.report == REPORT_TRACES))
        hd_error_set(&err, settings.output, 0, "cannot write the report");
    if (hd_output_close(&out, rendered == 0, &err) != 0 || rendered != 0) {
        status = fail(&err);
        goto out;
    }
    status = 0;
out:
    hd_graph_free(graph);
    hd_filters_free(filters);
    hd_profile_free(current);
    hd_profile_free(base);
    hd_sym_free(sym);
    free(inputs);
    free(positional);
    hd_warning_reset();
    hd_gvc_shutdown();
    return status;
}
