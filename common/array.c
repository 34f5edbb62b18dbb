/* Growable arrays and allocations that cannot fail (see array.h). */
#include "array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *hd_array_grow(void *items, size_t *capacity, size_t needed, size_t size)
{
    size_t grown = *capacity < 16 ? 16 : *capacity;
    while (grown < needed)
        grown = grown > SIZE_MAX / 2 ? needed : 2 * grown;
    if (size != 0 && grown > SIZE_MAX / size)
        abort();
    size_t bytes = grown * size;
    void *fresh = realloc(items, bytes != 0 ? bytes : 1);
    if (!fresh)
        abort();
    *capacity = grown;
    return fresh;
}

void *hd_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void *hd_malloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        abort();
    size_t bytes = count * size;
    void *p = malloc(bytes != 0 ? bytes : 1);
    if (!p)
        abort();
    return p;
}

char *hd_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(hd_malloc(n, 1), s, n);
}
