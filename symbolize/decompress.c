/* zlib (through libdeflate) and zstd decompression of debug sections (see
 * sym_decompress.h). */
#include "sym_decompress.h"

#include <stdlib.h>
#include <libdeflate.h>

#include "array.h"

#ifdef HD_HAVE_ZSTD
#include <zstd.h>
#endif

bool hd_sym_can_decompress(enum hd_sym_compression method)
{
#ifdef HD_HAVE_ZSTD
    return method == HD_SYM_COMPRESS_ZLIB || method == HD_SYM_COMPRESS_ZSTD;
#else
    return method == HD_SYM_COMPRESS_ZLIB;
#endif
}

/* Inflate a zlib stream whose inflated size is known, in one call:
 * libdeflate does it at about twice zlib's speed (bench/RESULTS.md).
 * Fails unless DATA inflates to exactly EXPANDED_SIZE bytes. */
static int inflate_all(const uint8_t *data, size_t size, uint8_t *out,
                       size_t expanded_size)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d)
        return -1;
    size_t got = 0;
    enum libdeflate_result r =
        libdeflate_zlib_decompress(d, data, size, out, expanded_size, &got);
    libdeflate_free_decompressor(d);
    return r == LIBDEFLATE_SUCCESS && got == expanded_size ? 0 : -1;
}

int hd_sym_decompress(enum hd_sym_compression method, const uint8_t *data,
                      size_t size, size_t expanded_size, uint8_t **out)
{
    *out = NULL;
    if (!hd_sym_can_decompress(method))
        return -1;
    /* A hostile header could claim terabytes: refuse anything larger than a
     * generous ratio of the input (zlib's maximum is about 1032:1). */
    if (expanded_size == 0 || expanded_size / 1100 > size)
        return -1;
    uint8_t *buf = hd_malloc(expanded_size, 1);
    int rc = -1;
    if (method == HD_SYM_COMPRESS_ZLIB) {
        rc = inflate_all(data, size, buf, expanded_size);
    } else {
#ifdef HD_HAVE_ZSTD
        size_t got = ZSTD_decompress(buf, expanded_size, data, size);
        rc = !ZSTD_isError(got) && got == expanded_size ? 0 : -1;
#endif
    }
    if (rc != 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}
