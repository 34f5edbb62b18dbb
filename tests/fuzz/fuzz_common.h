/* What the fuzz targets share: input bytes as a file (a memfd, so nothing
 * touches the disk) and silenced warnings.  Header-only: each target is
 * one .c file that includes it. */
#ifndef HD_FUZZ_COMMON_H
#define HD_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"

/* A file holding a target's bytes, named by a path any open() accepts. */
struct fuzz_file {
    int fd;          /* -1: none */
    char path[64];   /* /proc/self/fd/N */
};

/* Write DATA (SIZE bytes) into a new memfd.  Aborts on failure: a fuzz
 * target that cannot make its file has nothing to test. */
static inline void fuzz_file_make(struct fuzz_file *f, const uint8_t *data, size_t size)
{
    f->fd = memfd_create("hd-fuzz", MFD_CLOEXEC);
    if (f->fd < 0)
        abort();
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(f->fd, data + done, size - done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

static inline void fuzz_file_drop(struct fuzz_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

static void fuzz_drop_warning(void *context, const char *text)
{
    (void)context;
    (void)text;
}

/* Call at the start of each input: warnings are dropped, and the set of
 * warnings already said (hd_warn's memory) is emptied so that it does not
 * grow over millions of inputs. */
static inline void fuzz_quiet(void)
{
    hd_warning_set_sink(fuzz_drop_warning, NULL);
    hd_warning_reset();
}

#endif
