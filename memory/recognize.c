/* Telling the inputs apart by their first bytes (inputs.h). */
#include "inputs.h"

#include <string.h>

static bool starts_with(const char *data, size_t size, const char *prefix)
{
    size_t n = strlen(prefix);
    return size >= n && memcmp(data, prefix, n) == 0;
}

/* Whether NEEDLE occurs in the first LIMIT bytes of DATA. */
static bool early(const char *data, size_t size, const char *needle, size_t limit)
{
    return memmem(data, size < limit ? size : limit, needle, strlen(needle)) != NULL;
}

/* Whether LINE's first blank-separated word is WORD. */
static bool first_word_is(const struct hd_line *line, const char *word)
{
    struct hd_cursor c;
    hd_cursor_init(&c, line);
    hd_cursor_skip_blanks(&c);
    size_t n = strlen(word);
    return hd_cursor_accept(&c, word) &&
           (hd_cursor_at_end(&c) || *c.p == ' ' || *c.p == '\t') && n > 0;
}

/* pmap's first line: "PID:   COMMAND". */
static bool is_pid_line(const struct hd_line *line)
{
    size_t i = 0;
    while (i < line->length && line->start[i] >= '0' && line->start[i] <= '9')
        i++;
    return i > 0 && i < line->length && line->start[i] == ':';
}

static bool is_heap_profile(const char *data, size_t size)
{
    struct hd_lines lines;
    struct hd_line line;
    hd_lines_init(&lines, data, size);
    while (hd_lines_next(&lines, &line) && lines.number < 64) {
        if (hd_line_starts_with(&line, "%"))
            continue; /* "%warn" lines may come first (FORMATS.md 1.1) */
        struct hd_cursor c;
        hd_cursor_init(&c, &line);
        hd_cursor_skip_blanks(&c);
        return hd_cursor_accept(&c, "heap profile:") || hd_cursor_accept(&c, "heap_v2/");
    }
    return false;
}

enum hd_mem_kind hd_mem_recognize(const char *data, size_t size)
{
    struct hd_lines lines;
    struct hd_line first, second;
    size_t skip = 0;
    while (skip < size && (data[skip] == ' ' || data[skip] == '\t' || data[skip] == '\n' ||
                           data[skip] == '\r'))
        skip++;
    const char *text = data + skip;
    size_t text_size = size - skip;
    if (text_size == 0)
        return HD_MEM_KIND_NONE;
    if (text[0] == '{' && early(text, text_size, "\"jemalloc\"", 64))
        return HD_MEM_KIND_JEMALLOC_JSON;
    if (starts_with(text, text_size, "<malloc") ||
        (starts_with(text, text_size, "<?xml") && early(text, text_size, "<malloc", 256)))
        return HD_MEM_KIND_MALLOC_INFO;
    /* A missing line is an empty one at the text (never a NULL start). */
    first = second = (struct hd_line){text, 0, false};
    hd_lines_init(&lines, text, text_size);
    hd_lines_next(&lines, &first);
    hd_lines_next(&lines, &second);
    if (hd_line_starts_with(&first, "___ Begin jemalloc statistics ___"))
        return HD_MEM_KIND_JEMALLOC_TEXT;
    if (hd_line_starts_with(&first, "Arena ") && hd_line_contains(&first, ":"))
        return HD_MEM_KIND_MALLOC_STATS;
    if (hd_line_starts_with(&first, "MALLOC:") || hd_line_starts_with(&second, "MALLOC:"))
        return HD_MEM_KIND_TCMALLOC;
    if (hd_mem_is_mapping_header(&first))
        return hd_line_contains(&first, "[rollup]") ? HD_MEM_KIND_SMAPS_ROLLUP
                                                    : HD_MEM_KIND_SMAPS;
    if (first_word_is(&first, "Address") || (is_pid_line(&first) && first_word_is(&second, "Address")))
        return HD_MEM_KIND_PMAP;
    if (hd_line_starts_with(&first, "Name:") && early(text, text_size, "\nThreads:", 4096))
        return HD_MEM_KIND_STATUS;
    if (is_heap_profile(data, size))
        return HD_MEM_KIND_HEAP_PROFILE;
    return HD_MEM_KIND_NONE;
}

const char *hd_mem_kind_name(enum hd_mem_kind kind)
{
    switch (kind) {
    case HD_MEM_KIND_SMAPS: return "smaps";
    case HD_MEM_KIND_SMAPS_ROLLUP: return "smaps_rollup";
    case HD_MEM_KIND_PMAP: return "pmap";
    case HD_MEM_KIND_STATUS: return "status";
    case HD_MEM_KIND_MALLOC_INFO: return "malloc_info XML";
    case HD_MEM_KIND_MALLOC_STATS: return "malloc_stats text";
    case HD_MEM_KIND_JEMALLOC_TEXT: return "jemalloc stats text";
    case HD_MEM_KIND_JEMALLOC_JSON: return "jemalloc stats JSON";
    case HD_MEM_KIND_TCMALLOC: return "gperftools GetStats text";
    case HD_MEM_KIND_HEAP_PROFILE: return "heap profile";
    default: return "unknown";
    }
}
