/* End-to-end tests of the heapdiff command: what a user types, what it
 * prints, and its exit status.  The expected totals come from the peers
 * (testdata/expected/peer-totals.txt) or from the fixture programs. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_heapdiff.h"

struct run {
    int status;      /* exit status, or -1 when it did not exit normally */
    char out[65536]; /* standard output */
    char err[8192];  /* standard error */
};

static void read_all(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Run heapdiff with the NULL-terminated arguments, from the testdata
 * directory, capturing both streams. */
static struct run *heapdiff(const char *first, ...)
{
    static struct run r;
    const char *argv[64];
    size_t argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    struct hd_test_run run;
    hd_test_run_heapdiff(argv, &run);
    r.status = run.status;
    snprintf(r.out, sizeof r.out, "%s", run.out);
    snprintf(r.err, sizeof r.err, "%s", run.err);
    hd_test_run_free(&run);
    return &r;
}

/* The first line of R's output. */
static const char *first_line(const struct run *r, char *buf, size_t size)
{
    size_t n = strcspn(r->out, "\n");
    snprintf(buf, size, "%.*s", (int)n, r->out);
    return buf;
}

/* ---- bad input: "heapdiff: FILE:LINE: message", exit 2 ---- */

static void expect_failure(const struct run *r, const char *stderr_text)
{
    cr_expect_eq(r->status, 2, "exit status %d, want 2 (stderr: %s)", r->status, r->err);
    cr_expect(strstr(r->err, stderr_text), "stderr '%s' lacks '%s'", r->err, stderr_text);
    cr_expect_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1,
                 "more than one line on stderr: %s", r->err);
    cr_expect_str_eq(r->out, "", "something on stdout: %s", r->out);
}

Test(cli, empty_file_exits_2)
{
    expect_failure(heapdiff("bad/empty.heap", NULL),
                   "heapdiff: bad/empty.heap: empty file, not a heap profile\n");
}

Test(cli, truncated_file_exits_2)
{
    expect_failure(heapdiff("bad/truncated-mid-line.heap", NULL),
                   "heapdiff: bad/truncated-mid-line.heap:4: truncated: the last line is "
                   "cut off\n");
    expect_failure(heapdiff("bad/truncated-before-maps.heap", NULL),
                   "heapdiff: bad/truncated-before-maps.heap:8: truncated: the file ends "
                   "before its maps section");
    expect_failure(heapdiff("bad/truncated.heap.gz", NULL),
                   "heapdiff: bad/truncated.heap.gz: truncated gzip data\n");
}

Test(cli, garbage_line_exits_2)
{
    expect_failure(heapdiff("bad/garbage-line.heap", NULL),
                   "heapdiff: bad/garbage-line.heap:4: expected the in-use objects count");
}

Test(cli, overflowing_number_exits_2)
{
    expect_failure(heapdiff("bad/overflow-64bit.heap", NULL),
                   "heapdiff: bad/overflow-64bit.heap:2: the in-use bytes count does not fit "
                   "in 64 bits\n");
}

Test(cli, negative_allocated_count_exits_2)
{
    expect_failure(heapdiff("bad/negative-alloc-count.heap", NULL),
                   "heapdiff: bad/negative-alloc-count.heap:2: negative allocated objects "
                   "count -2\n");
}

Test(cli, stack_without_addresses_exits_2)
{
    expect_failure(heapdiff("bad/stack-no-addresses.heap", NULL),
                   "heapdiff: bad/stack-no-addresses.heap:2: stack has no addresses after "
                   "'@'\n");
}

Test(cli, unparsable_maps_line_exits_2)
{
    expect_failure(heapdiff("bad/bad-maps-line.heap", NULL),
                   "heapdiff: bad/bad-maps-line.heap:11: cannot parse maps line");
}

Test(cli, binary_where_a_profile_belongs_exits_2)
{
    /* The first argument is taken as the binary; a second binary is not. */
    expect_failure(heapdiff("bin/leaky", "bin/leaky", NULL),
                   "heapdiff: bin/leaky: this is an ELF binary, not a heap profile");
    expect_failure(heapdiff("profiles/tc-run1.0001.heap", "bin/leaky", NULL),
                   "heapdiff: bin/leaky: this is an ELF binary, not a heap profile");
    expect_failure(heapdiff("--base", "bin/leaky", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: bin/leaky: this is an ELF binary");
}

/* open() on a FIFO blocks until a writer comes; heapdiff opens every path
 * without blocking and reads only regular files (issue 10). */
Test(cli, fifo_as_profile_binary_or_output_exits_2, .timeout = 60)
{
    char dir[] = "/tmp/hd-cli-fifo-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char fifo[64], want[128];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    snprintf(want, sizeof want, "heapdiff: %s: not a regular file\n", fifo);
    expect_failure(heapdiff(fifo, NULL), want);
    expect_failure(heapdiff(fifo, "profiles/tc-run1.0001.heap", NULL), want);
    expect_failure(heapdiff("--base", fifo, "profiles/tc-run1.0001.heap", NULL), want);
    snprintf(want, sizeof want, "heapdiff: %s: cannot write: not a regular file\n", fifo);
    expect_failure(heapdiff("-o", fifo, "profiles/tc-run1.0001.heap", NULL), want);
    unlink(fifo);
    rmdir(dir);
}

/* --max-input-size bounds the text of one profile, inflated or not; the
 * inflating stops at the limit, so a gzip bomb costs at most that much
 * memory.  tc-run1.0002.heap.gz is 1141 bytes and inflates to 7484 (gzip -l). */
Test(cli, max_input_size_bounds_the_profile_text)
{
    expect_failure(heapdiff("--max-input-size=2K", "profiles/tc-run1.0002.heap.gz", NULL),
                   "heapdiff: profiles/tc-run1.0002.heap.gz: gzip data inflates to more than "
                   "2048 bytes, the limit (--max-input-size)\n");
    expect_failure(heapdiff("--max-input-size", "1K", "profiles/tc-run1.0002.heap", NULL),
                   "heapdiff: profiles/tc-run1.0002.heap: file is larger than 1024 bytes, "
                   "the limit (--max-input-size)\n");
    struct run *r = heapdiff("--max-input-size=1M", "profiles/tc-run1.0002.heap.gz", NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
    expect_failure(heapdiff("--max-input-size=0", "profiles/tc-run1.0002.heap", NULL),
                   "needs a size in bytes (K, M and G suffixes allowed)");
    expect_failure(heapdiff("--max-input-size=1T", "profiles/tc-run1.0002.heap", NULL),
                   "needs a size in bytes (K, M and G suffixes allowed)");
    expect_failure(heapdiff("--max-input-size=18014398509481984G",
                            "profiles/tc-run1.0002.heap", NULL),
                   "needs a size in bytes (K, M and G suffixes allowed)");
}

Test(cli, missing_file_exits_2)
{
    expect_failure(heapdiff("no-such.heap", NULL),
                   "heapdiff: no-such.heap: cannot open: No such file or directory\n");
}

Test(cli, usage_errors_exit_2)
{
    expect_failure(heapdiff("--no-such-option", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: unknown option '--no-such-option'");
    expect_failure(heapdiff("--inuse_space", "--alloc_space", "profiles/tc-run1.0001.heap",
                            NULL),
                   "heapdiff: choose one of");
    expect_failure(heapdiff("--base", NULL), "heapdiff: option '--base' needs FILE\n");
    struct run *r = heapdiff("bin/leaky", NULL);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "heapdiff: no profile given"), "%s", r->err);
}

Test(cli, conflicting_choices_are_an_error_naming_both)
{
    /* Two report kinds, or two bases, are refused as two value types are,
     * rather than resolved silently by the last one. */
    expect_failure(heapdiff("--text", "--svg", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: '--text' and '--svg' contradict each other: choose one\n");
    expect_failure(heapdiff("--functions", "-lines", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: '--functions' and '-lines' contradict each other: choose one\n");
    expect_failure(heapdiff("--base=profiles/tc-run1.0001.heap", "--base",
                            "profiles/tc-run1.0002.heap", "profiles/tc-run1.0003.heap", NULL),
                   "heapdiff: '--base' is given twice ('profiles/tc-run1.0001.heap' and "
                   "'profiles/tc-run1.0002.heap'): choose one\n");
    /* The same choice twice is no conflict. */
    struct run *r = heapdiff("--text", "-text", "profiles/tc-run1.0001.heap", NULL);
    cr_expect_eq(r->status, 0, "%s", r->err);
}

Test(cli, go_pprof_habits_top_alone_and_unit_names)
{
    /* Go pprof's -top is its text report: "-top -base A bin B" works, and
     * -top N still counts rows. */
    struct run *r = heapdiff("-top", "-base", "profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run1.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 1.3 MB  (current minus base"), "%s", r->out);
    r = heapdiff("-top", "1", "-unit=b", "bin/leaky", "profiles/tc-run1.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, "Total: 2052736 B\n"
                             " 1572864  76.6%  76.6%  1572864  76.6% recurse\n");
    /* Go's names in any case: kb is KiB, mb jeprof's MB. */
    r = heapdiff("--unit=kb", "bin/leaky", "profiles/tc-run1.0003.heap", NULL);
    cr_expect(strstr(r->out, "Total: 2004.62 KiB\n"), "%s", r->out);
    r = heapdiff("--unit=mb", "bin/leaky", "profiles/tc-run1.0003.heap", NULL);
    cr_expect(strstr(r->out, "Total: 2.0 MB\n"), "%s", r->out);
}

Test(cli, bad_option_values_exit_2)
{
    expect_failure(heapdiff("--unit=furlongs", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: --unit must be B, KB (KiB), MB (jeprof's), MiB, GB (GiB) or "
                   "auto, not 'furlongs'\n");
    expect_failure(heapdiff("--focus=(", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: --focus: bad regular expression '('");
    expect_failure(heapdiff("--top=-3", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: option '--top=-3' needs a whole number, not '-3'\n");
    expect_failure(heapdiff("--nodefraction=2", "profiles/tc-run1.0001.heap", NULL),
                   "needs a fraction from 0 to 1, not '2'");
    expect_failure(heapdiff("--compare", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: --compare, --drop_negative and --normalize need --base\n");
    expect_failure(heapdiff("--thread=0", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: profiles/tc-run1.0001.heap: --thread needs a jemalloc profile");
    expect_failure(heapdiff("--text", "--text=yes", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: option '--text=yes' takes no argument\n");
}

Test(cli, alloc_values_of_a_profile_without_them_exit_2)
{
    expect_failure(heapdiff("--alloc_space", "profiles/je-unsampled-run1.2.heap", NULL),
                   "heapdiff: profiles/je-unsampled-run1.2.heap: has no allocated values");
}

/* ---- reports ---- */

Test(cli, help_is_generated_from_the_option_table)
{
    struct run *r = heapdiff("--help", NULL);
    cr_assert_eq(r->status, 0);
    cr_expect(strstr(r->out, "--base=FILE"), "%s", r->out);
    cr_expect(strstr(r->out, "--inuse-objects"), "%s", r->out);
    cr_expect(strstr(r->out, "-o, --output FILE"), "%s", r->out);
}

Test(cli, man_page_documents_every_option)
{
    /* Every option --help lists (from the option table) is in heapdiff.1,
     * where roff writes '-' as '\\-' and some names with '_'. */
    static char man[65536];
    char path[4096];
    snprintf(path, sizeof path, "%s/../cmd/heapdiff.1", getenv("HD_TESTDATA"));
    read_all(path, man, sizeof man);
    cr_assert(strlen(man) > 1000, "cannot read %s", path);
    size_t k = 0;
    for (size_t i = 0; man[i]; i++) {
        if (man[i] == '\\' && man[i + 1] == '-')
            continue;
        man[k++] = man[i] == '_' ? '-' : man[i];
    }
    man[k] = '\0';
    struct run *r = heapdiff("--help", NULL);
    cr_assert_eq(r->status, 0);
    size_t checked = 0;
    for (const char *p = strstr(r->out, "  --"); p; p = strstr(p + 1, "  --")) {
        char name[64];
        size_t n = strcspn(p + 2, " =\n");
        snprintf(name, sizeof name, "%.*s", (int)n, p + 2);
        cr_expect(strstr(man, name), "heapdiff.1 does not mention %s", name);
        checked++;
    }
    cr_assert(checked > 30, "only %zu options in --help", checked);
}

Test(cli, total_equals_google_pprof_on_a_tcmalloc_profile)
{
    /* google-pprof --text --show_bytes bin/leaky tc-run1.0002.heap:
     * "Total: 1390336 B" (testdata/expected/peer-totals.txt). */
    char line[256];
    struct run *r = heapdiff("--show_bytes", "bin/leaky", "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert_str_eq(first_line(r, line, sizeof line), "Total: 1390336 B");
}

Test(cli, option_spellings_are_interchangeable)
{
    char a[256], b[256], c[256];
    struct run *r = heapdiff("--inuse_objects", "profiles/tc-run1.0002.heap", NULL);
    first_line(r, a, sizeof a);
    r = heapdiff("--inuse-objects", "--text", "profiles/tc-run1.0002.heap", NULL);
    first_line(r, b, sizeof b);
    r = heapdiff("-inuse_objects", "-text", "profiles/tc-run1.0002.heap", NULL);
    first_line(r, c, sizeof c);
    cr_assert_str_eq(a, b);
    cr_assert_str_eq(a, c);
    cr_assert(strstr(a, "objects"), "%s", a);
}

Test(cli, base_diff_across_runs_shows_only_the_growth)
{
    /* Snapshot 2 of run 2 minus snapshot 1 of run 1: the two runs load the
     * program at different addresses, yet the shared stacks cancel.  The
     * growth per tick is the program's (testdata/README.md). */
    struct run *r = heapdiff("--show_bytes", "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run2.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Base:    727936 B  profiles/tc-run1.0001.heap\n"), "%s", r->out);
    cr_expect(strstr(r->out, "Current: 1390336 B  profiles/tc-run2.0002.heap\n"), "%s", r->out);
    cr_expect(strstr(r->out, "Total: 662400 B  (current minus base; percentages are of this "
                             "delta)\n"),
              "%s", r->out);
    /* No row may be a leftover of unmatched stacks: every flat is >= 0. */
    cr_expect_null(strstr(r->out, "\n  -"), "%s", r->out);
}

/* The names in directory DIR other than "." and "..", joined by spaces,
 * and how many there are. */
static size_t list_directory(const char *dir, char *names, size_t size)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    size_t n = 0, used = 0;
    names[0] = '\0';
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        used += (size_t)snprintf(names + used, used < size ? size - used : 0, "%s ", e->d_name);
    }
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

Test(cli, output_file_is_written_atomically)
{
    /* -o writes a temporary file beside the target and renames it into
     * place (cmd/output.c), so a reader sees the old file or the whole new
     * one, never a part, and a failed run leaves the old file alone. */
    char dir[] = "/tmp/hd-cli-atomic-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[64], names[512], text[4096];
    snprintf(path, sizeof path, "%s/report.txt", dir);
    write_file(path, "the old report\n");
    int old_fd = open(path, O_RDONLY);
    cr_assert_geq(old_fd, 0);
    struct stat old, now;
    cr_assert_eq(fstat(old_fd, &old), 0);

    struct run *r = heapdiff("-o", path, "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, "");
    /* The path names a new file; the old one was not rewritten in place:
     * it still holds its text and has no name left (the rename replaced
     * it). */
    cr_assert_eq(stat(path, &now), 0);
    cr_expect_neq(now.st_ino, old.st_ino, "the report was rewritten in place");
    cr_assert_eq(fstat(old_fd, &old), 0);
    cr_expect_eq(old.st_nlink, 0);
    ssize_t n = pread(old_fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    cr_expect_str_eq(text, "the old report\n");
    close(old_fd);
    /* The new file is the whole report (1.3 MB: tc-run1's second
     * snapshot, as in peer-totals.txt), and no temporary file is left. */
    read_all(path, text, sizeof text);
    cr_expect(strncmp(text, "Total: 1.3 MB\n", 14) == 0, "%s", text);
    cr_expect_eq(list_directory(dir, names, sizeof names), 1, "left behind: %s", names);

    /* A run that fails on bad input (the garbage-line fixture, exit 2)
     * leaves the report as it was, same file, same text, and no
     * temporary file. */
    char before[4096];
    snprintf(before, sizeof before, "%s", text);
    r = heapdiff("-o", path, "bad/garbage-line.heap", NULL);
    cr_expect_eq(r->status, 2, "exit status %d (stderr: %s)", r->status, r->err);
    cr_assert_eq(stat(path, &old), 0);
    cr_expect_eq(old.st_ino, now.st_ino, "a failed run replaced the report");
    read_all(path, text, sizeof text);
    cr_expect_str_eq(text, before);
    cr_expect_eq(list_directory(dir, names, sizeof names), 1, "left behind: %s", names);

    unlink(path);
    rmdir(dir);
}

/* ---- symbolized reports (the symbolizer reads testdata/bin) ---- */

/* Whether the report R has a row ending in NAME whose flat column is
 * FLAT (as printed). */
static bool has_row(const struct run *r, const char *flat, const char *name)
{
    char want[512];
    snprintf(want, sizeof want, "\n%8s ", flat);
    for (const char *p = strstr(r->out, want); p; p = strstr(p + 1, want)) {
        const char *end = strchr(p + 1, '\n');
        size_t n = strlen(name);
        if (end && (size_t)(end - p) > n && strncmp(end - n, name, n) == 0)
            return true;
    }
    return false;
}

Test(cli, cross_run_diff_names_the_leaking_functions)
{
    /* Growth per tick (testdata/README.md): recurse 2 x 262144 B,
     * lib_alloc 3 x 16384 B, small_objects' inlined_alloc 1000 x 48 B,
     * linear_leak 10 x 4096 B; two ticks from snapshot 1 to 3. */
    /* The profiles name libleak.so where regenerate.sh ran; --lib-prefix
     * finds it in this checkout. */
    struct run *r = heapdiff("--show_bytes", "--lib-prefix", "bin",
                             "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run2.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(has_row(r, "1048576", " recurse"), "%s", r->out);
    cr_expect(has_row(r, "98304", " lib_alloc"), "%s", r->out);
    cr_expect(has_row(r, "96000", " inlined_alloc (inline)"), "%s", r->out);
    cr_expect(has_row(r, "81920", " linear_leak"), "%s", r->out);
    cr_expect_null(strstr(r->out, "cache_fill"), "the plateaued cache grew: %s", r->out);
}

Test(cli, libraries_are_found_next_to_the_binary)
{
    /* No --lib-prefix: libleak.so is not at its mapped path in another
     * checkout, but it is next to bin/leaky. */
    struct run *r = heapdiff("--show_bytes", "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(has_row(r, "49152", " lib_alloc"), "%s", r->out);
}

/* Damaged copies of c-gcc-O2-dw5-pie (testdata/make-bad-dwarf.py), each
 * symbolized through a one-stack profile: heapdiff finishes (under ASan and
 * valgrind, without a leak), says one warning, and names main.
 * bad-rnglists.elf: libdwarf 20210528 frees memory twice and aborts on its
 * .debug_rnglists unless heapdiff checks the section first; the DWARF is
 * then not used and main comes from .symtab.  bad-line-dirs.elf: a file
 * entry names a missing include directory; dwarf_srcfiles leaks on it
 * unless heapdiff checks the entries first; main keeps its line. */
Test(cli, damaged_debug_info_degrades_with_one_warning, .timeout = 60)
{
    static const struct {
        const char *elf;
        const char *warning;
        const char *row; /* the function column */
    } cases[] = {
        {"bad-rnglists.elf", "unreadable debug info: .debug_rnglists has a unit longer than "
                             "the section (at offset 0x0)", " main"},
        {"bad-line-dirs.elf", "bad debug info, some frames may lack names or lines: bad line "
                              "table header", " main"},
    };
    char dir[] = "/tmp/hd-cli-dwarf-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char profile[64], text[4096];
    snprintf(profile, sizeof profile, "%s/p.heap", dir);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(text, sizeof text,
                 "heap profile: 1: 16 [1: 16] @ heapprofile\n"
                 "1: 16 [1: 16] @ 0x555555555094\n"
                 "\nMAPPED_LIBRARIES:\n"
                 "555555554000-555555556000 r-xp 00000000 00:00 0 %s/bad/%s\n",
                 getenv("HD_TESTDATA"), cases[i].elf);
        write_file(profile, text);
        struct run *r = heapdiff("--show-bytes", profile, NULL);
        cr_assert_eq(r->status, 0, "%s: %s", cases[i].elf, r->err);
        cr_expect(strstr(r->err, cases[i].warning), "%s: %s", cases[i].elf, r->err);
        cr_expect_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1, "%s: %s",
                     cases[i].elf, r->err);
        cr_expect(has_row(r, "16", cases[i].row), "%s: %s", cases[i].elf, r->out);
    }
    unlink(profile);
    rmdir(dir);
}

Test(cli, jemalloc_allocator_frames_are_not_charged)
{
    /* jeprof charges C++ new to malloc_usable_size on Debian's stripped
     * libjemalloc (FORMATS.md §3.4); heapdiff charges the callers. */
    struct run *r = heapdiff("--show_bytes", "bin/leaky_cpp", "profiles/je-cpp-accum.2.heap",
                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->out, "malloc_usable_size"), "%s", r->out);
    cr_expect_null(strstr(r->out, "libjemalloc"), "%s", r->out);
    cr_expect(strstr(r->out, "app::Registry::add"), "%s", r->out);
}

Test(cli, wrappers_are_charged_to_their_callers_and_said_so)
{
    /* leaky: lib_alloc (libleak.so) allocates 3 x 16384 B per tick for
     * from_lib, inlined_alloc 1000 x 48 B for small_objects
     * (testdata/README.md): snapshot 2 holds 98304 and 96000 B. */
    struct run *r = heapdiff("--show_bytes", "bin/leaky", "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "   98304   7.1%  82.5%    98304   7.1% lib_alloc\n"), "%s",
              r->out);
    cr_expect_null(strstr(r->out, "Wrappers"), "nothing charged, nothing said: %s", r->out);

    r = heapdiff("--show_bytes", "--wrappers=lib_alloc", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 1390336 B\n"
                             "Wrappers charged to callers (--no-wrappers): lib_alloc\n"),
              "%s", r->out);
    cr_expect(strstr(r->out, "   98304   7.1%  82.5%    98304   7.1% from_lib\n"), "%s",
              r->out);
    cr_expect_null(strstr(r->out, "% lib_alloc\n"), "no lib_alloc row: %s", r->out);

    /* An inlined wrapper: its caller keeps the location. */
    r = heapdiff("--show_bytes", "--no-wrappers", "--wrappers", "inlined_alloc", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Wrappers charged to callers: inlined_alloc\n"), "%s", r->out);
    cr_expect(strstr(r->out, "   96000   6.9%  89.4%    96000   6.9% small_objects\n"), "%s",
              r->out);

    /* The traces and the graph's legend say it too. */
    r = heapdiff("--traces", "--wrappers=lib_alloc", "bin/leaky", "profiles/tc-run1.0002.heap",
                 NULL);
    cr_expect(strstr(r->out, "\nWrappers charged to callers (--no-wrappers): lib_alloc\n"),
              "%s", r->out);
    r = heapdiff("--dot", "--wrappers=lib_alloc", "bin/leaky", "profiles/tc-run1.0002.heap",
                 NULL);
    cr_expect(strstr(r->out, "Wrappers charged to callers (--no-wrappers): lib_alloc\\l"),
              "%s", r->out);

    expect_failure(heapdiff("--wrappers=", "bin/leaky", "profiles/tc-run1.0002.heap", NULL),
                   "heapdiff: --wrappers needs a regular expression (--no-wrappers turns "
                   "the default list off)\n");
    expect_failure(heapdiff("--wrappers=(", "bin/leaky", "profiles/tc-run1.0002.heap", NULL),
                   "heapdiff: --wrappers: bad regular expression '(': missing closing "
                   "parenthesis at offset 1\n");
}

Test(cli, lines_and_addresses_granularities)
{
    struct run *r = heapdiff("--lines", "--show_bytes", "bin/leaky", "profiles/tc-run1.0001.heap",
                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, " linear_leak ./src/leaky.c:"), "%s", r->out);
    r = heapdiff("--addresses", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_expect(strstr(r->out, " leaky+0x"), "%s", r->out);
    r = heapdiff("--files", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_expect(strstr(r->out, " ./src/leaky.c\n"), "%s", r->out);
}

/* A copy of the testdata profile NAME with the program's folder, as its
 * maps section names it, replaced by WORKSPACE: the same run as if it had
 * been built and run in another CI workspace.  Returns the copy's path. */
static const char *in_workspace(const char *name, const char *workspace, char *path,
                                size_t size)
{
    char original[256], text[1 << 16];
    snprintf(original, sizeof original, "%s/%s", getenv("HD_TESTDATA"), name);
    FILE *in = fopen(original, "r");
    cr_assert_not_null(in, "cannot read %s", original);
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    snprintf(path, size, "/tmp/hd-cli-moved-%d-%s", (int)getpid(), strrchr(name, '/') + 1);
    FILE *out = fopen(path, "w");
    cr_assert_not_null(out);
    static const char folder[] = "/work/main/testdata/bin/";
    int replaced = 0;
    for (const char *s = text, *hit; *s; s = hit + strlen(folder), replaced++) {
        hit = strstr(s, folder);
        if (!hit) {
            fputs(s, out);
            break;
        }
        fprintf(out, "%.*s%s", (int)(hit - s), s, workspace);
    }
    fclose(out);
    cr_assert_gt(replaced, 0, "%s names no %s", name, folder);
    return path;
}

Test(cli, a_base_from_another_workspace_matches_stack_by_stack)
{
    /* CI workspaces differ per run (/builds/8841/... vs /builds/8842/...):
     * the program's mappings are matched by its role, or by build-id, not
     * by path, so --traces is byte-identical to the same diff in one
     * workspace. */
    char base[256], current[256], expected[sizeof ((struct run *)0)->out];
    const char *args[][2] = {{"bin/leaky", NULL}, {"--no-symbols", NULL}};
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        struct run *r = heapdiff("--traces", "--base=profiles/tc-run1.0001.heap", args[i][0],
                                 "profiles/tc-run2.0003.heap", NULL);
        cr_assert_eq(r->status, 0, "%s", r->err);
        size_t stacks = 0;
        for (const char *t = r->out; (t = strstr(t, "\n-----------+")); t++)
            stacks++;
        cr_assert_geq(stacks, 4, "%s", r->out);
        snprintf(expected, sizeof expected, "%s", r->out);
        r = heapdiff("--traces", "--base",
                     in_workspace("profiles/tc-run1.0001.heap", "/builds/8841/", base,
                                  sizeof base),
                     args[i][0],
                     in_workspace("profiles/tc-run2.0003.heap", "/builds/8842/", current,
                                  sizeof current),
                     NULL);
        unlink(base);
        unlink(current);
        cr_assert_eq(r->status, 0, "%s", r->err);
        /* The header names the files; the traces must be the same. */
        const char *traces = strstr(r->out, "\n-----");
        cr_assert_not_null(traces);
        cr_assert_str_eq(traces, strstr(expected, "\n-----"), "with %s", args[i][0]);
    }
}

Test(cli, traces_list_every_stack)
{
    struct run *r = heapdiff("--traces", "--show_bytes", "bin/leaky",
                             "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "-----------+----"), "%s", r->out);
    cr_expect(strstr(r->out, "    262144   recurse\n             recurse\n"), "%s", r->out);
}

Test(cli, compare_columns_and_unmatched_filter_warning)
{
    /* The cache filled in tick 1 and plateaued: unchanged, still listed. */
    struct run *all = heapdiff("--compare", "--show_bytes", "--base=profiles/tc-run1.0001.heap",
                               "bin/leaky", "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(all->status, 0, "%s", all->err);
    cr_expect(strstr(all->out, "     65536      65536          0    +0.0%  cache_fill\n"), "%s",
              all->out);
    cr_expect_null(strstr(all->out, "  main\n"), "a row with no flat anywhere: %s", all->out);
    struct run *r = heapdiff("--compare", "--show_bytes", "--focus=linear_leak",
                             "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "     40960      81920      40960  +100.0%  linear_leak\n"), "%s",
              r->out);
    r = heapdiff("--ignore=no_such_thing", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->err, "heapdiff: warning: --ignore=no_such_thing matched no frame"),
              "%s", r->err);
}

Test(cli, thread_selects_one_jemalloc_thread)
{
    char all[256], one[256];
    struct run *r = heapdiff("--show_bytes", "profiles/je-sampled.2.heap", NULL);
    first_line(r, all, sizeof all);
    r = heapdiff("--show_bytes", "--thread", "0", "profiles/je-sampled.2.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    first_line(r, one, sizeof one);
    /* leaky is single-threaded: thread 0 is everything. */
    cr_assert_str_eq(one, all);
    r = heapdiff("--show_bytes", "--thread", "7", "profiles/je-sampled.2.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 0 B\n"), "%s", r->out);
    cr_expect(strstr(r->err, "thread 7 has no samples"), "%s", r->err);
}

Test(cli, normalize_and_drop_negative)
{
    /* Snapshot 1 scaled to snapshot 2's total: the delta is 0. */
    struct run *r = heapdiff("--normalize", "--show_bytes", "--base=profiles/tc-run1.0001.heap",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 0 B"), "%s", r->out);
    /* Reversed diff: everything shrank, so --drop_negative leaves nothing. */
    r = heapdiff("--drop_negative", "--show_bytes", "--base=profiles/tc-run1.0002.heap",
                 "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 0 B"), "%s", r->out);
}

Test(cli, name_options_no_symbols_no_inlines_full_names_no_demangle)
{
    struct run *r = heapdiff("--no-symbols", "--show_bytes", "bin/leaky",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(has_row(r, "1048576", " leaky+0x153a"), "%s", r->out);
    r = heapdiff("--no-inlines", "--show_bytes", "bin/leaky", "profiles/tc-run1.0002.heap", NULL);
    cr_expect(has_row(r, "96000", " small_objects"), "%s", r->out);
    cr_expect_null(strstr(r->out, "(inline)"), "%s", r->out);
    r = heapdiff("--full-names", "--show_bytes", "bin/leaky_cpp", "profiles/tc-cpp.0002.heap",
                 NULL);
    cr_expect(has_row(r, "65536", " app::Registry::add(int)"), "%s", r->out);
    r = heapdiff("--no-demangle", "--show_bytes", "bin/leaky_cpp", "profiles/tc-cpp.0002.heap",
                 NULL);
    cr_expect(has_row(r, "65536", " _ZN3app8Registry3addEi"), "%s", r->out);
    /* Mangled allocator frames are still recognized and dropped. */
    cr_expect_null(strstr(r->out, "__new_allocator"), "%s", r->out);
}

Test(cli, frame_filters_and_trimming_options)
{
    /* Allocation sites of one snapshot (testdata/README.md): recurse
     * 1048576, lib_alloc 98304, inlined_alloc 96000, linear_leak 81920,
     * cache_fill 65536 B. */
    struct run *r = heapdiff("--hide=^lib_alloc$", "--show_bytes", "bin/leaky",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_expect(has_row(r, "98304", " from_lib"), "%s", r->out);
    r = heapdiff("--show=^(main|recurse)$", "--show_bytes", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_expect(has_row(r, "341760", " main"), "%s", r->out);
    r = heapdiff("--show_from=^run_tick$", "--show_bytes", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_expect_null(strstr(r->out, " main\n"), "%s", r->out);
    cr_expect(strstr(r->out, "Shown: 1390336 B after filters"), "%s", r->out);
    r = heapdiff("--prune_from=^run_tick$", "--show_bytes", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_expect(has_row(r, "1390336", " run_tick"), "%s", r->out);
    r = heapdiff("--top=2", "--cum", "--show_bytes", "bin/leaky", "profiles/tc-run1.0002.heap",
                 NULL);
    size_t lines = 0;
    for (const char *p = r->out; *p; p++)
        lines += *p == '\n';
    cr_expect_eq(lines, 3, "the Total line and 2 rows: %s", r->out);
    r = heapdiff("--nodecount=3", "--nodefraction=0.1", "--show_bytes", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    /* 12 rows; 6 have |cum| >= 0.1 x 1390336 B (the 5 callers on the
     * path and recurse). */
    cr_expect(strstr(r->out, "Dropped 6 rows (|cum| < 139033 B)\n"), "%s", r->out);
    cr_expect(strstr(r->out, "Showing 3 rows of largest |cum| out of 6\n"), "%s", r->out);
    r = heapdiff("--abs", "--show_bytes", "--base=profiles/tc-run1.0003.heap", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_expect(strstr(r->out, "\n -524288 "), "shrinkage first by |flat|: %s", r->out);
}

Test(cli, symbol_search_options_are_accepted)
{
    /* --sysroot and --debug-dir pointing at nothing useful change nothing
     * for a binary with its own DWARF. */
    struct run *r = heapdiff("--sysroot=/nonexistent", "--debug-dir=/nonexistent",
                             "--lib-prefix=bin", "--show_bytes", "bin/leaky",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(has_row(r, "98304", " lib_alloc"), "%s", r->out);
}

/* ---- call graphs ---- */

Test(cli, dot_output_is_deterministic_and_has_a_legend)
{
    static char first[65536];
    struct run *r = heapdiff("--dot", "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run2.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(first, sizeof first, "%s", r->out);
    r = heapdiff("--dot", "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                 "profiles/tc-run2.0003.heap", NULL);
    cr_assert_str_eq(r->out, first, "two runs gave different dot text");
    cr_expect(strstr(first, "digraph \"heapdiff\" {"), "%s", first);
    cr_expect(strstr(first, "Base: profiles/tc-run1.0001.heap (0.69 MiB)"), "%s", first);
    cr_expect(strstr(first, "Percentages are of the delta, +1.26 MiB"), "%s", first);
    cr_expect(strstr(first, "[label=\"recurse\\n+1.00MiB (79.1%)\""), "%s", first);
}

static void read_head(const char *path, unsigned char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s was not written", path);
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    cr_assert_eq(n, size, "%s is too short", path);
}

Test(cli, png_pdf_and_svg_are_drawn_in_process)
{
    char path[] = "/tmp/hd-cli-graph-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unsigned char head[24];
    struct run *r = heapdiff("--png", "-o", path, "--base=profiles/tc-run1.0001.heap",
                             "bin/leaky", "profiles/tc-run2.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    read_head(path, head, sizeof head);
    cr_expect(memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0, "not a PNG");
    /* IHDR: width and height, big-endian, at bytes 16 and 20. */
    unsigned width = (unsigned)head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
    unsigned height = (unsigned)head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23];
    cr_expect(width > 200 && height > 200, "PNG is %ux%u", width, height);
    r = heapdiff("--pdf", "-o", path, "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    read_head(path, head, 5);
    cr_expect(memcmp(head, "%PDF-", 5) == 0, "not a PDF");
    r = heapdiff("--svg", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "<svg"), "%s", r->out);
    /* Each node's tooltip: full name, flat and cum (10 x 4096 B). */
    cr_expect(strstr(r->out, "xlink:title=\"linear_leak&#10;flat 40.00KiB, cum 40.00KiB\""),
              "%s", r->out);
    unlink(path);
}
