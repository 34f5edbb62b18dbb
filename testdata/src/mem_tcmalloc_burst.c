/* mem_tcmalloc_burst.c — tcmalloc's page heap keeps a freed burst.
 *
 * Usage: MC_ALLOCATOR=tcmalloc LD_PRELOAD=libtcmalloc.so.4 HEAPPROFILE=... \
 *        mem_tcmalloc_burst OUTDIR
 *
 *   snapshot 1   LIVE blocks of 8192 B live (4 MiB)
 *   burst        BURST blocks of 65536 B allocated, filled, all freed (32 MiB)
 *   snapshot 2   after the burst: in use is back to the live set; the freed
 *                spans sit in the page heap's free lists (some released to
 *                the OS by tcmalloc's gradual scavenger) */
#include "mem_capture.h"

enum { LIVE = 512, LIVE_SIZE = 8192, BURST = 512, BURST_SIZE = 65536 };

static void *volatile live[LIVE];

int main(int argc, char **argv)
{
	static void *b[BURST];
	if (argc != 2) {
		fprintf(stderr, "usage: mem_tcmalloc_burst OUTDIR\n");
		return 2;
	}
	for (int i = 0; i < LIVE; i++) {
		live[i] = malloc(LIVE_SIZE);
		if (live[i] == NULL)
			abort();
		memset(live[i], 0x11, LIVE_SIZE);
	}
	mem_snapshot(argv[1], 1);
	for (int i = 0; i < BURST; i++) {
		b[i] = malloc(BURST_SIZE);
		if (b[i] == NULL)
			abort();
		memset(b[i], 0x77, BURST_SIZE);
	}
	for (int i = 0; i < BURST; i++)
		free(b[i]);
	mem_snapshot(argv[1], 2);
	return 0;
}
