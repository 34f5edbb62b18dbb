/* Suppressions for the CI gates (--suppress FILE): known, accepted growth,
 * in the spirit of LeakSanitizer's suppression files.  A suppressed node
 * never trips a gate (gates.h); the report still shows it.
 *
 * The file: one PCRE2 regular expression per line, matched against a
 * node's name at the report's granularity (a function name by default;
 * "function file:line" with --lines) anywhere in it, as --focus matches:
 * anchor with ^ and $ to match a whole name.  Blanks around a pattern are
 * dropped; a line that is blank, or whose first non-blank character is
 * '#', is a comment ('#' later in a line is part of the pattern). */
#ifndef HD_SUPPRESS_H
#define HD_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* What one suppressions file may hold: it comes from a repository and may
 * be anything, so it is bounded before a byte is compiled. */
#define HD_SUPPRESS_MAX_BYTES (1024 * 1024)
#define HD_SUPPRESS_MAX_PATTERNS 10000

struct hd_suppressions;

/* Read the suppressions file PATH into *OUT.  Returns 0, or -1 with *ERR
 * set and *OUT NULL: the file cannot be read, is not a regular file, is
 * larger than HD_SUPPRESS_MAX_BYTES, holds a NUL byte or more than
 * HD_SUPPRESS_MAX_PATTERNS patterns, or a line is a bad regular
 * expression (*ERR then names PATH and the line, 1-based). */
int hd_suppressions_load(const char *path, struct hd_suppressions **out, struct hd_error *err);

/* Whether NAME matches one of SUPPRESSIONS' patterns; false when
 * SUPPRESSIONS is NULL, and for a NAME the regular expressions cannot
 * search (not UTF-8, or past PCRE2's match limit). */
bool hd_suppressed(const struct hd_suppressions *suppressions, const char *name);

/* How many patterns SUPPRESSIONS holds (0 for NULL). */
size_t hd_suppressions_count(const struct hd_suppressions *suppressions);

/* Free SUPPRESSIONS (NULL is fine). */
void hd_suppressions_free(struct hd_suppressions *suppressions);

#endif
