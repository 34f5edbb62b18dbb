/* glibc's malloc_info(0, fp) XML (malloc/malloc.c, glibc >= 2.10):
 *
 *   <malloc version="1">
 *   <heap nr="N"> <sizes>...</sizes>
 *     <total type="fast" count= size=/> <total type="rest" count= size=/>
 *     <system type="current" size=/> <system type="max" size=/>
 *     <aspace .../> </heap> ...
 *   <total type="fast|rest|mmap" count= size=/>
 *   <system type="current|max" size=/> <aspace .../>
 *   </malloc>
 *
 * "rest" counts the arena's top chunk as one free chunk.  Read with
 * libxml2's streaming reader (constant memory, whatever the file's size),
 * with no entity substitution, no DTD and no network. */
#include "inputs.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "array.h"

/* The reader's first error, with its line. */
struct xml_error {
    bool set;
    long line;
    char message[256];
};

static void on_error(void *arg, const char *msg, xmlParserSeverities severity,
                     xmlTextReaderLocatorPtr locator)
{
    struct xml_error *e = arg;
    if (e->set || (severity != XML_PARSER_SEVERITY_ERROR &&
                   severity != XML_PARSER_SEVERITY_VALIDITY_ERROR))
        return;
    e->set = true;
    e->line = locator ? xmlTextReaderLocatorLineNumber(locator) : 0;
    snprintf(e->message, sizeof e->message, "%s", msg ? msg : "malformed XML");
    size_t n = strlen(e->message);
    while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
        e->message[--n] = '\0';
}

/* The attribute NAME of the reader's current element as a number. */
static int attr_u64(xmlTextReaderPtr reader, const char *attr, const char *file, long line,
                    uint64_t *value, struct hd_error *err)
{
    xmlChar *text = xmlTextReaderGetAttribute(reader, (const xmlChar *)attr);
    if (text == NULL)
        return hd_error_set(err, file, line, "malloc_info: <%s> without %s=",
                            (const char *)xmlTextReaderConstName(reader), attr);
    const char *s = (const char *)text;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int rc = 0;
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno == ERANGE || v == HD_MEM_UNKNOWN)
        rc = hd_error_set(err, file, line, "malloc_info: %s=\"%.40s\" is not a size", attr, s);
    else
        *value = v;
    xmlFree(text);
    return rc;
}

/* Whether the current element's "type" attribute is TYPE. */
static bool type_is(xmlTextReaderPtr reader, const char *type)
{
    xmlChar *text = xmlTextReaderGetAttribute(reader, (const xmlChar *)"type");
    bool is = text && strcmp((const char *)text, type) == 0;
    xmlFree(text);
    return is;
}

/* Where the figures of a <total> or <system> element go: an arena's, or
 * the totals after the last <heap>. */
struct figures {
    uint64_t fast_size, fast_count, rest_size, rest_count, mmap_size, mmap_count;
    uint64_t system_current, system_max;
};

static int read_figure(xmlTextReaderPtr reader, const char *element, const char *file,
                       long line, struct figures *f, struct hd_error *err)
{
    if (strcmp(element, "total") == 0) {
        uint64_t *size = NULL, *count = NULL;
        if (type_is(reader, "fast"))
            size = &f->fast_size, count = &f->fast_count;
        else if (type_is(reader, "rest"))
            size = &f->rest_size, count = &f->rest_count;
        else if (type_is(reader, "mmap"))
            size = &f->mmap_size, count = &f->mmap_count;
        if (size == NULL)
            return 0;
        return attr_u64(reader, "size", file, line, size, err) != 0 ||
                       attr_u64(reader, "count", file, line, count, err) != 0
                   ? -1
                   : 0;
    }
    if (strcmp(element, "system") == 0) {
        if (type_is(reader, "current"))
            return attr_u64(reader, "size", file, line, &f->system_current, err);
        if (type_is(reader, "max"))
            return attr_u64(reader, "size", file, line, &f->system_max, err);
    }
    return 0;
}

static void figures_unknown(struct figures *f)
{
    memset(f, 0xff, sizeof *f); /* every field HD_MEM_UNKNOWN */
}

/* FAST + REST, either unknown -> unknown; -1 on overflow. */
static int free_of(const struct figures *f, uint64_t *out, const char *file,
                   struct hd_error *err)
{
    *out = f->fast_size;
    return hd_mem_add(out, f->rest_size, file, "malloc_info's free chunks", err);
}

static int finish_arena(const struct figures *f, int nr, struct hd_mem_glibc *g, size_t *cap,
                        const char *file, long line, struct hd_error *err)
{
    struct hd_mem_glibc_arena a = {.number = nr,
                                   .system_current = f->system_current,
                                   .system_max = f->system_max,
                                   .fastbin_bytes = f->fast_size,
                                   .free_chunks = f->fast_count};
    if (free_of(f, &a.free_bytes, file, err) != 0 ||
        hd_mem_add(&a.free_chunks, f->rest_count, file, "malloc_info's chunk counts", err) != 0)
        return -1;
    if (a.system_current == HD_MEM_UNKNOWN || a.free_bytes == HD_MEM_UNKNOWN)
        return hd_error_set(err, file, line,
                            "malloc_info: <heap nr=\"%d\"> lacks its system or free totals", nr);
    if (g->n_arenas >= 1 << 20)
        return hd_error_set(err, file, line, "malloc_info: more than 2^20 arenas");
    HD_ARRAY_RESERVE(g->arenas, *cap, g->n_arenas + 1);
    g->arenas[g->n_arenas++] = a;
    return 0;
}

int hd_mem_parse_malloc_info(const char *name, const char *data, size_t size,
                             struct hd_mem_glibc *g, struct hd_error *err)
{
    if (size > INT_MAX)
        return hd_error_set(err, name, 0, "malloc_info: larger than 2 GiB");
    xmlTextReaderPtr reader = xmlReaderForMemory(data, (int)size, NULL, NULL, XML_PARSE_NONET);
    if (reader == NULL)
        return hd_error_set(err, name, 0, "malloc_info: cannot start the XML reader");
    struct xml_error xe = {0};
    xmlTextReaderSetErrorHandler(reader, on_error, &xe);
    struct figures arena, totals;
    figures_unknown(&totals);
    size_t cap = 0;
    int rc = 0, nr = -1, r;
    bool in_heap = false, root_seen = false;
    free(g->arenas);
    memset(g, 0, sizeof *g);
    while (rc == 0 && (r = xmlTextReaderRead(reader)) == 1) {
        int type = xmlTextReaderNodeType(reader), depth = xmlTextReaderDepth(reader);
        const char *element = (const char *)xmlTextReaderConstName(reader);
        xmlNodePtr node = xmlTextReaderCurrentNode(reader);
        long line = node ? xmlGetLineNo(node) : xmlTextReaderGetParserLineNumber(reader);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE) {
            rc = hd_error_set(err, name, line, "malloc_info: a DTD or an entity: not glibc's");
        } else if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
            if (strcmp(element, "malloc") != 0 || root_seen)
                rc = hd_error_set(err, name, line, "malloc_info: the root is <%s>, not <malloc>",
                                  element);
            root_seen = true;
        } else if (type == XML_READER_TYPE_ELEMENT && depth == 1 && strcmp(element, "heap") == 0) {
            uint64_t n;
            if (attr_u64(reader, "nr", name, line, &n, err) != 0)
                rc = -1;
            else if (n > INT_MAX)
                rc = hd_error_set(err, name, line, "malloc_info: heap nr=%llu",
                                  (unsigned long long)n);
            nr = (int)n;
            figures_unknown(&arena);
            in_heap = !xmlTextReaderIsEmptyElement(reader);
            if (rc == 0 && !in_heap)
                rc = finish_arena(&arena, nr, g, &cap, name, line, err);
        } else if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 && in_heap) {
            in_heap = false;
            rc = finish_arena(&arena, nr, g, &cap, name, line, err);
        } else if (type == XML_READER_TYPE_ELEMENT && depth == 2 && in_heap) {
            rc = read_figure(reader, element, name, line, &arena, err);
        } else if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
            rc = read_figure(reader, element, name, line, &totals, err);
        }
    }
    if (rc == 0 && (r != 0 || xe.set))
        rc = hd_error_set(err, name, xe.line, "malloc_info: %s",
                          xe.set ? xe.message : "malformed XML");
    if (rc == 0 && !root_seen)
        rc = hd_error_set(err, name, 0, "malloc_info: no <malloc> element");
    if (rc == 0 && (totals.system_current == HD_MEM_UNKNOWN || totals.rest_size == HD_MEM_UNKNOWN))
        rc = hd_error_set(err, name, 0, "malloc_info: no totals after the heaps (truncated?)");
    xmlFreeTextReader(reader);
    if (rc == 0) {
        g->present = true;
        g->from_malloc_info = true;
        g->system_current = totals.system_current;
        g->system_max = totals.system_max;
        g->mmap_bytes = totals.mmap_size;
        g->mmap_count = totals.mmap_count;
        rc = free_of(&totals, &g->free_bytes, name, err);
    }
    if (rc != 0) {
        free(g->arenas);
        memset(g, 0, sizeof *g);
    }
    return rc;
}
