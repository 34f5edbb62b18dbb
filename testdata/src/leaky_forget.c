/* leaky_forget.c — leaky.c, whose blocks are leaked for real at exit, for
 * the leak checkers: valgrind memcheck and LeakSanitizer.
 *
 * Usage: leaky_forget [TICKS]          (as leaky)
 *        LEAKY_FORGET=all leaky_forget  (the cache is leaked too)
 *
 * leaky.c keeps every block it allocates in a global array, so a leak
 * checker finds them all still reachable.  This program is leaky.c
 * (included whole: its functions, lines and numbers are unchanged) plus
 * forget(), which runs after main returns (atexit, registered after the
 * sanitizer's own exit check and so run before it) and drops the
 * references.  After TICKS ticks a leak checker then finds exactly:
 *
 *   leaf function    blocks              kind
 *   linear_leak      10 x TICKS x 4096   definitely lost (direct)
 *   small_objects  1000 x TICKS x 48     definitely lost (direct)
 *   forget           1 x (8 x TICKS)     definitely lost: the index below
 *   recurse          2 x TICKS x 262144  indirectly lost: only the index
 *                                        (itself lost) points to them
 *   lib_alloc        3 x TICKS x 16384   possibly lost for memcheck (only
 *                                        pointers 8 bytes into them are
 *                                        kept); reachable for LSan, which
 *                                        counts interior pointers
 *   cache_fill       64 x 1024           still reachable (definitely lost
 *                                        with LEAKY_FORGET=all)
 *
 * With TICKS = 4: linear_leak 163840, small_objects 192000, forget 64,
 * recurse 2097152, lib_alloc 196608, cache_fill 65536 bytes: leaky's
 * numbers at its last snapshot (the gperftools profiles tc-run1.0004.heap),
 * plus forget's 64. */
#include "leaky.c"

/* The index of the recurse blocks: lost once forget() returns. */
NOIPA static void *forget_recurse(void)
{
	void **index = malloc((size_t)n_recurse * sizeof *index);
	if (index == NULL)
		abort();
	for (int i = 0; i < n_recurse; i++) {
		index[i] = recurse_slots[i];
		recurse_slots[i] = NULL;
	}
	calls++;
	return index;
}

NOIPA static void forget(void)
{
	for (int i = 0; i < n_linear; i++)
		linear_slots[i] = NULL;
	for (int i = 0; i < n_small; i++)
		small_slots[i] = NULL;
	for (int i = 0; i < n_lib; i++)
		lib_slots[i] = (char *)lib_slots[i] + 8;
	const char *all = getenv("LEAKY_FORGET");
	if (all != NULL && strcmp(all, "all") == 0)
		for (int i = 0; i < n_cache; i++)
			cache_slots[i] = NULL;
	churn_last = NULL;
	calls += (unsigned long)forget_recurse() & 1;
}

__attribute__((constructor)) static void arm(void)
{
	atexit(forget);
}
