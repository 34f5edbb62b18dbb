/* The readers behind hd_mem_read_snapshot(), one per kind of input, and
 * the recognizer that tells the kinds apart by content (never by file
 * name).  Each reader takes NAME (for messages), the file's bytes
 * DATA[0..SIZE) (not NUL-terminated), fills its part of a snapshot and
 * returns 0, or -1 with *ERR set to NAME:LINE and what is wrong.  They
 * never read past SIZE, and refuse sizes that do not fit in 64 bits of
 * bytes rather than wrap. */
#ifndef HD_MEMORY_INPUTS_H
#define HD_MEMORY_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "lines.h"
#include "memory.h"

enum hd_mem_kind {
    HD_MEM_KIND_NONE,           /* none of the below */
    HD_MEM_KIND_SMAPS,          /* /proc/PID/smaps (or maps: no sizes) */
    HD_MEM_KIND_SMAPS_ROLLUP,   /* /proc/PID/smaps_rollup */
    HD_MEM_KIND_PMAP,           /* pmap -x or pmap -X (-XX) output */
    HD_MEM_KIND_STATUS,         /* /proc/PID/status */
    HD_MEM_KIND_MALLOC_INFO,    /* glibc malloc_info() XML */
    HD_MEM_KIND_MALLOC_STATS,   /* glibc malloc_stats() text */
    HD_MEM_KIND_JEMALLOC_TEXT,  /* jemalloc malloc_stats_print() */
    HD_MEM_KIND_JEMALLOC_JSON,  /* jemalloc malloc_stats_print(opts "J") */
    HD_MEM_KIND_TCMALLOC,       /* gperftools MallocExtension::GetStats() */
    HD_MEM_KIND_HEAP_PROFILE,   /* a gperftools or jemalloc heap profile */
};

/* What DATA[0..SIZE) is, from its first lines. */
enum hd_mem_kind hd_mem_recognize(const char *data, size_t size);

/* A short name of KIND for messages ("smaps", "pmap", ...). */
const char *hd_mem_kind_name(enum hd_mem_kind kind);

/* Most mappings one capture may hold (Linux allows 65530 by default):
 * more is refused as absurd rather than risk running out of memory. */
#define HD_MEM_MAX_REGIONS ((size_t)1 << 20)

/* Whether LINE starts like a maps/smaps mapping line: hex digits, '-'. */
bool hd_mem_is_mapping_header(const struct hd_line *line);

/* smaps (or maps) -> *REGIONS (malloc'ed, paths owned by each region, in
 * the file's order) and *N.  Fields a region lacks are HD_MEM_UNKNOWN
 * (all sizes, for maps); fields this struct does not hold (a newer
 * kernel's, a foreign one's) are skipped. */
int hd_mem_parse_smaps(const char *name, const char *data, size_t size,
                       struct hd_mem_region **regions, size_t *n, struct hd_error *err);

/* smaps_rollup -> *ROLLUP (fields it lacks: HD_MEM_UNKNOWN). */
int hd_mem_parse_smaps_rollup(const char *name, const char *data, size_t size,
                              struct hd_mem_rollup *rollup, struct hd_error *err);

/* pmap -x (Kbytes, RSS, Dirty, Mode, Mapping) or pmap -X / -XX (columns
 * named by its header line) -> regions as hd_mem_parse_smaps.  pmap names
 * files by their base name only, and writes "[ anon ]" for anonymous
 * memory (kept as ""), "[ stack ]" as "[stack]". */
int hd_mem_parse_pmap(const char *name, const char *data, size_t size,
                      struct hd_mem_region **regions, size_t *n, struct hd_error *err);

/* /proc/PID/status -> *THREADS (its "Threads:" line). */
int hd_mem_parse_status(const char *name, const char *data, size_t size, size_t *threads,
                        struct hd_error *err);

/* glibc malloc_info() XML -> *GLIBC (arenas and totals), parsed with
 * libxml2 without entities, DTDs or network. */
int hd_mem_parse_malloc_info(const char *name, const char *data, size_t size,
                             struct hd_mem_glibc *glibc, struct hd_error *err);

/* glibc malloc_stats() text -> *GLIBC.  When malloc_info already filled
 * it, only what it lacks is added (the two describe the same moment). */
int hd_mem_parse_malloc_stats(const char *name, const char *data, size_t size,
                              struct hd_mem_glibc *glibc, struct hd_error *err);

/* jemalloc malloc_stats_print() text, or its JSON, -> *JE. */
int hd_mem_parse_jemalloc_text(const char *name, const char *data, size_t size,
                               struct hd_mem_jemalloc *je, struct hd_error *err);
int hd_mem_parse_jemalloc_json(const char *name, const char *data, size_t size,
                               struct hd_mem_jemalloc *je, struct hd_error *err);

/* gperftools MallocExtension::GetStats() text -> *TC. */
int hd_mem_parse_tcmalloc(const char *name, const char *data, size_t size,
                          struct hd_mem_tcmalloc *tc, struct hd_error *err);

/* ---- one file at a time (snapshot.c) ---- */

/* Add the content DATA[0..SIZE) of the file NAME to SNAP, recognized by
 * its content, as hd_mem_read_snapshot() does for each file of a
 * directory (a heap profile's NAME becomes profile_path).  A second input
 * of a kind SNAP already has is ignored, with a warning unless it says
 * the same (jemalloc's text and JSON of one moment).  Regions come
 * from the most detailed source given (smaps > pmap -X > pmap -x > maps),
 * the others dropped silently; malloc_info replaces malloc_stats.  Returns 1 when added,
 * 0 when DATA is none of the inputs (SNAP unchanged), -1 with *ERR set. */
int hd_mem_snapshot_add(struct hd_mem_snapshot *snap, const char *name, const char *data,
                        size_t size, struct hd_error *err);

/* After the last hd_mem_snapshot_add(): the rollup summed from the
 * regions when no smaps_rollup was given, regions_have_rss, n_threads
 * from "[stack:TID]" mappings when no status file was given.  -1 with
 * *ERR set when a sum does not fit in 64 bits. */
int hd_mem_snapshot_finish(struct hd_mem_snapshot *snap, struct hd_error *err);

/* ---- helpers the readers share (numbers.c) ---- */

/* KB kilobytes as bytes into *BYTES; -1 with *ERR set (NAME:LINE, naming
 * WHAT) when that is beyond 2^64 - 2 bytes (HD_MEM_UNKNOWN is reserved). */
int hd_mem_kb_to_bytes(const char *name, long line, const char *what, uint64_t kb,
                       uint64_t *bytes, struct hd_error *err);

/* A non-negative decimal at C (blanks before it skipped) into *VALUE;
 * -1 with *ERR set for a missing or too large number. */
int hd_mem_cursor_u64(struct hd_cursor *c, const char *name, long line, const char *what,
                      uint64_t *value, struct hd_error *err);

/* *SUM += VALUE, where either may be HD_MEM_UNKNOWN (then *SUM becomes
 * it).  -1 with *ERR set when the sum would not fit. */
int hd_mem_add(uint64_t *sum, uint64_t value, const char *name, const char *what,
               struct hd_error *err);

/* The nine sizes a region and a rollup hold, by the name smaps and
 * pmap -X give them ("Rss", "Pss", "Shared_Clean", ..., "AnonHugePages").
 * hd_mem_size_field() is the index of the name KEY[0..LEN), or -1. */
#define HD_MEM_N_SIZE_FIELDS 9
int hd_mem_size_field(const char *key, size_t len);
const char *hd_mem_size_field_name(int field);
uint64_t *hd_mem_size_slot(struct hd_mem_rollup *sizes, int field);

/* Every size of SIZES, or of REGION (rss .. anon_huge), HD_MEM_UNKNOWN. */
void hd_mem_rollup_unknown(struct hd_mem_rollup *sizes);
void hd_mem_region_unknown_sizes(struct hd_mem_region *region);

/* REGION's nine sizes from SIZES. */
void hd_mem_region_set_sizes(struct hd_mem_region *region, const struct hd_mem_rollup *sizes);

/* Append REGION to *REGIONS (capacity *CAP, count *N), which keeps them
 * in address order without overlap: -1 with *ERR set (NAME:LINE) when
 * REGION starts below the previous one's limit (a duplicate, an overlap,
 * or out of order: smaps and pmap list mappings in address order), or
 * beyond HD_MEM_MAX_REGIONS.  An RSS larger than the mapping is warned
 * about (at LINE) and kept.  On success REGION's path becomes owned by
 * the array; on failure the caller still owns it. */
int hd_mem_regions_append(struct hd_mem_region **regions, size_t *cap, size_t *n,
                          const struct hd_mem_region *region, const char *name, long line,
                          struct hd_error *err);

/* Warn (once) when LINE, the last of NAME, lacks its newline: the capture
 * may have been cut off there. */
void hd_mem_warn_unterminated(const char *name, long number, const struct hd_line *line);

/* Free N regions' paths and the array. */
void hd_mem_regions_free(struct hd_mem_region *regions, size_t n);

#endif
