/* Core tests: the pipeline driven through core.h, as cmd/ and a binding
 * would drive it: whole runs for every emitter of the table, the stages
 * one at a time, and the outcome of bad input. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

static char warnings[8192];

static void collect_warning(void *context, const char *text)
{
    (void)context;
    strncat(warnings, text, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void setup(void)
{
    warnings[0] = '\0';
    hd_warning_reset();
    hd_warning_set_sink(collect_warning, NULL);
    const char *testdata = getenv("HD_TESTDATA");
    cr_assert(testdata && chdir(testdata) == 0, "cannot enter HD_TESTDATA");
}

static void teardown(void)
{
    hd_warning_reset();
    hd_warning_set_sink(NULL, NULL);
}

TestSuite(core, .init = setup, .fini = teardown);

/* Read the whole file PATH into BUF of SIZE bytes; returns its length. */
static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

static const char *const run1_first[] = {"profiles/tc-run1.0001.heap"};
static const char *const run2_third[] = {"profiles/tc-run2.0003.heap"};

/* The cross-run diff of the fixtures' leaky program (testdata/README.md). */
static void diff_request(struct hd_request *r)
{
    hd_request_init(r);
    r->binary = "bin/leaky";
    r->currents = run2_third;
    r->n_currents = 1;
    r->bases = run1_first;
    r->n_bases = 1;
}

Test(core, a_run_writes_the_text_report_and_says_ok)
{
    struct hd_request r;
    diff_request(&r);
    r.report.unit = HD_UNIT_BYTES;
    char path[] = "/tmp/hd-core-XXXXXX";
    close(mkstemp(path));
    r.output = path;
    struct hd_error err;
    cr_assert_eq(hd_core_run(&r, &err), HD_OUTCOME_OK, "%s", err.message);
    char text[65536];
    slurp(path, text, sizeof text);
    unlink(path);
    /* Two ticks of 662400 B each (testdata/README.md): 1324800 B. */
    cr_assert(strstr(text, "Total: 1324800 B  (current minus base"), "%s", text);
    cr_assert(strstr(text, " recurse\n"), "%s", text);
}

Test(core, every_emitter_of_the_table_writes_its_kind)
{
    static const struct {
        const char *name;
        const char *starts_with;
    } expected[] = {{"text", "Base:"},  {"traces", "Traces:"},   {"dot", "digraph"},
                    {"svg", "<?xml"},   {"png", "\x89PNG"},      {"pdf", "%PDF"},
                    {"list", "Base:"}, {"markdown", "### heapdiff: inuse_space grew by"},
                    {"json", "{\n \"schema_version\": 1,"}, {"flame", "<?xml"},
                    {"proto", "\x1f\x8b"} /* gzip's magic (RFC 1952) */,
                    {"collapsed", "_start;__libc_start_main_impl;"},
                    {"html", "<!DOCTYPE html>\n<html lang=\"en\">"}};
    size_t n_emitters = 0;
    for (const struct hd_emitter *e = hd_emitters; e->name; e++)
        n_emitters++;
    cr_assert_eq(n_emitters, sizeof expected / sizeof *expected, "a new emitter needs a case");
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        struct hd_request r;
        diff_request(&r);
        r.emitter = hd_emitter_find(expected[i].name);
        cr_assert_not_null(r.emitter, "%s", expected[i].name);
        char path[] = "/tmp/hd-core-XXXXXX";
        close(mkstemp(path));
        r.output = path;
        struct hd_error err;
        cr_assert_eq(hd_core_run(&r, &err), HD_OUTCOME_OK, "%s: %s", expected[i].name,
                     err.message);
        char data[1 << 16];
        size_t n = slurp(path, data, sizeof data);
        unlink(path);
        size_t want = strlen(expected[i].starts_with);
        cr_assert(n >= want && memcmp(data, expected[i].starts_with, want) == 0,
                  "%s output starts with '%.8s'", expected[i].name, data);
    }
    cr_assert_null(hd_emitter_find("nonesuch"));
}

Test(core, stages_give_a_model_of_one_column_per_file)
{
    /* Two currents (summed) and a base: three columns, in request order
     * with the base last, each with its role and weight. */
    static const char *const currents[] = {"profiles/tc-run2.0003.heap",
                                           "profiles/tc-run2.0004.heap"};
    struct hd_request r;
    diff_request(&r);
    r.currents = currents;
    r.n_currents = 2;
    struct hd_error err;
    struct hd_symbolizer *sym = hd_core_symbolizer(&r);
    struct hd_model *model = hd_core_read_inputs(&r, sym, &err);
    cr_assert_not_null(model, "%s", err.message);
    cr_assert_eq(model->n_inputs, 3);
    cr_assert_str_eq(model->inputs[1].path, "profiles/tc-run2.0004.heap");
    cr_assert_eq(model->inputs[0].role, HD_ROLE_CURRENT);
    cr_assert_eq(model->inputs[1].role, HD_ROLE_CURRENT);
    cr_assert_eq(model->inputs[2].role, HD_ROLE_BASE);
    cr_assert_float_eq(model->inputs[2].weight, -1, 0);
    /* The program was identified by its build-id, read through BINARY. */
    uint32_t main_mapping = hd_model_main_mapping(model);
    cr_assert_eq(strncmp(model->mappings[main_mapping].identity, "build-id:", 9), 0, "%s",
                 model->mappings[main_mapping].identity);
    hd_core_symbolize(sym, model, NULL);
    struct hd_graph_options o = {.value = HD_VALUE_INUSE_SPACE};
    struct hd_graph *graph = hd_graph_build(model, &o);
    /* The graph's total is the currents' sum minus the base. */
    double delta = hd_model_input_total(model, 0).inuse_bytes +
                   hd_model_input_total(model, 1).inuse_bytes -
                   hd_model_input_total(model, 2).inuse_bytes;
    cr_assert_float_eq(graph->total, delta, 1e-6);
    cr_assert_float_eq(graph->base_total, hd_model_input_total(model, 2).inuse_bytes, 1e-6);
    hd_graph_free(graph);
    hd_model_free(model);
    hd_sym_free(sym);
}

Test(core, unreadable_input_is_trouble_with_the_file_named)
{
    static const char *const missing[] = {"profiles/no-such.heap"};
    struct hd_request r;
    hd_request_init(&r);
    r.currents = missing;
    r.n_currents = 1;
    struct hd_error err;
    cr_assert_eq(hd_core_run(&r, &err), HD_OUTCOME_TROUBLE);
    cr_assert_str_eq(err.file, "profiles/no-such.heap");
}

Test(core, alloc_values_are_required_of_every_input)
{
    static const char *const no_alloc[] = {"profiles/je-sampled.3.heap"};
    struct hd_request r;
    hd_request_init(&r);
    r.currents = no_alloc;
    r.n_currents = 1;
    r.graph.value = HD_VALUE_ALLOC_SPACE;
    struct hd_error err;
    cr_assert_eq(hd_core_run(&r, &err), HD_OUTCOME_TROUBLE);
    cr_assert(strstr(err.message, "has no allocated values"), "%s", err.message);
}

/* Issue 9: BINARY leaky_cpp given for two profiles of leaky, whose load
 * segments happen to fit: one warning, naming both files, said while the
 * inputs are read; nothing from the symbolizer, whose gathered warnings
 * hd_core_symbolize says (none here). */
Test(core, a_binary_of_another_program_is_said_once_while_reading)
{
    static const char *const currents[] = {"profiles/tc-run1.0001.heap",
                                           "profiles/tc-run1.0002.heap"};
    struct hd_request r;
    hd_request_init(&r);
    r.binary = "bin/leaky_cpp";
    r.currents = currents;
    r.n_currents = 2;
    struct hd_error err;
    struct hd_symbolizer *sym = hd_core_symbolizer(&r);
    struct hd_model *model = hd_core_read_inputs(&r, sym, &err);
    cr_assert_not_null(model, "%s", err.message);
    cr_assert_str_eq(warnings,
                     "bin/leaky_cpp has another build-id (5c959077d991...) than bin/leaky "
                     "(28ad77e27b82...), the program the profile names: names come from "
                     "bin/leaky_cpp, and are wrong if it did not write the profile\n");
    hd_core_symbolize(sym, model, NULL);
    cr_assert_eq(strchr(warnings, '\n') + 1, warnings + strlen(warnings), "%s", warnings);
    hd_model_free(model);
    hd_sym_free(sym);
}

/* A build-id the profile records (none of the text formats does; a
 * profile.proto would) identifies a module that cannot be read, so that
 * two inputs match on it rather than on the file name. */
Test(core, a_recorded_build_id_identifies_a_module_that_cannot_be_read)
{
    struct hd_model *m = hd_model_new();
    hd_model_add_input(m, "made.heap", HD_ROLE_CURRENT);
    uint32_t program = hd_model_add_mapping(m, 0x1000, 0x2000, 0, "/gone/server", true, false);
    uint32_t library = hd_model_add_mapping(m, 0x3000, 0x4000, 0, "/gone/libz.so.1", true, false);
    m->mappings[library].build_id = hd_model_intern_string(m, "00112233");
    hd_model_resolve_locations(m);
    hd_model_identify_modules(m, NULL, NULL);
    cr_assert_str_eq(m->mappings[program].identity, "main");
    cr_assert_str_eq(m->mappings[library].identity, "build-id:00112233");
    hd_model_free(m);
}
