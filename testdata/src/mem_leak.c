/* mem_leak.c — a real leak: malloc'ed, never freed, growing.
 *
 * Usage: MC_ALLOCATOR=tcmalloc LD_PRELOAD=libtcmalloc.so.4 HEAPPROFILE=... \
 *        mem_leak OUTDIR
 *
 * Each step leaks STEP blocks of SIZE bytes from leak_requests() (filled,
 * pointers dropped into a volatile array never freed), and allocates and
 * frees a few blocks of the same size from churn() (in-use 0).
 *
 *   snapshot 1   1 step:  2048 x 4096 B leaked ( 8 MiB)
 *   snapshot 2   3 steps: 6144 x 4096 B leaked (24 MiB)
 *   snapshot 3   5 steps: 10240 x 4096 B leaked (40 MiB)
 * The heap profile of each moment holds exactly the leaked bytes at
 * leak_requests (HeapProfilerDump is exact: tcmalloc samples nothing). */
#include "mem_capture.h"

#define NOIPA __attribute__((noipa))

enum { STEPS = 5, STEP = 2048, SIZE = 4096, CHURN = 64 };

static void *volatile leaked[STEPS * STEP];
static int n_leaked;
volatile unsigned long calls;

NOIPA void leak_requests(void)
{
	for (int i = 0; i < STEP; i++) {
		void *p = malloc(SIZE);
		if (p == NULL)
			abort();
		memset(p, 0x5a, SIZE);
		leaked[n_leaked++] = p;
	}
	calls++;
}

NOIPA void churn(void)
{
	for (int i = 0; i < CHURN; i++) {
		void *volatile p = malloc(SIZE);
		if (p == NULL)
			abort();
		memset(p, 0x77, SIZE);
		free(p);
	}
	calls++;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mem_leak OUTDIR\n");
		return 2;
	}
	for (int s = 1; s <= STEPS; s++) {
		leak_requests();
		churn();
		if (s == 1 || s == 3 || s == 5)
			mem_snapshot(argv[1], s == 1 ? 1 : s == 3 ? 2 : 3);
	}
	return 0;
}
