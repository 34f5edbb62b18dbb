/* mem_arenas.c — glibc malloc arenas fragmented by threads.
 *
 * Usage: mem_arenas OUTDIR      (glibc malloc; no LD_PRELOAD)
 *
 * Each worker thread allocates BLOCKS blocks of BLOCK_SIZE bytes, fills
 * them, then frees all but every KEEP-th (and the last one, so the arena's
 * top cannot shrink), and waits, alive, until the end.  glibc gives each
 * new thread its own arena (up to 8 x cores), so every worker leaves an
 * arena of about BLOCKS x BLOCK_SIZE bytes, resident, of which 1/KEEP is in
 * use: free but retained memory, fragmentation across threads.
 *
 *   snapshot 1   after FIRST workers  (FIRST arenas besides the main one)
 *   snapshot 2   after SECOND workers in all
 *   snapshot 3   only with MC_TRIM=1 in the environment: after
 *                malloc_trim(0), which gives the arenas' free pages back
 *                (madvise MADV_DONTNEED) while malloc_info still counts
 *                them as free arena memory
 *
 * Designed numbers: each worker keeps BLOCKS/KEEP + 1 = 501 blocks of 512 B
 * (256512 B requested) in an arena of about 4.2 MB. */
#include <pthread.h>

#include "mem_capture.h"

enum { FIRST = 3, SECOND = 12, BLOCKS = 8000, BLOCK_SIZE = 512, KEEP = 16 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int done, finish;
static void *volatile kept[SECOND][BLOCKS / KEEP + 1];

static void *worker(void *arg)
{
	int id = (int)(long)arg, k = 0;
	static void *blocks[SECOND][BLOCKS];
	for (int i = 0; i < BLOCKS; i++) {
		blocks[id][i] = malloc(BLOCK_SIZE);
		if (blocks[id][i] == NULL)
			abort();
		memset(blocks[id][i], 0x5a, BLOCK_SIZE);
	}
	for (int i = 0; i < BLOCKS; i++) {
		if (i % KEEP == 0 || i == BLOCKS - 1)
			kept[id][k++] = blocks[id][i];
		else
			free(blocks[id][i]);
	}
	pthread_mutex_lock(&lock);
	done++;
	pthread_cond_broadcast(&cond);
	while (!finish)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void start(pthread_t *t, int from, int to)
{
	for (int i = from; i < to; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(long)i) != 0)
			abort();
	pthread_mutex_lock(&lock);
	while (done < to)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
	pthread_t t[SECOND];
	if (argc != 2) {
		fprintf(stderr, "usage: mem_arenas OUTDIR\n");
		return 2;
	}
	start(t, 0, FIRST);
	mem_snapshot(argv[1], 1);
	start(t, FIRST, SECOND);
	mem_snapshot(argv[1], 2);
	if (getenv("MC_TRIM") != NULL) {
		malloc_trim(0);
		mem_snapshot(argv[1], 3);
	}
	pthread_mutex_lock(&lock);
	finish = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < SECOND; i++)
		pthread_join(t[i], NULL);
	return 0;
}
