/* Running the heapdiff binary from a test, as a user would: the program is
 * $HEAPDIFF and it runs in $HD_TESTDATA (tests/meson.build sets both), with
 * standard input from /dev/null. */
#ifndef HD_TEST_RUN_HEAPDIFF_H
#define HD_TEST_RUN_HEAPDIFF_H

#include <stddef.h>

struct hd_test_run {
    int status;      /* exit status, or -1 when it did not exit normally */
    char *out;       /* all of standard output, NUL-terminated; malloc'd */
    size_t out_size; /* its length in bytes (the output may hold NULs) */
    char *err;       /* all of standard error, NUL-terminated; malloc'd */
};

/* Run heapdiff with ARGV (NULL-terminated, without the program name) and
 * wait for it.  Fails the current test when it cannot be started. */
void hd_test_run_heapdiff(const char *const *argv, struct hd_test_run *run);

/* The same with standard input read from STDIN_PATH (relative to
 * $HD_TESTDATA) instead of /dev/null. */
void hd_test_run_heapdiff_stdin(const char *const *argv, const char *stdin_path,
                                struct hd_test_run *run);

void hd_test_run_free(struct hd_test_run *run);

/* Run heapdiff with the NULL-terminated arguments FIRST, ...; the result
 * lives until the next call. */
struct hd_test_run *hd_test_heapdiff(const char *first, ...);

#endif
