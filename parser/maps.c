/* Maps section parsing (see maps.h). */
#include "maps.h"

#include "counts.h"

#include <stdio.h>
#include <string.h>

bool hd_maps_is_marker(const struct hd_line *line)
{
    /* Called on every line: a line with no '-' (most) skips the search. */
    return hd_line_starts_with(line, "MAPPED_LIBRARIES:") ||
           (memchr(line->start, '-', line->length) &&
            hd_line_contains(line, "--- Memory map: ---"));
}

/* "$key" definitions from "key=value" lines (Google's DumpAddressMap writes
 * build=DIR).  Few exist, so a small fixed table. */
struct definitions {
    char names[8][64];
    char values[8][512];
    int count;
};

static bool is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_';
}

/* If LINE is "key=value", record it and return true. */
static bool read_definition(struct definitions *defs, const struct hd_line *line)
{
    size_t i = 0;
    while (i < line->length && is_name_char(line->start[i]))
        i++;
    if (i == 0 || i >= 64 || i >= line->length || line->start[i] != '=')
        return false;
    if (defs->count == 8)
        return true; /* more than any producer writes; ignore the rest */
    size_t value_length = line->length - i - 1;
    if (value_length >= 512)
        value_length = 511;
    snprintf(defs->names[defs->count], 64, "%.*s", (int)i, line->start);
    snprintf(defs->values[defs->count], 512, "%.*s", (int)value_length,
             line->start + i + 1);
    defs->count++;
    return true;
}

/* Copy PATH (LENGTH bytes) into OUT, replacing a leading "$key" by its
 * definition. */
static void expand_path(const struct definitions *defs, const char *path, size_t length,
                        char *out, size_t size)
{
    for (int d = 0; d < defs->count; d++) {
        size_t n = strlen(defs->names[d]);
        if (length > n && path[0] == '$' && memcmp(path + 1, defs->names[d], n) == 0 &&
            (length == n + 1 || !is_name_char(path[n + 1]))) {
            snprintf(out, size, "%s%.*s", defs->values[d], (int)(length - n - 1),
                     path + n + 1);
            return;
        }
    }
    snprintf(out, size, "%.*s", (int)length, path);
}

static bool is_hex_digit(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Parse one mapping line; false when it has none of the known shapes. */
static bool read_mapping(struct hd_model *profile, const struct definitions *defs,
                         const struct hd_line *line, const char **why)
{
    struct hd_cursor c;
    hd_cursor_init(&c, line);
    hd_cursor_skip_blanks(&c);
    uint64_t start, limit, offset = 0;
    *why = "expected 'start-end perms offset dev inode path'";
    if (hd_cursor_hex(&c, false, &start) != HD_NUMBER_OK || !hd_cursor_accept(&c, "-") ||
        hd_cursor_hex(&c, false, &limit) != HD_NUMBER_OK)
        return false;
    if (limit <= start) {
        *why = "mapping ends before it starts";
        return false;
    }
    bool executable = true;
    bool cooked = hd_cursor_accept(&c, ":");
    size_t blanks = hd_cursor_skip_blanks(&c);
    if (!cooked && blanks == 0 && !hd_cursor_at_end(&c))
        return false;
    /* The /proc form: perms offset dev inode. */
    const char *perms = c.p;
    if (!cooked && c.end - c.p >= 4 && strchr("r-", perms[0]) && strchr("w-", perms[1]) &&
        strchr("xX-", perms[2]) && strchr("psPS-", perms[3]) &&
        (c.end - c.p == 4 || perms[4] == ' ' || perms[4] == '\t')) {
        executable = perms[2] == 'x' || perms[2] == 'X';
        c.p += 4;
        int64_t inode;
        if (!hd_cursor_skip_blanks(&c) || hd_cursor_hex(&c, false, &offset) != HD_NUMBER_OK ||
            !hd_cursor_skip_blanks(&c))
            return false;
        /* Device "major:minor" in hex. */
        const char *dev = c.p;
        while (c.p < c.end && (is_hex_digit(*c.p) || *c.p == ':'))
            c.p++;
        if (c.p == dev || !memchr(dev, ':', (size_t)(c.p - dev)) || !hd_cursor_skip_blanks(&c) ||
            hd_cursor_int(&c, &inode) != HD_NUMBER_OK || inode < 0)
            return false;
        size_t gap = hd_cursor_skip_blanks(&c);
        if (!hd_cursor_at_end(&c) && gap == 0)
            return false;
    }
    /* What is left is the path, possibly with spaces, possibly marked
     * deleted.  The brief form may end with "(@offset)". */
    const char *path = c.p;
    size_t length = (size_t)(c.end - c.p);
    while (length > 0 && (path[length - 1] == ' ' || path[length - 1] == '\t'))
        length--;
    bool deleted = false;
    static const char deleted_mark[] = " (deleted)";
    size_t mark = sizeof deleted_mark - 1;
    if (length > mark && memcmp(path + length - mark, deleted_mark, mark) == 0) {
        deleted = true;
        length -= mark;
    }
    char expanded[4096];
    expand_path(defs, path, length, expanded, sizeof expanded);
    hd_model_add_mapping(profile, start, limit, offset, expanded, executable, deleted);
    return true;
}

int hd_maps_parse(struct hd_model *profile, struct hd_lines *lines, const char *file,
                  const struct hd_parse_limits *limits, struct hd_error *err)
{
    struct definitions defs;
    defs.count = 0;
    struct hd_line line;
    while (hd_lines_next(lines, &line)) {
        if (!line.terminated && line.length > 0)
            return hd_error_set(err, file, lines->number,
                                "truncated: the last line of the maps section is cut off");
        if (hd_line_is_blank(&line) || read_definition(&defs, &line))
            continue;
        const char *why;
        if (!read_mapping(profile, &defs, &line, &why))
            return hd_error_set(err, file, lines->number, "cannot parse maps line: %s: '%.*s'",
                                why, (int)(line.length > 80 ? 80 : line.length), line.start);
        if (profile->n_mappings > limits->max_mappings)
            return hd_counts_over_limit("mappings", limits->max_mappings, file, lines->number,
                                        err);
    }
    hd_model_resolve_locations(profile);
    return 0;
}
