/* mem_jemalloc_dirty.c — jemalloc keeps freed pages (dirty) for reuse.
 *
 * Usage: MC_ALLOCATOR=jemalloc LD_PRELOAD=libjemalloc.so.2 \
 *        MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1,prof:true,... \
 *        mem_jemalloc_dirty OUTDIR
 *
 *   snapshot 1   LIVE blocks of 4096 B live (4 MiB)
 *   burst        BURST blocks of 4096 B allocated, filled, all freed (32 MiB)
 *   snapshot 2   after the burst: the live set is unchanged, the freed
 *                pages stay dirty (dirty_decay_ms:-1 never purges them)
 *   snapshot 3   after a second, equal burst: the dirty pages are reused,
 *                RSS stays where it was */
#include "mem_capture.h"

enum { LIVE = 1024, BURST = 8192, SIZE = 4096 };

static void *volatile live[LIVE];

static void burst(void)
{
	static void *b[BURST];
	for (int i = 0; i < BURST; i++) {
		b[i] = malloc(SIZE);
		if (b[i] == NULL)
			abort();
		memset(b[i], 0x77, SIZE);
	}
	for (int i = 0; i < BURST; i++)
		free(b[i]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mem_jemalloc_dirty OUTDIR\n");
		return 2;
	}
	for (int i = 0; i < LIVE; i++) {
		live[i] = malloc(SIZE);
		if (live[i] == NULL)
			abort();
		memset(live[i], 0x11, SIZE);
	}
	mem_snapshot(argv[1], 1);
	burst();
	mem_snapshot(argv[1], 2);
	burst();
	mem_snapshot(argv[1], 3);
	return 0;
}
