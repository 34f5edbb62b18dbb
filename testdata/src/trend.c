/* trend.c — heapdiff test program: a 12-snapshot series in which one path
 * leaks beside caches, pools, batches and churn (for `heapdiff --trend`).
 *
 * Usage: trend [--no-leak]
 *
 * The program runs TICKS (12) ticks and takes heap snapshot k after tick k,
 * by calling the running profiler's own dump function, as leaky does:
 *   - tcmalloc (HEAPPROFILE=prefix): HeapProfilerDump -> prefix.000k.heap
 *   - jemalloc (MALLOC_CONF=prof:true,...): mallctl("prof.dump")
 *                                  -> prefix.<pid>.<k-1>.m<k-1>.heap
 * With neither it just runs.  --no-leak runs the same without the leak.
 *
 * Before tick 1 load_config allocates 80 x 1 MiB for good.  Then, in tick t
 * (every path has an object size of its own, so a stack's function can be
 * told by its bytes / objects; sizes are jemalloc size classes, so
 * unsampled jemalloc numbers would equal tcmalloc's):
 *
 *   path (leaf function)  allocates in tick t            live at snapshot t
 *   leak_request_state    48 x 64 KiB (3 MiB)            48t (never freed)
 *   cache_insert          400 x 256 KiB until 1800 held  min(400t, 1800): full in tick 5
 *   pool_grow             320 x 512 KiB in tick 1,       320, then 480
 *                         160 more in tick 2, none later
 *   churn                 50 x 2 MiB, each freed at once 0
 *   session_buffers       n_t x 320 KiB, n_t = 64..256   n_t (the previous tick's
 *                         from an LCG with seed 26       are freed first)
 *   batch_flush           320 x 192 KiB when t % 3 == 2  320 when t % 3 == 2, else 0
 *                         (freed in the next tick)
 *   shrink_index          400 x 384 KiB in tick 1;       400, 400, then 32 fewer
 *                         32 freed per tick from tick 3  per tick: 80 at t = 12
 *
 * At the end 880 MiB are in use, 36 MiB (4.1 %) of them leaked: 3 MiB per
 * tick is about 5.6 samples per tick at jemalloc's default 512 KiB rate.
 *
 * Nothing else allocates: output goes to stderr through write(2), and only
 * the dump function of the profiler named by the environment is looked up.
 * As in leaky, blocks are filled with non-zero bytes and kept in volatile
 * global arrays, and every path function is noipa and writes a volatile
 * counter after its last call (its own frame, no clones, no tail calls). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOIPA __attribute__((noipa))

enum {
	TICKS = 12,
	KIB = 1024,
	MIB = 1024 * 1024,
	CONFIG_COUNT = 80,
	CONFIG_SIZE = MIB,
	LEAK_PER_TICK = 48,
	LEAK_SIZE = 64 * KIB,
	CACHE_PER_TICK = 400,
	CACHE_CAP = 1800,
	CACHE_SIZE = 256 * KIB,
	POOL_FIRST = 320,
	POOL_CAP = 480,
	POOL_SIZE = 512 * KIB,
	CHURN_PER_TICK = 50,
	CHURN_SIZE = 2 * MIB,
	SESSION_MIN = 64,
	SESSION_SPAN = 193, /* n_t = SESSION_MIN + r % SESSION_SPAN: 64..256 */
	SESSION_SEED = 26,
	SESSION_SIZE = 320 * KIB,
	BATCH_COUNT = 320,
	BATCH_SIZE = 192 * KIB,
	SHRINK_START = 400,
	SHRINK_FREE_PER_TICK = 32,
	SHRINK_FROM_TICK = 3,
	SHRINK_SIZE = 384 * KIB,
};

void *volatile config_slots[CONFIG_COUNT];
void *volatile leak_slots[TICKS * LEAK_PER_TICK];
void *volatile cache_slots[CACHE_CAP];
void *volatile pool_slots[POOL_CAP];
void *volatile churn_last;
void *volatile session_slots[SESSION_MIN + SESSION_SPAN];
void *volatile batch_slots[BATCH_COUNT];
void *volatile shrink_slots[SHRINK_START];
volatile unsigned long calls; /* written after calls: no tail calls */

static int n_leak, n_cache, n_pool, n_session, n_batch, n_shrink;
static unsigned long session_state = SESSION_SEED;

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

/* Settings read once at start-up and kept: flat over the series. */
NOIPA void load_config(void)
{
	for (int i = 0; i < CONFIG_COUNT; i++)
		config_slots[i] = filled(malloc(CONFIG_SIZE), 0x3c, CONFIG_SIZE);
	calls++;
}

/* The true leak: per-request state that nothing ever frees. */
NOIPA void leak_request_state(void)
{
	for (int i = 0; i < LEAK_PER_TICK; i++)
		leak_slots[n_leak++] = filled(malloc(LEAK_SIZE), 0xa5, LEAK_SIZE);
	calls++;
}

/* CACHE_PER_TICK lookups into a cache of at most CACHE_CAP entries: a miss
 * inserts while there is room, a full cache answers from what it holds. */
NOIPA void cache_insert(void)
{
	for (int i = 0; i < CACHE_PER_TICK; i++) {
		if (n_cache < CACHE_CAP)
			cache_slots[n_cache++] = filled(malloc(CACHE_SIZE), 0xc4, CACHE_SIZE);
		else
			calls += ((unsigned char *)cache_slots[i])[0];
	}
	calls++;
}

/* Makes the pool hold `want` buffers (growing only) and reuses them. */
NOIPA void pool_grow(int want)
{
	while (n_pool < want)
		pool_slots[n_pool++] = filled(malloc(POOL_SIZE), 0x9e, POOL_SIZE);
	for (int i = 0; i < n_pool; i++)
		((unsigned char *)pool_slots[i])[i] = (unsigned char)i;
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

/* Frees the previous tick's session buffers and opens a pseudo-random
 * number of new ones (an LCG from a fixed seed), live until next tick. */
NOIPA void session_buffers(void)
{
	while (n_session > 0)
		free(session_slots[--n_session]);
	session_state = (session_state * 1103515245UL + 12345UL) & 0x7fffffffUL;
	int count = SESSION_MIN + (int)((session_state >> 16) % SESSION_SPAN);
	while (n_session < count)
		session_slots[n_session++] = filled(malloc(SESSION_SIZE), 0x5e, SESSION_SIZE);
	calls++;
}

/* Frees the last batch, and every 3rd tick (t % 3 == 2) collects a new
 * one, flushed in the next tick: a sawtooth. */
NOIPA void batch_flush(int tick)
{
	while (n_batch > 0)
		free(batch_slots[--n_batch]);
	if (tick % 3 == 2)
		while (n_batch < BATCH_COUNT)
			batch_slots[n_batch++] = filled(malloc(BATCH_SIZE), 0xb7, BATCH_SIZE);
	calls++;
}

/* An index built whole in tick 1, then pruned by SHRINK_FREE_PER_TICK
 * entries per tick from tick SHRINK_FROM_TICK on. */
NOIPA void shrink_index(int tick)
{
	if (tick == 1)
		while (n_shrink < SHRINK_START)
			shrink_slots[n_shrink++] = filled(malloc(SHRINK_SIZE), 0x1d, SHRINK_SIZE);
	else if (tick >= SHRINK_FROM_TICK)
		for (int i = 0; i < SHRINK_FREE_PER_TICK && n_shrink > 0; i++)
			free(shrink_slots[--n_shrink]);
	calls++;
}

NOIPA void run_tick(int tick, int leak)
{
	if (leak)
		leak_request_state();
	cache_insert();
	pool_grow(tick == 1 ? POOL_FIRST : POOL_CAP);
	churn(CHURN_PER_TICK);
	session_buffers();
	batch_flush(tick);
	shrink_index(tick);
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
		say("trend: snapshot %ld: HeapProfilerDump(\"%s\")\n", tick, reason);
	} else if (je_mallctl != NULL) {
		int err = je_mallctl("prof.dump", NULL, NULL, NULL, 0);
		say("trend: snapshot %ld: mallctl(\"prof.dump\") = %s\n", tick,
		    err == 0 ? "0" : strerror(err));
	} else {
		say("trend: snapshot %ld: no profiler (%s)\n", tick, reason);
	}
	calls++;
}

int main(int argc, char **argv)
{
	int leak = 1;
	if (argc == 2 && strcmp(argv[1], "--no-leak") == 0) {
		leak = 0;
	} else if (argc != 1) {
		say("usage: trend [--no-leak]   (runs %ld ticks)%s\n", TICKS, "");
		return 2;
	}
	find_profiler();
	load_config();
	for (int t = 1; t <= TICKS; t++) {
		run_tick(t, leak);
		snapshot(t);
	}
	if (tc_stop != NULL)
		tc_stop();
	return 0;
}
