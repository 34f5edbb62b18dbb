/* Where a report's time goes: drives the core's stages (core.h) one at a
 * time and prints each one's wall time, so a benchmark can say which stage
 * a change made faster or slower.
 *
 * Usage: stages_driver [--base BASE] [BINARY] PROFILE...
 * Prints "stage seconds cpu-seconds" lines: read+align, symbolize, graph,
 * text, total (wall time, then the process's CPU time, which other jobs on
 * a shared machine disturb less). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "allocator.h"
#include "core.h"
#include "input.h"

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The wall and CPU clocks at one moment. */
struct moment {
    double wall, cpu;
};

static struct moment now(void)
{
    return (struct moment){seconds(CLOCK_MONOTONIC), seconds(CLOCK_PROCESS_CPUTIME_ID)};
}

static void print_stage(const char *name, struct moment from, struct moment to)
{
    printf("%s %.3f %.3f\n", name, to.wall - from.wall, to.cpu - from.cpu);
}

int main(int argc, char **argv)
{
    struct hd_request r;
    hd_request_init(&r);
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--base") == 0) {
        r.bases = (const char *const *)&argv[2];
        r.n_bases = 1;
        first = 3;
    }
    if (first < argc && hd_input_is_elf(argv[first]))
        r.binary = argv[first++];
    if (first >= argc) {
        fputs("usage: stages_driver [--base BASE] [BINARY] PROFILE...\n", stderr);
        return 2;
    }
    r.currents = (const char *const *)&argv[first];
    r.n_currents = (size_t)(argc - first);

    struct hd_error err;
    struct moment start = now();
    struct hd_symbolizer *sym = hd_core_symbolizer(&r);
    struct hd_model *model = hd_core_read_inputs(&r, sym, &err);
    if (!model) {
        char text[1200];
        fprintf(stderr, "stages_driver: %s\n", hd_error_format(&err, text, sizeof text));
        hd_sym_free(sym);
        return 2;
    }
    struct moment read = now();
    struct hd_wrappers *wrappers = NULL; /* the default list, as a run has it */
    hd_wrappers_new(NULL, true, &wrappers, &err);
    hd_core_symbolize(sym, model, wrappers);
    struct moment symbolized = now();
    struct hd_graph *graph = hd_graph_build(model, &r.graph);
    struct moment built = now();
    struct hd_report report;
    r.report.value = r.graph.value;
    hd_report_prepare(&report, &hd_emitters[0], model, graph, &r.report);
    FILE *sink = fopen("/dev/null", "w");
    int rc = sink ? hd_emitters[0].write(sink, &report, &err) : -1;
    if (sink)
        fclose(sink);
    struct moment emitted = now();
    print_stage("read+align", start, read);
    print_stage("symbolize", read, symbolized);
    print_stage("graph", symbolized, built);
    print_stage("text", built, emitted);
    print_stage("total", start, emitted);
    printf("inputs %zu locations %zu stacks %zu samples %zu nodes %zu\n", model->n_inputs,
           model->n_locations, model->n_stacks, model->samples.n, graph->n_nodes);
    hd_report_release(&report);
    hd_graph_free(graph);
    hd_wrappers_free(wrappers);
    hd_model_free(model);
    hd_sym_free(sym);
    hd_core_shutdown();
    return rc == 0 ? 0 : 2;
}
