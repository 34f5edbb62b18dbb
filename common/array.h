/* Growable arrays and allocations that cannot fail.
 *
 * heapdiff treats out of memory as fatal (it aborts), so every allocation
 * goes through these helpers instead of a malloc-and-check at each call
 * site.  A growable array is a pointer plus a capacity kept by its owner:
 *
 *     struct hd_frame *frames = NULL;  size_t capacity = 0, n = 0;
 *     HD_ARRAY_RESERVE(frames, capacity, n + 1);
 *     frames[n++] = frame;
 */
#ifndef HD_ARRAY_H
#define HD_ARRAY_H

#include <stddef.h>

/* ITEMS (an array of *CAPACITY elements of SIZE bytes, or NULL) with room
 * for at least NEEDED elements; *CAPACITY is updated.  Grows
 * geometrically, so appending one at a time is amortized O(1).  New
 * elements are uninitialized.  Aborts on out of memory or when the byte
 * size would overflow.  Inline, since hot loops reserve one more element
 * and seldom need to grow. */
void *hd_array_grow(void *items, size_t *capacity, size_t needed, size_t size);
static inline void *hd_array_reserve(void *items, size_t *capacity, size_t needed, size_t size)
{
    return needed <= *capacity ? items : hd_array_grow(items, capacity, needed, size);
}

/* The same for a named array and its capacity variable. */
#define HD_ARRAY_RESERVE(items, capacity, needed)                                 \
    ((items) = hd_array_reserve((items), &(capacity), (needed), sizeof *(items)))

/* COUNT zeroed elements of SIZE bytes (at least one byte is allocated, so
 * the result is never NULL).  Aborts on out of memory or overflow. */
void *hd_calloc(size_t count, size_t size);

/* COUNT uninitialized elements of SIZE bytes; never NULL.  Aborts on out
 * of memory or overflow. */
void *hd_malloc(size_t count, size_t size);

/* A copy of the string S; never NULL.  Aborts on out of memory. */
char *hd_strdup(const char *s);

#endif
