/* jemalloc's malloc_stats_print() text (src/stats.c, jemalloc 5.x):
 *
 *   ___ Begin jemalloc statistics ___
 *   ...
 *   Arenas: 9
 *   Page size: 4096
 *   Allocated: A, active: B, metadata: C (n_thp D), resident: E, mapped: F, retained: G
 *   ...
 *   Merged arenas stats:          (only when more than one arena is in use)
 *   decaying:  time  npages  sweeps  madvises  purged
 *      dirty:   N/A    8417 ...
 *      muzzy:   N/A       0 ...
 *   Destroyed arenas stats: ...   arenas[0]: ...   (the same per arena)
 *   --- End jemalloc statistics ---
 *
 * Dirty and muzzy pages come from the merged section when there is one,
 * else from the arenas' sections summed; destroyed arenas are left out. */
#include "inputs.h"

#include <string.h>

enum section { GLOBAL, MERGED, DESTROYED, ARENA };

/* "Key: N, key: N (...), ..." pairs of the "Allocated:" line. */
static int read_totals(const struct hd_line *line, const char *name, long number,
                       struct hd_mem_jemalloc *je, struct hd_error *err)
{
    static const struct {
        const char *key;
        size_t offset;
    } keys[] = {
        {"Allocated:", offsetof(struct hd_mem_jemalloc, allocated)},
        {"active:", offsetof(struct hd_mem_jemalloc, active)},
        {"metadata:", offsetof(struct hd_mem_jemalloc, metadata)},
        {"resident:", offsetof(struct hd_mem_jemalloc, resident)},
        {"mapped:", offsetof(struct hd_mem_jemalloc, mapped)},
        {"retained:", offsetof(struct hd_mem_jemalloc, retained)},
    };
    struct hd_cursor c;
    hd_cursor_init(&c, line);
    while (!hd_cursor_at_end(&c)) {
        hd_cursor_skip_blanks(&c);
        bool known = false;
        for (size_t i = 0; i < sizeof keys / sizeof *keys && !known; i++) {
            if (!hd_cursor_accept(&c, keys[i].key))
                continue;
            known = true;
            if (hd_mem_cursor_u64(&c, name, number, keys[i].key,
                                  (uint64_t *)((char *)je + keys[i].offset), err) != 0)
                return -1;
        }
        /* Skip what is not a known pair: "(n_thp 0)", a newer key. */
        while (!hd_cursor_at_end(&c) && *c.p != ',')
            c.p++;
        if (!hd_cursor_at_end(&c))
            c.p++;
    }
    return 0;
}

/* The npages column of a "dirty:" or "muzzy:" line (after the decay
 * time, "N/A" or a number). */
static int read_pages(struct hd_cursor *c, const char *name, long number, const char *what,
                      uint64_t *pages, struct hd_error *err)
{
    hd_cursor_skip_blanks(c);
    while (!hd_cursor_at_end(c) && *c->p != ' ' && *c->p != '\t')
        c->p++;
    return hd_mem_cursor_u64(c, name, number, what, pages, err);
}

static int add_to(uint64_t *sum, uint64_t v, const char *name, struct hd_error *err)
{
    if (*sum == HD_MEM_UNKNOWN)
        *sum = 0;
    return hd_mem_add(sum, v, name, "jemalloc's page counts", err);
}

int hd_mem_parse_jemalloc_text(const char *name, const char *data, size_t size,
                               struct hd_mem_jemalloc *je, struct hd_error *err)
{
    struct hd_lines lines;
    struct hd_line line;
    enum section section = GLOBAL;
    uint64_t page = HD_MEM_UNKNOWN, narenas = HD_MEM_UNKNOWN;
    uint64_t merged[2] = {HD_MEM_UNKNOWN, HD_MEM_UNKNOWN};
    uint64_t arenas[2] = {HD_MEM_UNKNOWN, HD_MEM_UNKNOWN};
    bool begun = false, ended = false;
    memset(je, 0xff, sizeof *je); /* every figure HD_MEM_UNKNOWN */
    je->present = false;
    hd_lines_init(&lines, data, size);
    while (!ended && hd_lines_next(&lines, &line)) {
        long n = lines.number;
        struct hd_cursor c;
        hd_mem_warn_unterminated(name, n, &line);
        hd_cursor_init(&c, &line);
        hd_cursor_skip_blanks(&c);
        if (hd_cursor_accept(&c, "___ Begin jemalloc statistics ___")) {
            begun = true;
        } else if (hd_cursor_accept(&c, "--- End jemalloc statistics ---")) {
            ended = true;
        } else if (hd_cursor_accept(&c, "Arenas:")) {
            if (hd_mem_cursor_u64(&c, name, n, "Arenas", &narenas, err) != 0)
                return -1;
        } else if (hd_cursor_accept(&c, "Page size:")) {
            if (hd_mem_cursor_u64(&c, name, n, "Page size", &page, err) != 0)
                return -1;
        } else if (hd_line_starts_with(&line, "Allocated:")) {
            if (read_totals(&line, name, n, je, err) != 0)
                return -1;
        } else if (hd_line_starts_with(&line, "Merged arenas stats:")) {
            section = MERGED;
        } else if (hd_line_starts_with(&line, "Destroyed arenas stats:")) {
            section = DESTROYED;
        } else if (hd_line_starts_with(&line, "arenas[")) {
            section = ARENA;
        } else if (section == MERGED || section == ARENA) {
            int kind = hd_cursor_accept(&c, "dirty:") ? 0 : hd_cursor_accept(&c, "muzzy:") ? 1 : -1;
            uint64_t pages;
            if (kind < 0)
                continue;
            if (read_pages(&c, name, n, kind ? "muzzy pages" : "dirty pages", &pages, err) != 0 ||
                add_to(section == MERGED ? &merged[kind] : &arenas[kind], pages, name, err) != 0)
                return -1;
        }
    }
    if (!begun)
        return hd_error_set(err, name, 1, "no '___ Begin jemalloc statistics ___' line");
    if (!ended)
        return hd_error_set(err, name, lines.number,
                            "no '--- End jemalloc statistics ---' line: truncated");
    if (je->allocated == HD_MEM_UNKNOWN || je->resident == HD_MEM_UNKNOWN)
        return hd_error_set(err, name, 0, "no 'Allocated: ..., resident: ...' line "
                            "(jemalloc built without stats?)");
    je->n_arenas = narenas == HD_MEM_UNKNOWN || narenas > SIZE_MAX ? 0 : (size_t)narenas;
    for (int k = 0; k < 2; k++) {
        uint64_t pages = merged[k] != HD_MEM_UNKNOWN ? merged[k] : arenas[k];
        uint64_t *bytes = k ? &je->muzzy_bytes : &je->dirty_bytes;
        if (pages == HD_MEM_UNKNOWN || page == HD_MEM_UNKNOWN)
            *bytes = HD_MEM_UNKNOWN;
        else if (__builtin_mul_overflow(pages, page, bytes) || *bytes == HD_MEM_UNKNOWN)
            return hd_error_set(err, name, 0, "%s pages x page size is beyond 2^64 bytes",
                                k ? "muzzy" : "dirty");
    }
    je->present = true;
    return 0;
}
