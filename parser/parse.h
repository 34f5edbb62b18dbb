/* Reading heap profiles: the entry point of the parser stage. */
#ifndef HD_PARSE_H
#define HD_PARSE_H

#include <stddef.h>

#include "model.h"

/* What one profile may hold before heapdiff refuses it with a clear error
 * (exit 2) instead of running out of memory (README, "Limits").  The
 * defaults are far above what gperftools and jemalloc write (stacks of
 * at most 64 and 128 frames, Linux's 65530 mappings per process). */
struct hd_parse_limits {
    size_t max_input_bytes; /* profile text, after gunzip (--max-input-size) */
    size_t max_stacks;      /* distinct stacks, and jemalloc per-thread lines */
    size_t max_frames;      /* addresses in one stack */
    size_t max_locations;   /* distinct addresses */
    size_t max_mappings;    /* maps section lines */
    unsigned leak_kinds;    /* leak checkers' inputs (memcheck XML, LSan):
                               the HD_LEAK_* kinds read (--leak-kind); 0:
                               each checker's own default */
};

/* The kinds of leaked blocks valgrind memcheck tells apart (its
 * --show-leak-kinds names); LeakSanitizer's "Direct leak" is definite, its
 * "Indirect leak" indirect. */
enum hd_leak_kind {
    HD_LEAK_DEFINITE = 1,  /* no pointer to the block is left */
    HD_LEAK_INDIRECT = 2,  /* pointed to only from lost blocks */
    HD_LEAK_POSSIBLE = 4,  /* only pointers into its middle are left */
    HD_LEAK_REACHABLE = 8, /* still pointed to at exit */
};
#define HD_LEAK_ALL 15u
/* valgrind's --show-leak-kinds default, and LeakSanitizer's reports. */
#define HD_LEAK_MEMCHECK_DEFAULT (HD_LEAK_DEFINITE | HD_LEAK_POSSIBLE)
#define HD_LEAK_LSAN_DEFAULT (HD_LEAK_DEFINITE | HD_LEAK_INDIRECT)

/* Parse TEXT, a --leak-kind value as valgrind's --show-leak-kinds takes
 * it: a comma-separated list of definite, indirect, possible, reachable,
 * or "all".  Returns 0 with *KINDS set, or -1 (an unknown or empty
 * name). */
int hd_leak_kinds_parse(const char *text, unsigned *kinds);

#define HD_PARSE_DEFAULT_MAX_INPUT_BYTES ((size_t)1 << 30)
#define HD_PARSE_DEFAULT_MAX_STACKS ((size_t)4 << 20)
#define HD_PARSE_DEFAULT_MAX_FRAMES ((size_t)64 << 10)
#define HD_PARSE_DEFAULT_MAX_LOCATIONS ((size_t)16 << 20)
#define HD_PARSE_DEFAULT_MAX_MAPPINGS ((size_t)1 << 20)

/* LIMITS with the defaults above. */
void hd_parse_limits_init(struct hd_parse_limits *limits);

/* Read the heap profile in the file at PATH: gperftools' "heap profile:"
 * text (every header type, FORMATS.md §1.1), jemalloc >= 4's threaded
 * "heap_v2/R" text (§1.2), jemalloc 2.x/3.x text (§1.3) or pprof's
 * profile.proto (parser/proto.c), gzip'ed or not,
 * with LF or CRLF line ends.  PATH "-" is standard input, named
 * "<stdin>" in messages and as the profile's path.  Values are unsampled
 * (§2).  Returns the profile, or NULL with *ERR set: an unreadable, empty,
 * truncated or malformed file, or a file of another kind given as a
 * profile (an ELF file, perf.data, ...: sniff.h), named. */
struct hd_model *hd_parse_file(const char *path, const struct hd_parse_limits *limits,
                               struct hd_error *err);

/* The same for text already in memory; NAME is used in messages and as
 * the profile's path.  LIMITS may be NULL for the defaults. */
struct hd_model *hd_parse_text(const char *name, const char *data, size_t size,
                               const struct hd_parse_limits *limits, struct hd_error *err);

/* hd_parse_text() with the default limits. */
struct hd_model *hd_parse_buffer(const char *name, const char *data, size_t size,
                                   struct hd_error *err);

#endif
