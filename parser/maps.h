/* The maps section that ends every heap profile (FORMATS.md §1.4). */
#ifndef HD_MAPS_H
#define HD_MAPS_H

#include "model.h"
#include "lines.h"
#include "parse.h"

/* Whether LINE starts the maps section: "MAPPED_LIBRARIES:" at its start,
 * or "--- Memory map: ---" anywhere in it. */
bool hd_maps_is_marker(const struct hd_line *line);

/* Read every remaining line of LINES as the maps section into PROFILE,
 * then attach the profile's locations to their mappings.  Accepted lines:
 * the /proc/PID/maps form ("start-end perms offset dev inode [path]"),
 * the cooked form ("start-end: path"), the brief form ("start-end path"),
 * "key=value" definitions whose $key later paths use, and blank lines.
 * Returns 0, or -1 with *ERR naming FILE and the line. */
int hd_maps_parse(struct hd_model *profile, struct hd_lines *lines, const char *file,
                  const struct hd_parse_limits *limits, struct hd_error *err);

#endif
