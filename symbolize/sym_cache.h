/* The persistent symbol cache: the frames found at each address of a
 * module, kept on disk between runs so that a report made again on the
 * same binary does not decode its DWARF again (README, "Symbol cache").
 *
 * One file per (module file, debug file, dwz file, naming options, format
 * version): DIR/<build-id>/sym-<hash of the key> (DIR/path-<hash of the
 * path>/... for a file without a build-id), as debuginfod's client cache
 * keeps one directory per build-id.  The file holds the whole key text,
 * compared byte for byte; the addresses, sorted; their frames; and the
 * strings.  Every read is checked (bounds, counts, terminators, CRC32)
 * before any of it is used; a file that fails is ignored with one warning
 * and replaced on the next write.  Writes go to a temporary file in the
 * same directory (O_EXCL, 0600) renamed over the old one, merged with what
 * the old one held, so concurrent runs lose at most each other's new
 * addresses, never a file.  The size of DIR is bounded: after a write the
 * least recently used files go first (hd_sym_cache_close).
 *
 * Not thread-safe as a whole: hd_sym_cache_module_* on distinct modules
 * may run in parallel once hd_sym_cache_open() has returned; saving and
 * closing happen on one thread. */
#ifndef HD_SYM_CACHE_H
#define HD_SYM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symbolizer.h"

struct hd_sym_elf;
struct hd_sym_cache;        /* the cache directory */
struct hd_sym_cache_module; /* one module's file: what it held, and what
                               this run added */

/* Default bound on the cache's size: 512 MiB (a python3.11 report's file
 * is about 1 MB, so this holds hundreds of binaries). */
#define HD_SYM_CACHE_DEFAULT_MAX_BYTES ((uint64_t)512 << 20)

/* The cache at directory DIR, holding at most MAX_BYTES (0: the default).
 * DIR need not exist yet (it is made on the first write, mode 0700).
 * Returns NULL, with one warning, when DIR exists but is unusable (not a
 * directory, a symbolic link, or owned by another user); NULL too when
 * DIR is NULL. */
struct hd_sym_cache *hd_sym_cache_open(const char *dir, uint64_t max_bytes);

/* Evict, when anything was written, the least recently used files beyond
 * the size bound and those unused for max_unused_age_s, then free.  NULL
 * is fine. */
void hd_sym_cache_close(struct hd_sym_cache *cache);

/* The cache file of a module: ELF the file read, DEBUG its separate debug
 * file (NULL when its DWARF is its own), ALT its dwz file or NULL,
 * OPTIONS the naming options, MAX_FRAMES the longest inline chain kept.
 * The file's identity (size, mtime, inode) and DEBUG's and ALT's are part
 * of the key, so a debug file installed or rebuilt later makes a new
 * key.  Reads and checks the file when there is one (a bad one is warned
 * about and ignored).  Returns NULL when CACHE is NULL or a file cannot be
 * stat'ed. */
struct hd_sym_cache_module *hd_sym_cache_module_open(struct hd_sym_cache *cache,
                                                     const struct hd_sym_elf *elf,
                                                     const struct hd_sym_elf *debug,
                                                     const struct hd_sym_elf *alt,
                                                     const struct hd_sym_options *options,
                                                     unsigned max_frames);

/* Whether the file held any address: the module's DWARF may then be
 * opened only when a lookup misses. */
bool hd_sym_cache_module_loaded(const struct hd_sym_cache_module *module);

/* Turns a string of the cache file into the symbolizer's interned copy,
 * which must live until hd_sym_cache_module_free(). */
typedef const char *hd_sym_cache_intern_fn(void *context, const char *s);

/* The frames cached for VADDR: returns true with *STATUS (HD_SYM_RESOLVED
 * or HD_SYM_NO_SYMBOL), FRAMES[0 .. *N_FRAMES) (at most MAX, strings
 * through INTERN) and *UNNAMED set: when true, frames[0].function is the
 * part after '!' of a name made by the symbolizer from the module's file
 * name ("0x1234" of "libz.so!0x1234"), to be joined to this run's name.
 * False when VADDR is not cached. */
bool hd_sym_cache_module_find(struct hd_sym_cache_module *module, uint64_t vaddr,
                              hd_sym_cache_intern_fn *intern, void *context,
                              enum hd_sym_status *status, struct hd_sym_frame *frames,
                              uint32_t max, uint32_t *n_frames, bool *unnamed);

/* Remember the result for VADDR, found cold: STATUS, FRAMES[0 .. N)
 * (strings must live until the module is saved) and UNNAMED as above. */
void hd_sym_cache_module_add(struct hd_sym_cache_module *module, uint64_t vaddr,
                             enum hd_sym_status status, const struct hd_sym_frame *frames,
                             uint32_t n, bool unnamed);

/* Write the module's file when this run added addresses: what the file
 * holds now (read again: another symbolizer or run may have written it
 * since) merged with them.  A failure is warned about once, never an
 * error.  The last use of the file is recorded either way. */
void hd_sym_cache_module_save(struct hd_sym_cache *cache, struct hd_sym_cache_module *module);

/* Free MODULE (unsaved additions are dropped).  NULL is fine. */
void hd_sym_cache_module_free(struct hd_sym_cache_module *module);

#endif
