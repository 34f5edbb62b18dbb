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

#endif
