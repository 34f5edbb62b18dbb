/* The per-format readers behind hd_parse_buffer().  Each reads the lines
 * after the first (the header line is handed over already read) and fills
 * PROFILE, including its maps section, and *TOTALS with the header's
 * totals and the records' sums (totals.h).  Return 0, or -1 with *ERR
 * set. */
#ifndef HD_FORMATS_H
#define HD_FORMATS_H

#include "model.h"
#include "lines.h"
#include "parse.h"
#include "totals.h"

/* gperftools / jemalloc 2.x-3.x: HEADER is the "heap profile: ..." line. */
int hd_parse_legacy(struct hd_model *profile, const struct hd_line *header,
                    struct hd_lines *lines, const struct hd_parse_limits *limits,
                    struct hd_totals *totals, struct hd_error *err);

/* jemalloc >= 4: HEADER is the "heap_v2/R" line. */
int hd_parse_threaded(struct hd_model *profile, const struct hd_line *header,
                      struct hd_lines *lines, const struct hd_parse_limits *limits,
                      struct hd_totals *totals, struct hd_error *err);

/* valgrind memcheck's --xml=yes output (parser/memcheck.c): DATA[0..SIZE)
 * is the whole file, NAME its name in messages.  Its leak records become
 * PROFILE's samples. */
int hd_parse_memcheck(struct hd_model *profile, const char *name, const char *data,
                      size_t size, const struct hd_parse_limits *limits,
                      struct hd_error *err);

/* LeakSanitizer's reports found anywhere in a log (parser/lsan.c). */
int hd_parse_lsan(struct hd_model *profile, const char *name, const char *data, size_t size,
                  const struct hd_parse_limits *limits, struct hd_error *err);

/* Whether DATA holds a LeakSanitizer report ("ERROR: LeakSanitizer:
 * detected memory leaks") in its first HD_LSAN_SNIFF_BYTES. */
#define HD_LSAN_SNIFF_BYTES ((size_t)64 << 20)
bool hd_lsan_sniff(const char *data, size_t size);

/* ---- shared by the leak checkers' readers (parser/leaks.c) ---- */

/* Add one leak record to PROFILE's only input: BLOCKS blocks of BYTES
 * bytes in all, allocated at LOCATIONS[0..DEPTH) (leaf first), under the
 * root pseudo-frame LABEL that names its kind ("[definitely lost]"): the
 * kind shows in every report as the stack's outermost frame.  LOCATIONS
 * must have room for DEPTH + 1 ids. */
void hd_leak_add_record(struct hd_model *profile, uint32_t *locations, uint32_t depth,
                        const char *label, double bytes, double blocks);

/* The kinds LIMITS asks for, or DEFAULT_KINDS when it asks for none. */
unsigned hd_leak_kinds_wanted(const struct hd_parse_limits *limits, unsigned default_kinds);

/* pprof's profile.proto (parser/proto.c): DATA[0..SIZE) is the message,
 * inflated.  Returns a model of one input named NAME, or NULL with *ERR
 * set: a message protobuf-c cannot decode (truncated, malformed, or
 * taking more memory than its size allows), an id or string index that
 * points nowhere, an id given twice, a negative value, no heap sample
 * type, or one of LIMITS passed. */
struct hd_model *hd_parse_proto(const char *name, const char *data, size_t size,
                                const struct hd_parse_limits *limits, struct hd_error *err);

#endif
