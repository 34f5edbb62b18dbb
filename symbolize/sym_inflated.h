/* Debug sections decompressed once per process (core/parallel.c): two
 * symbolizers on two threads that open one file share each section's
 * decompressed bytes, and a thread that asks for a section another is
 * decompressing waits for it instead of doing it again. */
#ifndef HD_SYM_INFLATED_H
#define HD_SYM_INFLATED_H

#include <stddef.h>
#include <stdint.h>

#include "sym_decompress.h"

/* Which bytes: a section of one file, as stat() and the section header
 * tell them apart. */
struct hd_sym_inflated_key {
    uint64_t dev, ino, file_size, mtime_ns; /* the file */
    uint64_t offset, size, expanded_size;  /* the compressed section in it */
};

struct hd_sym_inflated; /* one shared section; private to inflated.c */

/* The SIZE bytes at DATA (the section KEY names) decompressed by METHOD
 * to EXPANDED_SIZE (key->expanded_size) bytes, as hd_sym_decompress()
 * does, but once for the process: *OUT points to the shared copy, which
 * lives until the last holder calls hd_sym_inflated_release(*HANDLE).
 * Returns 0, or -1 (corrupt data; *HANDLE must still be released). */
int hd_sym_inflated_get(const struct hd_sym_inflated_key *key,
                        enum hd_sym_compression method, const uint8_t *data, size_t size,
                        const uint8_t **out, struct hd_sym_inflated **handle);

/* Let go of HANDLE; the last holder frees the bytes.  NULL is fine. */
void hd_sym_inflated_release(struct hd_sym_inflated *handle);

#endif
