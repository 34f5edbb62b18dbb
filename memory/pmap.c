/* pmap(1) of procps: -x prints "Address Kbytes RSS Dirty Mode Mapping"
 * rows, -X and -XX a column per smaps field, named by a header line and
 * right-aligned under it (VmFlags, in -XX, holds spaces).  Both start with
 * a "PID:   COMMAND" line and end with a footer of totals, which is not
 * read: the regions' sums are taken where needed. */
#include "inputs.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

enum { MAX_COLUMNS = 64 };

struct columns {
    size_t n;
    struct {
        const char *name; /* points into the header line */
        size_t length;
        size_t end;       /* offset just past the name in the header line */
    } col[MAX_COLUMNS];
};

static bool column_is(const struct columns *cols, size_t i, const char *name)
{
    return cols->col[i].length == strlen(name) &&
           memcmp(cols->col[i].name, name, cols->col[i].length) == 0;
}

/* Splits the header LINE into its column names. */
static int read_columns(const struct hd_line *line, const char *name, long number,
                        struct columns *cols, struct hd_error *err)
{
    size_t i = 0;
    cols->n = 0;
    while (i < line->length) {
        while (i < line->length && (line->start[i] == ' ' || line->start[i] == '\t'))
            i++;
        if (i == line->length)
            break;
        size_t from = i;
        while (i < line->length && line->start[i] != ' ' && line->start[i] != '\t')
            i++;
        if (cols->n == MAX_COLUMNS)
            return hd_error_set(err, name, number, "pmap header: more than %d columns",
                                MAX_COLUMNS);
        cols->col[cols->n].name = line->start + from;
        cols->col[cols->n].length = i - from;
        cols->col[cols->n].end = i;
        cols->n++;
    }
    if (cols->n < 3 || !column_is(cols, 0, "Address") || !column_is(cols, cols->n - 1, "Mapping"))
        return hd_error_set(err, name, number,
                            "pmap header: expected 'Address ... Mapping' columns");
    return 0;
}

/* The text of LINE[from, to), blanks around it dropped. */
static struct hd_line cell(const struct hd_line *line, size_t from, size_t to)
{
    if (to > line->length)
        to = line->length;
    if (from > to)
        from = to;
    while (from < to && (line->start[from] == ' ' || line->start[from] == '\t'))
        from++;
    while (to > from && (line->start[to - 1] == ' ' || line->start[to - 1] == '\t'))
        to--;
    return (struct hd_line){line->start + from, to - from, true};
}

static bool cell_is(const struct hd_line *c, const char *text)
{
    return c->length == strlen(text) && memcmp(c->start, text, c->length) == 0;
}

/* A whole cell as a number in kB, in bytes; "-" (pmap's "unknown") is
 * HD_MEM_UNKNOWN. */
static int cell_kb(const struct hd_line *c, const char *name, long number, const char *what,
                   uint64_t *bytes, struct hd_error *err)
{
    if (cell_is(c, "-")) {
        *bytes = HD_MEM_UNKNOWN;
        return 0;
    }
    struct hd_cursor cur;
    uint64_t kb;
    hd_cursor_init(&cur, c);
    if (hd_mem_cursor_u64(&cur, name, number, what, &kb, err) != 0)
        return -1;
    if (!hd_cursor_at_end(&cur))
        return hd_error_set(err, name, number, "%s: '%.*s' is not a size in kB", what,
                            (int)c->length, c->start);
    return hd_mem_kb_to_bytes(name, number, what, kb, bytes, err);
}

static int cell_hex(const struct hd_line *c, const char *name, long number, const char *what,
                    uint64_t *value, struct hd_error *err)
{
    struct hd_cursor cur;
    hd_cursor_init(&cur, c);
    if (hd_cursor_hex(&cur, false, value) != HD_NUMBER_OK || !hd_cursor_at_end(&cur))
        return hd_error_set(err, name, number, "%s: '%.*s' is not a hex number", what,
                            (int)(c->length > 40 ? 40 : c->length), c->start);
    return 0;
}

/* START + SIZE as the mapping's limit, refusing a wrap. */
static int set_limit(struct hd_mem_region *r, uint64_t size, const char *name, long number,
                     struct hd_error *err)
{
    if (size == 0 || size == HD_MEM_UNKNOWN || __builtin_add_overflow(r->start, size, &r->limit))
        return hd_error_set(err, name, number, "a mapping of %llu bytes at %llx: empty or "
                            "beyond the address space", (unsigned long long)size,
                            (unsigned long long)r->start);
    return 0;
}

/* The Mapping cell as a path: pmap -x writes "[ anon ]" and "[ stack ]". */
static char *mapping_path(const struct hd_line *c)
{
    if (cell_is(c, "[ anon ]"))
        return hd_strdup("");
    if (c->length > 4 && c->start[0] == '[' && c->start[1] == ' ' &&
        c->start[c->length - 1] == ']' && c->start[c->length - 2] == ' ') {
        char *p = hd_malloc(c->length - 1, 1);
        p[0] = '[';
        memcpy(p + 1, c->start + 2, c->length - 4);
        p[c->length - 3] = ']';
        p[c->length - 2] = '\0';
        return p;
    }
    char *p = hd_malloc(c->length + 1, 1);
    memcpy(p, c->start, c->length);
    p[c->length] = '\0';
    return p;
}

/* pmap -x row: blank-separated ADDRESS KBYTES RSS DIRTY MODE, then the
 * mapping. */
static int parse_x_row(const struct hd_line *line, const char *name, long number,
                       struct hd_mem_region *r, struct hd_error *err)
{
    struct hd_line tok[5];
    size_t i = 0;
    for (int t = 0; t < 5; t++) {
        while (i < line->length && line->start[i] == ' ')
            i++;
        size_t from = i;
        while (i < line->length && line->start[i] != ' ')
            i++;
        tok[t] = cell(line, from, i);
        if (tok[t].length == 0)
            return hd_error_set(err, name, number, "pmap -x row: expected ADDRESS KBYTES RSS "
                                "DIRTY MODE MAPPING");
    }
    struct hd_line map = cell(line, i, line->length);
    uint64_t size;
    if (cell_hex(&tok[0], name, number, "Address", &r->start, err) != 0 ||
        cell_kb(&tok[1], name, number, "Kbytes", &size, err) != 0 ||
        cell_kb(&tok[2], name, number, "RSS", &r->rss, err) != 0 ||
        set_limit(r, size, name, number, err) != 0)
        return -1;
    /* Mode is "rwxs?" with '-' for a missing right and 's' for shared. */
    if (tok[4].length < 4)
        return hd_error_set(err, name, number, "pmap -x row: bad Mode '%.*s'",
                            (int)tok[4].length, tok[4].start);
    memcpy(r->perms, tok[4].start, 3);
    r->perms[3] = tok[4].start[3] == 's' ? 's' : 'p';
    r->perms[4] = '\0';
    r->path = mapping_path(&map);
    return 0;
}

/* pmap -X / -XX row: each cell ends where its column's name ends. */
static int parse_X_row(const struct hd_line *line, const struct columns *cols, const char *name,
                       long number, struct hd_mem_region *r, struct hd_error *err)
{
    struct hd_mem_rollup sizes;
    uint64_t size = HD_MEM_UNKNOWN;
    hd_mem_rollup_unknown(&sizes);
    for (size_t i = 0; i + 1 < cols->n; i++) {
        struct hd_line c = cell(line, i ? cols->col[i - 1].end : 0, cols->col[i].end);
        const char *col = cols->col[i].name;
        int len = (int)cols->col[i].length, field;
        if (column_is(cols, i, "Address")) {
            if (cell_hex(&c, name, number, "Address", &r->start, err) != 0)
                return -1;
        } else if (column_is(cols, i, "Perm")) {
            if (c.length != 4)
                return hd_error_set(err, name, number, "pmap -X row: bad Perm '%.*s'",
                                    (int)c.length, c.start);
            memcpy(r->perms, c.start, 4);
            r->perms[4] = '\0';
        } else if (column_is(cols, i, "Offset")) {
            if (cell_hex(&c, name, number, "Offset", &r->offset, err) != 0)
                return -1;
        } else if (column_is(cols, i, "Size")) {
            if (cell_kb(&c, name, number, "Size", &size, err) != 0)
                return -1;
        } else if ((field = hd_mem_size_field(col, (size_t)len)) >= 0) {
            if (cell_kb(&c, name, number, hd_mem_size_field_name(field),
                        hd_mem_size_slot(&sizes, field), err) != 0)
                return -1;
        }
    }
    if (set_limit(r, size, name, number, err) != 0)
        return -1;
    hd_mem_region_set_sizes(r, &sizes);
    struct hd_line map = cell(line, cols->col[cols->n - 2].end, line->length);
    r->path = mapping_path(&map);
    return 0;
}

int hd_mem_parse_pmap(const char *name, const char *data, size_t size,
                      struct hd_mem_region **regions, size_t *n, struct hd_error *err)
{
    struct hd_lines lines;
    struct hd_line line;
    struct columns cols = {0};
    size_t cap = 0;
    bool x_format;
    *regions = NULL;
    *n = 0;
    hd_lines_init(&lines, data, size);
    /* The "PID:   COMMAND" line, then the header. */
    for (;;) {
        if (!hd_lines_next(&lines, &line) || lines.number > 2)
            return hd_error_set(err, name, lines.number, "not pmap output: no 'Address' header "
                                "in the first two lines");
        struct hd_line t = cell(&line, 0, line.length);
        if (hd_line_starts_with(&t, "Address"))
            break;
    }
    if (read_columns(&line, name, lines.number, &cols, err) != 0)
        return -1;
    x_format = cols.n == 6 && column_is(&cols, 1, "Kbytes") && column_is(&cols, 2, "RSS");
    if (!x_format && !column_is(&cols, 1, "Perm"))
        return hd_error_set(err, name, lines.number,
                            "pmap header: neither pmap -x's (Kbytes RSS ...) nor -X's (Perm ...)");
    while (hd_lines_next(&lines, &line)) {
        struct hd_line t = cell(&line, 0, line.length);
        hd_mem_warn_unterminated(name, lines.number, &line);
        if (t.length == 0)
            continue;
        if (t.start[0] == '-' || t.start[0] == '=')
            break; /* the footer: "----- ..." (-x) or "===== ..." (-X) */
        struct hd_mem_region r;
        memset(&r, 0, sizeof r);
        hd_mem_region_unknown_sizes(&r);
        int rc = x_format ? parse_x_row(&line, name, lines.number, &r, err)
                          : parse_X_row(&line, &cols, name, lines.number, &r, err);
        if (rc == 0)
            rc = hd_mem_regions_append(regions, &cap, n, &r, name, lines.number, err);
        if (rc != 0) {
            free((char *)r.path);
            hd_mem_regions_free(*regions, *n);
            *regions = NULL;
            *n = 0;
            return -1;
        }
    }
    if (*n == 0)
        return hd_error_set(err, name, 0, "no mappings");
    return 0;
}
