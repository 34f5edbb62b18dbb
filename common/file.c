/* Opening regular files without blocking (see file.h). */
#include "file.h"

#include <fcntl.h>
#include <unistd.h>

int hd_file_open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat local;
    if (!st)
        st = &local;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return HD_FILE_NOT_REGULAR;
    }
    /* Reads of a regular file never block; clear the flag anyway, so that
     * nothing downstream can see EAGAIN. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}
