/* Source paths (common/path.c) and the --list source view
 * (render/source.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "run_heapdiff.h"
#include "source.h"

/* ---- cleaning ---- */

/* Go's own table for filepath.Clean (go/src/path/filepath/path_test.go,
 * cleantests, Go 1.19), which Go pprof applies to every file name. */
static const char *const go_clean_cases[][2] = {
    /* already clean */
    {"abc", "abc"},
    {"abc/def", "abc/def"},
    {"a/b/c", "a/b/c"},
    {".", "."},
    {"..", ".."},
    {"../..", "../.."},
    {"../../abc", "../../abc"},
    {"/abc", "/abc"},
    {"/", "/"},
    /* empty is the current directory */
    {"", "."},
    /* trailing slashes go */
    {"abc/", "abc"},
    {"abc/def/", "abc/def"},
    {"a/b/c/", "a/b/c"},
    {"./", "."},
    {"../", ".."},
    {"../../", "../.."},
    {"/abc/", "/abc"},
    /* doubled slashes */
    {"abc//def//ghi", "abc/def/ghi"},
    {"//abc", "/abc"},
    {"///abc", "/abc"},
    {"//abc//", "/abc"},
    {"abc//", "abc"},
    /* "." elements */
    {"abc/./def", "abc/def"},
    {"/./abc/def", "/abc/def"},
    {"abc/.", "abc"},
    /* ".." elements */
    {"abc/def/ghi/../jkl", "abc/def/jkl"},
    {"abc/def/../ghi/../jkl", "abc/jkl"},
    {"abc/def/..", "abc"},
    {"abc/def/../..", "."},
    {"/abc/def/../..", "/"},
    {"abc/def/../../..", ".."},
    {"/abc/def/../../..", "/"},
    {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
    {"/../abc", "/abc"},
    /* combinations */
    {"abc/./../def", "def"},
    {"abc//./../def", "def"},
    {"abc/../../././../def", "../../def"},
};

Test(path, cleans_as_go_filepath_clean)
{
    for (size_t i = 0; i < sizeof go_clean_cases / sizeof *go_clean_cases; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", go_clean_cases[i][0]);
        cr_expect_str_eq(hd_path_clean(buf), go_clean_cases[i][1], "Clean(\"%s\")",
                         go_clean_cases[i][0]);
    }
}

Test(path, cleans_the_paths_real_debug_info_gives)
{
    /* What libdwarf makes of Debian's python3.11 and glibc, and of
     * testdata's leaky (comp_dir ".", file "src/leaky.c"). */
    static const char *const cases[][2] = {
        {"/build/reproducible-path/python3.11-3.11.2/build-static/../Objects/obmalloc.c",
         "/build/reproducible-path/python3.11-3.11.2/Objects/obmalloc.c"},
        {"./intl/./intl/localealias.c", "intl/intl/localealias.c"},
        {"./csu/../sysdeps/x86/libc-start.c", "sysdeps/x86/libc-start.c"},
        {"./src/leaky.c", "src/leaky.c"},
        {"../../lib/x.c", "../../lib/x.c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", cases[i][0]);
        cr_expect_str_eq(hd_path_clean(buf), cases[i][1]);
    }
}

/* ---- lists and trimming ---- */

Test(path, splits_lists_at_colons_skipping_empty_items)
{
    const char *rest = "a::/b/c:", *item;
    size_t n;
    char seen[64] = "";
    for (item = hd_path_list_next(rest, &n, &rest); item;
         item = hd_path_list_next(rest, &n, &rest))
        snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "[%.*s]", (int)n, item);
    cr_expect_str_eq(seen, "[a][/b/c]");
    cr_expect_null(hd_path_list_next(NULL, &n, &rest));
    cr_expect_null(hd_path_list_next("::", &n, &rest));
}

Test(path, trims_whole_leading_components)
{
    const char *py = "/build/reproducible-path/python3.11-3.11.2/Objects/obmalloc.c";
    const char *prefix[] = {"/build/reproducible-path/python3.11-3.11.2"};
    cr_expect_str_eq(hd_path_trim(py, prefix, 1), "Objects/obmalloc.c");
    /* Trailing slashes and unclean spellings are the same prefix. */
    const char *slashed[] = {"/build//reproducible-path/./python3.11-3.11.2/"};
    cr_expect_str_eq(hd_path_trim(py, slashed, 1), "Objects/obmalloc.c");
    /* Only whole components: "/build/repro" is no prefix of it. */
    const char *partial[] = {"/build/repro"};
    cr_expect_eq(hd_path_trim(py, partial, 1), py);
    /* A prefix that is the whole path leaves it. */
    const char *whole[] = {"src/leaky.c"};
    cr_expect_str_eq(hd_path_trim("src/leaky.c", whole, 1), "src/leaky.c");
    /* A relative prefix trims relative paths. */
    const char *src[] = {"src"};
    cr_expect_str_eq(hd_path_trim("src/leaky.c", src, 1), "leaky.c");
    /* "/" makes absolute paths relative. */
    const char *root[] = {"/"};
    cr_expect_str_eq(hd_path_trim("/usr/include/stdio.h", root, 1), "usr/include/stdio.h");
}

Test(path, trims_the_first_matching_prefix_of_colon_lists)
{
    const char *prefixes[] = {"/nowhere:/build", "/build/x"};
    cr_expect_str_eq(hd_path_trim("/build/x/a.c", prefixes, 2), "x/a.c");
    const char *reversed[] = {"/build/x:/build"};
    cr_expect_str_eq(hd_path_trim("/build/x/a.c", reversed, 1), "a.c");
}

Test(path, trims_bazels_sandbox_directory_unasked)
{
    /* Go pprof takes "/proc/self/cwd/" off without being asked
     * (internal/report/source.go, trimPath). */
    cr_expect_str_eq(hd_path_trim("/proc/self/cwd/src/a.c", NULL, 0), "src/a.c");
    cr_expect_str_eq(hd_path_trim("/proc/self/cwdx/a.c", NULL, 0), "/proc/self/cwdx/a.c");
}

/* ---- finding source files ---- */

static char scratch[256];

/* A fresh folder under /tmp, removed by the test's own rm at the end. */
static const char *make_scratch(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/hd-source-XXXXXX");
    cr_assert_not_null(mkdtemp(scratch));
    return scratch;
}

static void remove_scratch(void)
{
    char command[300];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    cr_assert_eq(system(command), 0);
}

static void write_text(const char *path, const char *text, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(text, 1, size, f), size);
    fclose(f);
}

Test(source, find_tries_the_name_then_each_folder_with_trailing_parts)
{
    const char *dir = make_scratch();
    char path[512], src[512];
    snprintf(src, sizeof src, "%s/src", dir);
    cr_assert_eq(mkdir(src, 0755), 0);
    snprintf(path, sizeof path, "%s/src/leaky.c", dir);
    write_text(path, "int x;\n", 7);
    /* A tree that moved: the build's absolute path, found by its trailing
     * parts "src/leaky.c" under DIR; a ':' list whose first item is not
     * there. */
    char list[600];
    snprintf(list, sizeof list, "/nonexistent:%s", dir);
    const char *paths[] = {list};
    struct hd_source_options o = {NULL, paths, 1, false};
    char found[1024];
    int fd = hd_source_find(&o, "/build/ws-8841/src/leaky.c", found, sizeof found);
    cr_assert_geq(fd, 0, "%s", found);
    close(fd);
    cr_expect_str_eq(found, path);
    /* Not there: the message names what was tried, in order, and how many
     * more there were. */
    fd = hd_source_find(&o, "/build/ws-8841/src/gone.c", found, sizeof found);
    cr_expect_eq(fd, -1);
    const char *tried = "/build/ws-8841/src/gone.c, /nonexistent/build/ws-8841/src/gone.c, "
                        "/nonexistent/ws-8841/src/gone.c, /nonexistent/src/gone.c, "
                        "/nonexistent/gone.c, /tmp/hd-source-";
    cr_expect(strncmp(found, tried, strlen(tried)) == 0, "%s", found);
    cr_expect(strstr(found, " and 3 more"), "%s", found);
    /* Without --source-path, the message says how to add one. */
    fd = hd_source_find(NULL, "gone.c", found, sizeof found);
    cr_expect_eq(fd, -1);
    cr_expect_str_eq(found, "gone.c; add --source-path DIR");
    remove_scratch();
}

Test(source, find_skips_what_is_not_a_regular_file)
{
    /* A FIFO where the source should be: opened without blocking, refused,
     * and the next folder is tried. */
    const char *dir = make_scratch();
    char a[512], b[512], path[600];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    cr_assert_eq(mkdir(a, 0755), 0);
    cr_assert_eq(mkdir(b, 0755), 0);
    snprintf(path, sizeof path, "%s/leaky.c", a);
    cr_assert_eq(mkfifo(path, 0644), 0);
    snprintf(path, sizeof path, "%s/leaky.c", b);
    write_text(path, "x\n", 2);
    const char *paths[] = {a, b};
    struct hd_source_options o = {NULL, paths, 2, false};
    char found[1024];
    int fd = hd_source_find(&o, "leaky.c", found, sizeof found);
    cr_assert_geq(fd, 0, "%s", found);
    close(fd);
    cr_expect_str_eq(found, path);
    remove_scratch();
}

/* ---- --list, end to end ---- */

/* Line NUMBER of testdata/src/leaky.c, without its newline. */
static const char *leaky_line(unsigned number)
{
    static char line[4096];
    char path[4096];
    snprintf(path, sizeof path, "%s/src/leaky.c", getenv("HD_TESTDATA"));
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    for (unsigned i = 0; i < number; i++)
        cr_assert_not_null(fgets(line, sizeof line, f), "%s has no line %u", path, number);
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    return line;
}

/* "FLAT CUM NUMBER: TEXT" as --list prints a line of leaky.c. */
static const char *listed(const char *flat, const char *cum, unsigned number)
{
    static char text[4200];
    const char *source = leaky_line(number);
    snprintf(text, sizeof text, "\n%10s %10s %6u:%s%s\n", flat, cum, number, *source ? " " : "",
             source);
    return text;
}

/* The values: testdata/README.md's design of leaky, four ticks in
 * tc-run1.0004: linear_leak 4 x 10 x 4096 B; recurse one 524288-byte
 * block per tick at the bottom of a recursion. */
Test(list, shows_each_line_with_its_flat_and_cum_and_five_lines_around)
{
    struct hd_test_run *r =
        hd_test_heapdiff("--show_bytes", "--list", "linear_leak", "bin/leaky", "profiles/tc-run1.0004.heap",
                 NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *head = "Total: 2715136 B\n"
                       "ROUTINE ======================== linear_leak in src/leaky.c\n"
                       "    163840     163840 (flat, cum) 6.0% of Total\n";
    cr_expect(strncmp(r->out, head, strlen(head)) == 0, "%s", r->out);
    cr_expect(strstr(r->out, listed("163840", "163840", 94)), "%s", r->out);
    cr_expect(strstr(r->out, listed(".", ".", 89)), "%s", r->out);
    cr_expect(strstr(r->out, listed(".", ".", 99)), "%s", r->out);
    cr_expect_null(strstr(r->out, "     88:"), "%s", r->out);
    cr_expect_null(strstr(r->out, "    100:"), "%s", r->out);
    cr_expect_str_eq(r->err, "");
}

Test(list, counts_a_recursive_sample_once_per_line_and_routine)
{
    /* Go pprof's list says 4MB cum (154% of the total) for recurse here;
     * each sample counts once, as in every other report. */
    struct hd_test_run *r = hd_test_heapdiff("--show_bytes", "--list", "^recurse$", "bin/leaky",
                                     "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "\n   2097152    2097152 (flat, cum) 77.2% of Total\n"), "%s",
              r->out);
    cr_expect(strstr(r->out, listed(".", "2097152", 128)), "%s", r->out);
    cr_expect(strstr(r->out, listed("2097152", "2097152", 130)), "%s", r->out);
}

Test(list, gives_inlined_code_its_own_lines_as_lines_does)
{
    /* inlined_alloc (always_inline) allocates at line 138, inlined at
     * small_objects' line 148: DWARF's inline chain. */
    struct hd_test_run *r = hd_test_heapdiff("--show_bytes", "--list", "small_objects|inlined_alloc",
                                     "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *inlined = strstr(r->out, "==== inlined_alloc in src/leaky.c\n");
    const char *caller = strstr(r->out, "==== small_objects in src/leaky.c\n");
    cr_assert(inlined && caller && inlined < caller, "%s", r->out);
    cr_expect(strstr(inlined, listed("192000", "192000", 138)), "%s", r->out);
    cr_expect(strstr(caller, listed(".", "192000", 148)), "%s", r->out);
    /* --no-inlines: the call site is where small_objects allocates. */
    r = hd_test_heapdiff("--show_bytes", "--no-inlines", "--list", "small_objects|inlined_alloc",
                 "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "inlined_alloc in"), "%s", r->out);
    cr_expect(strstr(r->out, listed("192000", "192000", 148)), "%s", r->out);
}

Test(list, with_a_base_shows_the_growth_and_lines_that_did_not_grow)
{
    /* Two ticks between snapshots 2 and 4: linear_leak grew 2 x 40960 B;
     * cache_fill filled its cache in tick 1 and has a line that grew 0. */
    struct hd_test_run *r =
        hd_test_heapdiff("--show_bytes", "--list", "linear_leak|cache_fill", "--base",
                 "profiles/tc-run1.0002.heap", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *head = "Base:    1390336 B  profiles/tc-run1.0002.heap\n"
                       "Current: 2715136 B  profiles/tc-run1.0004.heap\n"
                       "Total: 1324800 B  (current minus base; percentages are of this delta)\n";
    cr_expect(strncmp(r->out, head, strlen(head)) == 0, "%s", r->out);
    cr_expect(strstr(r->out, listed("81920", "81920", 94)), "%s", r->out);
    cr_expect(strstr(r->out, listed("0", "0", 104)), "%s", r->out);
    cr_expect(strstr(r->out, listed(".", ".", 103)), "%s", r->out);
}

Test(list, without_the_source_shows_the_lines_with_values_and_what_was_tried)
{
    /* --trim-path makes the name "leaky.c", which is not in testdata/. */
    struct hd_test_run *r = hd_test_heapdiff("--show_bytes", "--trim-path", "src", "--list", "linear_leak",
                                     "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "ROUTINE ======================== linear_leak in leaky.c\n"
                             "    163840     163840 (flat, cum) 6.0% of Total\n"
                             " Source not found; tried leaky.c; add --source-path DIR\n"
                             "    163840     163840     94:\n"),
              "%s", r->out);
    /* --source-path finds it. */
    r = hd_test_heapdiff("--show_bytes", "--trim-path", "src", "--source-path", "bin:src", "--list",
                 "linear_leak", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, " Source: src/leaky.c\n"), "%s", r->out);
    cr_expect(strstr(r->out, listed("163840", "163840", 94)), "%s", r->out);
    /* No file at all in the debug info (_start comes from crt1.o). */
    r = hd_test_heapdiff("--list", "^_start$", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "ROUTINE ======================== _start in ??\n"), "%s", r->out);
    cr_expect(strstr(r->out, " No source information: leaky has no line table for it\n"),
              "%s", r->out);
}

Test(list, matching_no_function_exits_2)
{
    /* As Go pprof: "no matches found for regexp". */
    struct hd_test_run *r =
        hd_test_heapdiff("--list", "nonesuch", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: --list: no function with a value matches 'nonesuch'\n");
    cr_expect_str_eq(r->out, "");
    r = hd_test_heapdiff("--list", "(", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err, "heapdiff: --list: bad regular expression '(': missing closing "
                             "parenthesis at offset 1\n");
}

/* ---- hostile source files ---- */

/* Run --list linear_leak (line 94) with leaky.c looked for in DIR only. */
static struct hd_test_run *list_from(const char *dir)
{
    return hd_test_heapdiff("--show_bytes", "--trim-path", "src", "--source-path", dir, "--list",
                    "linear_leak", "bin/leaky", "profiles/tc-run1.0004.heap", NULL);
}

Test(list, reads_any_line_length_control_bytes_crlf_and_no_last_newline)
{
    /* 93 short lines with CRLF, line 94 of 5000 bytes with an escape
     * sequence, line 95 without a newline: the file ends there. */
    const char *dir = make_scratch();
    size_t size = 0;
    static char text[16384];
    for (int i = 1; i <= 93; i++)
        size += (size_t)snprintf(text + size, sizeof text - size, "line %d\r\n", i);
    text[size++] = '\x1b';
    memcpy(text + size, "[2J", 3);
    size += 3;
    memset(text + size, 'x', 4996);
    size += 4996;
    text[size++] = '\n';
    memcpy(text + size, "last", 4);
    size += 4;
    char path[600];
    snprintf(path, sizeof path, "%s/leaky.c", dir);
    write_text(path, text, size);
    struct hd_test_run *r = list_from(dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "         .          .     93: line 93\n"), "%s", r->out);
    char want[1200];
    snprintf(want, sizeof want, "    163840     163840     94: ?[2J%.1020s [... 3976 more bytes]\n",
             text + size - 4 - 1 - 4996);
    cr_expect(strstr(r->out, want), "%s", r->out);
    cr_expect(strstr(r->out, "         .          .     95: last\n"), "%s", r->out);
    cr_expect_null(strstr(r->out, "     96:"), "%s", r->out);
    cr_expect_null(strchr(r->out, '\x1b'));
    cr_expect_null(strchr(r->out, '\r'));
    remove_scratch();
}

Test(list, says_when_a_line_lies_past_the_end_of_the_file)
{
    /* Another version of the source: 10 lines. */
    const char *dir = make_scratch();
    char path[600];
    snprintf(path, sizeof path, "%s/leaky.c", dir);
    write_text(path, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", 21);
    struct hd_test_run *r = list_from(dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char want[1200];
    snprintf(want, sizeof want,
             "    163840     163840     94:\n"
             " (%s has 10 lines: is it the source this program was built from?)\n",
             path);
    cr_expect(strstr(r->out, want), "%s", r->out);
    remove_scratch();
}

Test(list, does_not_read_a_source_over_its_size_bound)
{
    /* A sparse file one byte over the bound costs no disk. */
    const char *dir = make_scratch();
    char path[600];
    snprintf(path, sizeof path, "%s/leaky.c", dir);
    write_text(path, "", 0);
    cr_assert_eq(truncate(path, (off_t)HD_SOURCE_MAX_BYTES + 1), 0);
    struct hd_test_run *r = list_from(dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char want[1200];
    snprintf(want, sizeof want,
             " Source %s: larger than 64 MiB, not read\n"
             "    163840     163840     94:\n",
             path);
    cr_expect(strstr(r->out, want), "%s", r->out);
    remove_scratch();
}
