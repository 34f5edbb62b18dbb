/* Format detection and dispatch (see parse.h). */
#include "parse.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "formats.h"
#include "input.h"
#include "lines.h"
#include "massif.h"
#include "sniff.h"
#include "totals.h"

/* Name the producer from the allocator library in the maps: the text
 * formats do not say who wrote them. */
static void detect_producer(struct hd_model *p)
{
    struct hd_model_input *in = &p->inputs[0];
    if (in->format != HD_FORMAT_LEGACY)
        return;
    in->producer = HD_PRODUCER_GPERFTOOLS;
    for (size_t i = 0; i < p->n_mappings; i++)
        if (strstr(p->mappings[i].path, "libjemalloc")) {
            in->producer = HD_PRODUCER_JEMALLOC_3;
            return;
        }
}

/* When DATA, which is not a heap profile, is a format users give in its
 * place (sniff.h), set *ERR to name it and say what to do; false when it
 * is none of them. */
static bool refuse_known_format(const char *name, const char *data, size_t size,
                                struct hd_error *err)
{
    struct hd_sniffed what;
    if (!hd_sniff_format(data, size, &what))
        return false;
    hd_error_set(err, name, 0, "this is %s, not a heap profile: %s", what.what, what.hint);
    return true;
}

void hd_parse_limits_init(struct hd_parse_limits *limits)
{
    *limits = (struct hd_parse_limits){
        .max_input_bytes = HD_PARSE_DEFAULT_MAX_INPUT_BYTES,
        .max_stacks = HD_PARSE_DEFAULT_MAX_STACKS,
        .max_frames = HD_PARSE_DEFAULT_MAX_FRAMES,
        .max_locations = HD_PARSE_DEFAULT_MAX_LOCATIONS,
        .max_mappings = HD_PARSE_DEFAULT_MAX_MAPPINGS,
    };
}

struct hd_model *hd_parse_buffer(const char *name, const char *data, size_t size,
                                 struct hd_error *err)
{
    return hd_parse_text(name, data, size, NULL, err);
}

/* hd_parse_text() of FILE's text, named NAME in the model; SNAPSHOT
 * selects a snapshot of a massif file (massif.h), HD_MASSIF_LAST when
 * none was named. */
static struct hd_model *parse_text(const char *name, const char *file, const char *data,
                                   size_t size, const struct hd_parse_limits *limits,
                                   long snapshot, struct hd_error *err)
{
    struct hd_parse_limits defaults;
    if (!limits) {
        hd_parse_limits_init(&defaults);
        limits = &defaults;
    }
    if (size > limits->max_input_bytes) {
        hd_error_set(err, name, 0,
                     "profile text is larger than %zu bytes, the limit (--max-input-size)",
                     limits->max_input_bytes);
        return NULL;
    }
    if (size == 0) {
        hd_error_set(err, name, 0, "empty file, not a heap profile");
        return NULL;
    }
    if (hd_sniff_profile_proto(data, size))
        return hd_parse_proto(name, data, size, limits, err);
    if ((size >= 4 && memcmp(data, "\177ELF", 4) == 0) ||
        memchr(data, '\0', size < 4096 ? size : 4096)) {
        if (!refuse_known_format(name, data, size, err))
            hd_error_set(err, name, 0, "binary data, not a heap profile");
        return NULL;
    }
    struct hd_model *p = hd_model_new();
    hd_model_add_input(p, name, HD_ROLE_CURRENT);
    if (hd_sniff_valgrind_xml(data, size)) {
        if (hd_parse_memcheck(p, name, data, size, limits, err) != 0) {
            hd_model_free(p);
            return NULL;
        }
        return p;
    }
    struct hd_lines lines;
    hd_lines_init(&lines, data, size);
    struct hd_line line;
    struct hd_totals totals;
    memset(&totals, 0, sizeof totals);
    int rc = -1;
    /* Lines starting with '%' may precede the header; "%warn" ones carry a
     * message for the user (FORMATS.md §1.1). */
    for (;;) {
        if (!hd_lines_next(&lines, &line)) {
            if (!refuse_known_format(name, data, size, err))
                hd_error_set(err, name, lines.number, "no heap profile header");
            goto out;
        }
        if (!hd_line_starts_with(&line, "%"))
            break;
        if (hd_line_starts_with(&line, "%warn"))
            hd_warn("%s:%ld: the profiler said: %.*s", name, lines.number,
                    (int)(line.length > 5 ? line.length - 5 : 0), line.start + 5);
    }
    struct hd_line trimmed = line;
    while (trimmed.length && (*trimmed.start == ' ' || *trimmed.start == '\t')) {
        trimmed.start++;
        trimmed.length--;
    }
    if (lines.number == 1 && hd_line_starts_with(&line, "desc:"))
        rc = hd_parse_massif(p, &lines, limits, file, snapshot, err);
    else if (snapshot != HD_MASSIF_LAST)
        hd_error_set(err, file, 0,
                     "'#' after the name selects a snapshot of valgrind massif output, and "
                     "this is not massif output");
    else if (hd_line_starts_with(&trimmed, "heap profile:"))
        rc = hd_parse_legacy(p, &line, &lines, limits, &totals, err);
    else if (hd_line_starts_with(&trimmed, "heap_v2"))
        rc = hd_parse_threaded(p, &line, &lines, limits, &totals, err);
    else if (hd_lsan_sniff(data, size))
        rc = hd_parse_lsan(p, name, data, size, limits, err);
    else if (!refuse_known_format(name, data, size, err))
        hd_error_set(err, name, lines.number,
                     "not a heap profile: expected 'heap profile:' (gperftools) or "
                     "'heap_v2/RATE' (jemalloc), found '%.*s'",
                     (int)(line.length > 40 ? 40 : line.length), line.start);
out:
    if (rc != 0) {
        hd_model_free(p);
        return NULL;
    }
    detect_producer(p);
    hd_totals_check(p, &totals, size);
    return p;
}

struct hd_model *hd_parse_text(const char *name, const char *data, size_t size,
                               const struct hd_parse_limits *limits, struct hd_error *err)
{
    return parse_text(name, name, data, size, limits, HD_MASSIF_LAST, err);
}

struct hd_model *hd_parse_file(const char *path, const struct hd_parse_limits *limits,
                               struct hd_error *err)
{
    struct hd_parse_limits defaults;
    if (!limits) {
        hd_parse_limits_init(&defaults);
        limits = &defaults;
    }
    /* "FILE#N" names snapshot N of a massif file, unless a file has that
     * very name. */
    char file[PATH_MAX];
    long snapshot = HD_MASSIF_LAST;
    struct stat st;
    const char *open_path = path;
    if (!hd_input_is_stdin(path) && stat(path, &st) != 0 &&
        hd_massif_split_selector(path, file, sizeof file, &snapshot))
        open_path = file;
    struct hd_input in;
    if (hd_input_open(&in, open_path, limits->max_input_bytes, err) != 0)
        return NULL;
    struct hd_model *p = parse_text(hd_input_name(path), hd_input_name(open_path), in.data,
                                    in.size, limits, snapshot, err);
    hd_input_close(&in);
    return p;
}
