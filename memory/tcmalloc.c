/* gperftools' MallocExtension::GetStats() text (src/tcmalloc.cc,
 * DumpStats), the lines this reads:
 *
 *   MALLOC:        4272392 (    4.1 MiB) Bytes in use by application
 *   MALLOC: +     29958144 (   28.6 MiB) Bytes in page heap freelist
 *   MALLOC: +        44792 (    0.0 MiB) Bytes in central cache freelist
 *   MALLOC: +      1048576 (    1.0 MiB) Bytes in transfer cache freelist
 *   MALLOC: +      3473408 (    3.3 MiB) Bytes in thread cache freelists
 *   MALLOC: +      2621440 (    2.5 MiB) Bytes in malloc metadata
 *   MALLOC: =     41418752 (   39.5 MiB) Actual memory used (physical + swap)
 *   MALLOC: +            0 (    0.0 MiB) Bytes released to OS (aka unmapped)
 *   MALLOC: =     41418752 (   39.5 MiB) Virtual address space used
 *
 * Other lines (spans, size classes, the page heap's lists) are skipped.
 * gperftools grows the heap with sbrk first, so its memory shows in smaps
 * as "[heap]" too, not only as anonymous mappings. */
#include "inputs.h"

#include <stddef.h>
#include <string.h>

int hd_mem_parse_tcmalloc(const char *name, const char *data, size_t size,
                          struct hd_mem_tcmalloc *tc, struct hd_error *err)
{
    static const struct {
        const char *label;
        size_t offset;
    } labels[] = {
        {"Bytes in use by application", offsetof(struct hd_mem_tcmalloc, in_use)},
        {"Bytes in page heap freelist", offsetof(struct hd_mem_tcmalloc, page_heap_free)},
        {"Bytes released to OS", offsetof(struct hd_mem_tcmalloc, page_heap_unmapped)},
        {"Bytes in central cache freelist", offsetof(struct hd_mem_tcmalloc, central_cache)},
        {"Bytes in transfer cache freelist", offsetof(struct hd_mem_tcmalloc, transfer_cache)},
        {"Bytes in thread cache freelists", offsetof(struct hd_mem_tcmalloc, thread_cache)},
        {"Bytes in malloc metadata", offsetof(struct hd_mem_tcmalloc, metadata)},
        {"Actual memory used", offsetof(struct hd_mem_tcmalloc, actual_used)},
        {"Virtual address space used", offsetof(struct hd_mem_tcmalloc, virtual_size)},
    };
    struct hd_lines lines;
    struct hd_line line;
    memset(tc, 0xff, sizeof *tc); /* every figure HD_MEM_UNKNOWN */
    tc->present = false;
    hd_lines_init(&lines, data, size);
    while (hd_lines_next(&lines, &line)) {
        struct hd_cursor c;
        uint64_t v;
        hd_mem_warn_unterminated(name, lines.number, &line);
        hd_cursor_init(&c, &line);
        if (!hd_cursor_accept(&c, "MALLOC:"))
            continue;
        hd_cursor_skip_blanks(&c);
        if (!hd_cursor_accept(&c, "+"))
            hd_cursor_accept(&c, "=");
        hd_cursor_skip_blanks(&c);
        if (c.p >= c.end || *c.p < '0' || *c.p > '9')
            continue; /* "MALLOC:   ------------" and the like */
        if (hd_mem_cursor_u64(&c, name, lines.number, "MALLOC:", &v, err) != 0)
            return -1;
        /* "(   28.6 MiB) LABEL" or, for counts, just "   LABEL". */
        hd_cursor_skip_blanks(&c);
        if (hd_cursor_accept(&c, "(")) {
            while (c.p < c.end && *c.p != ')')
                c.p++;
            if (!hd_cursor_accept(&c, ")"))
                return hd_error_set(err, name, lines.number, "GetStats: no ')' after the MiB");
        }
        hd_cursor_skip_blanks(&c);
        struct hd_line rest = {c.p, (size_t)(c.end - c.p), true};
        for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
            if (!hd_line_starts_with(&rest, labels[i].label))
                continue;
            uint64_t *slot = (uint64_t *)((char *)tc + labels[i].offset);
            if (*slot != HD_MEM_UNKNOWN)
                return hd_error_set(err, name, lines.number, "GetStats: a second '%s' line",
                                    labels[i].label);
            if (v == HD_MEM_UNKNOWN)
                return hd_error_set(err, name, lines.number, "GetStats: %s: absurd size",
                                    labels[i].label);
            *slot = v;
        }
    }
    if (tc->in_use == HD_MEM_UNKNOWN)
        return hd_error_set(err, name, lines.number,
                            "GetStats: no 'Bytes in use by application' line");
    tc->present = true;
    return 0;
}
