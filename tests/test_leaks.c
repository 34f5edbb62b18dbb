/* The leak checkers' reports as inputs: valgrind memcheck's XML
 * (parser/memcheck.c) and LeakSanitizer's reports (parser/lsan.c), on the
 * real files testdata/regenerate.sh made from src/leaky_forget.c, whose
 * header gives the exact leaks asserted here, and on bad input. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "parse.h"
#include "run_heapdiff.h"

static const char *fixture(const char *relative)
{
    static char path[4096];
    const char *root = getenv("HD_TESTDATA");
    snprintf(path, sizeof path, "%s/%s", root ? root : "testdata", relative);
    return path;
}

static struct hd_model *parse_kinds(const char *relative, unsigned kinds)
{
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.leak_kinds = kinds;
    struct hd_error err;
    struct hd_model *p = hd_parse_file(fixture(relative), &limits, &err);
    cr_assert_not_null(p, "%s: %s:%ld: %s", relative, err.file, err.line, err.message);
    return p;
}

/* The name of location L's outermost (real) function as the input gave it. */
static const char *given_function(const struct hd_location *l)
{
    return l->n_given_frames ? l->given_frames[l->n_given_frames - 1].function : NULL;
}

/* The bytes and objects of P's samples whose stack has a frame (leaf
 * first, allocator frames included) named FUNCTION at its leaf-most
 * named location other than the allocator's (LEAF_SKIP frames skipped),
 * or, with FUNCTION a root label, whose root is it. */
struct sum {
    double bytes, objects;
};
static struct sum sum_where(const struct hd_model *p, const char *function, uint32_t leaf_skip)
{
    struct sum s = {0, 0};
    for (size_t i = 0; i < p->samples.n; i++) {
        const struct hd_stack *st = &p->stacks[p->samples.keys[i].stack];
        const char *root = given_function(&p->locations[st->locations[st->depth - 1]]);
        const char *leaf = st->depth > leaf_skip
                               ? given_function(&p->locations[st->locations[leaf_skip]])
                               : NULL;
        if ((root && strcmp(root, function) == 0) || (leaf && strcmp(leaf, function) == 0)) {
            s.bytes += p->samples.columns[0][i].inuse_bytes;
            s.objects += p->samples.columns[0][i].inuse_objects;
        }
    }
    return s;
}

static double total_bytes(const struct hd_model *p)
{
    return hd_model_input_total(p, 0).inuse_bytes;
}

/* ---- memcheck XML ---- */

Test(memcheck, every_kind_counts_each_leaked_byte_once)
{
    /* leaky_forget 4 (src/leaky_forget.c): 192000 + 163840 + 64 bytes
     * definitely lost, 2097152 indirectly (through forget_recurse's 64-byte
     * index, whose record says "2,097,216 (64 direct, 2,097,152 indirect)"),
     * 196608 possibly, 65536 still reachable: 2715200 in all, leaky's
     * 2715136 at its last snapshot (the gperftools profile tc-run1.0004.heap)
     * plus the index. */
    struct hd_model *p = parse_kinds("profiles/memcheck-leaky.xml", HD_LEAK_ALL);
    cr_expect_eq(p->inputs[0].producer, HD_PRODUCER_MEMCHECK);
    cr_expect_eq(p->inputs[0].format, HD_FORMAT_MEMCHECK_XML);
    cr_expect_eq(total_bytes(p), 2715200.0);
    cr_expect_eq(sum_where(p, "[definitely lost]", 0).bytes, 192000.0 + 163840 + 64);
    cr_expect_eq(sum_where(p, "[definitely lost]", 0).objects, 4000.0 + 40 + 1);
    cr_expect_eq(sum_where(p, "[indirectly lost]", 0).bytes, 2097152.0);
    cr_expect_eq(sum_where(p, "[possibly lost]", 0).bytes, 196608.0);
    cr_expect_eq(sum_where(p, "[still reachable]", 0).bytes, 65536.0);
    /* frame 0 is valgrind's malloc; frame 1 the leaking function */
    cr_expect_eq(sum_where(p, "linear_leak", 1).bytes, 163840.0);
    cr_expect_eq(sum_where(p, "linear_leak", 1).objects, 40.0);
    cr_expect_eq(sum_where(p, "small_objects", 1).bytes, 192000.0);
    cr_expect_eq(sum_where(p, "recurse", 1).bytes, 2097152.0);
    cr_expect_eq(sum_where(p, "lib_alloc", 1).bytes, 196608.0);
    cr_expect_eq(sum_where(p, "cache_fill", 1).bytes, 65536.0);
    cr_expect_eq(sum_where(p, "forget_recurse", 1).bytes, 64.0);
    hd_model_free(p);
}

Test(memcheck, inlined_frames_of_one_address_are_one_location)
{
    /* small_objects' malloc is in inlined_alloc, inlined: valgrind writes
     * two <frame>s with the same <ip>. */
    struct hd_model *p = parse_kinds("profiles/memcheck-leaky.xml", HD_LEAK_ALL);
    bool found = false;
    for (size_t i = 0; i < p->n_locations; i++) {
        const struct hd_location *l = &p->locations[i];
        if (l->n_given_frames == 2 && strcmp(l->given_frames[0].function, "inlined_alloc") == 0) {
            cr_expect_str_eq(l->given_frames[1].function, "small_objects");
            cr_expect_str_eq(l->given_frames[0].file, "src/leaky.c");
            cr_expect_eq(l->given_frames[0].line, 138);
            cr_expect_eq(l->given_frames[1].line, 148);
            cr_expect_eq(l->origin, HD_ORIGIN_INPUT);
            found = true;
        }
    }
    cr_expect(found, "no location holds inlined_alloc inlined into small_objects");
    hd_model_free(p);
}

Test(memcheck, default_kinds_are_valgrinds_definite_and_possible)
{
    struct hd_model *p = parse_kinds("profiles/memcheck-leaky.xml", 0);
    cr_expect_eq(total_bytes(p), 192000.0 + 163840 + 64 + 196608);
    cr_expect_eq(sum_where(p, "[indirectly lost]", 0).bytes, 0.0);
    cr_expect_eq(sum_where(p, "[still reachable]", 0).bytes, 0.0);
    hd_model_free(p);
    p = parse_kinds("profiles/memcheck-leaky.xml", HD_LEAK_DEFINITE | HD_LEAK_INDIRECT);
    cr_expect_eq(total_bytes(p), 192000.0 + 163840 + 64 + 2097152);
    hd_model_free(p);
}

Test(memcheck, leak_kind_names_are_valgrinds)
{
    unsigned kinds;
    cr_expect_eq(hd_leak_kinds_parse("definite,indirect", &kinds), 0);
    cr_expect_eq(kinds, HD_LEAK_DEFINITE | HD_LEAK_INDIRECT);
    cr_expect_eq(hd_leak_kinds_parse("all", &kinds), 0);
    cr_expect_eq(kinds, HD_LEAK_ALL);
    cr_expect_eq(hd_leak_kinds_parse("reachable", &kinds), 0);
    cr_expect_eq(kinds, HD_LEAK_REACHABLE);
    cr_expect_eq(hd_leak_kinds_parse("definite,", &kinds), -1);
    cr_expect_eq(hd_leak_kinds_parse("", &kinds), -1);
    cr_expect_eq(hd_leak_kinds_parse("lost", &kinds), -1);
}

/* A memcheck file around RECORDS (one or more <error>s). */
static char *memcheck_xml(const char *records)
{
    static const char head[] = "<?xml version=\"1.0\"?>\n<valgrindoutput>\n"
                               "<protocolversion>4</protocolversion>\n"
                               "<protocoltool>memcheck</protocoltool>\n";
    size_t size = strlen(head) + strlen(records) + 64;
    char *text = malloc(size);
    snprintf(text, size, "%s%s</valgrindoutput>\n", head, records);
    return text;
}

#define FRAME(fn) "<frame><ip>0x1</ip><obj>/bin/p</obj><fn>" fn "</fn></frame>"
#define RECORD(kind, text, bytes, blocks, frames)                                       \
    "<error><kind>" kind "</kind><xwhat><text>" text "</text><leakedbytes>" bytes     \
    "</leakedbytes><leakedblocks>" blocks "</leakedblocks></xwhat><stack>" frames    \
    "</stack></error>\n"

static void expect_bad(const char *name, const char *text, size_t size, long line,
                       const char *message)
{
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer(name, text, size, &err);
    cr_expect_null(p, "%s was accepted", name);
    hd_model_free(p);
    cr_expect_eq(err.line, line, "%s: line %ld, want %ld (%s)", name, err.line, line,
                 err.message);
    cr_expect(strstr(err.message, message), "%s: message '%s' lacks '%s'", name, err.message,
              message);
}

static void expect_bad_xml(const char *records, long line, const char *message)
{
    char *text = memcheck_xml(records);
    expect_bad("bad.xml", text, strlen(text), line, message);
    free(text);
}

Test(memcheck, bad_records_are_refused_with_their_line)
{
    expect_bad_xml(RECORD("Leak_DefinitelyLost", "8 bytes", "99999999999999999999", "1",
                          FRAME("f")),
                   5, "<leakedbytes> is not a count of at most 2^53");
    expect_bad_xml(RECORD("Leak_DefinitelyLost", "8 bytes", "-8", "1", FRAME("f")), 5,
                   "<leakedbytes> is not a count");
    expect_bad_xml(RECORD("Leak_DefinitelyLost", "8 bytes", "8", "", FRAME("f")), 5,
                   "<leakedblocks> is not a count");
    expect_bad_xml(RECORD("Leak_DefinitelyLost", "24 (8 direct, 8 indirect) bytes", "24", "1",
                          FRAME("f")),
                   5, "says 8 direct and 8 indirect bytes, its <leakedbytes> 24");
    expect_bad_xml(RECORD("Leak_PossiblyLost", "8 bytes", "8", "1", ""), 5,
                   "a leak record without a <stack>");
    /* the document is cut inside a record */
    expect_bad("cut.xml", "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<error><kind>Leak_",
               54, 3, "the XML ends before </valgrindoutput>");
    /* another valgrind tool */
    const char *helgrind = "<?xml version=\"1.0\"?>\n<valgrindoutput>\n"
                           "<protocoltool>helgrind</protocoltool>\n</valgrindoutput>\n";
    expect_bad("helgrind.xml", helgrind, strlen(helgrind), 0,
               "valgrind XML of the tool 'helgrind'");
}

Test(memcheck, a_stack_deeper_than_the_limit_is_refused)
{
    size_t n = 5000;
    char *frames = malloc(n * 64 + 1);
    frames[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(frames, FRAME("f"));
    char records[64 + 5000 * 64 + 256];
    snprintf(records, sizeof records,
             "<error><kind>Leak_DefinitelyLost</kind><xwhat><text>8 bytes</text>"
             "<leakedbytes>8</leakedbytes><leakedblocks>1</leakedblocks></xwhat><stack>%s"
             "</stack></error>\n",
             frames);
    free(frames);
    char *text = memcheck_xml(records);
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_frames = 1000;
    struct hd_error err;
    struct hd_model *p = hd_parse_text("deep.xml", text, strlen(text), &limits, &err);
    cr_expect_null(p);
    cr_expect(strstr(err.message, "a stack of more than 1000 frames"), "%s", err.message);
    cr_expect_eq(err.line, 5);
    hd_model_free(p);
    free(text);
}

Test(memcheck, entities_are_never_expanded)
{
    /* "billion laughs": a DOCTYPE declaring entities that expand to 10^9
     * copies.  Refused at the DOCTYPE, before any reference is read. */
    const char *bomb =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE valgrindoutput [\n"
        " <!ENTITY a \"aaaaaaaaaa\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
        " <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
        "]>\n"
        "<valgrindoutput><error><kind>Leak_DefinitelyLost</kind><xwhat><text>&i;</text>"
        "</xwhat></error></valgrindoutput>\n";
    /* The sniffer wants <valgrindoutput> in the first 4 KiB: it is. */
    expect_bad("bomb.xml", bomb, strlen(bomb), 2, "a DOCTYPE");
    /* an external entity (a file, or the network) is never fetched */
    const char *external = "<?xml version=\"1.0\"?>\n"
                           "<!DOCTYPE valgrindoutput [<!ENTITY x SYSTEM \"/etc/passwd\">]>\n"
                           "<valgrindoutput>&x;</valgrindoutput>\n";
    expect_bad("external.xml", external, strlen(external), 2, "a DOCTYPE");
}

Test(memcheck, frames_valgrind_could_not_name_keep_object_and_address)
{
    char *text = memcheck_xml(RECORD("Leak_DefinitelyLost", "8 bytes in 1 blocks", "8", "1",
                                     "<frame><ip>0x4C2AB80</ip><obj>/usr/lib/libz.so.1</obj>"
                                     "</frame>" FRAME("main")));
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("unnamed.xml", text, strlen(text), &err);
    cr_assert_not_null(p, "%s", err.message);
    const struct hd_stack *st = &p->stacks[p->samples.keys[0].stack];
    cr_expect_eq(st->depth, 3); /* the frame, main, the kind */
    cr_expect_str_eq(given_function(&p->locations[st->locations[0]]), "libz.so.1@0x4C2AB80");
    cr_expect_str_eq(given_function(&p->locations[st->locations[2]]), "[definitely lost]");
    hd_model_free(p);
    free(text);
}

/* ---- LeakSanitizer ---- */

Test(lsan, symbolized_report_holds_the_programs_leaks)
{
    /* leaky_asan 4: LSan's direct leaks are memcheck's definitely lost,
     * its indirect ones the recurse blocks; lib_alloc's blocks, kept by
     * interior pointers, and the cache are reachable for it. */
    struct hd_model *p = parse_kinds("profiles/lsan-leaky.log", 0);
    cr_expect_eq(p->inputs[0].producer, HD_PRODUCER_LSAN);
    cr_expect_eq(total_bytes(p), 2453056.0); /* its SUMMARY line */
    cr_expect_eq(hd_model_input_total(p, 0).inuse_objects, 4049.0);
    cr_expect_eq(sum_where(p, "[direct leak]", 0).bytes, 192000.0 + 163840 + 64);
    cr_expect_eq(sum_where(p, "[indirect leak]", 0).bytes, 2097152.0);
    cr_expect_eq(sum_where(p, "linear_leak", 1).bytes, 163840.0);
    cr_expect_eq(sum_where(p, "small_objects", 1).bytes, 192000.0);
    cr_expect_eq(sum_where(p, "recurse", 1).bytes, 2097152.0);
    cr_expect_eq(sum_where(p, "lib_alloc", 1).bytes, 0.0);
    hd_model_free(p);
    p = parse_kinds("profiles/lsan-leaky.log", HD_LEAK_DEFINITE);
    cr_expect_eq(total_bytes(p), 192000.0 + 163840 + 64);
    hd_model_free(p);
}

Test(lsan, unsymbolized_frames_are_module_virtual_addresses)
{
    struct hd_model *p = parse_kinds("profiles/lsan-leaky-unsym.log", 0);
    cr_expect_eq(total_bytes(p), 2453056.0);
    size_t module_frames = 0;
    for (size_t i = 0; i < p->n_locations; i++) {
        const struct hd_location *l = &p->locations[i];
        if (l->origin != HD_ORIGIN_SYMBOLIZER)
            continue;
        cr_assert_neq(l->mapping, HD_NO_MAPPING);
        const struct hd_mapping *map = &p->mappings[l->mapping];
        cr_expect(map->vaddr_offsets);
        cr_expect_eq(l->offset, l->address - map->start);
        module_frames++;
    }
    cr_expect_gt(module_frames, 10);
    hd_model_free(p);
}

Test(lsan, a_ci_log_sums_every_process_report)
{
    /* leaky_asan 2 (unsymbolized) and LEAKY_FORGET=all leaky_asan 3 (time
     * stamps before every line), among test runner lines: SUMMARY lines
     * 1226528 and 1905328 bytes. */
    struct hd_model *p = parse_kinds("profiles/lsan-leaky-ci.log", 0);
    cr_expect_eq(total_bytes(p), 1226528.0 + 1905328);
    cr_expect_eq(hd_model_input_total(p, 0).inuse_objects, 2025.0 + 3101);
    hd_model_free(p);
}

static void expect_bad_log(const char *text, long line, const char *message)
{
    expect_bad("bad.log", text, strlen(text), line, message);
}

#define LSAN_HEAD "==1==ERROR: LeakSanitizer: detected memory leaks\n\n"
#define LSAN_FRAMES                                                                     \
    "    #0 0x7f0000001000 in malloc asan.cpp:69\n"                                     \
    "    #1 0x555500001234 in f /src/f.c:3\n"
#define LSAN_SUMMARY "\nSUMMARY: AddressSanitizer: 8 byte(s) leaked in 1 allocation(s).\n"

Test(lsan, half_reports_and_bad_lines_are_refused_with_their_line)
{
    expect_bad_log("test output\n" LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) "
                   "allocated from:\n" LSAN_FRAMES,
                   2, "the file ends inside this LeakSanitizer report");
    expect_bad_log(LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
                   "    #0 0x7f00",
                   1, "the file ends inside");
    expect_bad_log(LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n" LSAN_HEAD,
                   1, "ends without its SUMMARY line");
    expect_bad_log(LSAN_HEAD "Direct leak of 99999999999999999999 byte(s) in 1 object(s) "
                   "allocated from:\n" LSAN_FRAMES LSAN_SUMMARY,
                   3, "expected 'N byte(s) in M object(s) allocated from:'");
    expect_bad_log(LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
                   "    #0 0x7f0000001000 in malloc asan.cpp:69\n"
                   "    #2 0x555500001234 in f /src/f.c:3\n" LSAN_SUMMARY,
                   5, "frame #2 where #1 belongs");
    expect_bad_log(LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
                   "    #0 0x1000  (/bin/p+0x2000)\n" LSAN_SUMMARY,
                   3, "the module offset 0x2000 exceeds the address 0x1000");
    expect_bad_log(LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
                   LSAN_SUMMARY,
                   3, "a leak without the stack it was allocated from");
    expect_bad_log(LSAN_HEAD LSAN_FRAMES LSAN_SUMMARY, 3, "a frame outside a leak");
    expect_bad_log(LSAN_HEAD "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
                   LSAN_FRAMES "\nSUMMARY: AddressSanitizer: many byte(s) leaked in 1\n",
                   7, "expected 'SUMMARY: ...Sanitizer: N byte(s) leaked in M");
}

Test(lsan, a_stack_deeper_than_the_limit_is_refused)
{
    size_t n = 3000;
    size_t size = n * 64 + 4096;
    char *text = malloc(size);
    size_t used = (size_t)snprintf(text, size, LSAN_HEAD "Direct leak of 8 byte(s) in 1 "
                                               "object(s) allocated from:\n");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, size - used, "    #%zu 0x%zx  (/bin/p+0x%zx)\n",
                                 i, 0x1000 + i, i);
    snprintf(text + used, size - used, LSAN_SUMMARY);
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_frames = 1000;
    struct hd_error err;
    struct hd_model *p = hd_parse_text("deep.log", text, strlen(text), &limits, &err);
    cr_expect_null(p);
    cr_expect(strstr(err.message, "a stack of more than 1000 frames"), "%s", err.message);
    cr_expect_eq(err.line, 1004);
    hd_model_free(p);
    free(text);
}

Test(lsan, frame_forms_are_read)
{
    const char *log =
        "2026-01-01T00:00:00Z " LSAN_HEAD
        "Direct leak of 24 byte(s) in 2 object(s) allocated from:\n"
        "    #0 0x7f0000001000 in __interceptor_calloc asan_malloc_linux.cpp:77:3\n"
        "    #1 0x555500001234 in std::vector<int, std::allocator<int> >::push(int const&) "
        "/usr/include/v.h:12\n"
        "    #2 0x555500001234 in App::run() (/srv/app+0x1234) (BuildId: 0123abcd)\n"
        "    #3 0x555500002000  (/srv/app+0x2000) (BuildId: 0123abcd)\n"
        "    #4 0x7f0000009000  (<unknown module>)\n"
        "\nSUMMARY: AddressSanitizer: 24 byte(s) leaked in 2 allocation(s).\n";
    struct hd_error err;
    struct hd_model *p = hd_parse_buffer("forms.log", log, strlen(log), &err);
    cr_assert_not_null(p, "%s:%ld: %s", err.file, err.line, err.message);
    const struct hd_stack *st = &p->stacks[p->samples.keys[0].stack];
    cr_assert_eq(st->depth, 5); /* #1 and #2 share an address: one location; the kind */
    const struct hd_location *calloc_at = &p->locations[st->locations[0]];
    cr_expect_str_eq(calloc_at->given_frames[0].file, "asan_malloc_linux.cpp");
    cr_expect_eq(calloc_at->given_frames[0].line, 77);
    const struct hd_location *inl = &p->locations[st->locations[1]];
    cr_assert_eq(inl->n_given_frames, 2);
    cr_expect_str_eq(inl->given_frames[0].function,
                     "std::vector<int, std::allocator<int> >::push(int const&)");
    cr_expect_str_eq(inl->given_frames[0].file, "/usr/include/v.h");
    cr_expect_str_eq(inl->given_frames[1].function, "App::run()");
    cr_expect_null(inl->given_frames[1].file);
    const struct hd_location *unnamed = &p->locations[st->locations[2]];
    cr_expect_eq(unnamed->origin, HD_ORIGIN_SYMBOLIZER);
    cr_expect_str_eq(p->mappings[unnamed->mapping].path, "/srv/app");
    cr_expect_eq(unnamed->offset, 0x2000);
    cr_expect_eq(p->locations[st->locations[3]].mapping, HD_NO_MAPPING);
    cr_expect_eq(total_bytes(p), 24.0);
    hd_model_free(p);
}

/* ---- the command line: the formats against the gperftools profile ---- */

/* The flat bytes of the row named NAME in R's text report (--show-bytes),
 * -1 when there is none. */
static double row_flat(const struct hd_test_run *r, const char *name)
{
    char suffix[256];
    snprintf(suffix, sizeof suffix, "%% %s", name);
    for (const char *line = r->out; *line;) {
        size_t n = strcspn(line, "\n");
        size_t k = strlen(suffix);
        if (n >= k && strncmp(line + n - k, suffix, k) == 0)
            return strtod(line, NULL);
        line += n + (line[n] == '\n');
    }
    return -1;
}

/* R, checked to have run clean. */
static const struct hd_test_run *clean(const struct hd_test_run *r)
{
    cr_assert_eq(r->status, 0, "heapdiff exited %d: %s", r->status, r->err);
    return r;
}

Test(leaks_cli, each_format_names_the_leaking_functions_with_gperftools_bytes)
{
    static const char *const functions[] = {"linear_leak", "inlined_alloc (inline)", "recurse",
                                            "lib_alloc", "cache_fill"};
    enum { N = sizeof functions / sizeof *functions };
    double gperftools[N], memcheck[N], lsan[N], unsym[N];
    const struct hd_test_run *r = clean(hd_test_heapdiff(
        "--show-bytes", "--nodecount=0", "bin/leaky", "profiles/tc-run1.0004.heap", NULL));
    for (size_t i = 0; i < N; i++)
        gperftools[i] = row_flat(r, functions[i]);
    r = clean(hd_test_heapdiff("--show-bytes", "--nodecount=0", "--leak-kind=all",
                               "profiles/memcheck-leaky.xml", NULL));
    for (size_t i = 0; i < N; i++)
        memcheck[i] = row_flat(r, functions[i]);
    r = clean(hd_test_heapdiff("--show-bytes", "--nodecount=0", "profiles/lsan-leaky.log", NULL));
    for (size_t i = 0; i < N; i++)
        lsan[i] = row_flat(r, functions[i]);
    /* symbolized here, from the binary: the log's paths are gone */
    r = clean(hd_test_heapdiff("--show-bytes", "--nodecount=0", "bin/leaky_asan",
                               "profiles/lsan-leaky-unsym.log", NULL));
    cr_expect(strstr(r->out, "leaky_asan+0x") == NULL, "unsymbolized rows:\n%s", r->out);
    for (size_t i = 0; i < N; i++)
        unsym[i] = row_flat(r, functions[i]);
    for (size_t i = 0; i < N; i++) {
        cr_expect_gt(gperftools[i], 0, "%s: not in the gperftools report", functions[i]);
        cr_expect_eq(memcheck[i], gperftools[i], "memcheck %s", functions[i]);
        /* lib_alloc's and cache_fill's blocks are reachable to LSan */
        double want = i < 3 ? gperftools[i] : -1;
        cr_expect_eq(lsan[i], want, "lsan %s", functions[i]);
        cr_expect_eq(unsym[i], want, "unsymbolized lsan %s", functions[i]);
    }
}

Test(leaks_cli, base_xml_shows_the_new_leaks)
{
    /* leaky_forget 4, then 6 ticks with the cache leaked too */
    const struct hd_test_run *r =
        clean(hd_test_heapdiff("--show-bytes", "--nodecount=0", "--base",
                               "profiles/memcheck-leaky.xml", "profiles/memcheck-leaky-more.xml",
                               NULL));
    cr_expect_eq(row_flat(r, "linear_leak"), 2 * 10 * 4096.0);
    cr_expect_eq(row_flat(r, "inlined_alloc (inline)"), 2 * 1000 * 48.0);
    cr_expect_eq(row_flat(r, "lib_alloc"), 2 * 3 * 16384.0);
    cr_expect_eq(row_flat(r, "cache_fill (new)"), 65536.0);
    cr_expect(strstr(r->out, "Total: 341792 B"), "%s", r->out);
}

Test(leaks_cli, module_offsets_are_virtual_addresses_placed_through_load_segments)
{
    /* c-gcc-O2-dw4-nopie is not position-independent: its text segment
     * maps file offset 0x1000 at 0x401000, and LSan prints its pcs as
     * module+0x401083 (load base 0).  File offset 0x1083 is main at
     * demo.c:48, 0x1090 at :50 (its .expected, from llvm-symbolizer).
     * The module is found through --lib-prefix. */
    char path[] = "/tmp/hd-test-lsan-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *log = fdopen(fd, "w");
    fputs(LSAN_HEAD "Direct leak of 40 byte(s) in 1 object(s) allocated from:\n"
                    "    #0 0x7f0000001000 in malloc asan.cpp:69\n"
                    "    #1 0x401083  (/deploy/bin/c-gcc-O2-dw4-nopie+0x401083) (BuildId: 12)\n"
                    "    #2 0x401090  (/deploy/bin/c-gcc-O2-dw4-nopie+0x401090)\n"
                    "\nSUMMARY: AddressSanitizer: 40 byte(s) leaked in 1 allocation(s).\n",
          log);
    fclose(log);
    const struct hd_test_run *r = clean(hd_test_heapdiff(
        "--show-bytes", "--lines", "--nodecount=0", "--lib-prefix=sym/bin", path, NULL));
    unlink(path);
    cr_expect_eq(row_flat(r, "main /src/demo.c:48"), 40.0, "%s", r->out);
    cr_expect_eq(row_flat(r, "main /src/demo.c:50"), 0.0, "%s", r->out);
}

Test(leaks_cli, bad_leak_kind_is_refused)
{
    const struct hd_test_run *r =
        hd_test_heapdiff("--leak-kind=lost", "profiles/memcheck-leaky.xml", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "--leak-kind takes definite, indirect, possible, reachable or all"),
              "%s", r->err);
}
