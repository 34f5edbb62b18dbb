/* valgrind massif's output (massif.out.PID): a series of snapshots of the
 * heap, some of them "detailed", with the tree of stacks that allocated
 * the bytes in use (valgrind's docs, "Massif: a heap profiler"; the
 * writer is write_snapshots_to_file in massif/ms_main.c).
 *
 *   desc: ARGS            cmd: COMMAND            time_unit: i|ms|B
 *   #-----------  snapshot=N  #-----------  time=T  mem_heap_B=H
 *   mem_heap_extra_B=X  mem_stacks_B=S  heap_tree=empty|detailed|peak
 *   nK: BYTES DESCRIPTION            the tree, one space of indent per
 *    nK: BYTES 0xIP: fn (file:line)  level; K children follow each node
 *
 * The root stands for the allocation functions; its children are the
 * innermost frames and each level below is their callers, so a path from
 * the root to a node is a stack, leaf (innermost) first.  A model holds
 * one detailed snapshot: each node's bytes that its children do not
 * account for (all of a leaf's) are one sample at its path. */
#ifndef HD_MASSIF_H
#define HD_MASSIF_H

#include <stdbool.h>
#include <stddef.h>

#include "lines.h"
#include "model.h"
#include "parse.h"

/* Which snapshot of a file to read: its number (the file's
 * "snapshot=N", >= 0), or one of these. */
#define HD_MASSIF_LAST (-1L) /* the last detailed one: no selector given */
#define HD_MASSIF_PEAK (-2L) /* massif's peak snapshot (heap_tree=peak) */

/* The frame that stands for massif's "in N places, all below massif's
 * threshold" entry: the bytes its parent's callers below --threshold
 * allocated, charged to that parent. */
#define HD_MASSIF_BELOW_THRESHOLD "(below massif's threshold)"

/* Split PATH, "FILE#N" or "FILE#peak", into FILE (SIZE bytes) and
 * *SNAPSHOT (N, or HD_MASSIF_PEAK).  False, leaving both alone, when
 * PATH has no such suffix.  The caller decides whether a path that
 * exists as written wins (it does: hd_parse_file). */
bool hd_massif_split_selector(const char *path, char *file, size_t size, long *snapshot);

/* Read the massif output in LINES (its first line, "desc:", already
 * read) into PROFILE's one input: snapshot SNAPSHOT's heap tree, or the
 * last detailed one for HD_MASSIF_LAST.  FILE names the file in messages.
 * Every snapshot's header is checked, and the tree read; the other
 * trees are skipped (hd_massif_list_snapshots checks them).  Returns 0,
 * or -1 with *ERR set (FILE:LINE): a malformed or truncated file, a tree
 * whose children hold more than their parent or whose node counts lie,
 * a number over 63 bits, one of LIMITS passed (frames: the tree's depth),
 * no detailed snapshot, or no such snapshot. */
int hd_parse_massif(struct hd_model *profile, struct hd_lines *lines,
                    const struct hd_parse_limits *limits, const char *file, long snapshot,
                    struct hd_error *err);

/* The numbers of the detailed snapshots (detailed and peak) of the massif
 * output DATA[0..SIZE) into *NUMBERS (malloc'd; the caller frees it),
 * *N of them, in the file's order, at most MAX (the rest are not listed).
 * FILE names it in messages; LIMITS may be NULL for the defaults.  Returns 0, or -1 with *ERR set as
 * hd_parse_massif does for a malformed file (*NUMBERS is then NULL). */
int hd_massif_list_snapshots(const char *file, const char *data, size_t size,
                             const struct hd_parse_limits *limits, size_t max, long **numbers,
                             size_t *n, struct hd_error *err);

#endif
