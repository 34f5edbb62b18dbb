/* A library with allocator wrappers named as the default list names them
 * (symbolize/allocator.c): g_malloc, out of line, called by make_thing;
 * PyObject_Malloc, inlined into make_inline.  Built with DWARF, so the
 * inlined wrapper is a frame of its own (tests/test_symbolize.c,
 * "wrappers"). */
#include <stdlib.h>

void *g_malloc(size_t n);
void *make_thing(size_t n);
void *make_inline(size_t n);

static void *volatile keep;

__attribute__((noipa)) void *g_malloc(size_t n)
{
    void *p = malloc(n);
    keep = p;
    return p;
}

__attribute__((noipa)) void *make_thing(size_t n)
{
    void *p = g_malloc(n);
    keep = p;
    return p;
}

static inline __attribute__((always_inline)) void *PyObject_Malloc(size_t n)
{
    return malloc(n + 1);
}

__attribute__((noipa)) void *make_inline(size_t n)
{
    void *p = PyObject_Malloc(n);
    keep = p;
    return p;
}
