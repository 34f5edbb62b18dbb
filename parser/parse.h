/* Reading heap profiles: the entry point of the parser stage. */
#ifndef HD_PARSE_H
#define HD_PARSE_H

#include <stddef.h>

#include "model.h"

/* Largest profile text heapdiff reads (after gunzip): 4 GiB. */
#define HD_PARSE_MAX_BYTES ((size_t)4 << 30)

/* Read the heap profile in the file at PATH: gperftools' "heap profile:"
 * text (every header type, FORMATS.md §1.1), jemalloc >= 4's threaded
 * "heap_v2/R" text (§1.2) or jemalloc 2.x/3.x text (§1.3), gzip'ed or not,
 * with LF or CRLF line ends.  Values are unsampled (§2).  Returns the
 * profile, or NULL with *ERR set: an unreadable, empty, truncated or
 * malformed file, or an ELF binary given as a profile. */
struct hd_model *hd_parse_file(const char *path, struct hd_error *err);

/* The same for text already in memory; NAME is used in messages and as
 * the profile's path. */
struct hd_model *hd_parse_buffer(const char *name, const char *data, size_t size,
                                   struct hd_error *err);

#endif
