/* leaky.c — heapdiff test program with known, exact heap growth.
 *
 * Usage: leaky [TICKS]     (default 4, at most MAX_TICKS)
 *
 * The program runs TICKS ticks.  After tick k (k = 1..TICKS) it takes heap
 * snapshot k by calling the running profiler's own dump function, found at
 * run time:
 *   - tcmalloc (LD_PRELOAD=libtcmalloc.so.4, HEAPPROFILE=prefix):
 *       HeapProfilerDump("tick k")          -> prefix.000k.heap
 *   - jemalloc (LD_PRELOAD=libjemalloc.so.2, MALLOC_CONF=prof:true,...):
 *       mallctl("prof.dump", NULL, NULL, NULL, 0)
 *                                           -> prefix.<pid>.<k-1>.m<k-1>.heap
 * With neither profiler present it just runs.  At the end it calls
 * HeapProfilerStop() (tcmalloc) so that tcmalloc does not write its extra
 * "Exiting, N kB in use" profile at exit.
 *
 * Every tick does exactly this (sizes are jemalloc size classes, so
 * unsampled jemalloc numbers are exact):
 *
 *   path (leaf function)    per tick                        freed?
 *   linear_leak             10 x 4096 B                     never
 *   cache_fill              64 x 1024 B in tick 1 only      never (cap 64)
 *   churn                   50 x 65536 B                    each one at once
 *   recurse (3 frames)      2 x 262144 B (1 per recurse(3)) never
 *   small_objects           1000 x 48 B via inlined_alloc   never
 *   from_lib -> lib_alloc   3 x 16384 B (libleak.so)        never
 *
 * Nothing else allocates: output goes to stderr through write(2), and only
 * the dump function of the profiler named by the environment is looked up.
 *
 * The compiler is kept from deleting or merging allocations: the blocks are
 * filled with non-zero bytes (no malloc+memset -> calloc folding) and their
 * addresses are stored in volatile global arrays; every path function is
 * noipa (no inlining, cloning or IPA-SRA renaming, so each is its own frame)
 * and writes a volatile counter after its last call (no tail calls). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOIPA __attribute__((noipa))

enum {
	MAX_TICKS = 64,
	LINEAR_PER_TICK = 10,
	LINEAR_SIZE = 4096,
	CACHE_CAP = 64,
	CACHE_TRIES = 100,
	CACHE_SIZE = 1024,
	CHURN_PER_TICK = 50,
	CHURN_SIZE = 65536,
	RECURSE_PER_TICK = 2,
	RECURSE_DEPTH = 3,
	RECURSE_SIZE = 262144,
	SMALL_PER_TICK = 1000,
	SMALL_SIZE = 48,
	LIB_PER_TICK = 3,
	LIB_SIZE = 16384,
};

void *lib_alloc(size_t n); /* libleak.so */

void *volatile linear_slots[MAX_TICKS * LINEAR_PER_TICK];
void *volatile cache_slots[CACHE_CAP];
void *volatile churn_last;
void *volatile recurse_slots[MAX_TICKS * RECURSE_PER_TICK];
void *volatile small_slots[MAX_TICKS * SMALL_PER_TICK];
void *volatile lib_slots[MAX_TICKS * LIB_PER_TICK];
volatile unsigned long calls; /* written after calls: no tail calls */

static int n_linear, n_cache, n_recurse, n_small, n_lib;

static void say(const char *fmt, long a, const char *s)
{
	char buf[200];
	int n = snprintf(buf, sizeof buf, fmt, a, s);
	if (n > 0 && write(2, buf, (size_t)n) < 0)
		calls++;
}

static void *filled(void *p, int byte, size_t n)
{
	if (p == NULL)
		abort();
	memset(p, byte, n);
	return p;
}

/* Leaks LINEAR_PER_TICK blocks of LINEAR_SIZE bytes per call. */
NOIPA void linear_leak(void)
{
	for (int i = 0; i < LINEAR_PER_TICK; i++)
		linear_slots[n_linear++] = filled(malloc(LINEAR_SIZE), 0xa5, LINEAR_SIZE);
	calls++;
}

/* Inserts up to `tries` entries into a cache capped at CACHE_CAP entries:
 * the first call fills it, later calls allocate nothing. */
NOIPA void cache_fill(int tries)
{
	for (int i = 0; i < tries; i++) {
		if (n_cache < CACHE_CAP)
			cache_slots[n_cache++] = filled(malloc(CACHE_SIZE), 0xc4, CACHE_SIZE);
		else
			calls += ((unsigned char *)cache_slots[i % CACHE_CAP])[0];
	}
	calls++;
}

/* Allocates and frees `count` blocks: in-use 0, allocated grows. */
NOIPA void churn(int count)
{
	for (int i = 0; i < count; i++) {
		void *p = filled(malloc(CHURN_SIZE), 0x77, CHURN_SIZE);
		churn_last = p;
		free(p);
	}
	calls++;
}

/* recurse(3) -> recurse(2) -> recurse(1): the innermost frame allocates
 * one RECURSE_SIZE block, kept alive. */
NOIPA void *recurse(int depth)
{
	void *p;
	if (depth > 1)
		p = recurse(depth - 1);
	else
		p = recurse_slots[n_recurse++] = filled(malloc(RECURSE_SIZE), 0x42, RECURSE_SIZE);
	calls++;
	return p;
}

/* Inlined into small_objects at -O2 (its own frame never exists). */
static inline __attribute__((always_inline)) void *inlined_alloc(size_t n)
{
	unsigned char *p = malloc(n);
	if (p == NULL)
		abort();
	memset(p, 0x5a, n);
	return p;
}

NOIPA void small_objects(int count)
{
	for (int i = 0; i < count; i++)
		small_slots[n_small++] = inlined_alloc(SMALL_SIZE);
	calls++;
}

NOIPA void from_lib(int count)
{
	for (int i = 0; i < count; i++)
		lib_slots[n_lib++] = lib_alloc(LIB_SIZE);
	calls++;
}

NOIPA void run_tick(void)
{
	linear_leak();
	cache_fill(CACHE_TRIES);
	churn(CHURN_PER_TICK);
	for (int i = 0; i < RECURSE_PER_TICK; i++)
		recurse(RECURSE_DEPTH);
	small_objects(SMALL_PER_TICK);
	from_lib(LIB_PER_TICK);
	calls++;
}

typedef void (*heap_profiler_dump_fn)(const char *reason);
typedef void (*heap_profiler_stop_fn)(void);
typedef int (*mallctl_fn)(const char *name, void *oldp, size_t *oldlenp,
			  void *newp, size_t newlen);

static heap_profiler_dump_fn tc_dump;
static heap_profiler_stop_fn tc_stop;
static mallctl_fn je_mallctl;

/* Looks up only the dump function of the profiler the environment asks
 * for: a failed dlsym() allocates an error string. */
static void find_profiler(void)
{
	if (getenv("HEAPPROFILE") != NULL) {
		tc_dump = (heap_profiler_dump_fn)dlsym(RTLD_DEFAULT, "HeapProfilerDump");
		tc_stop = (heap_profiler_stop_fn)dlsym(RTLD_DEFAULT, "HeapProfilerStop");
	} else if (getenv("MALLOC_CONF") != NULL) {
		je_mallctl = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
	}
}

NOIPA void snapshot(int tick)
{
	char reason[32];
	snprintf(reason, sizeof reason, "tick %d", tick);
	if (tc_dump != NULL) {
		tc_dump(reason);
		say("leaky: snapshot %ld: HeapProfilerDump(\"%s\")\n", tick, reason);
	} else if (je_mallctl != NULL) {
		int err = je_mallctl("prof.dump", NULL, NULL, NULL, 0);
		say("leaky: snapshot %ld: mallctl(\"prof.dump\") = %s\n", tick,
		    err == 0 ? "0" : strerror(err));
	} else {
		say("leaky: snapshot %ld: no profiler (%s)\n", tick, reason);
	}
	calls++;
}

int main(int argc, char **argv)
{
	int ticks = argc > 1 ? atoi(argv[1]) : 4;
	if (ticks < 1 || ticks > MAX_TICKS) {
		say("usage: leaky [TICKS]   (1..%ld)%s\n", MAX_TICKS, "");
		return 2;
	}
	find_profiler();
	for (int t = 1; t <= ticks; t++) {
		run_tick();
		snapshot(t);
	}
	if (tc_stop != NULL)
		tc_stop();
	return 0;
}
