/* Line scanning helpers (see text.h). */
#include "lines.h"

#include <string.h>

void hd_lines_init(struct hd_lines *lines, const char *data, size_t size)
{
    lines->next = data;
    lines->end = data + size;
    lines->number = 0;
}

bool hd_lines_next(struct hd_lines *lines, struct hd_line *line)
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

void hd_cursor_init(struct hd_cursor *c, const struct hd_line *line)
{
    c->p = line->start;
    c->end = line->start + line->length;
}

size_t hd_cursor_skip_blanks(struct hd_cursor *c)
{
    const char *from = c->p;
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    return (size_t)(c->p - from);
}

bool hd_cursor_accept(struct hd_cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return false;
    c->p += n;
    return true;
}

bool hd_cursor_at_end(const struct hd_cursor *c)
{
    return c->p >= c->end;
}

enum hd_number_status hd_cursor_int(struct hd_cursor *c, int64_t *value)
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

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

enum hd_number_status hd_cursor_hex(struct hd_cursor *c, bool require_prefix,
                                    uint64_t *value)
{
    const char *p = c->p;
    if (c->end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    else if (require_prefix)
        return HD_NUMBER_MISSING;
    if (p >= c->end || hex_digit(*p) < 0)
        return HD_NUMBER_MISSING;
    uint64_t v = 0;
    bool overflow = false;
    for (; p < c->end && hex_digit(*p) >= 0; p++) {
        if (v >> 60)
            overflow = true;
        v = (v << 4) | (uint64_t)hex_digit(*p);
    }
    c->p = p;
    if (overflow)
        return HD_NUMBER_OVERFLOW;
    *value = v;
    return HD_NUMBER_OK;
}

bool hd_line_starts_with(const struct hd_line *line, const char *prefix)
{
    size_t n = strlen(prefix);
    return line->length >= n && memcmp(line->start, prefix, n) == 0;
}

bool hd_line_contains(const struct hd_line *line, const char *needle)
{
    return memmem(line->start, line->length, needle, strlen(needle)) != NULL;
}

bool hd_line_is_blank(const struct hd_line *line)
{
    for (size_t i = 0; i < line->length; i++)
        if (line->start[i] != ' ' && line->start[i] != '\t')
            return false;
    return true;
}
