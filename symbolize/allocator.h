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
 * root. */
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

/* How many of FOUND's frames (outermost first) are the caller's code:
 * scanning from the real function inward, the first allocator entry and
 * what is inlined into it are the allocator's.  0 when the real function
 * itself is an allocator entry. */
uint32_t hd_allocator_caller_frames(const struct hd_sym_location *found);

/* Mark the locations of MODEL that lie in allocator libraries
 * (is_allocator).  Before symbolization, so that the symbolizer need not
 * read those libraries. */
void hd_allocator_mark_libraries(struct hd_model *model);

/* Set every stack's allocator_frames from its locations' is_allocator
 * marks.  After symbolization, which marks allocator functions. */
void hd_allocator_cut_stacks(struct hd_model *model);

#endif
