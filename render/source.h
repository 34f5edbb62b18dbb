/* --list RE: the source of the functions whose name matches RE, each line
 * with its flat and cum, in the layout jeprof's and Go pprof's --list
 * users know:
 *
 *     Total: 2.6 MB
 *     ROUTINE ======================== linear_leak in src/leaky.c
 *            0.2        0.2 (flat, cum)  6.0% of Total
 *              .          .     92: {
 *              .          .     93:         for (int i = 0; i < LINEAR_PER_TICK; i++)
 *            0.2        0.2     94:                 linear_slots[n_linear++] = ...
 *
 * The values are the report's: the chosen value type, the current minus
 * the base with --base, of the samples the filters keep.  A line's flat
 * is what its function allocated there itself (the sample's leaf frame);
 * its cum counts each sample once however often the line recurs in the
 * stack, as every node does.  A line of inlined code belongs to the
 * inlined function at its own file and line, and the call site to the
 * caller, as --lines shows them (DWARF's inline chain); with
 * --no-inlines only the real functions are there.
 *
 * Each function and source file is one routine, sorted by name then
 * file.  It shows the lines with a value and LIST_CONTEXT lines around
 * each (Go pprof's margin), with "..." for what lies between; Go pprof
 * and jeprof show the whole function, whose first line heapdiff's frames
 * do not carry.  A source file is looked for as hd_source_find() says;
 * without it a routine shows its lines with values and says which paths
 * were tried. */
#ifndef HD_SOURCE_H
#define HD_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Lines shown before and after each line with a value. */
#define HD_SOURCE_CONTEXT_LINES 5

/* A source file larger than this is not read: its routines show their
 * lines without the text. */
#define HD_SOURCE_MAX_BYTES ((size_t)64 << 20)

/* A source line longer than this shows its first bytes and how many
 * more there are. */
#define HD_SOURCE_MAX_LINE_BYTES 1024

struct hd_source_options {
    const char *list;    /* --list RE: PCRE2, unanchored, matched against
                            function names as reports show them; NULL:
                            every function */
    const char *const *source_paths; /* --source-path: folders to look for
                            source files in, in order, each a ':'-separated
                            list (path.h) */
    size_t n_source_paths;
    bool no_inlines;     /* as the graph was built: inlined code is its
                            caller's */
};

/* Check that OPTIONS' regex compiles, so that a typo is said before the
 * profiles are read.  Returns 0, or -1 with *ERR set. */
int hd_source_check(const struct hd_source_options *options, struct hd_error *err);

/* Find the source file NAME (a frame's file, as reports show it) and
 * open it: NAME itself (from the current folder when relative); then for
 * each folder DIR of OPTIONS' source paths, DIR/NAME, then DIR with
 * NAME's trailing parts, longest first (for "/build/x/Objects/a.c":
 * DIR/build/x/Objects/a.c, DIR/x/Objects/a.c, DIR/Objects/a.c, DIR/a.c),
 * which finds a tree that moved or was unpacked elsewhere.  Only a
 * regular file is opened (hd_file_open_regular).  Returns its descriptor
 * and its path in FOUND (SIZE bytes), or -1 with what was tried in FOUND.
 * OPTIONS may be NULL. */
int hd_source_find(const struct hd_source_options *options, const char *name, char *found,
                   size_t size);

#endif
