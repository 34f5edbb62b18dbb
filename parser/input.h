/* Reading an input file into memory: mmap'ed as is, or inflated when it
 * is gzip-compressed (detected by its magic bytes, not its name).  The
 * path "-" is standard input, read to its end. */
#ifndef HD_INPUT_H
#define HD_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct hd_input {
    const char *data; /* size bytes; not NUL-terminated */
    size_t size;
    bool compressed;  /* the file was gzip data; data is the inflated text */
    void *mapped;     /* private: the mmap'ed file, or NULL */
    size_t mapped_size;
    char *inflated;   /* private: malloc'ed inflated text, or NULL */
    char *read;       /* private: malloc'ed bytes read from standard input,
                         or NULL */
};

/* The path that names standard input, and the name messages and reports
 * give it. */
#define HD_INPUT_STDIN_PATH "-"
#define HD_INPUT_STDIN_NAME "<stdin>"

/* Whether PATH names standard input. */
bool hd_input_is_stdin(const char *path);

/* The name messages use for PATH: HD_INPUT_STDIN_NAME for standard
 * input, else PATH itself. */
const char *hd_input_name(const char *path);

/* Map PATH and inflate it if it is gzip data.  PATH "-" is standard input,
 * read until its end (waiting for a pipe's writer is the user's choice);
 * a terminal there is refused rather than waited on.  Returns 0, or -1
 * with *ERR set (unreadable file, a terminal, corrupt or truncated gzip
 * data, or more than MAX_SIZE bytes read or inflated). */
int hd_input_open(struct hd_input *in, const char *path, size_t max_size,
                  struct hd_error *err);

/* Release what hd_input_open() took.  Safe on a zeroed struct. */
void hd_input_close(struct hd_input *in);

/* Whether the first bytes of the file at PATH are the ELF magic.  False
 * for standard input and when it cannot be read. */
bool hd_input_is_elf(const char *path);

/* Whether the file at PATH is an ELF executable or shared object: what
 * BINARY may be (a core file or an object file is not).  False for
 * standard input and when it cannot be read. */
bool hd_input_is_elf_program(const char *path);

/* Whether the file at PATH starts with PREFIX (at most 64 bytes), once
 * inflated if it is gzip data; only its start is read.  False for
 * standard input and when it cannot be read. */
bool hd_input_starts_with(const char *path, const char *prefix);

#endif
