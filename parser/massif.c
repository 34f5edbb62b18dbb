/* valgrind massif's output (see massif.h). */
#include "massif.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "counts.h"
#include "path.h"

/* The line massif writes before and after each "snapshot=N". */
#define RULE "#-----------"

/* The frame of the bytes a tree's root holds beyond its children's: an
 * allocation with no stack at all.  Massif never writes one (--depth is at
 * least 1), but no byte of a tree is dropped. */
#define NO_STACK "(no stack)"

enum node_kind {
    NODE_ROOT,    /* the allocation functions, no frame of its own */
    NODE_NAMED,   /* "0xIP: fn (file:line)", "0xIP: fn (in OBJ)", "0xIP:
                     ??? (in OBJ)" of another object than the program */
    NODE_ADDRESS, /* "0xIP: ???" (in the program, or no object named):
                     an address in the main program, symbolized here */
    NODE_BELOW,   /* "in N places, all below massif's threshold (T)" */
};

/* A node of the tree on the path from the root to the line being read. */
struct node {
    enum node_kind kind;
    long line;               /* where the file has it */
    uint64_t bytes;          /* its "nK: BYTES" */
    uint64_t children_bytes; /* the bytes of its children read so far;
                                <= bytes */
    uint64_t children_left;  /* of the K children it promises, how many
                                are not read yet */
    uint64_t address;        /* NODE_NAMED, NODE_ADDRESS: the IP as massif
                                wrote it, a return address - 1 (valgrind
                                names the call, not the return) */
    struct hd_frame frame;   /* NODE_NAMED, while building: strings in the
                                model's pool; all NULL otherwise */
};

/* One snapshot's header lines, and where its tree starts. */
struct snapshot {
    struct hd_massif_snapshot facts;
    long line;             /* of its "snapshot=N" */
    bool has_tree;         /* heap_tree=detailed or peak */
    struct hd_lines tree;  /* positioned before the tree's first line */
};

struct reader {
    struct hd_model *model; /* samples go to its input 0; NULL while
                               only checking */
    bool skim;              /* skip trees while scanning, unchecked: the
                               one read is checked when it is read */
    const char *file;       /* for messages */
    const struct hd_parse_limits *limits;
    char program[256];      /* base name of the program cmd: ran */
    char time_unit[4];
    struct node *path;      /* path[0] the root .. path[depth - 1] */
    size_t path_capacity;
    uint32_t *ids;          /* a stack's location ids, being built */
    size_t ids_capacity;
    struct hd_frame *frames; /* one location's frames, being built */
    size_t frames_capacity;
    char *text;             /* a NUL-terminated copy of a name */
    size_t text_capacity;
};

static void reader_free(struct reader *r)
{
    free(r->path);
    free(r->ids);
    free(r->frames);
    free(r->text);
}

bool hd_massif_split_selector(const char *path, char *file, size_t size, long *snapshot)
{
    const char *hash = strrchr(path, '#');
    if (!hash || hash == path || (size_t)(hash - path) >= size)
        return false;
    const char *sel = hash + 1;
    long number;
    if (strcmp(sel, "peak") == 0) {
        number = HD_MASSIF_PEAK;
    } else {
        size_t digits = strspn(sel, "0123456789");
        if (digits == 0 || digits > 9 || sel[digits] != '\0')
            return false;
        number = strtol(sel, NULL, 10);
    }
    memcpy(file, path, (size_t)(hash - path));
    file[hash - path] = '\0';
    *snapshot = number;
    return true;
}

/* ---- lines ---- */

/* The next line into *LINE, which must exist and be whole: -1 with *ERR
 * set when the file ends before WHAT, or its last line is cut off. */
static int need_line(struct reader *r, struct hd_lines *lines, struct hd_line *line,
                     const char *what, struct hd_error *err)
{
    if (!hd_lines_next(lines, line))
        return hd_error_set(err, r->file, lines->number,
                            "truncated: the file ends before %s", what);
    if (!line->terminated)
        return hd_error_set(err, r->file, lines->number, "truncated: the last line is cut off");
    return 0;
}

/* A non-negative decimal number at C; -1 with *ERR set naming WHAT. */
static int read_number(struct reader *r, struct hd_cursor *c, long line, const char *what,
                       uint64_t *value, struct hd_error *err)
{
    int64_t v;
    enum hd_number_status st = hd_cursor_int(c, &v);
    if (st == HD_NUMBER_OVERFLOW)
        return hd_error_set(err, r->file, line, "%s does not fit in 63 bits", what);
    if (st != HD_NUMBER_OK || v < 0)
        return hd_error_set(err, r->file, line, "expected %s, a number of 0 or more", what);
    *value = (uint64_t)v;
    return 0;
}

/* The line "KEY=NUMBER" into *VALUE. */
static int read_field(struct reader *r, struct hd_lines *lines, const char *key,
                      uint64_t *value, struct hd_error *err)
{
    struct hd_line line;
    if (need_line(r, lines, &line, key, err) != 0)
        return -1;
    struct hd_cursor c;
    hd_cursor_init(&c, &line);
    if (!hd_cursor_accept(&c, key) || !hd_cursor_accept(&c, "="))
        return hd_error_set(err, r->file, lines->number, "expected '%s=' in a snapshot's header",
                            key);
    if (read_number(r, &c, lines->number, key, value, err) != 0)
        return -1;
    if (!hd_cursor_at_end(&c))
        return hd_error_set(err, r->file, lines->number, "unexpected text after %s", key);
    return 0;
}

/* A NUL-terminated copy of TEXT[0..N) in the reader's buffer, pooled in
 * the model. */
static const char *pooled(struct reader *r, const char *text, size_t n)
{
    HD_ARRAY_RESERVE(r->text, r->text_capacity, n + 1);
    memcpy(r->text, text, n);
    r->text[n] = '\0';
    return hd_model_intern_string(r->model, r->text);
}

/* ---- a node's line ---- */

/* Whether TEXT[0..N), what follows "0xIP: " and the function, is
 * valgrind's place of a frame: "(FILE:LINE)" or "(in OBJECT)". */
static bool is_place(const char *text, size_t n)
{
    if (n < 3 || text[0] != '(' || text[n - 1] != ')')
        return false;
    if (n > 5 && memcmp(text, "(in ", 4) == 0)
        return true;
    size_t digits = 0;
    while (digits < n - 2 && text[n - 2 - digits] >= '0' && text[n - 2 - digits] <= '9')
        digits++;
    return digits > 0 && n - 2 - digits > 1 && text[n - 2 - digits] == ':';
}

/* Fill NODE from DESCRIPTION[0..N), what follows "0xIP: ": "???", "???
 * (in OBJ)", "fn", "fn (in OBJ)" or "fn (file:line)".  The function may
 * itself hold " (" (C++: "f(int) (a.cc:3)"), so the place is the last
 * " (" group that reads as one. */
static void read_frame(struct reader *r, const char *text, size_t n, struct node *node)
{
    size_t name_end = n;
    for (size_t i = n; i-- > 1;)
        if (text[i] == '(' && text[i - 1] == ' ' && is_place(text + i, n - i)) {
            name_end = i - 1;
            break;
        }
    const char *place = name_end < n ? text + name_end + 1 : NULL;
    size_t place_n = place ? n - name_end - 1 : 0;
    bool in_object = place && memcmp(place, "(in ", 4) == 0;
    if (name_end == 0 || (name_end == 3 && memcmp(text, "???", 3) == 0)) {
        /* Unnamed: an address in the main program, unless valgrind names
         * another object, which heapdiff cannot map without its load
         * address: then it is kept as written. */
        bool other = false;
        if (in_object) {
            size_t len = place_n - 5, base = len;
            while (base > 0 && place[4 + base - 1] != '/')
                base--;
            other = strlen(r->program) != len - base ||
                    memcmp(r->program, place + 4 + base, len - base) != 0;
        }
        if (!other) {
            node->kind = NODE_ADDRESS;
            return;
        }
    }
    node->kind = NODE_NAMED;
    if (!r->model)
        return;
    if (!place || in_object) {
        /* "??? (in OBJ)" of another object keeps its whole text as the
         * name, so that unnamed frames of two objects stay apart. */
        bool unnamed = name_end == 0 || (name_end == 3 && memcmp(text, "???", 3) == 0);
        node->frame.function = pooled(r, text, unnamed ? n : name_end);
        return;
    }
    /* "(FILE:LINE)": is_place checked the digits. */
    size_t colon = place_n - 2;
    while (place[colon] != ':')
        colon--;
    node->frame.function = pooled(r, text, name_end);
    node->frame.file = pooled(r, place + 1, colon - 1);
    node->frame.line = (uint32_t)strtoul(place + colon + 1, NULL, 10);
}

/* The error for a line, indented INDENT, where the node at DEPTH (a
 * child of path[DEPTH - 1]) belongs but is not found. */
static int misplaced(struct reader *r, long line, size_t depth, size_t indent,
                     struct hd_error *err)
{
    if (depth == 0)
        return hd_error_set(err, r->file, line, "expected the heap tree's root, 'nK: BYTES ...'");
    if (indent > depth)
        return hd_error_set(err, r->file, line,
                            "a node at depth %zu where one at depth %zu belongs: a count of "
                            "children above is too small",
                            indent, depth);
    const struct node *parent = &r->path[depth - 1];
    return hd_error_set(err, r->file, line,
                        "expected a node at depth %zu ('%*sn...'): the node at line %ld "
                        "counts %llu more children than it has",
                        depth, (int)depth, "", parent->line,
                        (unsigned long long)parent->children_left);
}

/* Read the node at DEPTH from LINE (number NUMBER) into *NODE. */
static int read_node(struct reader *r, const struct hd_line *line, long number, size_t depth,
                     struct node *node, struct hd_error *err)
{
    memset(node, 0, sizeof *node);
    node->line = number;
    struct hd_cursor c;
    hd_cursor_init(&c, line);
    size_t indent = 0;
    while (c.p < c.end && *c.p == ' ') {
        c.p++;
        indent++;
    }
    if (indent != depth || !hd_cursor_accept(&c, "n"))
        return misplaced(r, number, depth, indent, err);
    if (read_number(r, &c, number, "the node's count of children", &node->children_left,
                    err) != 0)
        return -1;
    if (!hd_cursor_accept(&c, ":"))
        return hd_error_set(err, r->file, number, "expected ':' after the count of children");
    hd_cursor_skip_blanks(&c);
    if (read_number(r, &c, number, "the node's byte count", &node->bytes, err) != 0)
        return -1;
    hd_cursor_skip_blanks(&c);
    const char *text = c.p;
    size_t n = (size_t)(c.end - c.p);
    if (depth == 0) {
        node->kind = NODE_ROOT;
        return 0;
    }
    uint64_t address;
    if (hd_cursor_hex(&c, true, &address) == HD_NUMBER_OK && hd_cursor_accept(&c, ":")) {
        hd_cursor_skip_blanks(&c);
        node->address = address;
        read_frame(r, c.p, (size_t)(c.end - c.p), node);
        return 0;
    }
    static const char below[] = "below massif's threshold";
    if (n > 3 && memcmp(text, "in ", 3) == 0 && memmem(text, n, below, sizeof below - 1)) {
        if (node->children_left != 0)
            return hd_error_set(err, r->file, number,
                                "an entry below massif's threshold with children");
        node->kind = NODE_BELOW;
        return 0;
    }
    return hd_error_set(err, r->file, number,
                        "expected '0xADDRESS: function' or 'in N places, all below massif's "
                        "threshold', found '%.*s'",
                        (int)(n > 40 ? 40 : n), text);
}

/* ---- samples ---- */

/* The location of a frame the file names: FRAMES[0..N), at ADDRESS. */
static uint32_t given(struct reader *r, uint64_t address, const struct hd_frame *frames,
                      uint32_t n)
{
    return hd_model_intern_given_location(r->model, HD_NO_MAPPING, address, frames, n);
}

static bool same_frame(const struct hd_frame *a, const struct hd_frame *b)
{
    return a->function == b->function && a->file == b->file && a->line == b->line;
}

/* Add BYTES at the stack of path[1 .. DEPTH) to the model: one location
 * per node, except that consecutive named nodes of one address are one
 * location with inlined frames (valgrind writes a frame per inlined
 * function, all at the IP), unless a node repeats the frame before it: a
 * recursive call from one call site. */
static int add_sample(struct reader *r, size_t depth, uint64_t bytes, long line,
                      struct hd_error *err)
{
    struct hd_model *m = r->model;
    const struct hd_parse_limits *limits = r->limits;
    size_t n = 0;
    HD_ARRAY_RESERVE(r->ids, r->ids_capacity, depth);
    if (depth == 1) {
        struct hd_frame none = {NO_STACK, NULL, 0};
        r->ids[n++] = given(r, 0, &none, 1);
    }
    for (size_t i = 1; i < depth;) {
        const struct node *node = &r->path[i];
        if (node->kind == NODE_ADDRESS) {
            /* Shown as massif wrote it; looked up as the return address
             * the symbolizer takes. */
            r->ids[n++] = hd_model_intern_location(m, HD_NO_MAPPING, node->address,
                                                   node->address + 1);
            i++;
        } else if (node->kind == NODE_BELOW) {
            struct hd_frame below = {HD_MASSIF_BELOW_THRESHOLD, NULL, 0};
            r->ids[n++] = given(r, 0, &below, 1);
            i++;
        } else {
            size_t j = i + 1;
            while (j < depth && r->path[j].kind == NODE_NAMED &&
                   r->path[j].address == node->address &&
                   !same_frame(&r->path[j].frame, &r->path[j - 1].frame))
                j++;
            HD_ARRAY_RESERVE(r->frames, r->frames_capacity, j - i);
            for (size_t k = i; k < j; k++)
                r->frames[k - i] = r->path[k].frame;
            r->ids[n++] = given(r, node->address, r->frames, (uint32_t)(j - i));
            i = j;
        }
        if (m->n_locations > limits->max_locations)
            return hd_counts_over_limit("distinct addresses", limits->max_locations, r->file,
                                        line, err);
    }
    uint32_t stack = hd_model_intern_stack(m, r->ids, (uint32_t)n);
    if (m->n_stacks > limits->max_stacks)
        return hd_counts_over_limit("stacks", limits->max_stacks, r->file, line, err);
    struct hd_values v = {.inuse_bytes = (double)bytes};
    hd_model_add_sample(m, 0, stack, HD_ALL_THREADS, &v);
    return 0;
}

/* ---- a tree ---- */

/* Read the heap tree at LINES, whose root must hold HEAP_BYTES (the
 * snapshot's mem_heap_B); with r->model, add each node's bytes that its
 * children do not hold as a sample at its path. */
static int read_tree(struct reader *r, struct hd_lines *lines, uint64_t heap_bytes,
                     struct hd_error *err)
{
    size_t depth = 0;
    do {
        struct hd_line line;
        bool got = hd_lines_next(lines, &line);
        if (got && !line.terminated)
            return hd_error_set(err, r->file, lines->number,
                                "truncated: the last line is cut off");
        if (!got) {
            if (depth == 0)
                return hd_error_set(err, r->file, lines->number,
                                    "truncated: the file ends before the heap tree");
            return hd_error_set(err, r->file, lines->number,
                                "truncated: the file ends inside the heap tree (the node at "
                                "line %ld counts %llu more children)",
                                r->path[depth - 1].line,
                                (unsigned long long)r->path[depth - 1].children_left);
        }
        /* path[depth] is a frame of a stack, the root aside. */
        if (depth > r->limits->max_frames)
            return hd_counts_over_limit("frames in one stack", r->limits->max_frames, r->file,
                                        lines->number, err);
        HD_ARRAY_RESERVE(r->path, r->path_capacity, depth + 1);
        struct node *node = &r->path[depth];
        if (read_node(r, &line, lines->number, depth, node, err) != 0)
            return -1;
        if (depth == 0 && node->bytes != heap_bytes)
            return hd_error_set(err, r->file, lines->number,
                                "the heap tree's root holds %llu bytes, but mem_heap_B says "
                                "%llu",
                                (unsigned long long)node->bytes,
                                (unsigned long long)heap_bytes);
        if (depth > 0) {
            struct node *parent = &r->path[depth - 1];
            if (node->bytes > parent->bytes - parent->children_bytes)
                return hd_error_set(err, r->file, lines->number,
                                    "the children of the node at line %ld hold more than its "
                                    "%llu bytes",
                                    parent->line, (unsigned long long)parent->bytes);
            parent->children_bytes += node->bytes;
            parent->children_left--;
        }
        depth++;
        while (depth > 0 && r->path[depth - 1].children_left == 0) {
            const struct node *done = &r->path[depth - 1];
            uint64_t own = done->bytes - done->children_bytes;
            if (r->model && own > 0 && add_sample(r, depth, own, done->line, err) != 0)
                return -1;
            depth--;
        }
    } while (depth > 0);
    return 0;
}

/* ---- the file ---- */

/* Called for each snapshot of the file, in order, once its tree (if
 * any) is checked.  Returns 0, or -1 with *ERR set to stop. */
typedef int snapshot_visitor(void *context, const struct snapshot *s, struct hd_error *err);

/* The header lines after "desc:": "cmd:" and "time_unit:". */
static int read_header(struct reader *r, struct hd_lines *lines, struct hd_error *err)
{
    struct hd_line line;
    if (need_line(r, lines, &line, "'cmd:'", err) != 0)
        return -1;
    if (!hd_line_starts_with(&line, "cmd:"))
        return hd_error_set(err, r->file, lines->number,
                            "expected 'cmd:' after 'desc:' (valgrind massif output)");
    struct hd_cursor c;
    hd_cursor_init(&c, &line);
    c.p += 4;
    hd_cursor_skip_blanks(&c);
    const char *program = c.p;
    while (c.p < c.end && *c.p != ' ')
        c.p++;
    const char *base = c.p;
    while (base > program && base[-1] != '/')
        base--;
    snprintf(r->program, sizeof r->program, "%.*s", (int)(c.p - base), base);
    if (need_line(r, lines, &line, "'time_unit:'", err) != 0)
        return -1;
    hd_cursor_init(&c, &line);
    if (!hd_cursor_accept(&c, "time_unit:"))
        return hd_error_set(err, r->file, lines->number, "expected 'time_unit:' after 'cmd:'");
    hd_cursor_skip_blanks(&c);
    size_t n = (size_t)(c.end - c.p);
    if (!((n == 1 && (*c.p == 'i' || *c.p == 'B')) || (n == 2 && memcmp(c.p, "ms", 2) == 0)))
        return hd_error_set(err, r->file, lines->number,
                            "unknown time unit '%.*s' (massif writes i, ms or B)",
                            (int)(n > 20 ? 20 : n), c.p);
    snprintf(r->time_unit, sizeof r->time_unit, "%.*s", (int)n, c.p);
    return 0;
}

/* Whether LINE is one of a tree: it starts with 'n' or its indent. */
static bool is_tree_line(const struct hd_line *line)
{
    return line->length && (line->start[0] == ' ' || line->start[0] == 'n');
}

/* Skip the lines of a tree at LINES, unchecked. */
static void skip_tree(struct hd_lines *lines)
{
    struct hd_lines ahead = *lines;
    struct hd_line line;
    while (hd_lines_next(&ahead, &line) && line.terminated && is_tree_line(&line))
        *lines = ahead;
}

/* Check that the next line of LINES, if any, may follow a tree: the rule
 * before a snapshot. */
static int check_after_tree(struct reader *r, const struct hd_lines *lines,
                            struct hd_error *err)
{
    struct hd_lines ahead = *lines;
    struct hd_line line;
    if (!hd_lines_next(&ahead, &line))
        return 0;
    if (!line.terminated)
        return hd_error_set(err, r->file, ahead.number, "truncated: the last line is cut off");
    if (line.length == strlen(RULE) && hd_line_starts_with(&line, RULE))
        return 0;
    if (is_tree_line(&line))
        return hd_error_set(err, r->file, ahead.number,
                            "a node the heap tree has no room for: a count of children above "
                            "is too small");
    return hd_error_set(err, r->file, ahead.number,
                        "expected '" RULE "' before the next snapshot");
}

/* Read one snapshot's header, after its first RULE line, into *S and
 * check its tree.  PREVIOUS is the number of the snapshot before, or -1. */
static int read_snapshot(struct reader *r, struct hd_lines *lines, long previous,
                         struct snapshot *s, struct hd_error *err)
{
    memset(s, 0, sizeof *s);
    struct hd_line line;
    uint64_t number, time, heap, extra, stacks;
    if (read_field(r, lines, "snapshot", &number, err) != 0)
        return -1;
    s->line = lines->number;
    if (number > INT32_MAX || (long)number <= previous)
        return hd_error_set(err, r->file, lines->number,
                            "snapshot %llu after snapshot %ld: massif numbers them 0, 1, 2, ...",
                            (unsigned long long)number, previous);
    if (need_line(r, lines, &line, "the snapshot's header", err) != 0)
        return -1;
    if (!(line.length == strlen(RULE) && hd_line_starts_with(&line, RULE)))
        return hd_error_set(err, r->file, lines->number, "expected '" RULE "'");
    if (read_field(r, lines, "time", &time, err) != 0 ||
        read_field(r, lines, "mem_heap_B", &heap, err) != 0 ||
        read_field(r, lines, "mem_heap_extra_B", &extra, err) != 0 ||
        read_field(r, lines, "mem_stacks_B", &stacks, err) != 0)
        return -1;
    if (need_line(r, lines, &line, "'heap_tree='", err) != 0)
        return -1;
    struct hd_cursor c;
    hd_cursor_init(&c, &line);
    if (!hd_cursor_accept(&c, "heap_tree="))
        return hd_error_set(err, r->file, lines->number, "expected 'heap_tree='");
    size_t n = (size_t)(c.end - c.p);
    bool empty = n == 5 && memcmp(c.p, "empty", 5) == 0;
    s->facts.peak = n == 4 && memcmp(c.p, "peak", 4) == 0;
    s->has_tree = s->facts.peak || (n == 8 && memcmp(c.p, "detailed", 8) == 0);
    if (!empty && !s->has_tree)
        return hd_error_set(err, r->file, lines->number,
                            "unknown heap_tree '%.*s' (massif writes empty, detailed or peak)",
                            (int)(n > 20 ? 20 : n), c.p);
    s->facts.number = (long)number;
    s->facts.time = (double)time;
    memcpy(s->facts.time_unit, r->time_unit, sizeof s->facts.time_unit);
    s->facts.heap_bytes = (double)heap;
    s->facts.heap_extra_bytes = (double)extra;
    s->facts.stacks_bytes = (double)stacks;
    s->tree = *lines;
    if (s->has_tree && !r->skim && read_tree(r, lines, heap, err) != 0)
        return -1;
    if (s->has_tree && r->skim)
        skip_tree(lines);
    return 0;
}

/* Read the whole file after its "desc:" line, checking every snapshot
 * (its tree too, unless r->skim), and call VISIT for each. */
static int scan(struct reader *r, struct hd_lines *lines, snapshot_visitor *visit,
                void *context, struct hd_error *err)
{
    if (read_header(r, lines, err) != 0)
        return -1;
    long previous = -1;
    struct hd_line line;
    for (;;) {
        if (check_after_tree(r, lines, err) != 0)
            return -1;
        if (!hd_lines_next(lines, &line))
            break;
        struct snapshot s;
        if (read_snapshot(r, lines, previous, &s, err) != 0 || visit(context, &s, err) != 0)
            return -1;
        previous = s.facts.number;
    }
    return 0;
}

/* ---- choosing a snapshot ---- */

struct choice {
    long wanted;          /* a number, HD_MASSIF_LAST or HD_MASSIF_PEAK */
    bool found;           /* CHOSEN is the snapshot wanted (so far) */
    bool wanted_is_empty; /* the wanted number has no tree */
    size_t snapshots, detailed;
    struct snapshot chosen;
    struct hd_massif_snapshot last; /* the file's last snapshot */
};

static int choose(void *context, const struct snapshot *s, struct hd_error *err)
{
    (void)err;
    struct choice *c = context;
    c->snapshots++;
    c->detailed += s->has_tree;
    c->last = s->facts;
    bool match = c->wanted == HD_MASSIF_LAST ? s->has_tree
                 : c->wanted == HD_MASSIF_PEAK ? s->facts.peak
                                               : s->facts.number == c->wanted;
    if (match && !s->has_tree)
        c->wanted_is_empty = true;
    else if (match) {
        c->found = true;
        c->chosen = *s;
    }
    return 0;
}

int hd_parse_massif(struct hd_model *p, struct hd_lines *lines,
                    const struct hd_parse_limits *limits, const char *file, long snapshot,
                    struct hd_error *err)
{
    struct hd_model_input *in = &p->inputs[0];
    in->producer = HD_PRODUCER_MASSIF;
    in->format = HD_FORMAT_MASSIF;
    in->sampling = HD_SAMPLING_NONE;
    /* Each snapshot of a series is read from the same file: its trees
     * are checked once, when it is listed (hd_massif_list_snapshots). */
    struct reader r = {.file = file, .limits = limits, .skim = true};
    struct choice c = {.wanted = snapshot};
    int rc = scan(&r, lines, choose, &c, err);
    if (rc == 0 && !c.found) {
        rc = -1;
        if (snapshot == HD_MASSIF_LAST)
            hd_error_set(err, file, 0,
                         "none of its %zu snapshots is detailed (heap_tree=detailed): massif "
                         "writes a tree every --detailed-freq snapshots (10 by default)",
                         c.snapshots);
        else if (snapshot == HD_MASSIF_PEAK)
            hd_error_set(err, file, 0, "#peak: massif wrote no peak snapshot (heap_tree=peak)");
        else
            hd_error_set(err, file, 0,
                         "#%ld: %s; %zu of its %zu snapshots are detailed (FILE#N, N as in "
                         "its snapshot=N lines)",
                         snapshot,
                         c.wanted_is_empty ? "that snapshot is not detailed (heap_tree=empty)"
                                           : "no such snapshot",
                         c.detailed, c.snapshots);
    }
    if (rc == 0) {
        r.model = p;
        rc = read_tree(&r, &c.chosen.tree, (uint64_t)c.chosen.facts.heap_bytes, err);
        if (rc == 0)
            rc = check_after_tree(&r, &c.chosen.tree, err);
        in->massif = c.chosen.facts;
    }
    if (rc == 0 && snapshot == HD_MASSIF_LAST && c.last.number != c.chosen.facts.number)
        hd_warn("%s: its last detailed snapshot, %ld, is not its last: snapshot %ld holds "
                "%.0f bytes, against %.0f in the tree read; massif keeps a tree of every "
                "--detailed-freq'th snapshot only (README, \"valgrind massif\", says how to "
                "get one of the end)",
                file, c.chosen.facts.number, c.last.number, c.last.heap_bytes,
                c.chosen.facts.heap_bytes);
    reader_free(&r);
    return rc;
}

/* ---- listing ---- */

struct listing {
    long *numbers;
    size_t n, capacity, max;
};

static int list_one(void *context, const struct snapshot *s, struct hd_error *err)
{
    (void)err;
    struct listing *l = context;
    if (s->has_tree && l->n < l->max) {
        HD_ARRAY_RESERVE(l->numbers, l->capacity, l->n + 1);
        l->numbers[l->n++] = s->facts.number;
    }
    return 0;
}

int hd_massif_list_snapshots(const char *file, const char *data, size_t size,
                             const struct hd_parse_limits *limits, size_t max, long **numbers,
                             size_t *n, struct hd_error *err)
{
    *numbers = NULL;
    *n = 0;
    struct hd_lines lines;
    hd_lines_init(&lines, data, size);
    struct hd_line line;
    if (!hd_lines_next(&lines, &line) || !hd_line_starts_with(&line, "desc:"))
        return hd_error_set(err, file, 1, "expected 'desc:' (valgrind massif output)");
    struct hd_parse_limits defaults;
    if (!limits) {
        hd_parse_limits_init(&defaults);
        limits = &defaults;
    }
    struct reader r = {.file = file, .limits = limits};
    struct listing l = {.max = max};
    int rc = scan(&r, &lines, list_one, &l, err);
    reader_free(&r);
    if (rc != 0) {
        free(l.numbers);
        return -1;
    }
    *numbers = l.numbers;
    *n = l.n;
    return 0;
}
