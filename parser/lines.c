/* Line scanning helpers (see text.h). */
#include "lines.h"

#include <string.h>

const unsigned char hd_hex_digits[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
    ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

void hd_lines_init(struct hd_lines *lines, const char *data, size_t size)
{
    lines->next = data;
    lines->end = data + size;
    lines->number = 0;
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
