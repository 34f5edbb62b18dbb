/* mmap and gunzip (see input.h). */
#include "input.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#include "array.h"

static bool is_gzip(const unsigned char *p, size_t n)
{
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* zlib counts in 32-bit uInt: it is fed and drained at most this many
 * bytes at a time, so that no count is cut (as symbolize/decompress.c). */
static const size_t ZLIB_CHUNK = (size_t)1 << 30;

static uInt chunk(size_t n)
{
    return (uInt)(n > ZLIB_CHUNK ? ZLIB_CHUNK : n);
}

/* IN's data becomes the malloc'ed OUT of USED bytes, inflated. */
static void keep_inflated(struct hd_input *in, char *out, size_t used)
{
    in->inflated = out;
    in->data = out;
    in->size = used;
    in->compressed = true;
}

/* The error for gzip data that inflates past MAX_SIZE. */
static int too_large(struct hd_error *err, const char *path, size_t max_size)
{
    return hd_error_set(err, path, 0,
                        "gzip data inflates to more than %zu bytes, the limit "
                        "(--max-input-size)", max_size);
}

/* Inflate the gzip data SOURCE of SOURCE_SIZE bytes (possibly several
 * concatenated members) into a malloc'ed buffer of at most MAX_SIZE bytes,
 * which becomes IN's data. */
static int inflate_gzip(struct hd_input *in, const unsigned char *source, size_t source_size,
                        const char *path, size_t max_size, struct hd_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK)
        return hd_error_set(err, path, 0, "cannot start gzip decoder");
    /* A first guess, grown by doubling up to MAX_SIZE (+1, to tell "exactly
     * the limit" from "more"): a gzip bomb costs at most the limit. */
    size_t capacity = source_size < max_size / 4 ? source_size * 4 + 4096 : max_size;
    if (capacity > max_size)
        capacity = max_size;
    size_t used = 0, in_left = source_size;
    char *out = hd_malloc(capacity + 1, 1);
    z.next_in = (Bytef *)source;
    int rc = Z_OK;
    for (;;) {
        if (used == capacity + 1) {
            if (used > max_size) {
                free(out);
                inflateEnd(&z);
                return too_large(err, path, max_size);
            }
            capacity = capacity > max_size / 2 ? max_size : capacity * 2;
            out = realloc(out, capacity + 1);
            if (!out)
                abort();
        }
        z.next_out = (Bytef *)out + used;
        z.avail_in = chunk(in_left);
        z.avail_out = chunk(capacity + 1 - used);
        uInt avail_in = z.avail_in, avail_out = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        in_left -= avail_in - z.avail_in;
        used += avail_out - z.avail_out;
        if (rc == Z_STREAM_END) {
            /* Another member may follow, as gzip concatenation allows. */
            if (in_left > 0 && is_gzip(z.next_in, in_left)) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (rc == Z_BUF_ERROR && in_left == 0) {
            free(out);
            inflateEnd(&z);
            return hd_error_set(err, path, 0, "truncated gzip data");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            free(out);
            inflateEnd(&z);
            return hd_error_set(err, path, 0, "corrupt gzip data (%s)",
                                z.msg ? z.msg : "inflate failed");
        }
    }
    inflateEnd(&z);
    keep_inflated(in, out, used);
    return 0;
}

/* The fast path: libdeflate inflates a whole member at once, about twice
 * as fast as zlib (RESULTS.md, 2026-12-01), into a buffer sized from the
 * gzip trailer's ISIZE (the last member's size mod 2^32; a guess that is
 * exact for the usual single member).  A member that does not fit is
 * inflated again into a buffer twice as large, up to MAX_SIZE + 1, so a
 * gzip bomb still costs at most the limit.  Returns 0 with IN filled, 1
 * when the data is more than MAX_SIZE, -1 on any other failure (bad or
 * truncated data), which inflate_gzip then reports in zlib's words. */
static int inflate_fast(struct hd_input *in, const unsigned char *source, size_t source_size,
                        size_t max_size)
{
    size_t isize = source_size >= 18 ? (size_t)source[source_size - 4] |
                                           (size_t)source[source_size - 3] << 8 |
                                           (size_t)source[source_size - 2] << 16 |
                                           (size_t)source[source_size - 1] << 24
                                     : 0;
    size_t capacity = isize + 1 > source_size ? isize + 1 : source_size * 4 + 4096;
    /* A lying trailer gets no more than deflate can produce (1032:1). */
    if (source_size < SIZE_MAX / 2048 && capacity > source_size * 1032 + 4096)
        capacity = source_size * 1032 + 4096;
    if (capacity > max_size + 1)
        capacity = max_size + 1;
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d)
        return -1;
    char *out = hd_malloc(capacity, 1);
    size_t used = 0, offset = 0;
    int rc = 0;
    while (rc == 0) {
        size_t in_used = 0, out_got = 0;
        enum libdeflate_result r =
            libdeflate_gzip_decompress_ex(d, source + offset, source_size - offset, out + used,
                                          capacity - used, &in_used, &out_got);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
            if (capacity > max_size) {
                rc = 1;
                break;
            }
            capacity = capacity > max_size / 2 ? max_size + 1 : capacity * 2;
            out = realloc(out, capacity);
            if (!out)
                abort();
            continue; /* this member again, from its start */
        }
        if (r != LIBDEFLATE_SUCCESS) {
            rc = -1;
            break;
        }
        used += out_got;
        offset += in_used;
        /* Another member may follow, as gzip concatenation allows. */
        if (offset >= source_size || !is_gzip(source + offset, source_size - offset))
            break;
    }
    libdeflate_free_decompressor(d);
    if (rc == 0 && used > max_size)
        rc = 1;
    if (rc != 0) {
        free(out);
        return rc;
    }
    keep_inflated(in, out, used);
    return 0;
}

/* Inflate with libdeflate, or with zlib when that fails, so that errors
 * keep zlib's precise messages ("truncated", "corrupt ... (reason)"). */
static int inflate_any(struct hd_input *in, const unsigned char *source, size_t source_size,
                       const char *path, size_t max_size, struct hd_error *err)
{
    int rc = inflate_fast(in, source, source_size, max_size);
    if (rc == 1)
        return too_large(err, path, max_size);
    return rc == 0 ? 0 : inflate_gzip(in, source, source_size, path, max_size, err);
}

bool hd_input_is_stdin(const char *path)
{
    return strcmp(path, HD_INPUT_STDIN_PATH) == 0;
}

const char *hd_input_name(const char *path)
{
    return hd_input_is_stdin(path) ? HD_INPUT_STDIN_NAME : path;
}

/* Wait until FD, which may be non-blocking, has bytes or its end. */
static void wait_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
}

/* Read standard input to its end into IN, at most MAX_SIZE bytes. */
static int read_stdin(struct hd_input *in, size_t max_size, struct hd_error *err)
{
    const char *name = HD_INPUT_STDIN_NAME;
    if (isatty(STDIN_FILENO))
        return hd_error_set(err, name, 0,
                            "standard input is a terminal: pipe a profile into it, "
                            "as in 'zcat p.heap.gz | heapdiff BINARY -'");
    size_t capacity = 65536, used = 0;
    char *buffer = hd_malloc(capacity, 1);
    for (;;) {
        if (used == capacity) {
            if (capacity > max_size) {
                free(buffer);
                return hd_error_set(err, name, 0,
                                    "more than %zu bytes, the limit (--max-input-size)",
                                    max_size);
            }
            capacity = capacity > max_size / 2 ? max_size + 1 : capacity * 2;
            buffer = realloc(buffer, capacity);
            if (!buffer)
                abort();
        }
        ssize_t n = read(STDIN_FILENO, buffer + used, capacity - used);
        if (n > 0) {
            used += (size_t)n;
        } else if (n == 0) {
            break;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wait_readable(STDIN_FILENO);
        } else if (errno != EINTR) {
            int error = errno;
            free(buffer);
            return hd_error_set(err, name, 0, "cannot read: %s", strerror(error));
        }
    }
    if (used > max_size) {
        free(buffer);
        return hd_error_set(err, name, 0, "more than %zu bytes, the limit (--max-input-size)",
                            max_size);
    }
    in->read = buffer;
    in->data = buffer;
    in->size = used;
    return 0;
}

int hd_input_open(struct hd_input *in, const char *path, size_t max_size,
                  struct hd_error *err)
{
    memset(in, 0, sizeof *in);
    if (hd_input_is_stdin(path)) {
        if (read_stdin(in, max_size, err) != 0)
            return -1;
        if (is_gzip((const unsigned char *)in->data, in->size) &&
            inflate_any(in, (const unsigned char *)in->read, in->size, HD_INPUT_STDIN_NAME,
                         max_size, err) != 0) {
            hd_input_close(in);
            return -1;
        }
        return 0;
    }
    struct stat st;
    int fd = hd_file_open_regular(path, &st);
    if (fd == HD_FILE_NOT_REGULAR)
        return hd_error_set(err, path, 0, "not a regular file");
    if (fd < 0)
        return hd_error_set(err, path, 0, "cannot open: %s", strerror(errno));
    if ((unsigned long long)st.st_size > max_size) {
        close(fd);
        return hd_error_set(err, path, 0,
                            "file is larger than %zu bytes, the limit (--max-input-size)",
                            max_size);
    }
    in->mapped_size = (size_t)st.st_size;
    if (in->mapped_size > 0) {
        in->mapped = mmap(NULL, in->mapped_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (in->mapped == MAP_FAILED) {
            in->mapped = NULL;
            close(fd);
            return hd_error_set(err, path, 0, "cannot map: %s", strerror(errno));
        }
    }
    close(fd);
    in->data = in->mapped;
    in->size = in->mapped_size;
    if (is_gzip(in->mapped, in->mapped_size) &&
        inflate_any(in, in->mapped, in->mapped_size, path, max_size, err) != 0) {
        hd_input_close(in);
        return -1;
    }
    return 0;
}

void hd_input_close(struct hd_input *in)
{
    if (in->mapped)
        munmap(in->mapped, in->mapped_size);
    free(in->inflated);
    free(in->read);
    memset(in, 0, sizeof *in);
}

/* The first SIZE bytes of the regular file at PATH into BUF; how many
 * were read, or -1.  Never standard input. */
static ssize_t read_start(const char *path, unsigned char *buf, size_t size)
{
    if (hd_input_is_stdin(path))
        return -1;
    int fd = hd_file_open_regular(path, NULL);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size);
    close(fd);
    return n;
}

bool hd_input_is_elf(const char *path)
{
    unsigned char magic[4];
    return read_start(path, magic, sizeof magic) == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

bool hd_input_is_elf_program(const char *path)
{
    /* e_type, at offset 16 in the file's byte order (EI_DATA, byte 5):
     * ET_EXEC 2 or ET_DYN 3 (the System V gABI, "ELF Header"). */
    unsigned char header[18];
    if (read_start(path, header, sizeof header) != (ssize_t)sizeof header ||
        memcmp(header, "\177ELF", 4) != 0)
        return false;
    unsigned type = header[5] == 2 ? (unsigned)header[16] << 8 | header[17]
                                   : (unsigned)header[17] << 8 | header[16];
    return type == 2 || type == 3;
}

bool hd_input_starts_with(const char *path, const char *prefix)
{
    unsigned char raw[4096], text[64];
    size_t want = strlen(prefix);
    ssize_t n = read_start(path, raw, sizeof raw);
    if (n < 2 || want > sizeof text)
        return false;
    if (raw[0] != 0x1f || raw[1] != 0x8b)
        return (size_t)n >= want && memcmp(raw, prefix, want) == 0;
    /* gzip: inflate no more than the prefix's length. */
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK)
        return false;
    z.next_in = raw;
    z.avail_in = (uInt)n;
    z.next_out = text;
    z.avail_out = (uInt)want;
    inflate(&z, Z_SYNC_FLUSH);
    size_t got = want - z.avail_out;
    inflateEnd(&z);
    return got == want && memcmp(text, prefix, want) == 0;
}
