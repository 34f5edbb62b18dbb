/* valgrind massif's output (parser/massif.h): the parser on real files
 * that testdata/regenerate.sh made (section "massif"), on small trees
 * written here, and heapdiff end to end.  The expected bytes are leaky's
 * design (testdata/README.md, "leaky: what each tick does"): after 4
 * ticks linear_leak holds 40 x 4096 B, recurse 8 x 262144 B, lib_alloc
 * 12 x 16384 B, small_objects 4000 x 48 B, cache_fill 64 x 1024 B. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "collect_warnings.h"
#include "massif.h"
#include "model.h"
#include "parse.h"
#include "run_heapdiff.h"
#include "sequence.h"

/* ---- helpers ---- */

TestSuite(massif, .init = setup, .fini = teardown);

static const char *fixture(const char *relative)
{
    static char path[4096];
    const char *root = getenv("HD_TESTDATA");
    snprintf(path, sizeof path, "%s/%s", root ? root : "testdata", relative);
    return path;
}

static struct hd_model *parse_fixture(const char *relative)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture(relative), NULL, &err);
    cr_assert_not_null(p, "%s:%ld: %s", err.file, err.line, err.message);
    return p;
}

static struct hd_model *parse_text(const char *text)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("test.massif", text, strlen(text), &err);
    cr_assert_not_null(p, "%s:%ld: %s", err.file, err.line, err.message);
    return p;
}

/* The real function (outermost frame) of location ID, as the input named
 * it; "" for an address. */
static const char *real_function(const struct hd_model *p, uint32_t id)
{
    const struct hd_location *l = &p->locations[id];
    if (l->n_given_frames == 0)
        return "";
    const char *f = l->given_frames[l->n_given_frames - 1].function;
    return f ? f : "";
}

/* The in-use bytes of the samples whose leaf location's real function is
 * FUNCTION. */
static double leaf_bytes(const struct hd_model *p, const char *function)
{
    double bytes = 0;
    for (size_t s = 0; s < p->samples.n; s++) {
        const struct hd_stack *st = &p->stacks[p->samples.keys[s].stack];
        if (strcmp(real_function(p, st->locations[0]), function) == 0)
            bytes += p->samples.columns[0][s].inuse_bytes;
    }
    return bytes;
}

/* A massif file of one detailed snapshot whose tree is TREE (its root's
 * bytes must be HEAP). */
#define ONE_SNAPSHOT(HEAP, TREE)                                                        \
    "desc: --threshold=10\ncmd: ./app 1\ntime_unit: i\n#-----------\nsnapshot=0\n"     \
    "#-----------\ntime=100\nmem_heap_B=" HEAP "\nmem_heap_extra_B=24\nmem_stacks_B=0\n" \
    "heap_tree=detailed\n" TREE

/* ---- the parser on real files ---- */

Test(massif, the_heap_at_exit_holds_what_leaky_leaked)
{
    /* massif.out.leaky-exit: vgdb's detailed_snapshot once leaky 4 stopped
     * at exit; mem_heap_B 2715136 = 662400 x 4 + 65536, as tc-run1.0004. */
    struct hd_model *p = parse_fixture("profiles/massif.out.leaky-exit");
    const struct hd_model_input *in = &p->inputs[0];
    cr_assert_eq(in->producer, HD_PRODUCER_MASSIF);
    cr_assert_eq(in->format, HD_FORMAT_MASSIF);
    cr_assert_not(in->has_alloc_values);
    cr_assert_eq(in->massif.number, 0);
    cr_assert_str_eq(in->massif.time_unit, "i");
    cr_assert_float_eq(in->massif.heap_bytes, 2715136, 0);
    cr_assert_float_eq(in->massif.heap_extra_bytes, 32992, 0);
    cr_assert_float_eq(in->massif.stacks_bytes, 0, 0);
    struct hd_values total = hd_model_input_total(p, 0);
    cr_assert_float_eq(total.inuse_bytes, 2715136, 0);
    cr_assert_float_eq(total.inuse_objects, 0, 0); /* massif counts no objects */
    cr_assert_float_eq(leaf_bytes(p, "linear_leak"), 40 * 4096, 0);
    cr_assert_float_eq(leaf_bytes(p, "recurse"), 8 * 262144, 0);
    cr_assert_float_eq(leaf_bytes(p, "lib_alloc"), 12 * 16384, 0);
    cr_assert_float_eq(leaf_bytes(p, "cache_fill"), 64 * 1024, 0);
    /* inlined_alloc is inlined into small_objects: massif writes both
     * frames at one IP, one location of two frames here. */
    cr_assert_float_eq(leaf_bytes(p, "small_objects"), 4000 * 48, 0);
    cr_assert_str_eq(warnings, "");
    hd_model_free(p);
}

Test(massif, inlined_frames_are_one_location_and_recursion_is_not)
{
    struct hd_model *p = parse_fixture("profiles/massif.out.leaky-exit");
    bool inlined = false, recursive = false;
    for (size_t s = 0; s < p->samples.n; s++) {
        const struct hd_stack *st = &p->stacks[p->samples.keys[s].stack];
        const struct hd_location *leaf = &p->locations[st->locations[0]];
        cr_assert_eq(leaf->origin, HD_ORIGIN_INPUT);
        if (strcmp(real_function(p, st->locations[0]), "small_objects") == 0) {
            /* 0x...: inlined_alloc (leaky.c:138), then small_objects
             * (leaky.c:148) at the same IP */
            cr_assert_eq(leaf->n_given_frames, 2);
            cr_assert_str_eq(leaf->given_frames[0].function, "inlined_alloc");
            cr_assert_str_eq(leaf->given_frames[0].file, "leaky.c");
            cr_assert_eq(leaf->given_frames[0].line, 138);
            inlined = true;
        }
        if (strcmp(real_function(p, st->locations[0]), "recurse") == 0) {
            /* recurse(130) <- recurse(128) <- recurse(128) <- run_tick <-
             * main: the two calls from line 128 share an IP, and are two
             * frames of one location */
            cr_assert_eq(st->depth, 5);
            cr_assert_eq(st->locations[1], st->locations[2]);
            cr_assert_neq(st->locations[0], st->locations[1]);
            recursive = true;
        }
    }
    cr_assert(inlined && recursive);
    hd_model_free(p);
}

Test(massif, a_file_stands_for_its_last_detailed_snapshot_and_a_selector_picks_another)
{
    struct hd_model *p = parse_fixture("profiles/massif.out.leaky");
    cr_assert_eq(p->inputs[0].massif.number, 49);
    hd_model_free(p);
    /* snapshot=2: cache_fill 65536, churn 65536, linear_leak 40960 */
    p = parse_fixture("profiles/massif.out.leaky#2");
    cr_assert_str_eq(p->inputs[0].path, fixture("profiles/massif.out.leaky#2"));
    cr_assert_eq(p->inputs[0].massif.number, 2);
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 172032, 0);
    cr_assert_float_eq(leaf_bytes(p, "churn"), 65536, 0);
    cr_assert_float_eq(leaf_bytes(p, "linear_leak"), 40960, 0);
    hd_model_free(p);
    p = parse_fixture("profiles/massif.out.leaky#peak");
    cr_assert(p->inputs[0].massif.peak);
    hd_model_free(p);

    struct hd_error err;
    cr_assert_null(hd_parse_file(fixture("profiles/massif.out.leaky#50"), NULL, &err));
    cr_assert_str_eq(err.message, "#50: no such snapshot; 50 of its 50 snapshots are "
                                  "detailed (FILE#N, N as in its snapshot=N lines)");
    cr_assert_null(hd_parse_file(fixture("profiles/tc-run1.0001.heap#1"), NULL, &err));
    cr_assert(strstr(err.message, "selects a snapshot of valgrind massif output"), "%s",
              err.message);
}

Test(massif, a_path_that_exists_as_written_wins_over_a_selector)
{
    char dir[] = "/tmp/hd-massif-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/p#2", dir);
    cr_assert_eq(symlink(fixture("profiles/tc-run1.0001.heap"), path), 0);
    struct hd_error err;
    struct hd_model *p = hd_parse_file(path, NULL, &err);
    cr_assert_not_null(p, "%s", err.message);
    cr_assert_eq(p->inputs[0].format, HD_FORMAT_LEGACY);
    hd_model_free(p);
    unlink(path);
    rmdir(dir);
}

Test(massif, the_last_snapshot_without_a_tree_is_warned_about)
{
    struct hd_model *p = parse_text(ONE_SNAPSHOT("10", "n1: 10 (heap allocation functions)\n"
                                                      " n0: 10 0x1000: f (a.c:1)\n")
                                    "#-----------\nsnapshot=1\n#-----------\ntime=200\n"
                                    "mem_heap_B=30\nmem_heap_extra_B=8\nmem_stacks_B=0\n"
                                    "heap_tree=empty\n");
    cr_assert_eq(p->inputs[0].massif.number, 0);
    cr_assert(strstr(warnings, "its last detailed snapshot, 0, is not its last: snapshot 1 "
                               "holds 30 bytes, against 10 in the tree read"),
              "%s", warnings);
    hd_model_free(p);
}

/* ---- trees written here ---- */

Test(massif, below_threshold_entries_are_a_frame_under_their_parent)
{
    /* Root: f 60 (its callers: g 40, 20 below the threshold), 40 below
     * the threshold among the allocation sites. */
    struct hd_model *p = parse_text(ONE_SNAPSHOT(
        "100", "n2: 100 (heap allocation functions) malloc/new/new[], --alloc-fns, etc.\n"
               " n2: 60 0x1000: f (a.c:1)\n"
               "  n0: 40 0x2000: g (a.c:2)\n"
               "  n0: 20 in 3 places, all below massif's threshold (10.00%)\n"
               " n0: 40 in 5 places, all below massif's threshold (10.00%)\n"));
    cr_assert_float_eq(hd_model_input_total(p, 0).inuse_bytes, 100, 0);
    cr_assert_eq(p->samples.n, 3);
    bool under_f = false, under_root = false;
    for (size_t s = 0; s < p->samples.n; s++) {
        const struct hd_stack *st = &p->stacks[p->samples.keys[s].stack];
        double bytes = p->samples.columns[0][s].inuse_bytes;
        const char *outer = real_function(p, st->locations[st->depth - 1]);
        if (st->depth == 2 && strcmp(outer, HD_MASSIF_BELOW_THRESHOLD) == 0) {
            cr_assert_str_eq(real_function(p, st->locations[0]), "f");
            cr_assert_float_eq(bytes, 20, 0);
            under_f = true;
        } else if (st->depth == 1 && strcmp(outer, HD_MASSIF_BELOW_THRESHOLD) == 0) {
            cr_assert_float_eq(bytes, 40, 0);
            under_root = true;
        }
    }
    cr_assert(under_f && under_root);
    hd_model_free(p);
}

Test(massif, a_nodes_bytes_beyond_its_childrens_end_a_stack_there)
{
    /* --depth cut these stacks at f: 30 of f's 50 bytes have no caller. */
    struct hd_model *p = parse_text(ONE_SNAPSHOT(
        "50", "n1: 50 (heap allocation functions)\n"
              " n1: 50 0x1000: f (a.c:1)\n"
              "  n0: 20 0x2000: main (a.c:9)\n"));
    cr_assert_eq(p->samples.n, 2);
    for (size_t s = 0; s < p->samples.n; s++) {
        const struct hd_stack *st = &p->stacks[p->samples.keys[s].stack];
        cr_assert_float_eq(p->samples.columns[0][s].inuse_bytes, st->depth == 1 ? 30 : 20, 0);
    }
    hd_model_free(p);
}

Test(massif, unnamed_frames_are_addresses_and_other_objects_keep_their_text)
{
    struct hd_model *p = parse_text(ONE_SNAPSHOT(
        "30", "n3: 30 (heap allocation functions)\n"
              " n0: 10 0x401000: ???\n"
              " n0: 10 0x401100: ??? (in /srv/bin/app)\n"
              " n0: 10 0x4849000: ??? (in /usr/lib/libz.so.1)\n"));
    cr_assert_eq(p->n_locations, 3);
    /* valgrind writes a caller's IP as its return address - 1: shown as
     * written, looked up (offset) as the return address */
    cr_assert_eq(p->locations[0].origin, HD_ORIGIN_SYMBOLIZER);
    cr_assert_eq(p->locations[0].address, 0x401000);
    cr_assert_eq(p->locations[0].offset, 0x401001);
    cr_assert_eq(p->locations[1].origin, HD_ORIGIN_SYMBOLIZER);
    cr_assert_eq(p->locations[1].offset, 0x401101);
    cr_assert_eq(p->locations[2].origin, HD_ORIGIN_INPUT);
    cr_assert_str_eq(real_function(p, 2), "??? (in /usr/lib/libz.so.1)");
    hd_model_free(p);
}

Test(massif, cpp_names_keep_their_parentheses)
{
    struct hd_model *p = parse_text(ONE_SNAPSHOT(
        "8", "n1: 8 (heap allocation functions)\n"
             " n1: 8 0x1000: std::function<void ()>::operator()() const (std_function.h:591)\n"
             "  n0: 8 0x2000: Widget::make(int) (in /srv/lib/libw.so)\n"));
    const struct hd_stack *st = &p->stacks[p->samples.keys[0].stack];
    const struct hd_frame *leaf = &p->locations[st->locations[0]].given_frames[0];
    cr_assert_str_eq(leaf->function, "std::function<void ()>::operator()() const");
    cr_assert_str_eq(leaf->file, "std_function.h");
    cr_assert_eq(leaf->line, 591);
    const struct hd_frame *caller = &p->locations[st->locations[1]].given_frames[0];
    cr_assert_str_eq(caller->function, "Widget::make(int)");
    cr_assert_null(caller->file);
    hd_model_free(p);
}

/* ---- bad input ---- */

struct bad_case {
    const char *file;
    long line;
    const char *message;
};

Test(massif, every_bad_massif_file_gets_its_message)
{
    /* regenerate.sh derives them from massif.out.leaky-exit and the
     * first snapshots of massif.out.leaky (testdata/README.md, "massif") */
    static const struct bad_case cases[] = {
        {"bad/massif-truncated.out", 31,
         "truncated: the file ends inside the heap tree (the node at line 31 counts 1 more "
         "children)"},
        {"bad/massif-truncated-mid-line.out", 34, "truncated: the last line is cut off"},
        {"bad/massif-children-exceed.out", 29,
         "the children of the node at line 28 hold more than its 163840 bytes"},
        {"bad/massif-absurd-number.out", 29, "the node's byte count does not fit in 63 bits"},
        /* snapshot 1's tree lies: read when #1 is */
        {"bad/massif-count-too-big.out#1", 31,
         "expected a node at depth 2 ('  n...'): the node at line 28 counts 1 more children "
         "than it has"},
        {"bad/massif-count-too-small.out", 29,
         "a node at depth 2 where one at depth 1 belongs: a count of children above is too "
         "small"},
        {"bad/other-massif.out", 0, "none of its 1 snapshots is detailed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct hd_error err;
        struct hd_model *p = hd_parse_file(fixture(cases[i].file), NULL, &err);
        cr_expect_null(p, "%s was accepted", cases[i].file);
        hd_model_free(p);
        cr_expect_eq(err.line, cases[i].line, "%s: line %ld", cases[i].file, err.line);
        cr_expect(strstr(err.message, cases[i].message), "%s: '%s'", cases[i].file,
                  err.message);
    }
}

Test(massif, written_trees_that_lie_are_refused)
{
    static const struct {
        const char *text;
        long line;
        const char *message;
    } cases[] = {
        {ONE_SNAPSHOT("10", "n1: 10 (heap allocation functions)\n n0: 10 0x1: f\n n0: 1 0x2: g\n"),
         14, "a node the heap tree has no room for: a count of children above is too small"},
        {ONE_SNAPSHOT("10", "n1: 10 (heap allocation functions)\n n0: 11 0x1: f\n"), 13,
         "hold more than its 10 bytes"},
        {ONE_SNAPSHOT("10", "n1: 9 (heap allocation functions)\n n0: 9 0x1: f\n"), 12,
         "the heap tree's root holds 9 bytes, but mem_heap_B says 10"},
        {ONE_SNAPSHOT("10", "n1: 10 (heap allocation functions)\n  n0: 10 0x1: f\n"), 13,
         "a node at depth 2 where one at depth 1 belongs"},
        {ONE_SNAPSHOT("10", "n1: 10 (heap allocation functions)\n n1: 10 in 2 places, all "
                            "below massif's threshold (1.00%)\n  n0: 10 0x1: f\n"),
         13, "an entry below massif's threshold with children"},
        {ONE_SNAPSHOT("10", "n99999999999999999999: 10 (heap allocation functions)\n"), 12,
         "does not fit in 63 bits"},
        {ONE_SNAPSHOT("10", "n1: 10 (heap allocation functions)\n n0: 10 garbage\n"), 13,
         "expected '0xADDRESS: function'"},
        {"desc: x\ncmd: y\ntime_unit: years\n", 3, "unknown time unit 'years'"},
        {"desc: x\nnot cmd\n", 2, "expected 'cmd:' after 'desc:'"},
        {"desc: x\ncmd: y\ntime_unit: i\n#-----------\nsnapshot=0\n#-----------\ntime=0\n", 7,
         "truncated: the file ends before mem_heap_B"},
        {ONE_SNAPSHOT("0", "n0: 0 (heap allocation functions)\n") "#-----------\nsnapshot=0\n",
         14, "snapshot 0 after snapshot 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct hd_error err;
        struct hd_model *p = hd_parse_buffer("w.massif", cases[i].text, strlen(cases[i].text),
                                             &err);
        cr_expect_null(p, "case %zu was accepted", i);
        hd_model_free(p);
        cr_expect_eq(err.line, cases[i].line, "case %zu: line %ld: %s", i, err.line,
                     err.message);
        cr_expect(strstr(err.message, cases[i].message), "case %zu: '%s'", i, err.message);
    }
}

Test(massif, a_tree_deeper_than_the_frame_limit_is_refused)
{
    /* recurse's stacks are 5 frames deep */
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_frames = 4;
    struct hd_error err;
    cr_assert_null(hd_parse_file(fixture("profiles/massif.out.leaky-exit"), &limits, &err));
    cr_assert(strstr(err.message, "more than 4 frames in one stack"), "%s", err.message);
}

/* ---- a series ---- */

static void add_to(void *context, const char *snapshot)
{
    char *names = context;
    strncat(names, snapshot, 4096 - strlen(names) - 2);
    strcat(names, " ");
}

Test(massif, a_file_is_a_series_of_its_detailed_snapshots)
{
    long *numbers;
    size_t n;
    struct hd_error err;
    static const char text[] = ONE_SNAPSHOT("0", "n0: 0 (heap allocation functions)\n")
        "#-----------\nsnapshot=1\n#-----------\ntime=1\nmem_heap_B=0\nmem_heap_extra_B=0\n"
        "mem_stacks_B=0\nheap_tree=empty\n"
        "#-----------\nsnapshot=2\n#-----------\ntime=2\nmem_heap_B=0\nmem_heap_extra_B=0\n"
        "mem_stacks_B=0\nheap_tree=peak\nn0: 0 (heap allocation functions)\n";
    cr_assert_eq(hd_massif_list_snapshots("t", text, sizeof text - 1, NULL, 10, &numbers, &n,
                                          &err),
                 0, "%s", err.message);
    cr_assert_eq(n, 2);
    cr_assert_eq(numbers[0], 0);
    cr_assert_eq(numbers[1], 2);
    free(numbers);

    static char names[4096];
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    cr_assert_eq(hd_expand_snapshots(fixture("profiles/massif.out.leaky"), &limits, 100,
                                     add_to, names, &err),
                 0);
    char want[4200];
    snprintf(want, sizeof want, "%s#0 ", fixture("profiles/massif.out.leaky"));
    cr_assert_eq(strncmp(names, want, strlen(want)), 0, "%s", names);
    cr_assert(strstr(names, "massif.out.leaky#49 "), "%s", names);
    names[0] = '\0';
    cr_assert_eq(hd_expand_snapshots(fixture("profiles/tc-run1.0001.heap"), &limits, 100,
                                     add_to, names, &err),
                 0);
    snprintf(want, sizeof want, "%s ", fixture("profiles/tc-run1.0001.heap"));
    cr_assert_str_eq(names, want);

    /* gzip'ed, it is the same series */
    char gz[] = "/tmp/hd-massif-gz-XXXXXX";
    int fd = mkstemp(gz);
    cr_assert(fd >= 0);
    gzFile out = gzdopen(fd, "wb");
    FILE *in = fopen(fixture("profiles/massif.out.leaky"), "rb");
    cr_assert(out && in);
    char buf[4096];
    for (size_t got; (got = fread(buf, 1, sizeof buf, in)) > 0;)
        cr_assert_eq(gzwrite(out, buf, (unsigned)got), (int)got);
    fclose(in);
    gzclose(out);
    names[0] = '\0';
    cr_assert_eq(hd_expand_snapshots(gz, &limits, 100, add_to, names, &err), 0);
    unlink(gz);
    cr_assert(strstr(names, "#49 "), "%s", names);

    char run[256];
    unsigned long long seq;
    cr_assert(hd_dump_sequence("out/massif.out.7#12", run, sizeof run, &seq));
    cr_assert_str_eq(run, "massif:out/massif.out.7");
    cr_assert_eq(seq, 12);
}

/* ---- heapdiff end to end ---- */

/* The line of OUT that ends in NAME (a report row), or "". */
static const char *row_of(const char *out, const char *name)
{
    static char row[512];
    row[0] = '\0';
    size_t len = strlen(name);
    for (const char *line = out; *line;) {
        size_t n = strcspn(line, "\n");
        if (n > len && line[n - len - 1] == ' ' && strncmp(line + n - len, name, len) == 0) {
            snprintf(row, sizeof row, "%.*s", (int)n, line);
            break;
        }
        line += n + (line[n] == '\n');
    }
    return row;
}

Test(massif, the_report_of_the_exit_snapshot_matches_gperftools)
{
    /* The same program, 4 ticks: massif's heap at exit and gperftools'
     * fourth dump hold the same bytes in the same functions. */
    struct hd_test_run *r = hd_test_heapdiff("bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char *tc = strdup(r->out);
    r = hd_test_heapdiff("bin/leaky", "profiles/massif.out.leaky-exit", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 2651.50 KiB\n"), "%s", r->out);
    cr_expect(strstr(tc, "Total: 2651.50 KiB\n"), "%s", tc);
    static const char *const leaks[] = {"recurse", "lib_alloc", "inlined_alloc (inline)",
                                        "linear_leak", "cache_fill", "small_objects", "main"};
    for (size_t i = 0; i < sizeof leaks / sizeof *leaks; i++) {
        cr_expect_str_neq(row_of(r->out, leaks[i]), "", "%s: %s", leaks[i], r->out);
        cr_expect_str_eq(row_of(r->out, leaks[i]), row_of(tc, leaks[i]), "%s", leaks[i]);
    }
    cr_expect_str_eq(row_of(r->out, "linear_leak"),
                     "  160.00   6.0%  97.6%   160.00   6.0% linear_leak");
    cr_expect(strstr(r->out, "Massif: profiles/massif.out.leaky-exit is snapshot 0 "
                             "(time=2687071 i): heap 2651.50 KiB; beside it mem_heap_extra_B "
                             "32.22 KiB, mem_stacks_B 0.00 KiB; bytes only, objects unknown\n"),
              "%s", r->out);
    free(tc);
}

Test(massif, a_gperftools_dump_and_massif_at_the_same_point_diff_to_zero)
{
    /* Frames match by function across the formats; massif stops at main,
     * so only gperftools' frames below it are gone. */
    struct hd_test_run *r = hd_test_heapdiff("--base", "profiles/tc-run1.0004.heap",
                                             "bin/leaky", "profiles/massif.out.leaky-exit",
                                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 0.00 KiB  (current minus base)\n"), "%s", r->out);
    cr_expect_str_eq(row_of(r->out, "linear_leak"), "", "%s", r->out);
    cr_expect_str_eq(row_of(r->out, "_start (gone)"),
                     "    0.00   0.0%   0.0% -2651.50 -100.0% _start (gone)");
}

Test(massif, trend_over_one_file_calls_linear_leak_a_leak)
{
    struct hd_test_run *r = hd_test_heapdiff("--trend", "bin/leaky", "profiles/massif.out.leaky",
                                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Trend: 50 snapshots, profiles/massif.out.leaky#0 .. "
                             "massif.out.leaky#49\n"),
              "%s", r->out);
    cr_expect_eq(strncmp(row_of(r->out, "linear_leak"), "leak ", 5), 0, "%s", r->out);
    cr_expect_eq(strncmp(row_of(r->out, "recurse"), "leak ", 5), 0, "%s", r->out);
    cr_expect(strstr(row_of(r->out, "linear_leak"), "+160kB"), "%s",
              row_of(r->out, "linear_leak"));
}

Test(massif, base_selects_an_earlier_snapshot_of_the_same_file)
{
    struct hd_test_run *r = hd_test_heapdiff("--base", "profiles/massif.out.leaky#2",
                                             "bin/leaky", "profiles/massif.out.leaky", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Base:    168.00 KiB  profiles/massif.out.leaky#2\n"), "%s",
              r->out);
    /* linear_leak: 160 KiB at snapshot 49, 40 KiB at snapshot 2; churn's
     * 64 KiB of snapshot 2 are gone, so the running sum passes 100% */
    cr_expect_str_eq(row_of(r->out, "linear_leak"),
                     "  120.00   5.0% 102.7%   120.00   5.0% linear_leak");
    r = hd_test_heapdiff("--base", "profiles/massif.out.leaky#49", "bin/leaky",
                         "profiles/massif.out.leaky#2", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->err, "swap them?"), "%s", r->err);
}

Test(massif, unnamed_frames_are_named_from_the_binary)
{
    /* leaky-nopie-stripped has no symbols: valgrind wrote ??? for its
     * frames; leaky-nopie is the same build, unstripped. */
    struct hd_test_run *r =
        hd_test_heapdiff("bin/leaky-nopie", "profiles/massif.out.leaky-stripped", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_neq(row_of(r->out, "linear_leak"), "", "%s", r->out);
    cr_expect(strstr(row_of(r->out, "linear_leak"), "  160.00 "), "%s", r->out);
    cr_expect_str_neq(row_of(r->out, "run_tick"), "", "%s", r->out);
}

Test(massif, allocation_functions_massif_keeps_are_cut_as_the_allocator)
{
    char path[] = "/tmp/hd-massif-alloc-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    static const char text[] = ONE_SNAPSHOT(
        "300", "n2: 300 (heap allocation functions) malloc/new/new[], --alloc-fns, etc.\n"
               " n1: 200 0x4C2E0EF: operator new(unsigned long, std::align_val_t) "
               "(vg_replace_malloc.c:422)\n"
               "  n1: 200 0x401234: make_widget (app.cc:12)\n"
               "   n0: 200 0x401300: main (app.cc:30)\n"
               " n1: 100 0x4C2B0E0: malloc (vg_replace_malloc.c:381)\n"
               "  n0: 100 0x401400: main (app.cc:31)\n");
    cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    struct hd_test_run *r = hd_test_heapdiff("bin/leaky", path, NULL);
    unlink(path);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(row_of(r->out, "make_widget"),
                     "     200  66.7%  66.7%      200  66.7% make_widget", "%s", r->out);
    cr_expect_str_eq(row_of(r->out, "main"), "     100  33.3% 100.0%      300 100.0% main",
                     "%s", r->out);
    cr_expect_null(strstr(r->out, "malloc"), "%s", r->out);
    cr_expect_null(strstr(r->out, "operator new"), "%s", r->out);
}

Test(massif, values_massif_does_not_count_are_refused)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--inuse_objects", "bin/leaky", "profiles/massif.out.leaky", NULL);
    cr_assert_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: profiles/massif.out.leaky: valgrind massif counts "
                             "bytes in use only, not objects nor what was allocated and freed: "
                             "it has no value but --inuse_space\n");
    /* a series checks every tree; a plain read, only the tree it reads */
    r = hd_test_heapdiff("--trend", "bin/leaky", "bad/massif-count-too-big.out", NULL);
    cr_assert_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: bad/massif-count-too-big.out:31: expected a node at "
                             "depth 2 ('  n...'): the node at line 28 counts 1 more children "
                             "than it has\n");
    r = hd_test_heapdiff("bin/leaky", "bad/massif-count-too-big.out", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = hd_test_heapdiff("bin/leaky", "bad/massif-children-exceed.out", NULL);
    cr_assert_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: bad/massif-children-exceed.out:29: the children of "
                             "the node at line 28 hold more than its 163840 bytes\n");
}
