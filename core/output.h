/* Where a report goes: stdout, or a file written atomically. */
#ifndef HD_OUTPUT_H
#define HD_OUTPUT_H

#include <stdio.h>

#include "error.h"

struct hd_output {
    FILE *stream;       /* where to write */
    char *final_path;   /* NULL for stdout */
    char *temp_path;    /* the temporary file renamed to final_path */
};

/* Whether a report can go to PATH (NULL or "-": stdout): a missing file
 * or a regular one, never a FIFO, a device or a directory, which the
 * rename would replace.  The core asks before it reads any input, so a
 * bad -o fails at once.  Returns 0, or -1 with *ERR set. */
int hd_output_check(const char *path, struct hd_error *err);

/* Open PATH for writing through a temporary file in the same directory,
 * or stdout when PATH is NULL or "-".  Returns 0, or -1 with *ERR set. */
int hd_output_open(struct hd_output *out, const char *path, struct hd_error *err);

/* Finish: flush, and on SUCCESS rename the temporary file into place;
 * otherwise remove it.  Returns 0, or -1 with *ERR set when writing or
 * renaming failed. */
int hd_output_close(struct hd_output *out, int success, struct hd_error *err);

#endif
