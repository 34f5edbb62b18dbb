/* Line-by-line scanning of profile text, shared by the parsers. */
#ifndef HD_LINES_H
#define HD_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Walks DATA line by line.  A line excludes its '\n' and any trailing
 * '\r' (CRLF files are read as if they were LF). */
struct hd_lines {
    const char *next; /* start of the next line; next <= end */
    const char *end;
    long number;      /* 1-based number of the line last returned; 0 before */
};

/* One line: [start, start + length), not NUL-terminated. */
struct hd_line {
    const char *start;
    size_t length;
    bool terminated; /* it ended with '\n'; false only for a last line that
                        was cut off */
};

void hd_lines_init(struct hd_lines *lines, const char *data, size_t size);

/* The next line into *LINE.  False at the end of the data. */
bool hd_lines_next(struct hd_lines *lines, struct hd_line *line);

/* A cursor inside one line. */
struct hd_cursor {
    const char *p;   /* next unread character; p <= end */
    const char *end;
};

void hd_cursor_init(struct hd_cursor *c, const struct hd_line *line);

/* Skip spaces and tabs.  Returns how many were skipped. */
size_t hd_cursor_skip_blanks(struct hd_cursor *c);

/* Consume the literal LIT if the cursor is at it. */
bool hd_cursor_accept(struct hd_cursor *c, const char *lit);

bool hd_cursor_at_end(const struct hd_cursor *c);

/* The outcome of reading a number. */
enum hd_number_status {
    HD_NUMBER_OK,
    HD_NUMBER_MISSING,  /* no digit where a number belongs */
    HD_NUMBER_OVERFLOW, /* more than INT64_MAX (or UINT64_MAX for hex) */
};

/* A decimal integer with an optional leading '-', at most INT64_MAX in
 * magnitude. */
enum hd_number_status hd_cursor_int(struct hd_cursor *c, int64_t *value);

/* A hex number with an optional "0x"/"0X" prefix, at most UINT64_MAX.
 * REQUIRE_PREFIX demands the "0x". */
enum hd_number_status hd_cursor_hex(struct hd_cursor *c, bool require_prefix,
                                    uint64_t *value);

/* Whether LINE begins with the literal PREFIX. */
bool hd_line_starts_with(const struct hd_line *line, const char *prefix);

/* Whether LINE contains the literal NEEDLE. */
bool hd_line_contains(const struct hd_line *line, const char *needle);

/* Whether LINE holds only spaces and tabs. */
bool hd_line_is_blank(const struct hd_line *line);

#endif
