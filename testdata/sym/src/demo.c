/* The C fixture: direct calls, inlined calls (in this file and from a
 * header), a call inside a lexical block, and calls into libsymlib.so. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "symlib.h"

void *sink[64];

__attribute__((noinline)) void *leaf_alloc(size_t n)
{
    void *p = malloc(n);
    return p;
}

static inline __attribute__((always_inline)) void *inlined_alloc(size_t n)
{
    void *p = leaf_alloc(n);
    return p;
}

__attribute__((noinline)) void small_objects(int count)
{
    for (int i = 0; i < count; i++)
        sink[i % 64] = inlined_alloc(16);
}

__attribute__((noinline)) void header_objects(int count)
{
    for (int i = 0; i < count; i++) {
        int slot = i % 64;
        if (slot > 2) {
            size_t size = (size_t)slot * 8;
            sink[slot] = header_alloc(size);
        }
    }
}

__attribute__((noinline)) void library_objects(void)
{
    sink[0] = lib_alloc(100);
    sink[1] = lib_outer(200);
}

int main(int argc, char **argv)
{
    small_objects(argc + 10);
    header_objects(argc + 20);
    library_objects();
    sink[2] = leaf_alloc(32);
    printf("%p\n", sink[2]);
    return 0;
}
