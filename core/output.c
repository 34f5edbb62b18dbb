/* Atomic output files (see output.h). */
#include "output.h"

#include "array.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hd_output_check(const char *path, struct hd_error *err)
{
    if (!path || strcmp(path, "-") == 0)
        return 0;
    /* rename() would replace a FIFO, a device or a directory's entry; only
     * a regular file may be overwritten. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return hd_error_set(err, path, 0, "cannot write: not a regular file");
    return 0;
}

int hd_output_open(struct hd_output *out, const char *path, struct hd_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        out->stream = stdout;
        return 0;
    }
    if (hd_output_check(path, err) != 0)
        return -1;
    size_t n = strlen(path);
    out->final_path = hd_strdup(path);
    out->temp_path = hd_malloc(n + 16, 1);
    snprintf(out->temp_path, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(out->temp_path);
    if (fd < 0) {
        hd_error_set(err, path, 0, "cannot create output file: %s", strerror(errno));
        free(out->final_path);
        free(out->temp_path);
        memset(out, 0, sizeof *out);
        return -1;
    }
    fchmod(fd, 0644);
    out->stream = fdopen(fd, "w");
    if (!out->stream)
        abort();
    return 0;
}

int hd_output_close(struct hd_output *out, int success, struct hd_error *err)
{
    int rc = 0;
    if (!out->final_path) {
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = hd_error_set(err, NULL, 0, "cannot write to standard output");
        return rc;
    }
    bool failed_write = fclose(out->stream) != 0;
    if (success && failed_write)
        rc = hd_error_set(err, out->final_path, 0, "cannot write: %s", strerror(errno));
    else if (success && rename(out->temp_path, out->final_path) != 0)
        rc = hd_error_set(err, out->final_path, 0, "cannot rename into place: %s",
                          strerror(errno));
    if (!success || rc != 0)
        unlink(out->temp_path);
    free(out->final_path);
    free(out->temp_path);
    memset(out, 0, sizeof *out);
    return rc;
}
