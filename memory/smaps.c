/* /proc/PID/smaps, maps and smaps_rollup (proc(5)): a header line per
 * mapping, "START-LIMIT PERMS OFFSET DEV INODE [PATH]", then in smaps one
 * "Key:   N kB" line per field.  Fields vary with the kernel's version and
 * configuration; those struct hd_mem_region does not hold are skipped. */
#include "inputs.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool hd_mem_is_mapping_header(const struct hd_line *line)
{
    size_t i = 0;
    while (i < line->length && is_hex(line->start[i]))
        i++;
    return i > 0 && i < line->length && line->start[i] == '-';
}

/* One "Key: N kB" line into *SIZES; keys hd_mem_size_field() does not
 * know are skipped.  SEEN marks the keys already given for this mapping. */
static int parse_field(const struct hd_line *line, const char *name, long number,
                       struct hd_mem_rollup *sizes, bool seen[HD_MEM_N_SIZE_FIELDS],
                       struct hd_error *err)
{
    const char *colon = memchr(line->start, ':', line->length);
    size_t key_len = colon ? (size_t)(colon - line->start) : 0;
    for (size_t i = 0; i < key_len; i++) {
        char c = line->start[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            key_len = 0;
    }
    if (key_len == 0)
        return hd_error_set(err, name, number,
                            "neither a mapping (START-LIMIT PERMS ...) nor a field (Key: N kB)");
    int field = hd_mem_size_field(line->start, key_len);
    if (field < 0)
        return 0; /* a field heapdiff does not use */
    const char *key = hd_mem_size_field_name(field);
    struct hd_cursor c = {colon + 1, line->start + line->length};
    uint64_t kb;
    if (hd_mem_cursor_u64(&c, name, number, key, &kb, err) != 0)
        return -1;
    hd_cursor_skip_blanks(&c);
    if (!hd_cursor_accept(&c, "kB"))
        return hd_error_set(err, name, number, "%s: expected a size in kB", key);
    hd_cursor_skip_blanks(&c);
    if (!hd_cursor_at_end(&c))
        return hd_error_set(err, name, number, "%s: unexpected text after the size", key);
    if (seen[field])
        return hd_error_set(err, name, number, "a second %s line for one mapping", key);
    seen[field] = true;
    return hd_mem_kb_to_bytes(name, number, key, kb, hd_mem_size_slot(sizes, field), err);
}

static int hex_field(struct hd_cursor *c, const char *name, long number, const char *what,
                     uint64_t *value, struct hd_error *err)
{
    if (hd_cursor_hex(c, false, value) != HD_NUMBER_OK)
        return hd_error_set(err, name, number, "mapping header: bad %s", what);
    return 0;
}

/* "START-LIMIT PERMS OFFSET DEV INODE [PATH]" into *R (path malloc'ed). */
static int parse_header(const struct hd_line *line, const char *name, long number,
                        struct hd_mem_region *r, struct hd_error *err)
{
    struct hd_cursor c;
    hd_cursor_init(&c, line);
    memset(r, 0, sizeof *r);
    hd_mem_region_unknown_sizes(r);
    uint64_t dev_major, dev_minor, inode;
    if (hex_field(&c, name, number, "start address", &r->start, err) != 0)
        return -1;
    if (!hd_cursor_accept(&c, "-"))
        return hd_error_set(err, name, number, "mapping header: expected START-LIMIT");
    if (hex_field(&c, name, number, "limit address", &r->limit, err) != 0)
        return -1;
    if (r->start >= r->limit)
        return hd_error_set(err, name, number, "mapping %llx-%llx is empty or reversed",
                            (unsigned long long)r->start, (unsigned long long)r->limit);
    if (hd_cursor_skip_blanks(&c) == 0 || c.end - c.p < 4)
        return hd_error_set(err, name, number, "mapping header: expected permissions");
    memcpy(r->perms, c.p, 4);
    r->perms[4] = '\0';
    for (int i = 0; i < 4; i++)
        if (!strchr("rwxpsS-", r->perms[i]))
            return hd_error_set(err, name, number, "mapping header: bad permissions '%.4s'",
                                c.p);
    c.p += 4;
    hd_cursor_skip_blanks(&c);
    if (hex_field(&c, name, number, "offset", &r->offset, err) != 0)
        return -1;
    hd_cursor_skip_blanks(&c);
    if (hex_field(&c, name, number, "device", &dev_major, err) != 0 ||
        !hd_cursor_accept(&c, ":") || hex_field(&c, name, number, "device", &dev_minor, err) != 0)
        return hd_error_set(err, name, number, "mapping header: bad device (MAJOR:MINOR)");
    hd_cursor_skip_blanks(&c);
    if (hd_mem_cursor_u64(&c, name, number, "inode", &inode, err) != 0)
        return -1;
    if (!hd_cursor_at_end(&c) && hd_cursor_skip_blanks(&c) == 0)
        return hd_error_set(err, name, number, "mapping header: text joined to the inode");
    size_t len = (size_t)(c.end - c.p);
    char *path = hd_malloc(len + 1, 1);
    memcpy(path, c.p, len);
    path[len] = '\0';
    r->path = path;
    return 0;
}

/* Closes the mapping being read: its sizes, then into the array. */
static int finish_region(struct hd_mem_region *r, const struct hd_mem_rollup *sizes,
                         const char *name, long header_line, struct hd_mem_region **regions,
                         size_t *cap, size_t *n, struct hd_error *err)
{
    hd_mem_region_set_sizes(r, sizes);
    int rc = hd_mem_regions_append(regions, cap, n, r, name, header_line, err);
    if (rc != 0)
        free((char *)r->path);
    r->path = NULL;
    return rc;
}

int hd_mem_parse_smaps(const char *name, const char *data, size_t size,
                       struct hd_mem_region **regions, size_t *n, struct hd_error *err)
{
    struct hd_lines lines;
    struct hd_line line;
    struct hd_mem_region cur = {0};
    struct hd_mem_rollup sizes;
    bool seen[HD_MEM_N_SIZE_FIELDS] = {false}, open = false;
    long header_line = 0;
    size_t cap = 0;
    *regions = NULL;
    *n = 0;
    hd_lines_init(&lines, data, size);
    while (hd_lines_next(&lines, &line)) {
        if (hd_line_is_blank(&line))
            continue;
        hd_mem_warn_unterminated(name, lines.number, &line);
        if (hd_mem_is_mapping_header(&line)) {
            if (open && finish_region(&cur, &sizes, name, header_line, regions, &cap, n, err) != 0)
                goto fail;
            if (parse_header(&line, name, lines.number, &cur, err) != 0)
                goto fail;
            open = true;
            header_line = lines.number;
            hd_mem_rollup_unknown(&sizes);
            memset(seen, 0, sizeof seen);
        } else if (!open) {
            hd_error_set(err, name, lines.number, "a field line before any mapping");
            goto fail;
        } else if (parse_field(&line, name, lines.number, &sizes, seen, err) != 0) {
            goto fail;
        }
    }
    if (open && finish_region(&cur, &sizes, name, header_line, regions, &cap, n, err) != 0)
        goto fail;
    if (*n == 0)
        return hd_error_set(err, name, 0, "no mappings");
    return 0;
fail:
    free((char *)cur.path);
    hd_mem_regions_free(*regions, *n);
    *regions = NULL;
    *n = 0;
    return -1;
}

int hd_mem_parse_smaps_rollup(const char *name, const char *data, size_t size,
                              struct hd_mem_rollup *rollup, struct hd_error *err)
{
    struct hd_lines lines;
    struct hd_line line;
    bool seen[HD_MEM_N_SIZE_FIELDS] = {false};
    hd_mem_rollup_unknown(rollup);
    hd_lines_init(&lines, data, size);
    if (!hd_lines_next(&lines, &line) || !hd_mem_is_mapping_header(&line) ||
        !hd_line_contains(&line, "[rollup]"))
        return hd_error_set(err, name, 1, "not smaps_rollup: no '[rollup]' header line");
    while (hd_lines_next(&lines, &line)) {
        if (hd_line_is_blank(&line))
            continue;
        hd_mem_warn_unterminated(name, lines.number, &line);
        if (hd_mem_is_mapping_header(&line))
            return hd_error_set(err, name, lines.number, "smaps_rollup has one mapping only");
        if (parse_field(&line, name, lines.number, rollup, seen, err) != 0)
            return -1;
    }
    if (rollup->rss == HD_MEM_UNKNOWN)
        return hd_error_set(err, name, 0, "smaps_rollup without an Rss: line");
    return 0;
}
