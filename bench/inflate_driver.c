/* The floor under parsing a gzip'ed profile: how long inflating it alone
 * takes, with libdeflate (what parser/input.c uses) and with zlib, on the
 * same bytes in one process, best of RUNS.
 *
 * Usage: inflate_driver FILE.gz [RUNS]
 * Prints "libdeflate SECONDS MB/s" and "zlib SECONDS MB/s" lines, MB/s of
 * the inflated text.  One gzip member only (as gzip writes). */
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* FILE's bytes in a malloc'ed buffer, *SIZE of them; NULL on failure. */
static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *data = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 18 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)n);
        if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    *size = (size_t)n;
    return data;
}

/* Inflate IN (one gzip member) into OUT of OUT_SIZE bytes; 0 when it fit
 * exactly. */
static int with_libdeflate(const unsigned char *in, size_t size, char *out, size_t out_size)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t got = 0;
    int rc = d && libdeflate_gzip_decompress(d, in, size, out, out_size, &got) ==
                      LIBDEFLATE_SUCCESS && got == out_size ? 0 : -1;
    libdeflate_free_decompressor(d);
    return rc;
}

static int with_zlib(const unsigned char *in, size_t size, char *out, size_t out_size)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return -1;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)size;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)out_size;
    int rc = inflate(&z, Z_FINISH) == Z_STREAM_END && z.avail_out == 0 ? 0 : -1;
    inflateEnd(&z);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: inflate_driver FILE.gz [RUNS]\n", stderr);
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    size_t size;
    unsigned char *in = read_all(argv[1], &size);
    if (!in) {
        fprintf(stderr, "inflate_driver: %s: cannot read a gzip file\n", argv[1]);
        return 2;
    }
    /* ISIZE, the trailer's size of the (single) member, mod 2^32. */
    size_t out_size = (size_t)in[size - 4] | (size_t)in[size - 3] << 8 |
                      (size_t)in[size - 2] << 16 | (size_t)in[size - 1] << 24;
    char *out = malloc(out_size + 1);
    const char *names[2] = {"libdeflate", "zlib"};
    int (*inflaters[2])(const unsigned char *, size_t, char *, size_t) = {with_libdeflate,
                                                                         with_zlib};
    int rc = 0;
    for (int k = 0; k < 2 && out; k++) {
        double best = 1e9;
        for (int r = 0; r < runs; r++) {
            double start = now();
            if (inflaters[k](in, size, out, out_size) != 0) {
                fprintf(stderr, "inflate_driver: %s: %s failed (several members?)\n",
                        argv[1], names[k]);
                rc = 2;
                break;
            }
            double took = now() - start;
            best = took < best ? took : best;
        }
        if (rc == 0)
            printf("%s %.3f %.0f\n", names[k], best, (double)out_size / 1e6 / best);
    }
    free(out);
    free(in);
    return rc;
}
