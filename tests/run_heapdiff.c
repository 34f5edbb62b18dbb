/* Running the heapdiff binary from a test (see run_heapdiff.h). */
#include "run_heapdiff.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The whole of file FD, from its start, NUL-terminated. */
static char *read_whole(int fd, size_t *size)
{
    size_t capacity = 4096, length = 0;
    char *data = malloc(capacity);
    cr_assert_not_null(data);
    lseek(fd, 0, SEEK_SET);
    for (ssize_t n; (n = read(fd, data + length, capacity - length - 1)) > 0;) {
        length += (size_t)n;
        if (capacity - length == 1) {
            capacity *= 2;
            data = realloc(data, capacity);
            cr_assert_not_null(data);
        }
    }
    data[length] = '\0';
    if (size)
        *size = length;
    return data;
}

void hd_test_run_heapdiff(const char *const *args, struct hd_test_run *run)
{
    hd_test_run_heapdiff_stdin(args, "/dev/null", run);
}

void hd_test_run_heapdiff_stdin(const char *const *args, const char *stdin_path,
                                struct hd_test_run *run)
{
    const char *argv[64];
    size_t argc = 0;
    argv[argc++] = getenv("HEAPDIFF");
    cr_assert_not_null(argv[0], "HEAPDIFF is not set");
    for (size_t i = 0; args[i]; i++) {
        cr_assert_lt(argc, sizeof argv / sizeof argv[0] - 1, "too many arguments");
        argv[argc++] = args[i];
    }
    argv[argc] = NULL;

    char out_path[] = "/tmp/hd-test-out-XXXXXX", err_path[] = "/tmp/hd-test-err-XXXXXX";
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    cr_assert(out_fd >= 0 && err_fd >= 0, "cannot create temporary files");
    unlink(out_path);
    unlink(err_path);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    const char *testdata = getenv("HD_TESTDATA");
    cr_assert(testdata && chdir(testdata) == 0, "cannot enter HD_TESTDATA");
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path, O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    cr_assert_eq(rc, 0, "cannot run %s", argv[0]);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    run->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    run->out = read_whole(out_fd, &run->out_size);
    run->err = read_whole(err_fd, NULL);
    close(out_fd);
    close(err_fd);
}

void hd_test_run_free(struct hd_test_run *run)
{
    free(run->out);
    free(run->err);
    run->out = run->err = NULL;
}

struct hd_test_run *hd_test_heapdiff(const char *first, ...)
{
    static struct hd_test_run run;
    static bool ran;
    if (ran)
        hd_test_run_free(&run);
    const char *argv[64];
    size_t argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    hd_test_run_heapdiff(argv, &run);
    ran = true;
    return &run;
}
