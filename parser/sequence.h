/* The names producers give their dumps, and the order they wrote them.
 *
 * gperftools names the dumps of one run PREFIX.NNNN.heap (NNNN from 0001,
 * %04d); jemalloc PREFIX.PID.SEQ.KIND.heap, SEQ counting every dump of the
 * process and KIND one of iN, mN, uN (each with a count of its own) or f
 * for the final dump.  A plain string sort puts "i10" before "i2".
 * valgrind massif writes one file of many snapshots, named FILE#N here
 * (massif.h). */
#ifndef HD_SEQUENCE_H
#define HD_SEQUENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

/* Where PATH stands in its producer's series of dumps: RUN, the path
 * without the sequence number (the same for every dump of one process),
 * and SEQ, the number that orders them.  A ".gz" may follow the name;
 * "FILE#N" is snapshot N of the massif run FILE.
 * Returns false for any other name. */
bool hd_dump_sequence(const char *path, char *run, size_t size, unsigned long long *seq);

/* The snapshots the file at PATH stands for in a series, in order: for
 * valgrind massif output, "PATH#N" for each of its detailed snapshots
 * (massif.h); for any other file, or one that cannot be read (reading it
 * later says why), PATH itself.  Calls ADD(CONTEXT, SNAPSHOT) for each,
 * at most MAX + 1 times.  Returns 0, or -1 with *ERR set when massif
 * output is malformed or cannot be read whole (hd_input_open). */
int hd_expand_snapshots(const char *path, const struct hd_parse_limits *limits, size_t max,
                        void (*add)(void *context, const char *snapshot), void *context,
                        struct hd_error *err);

/* Sort PATHS[0..N) into the order their producer wrote them: by run
 * (strverscmp: numbers compare as numbers), then dumps of one run by
 * their sequence number; other names are runs of their own. */
void hd_sort_snapshots(const char **paths, size_t n);

#endif
