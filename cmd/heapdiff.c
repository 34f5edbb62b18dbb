/* heapdiff: the command line.  Turns options into a request for the core
 * (core/core.h) and its outcome into an exit status; nothing else lives
 * here: no format, DWARF, arithmetic or layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "core.h"
#include "input.h"
#include "options.h"

enum { EXIT_GATE = 1, EXIT_TROUBLE = 2 };

struct settings {
    bool help, version;
    int report; /* index into hd_emitters */
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
    const char *leak_kinds; /* --leak-kind, as given */
    const char *filters[HD_FILTER_COUNT];
    const char *wrappers;
    bool no_wrappers;
    struct hd_string_list lib_prefixes, debug_dirs;
    const char *sysroot;
    bool no_demangle, full_names, no_symbols;
    bool no_cache;
    struct hd_string_list trim_paths, source_paths;
    const char *report_argument; /* the report kind's: --list RE */
    const char *output;
    size_t max_input_size;
    bool verbose;
    bool trend, ascii;
    bool inverted; /* --inverted: flame graphs as icicles */
    double trend_confidence, trend_late_ratio, trend_late_part, trend_noise_floor;
    const char *base_binary; /* --base-binary: the base's own build */
    struct hd_string_list base_lib_prefixes;
    struct hd_gates gates; /* the CI gates' options, as given */
    bool memory; /* --memory: the arguments are memory captures */
};

static struct settings settings = {
    .granularity = HD_GRANULARITY_FUNCTIONS,
    .node_count = HD_UNSET_COUNT,
    .node_fraction = HD_UNSET_FRACTION,
    .edge_fraction = HD_UNSET_FRACTION,
    .max_input_size = HD_PARSE_DEFAULT_MAX_INPUT_BYTES,
    .trend_confidence = -1,
    .trend_late_ratio = -1,
    .trend_late_part = -1,
    .trend_noise_floor = -1,
    .gates = {.min_leak = HD_GATE_UNSET,
              .fail_if_growth = HD_GATE_UNSET,
              .fail_if_node_growth = HD_GATE_UNSET},
};

#define FLAG(name, target, help) {name, 0, HD_OPTION_FLAG, &settings.target, 0, NULL, help, NULL}

/* The options other than the report kinds. */
static const struct hd_option other_options[] = {
    /* what to show (the report kinds come first, from hd_emitters) */
    {"base", 0, HD_OPTION_STRING, &settings.base, 0, "FILE",
     "subtract FILE first: show the growth since FILE (matched across runs)", NULL},
    FLAG("trend", trend, "the profiles (files, directories, globs) are a series: verdicts "
         "leak, plateau, transient, shrinking or flat for each row"),
    {"trend-confidence", 0, HD_OPTION_FRACTION, &settings.trend_confidence, 0, "P",
     "with --trend, how sure a rise must be to count (default 0.95)", NULL},
    {"trend-late-ratio", 0, HD_OPTION_FRACTION, &settings.trend_late_ratio, 0, "R",
     "with --trend, a leak's late slope is at least R of its early one (default 0.5)", NULL},
    {"trend-late-part", 0, HD_OPTION_FRACTION, &settings.trend_late_part, 0, "F",
     "with --trend, the late part is the last F of the snapshots (default 0.5)", NULL},
    {"trend-noise-floor", 0, HD_OPTION_FRACTION, &settings.trend_noise_floor, 0, "F",
     "with --trend, changes under F of a row's largest value are noise (default 0.01)", NULL},
    FLAG("memory", memory, "the arguments are memory captures (smaps, pmap, allocator "
         "statistics; files or directories): RSS by class, and what grew"),
    FLAG("inuse-space", inuse_space, "bytes in use (the default)"),
    FLAG("inuse-objects", inuse_objects, "objects in use"),
    FLAG("alloc-space", alloc_space, "bytes ever allocated"),
    FLAG("alloc-objects", alloc_objects, "objects ever allocated"),
    FLAG("drop-negative", drop_negative, "with --base: leave out stacks that shrank"),
    FLAG("normalize", normalize, "with --base: scale the base to the current total first"),
    {"thread", 0, HD_OPTION_STRING, &settings.thread, 0, "N",
     "only jemalloc thread N (its tN: lines)", NULL},
    {"leak-kind", 0, HD_OPTION_STRING, &settings.leak_kinds, 0, "KINDS",
     "memcheck XML and LSan: the leaks read, of definite, indirect, possible, reachable "
     "or all (default: valgrind's definite,possible; LSan's definite,indirect)", NULL},
    {"max-input-size", 0, HD_OPTION_SIZE, &settings.max_input_size, 0, "SIZE",
     "refuse a profile whose text (after gunzip) exceeds SIZE bytes; K, M, G "
     "suffixes (default 1G)", NULL},
    /* granularity */
    {"functions", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_FUNCTIONS, NULL,
     "one row per function (the default)", NULL},
    {"lines", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_LINES, NULL,
     "one row per source line", NULL},
    {"files", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_FILES, NULL,
     "one row per source file", NULL},
    {"addresses", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_ADDRESSES, NULL,
     "one row per address", NULL},
    FLAG("no-inlines", no_inlines, "fold inlined functions into their callers"),
    /* layout */
    FLAG("ascii", ascii, "with --trend, sparklines in ASCII instead of Unicode blocks"),
    FLAG("inverted", inverted, "with --flame, an icicle graph: the root at the top"),
    FLAG("show-bytes", show_bytes, "exact bytes (same as --unit=B)"),
    {"unit", 0, HD_OPTION_STRING, &settings.unit, 0, "UNIT",
     "B, KB/KiB, MB (jeprof's one decimal), MiB, GB/GiB, or auto (the default); "
     "any case", NULL},
    FLAG("cum", sort_by_cum, "sort by cum instead of flat"),
    FLAG("abs", sort_by_abs, "sort by absolute value, so shrinkage ranks with growth"),
    FLAG("compare", compare, "with --base: columns base, current, delta, change"),
    {"top", 0, HD_OPTION_COUNT, &settings.top, 0, "N",
     "print only the N rows of largest |flat|; alone, the text report (Go pprof's -top)", "text"},
    {"nodecount", 0, HD_OPTION_COUNT, &settings.node_count, 0, "N",
     "text: the N rows of largest |flat| (default 20; 0: all, as jeprof); graphs: the N nodes "
     "of largest |cum| (default 80)", NULL},
    {"nodefraction", 0, HD_OPTION_FRACTION, &settings.node_fraction, 0, "F",
     "drop nodes with |cum| under F of the total (default 0.005; text: 0 with "
     "--nodecount or --top)", NULL},
    {"edgefraction", 0, HD_OPTION_FRACTION, &settings.edge_fraction, 0, "F",
     "graphs: drop edges below F of the total (default 0.001)", NULL},
    /* filters (PCRE2 regular expressions, as pprof's) */
    {"focus", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_FOCUS], 0, "RE",
     "keep only stacks with a frame matching RE", NULL},
    {"ignore", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_IGNORE], 0, "RE",
     "drop stacks with a frame matching RE", NULL},
    {"hide", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_HIDE], 0, "RE",
     "remove frames matching RE", NULL},
    {"show", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_SHOW], 0, "RE",
     "keep only frames matching RE", NULL},
    {"show-from", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_SHOW_FROM], 0, "RE",
     "start stacks at the root-most frame matching RE", NULL},
    {"prune-from", 0, HD_OPTION_STRING, &settings.filters[HD_FILTER_PRUNE_FROM], 0, "RE",
     "end stacks at the leaf-most frame matching RE", NULL},
    /* wrappers: charged to their callers, as the allocator is */
    {"wrappers", 0, HD_OPTION_STRING, &settings.wrappers, 0, "RE",
     "also charge functions whose whole name matches RE to their callers", NULL},
    FLAG("no-wrappers", no_wrappers,
         "show the default wrappers (PyObject_Malloc, sqlite3Malloc, ...) as rows"),
    /* symbols */
    {"lib-prefix", 0, HD_OPTION_LIST, &settings.lib_prefixes, 0, "DIR",
     "also look for shared libraries in DIR (repeatable)", NULL},
    {"sysroot", 0, HD_OPTION_STRING, &settings.sysroot, 0, "DIR",
     "look for every mapped file under DIR first", NULL},
    {"debug-dir", 0, HD_OPTION_LIST, &settings.debug_dirs, 0, "DIR",
     "look for separate debug files in DIR (repeatable)", NULL},
    FLAG("no-demangle", no_demangle, "show C++ and Rust names mangled"),
    FLAG("full-names", full_names, "keep argument lists and template arguments"),
    FLAG("no-symbols", no_symbols, "do not symbolize: frames as module+0xoffset"),
    FLAG("no-cache", no_cache, "neither read nor write the symbol cache (~/.cache/heapdiff)"),
    {"base-binary", 0, HD_OPTION_STRING, &settings.base_binary, 0, "FILE",
     "the program that wrote --base, when another build than BINARY", NULL},
    {"base-lib-prefix", 0, HD_OPTION_LIST, &settings.base_lib_prefixes, 0, "DIR",
     "look for the base build's shared libraries in DIR (repeatable)", NULL},
    /* source files */
    {"trim-path", 0, HD_OPTION_LIST, &settings.trim_paths, 0, "PREFIX",
     "take PREFIX off source file names (repeatable; ':' separates several)", NULL},
    {"source-path", 0, HD_OPTION_LIST, &settings.source_paths, 0, "DIR",
     "look for --list's source files in DIR too (repeatable; ':' separates several)", NULL},
    {"verbose", 'v', HD_OPTION_FLAG, &settings.verbose, 0, NULL,
     "warn about each module on its own line, with the paths tried", NULL},
    /* CI gates: exit 1 when one trips (README, "CI gates") */
    {"fail-if-growth", 0, HD_OPTION_THRESHOLD, &settings.gates.fail_if_growth, 0, "SIZE",
     "with --base: exit 1 when the total grew by more than SIZE (K, M, G = KiB, MiB, GiB; "
     "objects with --*-objects)", NULL},
    {"fail-if-node-growth", 0, HD_OPTION_THRESHOLD, &settings.gates.fail_if_node_growth, 0,
     "SIZE", "with --base: exit 1 when one row's flat grew by more than SIZE", NULL},
    FLAG("fail-if-leak", gates.fail_if_leak,
         "with --trend: exit 1 when a row is a leak that grew by more than --min-leak"),
    {"min-leak", 0, HD_OPTION_THRESHOLD, &settings.gates.min_leak, 0, "SIZE",
     "the least growth over the series that --fail-if-leak counts (default 1M; 1K objects)", NULL},
    {"suppress", 0, HD_OPTION_STRING, &settings.gates.suppress, 0, "FILE",
     "rows matching a regex of FILE (one a line, # comments) never trip a gate", NULL},
    /* output */
    {"output", 'o', HD_OPTION_STRING, &settings.output, 0, "FILE",
     "write to FILE (atomically) instead of standard output", NULL},
    {"help", 'h', HD_OPTION_HELP, &settings.help, 0, NULL, "show this help", NULL},
    FLAG("version", version, "show the version"),
    {NULL, 0, 0, NULL, 0, NULL, NULL, NULL},
};

/* Every option: one per report kind, from the emitter table, then the
 * others.  Freed by the caller. */
static struct hd_option *build_option_table(void)
{
    size_t n_emitters = 0, n_others = 0;
    while (hd_emitters[n_emitters].name)
        n_emitters++;
    while (other_options[n_others].name)
        n_others++;
    static struct hd_choice_argument report_with_argument = {&settings.report,
                                                              &settings.report_argument};
    struct hd_option *table = hd_calloc(n_emitters + n_others + 1, sizeof *table);
    for (size_t i = 0; i < n_emitters; i++) {
        table[i] = (struct hd_option){hd_emitters[i].name, 0, HD_OPTION_CHOICE, &settings.report,
                                      (int)i, NULL, hd_emitters[i].help, NULL};
        if (hd_emitters[i].argument) {
            table[i].kind = HD_OPTION_CHOICE_ARGUMENT;
            table[i].target = &report_with_argument;
            table[i].argument = hd_emitters[i].argument;
        }
    }
    memcpy(table + n_emitters, other_options, (n_others + 1) * sizeof *table);
    return table;
}

static void print_usage(FILE *out, const struct hd_option *table)
{
    fputs("usage: heapdiff [OPTIONS] [BINARY] PROFILE...\n"
          "       heapdiff --base BASE [OPTIONS] [BINARY] PROFILE...\n"
          "       heapdiff --trend [OPTIONS] [BINARY] SNAPSHOT...\n"
          "       heapdiff --memory [--trend] [--json|--html] [BINARY] CAPTURE...\n"
          "\n"
          "Reads gperftools and jemalloc heap profiles (gzip'ed or not) and shows\n"
          "where memory is; with --base, where it grew.  Several PROFILEs are summed;\n"
          "'-' as PROFILE or BASE is standard input (once).  BINARY, recognized by its\n"
          "ELF header, is the program that wrote them.  With --trend, the PROFILEs\n"
          "(files, directories of dumps, globs) are a series, ordered by dump number.\n"
          "Options take '-' or '_' in names, one dash or two, and --opt=V or --opt V.\n"
          "valgrind massif output is read too: FILE#N is its snapshot N, FILE its\n"
          "last detailed one; with --trend, FILE is all its detailed snapshots.\n"
          "pprof's profile.proto files (Go, tcmalloc, jemalloc_pprof) are read too.\n"
          "\n"
          "Options:\n",
          out);
    hd_options_print_help(out, table);
    fputs("\nExit status: 0 success, 1 a gate (--fail-if-*) tripped, 2 usage error or\n"
          "unreadable input.\n",
          out);
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

/* The unit --unit or --show_bytes asks for, HD_UNIT_DEFAULT when neither
 * does; -2 with *ERR set when --unit names none.  Names are matched
 * without regard to case, and Go pprof's (b, kb, mb, gb: powers of 1024)
 * are accepted beside heapdiff's. */
static int chosen_unit(struct hd_error *err)
{
    static const struct {
        const char *name;
        enum hd_byte_unit unit;
    } units[] = {{"B", HD_UNIT_BYTES},     {"byte", HD_UNIT_BYTES}, {"bytes", HD_UNIT_BYTES},
                 {"KiB", HD_UNIT_KIB},     {"KB", HD_UNIT_KIB},     {"MiB", HD_UNIT_MIB},
                 {"MB", HD_UNIT_MB},       {"GiB", HD_UNIT_GIB},    {"GB", HD_UNIT_GIB},
                 {"auto", HD_UNIT_AUTO}};
    if (!settings.unit)
        return settings.show_bytes ? HD_UNIT_BYTES : HD_UNIT_DEFAULT;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcasecmp(settings.unit, units[i].name) == 0)
            return units[i].unit;
    hd_error_set(err, NULL, 0,
                 "--unit must be B, KB (KiB), MB (jeprof's), MiB, GB (GiB) or auto, not '%s'",
                 settings.unit);
    return -2;
}

/* The thread --thread names, HD_ALL_THREADS without it; -2 with *ERR set
 * when it is no thread number. */
static long chosen_thread(struct hd_error *err)
{
    if (!settings.thread)
        return HD_ALL_THREADS;
    char *end;
    long thread = strtol(settings.thread, &end, 10);
    if (*end || end == settings.thread || thread < 0) {
        hd_error_set(err, NULL, 0, "--thread needs a thread number, not '%s'", settings.thread);
        return -2;
    }
    return thread;
}

/* Refuse gate options that cannot apply: a growth gate without --base, a
 * leak gate without a series (--trend), --min-leak without the leak gate,
 * --suppress without any gate.  Returns 0, or -1 with *ERR set. */
static int check_gates(struct hd_error *err)
{
    const struct hd_gates *g = &settings.gates;
    if (g->fail_if_leak && !settings.trend)
        return hd_error_set(err, NULL, 0,
                            "--fail-if-leak needs --trend: telling a leak from a cache takes a "
                            "series of snapshots, not two");
    if (g->min_leak >= 0 && !g->fail_if_leak)
        return hd_error_set(err, NULL, 0, "--min-leak needs --fail-if-leak");
    if ((g->fail_if_growth >= 0 || g->fail_if_node_growth >= 0) && !settings.base &&
        !settings.trend)
        return hd_error_set(err, NULL, 0,
                            "--fail-if-growth and --fail-if-node-growth need --base or --trend: "
                            "growth is current minus base, or last minus first");
    if (g->suppress && !hd_gates_any(g))
        return hd_error_set(err, NULL, 0,
                            "--suppress needs a gate: --fail-if-growth, --fail-if-node-growth "
                            "or --fail-if-leak");
    return 0;
}

/* Whether standard input ("-") is named more than once among the
 * profiles PATHS[0..N) and BASE (may be NULL): it can be read only once. */
static bool stdin_named_twice(const char *const *paths, int n, const char *base)
{
    int count = base && hd_input_is_stdin(base);
    for (int i = 0; i < n; i++)
        count += hd_input_is_stdin(paths[i]);
    return count > 1;
}

/* Fill REQUEST from the settings and the positional arguments
 * POSITIONAL[0..N): [BINARY] PROFILE...  Returns 0, or -1 with *ERR set;
 * -2 when no profile was given. */
static int make_request(struct hd_request *request, const char **positional, int n,
                        struct hd_error *err)
{
    hd_request_init(request);
    int value = chosen_value(err);
    int unit = value < 0 ? -2 : chosen_unit(err);
    long thread = unit == -2 ? -2 : chosen_thread(err);
    if (value < 0 || unit == -2 || thread == -2)
        return -1;
    if (settings.leak_kinds && hd_leak_kinds_parse(settings.leak_kinds,
                                                   &request->limits.leak_kinds) != 0)
        return hd_error_set(err, NULL, 0,
                            "--leak-kind takes definite, indirect, possible, reachable or "
                            "all, separated by commas, not '%s'",
                            settings.leak_kinds);
    if ((settings.compare || settings.drop_negative || settings.normalize) && !settings.base)
        return hd_error_set(err, NULL, 0, "--compare, --drop_negative and --normalize need --base");
    if (settings.trend && settings.base)
        return hd_error_set(err, NULL, 0,
                            "--trend and --base: a series is its own base (the first "
                            "snapshot)");
    if (settings.trend_confidence == 0 || settings.trend_confidence == 1 ||
        settings.trend_late_part == 0 || settings.trend_late_part == 1 ||
        settings.trend_noise_floor == 1)
        return hd_error_set(err, NULL, 0,
                            "--trend-confidence and --trend-late-part lie strictly between 0 "
                            "and 1, --trend-noise-floor below 1");
    if (check_gates(err) != 0)
        return -1;
    if (settings.memory && (settings.base || hd_gates_any(&settings.gates)))
        return hd_error_set(err, NULL, 0,
                            "--memory compares its captures in order: --base and the gates "
                            "do not apply");
    int first_profile = 0;
    if (n > 0 && hd_input_is_elf_program(positional[0]))
        request->binary = positional[first_profile++];
    if (first_profile >= n)
        return -2;
    if (stdin_named_twice(positional + first_profile, n - first_profile, settings.base))
        return hd_error_set(err, NULL, 0, "standard input ('-') can be read only once");
    request->currents = positional + first_profile;
    request->n_currents = (size_t)(n - first_profile);
    request->bases = settings.base ? &settings.base : NULL;
    request->n_bases = settings.base ? 1 : 0;
    request->thread = thread;
    request->normalize = settings.normalize;

    request->no_symbols = settings.no_symbols;
    request->lib_prefixes = settings.lib_prefixes.items;
    request->n_lib_prefixes = settings.lib_prefixes.n;
    request->debug_dirs = settings.debug_dirs.items;
    request->n_debug_dirs = settings.debug_dirs.n;
    request->sysroot = settings.sysroot;
    request->limits.max_input_bytes = settings.max_input_size;
    request->demangle = !settings.no_demangle;
    request->full_names = settings.full_names;
    request->trim_paths = settings.trim_paths.items;
    request->n_trim_paths = settings.trim_paths.n;
    request->verbose = settings.verbose;
    static char cache_dir[4096];
    if (!settings.no_cache && hd_sym_cache_default_dir(cache_dir, sizeof cache_dir))
        request->cache_dir = cache_dir;
    request->wrappers = settings.wrappers;
    request->no_default_wrappers = settings.no_wrappers;
    if ((settings.base_binary || settings.base_lib_prefixes.n > 0) && !settings.base)
        return hd_error_set(err, NULL, 0, "--%s names the base's build: it needs --base FILE",
                            settings.base_binary ? "base-binary" : "base-lib-prefix");
    if (settings.base_binary && !hd_input_is_elf_program(settings.base_binary))
        return hd_error_set(err, NULL, 0, "--base-binary %s: not an ELF program",
                            settings.base_binary);
    request->base_binary = settings.base_binary;
    request->base_lib_prefixes = settings.base_lib_prefixes.items;
    request->n_base_lib_prefixes = settings.base_lib_prefixes.n;

    request->graph = (struct hd_graph_options){
        .value = (enum hd_value_type)value,
        .granularity = (enum hd_granularity)settings.granularity,
        .no_inlines = settings.no_inlines,
        .drop_negative = settings.drop_negative,
    };
    memcpy(request->filters, settings.filters, sizeof request->filters);
    request->report = (struct hd_report_options){
        .unit = unit,
        .sort_by_cum = settings.sort_by_cum,
        .sort_by_abs = settings.sort_by_abs,
        .compare = settings.compare,
        .top = settings.top,
        .node_count = settings.node_count,
        .node_fraction = settings.node_fraction,
        .edge_fraction = settings.edge_fraction,
    };
    request->report.ascii = settings.ascii;
    request->report.inverted = settings.inverted;
    request->trend = settings.trend;
    struct hd_trend_thresholds *t = &request->thresholds;
    if (settings.trend_confidence >= 0)
        t->confidence = settings.trend_confidence;
    if (settings.trend_late_ratio >= 0)
        t->late_ratio = settings.trend_late_ratio;
    if (settings.trend_late_part >= 0)
        t->late_part = settings.trend_late_part;
    if (settings.trend_noise_floor >= 0)
        t->noise_floor = settings.trend_noise_floor;
    request->emitter = &hd_emitters[settings.report];
    request->source.list = settings.report_argument;
    request->source.source_paths = settings.source_paths.items;
    request->source.n_source_paths = settings.source_paths.n;
    request->output = settings.output;
    request->gates = settings.gates;
    request->memory = settings.memory;
    return 0;
}

int main(int argc, char **argv)
{
    struct hd_error err;
    struct hd_option *table = build_option_table();
    const char **positional = hd_calloc((size_t)argc + 1, sizeof *positional);
    int n_positional = 0;
    int status = EXIT_TROUBLE;
    struct hd_request request;
    if (hd_options_parse(table, argc, argv, positional, &n_positional, &err) != 0) {
        status = fail(&err);
    } else if (settings.help) {
        print_usage(stdout, table);
        status = 0;
    } else if (settings.version) {
        puts("heapdiff 0.1.0");
        status = 0;
    } else {
        int made = make_request(&request, positional, n_positional, &err);
        if (made == -2) {
            fputs(settings.memory ? "heapdiff: no memory capture given\n"
                                  : "heapdiff: no profile given\n",
                  stderr);
            print_usage(stderr, table);
        } else if (made != 0) {
            status = fail(&err);
        } else {
            switch (hd_core_run(&request, &err)) {
            case HD_OUTCOME_OK:
                status = 0;
                break;
            case HD_OUTCOME_GATE_TRIPPED: /* hd_core_run said which */
                status = EXIT_GATE;
                break;
            case HD_OUTCOME_TROUBLE:
                status = fail(&err);
                break;
            }
        }
    }
    free(positional);
    free(table);
    hd_core_shutdown();
    return status;
}
