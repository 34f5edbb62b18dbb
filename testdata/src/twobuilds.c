/* twobuilds.c — one program, two builds, for comparing profiles across
 * builds (heapdiff --base-binary).
 *
 * Usage: twobuilds-N [TICKS]     (default 2, at most MAX_TICKS)
 *
 * Built twice: -DBUILD=1 -> bin/twobuilds-1, -DBUILD=2 -> bin/twobuilds-2.
 * Build 2 adds stamp() above leak_buffers() in this file, so every address
 * and every source line after it moves, and leaks twice as much per tick:
 *
 *   path (leaf function)          per tick, build 1   build 2    freed?
 *   steady_cache <- run_tick      16 x 1024 B in tick 1 only    never
 *   leak_buffers <- run_tick      8 x 4096 B          16 x 4096  never
 *     (through xalloc, a wrapper: --wrappers xalloc charges it
 *      to leak_buffers)
 *   stamp <- run_tick             -                   1 x 256 B  never
 *
 * After tick k it calls HeapProfilerDump("tick k") when HEAPPROFILE is set
 * (tcmalloc), so a run writes snapshot k as prefix.000k.heap; at the end
 * HeapProfilerStop(), so tcmalloc writes no at-exit profile.  The rules of
 * leaky.c hold: path functions are noipa and write a volatile counter after
 * their last call; blocks are filled with non-zero bytes and kept in
 * volatile arrays; nothing else allocates (stderr through write(2)). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BUILD
#define BUILD 1
#endif

#define NOIPA __attribute__((noipa))

enum {
	MAX_TICKS = 16,
	CACHE_COUNT = 16,
	CACHE_SIZE = 1024,
	LEAK_PER_TICK = 8 * BUILD,
	LEAK_SIZE = 4096,
	STAMP_SIZE = 256,
};

void *volatile cache_slots[CACHE_COUNT];
void *volatile leak_slots[MAX_TICKS * 16];
void *volatile stamp_slots[MAX_TICKS];
volatile unsigned long calls; /* written after calls: no tail calls */

static int n_cache, n_leak;

/* malloc that never returns NULL, filled with BYTE: a wrapper, whose
 * caller is the one to blame. */
NOIPA void *xalloc(size_t n, int byte)
{
	void *p = malloc(n);
	if (p == NULL)
		abort();
	memset(p, byte, n);
	calls++;
	return p;
}

/* Fills a cache of CACHE_COUNT entries on its first call only. */
NOIPA void steady_cache(void)
{
	while (n_cache < CACHE_COUNT)
		cache_slots[n_cache++] = xalloc(CACHE_SIZE, 0xc4);
	calls++;
}

#if BUILD == 2
static int n_stamp;

/* New in build 2: one small block per tick, kept. */
NOIPA void stamp(int tick)
{
	stamp_slots[n_stamp++] = xalloc(STAMP_SIZE, 0x30 + tick);
	calls++;
}
#endif

/* Leaks LEAK_PER_TICK blocks of LEAK_SIZE bytes per call. */
NOIPA void leak_buffers(void)
{
	for (int i = 0; i < LEAK_PER_TICK; i++)
		leak_slots[n_leak++] = xalloc(LEAK_SIZE, 0xa5);
	calls++;
}

NOIPA void run_tick(int tick)
{
	steady_cache();
#if BUILD == 2
	stamp(tick);
#else
	(void)tick;
#endif
	leak_buffers();
	calls++;
}

typedef void (*heap_profiler_dump_fn)(const char *reason);
typedef void (*heap_profiler_stop_fn)(void);

int main(int argc, char **argv)
{
	int ticks = argc > 1 ? atoi(argv[1]) : 2;
	if (ticks < 1 || ticks > MAX_TICKS)
		return 2;
	heap_profiler_dump_fn dump = NULL;
	heap_profiler_stop_fn stop = NULL;
	/* Only when asked: a failed dlsym() allocates an error string. */
	if (getenv("HEAPPROFILE") != NULL) {
		dump = (heap_profiler_dump_fn)dlsym(RTLD_DEFAULT, "HeapProfilerDump");
		stop = (heap_profiler_stop_fn)dlsym(RTLD_DEFAULT, "HeapProfilerStop");
	}
	for (int t = 1; t <= ticks; t++) {
		run_tick(t);
		if (dump != NULL) {
			char reason[32];
			snprintf(reason, sizeof reason, "tick %d", t);
			dump(reason);
		}
		calls++;
	}
	if (stop != NULL)
		stop();
	if (write(2, "twobuilds: done\n", 16) < 0)
		calls++;
	return 0;
}
