/* heapdiff: the command line.  Parses options and wires the stages:
 * parser -> model arithmetic -> (symbolize) -> render.  No format or DWARF
 * knowledge lives here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "parse.h"
#include "profile.h"
#include "text.h"

enum { EXIT_GATE = 1, EXIT_TROUBLE = 2 };

struct settings {
    bool help, version;
    bool text;
    bool show_bytes;
    bool inuse_space, inuse_objects, alloc_space, alloc_objects;
    int granularity;
    bool sort_by_cum;
    const char *base;
    const char *output;
};

static struct settings settings = {.granularity = HD_GRANULARITY_FUNCTIONS};

static const struct hd_option option_table[] = {
    {"text", 0, HD_OPTION_FLAG, &settings.text, 0, NULL,
     "print a text report (the default)"},
    {"base", 0, HD_OPTION_STRING, &settings.base, 0, "FILE",
     "subtract this profile first: show the growth from FILE"},
    {"inuse-space", 0, HD_OPTION_FLAG, &settings.inuse_space, 0, NULL,
     "show bytes in use (the default)"},
    {"inuse-objects", 0, HD_OPTION_FLAG, &settings.inuse_objects, 0, NULL,
     "show objects in use"},
    {"alloc-space", 0, HD_OPTION_FLAG, &settings.alloc_space, 0, NULL,
     "show bytes ever allocated"},
    {"alloc-objects", 0, HD_OPTION_FLAG, &settings.alloc_objects, 0, NULL,
     "show objects ever allocated"},
    {"show-bytes", 0, HD_OPTION_FLAG, &settings.show_bytes, 0, NULL,
     "print exact bytes instead of MB"},
    {"functions", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_FUNCTIONS, NULL,
     "one row per function (the default)"},
    {"lines", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_LINES, NULL,
     "one row per source line"},
    {"files", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_FILES, NULL,
     "one row per source file"},
    {"addresses", 0, HD_OPTION_CHOICE, &settings.granularity, HD_GRANULARITY_ADDRESSES, NULL,
     "one row per address"},
    {"cum", 0, HD_OPTION_FLAG, &settings.sort_by_cum, 0, NULL,
     "sort by cumulative value instead of flat"},
    {"output", 'o', HD_OPTION_STRING, &settings.output, 0, "FILE",
     "write the report to FILE (atomically) instead of stdout"},
    {"help", 'h', HD_OPTION_HELP, &settings.help, 0, NULL, "show this help"},
    {"version", 0, HD_OPTION_FLAG, &settings.version, 0, NULL, "show the version"},
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

/* Parse PATH; alloc values must be there when VALUE asks for them. */
static struct hd_profile *read_profile(const char *path, enum hd_value_type value,
                                       struct hd_error *err)
{
    struct hd_profile *p = hd_parse_file(path, err);
    if (p && (value == HD_VALUE_ALLOC_SPACE || value == HD_VALUE_ALLOC_OBJECTS) &&
        !p->has_alloc_values) {
        hd_error_set(err, path, 0,
                     "has no allocated values: every allocated pair is 0: 0 (jemalloc "
                     "writes them only with prof_accum:true)");
        hd_profile_free(p);
        return NULL;
    }
    return p;
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
    if (value < 0) {
        status = fail(&err);
        goto out;
    }
    int first_profile = 0;
    if (n_positional > 0 && hd_input_is_elf(positional[0]))
        first_profile = 1; /* the binary; the symbolizer will use it */
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
        hd_profile_merge(current, base, -1.0);
    }

    struct hd_graph_options graph_options = {(enum hd_value_type)value,
                                             (enum hd_granularity)settings.granularity};
    graph = hd_graph_build(current, &graph_options);
    struct hd_text_options text_options = {
        .value = (enum hd_value_type)value,
        .unit = settings.show_bytes ? HD_UNIT_BYTES : HD_UNIT_MB,
        .sort_by_cum = settings.sort_by_cum,
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
    int rendered = hd_render_text(out.stream, graph, &text_options);
    if (rendered != 0)
        hd_error_set(&err, settings.output ? settings.output : NULL, 0, "cannot write the report");
    if (hd_output_close(&out, rendered == 0, &err) != 0 || rendered != 0) {
        status = fail(&err);
        goto out;
    }
    status = 0;
out:
    hd_graph_free(graph);
    hd_profile_free(current);
    hd_profile_free(base);
    free(inputs);
    free(positional);
    hd_warning_reset();
    return status;
}
