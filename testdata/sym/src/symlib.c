/* The shared library of the fixtures: its .text lies in the second PT_LOAD
 * segment (ld's -z separate-code), so file offset != virtual address. */
#include <stdlib.h>

#include "symlib.h"

__attribute__((noinline)) void *lib_alloc(size_t n)
{
    void *p = malloc(n);
    return p;
}

static inline __attribute__((always_inline)) void *lib_inner(size_t n)
{
    return lib_alloc(n + 16);
}

__attribute__((noinline)) void *lib_outer(size_t n)
{
    void *p = lib_inner(n);
    return p;
}
