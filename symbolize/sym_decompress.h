/* Decompression of compressed ELF debug sections. */
#ifndef HD_SYM_DECOMPRESS_H
#define HD_SYM_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hd_sym_compression {
    HD_SYM_COMPRESS_ZLIB, /* zlib stream (ELFCOMPRESS_ZLIB, .zdebug_*) */
    HD_SYM_COMPRESS_ZSTD, /* zstd frame (ELFCOMPRESS_ZSTD) */
};

/* Whether this build can read METHOD (zstd needs libzstd at build time). */
bool hd_sym_can_decompress(enum hd_sym_compression method);

/* Decompress the SIZE bytes at DATA, which must expand to exactly
 * EXPANDED_SIZE bytes, into a new malloc'ed buffer stored in *OUT (the
 * caller frees it).  Returns 0, or -1 when the data is corrupt, does not
 * expand to EXPANDED_SIZE, or METHOD is not supported by this build. */
int hd_sym_decompress(enum hd_sym_compression method, const uint8_t *data,
                      size_t size, size_t expanded_size, uint8_t **out);

#endif
