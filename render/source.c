/* The --list source view (see source.h). */
#include "source.h"
#include "emitter.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "file.h"
#include "idtable.h"
#include "regex.h"
#include "path.h"

#define NONE UINT32_MAX
#define UNCOUNTED SIZE_MAX

/* ---- the regex ---- */


int hd_source_check(const struct hd_source_options *o, struct hd_error *err)
{
    if (!o || !o->list)
        return 0;
    pcre2_code *re = hd_regex_compile("list", o->list, 0, err);
    if (!re)
        return -1;
    pcre2_code_free(re);
    return 0;
}

/* ---- finding a source file ---- */

/* The paths tried so far, for the message when none is there. */
struct tried {
    char text[1024];
    size_t n;
};

enum { TRIED_SHOWN = 6 }; /* paths the message names; the rest are counted */

static void note_tried(struct tried *t, const char *path, const char *why)
{
    if (t->n++ >= TRIED_SHOWN)
        return;
    size_t used = strlen(t->text);
    snprintf(t->text + used, sizeof t->text - used, "%s%s%s%s%s", t->n > 1 ? ", " : "", path,
             why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* Open PATH when it is a regular file; else note it in T.  Returns the
 * descriptor or -1. */
static int try_path(const char *path, struct tried *t)
{
    int fd = hd_file_open_regular(path, NULL);
    if (fd >= 0)
        return fd;
    if (fd == HD_FILE_NOT_REGULAR)
        note_tried(t, path, "not a regular file");
    else
        note_tried(t, path, errno == ENOENT || errno == ENOTDIR ? NULL : strerror(errno));
    return -1;
}

int hd_source_find(const struct hd_source_options *o, const char *name, char *found,
                   size_t size)
{
    struct tried t = {"", 0};
    int fd = try_path(name, &t);
    if (fd >= 0) {
        snprintf(found, size, "%s", name);
        return fd;
    }
    const char *relative = name;
    while (*relative == '/')
        relative++;
    size_t n_lists = o ? o->n_source_paths : 0;
    for (size_t i = 0; i < n_lists; i++) {
        const char *rest, *dir;
        size_t length;
        for (dir = hd_path_list_next(o->source_paths[i], &length, &rest); dir;
             dir = hd_path_list_next(rest, &length, &rest)) {
            /* DIR/NAME, then NAME's trailing parts under DIR. */
            for (const char *part = relative; *part;) {
                char path[PATH_MAX];
                if (snprintf(path, sizeof path, "%.*s/%s", (int)length, dir, part) <
                    (int)sizeof path) {
                    fd = try_path(path, &t);
                    if (fd >= 0) {
                        snprintf(found, size, "%s", path);
                        return fd;
                    }
                }
                const char *slash = strchr(part, '/');
                if (!slash)
                    break;
                part = slash + 1;
            }
        }
    }
    snprintf(found, size, "%s%s%.0zu%s%s", t.text, t.n > TRIED_SHOWN ? " and " : "",
             t.n > TRIED_SHOWN ? t.n - TRIED_SHOWN : 0, t.n > TRIED_SHOWN ? " more" : "",
             n_lists == 0 ? "; add --source-path DIR" : "");
    return -1;
}

/* A source file as read, or why it was not. */
struct source {
    const char *name;   /* the frames' file name; the cache key */
    char path[PATH_MAX]; /* where it was read from */
    char problem[1200]; /* why it was not read; "" when it was */
    char *text;         /* its bytes, SIZE of them; NULL when not read */
    size_t size;
    size_t *starts;     /* line k (1-based) starts at text[starts[k - 1]] */
    size_t n_lines;     /* a last line without a newline counts */
};

/* Read FD (regular, opened by hd_source_find) into SRC, at most
 * HD_SOURCE_MAX_BYTES. */
static void read_source(struct source *src, int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size > HD_SOURCE_MAX_BYTES) {
        snprintf(src->problem, sizeof src->problem, "larger than %zu MiB, not read",
                 HD_SOURCE_MAX_BYTES >> 20);
        return;
    }
    size_t capacity = (size_t)st.st_size + 1, size = 0;
    char *text = hd_malloc(capacity, 1);
    for (;;) {
        if (size == capacity) {
            /* It grew since fstat: read on, up to the bound. */
            if (capacity > HD_SOURCE_MAX_BYTES) {
                snprintf(src->problem, sizeof src->problem, "larger than %zu MiB, not read",
                         HD_SOURCE_MAX_BYTES >> 20);
                free(text);
                return;
            }
            HD_ARRAY_RESERVE(text, capacity, capacity + 1);
        }
        ssize_t n = read(fd, text + size, capacity - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(src->problem, sizeof src->problem, "cannot be read: %s",
                     strerror(errno));
            free(text);
            return;
        }
        if (n == 0)
            break;
        size += (size_t)n;
    }
    size_t n_lines = 0, capacity_starts = 0;
    size_t *starts = NULL;
    for (size_t i = 0; i < size; i++) {
        if (i == 0 || text[i - 1] == '\n') {
            HD_ARRAY_RESERVE(starts, capacity_starts, n_lines + 1);
            starts[n_lines++] = i;
        }
    }
    src->text = text;
    src->size = size;
    src->starts = starts;
    src->n_lines = n_lines;
}

static void load_source(struct source *src, const struct hd_source_options *o)
{
    char found[sizeof src->problem - 32];
    int fd = hd_source_find(o, src->name, found, sizeof found);
    if (fd < 0) {
        snprintf(src->problem, sizeof src->problem, "not found; tried %s", found);
        return;
    }
    snprintf(src->path, sizeof src->path, "%s", found);
    read_source(src, fd);
    close(fd);
}

/* Line NUMBER's bytes (1-based, <= n_lines) without its line end. */
static const char *line_text(const struct source *src, size_t number, size_t *length)
{
    size_t start = src->starts[number - 1];
    size_t end = number < src->n_lines ? src->starts[number] : src->size;
    if (end > start && src->text[end - 1] == '\n')
        end--;
    if (end > start && src->text[end - 1] == '\r')
        end--;
    *length = end - start;
    return src->text + start;
}

/* ---- the values per line ---- */

/* One line of one routine: where a listed function's frames are. */
struct line {
    const char *function; /* as shown; never NULL */
    const char *file;     /* NULL when the debug info names none */
    uint32_t number;      /* 0 when unknown */
    uint32_t routine;     /* its routine's id */
    double flat;          /* samples whose leaf frame is here */
    double cum;           /* samples with a frame here, each once */
    size_t stamp;         /* the last sample counted in cum, or UNCOUNTED */
};

/* A function in one source file: one ROUTINE block. */
struct routine {
    const char *function;
    const char *file;
    const char *module; /* the mapped file of its first frame seen, or "" */
    double flat, cum;
    size_t stamp;
    size_t rank; /* place in the output */
};

struct listing {
    struct line *lines;
    size_t n_lines, capacity_lines;
    struct routine *routines;
    size_t n_routines, capacity_routines;
    struct hd_idtable line_ids, routine_ids;
    /* Per location, the line id of each frame the graph shows (NONE when
     * its function is not listed): slots[first[l] .. first[l + 1]). */
    uint32_t *first;
    uint32_t *slots;
};

struct key {
    const char *function;
    const char *file;
    uint32_t number;
    const char *module; /* not part of the key: what a new routine says */
};

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static uint64_t hash_key(const char *function, const char *file, uint32_t number)
{
    uint64_t h = hd_hash_bytes(function, strlen(function));
    if (file)
        h ^= hd_hash_mix(hd_hash_bytes(file, strlen(file)));
    return hd_hash_mix(h + number);
}

static uint64_t line_rehash(const void *owner, uint32_t id)
{
    const struct line *l = &((const struct listing *)owner)->lines[id];
    return hash_key(l->function, l->file, l->number);
}

static bool line_matches(const void *owner, uint32_t id, const void *key)
{
    const struct line *l = &((const struct listing *)owner)->lines[id];
    const struct key *k = key;
    return l->number == k->number && same(l->function, k->function) && same(l->file, k->file);
}

static uint32_t line_create(void *owner, const void *key)
{
    struct listing *x = owner;
    const struct key *k = key;
    HD_ARRAY_RESERVE(x->lines, x->capacity_lines, x->n_lines + 1);
    x->lines[x->n_lines] = (struct line){k->function, k->file, k->number, NONE, 0, 0, UNCOUNTED};
    return (uint32_t)x->n_lines++;
}

static uint64_t routine_rehash(const void *owner, uint32_t id)
{
    const struct routine *r = &((const struct listing *)owner)->routines[id];
    return hash_key(r->function, r->file, 0);
}

static bool routine_matches(const void *owner, uint32_t id, const void *key)
{
    const struct routine *r = &((const struct listing *)owner)->routines[id];
    const struct key *k = key;
    return same(r->function, k->function) && same(r->file, k->file);
}

static uint32_t routine_create(void *owner, const void *key)
{
    struct listing *x = owner;
    const struct key *k = key;
    HD_ARRAY_RESERVE(x->routines, x->capacity_routines, x->n_routines + 1);
    x->routines[x->n_routines] =
        (struct routine){k->function, k->file, k->module, 0, 0, UNCOUNTED, 0};
    return (uint32_t)x->n_routines++;
}

/* The line id of frame F, in MODULE, creating it and its routine. */
static uint32_t line_of(struct listing *x, const struct hd_frame *f, const char *module)
{
    struct key k = {f->function, f->file, f->line, module};
    struct hd_probe q = {hash_key(k.function, k.file, k.number), line_matches, line_rehash, x,
                         &k};
    uint32_t id = hd_idtable_intern(&x->line_ids, &q, line_create, x);
    if (x->lines[id].routine == NONE) {
        struct key rk = {f->function, f->file, 0, module};
        struct hd_probe rq = {hash_key(rk.function, rk.file, 0), routine_matches,
                              routine_rehash, x, &rk};
        x->lines[id].routine = hd_idtable_intern(&x->routine_ids, &rq, routine_create, x);
    }
    return id;
}

/* Give each location's shown frames (all of them, or with NO_INLINES the
 * real function only, as the graph does) their line ids. */
static void name_slots(struct listing *x, const struct hd_model *m, pcre2_code *re,
                       bool no_inlines)
{
    size_t total = 0;
    for (size_t i = 0; i < m->n_locations; i++)
        total += m->locations[i].n_frames && !no_inlines ? m->locations[i].n_frames : 1;
    x->first = hd_malloc(m->n_locations + 1, sizeof *x->first);
    x->slots = hd_malloc(total + 1, sizeof *x->slots);
    pcre2_match_data *match = re ? pcre2_match_data_create(1, NULL) : NULL;
    uint32_t next = 0;
    for (size_t i = 0; i < m->n_locations; i++) {
        const struct hd_location *l = &m->locations[i];
        x->first[i] = next;
        uint32_t n = l->n_frames ? l->n_frames : 1;
        for (uint32_t f = no_inlines ? n - 1 : 0; f < n; f++) {
            const struct hd_frame *frame = l->n_frames ? &l->frames[f] : NULL;
            bool listed = frame && frame->function &&
                          (!re || pcre2_match(re, (PCRE2_SPTR)frame->function,
                                              strlen(frame->function), 0, 0, match, NULL) >= 0);
            const char *module =
                l->mapping == HD_NO_MAPPING ? "" : m->mappings[l->mapping].path;
            x->slots[next++] = listed ? line_of(x, frame, module) : NONE;
        }
    }
    x->first[m->n_locations] = next;
    pcre2_match_data_free(match);
}

/* Whether STACK has a listed frame. */
static bool lists_a_frame(const struct listing *x, const struct hd_stack *stack)
{
    for (uint32_t d = stack->allocator_frames; d < stack->depth; d++) {
        uint32_t l = stack->locations[d];
        for (uint32_t k = x->first[l]; k < x->first[l + 1]; k++)
            if (x->slots[k] != NONE)
                return true;
    }
    return false;
}

/* Add every sample the graph counts to the lines of its listed frames. */
static void count_samples(struct listing *x, const struct hd_report *report)
{
    const struct hd_model *m = report->model;
    for (size_t s = 0; s < m->samples.n; s++) {
        const struct hd_stack *stack = &m->stacks[m->samples.keys[s].stack];
        double value, base;
        if (!lists_a_frame(x, stack) ||
            !hd_graph_sample_value(report->graph, m, s, &value, &base) ||
            hd_graph_sample_nodes(report->graph, m, s, NULL, 0) == 0)
            continue; /* nothing listed, no value, or filtered out */
        bool leaf = true; /* the allocator's own frames are left out */
        for (uint32_t d = stack->allocator_frames; d < stack->depth; d++) {
            uint32_t l = stack->locations[d];
            for (uint32_t k = x->first[l]; k < x->first[l + 1]; k++, leaf = false) {
                if (x->slots[k] == NONE)
                    continue;
                struct line *line = &x->lines[x->slots[k]];
                struct routine *r = &x->routines[line->routine];
                if (leaf) {
                    line->flat += value;
                    r->flat += value;
                }
                if (line->stamp != s) {
                    line->stamp = s;
                    line->cum += value;
                }
                if (r->stamp != s) {
                    r->stamp = s;
                    r->cum += value;
                }
            }
        }
    }
}

static int compare_names(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL); /* no file: last */
    return strcmp(a, b);
}

static int compare_routines(const void *a, const void *b, void *context)
{
    const struct routine *routines = context;
    const struct routine *x = &routines[*(const uint32_t *)a];
    const struct routine *y = &routines[*(const uint32_t *)b];
    int c = strcmp(x->function, y->function);
    return c ? c : compare_names(x->file, y->file);
}

static int compare_lines(const void *a, const void *b, void *context)
{
    const struct listing *x = context;
    const struct line *p = &x->lines[*(const uint32_t *)a];
    const struct line *q = &x->lines[*(const uint32_t *)b];
    size_t rp = x->routines[p->routine].rank, rq = x->routines[q->routine].rank;
    if (rp != rq)
        return rp < rq ? -1 : 1;
    return p->number < q->number ? -1 : p->number > q->number;
}

/* ---- printing ---- */

struct printer {
    FILE *out;
    enum hd_value_type value;
    enum hd_byte_unit unit;
    double total;   /* what percentages are of (hd_graph_denominator); 0: none */
    size_t n_bases; /* a diff when > 0 */
};

/* LINE's FLAT or cum; "." for a line no sample reached, as Go pprof's
 * list prints 0 (a diff's 0 is a line whose growth was 0, and shows). */
static const char *value_or_dot(const struct printer *p, const struct line *line, bool flat,
                                char *buf, size_t size)
{
    double value = line ? (flat ? line->flat : line->cum) : 0;
    if (value == 0 && (!line || p->n_bases == 0))
        return ".";
    return hd_format_value(value, p->value, p->unit, buf, size);
}

/* One line: values, number, and TEXT (LENGTH bytes, may be NULL).
 * Control characters in a source file print as '?', and a very long
 * line is cut with a note. */
static void print_line(const struct printer *p, const struct line *line, uint32_t number,
                       const char *text, size_t length)
{
    char flat[64], cum[64];
    fprintf(p->out, "%10s %10s %6u:", value_or_dot(p, line, true, flat, sizeof flat),
            value_or_dot(p, line, false, cum, sizeof cum), (unsigned)number);
    if (text && length > 0) {
        size_t shown = length > HD_SOURCE_MAX_LINE_BYTES ? HD_SOURCE_MAX_LINE_BYTES : length;
        fputc(' ', p->out);
        for (size_t i = 0; i < shown; i++) {
            unsigned char c = (unsigned char)text[i];
            fputc((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c, p->out);
        }
        if (shown < length)
            fprintf(p->out, " [... %zu more bytes]", length - shown);
    }
    fputc('\n', p->out);
}

/* LINES[0..N) (one routine's, by number) with the source around them. */
static void print_with_source(const struct printer *p, const struct source *src,
                              const struct line *const *lines, size_t n)
{
    const size_t context = HD_SOURCE_CONTEXT_LINES;
    size_t i = 0, printed_to = 0;
    while (i < n && lines[i]->number == 0)
        print_line(p, lines[i++], 0, "(no line number)", 16);
    bool past_end = false;
    while (i < n) {
        /* A window: the lines within CONTEXT of a line with a value,
         * joined with the next when at most one line lies between. */
        size_t start = lines[i]->number > context ? lines[i]->number - context : 1;
        size_t j = i;
        while (j + 1 < n && lines[j + 1]->number <= lines[j]->number + 2 * context + 2)
            j++;
        size_t end = lines[j]->number + context;
        if (end > src->n_lines)
            end = src->n_lines;
        if (printed_to > 0 && start > printed_to + 1)
            fprintf(p->out, "%10s %10s %6s\n", "", "", "...");
        size_t k = i;
        for (size_t number = start; number <= end; number++) {
            const struct line *line = k <= j && lines[k]->number == number ? lines[k++] : NULL;
            size_t length;
            const char *text = line_text(src, number, &length);
            print_line(p, line, (uint32_t)number, text, length);
        }
        for (; k <= j; k++) {
            print_line(p, lines[k], lines[k]->number, NULL, 0);
            past_end = true;
        }
        printed_to = end;
        i = j + 1;
    }
    if (past_end)
        fprintf(p->out, " (%s has %zu lines: is it the source this program was built from?)\n",
                src->path, src->n_lines);
}

/* The source of NAME from CACHE, reading it the first time. */
static const struct source *source_of(struct source **cache, size_t *n, size_t *capacity,
                                      const char *name, const struct hd_source_options *o)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*cache)[i].name, name) == 0)
            return &(*cache)[i];
    HD_ARRAY_RESERVE(*cache, *capacity, *n + 1);
    struct source *src = &(*cache)[(*n)++];
    memset(src, 0, sizeof *src);
    src->name = name;
    load_source(src, o);
    return src;
}

static void print_routine(const struct printer *p, const struct routine *r,
                          const struct line *const *lines, size_t n, const struct source *src)
{
    char flat[64], cum[64], percent[32];
    if (p->total == 0)
        snprintf(percent, sizeof percent, "-");
    else
        snprintf(percent, sizeof percent, "%.1f%%", r->cum * 100.0 / p->total);
    fprintf(p->out, "ROUTINE ======================== %s in %s\n", r->function,
            r->file ? r->file : "??");
    fprintf(p->out, "%10s %10s (flat, cum) %s of Total\n",
            hd_format_value(r->flat, p->value, p->unit, flat, sizeof flat),
            hd_format_value(r->cum, p->value, p->unit, cum, sizeof cum), percent);
    if (!r->file) {
        const char *slash = strrchr(r->module, '/');
        if (*r->module)
            fprintf(p->out, " No source information: %s has no line table for it\n",
                    slash ? slash + 1 : r->module);
        else
            fputs(" No source information: no line table covers it\n", p->out);
        return;
    }
    if (src->text) {
        if (strcmp(src->path, r->file) != 0)
            fprintf(p->out, " Source: %s\n", src->path);
        print_with_source(p, src, lines, n);
        return;
    }
    fprintf(p->out, " Source %s%s%s\n", src->path, src->path[0] ? ": " : "", src->problem);
    for (size_t i = 0; i < n; i++)
        print_line(p, lines[i], lines[i]->number, NULL, 0);
}

int hd_emit_source(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    const struct hd_source_options defaults = {NULL, NULL, 0, false};
    const struct hd_source_options *o = report->source ? report->source : &defaults;
    pcre2_code *re = NULL;
    if (o->list && !(re = hd_regex_compile("list", o->list, 0, err)))
        return -1;
    struct listing x;
    memset(&x, 0, sizeof x);
    name_slots(&x, report->model, re, o->no_inlines);
    pcre2_code_free(re);
    count_samples(&x, report);

    /* The routines that counted a sample, by name and file; their lines in
     * that order, by number. */
    uint32_t *routines = hd_malloc(x.n_routines + 1, sizeof *routines);
    size_t n_routines = 0;
    for (uint32_t i = 0; i < x.n_routines; i++)
        if (x.routines[i].stamp != UNCOUNTED)
            routines[n_routines++] = i;
    qsort_r(routines, n_routines, sizeof *routines, compare_routines, x.routines);
    for (size_t i = 0; i < n_routines; i++)
        x.routines[routines[i]].rank = i;
    uint32_t *order = hd_malloc(x.n_lines + 1, sizeof *order);
    size_t n_order = 0;
    for (uint32_t i = 0; i < x.n_lines; i++)
        if (x.lines[i].stamp != UNCOUNTED)
            order[n_order++] = i;
    qsort_r(order, n_order, sizeof *order, compare_lines, &x);
    const struct line **lines = hd_malloc(n_order + 1, sizeof *lines);
    for (size_t i = 0; i < n_order; i++)
        lines[i] = &x.lines[order[i]];

    int rc = 0;
    if (n_routines == 0 && o->list) {
        rc = hd_error_set(err, NULL, 0, "--list: no function with a value matches '%s'",
                          o->list);
    } else {
        struct hd_denominator denominator =
            hd_graph_denominator(report->graph, report->text.n_bases > 0);
        struct printer p = {out, report->text.value, report->text.unit, denominator.value,
                            report->text.n_bases};
        p.unit = hd_resolve_unit(p.unit, report->graph->total != 0 ? report->graph->total
                                                                   : report->graph->base_total);
        hd_text_print_header(out, report->graph, &report->text, &denominator, p.unit);
        struct source *cache = NULL;
        size_t n_cache = 0, capacity_cache = 0;
        size_t at = 0;
        for (size_t i = 0; i < n_routines; i++) {
            const struct routine *r = &x.routines[routines[i]];
            size_t first = at;
            while (at < n_order && x.routines[lines[at]->routine].rank == i)
                at++;
            const struct source *src =
                r->file ? source_of(&cache, &n_cache, &capacity_cache, r->file, o) : NULL;
            print_routine(&p, r, lines + first, at - first, src);
        }
        for (size_t i = 0; i < n_cache; i++) {
            free(cache[i].text);
            free(cache[i].starts);
        }
        free(cache);
        if (ferror(out))
            rc = hd_error_set(err, report->output_name, 0, "cannot write the report");
    }
    free(lines);
    free(order);
    free(routines);
    hd_idtable_free(&x.line_ids);
    hd_idtable_free(&x.routine_ids);
    free(x.lines);
    free(x.routines);
    free(x.first);
    free(x.slots);
    return rc;
}
