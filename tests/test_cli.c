/* End-to-end tests of the heapdiff command: what a user types, what it
 * prints, and its exit status.  The expected totals come from the peers
 * (testdata/expected/peer-totals.txt) or from the fixture programs. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
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

Test(cli, record_without_addresses_is_kept_as_one_unknown_row)
{
    /* Go pprof's total (TC's header, 1390336 B); the counts are the row
     * 0x0, with one warning (README, "Choices"). */
    struct run *r = heapdiff("--show_bytes", "bin/leaky", "bad/stack-no-addresses.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "Total: 1390336 B\n"), "%s", r->out);
    cr_assert(strstr(r->out, "524288  37.7%  37.7%   524288  37.7% 0x0\n"), "%s", r->out);
    cr_assert_str_eq(r->err, "heapdiff: warning: bad/stack-no-addresses.heap:2: no stack "
                             "addresses after '@' (2: 524288 [2: 524288]): the producer wrote "
                             "no stack for these counts (its dump buffer ran out there, or it "
                             "could not unwind); they are kept as one unknown stack, the row "
                             "0x0, as are any later such records\n");
}

Test(cli, dump_cut_by_the_producer_is_noted_in_warning_and_header)
{
    /* variants/tc-producer-cut.heap holds 1324800 of the 1390336 B in use
     * and of the 7943936 B allocated that its header counts. */
    struct run *r = heapdiff("--show_bytes", "bin/leaky", "variants/tc-producer-cut.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "Total: 1324800 B\nIncomplete: variants/tc-producer-cut.heap holds "
                             "95.3% of the 1390336 B its header counts (cut by gperftools' 1 "
                             "MiB dump buffer)\n"), "%s", r->out);
    cr_assert(strstr(r->err, "heapdiff: warning: variants/tc-producer-cut.heap: its records "
                             "hold 1293.8 of the 7757.8 KB allocated and 1293.8 of the 1357.8 "
                             "KB in use that its header counts: gperftools' fixed 1 MiB dump "
                             "buffer ran out"), "%s", r->err);
    r = heapdiff("--alloc_space", "bin/leaky", "variants/tc-producer-cut.heap", NULL);
    cr_assert(strstr(r->out, "holds 16.7% of the 7757.75 KiB its header counts"), "%s", r->out);
    /* Pictures say it in the legend; whole files say nothing. */
    r = heapdiff("--dot", "bin/leaky", "variants/tc-producer-cut.heap", NULL);
    cr_assert(strstr(r->out, "Incomplete: variants/tc-producer-cut.heap holds 95.3% of the"),
              "%s", r->out);
    r = heapdiff("bin/leaky", "profiles/tc-run1.0002.heap", NULL);
    cr_assert_not(strstr(r->out, "Incomplete"), "%s", r->out);
    cr_assert_str_eq(r->err, "");
}

Test(cli, unparsable_maps_line_exits_2)
{
    expect_failure(heapdiff("bad/bad-maps-line.heap", NULL),
                   "heapdiff: bad/bad-maps-line.heap:11: cannot parse maps line");
}

Test(cli, binary_where_a_profile_belongs_exits_2)
{
    /* The first argument is taken as the binary; a second binary is not. */
    static const char exe[] = "this is an ELF executable (PIE), not a heap profile: give it "
                              "first, as BINARY, then the profiles\n";
    expect_failure(heapdiff("bin/leaky", "bin/leaky", NULL), exe);
    expect_failure(heapdiff("profiles/tc-run1.0001.heap", "bin/leaky", NULL), exe);
    expect_failure(heapdiff("--base", "bin/leaky", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: bin/leaky: this is an ELF executable (PIE)");
    /* A core file first is no BINARY: it is refused as what it is. */
    expect_failure(heapdiff("bad/other-core", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: bad/other-core: this is an ELF core file, not a heap profile: "
                   "heapdiff reads heap profiles (gperftools, jemalloc, pprof's profile.proto), "
                   "valgrind massif and memcheck XML, and LeakSanitizer reports (HEAPPROFILE=prefix, "
                   "or MALLOC_CONF=prof:true)\n");
}

Test(cli, files_of_other_kinds_are_named_and_exit_2)
{
    static const struct {
        const char *file, *message;
    } cases[] = {
        {"bad/other-perf.data", "heapdiff: bad/other-perf.data: this is perf data (perf "
                                "record), not a heap profile: heapdiff reads heap profiles "
                                "(gperftools, jemalloc, pprof's profile.proto), valgrind massif "
                                "and memcheck XML, and LeakSanitizer reports\n"},
        /* massif output is read (README, "valgrind massif"): this one has no
         * heap tree to read */
        {"bad/other-massif.out", "heapdiff: bad/other-massif.out: none of its 1 snapshots "
                                 "is detailed (heap_tree=detailed): massif writes a tree every "
                                 "--detailed-freq snapshots (10 by default)\n"},
        {"bad/other-cpu.prof", "heapdiff: bad/other-cpu.prof: this is a gperftools CPU "
                               "profile (CPUPROFILE), not a heap profile"},
        {"bin/libleak.so", "heapdiff: bin/libleak.so: this is an ELF shared library, not a "
                           "heap profile: heapdiff finds libraries through the profile's maps "
                           "section; give the program first, as BINARY\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_failure(heapdiff("bin/leaky", cases[i].file, NULL), cases[i].message);
}

/* "-" is standard input, read once, plain or gzip'ed (README, "Inputs"). */
static struct run *heapdiff_stdin(const char *input, const char *first, ...)
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
    hd_test_run_heapdiff_stdin(argv, input, &run);
    r.status = run.status;
    snprintf(r.out, sizeof r.out, "%s", run.out);
    snprintf(r.err, sizeof r.err, "%s", run.err);
    hd_test_run_free(&run);
    return &r;
}

Test(cli, dash_reads_a_profile_from_standard_input)
{
    /* TC's total as google-pprof prints it (peer-totals.txt). */
    static const char *const inputs[] = {"profiles/tc-run1.0002.heap",
                                         "profiles/tc-run1.0002.heap.gz"};
    for (size_t i = 0; i < 2; i++) {
        struct run *r = heapdiff_stdin(inputs[i], "--show_bytes", "bin/leaky", "-", NULL);
        cr_assert_eq(r->status, 0, "%s: %s", inputs[i], r->err);
        cr_assert(strstr(r->out, "Total: 1390336 B\n"), "%s", r->out);
        cr_assert_str_eq(r->err, "");
    }
    /* As the base, named <stdin> in the header. */
    struct run *r = heapdiff_stdin("profiles/tc-run1.0001.heap", "--base", "-", "bin/leaky",
                                   "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "Base:    710.88 KiB  <stdin>\n"), "%s", r->out);
}

Test(cli, standard_input_twice_empty_or_over_the_limit_exits_2)
{
    expect_failure(heapdiff_stdin("profiles/tc-run1.0002.heap", "bin/leaky", "-", "-", NULL),
                   "heapdiff: standard input ('-') can be read only once\n");
    expect_failure(heapdiff_stdin("profiles/tc-run1.0002.heap", "--base", "-", "bin/leaky",
                                  "-", NULL),
                   "heapdiff: standard input ('-') can be read only once\n");
    expect_failure(heapdiff("bin/leaky", "-", NULL),
                   "heapdiff: <stdin>: empty file, not a heap profile\n");
    expect_failure(heapdiff_stdin("profiles/tc-run1.0002.heap", "--max-input-size", "1K",
                                  "bin/leaky", "-", NULL),
                   "heapdiff: <stdin>: more than 1024 bytes, the limit (--max-input-size)\n");
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
    cr_expect(strstr(r->out, "Total: 1293.75 KiB  (current minus base"), "%s", r->out);
    r = heapdiff("-top", "1", "-unit=b", "bin/leaky", "profiles/tc-run1.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->out, "Total: 2052736 B\n"
                             "Showing the top 1 of 12 rows by |flat|\n"
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
    /* The new file is the whole report (1390336 B: tc-run1's second
     * snapshot, as in peer-totals.txt), and no temporary file is left. */
    read_all(path, text, sizeof text);
    cr_expect(strncmp(text, "Total: 1357.75 KiB\n", 19) == 0, "%s", text);
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
    cr_expect(strstr(r->out, " linear_leak src/leaky.c:"), "%s", r->out);
    r = heapdiff("--addresses", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_expect(strstr(r->out, " leaky+0x"), "%s", r->out);
    r = heapdiff("--files", "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_expect(strstr(r->out, " src/leaky.c\n"), "%s", r->out);
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
    cr_expect_eq(lines, 4, "the Total line, what was left out and 2 rows: %s", r->out);
    r = heapdiff("--nodecount=3", "--nodefraction=0.1", "--show_bytes", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    /* 12 rows; 6 have |cum| >= 0.1 x 1390336 B (the 5 callers on the
     * path and recurse).  Of those, the first 3 in the report's order, as
     * Go pprof's -nodecount: recurse, then flat 0 by name. */
    cr_expect(strstr(r->out, "Total: 1390336 B\n"
                             "Dropped 6 rows (|cum| < 139033 B)\n"
                             "Showing the top 3 of 6 rows by |flat|\n"
                             " 1048576  75.4%  75.4%  1048576  75.4% recurse\n"
                             "       0   0.0%  75.4%  1390336 100.0% __libc_start_call_main\n"
                             "       0   0.0%  75.4%  1390336 100.0% __libc_start_main_impl\n"),
              "%s", r->out);
    r = heapdiff("--abs", "--show_bytes", "--base=profiles/tc-run1.0003.heap", "bin/leaky",
                 "profiles/tc-run1.0002.heap", NULL);
    cr_expect(strstr(r->out, "\n -524288 "), "shrinkage first by |flat|: %s", r->out);
}

/* How many lines of R's output start with a number: the report's rows. */
static size_t count_rows(const struct run *r)
{
    size_t rows = 0;
    const char *line = r->out;
    while (*line) {
        const char *first = line + strspn(line, " ");
        rows += *first == '-' || (*first >= '0' && *first <= '9');
        const char *end = strchr(line, '\n');
        line = end ? end + 1 : line + strlen(line);
    }
    return rows;
}

Test(cli, the_text_report_fits_a_screen_and_nodecount_0_shows_all)
{
    /* leaky_cpp at --addresses has 29 rows (every inlined frame of every
     * allocation site).  By default 20, and the header says how many and
     * how to see all; --nodecount=0 prints all 29, as jeprof.  (The
     * wrapper rule is off: it would charge std::_Vector_base::_M_allocate
     * to its callers and leave fewer rows.) */
    struct run *r = heapdiff("--addresses", "--no-wrappers", "--show_bytes", "bin/leaky_cpp",
                             "profiles/tc-cpp.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 375808 B\n"
                             "Showing the top 20 of 29 rows by |flat|; --nodecount=0 shows all\n"),
              "%s", r->out);
    cr_expect_eq(count_rows(r), 20, "%s", r->out);
    r = heapdiff("--addresses", "--no-wrappers", "--show_bytes", "--nodecount=0", "bin/leaky_cpp",
                 "profiles/tc-cpp.0002.heap", NULL);
    cr_expect_eq(count_rows(r), 29, "%s", r->out);
    cr_expect_null(strstr(r->out, "Showing"), "%s", r->out);
    cr_expect_null(strstr(r->out, "Dropped"), "%s", r->out);
    /* --top N is N rows, not the default 20. */
    r = heapdiff("--addresses", "--no-wrappers", "--top=25", "bin/leaky_cpp", "profiles/tc-cpp.0002.heap", NULL);
    cr_expect_eq(count_rows(r), 25, "%s", r->out);
    cr_expect(strstr(r->out, "Showing the top 25 of 29 rows by |flat|\n"), "%s", r->out);
}

Test(cli, normalize_gives_percentages_of_the_current_total)
{
    /* Snapshot 1 scaled to snapshot 2's total: the delta is a rounding
     * residue, of which recurse was 162183436554506400.0%.  It is 47201 B
     * of the current 1390336 B. */
    struct run *r = heapdiff("--normalize", "--show_bytes", "--base=profiles/tc-run1.0001.heap",
                             "bin/leaky", "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 0 B  (current minus base)\n"
                             "Percentages are of the current total, 1390336 B (|delta| < half "
                             "of all change)\n"),
              "%s", r->out);
    cr_expect(strstr(r->out, "   47201   3.4%   3.4%    47201   3.4% recurse\n"), "%s", r->out);
    cr_expect(strstr(r->out, "  -59635  -4.3%"), "%s", r->out);
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

/* ---- source paths and --list (issue 9) ---- */

Test(cli, trim_path_takes_prefixes_off_every_shown_source_file)
{
    /* testdata/bin/leaky's DWARF names src/leaky.c (comp_dir ".", file
     * "src/leaky.c", cleaned from "./src/leaky.c"). */
    struct run *r = heapdiff("--lines", "--show_bytes", "--trim-path", "src", "bin/leaky",
                             "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "\n  524288  72.0%  72.0%   524288  72.0% recurse leaky.c:130\n"),
              "%s", r->out);
    cr_expect_null(strstr(r->out, "src/"), "%s", r->out);
    /* Go pprof's spelling, and a ':' list whose first item matches nothing. */
    r = heapdiff("--files", "-trim_path=/nowhere:sysdeps", "bin/leaky",
                 "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "% x86/libc-start.c\n"), "%s", r->out);
    cr_expect(strstr(r->out, "% src/leaky.c\n"), "%s", r->out);
}

Test(cli, list_is_a_report_kind_that_takes_a_regex)
{
    /* Go pprof's spelling, one dash and a separate argument. */
    struct run *r = heapdiff("-list", "linear_leak", "bin/leaky", "profiles/tc-run1.0001.heap",
                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "\nROUTINE ======================== linear_leak in src/leaky.c\n"),
              "%s", r->out);
    r = heapdiff("--list=linear_leak", "--list", "linear_leak", "bin/leaky",
                 "profiles/tc-run1.0001.heap", NULL);
    cr_expect_eq(r->status, 0, "the same choice twice is fine: %s", r->err);
    /* A report kind like the others: two of them, or two regexes, are an
     * error that names both. */
    expect_failure(heapdiff("--list=a", "--svg", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: '--list=a' and '--svg' contradict each other: choose one\n");
    expect_failure(heapdiff("--text", "--list", "a", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: '--text' and '--list' contradict each other: choose one\n");
    expect_failure(heapdiff("--list=a", "--list=b", "profiles/tc-run1.0001.heap", NULL),
                   "heapdiff: '--list=b' is given twice ('a' and 'b'): choose one\n");
    expect_failure(heapdiff("--list", NULL), "heapdiff: option '--list' needs RE\n");
}

/* ---- warnings about the inputs, and how much they say (issue 9) ---- */

/* How many lines of R's standard error hold TEXT. */
static size_t err_lines_with(const struct run *r, const char *text)
{
    size_t n = 0;
    for (const char *line = r->err; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[sizeof r->err];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        n += strstr(buf, text) != NULL;
        line += len + (end != NULL);
    }
    return n;
}

static size_t err_lines(const struct run *r)
{
    size_t n = 0;
    for (const char *p = r->err; (p = strchr(p, '\n')); p++)
        n++;
    return n;
}

/* A new empty folder under /tmp, its path in DIR (of SIZE bytes). */
static void make_temp_dir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/hd-cli-in-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_tree(const char *dir)
{
    char command[4200];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

/* Copy the testdata file NAME to PATH. */
static void copy_testdata(const char *name, const char *path)
{
    char from[4096], command[9000];
    snprintf(from, sizeof from, "%s/%s", getenv("HD_TESTDATA"), name);
    snprintf(command, sizeof command, "cp '%s' '%s'", from, path);
    cr_assert_eq(system(command), 0, "%s", command);
}

Test(cli, a_binary_that_is_not_the_profiles_program_is_named_once)
{
    /* tc-run1's maps name .../bin/leaky, found next to BINARY; leaky_cpp
     * is another program (another build-id).  Two profiles, one warning,
     * naming the file used and the one the profile names. */
    struct run *r = heapdiff("bin/leaky_cpp", "profiles/tc-run1.0001.heap",
                             "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_eq(err_lines_with(r, "bin/leaky_cpp has another build-id (5c959077d991...) than "
                                   "bin/leaky (28ad77e27b82...), the program the profile names: "
                                   "names come from bin/leaky_cpp, and are wrong if it did not "
                                   "write the profile"),
                 1, "%s", r->err);
    r = heapdiff("bin/leaky", "profiles/tc-run1.0001.heap", "profiles/tc-run1.0002.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->err, "another build-id"), "%s", r->err);
}

Test(cli, a_base_of_another_program_is_said)
{
    /* tc-cpp is a profile of leaky_cpp, tc-run1 of leaky: by build-id
     * and by name, they share no program. */
    struct run *r = heapdiff("--base=profiles/tc-cpp.0001.heap", "profiles/tc-run1.0002.heap",
                             NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->err, "heapdiff: warning: the base profiles/tc-cpp.0001.heap is a "
                             "profile of leaky_cpp, the current profiles/tc-run1.0002.heap "
                             "one of leaky: they share no program"),
              "%s", r->err);
    cr_expect(strstr(r->out, "\nCaution: the base is of leaky_cpp, the current of leaky\n"),
              "%s", r->out);
    /* Two runs of one program, even from two workspaces, share it. */
    r = heapdiff("--base=profiles/tc-run1.0001.heap", "bin/leaky", "profiles/tc-run2.0003.heap",
                 NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_null(strstr(r->err, "share no program"), "%s", r->err);
}

Test(cli, the_base_among_the_currents_is_said)
{
    /* "--base i0.heap bin je.*.heap": the shell's list holds the base. */
    struct run *r = heapdiff("--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run1.0001.heap", "profiles/tc-run1.0002.heap",
                             "profiles/tc-run1.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->err, "heapdiff: warning: profiles/tc-run1.0001.heap is the base and "
                             "also one of the 3 current profiles, which are summed: to follow "
                             "a series of snapshots, diff consecutive ones (--base A B, then "
                             "--base B C)\n"),
              "%s", r->err);
    cr_expect(strstr(r->out, "\nCaution: profiles/tc-run1.0001.heap is the base and a "
                             "current\n"),
              "%s", r->out);
    /* The same file under another name: a link. */
    char dir[64], link[128], target[4096];
    make_temp_dir(dir, sizeof dir);
    snprintf(link, sizeof link, "%s/again.heap", dir);
    snprintf(target, sizeof target, "%s/profiles/tc-run1.0001.heap", getenv("HD_TESTDATA"));
    cr_assert_eq(symlink(target, link), 0);
    r = heapdiff("--base=profiles/tc-run1.0001.heap", "bin/leaky", link, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->err, "is both the base and the current: the delta is zero"), "%s",
              r->err);
    remove_tree(dir);
    r = heapdiff("--base=profiles/tc-run1.0001.heap", "bin/leaky", "profiles/tc-run1.0002.heap",
                 NULL);
    cr_expect_str_eq(r->err, "", "a plain diff warns of nothing");
}

Test(cli, a_base_written_after_the_current_gets_a_hint)
{
    /* gperftools: PREFIX.NNNN.heap; dump 3 of tc-run1 holds more than
     * dump 1, so the reversed diff is negative. */
    struct run *r = heapdiff("--base=profiles/tc-run1.0003.heap", "bin/leaky",
                             "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->err, "heapdiff: warning: the total is negative: the base "
                             "profiles/tc-run1.0003.heap was written after the current "
                             "profiles/tc-run1.0001.heap (dumps 3 and 1 of one run): swap "
                             "them?\n"),
              "%s", r->err);
    /* The header says it too, under the negative total. */
    cr_expect(strstr(r->out, "(current minus base; percentages are of its size)\n"
                             "Caution: the base is dump 3, the current dump 1 of one run: "
                             "swap them?\n"),
              "%s", r->out);
    /* Two runs (tc-run1, tc-run2) have no order. */
    r = heapdiff("--base=profiles/tc-run2.0003.heap", "bin/leaky", "profiles/tc-run1.0001.heap",
                 NULL);
    cr_expect_null(strstr(r->err, "swap them"), "%s", r->err);
    /* jemalloc: PREFIX.PID.SEQ.KIND.heap, SEQ counting every dump of the
     * process; another pid is another run. */
    char dir[64], early[128], late[128], other[128];
    make_temp_dir(dir, sizeof dir);
    snprintf(early, sizeof early, "%s/jeprof.4242.1.i1.heap", dir);
    snprintf(late, sizeof late, "%s/jeprof.4242.12.m0.heap.gz", dir);
    snprintf(other, sizeof other, "%s/jeprof.4243.12.i12.heap", dir);
    copy_testdata("profiles/je-unsampled-run1.1.heap", early);
    copy_testdata("profiles/je-unsampled-run1.2.heap.gz", late);
    copy_testdata("profiles/je-unsampled-run1.2.heap", other);
    r = heapdiff("--base", late, "bin/leaky", early, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char want[512];
    snprintf(want, sizeof want, "the base %s was written after the current %s (dumps 12 and 1 "
             "of one run): swap them?", late, early);
    cr_expect(strstr(r->err, want), "%s", r->err);
    r = heapdiff("--base", other, "bin/leaky", early, NULL);
    cr_expect_null(strstr(r->err, "swap them"), "%s", r->err);
    r = heapdiff("--base", early, "bin/leaky", late, NULL);
    cr_expect_null(strstr(r->err, "swap them"), "%s", r->err);
    remove_tree(dir);
}

/* Write a gperftools profile to PATH: one 4096-byte stack per address of
 * ADDRESSES (N of them), and the maps section MAPS. */
static void write_profile(const char *path, const uint64_t *addresses, size_t n,
                          const char *maps)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "heap profile: %zu: %zu [%zu: %zu] @ heapprofile\n", n, 4096 * n, n, 4096 * n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "1: 4096 [1: 4096] @ 0x%llx\n", (unsigned long long)addresses[i]);
    fprintf(f, "\nMAPPED_LIBRARIES:\n%s", maps);
    fclose(f);
}

Test(cli, modules_without_debug_info_get_short_lines_or_one)
{
    /* c-symtab-only has no DWARF and no debug file anywhere. */
    char dir[64], maps[8192] = "", path[256], profile[128];
    make_temp_dir(dir, sizeof dir);
    uint64_t addresses[6];
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "%s/libnodebug%d.so", dir, i);
        copy_testdata("sym/bin/c-symtab-only", path);
        uint64_t start = 0x7f0000000000ull + ((uint64_t)i << 24);
        size_t len = strlen(maps);
        snprintf(maps + len, sizeof maps - len, "%llx-%llx r-xp 00000000 00:00 0 %s\n",
                 (unsigned long long)start, (unsigned long long)start + 0x4000, path);
        addresses[i] = start + 0x11c9; /* leaf_alloc's call */
    }
    snprintf(profile, sizeof profile, "%s/p.heap", dir);
    /* Three modules: a short line each. */
    write_profile(profile, addresses, 3, maps);
    struct run *r = heapdiff(profile, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->err, "heapdiff: warning: libnodebug0.so: no debug info\n"
                             "heapdiff: warning: libnodebug1.so: no debug info\n"
                             "heapdiff: warning: libnodebug2.so: no debug info\n");
    /* Six: one line. */
    write_profile(profile, addresses, 6, maps);
    r = heapdiff(profile, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->err, "heapdiff: warning: no debug info for 6 modules: libnodebug0.so, "
                             "libnodebug1.so, libnodebug2.so, libnodebug3.so and 2 more (-v "
                             "lists where each was looked for)\n");
    /* -v: a line each, with the paths tried. */
    r = heapdiff("-v", profile, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_eq(err_lines(r), 6, "%s", r->err);
    cr_expect_eq(err_lines_with(r, "libnodebug5.so: no debug info (looked for "
                                   "/usr/lib/debug/.build-id/ab/"),
                 1, "%s", r->err);
    remove_tree(dir);
}

Test(cli, a_binary_that_does_not_fit_gets_one_line_with_a_count)
{
    /* 40 return addresses at file offsets 0x40000.. of the main mapping:
     * bin/leaky's load segments end before 0x4000. */
    char dir[64], profile[128];
    make_temp_dir(dir, sizeof dir);
    uint64_t addresses[40];
    for (int i = 0; i < 40; i++)
        addresses[i] = 0x555555594000ull + 16 * (uint64_t)i + 1;
    snprintf(profile, sizeof profile, "%s/p.heap", dir);
    write_profile(profile, addresses, 40,
                  "555555554000-555555600000 r-xp 00000000 00:00 0 /build/elsewhere/prog\n");
    struct run *r = heapdiff("bin/leaky", profile, NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_eq(r->err, "heapdiff: warning: bin/leaky: its load segments do not fit the "
                             "main program's mapping (/build/elsewhere/prog): 40 addresses lie "
                             "outside them, the first at file offset 0x40000; wrong binary?\n");
    remove_tree(dir);
}

/* A profile at PROFILE with one 4096-byte stack in lib_alloc (libleak.so's
 * call at file offset 0x1149), the library mapped as LIBRARY. */
static void write_lib_alloc_profile(const char *profile, const char *library)
{
    char maps[2 * 8192 + 200];
    snprintf(maps, sizeof maps,
             "7f0000000000-7f0000001000 r--p 00000000 00:00 0 %s\n"
             "7f0000001000-7f0000002000 r-xp 00001000 00:00 0 %s\n",
             library, library);
    uint64_t address = 0x7f000000114aull;
    write_profile(profile, &address, 1, maps);
}

Test(cli, sysroot_confines_the_paths_a_profile_names)
{
    /* DIR/opt/app/libleak.so is a copy; libabs.so an absolute link to
     * /opt/app/libleak.so, which is DIR's; libesc.so a relative link that
     * climbs out of DIR to the real one.  Under --sysroot, a path is what
     * it would be if DIR were "/": ".." and links stay inside. */
    char dir[64], path[4096], profile[128], real[4096];
    make_temp_dir(dir, sizeof dir);
    snprintf(profile, sizeof profile, "%s/p.heap", dir);
    snprintf(real, sizeof real, "%s/bin/libleak.so", getenv("HD_TESTDATA"));
    cr_assert_eq(real[0], '/', "HD_TESTDATA must be absolute");
    snprintf(path, sizeof path, "%s/opt", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/opt/app", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/opt/app/libleak.so", dir);
    copy_testdata("bin/libleak.so", path);
    snprintf(path, sizeof path, "%s/opt/app/libabs.so", dir);
    cr_assert_eq(symlink("/opt/app/libleak.so", path), 0);
    char climb[8192];
    snprintf(climb, sizeof climb, "../../../../../../../../..%s", real);
    snprintf(path, sizeof path, "%s/opt/app/libesc.so", dir);
    cr_assert_eq(symlink(climb, path), 0);
    char sysroot[128];
    snprintf(sysroot, sizeof sysroot, "--sysroot=%s", dir);

    static const struct {
        const char *library; /* as the maps name it, followed by the real
                                file's path when WITH_REAL */
        bool with_real;
        bool with_sysroot;
        bool named;          /* lib_alloc is found */
    } cases[] = {
        {"", true, false, true},                     /* the host's file */
        {"", true, true, false},                     /* not under DIR: no fallback */
        {"/opt/app/libleak.so", false, true, true},  /* DIR's copy */
        {"/opt/app/libabs.so", false, true, true},   /* absolute link, read in DIR */
        {"/opt/app/libesc.so", false, true, false},  /* a link cannot climb out */
        {"/opt/app/../../../../../..", true, true, false}, /* nor can ".." */
        {"../../../../../../..", true, true, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char library[8192];
        snprintf(library, sizeof library, "%s%s", cases[i].library,
                 cases[i].with_real ? real : "");
        write_lib_alloc_profile(profile, library);
        struct run *r = cases[i].with_sysroot ? heapdiff("--show_bytes", sysroot, profile, NULL)
                                              : heapdiff("--show_bytes", profile, NULL);
        cr_assert_eq(r->status, 0, "%s: %s", library, r->err);
        cr_expect_eq(has_row(r, "4096", " lib_alloc"), cases[i].named, "%s%s: %s %s", library,
                     cases[i].with_sysroot ? " under --sysroot" : "", r->out, r->err);
        if (!cases[i].named)
            cr_expect(strstr(r->err, ": cannot read: No such file or directory"), "%s: %s",
                      library, r->err);
    }
    remove_tree(dir);
}

Test(cli, trimming_keeps_the_rows_that_shrank_most_in_a_shrinking_diff)
{
    /* Snapshot 4 as the base of snapshot 1: every leak shrank.  Sorted by
     * signed flat, the rows that did not change would come first; the two
     * rows kept are the two of largest |flat|, printed in report order. */
    struct run *r = heapdiff("--show_bytes", "--top=2", "--base=profiles/tc-run1.0004.heap",
                             "bin/leaky", "profiles/tc-run1.0001.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "rows by |flat|\n"
                             " -147456  -7.4%  -7.4%  -147456  -7.4% lib_alloc\n"
                             "-1572864 -79.1% -86.6% -1572864 -79.1% recurse\n"),
              "%s", r->out);
}

Test(cli, a_stack_past_the_default_frame_limit_is_refused_quickly)
{
    /* README "Limits": 65,536 frames in one stack by default.  A stack of
     * 70,000 frames (gperftools writes at most 64) is refused with the
     * limit's name, not read into memory. */
    enum { FRAMES = 70000 };
    size_t size = 64 + (size_t)FRAMES * 12 + 64;
    char *text = malloc(size);
    cr_assert_not_null(text);
    size_t n = (size_t)snprintf(text, size, "heap profile: 1: 8 [1: 8] @ heapprofile\n1: 8 [1: 8] @");
    for (int i = 0; i < FRAMES; i++)
        n += (size_t)snprintf(text + n, size - n, " 0x%x", 0x100000 + i);
    snprintf(text + n, size - n, "\n\nMAPPED_LIBRARIES:\n");
    char dir[64], path[128];
    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/deep.heap", dir);
    write_file(path, text);
    free(text);
    struct run *r = heapdiff(path, NULL);
    cr_expect_eq(r->status, 2, "%s", r->err);
    cr_expect(strstr(r->err, ":2: more than 65536 frames in a stack, heapdiff's limit"), "%s",
              r->err);
    remove_tree(dir);
}

Test(cli, text_default_unit_suits_the_report_and_mb_is_jeprofs_layout)
{
    /* tc-run1 tick 1 -> 3 grows by 1324800 B (testdata/README.md): under
     * 100 MiB, so KiB with two decimals, where jeprof's MB rows read 0.1. */
    struct run *r = heapdiff("--base=profiles/tc-run1.0001.heap", "bin/leaky",
                             "profiles/tc-run1.0003.heap", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 1293.75 KiB  (current minus base"), "%s", r->out);
    cr_expect(strstr(r->out, "\n   80.00   6.2%"), "%s", r->out);
    r = heapdiff("--unit=MB", "--base=profiles/tc-run1.0001.heap", "bin/leaky",
                 "profiles/tc-run1.0003.heap", NULL);
    cr_expect(strstr(r->out, "Total: 1.3 MB  (current minus base"), "%s", r->out);
    cr_expect(strstr(r->out, "\n     0.1   6.2%"), "%s", r->out);
}

/* ---- pprof's profile.proto ---- */

Test(cli, go_pprof_protos_diff_as_go_pprof_diffs_them)
{
    /* Go pprof -proto of tc-run1.0002 and .0004 (symbolized by Go pprof,
     * with lines): the rows `pprof -text -base` prints for them. */
    struct run *r = heapdiff("--show_bytes", "--base", "proto/gopprof-tc-run1.0002.pb.gz",
                             "bin/leaky", "proto/gopprof-tc-run1.0004.pb.gz", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 1324800 B  (current minus base"), "%s", r->out);
    cr_expect(strstr(r->out, " 1048576  79.1%  79.1%  1048576  79.1% recurse\n"), "%s", r->out);
    cr_expect(strstr(r->out, "   96000   7.2%  93.8%    96000   7.2% inlined_alloc (inline)\n"),
              "%s", r->out);
    cr_expect(strstr(r->out, "   81920   6.2% 100.0%    81920   6.2% linear_leak\n"), "%s",
              r->out);
    /* Named by Go pprof (from the symbol table), not looked up again. */
    cr_expect(strstr(r->out, "% __libc_start_main\n"), "%s", r->out);
}

Test(cli, jemalloc_pprof_shaped_protos_are_symbolized_here)
{
    struct run *r = heapdiff("--lines", "bin/leaky", "proto/jepprof-run1.4.pb.gz", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 2731.50 KiB\n"), "%s", r->out);
    cr_expect(strstr(r->out, "% recurse src/leaky.c:130\n"), "%s", r->out);
    /* inuse_space only: no object counts to show. */
    expect_failure(heapdiff("--inuse_objects", "bin/leaky", "proto/jepprof-run1.4.pb.gz", NULL),
                   "heapdiff: proto/jepprof-run1.4.pb.gz: has no object counts, only bytes");
}

Test(cli, bad_protos_exit_2)
{
    expect_failure(heapdiff("bin/leaky", "proto/bad/location-id-out-of-range.pb", NULL),
                   "heapdiff: proto/bad/location-id-out-of-range.pb: sample 1: location id 9 "
                   "does not exist\n");
    expect_failure(heapdiff("bin/leaky", "proto/bad/truncated.pb", NULL),
                   "heapdiff: proto/bad/truncated.pb: a pprof profile.proto that cannot be "
                   "decoded: truncated or malformed\n");
    expect_failure(heapdiff("--max-input-size=1M", "bin/leaky", "proto/bad/gzip-bomb.pb.gz",
                            NULL),
                   "heapdiff: proto/bad/gzip-bomb.pb.gz: gzip data inflates to more than "
                   "1048576 bytes");
}

Test(cli, protos_of_two_builds_meet_by_their_frames)
{
    /* Go pprof -proto of tc-twobuilds-1.0002 and -2.0002, each named from
     * its own build: leak_buffers' return addresses moved between the
     * builds, the frames did not (testdata/README.md, "twobuilds"). */
    struct run *r = heapdiff("--show_bytes", "--base", "proto/gopprof-twobuilds-1.0002.pb.gz",
                             "proto/gopprof-twobuilds-2.0002.pb.gz", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Total: 66048 B  (current minus base"), "%s", r->out);
    cr_expect(strstr(r->out, "   65536  99.2% leak_buffers\n"), "%s", r->out);
    cr_expect(strstr(r->out, "     512   0.8% stamp (new)\n"), "%s", r->out);
}

Test(cli, heap_profiles_of_go_s_runtime_are_read_as_go_pprof_reads_them)
{
    /* testdata/src/goheap.go (MemProfileRate 1): Go's runtime writes
     * period_type first, and runtime.main is the root of every stack, not
     * an allocator frame. */
    struct run *r = heapdiff("--show_bytes", "proto/go-heap-1.pb.gz", NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, " 2097152  79.3%  79.3%  2097152  79.3% main.leakBig\n"), "%s",
              r->out);
    cr_expect(strstr(r->out, "  544768  20.6% 100.0%   544768  20.6% main.leakSmall\n"), "%s",
              r->out);
    r = heapdiff("--show_bytes", "--base", "proto/go-heap-1.pb.gz", "proto/go-heap-2.pb.gz",
                 NULL);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect(strstr(r->out, " 1048576  99.2%  99.2%  1048576  99.2% main.leakBig\n"), "%s",
              r->out);
}
