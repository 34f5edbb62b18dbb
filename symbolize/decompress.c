/* zlib and zstd decompression of debug sections (see sym_decompress.h). */
#include "sym_decompress.h"

#include <stdlib.h>
#include <zlib.h>

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

/* Inflate in chunks: uInt is 32 bits and a debug section may be larger. */
static int inflate_all(const uint8_t *data, size_t size, uint8_t *out,
                       size_t expanded_size)
{
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK)
        return -1;
    size_t in_done = 0, out_done = 0;
    int rc;
    for (;;) {
        size_t in_left = size - in_done, out_left = expanded_size - out_done;
        z.next_in = (Bytef *)(uintptr_t)(data + in_done);
        z.avail_in = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
        z.next_out = out + out_done;
        z.avail_out = out_left > UINT32_MAX ? UINT32_MAX : (uInt)out_left;
        uInt avail_in = z.avail_in, avail_out = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t consumed = avail_in - z.avail_in, produced = avail_out - z.avail_out;
        in_done += consumed;
        out_done += produced;
        if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR))
            break;
        if (consumed == 0 && produced == 0)
            break; /* truncated input or output full: no progress */
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END && out_done == expanded_size ? 0 : -1;
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
