/* glibc's malloc_stats() text (malloc/malloc.c), on stderr:
 *
 *   Arena N:
 *   system bytes     =    135168
 *   in use bytes     =      5248
 *   ...
 *   Total (incl. mmap):
 *   system bytes     =   5459968
 *   in use bytes     =   5330048
 *   max mmap regions =        20
 *   max mmap bytes   =   5324800
 *
 * glibc prints the arenas' figures and the totals through (unsigned int)
 * casts: above 4 GiB they wrap, so malloc_info is preferred when both are
 * there.  "in use" is the arena's size less its free chunks and top. */
#include "inputs.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

/* "KEY = N" into *VALUE when LINE starts with KEY. */
static int key_value(const struct hd_line *line, const char *key, const char *name, long number,
                     uint64_t *value, bool *matched, struct hd_error *err)
{
    struct hd_cursor c;
    hd_cursor_init(&c, line);
    *matched = hd_cursor_accept(&c, key);
    if (!*matched)
        return 0;
    hd_cursor_skip_blanks(&c);
    if (!hd_cursor_accept(&c, "="))
        return hd_error_set(err, name, number, "malloc_stats: expected '%s = N'", key);
    if (hd_mem_cursor_u64(&c, name, number, key, value, err) != 0)
        return -1;
    hd_cursor_skip_blanks(&c);
    if (!hd_cursor_at_end(&c))
        return hd_error_set(err, name, number, "malloc_stats: text after '%s = N'", key);
    return 0;
}

int hd_mem_parse_malloc_stats(const char *name, const char *data, size_t size,
                              struct hd_mem_glibc *g, struct hd_error *err)
{
    struct hd_lines lines;
    struct hd_line line;
    struct hd_mem_glibc st = {0};
    size_t cap = 0;
    uint64_t arena_in_use = HD_MEM_UNKNOWN, total_system = HD_MEM_UNKNOWN, sum_system = 0;
    bool in_total = false, matched;
    int rc = 0;
    hd_lines_init(&lines, data, size);
    while (rc == 0 && hd_lines_next(&lines, &line)) {
        long n = lines.number;
        uint64_t v;
        hd_mem_warn_unterminated(name, n, &line);
        if (hd_line_is_blank(&line))
            continue;
        if (hd_line_starts_with(&line, "Arena ")) {
            struct hd_cursor c;
            uint64_t nr;
            hd_cursor_init(&c, &line);
            c.p += 6;
            if (in_total || hd_mem_cursor_u64(&c, name, n, "Arena", &nr, err) != 0 ||
                !hd_cursor_accept(&c, ":") || nr > 1 << 20 || st.n_arenas >= 1 << 20) {
                rc = hd_error_set(err, name, n, "malloc_stats: expected 'Arena N:' before the "
                                  "totals");
                break;
            }
            HD_ARRAY_RESERVE(st.arenas, cap, st.n_arenas + 1);
            st.arenas[st.n_arenas++] = (struct hd_mem_glibc_arena){
                .number = (int)nr, .system_current = HD_MEM_UNKNOWN,
                .system_max = HD_MEM_UNKNOWN, .free_bytes = HD_MEM_UNKNOWN,
                .fastbin_bytes = HD_MEM_UNKNOWN, .free_chunks = HD_MEM_UNKNOWN};
            arena_in_use = HD_MEM_UNKNOWN;
        } else if (hd_line_starts_with(&line, "Total (incl. mmap):")) {
            in_total = true;
        } else if ((rc = key_value(&line, "system bytes", name, n, &v, &matched, err)) != 0 ||
                   matched) {
            if (rc != 0)
                break;
            if (in_total) {
                total_system = v;
            } else if (st.n_arenas == 0) {
                rc = hd_error_set(err, name, n, "malloc_stats: figures before 'Arena 0:'");
            } else {
                st.arenas[st.n_arenas - 1].system_current = v;
                rc = hd_mem_add(&sum_system, v, name, "the arenas' system bytes", err);
            }
        } else if ((rc = key_value(&line, "in use bytes", name, n, &v, &matched, err)) != 0 ||
                   matched) {
            if (rc != 0 || in_total)
                continue;
            struct hd_mem_glibc_arena *a = st.n_arenas ? &st.arenas[st.n_arenas - 1] : NULL;
            if (a == NULL || a->system_current == HD_MEM_UNKNOWN || v > a->system_current) {
                rc = hd_error_set(err, name, n, "malloc_stats: 'in use bytes' without, or above, "
                                  "its arena's 'system bytes'");
                break;
            }
            arena_in_use = v;
            a->free_bytes = a->system_current - arena_in_use;
        } else if (!hd_line_starts_with(&line, "max mmap")) {
            rc = hd_error_set(err, name, n, "malloc_stats: unexpected line '%.*s'",
                              (int)(line.length > 40 ? 40 : line.length), line.start);
        }
    }
    if (rc == 0 && (st.n_arenas == 0 || total_system == HD_MEM_UNKNOWN))
        rc = hd_error_set(err, name, 0, "malloc_stats: no arenas or no totals (truncated?)");
    if (rc != 0) {
        free(st.arenas);
        return -1;
    }
    if (g->present) { /* malloc_info of the same moment: it has it all */
        free(st.arenas);
        return 0;
    }
    st.present = true;
    st.system_current = sum_system;
    st.system_max = HD_MEM_UNKNOWN;
    st.free_bytes = 0;
    for (size_t i = 0; i < st.n_arenas; i++)
        hd_mem_add(&st.free_bytes, st.arenas[i].free_bytes, name, "free bytes", err);
    /* The totals' system bytes add mmap'ed chunks to the arenas'. */
    st.mmap_bytes = total_system >= sum_system ? total_system - sum_system : HD_MEM_UNKNOWN;
    st.mmap_count = HD_MEM_UNKNOWN;
    *g = st;
    return 0;
}
