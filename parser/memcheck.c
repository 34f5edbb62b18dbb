/* valgrind memcheck's XML output (--xml=yes --xml-file=F, valgrind's
 * docs/internals/xml-output-protocol4.txt): its leak records as samples
 * (see formats.h).
 *
 * The file is read as a stream (libxml2's xmlTextReader), one <error> at a
 * time, so memory follows the largest record, not the file.  A DOCTYPE is
 * refused (valgrind writes none), so no entity is ever declared, expanded
 * or fetched: no "billion laughs", no network (XML_PARSE_NONET), and
 * libxml2's own limits on names and text stay on (no XML_PARSE_HUGE). */
#include "formats.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "array.h"
#include "path.h"

/* Longest text kept from one element (a function name, a path). */
#define MAX_TEXT 65536
/* Deepest element path followed: valgrindoutput/error/stack/frame/fn. */
#define MAX_DEPTH 8

/* One <frame>: its fields' text, "" when absent. */
struct frame {
    char *ip, *obj, *fn, *dir, *file, *line;
};

/* The <error> being read. */
struct record {
    char *kind;        /* <kind> */
    char *what;        /* <xwhat><text> */
    char *bytes;       /* <xwhat><leakedbytes> */
    char *blocks;      /* <xwhat><leakedblocks> */
    struct frame *frames; /* its <stack>, innermost first */
    size_t n_frames, capacity;
    long line;         /* where it starts */
};

struct reader {
    struct hd_model *profile;
    const char *name;
    const char *data; /* the whole file */
    size_t size;
    const struct hd_parse_limits *limits;
    unsigned kinds;            /* HD_LEAK_* wanted */
    xmlTextReaderPtr xml;
    const char *path[MAX_DEPTH]; /* element names by depth (libxml2's dict) */
    struct record record;
    bool in_error;
    char *tool;                /* <protocoltool> */
    size_t records;
    uint32_t *locations;       /* a stack being built, and its capacity */
    size_t capacity;
    double indirect_in_definite; /* bytes definite records say they hold */
    bool has_indirect_records;
    /* libxml2's first complaint, for the error message */
    char xml_error[256];
    long xml_error_line;
};

static void take_xml_error(void *arg, xmlErrorPtr e)
{
    struct reader *r = arg;
    if (r->xml_error[0] || !e)
        return;
    snprintf(r->xml_error, sizeof r->xml_error, "%s", e->message ? e->message : "bad XML");
    size_t n = strlen(r->xml_error);
    while (n && (r->xml_error[n - 1] == '\n' || r->xml_error[n - 1] == ' '))
        r->xml_error[--n] = '\0';
    r->xml_error_line = e->line;
}

/* The line of the node the reader is at. */
static long current_line(struct reader *r)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(r->xml);
    long line = node ? xmlGetLineNo(node) : -1;
    return line > 0 ? line : xmlTextReaderGetParserLineNumber(r->xml);
}

/* Append TEXT to *FIELD (elements may come in several text nodes). */
static int append_text(struct reader *r, char **field, const char *text, struct hd_error *err)
{
    size_t old = *field ? strlen(*field) : 0, n = strlen(text);
    if (old + n > MAX_TEXT) {
        hd_error_set(err, r->name, current_line(r), "an element's text is longer than %d bytes",
                     MAX_TEXT);
        return -1;
    }
    char *joined = hd_malloc(old + n + 1, 1);
    if (old)
        memcpy(joined, *field, old);
    memcpy(joined + old, text, n + 1);
    free(*field);
    *field = joined;
    return 0;
}

static void free_frame(struct frame *f)
{
    free(f->ip);
    free(f->obj);
    free(f->fn);
    free(f->dir);
    free(f->file);
    free(f->line);
}

static void clear_record(struct record *rec)
{
    free(rec->kind);
    free(rec->what);
    free(rec->bytes);
    free(rec->blocks);
    for (size_t i = 0; i < rec->n_frames; i++)
        free_frame(&rec->frames[i]);
    free(rec->frames);
    memset(rec, 0, sizeof *rec);
}

/* Whether the open elements at depths 0 .. DEPTH - 1 are NAMES
 * (NULL-terminated, DEPTH of them). */
static bool path_is(const struct reader *r, int depth, const char *const *names)
{
    int d = 0;
    for (; names[d]; d++)
        if (d >= depth || d >= MAX_DEPTH || !r->path[d] || strcmp(r->path[d], names[d]) != 0)
            return false;
    return d == depth;
}

/* The field of the record that a text node at DEPTH belongs to, or NULL. */
static char **text_field(struct reader *r, int depth)
{
    static const char *const kind[] = {"valgrindoutput", "error", "kind", NULL};
    static const char *const tool[] = {"valgrindoutput", "protocoltool", NULL};
    if (path_is(r, depth, tool))
        return &r->tool;
    if (!r->in_error)
        return NULL;
    struct record *rec = &r->record;
    if (path_is(r, depth, kind))
        return &rec->kind;
    if (depth == 4 && path_is(r, 3, (const char *const[]){"valgrindoutput", "error", "xwhat", NULL})) {
        if (strcmp(r->path[3], "text") == 0)
            return &rec->what;
        if (strcmp(r->path[3], "leakedbytes") == 0)
            return &rec->bytes;
        if (strcmp(r->path[3], "leakedblocks") == 0)
            return &rec->blocks;
        return NULL;
    }
    if (depth == 5 && rec->n_frames &&
        path_is(r, 4, (const char *const[]){"valgrindoutput", "error", "stack", "frame", NULL})) {
        struct frame *f = &rec->frames[rec->n_frames - 1];
        const char *field = r->path[4];
        if (strcmp(field, "ip") == 0)
            return &f->ip;
        if (strcmp(field, "obj") == 0)
            return &f->obj;
        if (strcmp(field, "fn") == 0)
            return &f->fn;
        if (strcmp(field, "dir") == 0)
            return &f->dir;
        if (strcmp(field, "file") == 0)
            return &f->file;
        if (strcmp(field, "line") == 0)
            return &f->line;
    }
    return NULL;
}

/* The number TEXT (digits, "," between thousands allowed), at most 2^53
 * (beyond any heap, and exact as a double).  -1 with *ERR set when it is
 * none, naming WHAT. */
static int read_count(struct reader *r, const char *text, const char *what, long line,
                      uint64_t *value, struct hd_error *err)
{
    uint64_t v = 0;
    size_t digits = 0;
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == ',' && digits)
            continue;
        if (*p < '0' || *p > '9' || v > ((uint64_t)1 << 53) / 10) {
            digits = 0;
            break;
        }
        v = v * 10 + (uint64_t)(*p - '0');
        digits++;
    }
    if (!digits || v > (uint64_t)1 << 53) {
        hd_error_set(err, r->name, line, "<%s> is not a count of at most 2^53: '%.40s'", what,
                     text ? text : "");
        return -1;
    }
    *value = v;
    return 0;
}

/* The direct part of a record's bytes: its <text> says "N (D direct, I
 * indirect) bytes in ..." when the blocks it lost hold others, which have
 * records of their own (of kind indirectly lost); else all BYTES. */
static int direct_bytes(struct reader *r, uint64_t bytes, uint64_t *direct,
                        struct hd_error *err)
{
    const struct record *rec = &r->record;
    *direct = bytes;
    const char *open = rec->what ? strchr(rec->what, '(') : NULL;
    if (!open || !strstr(open, " direct, "))
        return 0;
    char number[64];
    uint64_t d, i;
    size_t n = strcspn(open + 1, " ");
    snprintf(number, sizeof number, "%.*s", (int)(n < 63 ? n : 63), open + 1);
    if (read_count(r, number, "text's direct bytes", rec->line, &d, err) != 0)
        return -1;
    const char *comma = strstr(open, " direct, ") + strlen(" direct, ");
    n = strcspn(comma, " ");
    snprintf(number, sizeof number, "%.*s", (int)(n < 63 ? n : 63), comma);
    if (read_count(r, number, "text's indirect bytes", rec->line, &i, err) != 0)
        return -1;
    if (d + i != bytes) {
        hd_error_set(err, r->name, rec->line,
                     "the record's text says %" PRIu64 " direct and %" PRIu64
                     " indirect bytes, its <leakedbytes> %" PRIu64,
                     d, i, bytes);
        return -1;
    }
    *direct = d;
    r->indirect_in_definite += (double)i;
    return 0;
}

/* Frame F as the frame the model keeps: "OBJ@0xIP" for a frame valgrind
 * could not name (it writes no load addresses, so heapdiff cannot name it
 * either; valgrind's addresses repeat from run to run). */
static struct hd_frame given_frame(struct hd_model *p, const struct frame *f)
{
    struct hd_frame out = {NULL, NULL, 0};
    if (f->fn && f->fn[0]) {
        out.function = f->fn;
    } else {
        char name[512];
        snprintf(name, sizeof name, "%s@%s", f->obj && f->obj[0] ? hd_path_base(f->obj) : "??",
                 f->ip ? f->ip : "?");
        out.function = hd_model_intern_string(p, name);
    }
    if (f->file && f->file[0]) {
        size_t size = strlen(f->file) + (f->dir ? strlen(f->dir) : 0) + 2;
        char *path = hd_malloc(size, 1);
        if (f->dir && f->dir[0] && f->file[0] != '/')
            snprintf(path, size, "%s/%s", f->dir, f->file);
        else
            snprintf(path, size, "%s", f->file);
        out.file = hd_model_intern_string(p, hd_path_clean(path));
        free(path);
    }
    if (f->line && f->line[0]) {
        char *end;
        errno = 0;
        unsigned long line = strtoul(f->line, &end, 10);
        if (!errno && *end == '\0' && line <= UINT32_MAX)
            out.line = (uint32_t)line;
    }
    return out;
}

/* The record just ended: a leak record of a wanted kind becomes a
 * sample; any other error (an invalid read, ...) is no leak. */
static int finish_record(struct reader *r, struct hd_error *err)
{
    static const struct {
        const char *kind;
        unsigned bit;
        const char *label;
    } kinds[] = {
        {"Leak_DefinitelyLost", HD_LEAK_DEFINITE, "[definitely lost]"},
        {"Leak_IndirectlyLost", HD_LEAK_INDIRECT, "[indirectly lost]"},
        {"Leak_PossiblyLost", HD_LEAK_POSSIBLE, "[possibly lost]"},
        {"Leak_StillReachable", HD_LEAK_REACHABLE, "[still reachable]"},
    };
    struct record *rec = &r->record;
    size_t k = 0;
    while (k < sizeof kinds / sizeof *kinds && !(rec->kind && strcmp(rec->kind, kinds[k].kind) == 0))
        k++;
    if (k == sizeof kinds / sizeof *kinds)
        return 0;
    if (kinds[k].bit == HD_LEAK_INDIRECT)
        r->has_indirect_records = true;
    if (++r->records > r->limits->max_stacks) {
        hd_error_set(err, r->name, rec->line, "more than %zu leak records, the limit",
                     r->limits->max_stacks);
        return -1;
    }
    uint64_t bytes, blocks, direct;
    if (read_count(r, rec->bytes, "leakedbytes", rec->line, &bytes, err) != 0 ||
        read_count(r, rec->blocks, "leakedblocks", rec->line, &blocks, err) != 0 ||
        direct_bytes(r, bytes, &direct, err) != 0)
        return -1;
    if (rec->n_frames == 0) {
        hd_error_set(err, r->name, rec->line, "a leak record without a <stack> of <frame>s");
        return -1;
    }
    if (!(r->kinds & kinds[k].bit))
        return 0;
    /* Frames of one <ip> in a row are one address's inline chain,
     * innermost first, as the model keeps a location's frames. */
    HD_ARRAY_RESERVE(r->locations, r->capacity, rec->n_frames + 1);
    struct hd_frame *chain = hd_calloc(rec->n_frames, sizeof *chain);
    uint32_t depth = 0;
    for (size_t i = 0; i < rec->n_frames;) {
        size_t n = 0;
        do
            chain[n] = given_frame(r->profile, &rec->frames[i + n]);
        while (++n, i + n < rec->n_frames && rec->frames[i].ip && rec->frames[i + n].ip &&
                        strcmp(rec->frames[i].ip, rec->frames[i + n].ip) == 0);
        uint64_t address = rec->frames[i].ip ? strtoull(rec->frames[i].ip, NULL, 16) : 0;
        r->locations[depth++] =
            hd_model_intern_given_location(r->profile, HD_NO_MAPPING, address, chain, (uint32_t)n);
        i += n;
    }
    free(chain);
    if (r->profile->n_locations > r->limits->max_locations) {
        hd_error_set(err, r->name, rec->line, "more than %zu distinct frames, the limit",
                     r->limits->max_locations);
        return -1;
    }
    hd_leak_add_record(r->profile, r->locations, depth, kinds[k].label, (double)direct,
                       (double)blocks);
    return 0;
}

/* Whether the last bytes of DATA close the document.  libxml2's reader
 * says "Extra content at the end of the document" for a file cut short. */
static bool ends_document(const char *data, size_t size)
{
    size_t tail = size < 4096 ? size : 4096;
    return memmem(data + size - tail, tail, "</valgrindoutput>", 17) != NULL;
}

/* The number of the last line of DATA. */
static long count_lines(const char *data, size_t size)
{
    long lines = 1;
    for (const char *p = data, *end = data + size; (p = memchr(p, '\n', (size_t)(end - p)));
         p++)
        if (p + 1 < end)
            lines++;
    return lines;
}

/* React to the node the reader is at. */
static int visit(struct reader *r, struct hd_error *err)
{
    int type = xmlTextReaderNodeType(r->xml);
    int depth = xmlTextReaderDepth(r->xml);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
        const char *doctype = memmem(r->data, r->size, "<!DOCTYPE", 9);
        hd_error_set(err, r->name,
                     doctype ? count_lines(r->data, (size_t)(doctype - r->data) + 1)
                             : current_line(r),
                     "a DOCTYPE: valgrind's XML has none (its entities are not read)");
        return -1;
    }
    if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
        hd_error_set(err, r->name, current_line(r), "an entity reference: valgrind writes none");
        return -1;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
        if (depth < 0 || depth >= MAX_DEPTH)
            return 0;
        const char *name = (const char *)xmlTextReaderConstLocalName(r->xml);
        r->path[depth] = name;
        if (depth == 0 && strcmp(name, "valgrindoutput") != 0) {
            hd_error_set(err, r->name, current_line(r),
                         "<%s> where valgrind's XML starts with <valgrindoutput>", name);
            return -1;
        }
        if (depth == 1 && strcmp(name, "error") == 0) {
            clear_record(&r->record);
            r->in_error = true;
            r->record.line = current_line(r);
        } else if (depth == 3 && r->in_error &&
                   path_is(r, 4, (const char *const[]){"valgrindoutput", "error", "stack",
                                                        "frame", NULL})) {
            struct record *rec = &r->record;
            if (rec->n_frames >= r->limits->max_frames) {
                hd_error_set(err, r->name, current_line(r), "a stack of more than %zu frames",
                             r->limits->max_frames);
                return -1;
            }
            HD_ARRAY_RESERVE(rec->frames, rec->capacity, rec->n_frames + 1);
            memset(&rec->frames[rec->n_frames++], 0, sizeof *rec->frames);
        }
        if (xmlTextReaderIsEmptyElement(r->xml) && depth == 1 && r->in_error) {
            r->in_error = false;
            return finish_record(r, err);
        }
        return 0;
    }
    if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
        char **field = text_field(r, depth);
        const char *text = (const char *)xmlTextReaderConstValue(r->xml);
        return field && text ? append_text(r, field, text, err) : 0;
    }
    if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 && r->in_error) {
        r->in_error = false;
        return finish_record(r, err);
    }
    return 0;
}

/* After the whole file: what it lacked. */
static int check_end(struct reader *r, struct hd_error *err)
{
    if (r->tool && strcmp(r->tool, "memcheck") != 0) {
        hd_error_set(err, r->name, 0,
                     "valgrind XML of the tool '%s': heapdiff reads memcheck's leak records",
                     r->tool);
        return -1;
    }
    if (r->indirect_in_definite > 0 && !r->has_indirect_records &&
        (r->kinds & HD_LEAK_INDIRECT))
        hd_warn("%s: its records say %.0f bytes were lost indirectly, but it has no record "
                "of them: run valgrind with --show-leak-kinds=all (or definite,indirect,...)",
                r->name, r->indirect_in_definite);
    if (r->records == 0)
        hd_warn("%s: no leak records: valgrind found no leak, or ran without "
                "--leak-check=full",
                r->name);
    return 0;
}

int hd_parse_memcheck(struct hd_model *profile, const char *name, const char *data,
                      size_t size, const struct hd_parse_limits *limits,
                      struct hd_error *err)
{
    if (size > INT_MAX) {
        hd_error_set(err, name, 0, "valgrind XML larger than %d bytes", INT_MAX);
        return -1;
    }
    struct hd_model_input *in = &profile->inputs[0];
    in->producer = HD_PRODUCER_MEMCHECK;
    in->format = HD_FORMAT_MEMCHECK_XML;
    snprintf(in->type, sizeof in->type, "memcheck");
    struct reader r = {
        .profile = profile,
        .name = name,
        .data = data,
        .size = size,
        .limits = limits,
        .kinds = hd_leak_kinds_wanted(limits, HD_LEAK_MEMCHECK_DEFAULT),
    };
    r.xml = xmlReaderForMemory(data, (int)size, NULL, NULL,
                               XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
                                   XML_PARSE_NOERROR);
    if (!r.xml) {
        hd_error_set(err, name, 0, "cannot start reading the XML (libxml2)");
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(r.xml, take_xml_error, &r);
    int rc = 0, status;
    while (rc == 0 && (status = xmlTextReaderRead(r.xml)) == 1)
        rc = visit(&r, err);
    if (rc == 0 && status != 0) {
        if (!ends_document(data, size))
            hd_error_set(err, name, count_lines(data, size),
                         "the XML ends before </valgrindoutput>: valgrind cut off, or the "
                         "file cut short?");
        else if (r.xml_error[0])
            hd_error_set(err, name, r.xml_error_line, "bad XML: %s", r.xml_error);
        else
            hd_error_set(err, name, xmlTextReaderGetParserLineNumber(r.xml), "bad XML");
        rc = -1;
    }
    if (rc == 0 && r.in_error) {
        hd_error_set(err, name, r.record.line, "the file ends inside this <error>");
        rc = -1;
    }
    if (rc == 0)
        rc = check_end(&r, err);
    xmlFreeTextReader(r.xml);
    clear_record(&r.record);
    free(r.tool);
    free(r.locations);
    return rc;
}
