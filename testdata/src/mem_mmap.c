/* mem_mmap.c — anonymous memory mapped outside malloc, growing.
 *
 * Usage: mem_mmap OUTDIR      (glibc malloc)
 *
 * Each step maps STEP_MIB MiB with mmap(MAP_ANONYMOUS | MAP_PRIVATE) and
 * touches every page, and mallocs LARGE blocks of LARGE_SIZE bytes (above
 * glibc's mmap threshold, so glibc mmaps each one itself: the kernel may
 * merge them with the program's own mappings into one VMA).
 *
 *   snapshot 1   1 step:  8 MiB mapped by the program, 4 x 256 KiB malloc'ed
 *   snapshot 2   3 steps: 24 MiB mapped, 12 x 256 KiB malloc'ed
 *   snapshot 3   5 steps: 40 MiB mapped, 20 x 256 KiB malloc'ed */
#include <sys/mman.h>

#include "mem_capture.h"

enum { STEP_MIB = 8, LARGE = 4, LARGE_SIZE = 256 * 1024 };

static void *volatile maps[8];
static void *volatile large[8 * LARGE];
static int n_maps, n_large;

static void step(void)
{
	size_t size = (size_t)STEP_MIB << 20;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();
	memset(p, 0x33, size);
	maps[n_maps++] = p;
	for (int i = 0; i < LARGE; i++) {
		void *q = malloc(LARGE_SIZE);
		if (q == NULL)
			abort();
		memset(q, 0x44, LARGE_SIZE);
		large[n_large++] = q;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mem_mmap OUTDIR\n");
		return 2;
	}
	step();
	mem_snapshot(argv[1], 1);
	step();
	step();
	mem_snapshot(argv[1], 2);
	step();
	step();
	mem_snapshot(argv[1], 3);
	return 0;
}
