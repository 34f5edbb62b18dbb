/* Line-by-line scanning of profile text, shared by the parsers.  The
 * helpers the parse loop calls per line and per number are defined here,
 * inline: the loop runs them hundreds of millions of times. */
#ifndef HD_LINES_H
#define HD_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
static inline bool hd_lines_next(struct hd_lines *lines, struct hd_line *line)
{
    if (lines->next >= lines->end)
        return false;
    const char *start = lines->next;
    const char *nl = memchr(start, '\n', (size_t)(lines->end - start));
    const char *stop = nl ? nl : lines->end;
    lines->next = nl ? nl + 1 : lines->end;
    while (stop > start && stop[-1] == '\r')
        stop--;
    line->start = start;
    line->length = (size_t)(stop - start);
    line->terminated = nl != NULL;
    lines->number++;
    return true;
}

/* A cursor inside one line. */
struct hd_cursor {
    const char *p;   /* next unread character; p <= end */
    const char *end;
};

static inline void hd_cursor_init(struct hd_cursor *c, const struct hd_line *line)
{
    c->p = line->start;
    c->end = line->start + line->length;
}

/* Skip spaces and tabs.  Returns how many were skipped. */
static inline size_t hd_cursor_skip_blanks(struct hd_cursor *c)
{
    const char *from = c->p;
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    return (size_t)(c->p - from);
}

/* Consume the literal LIT if the cursor is at it. */
static inline bool hd_cursor_accept(struct hd_cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return false;
    c->p += n;
    return true;
}

static inline bool hd_cursor_at_end(const struct hd_cursor *c)
{
    return c->p >= c->end;
}

/* The outcome of reading a number. */
enum hd_number_status {
    HD_NUMBER_OK,
    HD_NUMBER_MISSING,  /* no digit where a number belongs */
    HD_NUMBER_OVERFLOW, /* more than INT64_MAX (or UINT64_MAX for hex) */
};

/* A decimal integer with an optional leading '-', at most INT64_MAX in
 * magnitude. */
static inline enum hd_number_status hd_cursor_int(struct hd_cursor *c, int64_t *value)
{
    const char *p = c->p;
    bool negative = p < c->end && *p == '-';
    if (negative)
        p++;
    if (p >= c->end || *p < '0' || *p > '9')
        return HD_NUMBER_MISSING;
    uint64_t v = 0;
    bool overflow = false;
    for (; p < c->end && *p >= '0' && *p <= '9'; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (v > ((uint64_t)INT64_MAX - digit) / 10)
            overflow = true;
        else
            v = v * 10 + digit;
    }
    c->p = p;
    if (overflow)
        return HD_NUMBER_OVERFLOW;
    *value = negative ? -(int64_t)v : (int64_t)v;
    return HD_NUMBER_OK;
}

/* Each byte's hex value + 1, or 0 (lines.c): one load per digit. */
extern const unsigned char hd_hex_digits[256];

/* CH's hex value, or -1. */
static inline int hd_hex_digit(char ch)
{
    return (int)hd_hex_digits[(unsigned char)ch] - 1;
}

/* A hex number with an optional "0x"/"0X" prefix, at most UINT64_MAX.
 * REQUIRE_PREFIX demands the "0x". */
static inline enum hd_number_status hd_cursor_hex(struct hd_cursor *c, bool require_prefix,
                                    uint64_t *value)
{
    const char *p = c->p;
    if (c->end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    else if (require_prefix)
        return HD_NUMBER_MISSING;
    if (p >= c->end || hd_hex_digit(*p) < 0)
        return HD_NUMBER_MISSING;
    uint64_t v = 0;
    bool overflow = false;
    for (int d; p < c->end && (d = hd_hex_digit(*p)) >= 0; p++) {
        if (v >> 60)
            overflow = true;
        v = (v << 4) | (uint64_t)d;
    }
    c->p = p;
    if (overflow)
        return HD_NUMBER_OVERFLOW;
    *value = v;
    return HD_NUMBER_OK;
}

/* Whether LINE begins with the literal PREFIX. */
static inline bool hd_line_starts_with(const struct hd_line *line, const char *prefix)
{
    size_t n = strlen(prefix);
    return line->length >= n && memcmp(line->start, prefix, n) == 0;
}

/* Whether LINE contains the literal NEEDLE. */
bool hd_line_contains(const struct hd_line *line, const char *needle);

/* Whether LINE holds only spaces and tabs. */
bool hd_line_is_blank(const struct hd_line *line);

#endif
