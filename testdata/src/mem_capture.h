/* mem_capture.h — one memory snapshot of the running program, taken by the
 * program itself at a moment it chooses (the mem_*.c programs include it).
 *
 * mem_snapshot(DIR, N) makes DIR/snap.N/ and writes into it:
 *   smaps, smaps_rollup, status     copies of /proc/self/...
 *   the allocator's own statistics, of whichever allocator is in the process:
 *     jemalloc (mallctl found):   jemalloc-stats.txt   malloc_stats_print(opts "")
 *                                 jemalloc-stats.json  malloc_stats_print(opts "J")
 *     gperftools (MallocExtension_GetStats found): tcmalloc-stats.txt
 *     else glibc:                 malloc-info.xml      malloc_info(0, f)
 *                                 malloc-stats.txt     malloc_stats() (stderr)
 *   profile.heap                  the heap profile of this moment, when a
 *                                 profiler runs (HEAPPROFILE: HeapProfilerDump,
 *                                 renamed here from MC_HEAPPROFILE.000N.heap;
 *                                 jemalloc prof: prof.dump)
 * then prints "snap N PID" on stdout and waits for one line on stdin, so
 * that the capture script (testdata/memory/capture.sh) runs pmap -x and
 * pmap -X on the paused process.  Without a reader on stdin (EOF) it just
 * goes on.
 *
 * The /proc files are copied first, through a static buffer (no malloc);
 * the allocator dumps come after them and allocate a little themselves
 * (a FILE, jemalloc's and tcmalloc's own buffers). */
#ifndef MEM_CAPTURE_H
#define MEM_CAPTURE_H

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*mc_mallctl_fn)(const char *, void *, size_t *, void *, size_t);
typedef void (*mc_stats_print_fn)(void (*)(void *, const char *), void *, const char *);
typedef void (*mc_getstats_fn)(char *, int);
typedef void (*mc_dump_fn)(const char *);

static char mc_buf[1 << 16];
static char mc_tcstats[1 << 16];

static void mc_die(const char *what, const char *path)
{
	fprintf(stderr, "mem_capture: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* Copies the file FROM to TO with read/write through mc_buf. */
static void mc_copy(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out;
	ssize_t n;
	if (in < 0)
		mc_die("open", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		mc_die("create", to);
	while ((n = read(in, mc_buf, sizeof mc_buf)) > 0)
		if (write(out, mc_buf, (size_t)n) != n)
			mc_die("write", to);
	if (n < 0)
		mc_die("read", from);
	close(in);
	close(out);
}

static void mc_write_cb(void *fd, const char *s)
{
	size_t n = strlen(s);
	if (write(*(int *)fd, s, n) != (ssize_t)n)
		mc_die("write", "jemalloc stats");
}

static void mc_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		mc_die("create", path);
	mc_write_cb(&fd, text);
	close(fd);
}

static void mc_jemalloc(const char *dir, mc_mallctl_fn mallctl_)
{
	char path[4200];
	mc_stats_print_fn print = (mc_stats_print_fn)dlsym(RTLD_DEFAULT, "malloc_stats_print");
	uint64_t epoch = 1;
	size_t len = sizeof epoch;
	int fd;
	bool prof = false;
	size_t plen = sizeof prof;
	/* Refresh the cached statistics first (jemalloc's "epoch"). */
	mallctl_("epoch", &epoch, &len, &epoch, len);
	for (int json = 0; json <= 1; json++) {
		snprintf(path, sizeof path, "%s/jemalloc-stats.%s", dir, json ? "json" : "txt");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			mc_die("create", path);
		print(mc_write_cb, &fd, json ? "J" : "");
		close(fd);
	}
	if (mallctl_("opt.prof", &prof, &plen, NULL, 0) == 0 && prof) {
		const char *name = path;
		snprintf(path, sizeof path, "%s/profile.heap", dir);
		if (mallctl_("prof.dump", NULL, NULL, (void *)&name, sizeof name) != 0)
			mc_die("prof.dump", path);
	}
}

static void mc_tcmalloc(const char *dir, mc_getstats_fn getstats, int n)
{
	char path[4200], from[4200], prefix[4096];
	/* gperftools overwrites HEAPPROFILE's first byte at start (so that
	 * children do not profile): the script passes the prefix twice. */
	const char *env = getenv("MC_HEAPPROFILE");
	snprintf(path, sizeof path, "%s/tcmalloc-stats.txt", dir);
	getstats(mc_tcstats, (int)sizeof mc_tcstats);
	mc_write_file(path, mc_tcstats);
	if (env != NULL) {
		mc_dump_fn dump = (mc_dump_fn)dlsym(RTLD_DEFAULT, "HeapProfilerDump");
		if (dump == NULL)
			return;
		/* The Nth dump of a run is PREFIX.000N.heap (no automatic dumps:
		 * the capture script sets the intervals out of reach). */
		snprintf(prefix, sizeof prefix, "%s", env);
		dump("mem_snapshot");
		snprintf(from, sizeof from, "%s.%04d.heap", prefix, n);
		snprintf(path, sizeof path, "%s/profile.heap", dir);
		if (rename(from, path) != 0)
			mc_die("rename", from);
	}
}

static void mc_glibc(const char *dir)
{
	char path[4200];
	FILE *f;
	int saved, fd;
	snprintf(path, sizeof path, "%s/malloc-info.xml", dir);
	f = fopen(path, "w");
	if (f == NULL)
		mc_die("create", path);
	malloc_info(0, f);
	fclose(f);
	/* malloc_stats() prints to stderr: point fd 2 at the file meanwhile. */
	snprintf(path, sizeof path, "%s/malloc-stats.txt", dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (saved < 0 || fd < 0)
		mc_die("create", path);
	dup2(fd, 2);
	malloc_stats();
	fflush(stderr);
	dup2(saved, 2);
	close(fd);
	close(saved);
}

static void mem_snapshot(const char *out, int n)
{
	char dir[4096], path[4096 + 32], line[64];
	static const char *const proc[] = {"smaps", "smaps_rollup", "status"};
	mc_mallctl_fn mallctl_;
	mc_getstats_fn getstats;
	snprintf(dir, sizeof dir, "%s/snap.%d", out, n);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		mc_die("mkdir", dir);
	for (size_t i = 0; i < sizeof proc / sizeof *proc; i++) {
		char from[64];
		snprintf(from, sizeof from, "/proc/self/%s", proc[i]);
		snprintf(path, sizeof path, "%s/%s", dir, proc[i]);
		mc_copy(from, path);
	}
	/* A failed dlsym() allocates its error text: look up only what the
	 * environment says is there. */
	mallctl_ = getenv("MC_ALLOCATOR") && strcmp(getenv("MC_ALLOCATOR"), "jemalloc") == 0
		? (mc_mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl") : NULL;
	getstats = getenv("MC_ALLOCATOR") && strcmp(getenv("MC_ALLOCATOR"), "tcmalloc") == 0
		? (mc_getstats_fn)dlsym(RTLD_DEFAULT, "MallocExtension_GetStats") : NULL;
	if (mallctl_ != NULL)
		mc_jemalloc(dir, mallctl_);
	else if (getstats != NULL)
		mc_tcmalloc(dir, getstats, n);
	else
		mc_glibc(dir);
	printf("snap %d %ld\n", n, (long)getpid());
	fflush(stdout);
	/* Wait for the capture script's go-ahead (one line), or EOF. */
	for (size_t k = 0; k < sizeof line; k++)
		if (read(0, &line[k], 1) != 1 || line[k] == '\n')
			break;
}

#endif
