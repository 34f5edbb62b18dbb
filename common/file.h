/* Opening the files heapdiff reads: profiles, binaries, libraries, debug
 * files.  Their paths come from the command line and from profiles (the
 * maps section, .gnu_debuglink, .gnu_debugaltlink), so they may name a
 * FIFO, a device or a directory.  open() on a FIFO blocks until a writer
 * comes, so the file is opened without blocking and checked before a
 * byte is read. */
#ifndef HD_FILE_H
#define HD_FILE_H

#include <sys/stat.h>

/* What hd_file_open_regular() returns for something that opened but is not
 * a regular file (a FIFO, a device, a directory). */
#define HD_FILE_NOT_REGULAR (-2)

/* Open PATH read-only (O_NONBLOCK, O_CLOEXEC) and require a regular file.
 * Returns the descriptor, with *ST filled when ST is not NULL; -1 with
 * errno set when it cannot be opened; or HD_FILE_NOT_REGULAR. */
int hd_file_open_regular(const char *path, struct stat *st);

#endif
