/* The pieces both text formats share: the "A: B [C: D]" counts and the
 * list of stack addresses. */
#ifndef HD_COUNTS_H
#define HD_COUNTS_H

#include "model.h"
#include "lines.h"
#include "parse.h"

/* The next line of a samples section into *LINE.  Returns 1 for a line,
 * 0 at the line that starts the maps section, or -1 with *ERR set when the
 * file is truncated: it ends before its maps section, or its last line is
 * cut off. */
int hd_counts_next_line(struct hd_lines *lines, struct hd_line *line, const char *file,
                        struct hd_error *err);

/* The four numbers of "A: B [C: D]" as written. */
struct hd_counts {
    int64_t inuse_objects, inuse_bytes, alloc_objects, alloc_bytes;
};

/* Read "A: B [C: D]" at C, with any blanks around the punctuation.
 * The allocated pair may not be negative; a negative in-use pair is read
 * (callers warn).  Returns 0, or -1 with *ERR set for FILE:LINE. */
int hd_counts_read(struct hd_cursor *c, struct hd_counts *counts, const char *file,
                   long line, struct hd_error *err);

/* The address that stands for a stack the producer did not write: a
 * record with nothing after its '@'.  gperftools writes one when its dump
 * buffer runs out right after a record's counts, or for allocations it
 * could not unwind (a stack of depth 0).  No code is mapped at 0, so it is
 * never a real return address; reports show it as the row "0x0". */
#define HD_COUNTS_UNKNOWN_STACK_ADDRESS 0

/* Read the hex addresses that fill the rest of C (blank-separated, "0x"
 * optional) as a stack, leaf first, interning each address in PROFILE.
 * With no address at all, the stack is the one frame
 * HD_COUNTS_UNKNOWN_STACK_ADDRESS and *NO_ADDRESSES is set (else
 * cleared).  *SCRATCH (of *CAPACITY ids) is grown as needed and reused
 * across calls.  Returns the stack id, or -1 with *ERR set: a token that
 * is not hex, an address over 64 bits, or one of LIMITS (frames,
 * locations, stacks) passed. */
int64_t hd_counts_read_stack(struct hd_model *profile, struct hd_cursor *c,
                             uint32_t **scratch, size_t *capacity,
                             const struct hd_parse_limits *limits, const char *file,
                             long line, bool *no_addresses, struct hd_error *err);

/* The error for passing limit LIMIT on WHAT ("stacks", "mappings", ...),
 * naming FILE:LINE and the limit.  Returns -1. */
int hd_counts_over_limit(const char *what, size_t limit, const char *file, long line,
                         struct hd_error *err);

/* Which odd counts a file has already been warned about. */
struct hd_count_warnings {
    bool negative;     /* a negative in-use pair */
    bool zero_objects; /* in-use bytes with no in-use objects */
    bool no_addresses; /* a record with no stack addresses */
};

/* Warn, once per file (tracked in *WARNED), that the record at FILE:LINE
 * has no stack addresses and what heapdiff does with it.  COUNTS are the
 * record's, or NULL where the stack line carries none (jemalloc's
 * "@" line). */
void hd_counts_warn_no_addresses(const char *file, long line,
                                 const struct hd_counts *counts,
                                 struct hd_count_warnings *warned);

/* Turn COUNTS into sample values, unsampled per PROFILE's sampling, and
 * warn, once per file and cause (tracked in *WARNED), about counts that
 * producers should not write but some do (gperftools#953): a negative
 * in-use pair, or in-use bytes with no objects.  Both are kept as written,
 * not unsampled.  Returns 0, or -1 with *ERR set when an unsampled value
 * is not finite (a rate so large that 1 - exp(-size/rate) is 0). */
int hd_counts_to_values(const struct hd_model *profile, const struct hd_counts *counts,
                        long line, struct hd_count_warnings *warned,
                        struct hd_values *values, struct hd_error *err);

/* Whether the header's TOTALS promise samples (any count is not 0). */
bool hd_counts_promise_samples(const struct hd_counts *totals);

/* The error for a file whose header promises TOTALS but that has no stack
 * lines: such a file is cut, not empty.  Returns -1. */
int hd_counts_missing_stacks(const struct hd_counts *totals, const char *file, long line,
                             struct hd_error *err);

#endif
