/* LeakSanitizer's reports, as AddressSanitizer or standalone LSan print
 * them at exit, found anywhere in a log (see formats.h).  compiler-rt's
 * lsan_common.cpp writes, per process:
 *
 *   ==PID==ERROR: LeakSanitizer: detected memory leaks
 *   Direct leak of N byte(s) in M object(s) allocated from:
 *       #0 0xADDR in FUNC FILE:LINE[:COLUMN]     symbolized
 *       #1 0xADDR in FUNC (MODULE+0xOFF)         a name, no line
 *       #2 0xADDR  (MODULE+0xOFF)                symbolize=0, or no
 *                                                llvm-symbolizer
 *   Indirect leak of ...
 *   SUMMARY: AddressSanitizer: T byte(s) leaked in A allocation(s).
 *
 * Lines are found by what they hold, not where they start, so a prefix
 * (a time stamp, a test runner's "1: ") is skipped, and lines that are none
 * of these (the tests' own output) are ignored.  Several processes'
 * reports in one log are summed.  OFF is the pc minus the module's load
 * address: an ELF virtual address, which symbolize/vaddrs.c turns into a
 * file offset once the module is found. */
#include "formats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

#define ERROR_LINE "ERROR: LeakSanitizer: detected memory leaks"

/* One "#N 0xADDR ..." line, parsed. */
struct frame {
    uint64_t address;
    const char *function; /* [function, function + function_length); NULL: none */
    size_t function_length;
    const char *file;     /* likewise; NULL: none */
    size_t file_length;
    uint32_t line;
    const char *module;   /* likewise; NULL: none */
    size_t module_length;
    uint64_t module_offset;
};

struct reader {
    struct hd_model *profile;
    const char *name;
    const struct hd_parse_limits *limits;
    unsigned kinds;
    struct hd_lines lines;
    /* the report being read */
    bool in_report;
    long report_line;           /* its ERROR line */
    double listed_bytes, listed_objects; /* its blocks' sums */
    /* the block being read */
    bool in_block;
    long block_line;
    bool block_indirect;
    double block_bytes, block_objects;
    struct frame *frames;       /* the block's frames, innermost first */
    size_t n_frames, capacity_frames;
    uint32_t *locations;
    size_t capacity_locations;
    size_t records;
};

/* [P, END) as a pooled string. */
static const char *pooled(struct hd_model *m, const char *p, size_t n)
{
    char *copy = hd_malloc(n + 1, 1);
    memcpy(copy, p, n);
    copy[n] = '\0';
    const char *s = hd_model_intern_string(m, copy);
    free(copy);
    return s;
}

/* How much of LINE from AT on a message quotes: at most 60 bytes. */
static int quoted(const char *at, const struct hd_line *line)
{
    size_t n = (size_t)(line->start + line->length - at);
    return (int)(n < 60 ? n : 60);
}

/* Where the literal NEEDLE starts in LINE, or NULL. */
static const char *find(const struct hd_line *line, const char *needle)
{
    return memmem(line->start, line->length, needle, strlen(needle));
}

/* The number at *P (< END; digits only), advanced past it; false when
 * there is none or it exceeds 2^53 (no heap is that large). */
static bool read_decimal(const char **p, const char *end, uint64_t *value)
{
    uint64_t v = 0;
    const char *q = *p;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        v = v * 10 + (uint64_t)(*q - '0');
        if (v > (uint64_t)1 << 53)
            return false;
    }
    if (q == *p)
        return false;
    *p = q;
    *value = v;
    return true;
}

static bool read_hex(const char **p, const char *end, uint64_t *value)
{
    if (end - *p < 3 || (*p)[0] != '0' || ((*p)[1] != 'x' && (*p)[1] != 'X'))
        return false;
    const char *q = *p + 2;
    uint64_t v = 0;
    int digits = 0;
    for (; q < end; q++, digits++) {
        int d = *q >= '0' && *q <= '9' ? *q - '0'
                : *q >= 'a' && *q <= 'f' ? *q - 'a' + 10
                : *q >= 'A' && *q <= 'F' ? *q - 'A' + 10
                                         : -1;
        if (d < 0)
            break;
        if (digits >= 16)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    if (digits == 0)
        return false;
    *p = q;
    *value = v;
    return true;
}

/* Whether P starts with LIT (before END); advances past it. */
static bool accept(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* "(MODULE+0xOFF)" exactly filling [P, END) into F. */
static bool read_module(const char *p, const char *end, struct frame *f)
{
    if (end - p < 6 || *p != '(' || end[-1] != ')')
        return false;
    const char *plus = NULL;
    for (const char *q = end - 1; q > p; q--)
        if (*q == '+') {
            plus = q;
            break;
        }
    const char *at = plus ? plus + 1 : NULL;
    if (!plus || plus == p + 1 || !read_hex(&at, end - 1, &f->module_offset) || at != end - 1)
        return false;
    f->module = p + 1;
    f->module_length = (size_t)(plus - p - 1);
    return true;
}

/* Parse the frame line at AT ("#N 0xADDR ...", its number read already
 * into *NUMBER), to END, into F.  False when it is not one. */
static bool read_frame(const char *at, const char *end, uint64_t *number, struct frame *f)
{
    memset(f, 0, sizeof *f);
    const char *p = at + 1;
    if (!read_decimal(&p, end, number) || !accept(&p, end, " ") || !read_hex(&p, end, &f->address))
        return false;
    /* A build-id note ends newer runtimes' module frames. */
    const char *build = memmem(p, (size_t)(end - p), " (BuildId: ", 11);
    if (build)
        end = build;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    while (p < end && *p == ' ')
        p++;
    if (p == end || read_module(p, end, f) ||
        ((size_t)(end - p) == 18 && memcmp(p, "(<unknown module>)", 18) == 0))
        return true; /* "#N 0xADDR" alone, or "(MODULE+0xOFF)" */
    if (!accept(&p, end, "in "))
        return p == end;
    /* "FUNC LOCATION": the location is the last word, and a function's
     * name (C++) may hold spaces. */
    const char *space = NULL;
    for (const char *q = end - 1; q > p; q--)
        if (*q == ' ') {
            space = q;
            break;
        }
    if (space && space[1] == '(' && read_module(space + 1, end, f)) {
        f->function = p;
        f->function_length = (size_t)(space - p);
        return true;
    }
    if (space) {
        /* FILE:LINE or FILE:LINE:COLUMN */
        const char *colon = NULL, *q = end;
        for (int fields = 0; fields < 2; fields++) {
            const char *c = q;
            while (c > space && c[-1] >= '0' && c[-1] <= '9')
                c--;
            if (c == q || c[-1] != ':')
                break;
            colon = c - 1;
            q = colon;
        }
        if (colon) {
            const char *digits = colon + 1;
            uint64_t line;
            if (read_decimal(&digits, end, &line) && line <= UINT32_MAX)
                f->line = (uint32_t)line;
            f->function = p;
            f->function_length = (size_t)(space - p);
            f->file = space + 1;
            f->file_length = (size_t)(colon - space - 1);
            return true;
        }
    }
    f->function = p; /* a name alone */
    f->function_length = (size_t)(end - p);
    return true;
}

/* The mapping of module [P, P + N) loaded at BASE: one per module and
 * load address, ranges growing to cover the addresses seen. */
static uint32_t module_mapping(struct hd_model *m, const char *p, size_t n, uint64_t base,
                               uint64_t address)
{
    const char *path = pooled(m, p, n);
    for (size_t i = 0; i < m->n_mappings; i++) {
        struct hd_mapping *map = &m->mappings[i];
        if (map->path == path && map->start == base) {
            if (address >= map->limit)
                map->limit = address + 1;
            return (uint32_t)i;
        }
    }
    uint32_t id = hd_model_add_mapping(m, base, address + 1, 0, path, true, false);
    m->mappings[id].vaddr_offsets = true;
    return id;
}

/* The location of frames F[0..N), one address (an inline chain when N >
 * 1, innermost first). */
static int frame_location(struct reader *r, const struct frame *f, size_t n, uint32_t *out,
                          struct hd_error *err, long line)
{
    struct hd_model *m = r->profile;
    uint32_t mapping = HD_NO_MAPPING;
    if (f[0].module) {
        if (f[0].module_offset > f[0].address)
            return hd_error_set(err, r->name, line,
                                "the module offset 0x%" PRIx64 " exceeds the address 0x%" PRIx64,
                                f[0].module_offset, f[0].address);
        mapping = module_mapping(m, f[0].module, f[0].module_length,
                                 f[0].address - f[0].module_offset, f[0].address);
    }
    if (!f[0].function) {
        *out = hd_model_intern_location(m, mapping, f[0].address,
                                        f[0].module ? f[0].module_offset : f[0].address);
        return 0;
    }
    struct hd_frame *chain = hd_calloc(n, sizeof *chain);
    for (size_t i = 0; i < n; i++) {
        chain[i].function = pooled(m, f[i].function, f[i].function_length);
        chain[i].file = f[i].file ? pooled(m, f[i].file, f[i].file_length) : NULL;
        chain[i].line = f[i].line;
    }
    *out = hd_model_intern_given_location(m, mapping, f[0].address, chain, (uint32_t)n);
    free(chain);
    return 0;
}

/* The block just read becomes a sample. */
static int finish_block(struct reader *r, struct hd_error *err)
{
    if (!r->in_block)
        return 0;
    r->in_block = false;
    if (r->n_frames == 0)
        return hd_error_set(err, r->name, r->block_line, "a leak without the stack it was "
                                                         "allocated from");
    r->listed_bytes += r->block_bytes;
    r->listed_objects += r->block_objects;
    unsigned kind = r->block_indirect ? HD_LEAK_INDIRECT : HD_LEAK_DEFINITE;
    if (!(r->kinds & kind))
        return 0;
    if (++r->records > r->limits->max_stacks)
        return hd_error_set(err, r->name, r->block_line, "more than %zu leaks, the limit",
                            r->limits->max_stacks);
    HD_ARRAY_RESERVE(r->locations, r->capacity_locations, r->n_frames + 1);
    uint32_t depth = 0;
    for (size_t i = 0; i < r->n_frames;) {
        size_t n = 1;
        /* Inlined frames repeat their caller's address, innermost first. */
        while (i + n < r->n_frames && r->frames[i].function && r->frames[i + n].function &&
               r->frames[i + n].address == r->frames[i].address)
            n++;
        if (frame_location(r, &r->frames[i], n, &r->locations[depth++], err, r->block_line) != 0)
            return -1;
        i += n;
    }
    if (r->profile->n_locations > r->limits->max_locations)
        return hd_error_set(err, r->name, r->block_line,
                            "more than %zu distinct frames, the limit", r->limits->max_locations);
    hd_leak_add_record(r->profile, r->locations, depth,
                       r->block_indirect ? "[indirect leak]" : "[direct leak]", r->block_bytes,
                       r->block_objects);
    return 0;
}

/* "Direct leak of N byte(s) in M object(s) allocated from:" at AT. */
static int start_block(struct reader *r, const struct hd_line *line, const char *at,
                       bool indirect, struct hd_error *err)
{
    if (finish_block(r, err) != 0)
        return -1;
    const char *p = at + strlen(indirect ? "Indirect leak of " : "Direct leak of ");
    const char *end = line->start + line->length;
    uint64_t bytes, objects;
    if (!read_decimal(&p, end, &bytes) || !accept(&p, end, " byte(s) in ") ||
        !read_decimal(&p, end, &objects) || !accept(&p, end, " object(s) allocated from:"))
        return hd_error_set(err, r->name, r->lines.number,
                            "expected 'N byte(s) in M object(s) allocated from:' (counts of at "
                            "most 2^53), found '%.*s'",
                            quoted(at, line), at);
    r->in_block = true;
    r->block_line = r->lines.number;
    r->block_indirect = indirect;
    r->block_bytes = (double)bytes;
    r->block_objects = (double)objects;
    r->n_frames = 0;
    return 0;
}

/* "SUMMARY: ...Sanitizer: T byte(s) leaked in A allocation(s)." at AT:
 * the report ends; its totals must be the blocks'. */
static int end_report(struct reader *r, const struct hd_line *line, const char *at,
                      struct hd_error *err)
{
    if (finish_block(r, err) != 0)
        return -1;
    const char *end = line->start + line->length;
    const char *p = memmem(at, (size_t)(end - at), "Sanitizer: ", 11);
    uint64_t bytes, allocations;
    if (!p || (p += 11, !read_decimal(&p, end, &bytes)) || !accept(&p, end, " byte(s) leaked in ") ||
        !read_decimal(&p, end, &allocations))
        return hd_error_set(err, r->name, r->lines.number,
                            "expected 'SUMMARY: ...Sanitizer: N byte(s) leaked in M "
                            "allocation(s).', found '%.*s'",
                            quoted(at, line), at);
    if ((double)bytes != r->listed_bytes || (double)allocations != r->listed_objects)
        hd_warn("%s:%ld: the report lists %.0f bytes in %.0f allocations, its SUMMARY says "
                "%" PRIu64 " in %" PRIu64 ": some leaks were not printed (LSAN_OPTIONS "
                "max_leaks?) and are missing here",
                r->name, r->report_line, r->listed_bytes, r->listed_objects, bytes, allocations);
    r->in_report = false;
    return 0;
}

/* One line inside a report. */
static int report_line(struct reader *r, const struct hd_line *line, struct hd_error *err)
{
    const char *at;
    const char *end = line->start + line->length;
    if ((at = find(line, "Direct leak of ")))
        return start_block(r, line, at, false, err);
    if ((at = find(line, "Indirect leak of ")))
        return start_block(r, line, at, true, err);
    if ((at = find(line, "SUMMARY: ")) && find(line, " byte(s) leaked in "))
        return end_report(r, line, at, err);
    /* A frame: "    #N 0x" (LSan indents frames by four spaces). */
    if (!(at = find(line, "    #")))
        return 0;
    at += 4;
    uint64_t number;
    struct frame f;
    const char *digits = at + 1;
    uint64_t ignored;
    if (!read_decimal(&digits, end, &ignored) || !accept(&digits, end, " 0x"))
        return 0; /* "#" and a number, but no frame: someone else's line */
    if (!r->in_block || !read_frame(at, end, &number, &f))
        return hd_error_set(err, r->name, r->lines.number,
                            r->in_block ? "a frame line that cannot be read: '%.*s'"
                                        : "a frame outside a leak: '%.*s'",
                            quoted(at, line), at);
    if (number != r->n_frames)
        return hd_error_set(err, r->name, r->lines.number, "frame #%" PRIu64 " where #%zu "
                            "belongs", number, r->n_frames);
    if (r->n_frames >= r->limits->max_frames)
        return hd_error_set(err, r->name, r->lines.number, "a stack of more than %zu frames",
                            r->limits->max_frames);
    HD_ARRAY_RESERVE(r->frames, r->capacity_frames, r->n_frames + 1);
    r->frames[r->n_frames++] = f;
    return 0;
}

static int read_reports(struct reader *r, struct hd_error *err)
{
    struct hd_line line;
    bool found = false;
    while (hd_lines_next(&r->lines, &line)) {
        bool header = find(&line, ERROR_LINE) != NULL;
        if (header && r->in_report)
            return hd_error_set(err, r->name, r->report_line,
                                "this report ends without its SUMMARY line, where another "
                                "begins (line %ld): a process cut off?",
                                r->lines.number);
        if (header) {
            r->in_report = found = true;
            r->report_line = r->lines.number;
            r->listed_bytes = r->listed_objects = 0;
            continue;
        }
        if (r->in_report && report_line(r, &line, err) != 0)
            return -1;
    }
    if (r->in_report)
        return hd_error_set(err, r->name, r->report_line,
                            "the file ends inside this LeakSanitizer report, before its "
                            "SUMMARY line: a process cut off, or a log cut short?");
    if (!found)
        return hd_error_set(err, r->name, 0, "no LeakSanitizer report ('" ERROR_LINE "')");
    return 0;
}

int hd_parse_lsan(struct hd_model *profile, const char *name, const char *data, size_t size,
                  const struct hd_parse_limits *limits, struct hd_error *err)
{
    struct hd_model_input *in = &profile->inputs[0];
    in->producer = HD_PRODUCER_LSAN;
    in->format = HD_FORMAT_LSAN;
    snprintf(in->type, sizeof in->type, "leaksanitizer");
    struct reader r = {
        .profile = profile,
        .name = name,
        .limits = limits,
        .kinds = hd_leak_kinds_wanted(limits, HD_LEAK_LSAN_DEFAULT),
    };
    hd_lines_init(&r.lines, data, size);
    int rc = read_reports(&r, err);
    free(r.frames);
    free(r.locations);
    if (rc == 0)
        hd_model_resolve_locations(profile);
    return rc;
}

bool hd_lsan_sniff(const char *data, size_t size)
{
    size_t n = size < HD_LSAN_SNIFF_BYTES ? size : HD_LSAN_SNIFF_BYTES;
    return memmem(data, n, ERROR_LINE, strlen(ERROR_LINE)) != NULL;
}
