/* Allocator frames: the one home of the rule that decides which frames of
 * a heap profile are the allocator's own and left out of every report
 * (FORMATS.md §3.4; DESIGN.md, "allocator frames").
 *
 * Three kinds of code are the allocator's:
 *  - every frame in a dedicated allocator library (libjemalloc,
 *    libtcmalloc, ...; not libc), by the mapping's file name;
 *  - a function the peers list (malloc, operator new, tc_*, je_*, ...);
 *  - everything inlined into such a function.
 * In each stack the root-most allocator frame and every frame leafward of
 * it are left out (Go pprof's rule); a stack of nothing else keeps its
 * root.
 *
 * Wrappers extend the rule: a function that only allocates for its caller
 * (PyObject_Malloc, sqlite3Malloc, g_malloc, a class's operator new, ...)
 * counts as an allocator entry when the wrapper rule is on (the default,
 * README "Choices"), so its flat value is charged to its caller and the
 * caller becomes the row.  Unlike the allocator's own code, wrappers can
 * be shown (--no-wrappers) and added to (--wrappers RE). */
#ifndef HD_SYM_ALLOCATOR_H
#define HD_SYM_ALLOCATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "symbolizer.h"

/* Whether PATH names a dedicated allocator library (libjemalloc*,
 * libtcmalloc*, libmimalloc*, libhoard*, libtbbmalloc*).  NULL: false. */
bool hd_allocator_is_library(const char *path);

/* Whether NAME (a demangled function name as the lookup gives it; a full
 * name is matched by its short form) is an allocator function: the union
 * of perl pprof's, jeprof's and Go pprof's lists plus jemalloc's and
 * tcmalloc's internals.  NULL: false. */
bool hd_allocator_is_function(const char *name);

struct hd_error;

/* The wrapper rule: which functions are wrappers, and which of them a
 * model's frames held (what the report's header names). */
struct hd_wrappers;

/* The default list of well-known wrappers, as the alternatives of one
 * PCRE2 regex, and their count. */
extern const char *const hd_wrappers_default[];
extern const size_t hd_wrappers_default_count;

/* Compile the wrapper rule: the default list (when DEFAULTS) and PATTERN
 * (unless NULL), each a PCRE2 regex that must match a function's whole
 * name as the lookup gives it (a full or mangled name is matched by its
 * short form too, as the allocator list is).  Returns 0 and the rule in
 * *OUT (NULL when it is off: no defaults and no pattern), or -1 with *ERR
 * naming --wrappers and what is wrong: a bad regex, or an empty one. */
int hd_wrappers_new(const char *pattern, bool defaults, struct hd_wrappers **out,
                    struct hd_error *err);

void hd_wrappers_free(struct hd_wrappers *wrappers);

/* Whether NAME is a wrapper under WRAPPERS (NULL: the rule is off).  NULL
 * NAME: false. */
bool hd_wrappers_match(const struct hd_wrappers *wrappers, const char *name);

/* Record that the wrapper NAME was cut at location LOCATION (an id of the
 * model being annotated). */
void hd_wrappers_record(struct hd_wrappers *wrappers, uint32_t location, const char *name);

/* The wrappers charged to their callers in the model that
 * hd_allocator_cut_stacks() last cut: the root-most wrapper of each
 * stack's cut frames, the heaviest first (by the bytes of its samples, in
 * use and allocated, of every input), in *NAMES (valid until the next call
 * or hd_wrappers_free).  Returns their number; 0 for NULL WRAPPERS. */
size_t hd_wrappers_charged(struct hd_wrappers *wrappers, const char *const **names);

/* How many of FOUND's frames (outermost first) are the caller's code:
 * scanning from the real function inward, the first allocator entry (or
 * wrapper, under WRAPPERS, which may be NULL) and what is inlined into it
 * are the allocator's.  0 when the real function itself is one.  *WRAPPER
 * is set to the wrapper's name when a wrapper was the cut, else NULL. */
uint32_t hd_allocator_caller_frames(const struct hd_sym_location *found,
                                    const struct hd_wrappers *wrappers, const char **wrapper);

/* hd_allocator_caller_frames for the N frames an input gave (model order:
 * FRAMES[0] the innermost): the callers' frames are the last ones,
 * FRAMES[N - result .. N).  Go pprof's "runtime\..*" rule is left out:
 * it is for Go frames in legacy text profiles, while the frames a
 * profile.proto of Go's runtime names are Go's own, runtime.main at the
 * root of every stack and runtime.malg a real allocation site (Go pprof
 * cuts them only by the file's drop_frames, which Go leaves empty). */
uint32_t hd_allocator_given_caller_frames(const struct hd_frame *frames, uint32_t n,
                                          const struct hd_wrappers *wrappers,
                                          const char **wrapper);

/* Mark the locations of MODEL from FIRST_LOCATION on that lie in
 * allocator libraries (is_allocator).  Before symbolization, so that the
 * symbolizer need not read those libraries. */
void hd_allocator_mark_libraries(struct hd_model *model, size_t first_location);

/* Set every stack's allocator_frames from its locations' is_allocator
 * marks.  After symbolization, which marks allocator functions (and
 * wrappers, recorded in WRAPPERS, which may be NULL: their weights are
 * summed here). */
void hd_allocator_cut_stacks(struct hd_model *model, struct hd_wrappers *wrappers);

#endif
