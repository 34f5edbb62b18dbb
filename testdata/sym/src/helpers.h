/* Inline helpers defined in a header, so that the inlined frames' files
 * differ from their callers' (tests check DW_AT_call_file). */
#ifndef SYM_HELPERS_H
#define SYM_HELPERS_H

#include <stddef.h>

void *leaf_alloc(size_t n);

static inline __attribute__((always_inline)) void *deep_alloc(size_t n)
{
    void *p = leaf_alloc(n + 1);
    return p;
}

static inline __attribute__((always_inline)) void *header_alloc(size_t n)
{
    void *p = deep_alloc(n * 2);
    return p;
}

#endif
