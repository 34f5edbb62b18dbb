/* libleak.c — shared library for heapdiff's test program leaky.c.
 *
 * lib_alloc(n) returns a fresh n-byte block filled with a non-zero byte
 * (non-zero so that the compiler cannot turn malloc+memset into calloc).
 * It is the allocating frame of leaky's from_lib() path; the caller keeps
 * the block alive.  See testdata/README.md. */
#include <stdlib.h>
#include <string.h>

void *lib_alloc(size_t n);

__attribute__((noinline)) void *lib_alloc(size_t n)
{
	unsigned char *p = malloc(n);
	if (p == NULL)
		abort();
	memset(p, 0x3c, n);
	return p;
}
