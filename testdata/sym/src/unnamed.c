/* A library whose allocating function is static: stripped to .dynsym, it
 * has no symbol, and only its .eh_frame FDE says where it starts and ends
 * (tests/test_symbolize.c, "unnamed code").  hidden_alloc calls malloc from
 * two call sites, which must make one function row. */
#include <stdlib.h>

void *unnamed_entry(size_t n);

static void *volatile keep[2];

__attribute__((noipa)) static void *hidden_alloc(size_t n)
{
    keep[0] = malloc(n);
    keep[1] = malloc(n * 2);
    return keep[0];
}

__attribute__((noipa)) void *unnamed_entry(size_t n)
{
    void *p = hidden_alloc(n);
    keep[1] = p;
    return p;
}
