/* The second core (core/parallel.h): the answers the scratch symbolizers
 * give are the ones the run's symbolizer gives, their warnings are held
 * back, and a module that made a scratch warn is left to the run's symbolizer. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "parse.h"
#include "parallel.h"

static size_t n_said;
static char said[8192];

static void count_warning(void *context, const char *text)
{
    (void)context;
    n_said++;
    strncat(said, text, sizeof said - strlen(said) - 2);
    strcat(said, "\n");
}

static void setup(void)
{
    n_said = 0;
    said[0] = '\0';
    hd_warning_reset();
    hd_warning_set_sink(count_warning, NULL);
    const char *testdata = getenv("HD_TESTDATA");
    cr_assert(testdata && chdir(testdata) == 0, "cannot enter HD_TESTDATA");
    setenv("HEAPDIFF_THREADS", "2", 1); /* threads for any amount of work */
}

static void teardown(void)
{
    hd_warning_reset();
    hd_warning_set_sink(NULL, NULL);
    unsetenv("HEAPDIFF_THREADS");
}

TestSuite(parallel, .init = setup, .fini = teardown);

static const char *const run2_third[] = {"profiles/tc-run2.0003.heap"};

/* A request for run2's third profile, named with BINARY (or NULL), less
 * the N_BASES BASES. */
static void request_of(struct hd_request *r, const char *binary, const char *const *bases,
                       size_t n_bases)
{
    hd_request_init(r);
    r->binary = binary;
    r->currents = run2_third;
    r->n_currents = 1;
    r->bases = bases;
    r->n_bases = n_bases;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Share REQUEST's lookups; check every answer handed over against the
 * run's own symbolizer.  Returns how many were handed over for the main
 * program's locations; *OTHERS, for the other modules' (libc's,
 * libleak.so's: how many depends on the machine's debug files). */
static size_t check_answers(const struct hd_request *r, size_t *others)
{
    struct hd_symbolizer *sym = hd_core_symbolizer(r);
    struct hd_error err;
    struct hd_model *model = hd_core_read_inputs(r, sym, &err);
    cr_assert_not_null(model, "%s", err.message);
    struct hd_parallel *par = hd_parallel_new(r);
    cr_assert_not_null(par, "HEAPDIFF_THREADS=2 turns threads on");
    size_t said_before = n_said;
    const struct hd_sym_location **found = hd_parallel_lookups(par, model, false);
    cr_assert_eq(n_said, said_before, "the scratch symbolizers said nothing");
    cr_assert_not_null(found);
    struct hd_sym_mains mains = hd_sym_mains_of(model, false);
    size_t handed = 0;
    *others = 0;
    for (size_t i = 0; i < model->n_locations; i++) {
        if (!found[i])
            continue;
        const char *module;
        bool is_main;
        cr_assert(!hd_sym_lookup_key(model, &mains, i, &module, &is_main));
        if (is_main)
            handed++;
        else
            ++*others;
        const struct hd_sym_location *serial;
        cr_assert_eq(hd_sym_lookup(sym, module, is_main, model->locations[i].offset, &serial),
                     0);
        cr_assert_eq(found[i]->status, serial->status);
        cr_assert_eq(found[i]->n_frames, serial->n_frames);
        for (uint32_t f = 0; f < serial->n_frames; f++) {
            cr_assert(same_text(found[i]->frames[f].function, serial->frames[f].function));
            cr_assert(same_text(found[i]->frames[f].file, serial->frames[f].file));
            cr_assert_eq(found[i]->frames[f].line, serial->frames[f].line);
            cr_assert_eq(found[i]->frames[f].inlined, serial->frames[f].inlined);
        }
    }
    free(found);
    hd_model_free(model);
    hd_parallel_free(par);
    hd_sym_free(sym);
    return handed;
}

Test(parallel, answers_handed_over_are_the_serial_ones)
{
    struct hd_request r;
    request_of(&r, "bin/leaky", NULL, 0);
    /* leaky's 16 locations outside the allocator (testdata/README.md), all
     * named by its DWARF without a warning. */
    size_t others;
    cr_assert_eq(check_answers(&r, &others), 16);
}

Test(parallel, a_module_that_warns_is_left_to_the_run)
{
    struct hd_request r;
    /* Its .debug_rnglists is corrupt (testdata/README.md): the first
     * lookup warns, so the run's symbolizer makes every lookup itself and
     * says the warning in its place. */
    request_of(&r, "bad/bad-rnglists.elf", NULL, 0);
    size_t others;
    cr_assert_eq(check_answers(&r, &others), 0);
}

Test(parallel, threads_are_off_when_asked_or_not_needed)
{
    struct hd_request r;
    request_of(&r, "bin/leaky", NULL, 0);
    setenv("HEAPDIFF_THREADS", "1", 1);
    cr_assert_null(hd_parallel_new(&r));
    cr_assert_null(hd_parallel_series(&r, run2_third, 1));
    setenv("HEAPDIFF_THREADS", "2", 1);
    r.trend = true; /* a series has hd_parallel_series */
    cr_assert_null(hd_parallel_new(&r));
    cr_assert_null(hd_parallel_series(&r, run2_third, 1), "one snapshot: nothing ahead");
    /* --no-symbols: nothing to look up. */
    r.trend = false;
    r.no_symbols = true;
    struct hd_parallel *par = hd_parallel_new(&r);
    struct hd_error err;
    struct hd_model *model = hd_core_read_inputs(&r, NULL, &err);
    cr_assert_not_null(model, "%s", err.message);
    cr_assert_null(hd_parallel_lookups(par, model, false));
    cr_assert_null(hd_parallel_lookups(NULL, model, false));
    hd_model_free(model);
    hd_parallel_free(par);
    hd_parallel_free(NULL);
}

Test(parallel, a_base_parsed_ahead_says_its_warnings_when_taken)
{
    /* The producer wrote no stack for some counts (testdata/README.md):
     * parsing it warns once. */
    static const char *const bases[] = {"bad/stack-no-addresses.heap"};
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    struct hd_error err;
    struct hd_model *serial = hd_parse_file(bases[0], &limits, &err);
    cr_assert_not_null(serial, "%s", err.message);
    char serial_said[sizeof said];
    strcpy(serial_said, said);
    cr_assert_gt(n_said, 0);
    hd_warning_reset();
    n_said = 0;
    said[0] = '\0';

    struct hd_request r;
    request_of(&r, NULL, bases, 1);
    struct hd_parallel *par = hd_parallel_new(&r);
    cr_assert_not_null(par);
    usleep(100000); /* the worker has parsed it by now, on a quiet machine */
    cr_assert_eq(n_said, 0, "held back until the caller takes it");
    struct hd_model *ahead = hd_parallel_parse(par, bases[0], &limits, &err);
    cr_assert_not_null(ahead, "%s", err.message);
    cr_assert_str_eq(said, serial_said);
    cr_assert_eq(ahead->n_stacks, serial->n_stacks);
    cr_assert_eq(ahead->n_locations, serial->n_locations);
    hd_model_free(ahead);
    hd_model_free(serial);
    hd_parallel_free(par);
}

Test(parallel, a_base_that_does_not_parse_gives_the_serial_error)
{
    static const char *const bases[] = {"bad/truncated-mid-line.heap"};
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    struct hd_error serial_err, err;
    cr_assert_null(hd_parse_file(bases[0], &limits, &serial_err));
    struct hd_request r;
    request_of(&r, NULL, bases, 1);
    struct hd_parallel *par = hd_parallel_new(&r);
    cr_assert_null(hd_parallel_parse(par, bases[0], &limits, &err));
    cr_assert_str_eq(err.file, serial_err.file);
    cr_assert_eq(err.line, serial_err.line);
    cr_assert_str_eq(err.message, serial_err.message);
    hd_parallel_free(par);
}

Test(parallel, a_base_never_taken_is_freed_unsaid)
{
    static const char *const bases[] = {"bad/stack-no-addresses.heap"};
    struct hd_request r;
    request_of(&r, NULL, bases, 1);
    hd_parallel_free(hd_parallel_new(&r)); /* as when the current fails */
    cr_assert_eq(n_said, 0);
}

Test(parallel, a_series_is_parsed_one_snapshot_ahead_in_order)
{
    static const char *const snapshots[] = {
        "profiles/tc-run1.0001.heap", "bad/stack-no-addresses.heap",
        "profiles/tc-run1.0004.heap"};
    struct hd_request r;
    request_of(&r, NULL, NULL, 0);
    struct hd_parallel *par = hd_parallel_series(&r, snapshots, 3);
    cr_assert_not_null(par);
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    struct hd_error err;
    for (size_t k = 0; k < 3; k++) {
        size_t said_before = n_said;
        struct hd_model *m = hd_parallel_parse(par, snapshots[k], &limits, &err);
        cr_assert_not_null(m, "%s", err.message);
        cr_assert_str_eq(m->inputs[0].path, snapshots[k]);
        /* The second says its warning when taken, the others nothing. */
        cr_assert_eq(n_said - said_before, k == 1 ? 1 : 0, "%s", said);
        hd_model_free(m);
    }
    hd_parallel_free(par);
}
