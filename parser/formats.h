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

/* pprof's profile.proto (parser/proto.c): DATA[0..SIZE) is the message,
 * inflated.  Returns a model of one input named NAME, or NULL with *ERR
 * set: a message protobuf-c cannot decode (truncated, malformed, or
 * taking more memory than its size allows), an id or string index that
 * points nowhere, an id given twice, a negative value, no heap sample
 * type, or one of LIMITS passed. */
struct hd_model *hd_parse_proto(const char *name, const char *data, size_t size,
                                const struct hd_parse_limits *limits, struct hd_error *err);

#endif
