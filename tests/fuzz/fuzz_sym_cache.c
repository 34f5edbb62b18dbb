/* The persistent symbol cache's reader (symbolize/cache.c): the fuzzer's
 * bytes become the cache file of a fixture module, then a symbolizer
 * with that cache looks up addresses in it and writes it back.
 *
 * A file is only read when its key text (module identities, options) and
 * CRC match, which no fuzzer would guess; so the target writes the header
 * and the key itself and lets the fuzzer write the rest: its first 16
 * bytes are the header's n_entries, n_frames, n_strings and strings_size,
 * the remainder the entries, frames, string offsets and strings; file
 * size and CRC are then made to match.  Every structural check is so
 * reached.  The files live in a directory under $TMPDIR (or /tmp),
 * removed at exit.  Seeds: tests/fuzz/seed.sh writes an empty body and
 * one address with one frame. */
#include <dirent.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fuzz_common.h"
#include "symbolizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXTURE HD_FUZZ_TESTDATA "/sym/bin/c-gcc-O2-dw5-pie"
enum { HEADER = 64, AT_FILE_SIZE = 16, AT_N_ENTRIES = 28, AT_CRC = 44, STEP = 97 };

static char dir[PATH_MAX];  /* the cache directory */
static char file[PATH_MAX]; /* the fixture's cache file in it */
static uint8_t *prefix;     /* its header and padded key, as written */
static size_t prefix_size;

static void remove_dir(void)
{
    char sub[PATH_MAX + 300];
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s))) {
            char path[PATH_MAX + 600];
            snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
            unlink(path);
        }
        if (s)
            closedir(s);
        if (rmdir(sub) != 0)
            unlink(sub);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Symbolize every STEP-th offset of the fixture with the cache on. */
static void run(void)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.no_system_debug_dirs = true;
    o.cache_dir = dir;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    volatile size_t sink = 0;
    for (uint64_t offset = 1; offset < 0x5000; offset += STEP) {
        const struct hd_sym_location *loc;
        if (hd_sym_lookup(sym, FIXTURE, false, offset, &loc) == 0)
            for (uint32_t i = 0; i < loc->n_frames; i++)
                sink += (loc->frames[i].function ? strlen(loc->frames[i].function) : 0) +
                        (loc->frames[i].file ? strlen(loc->frames[i].file) : 0);
    }
    hd_sym_free(sym);
    (void)sink;
}

/* Make the fixture's cache file once and keep its header and key. */
static void prepare(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/hd-fuzz-cache-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    atexit(remove_dir);
    run();
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) && !file[0]) {
        if (e->d_name[0] == '.' || strchr(e->d_name, '_'))
            continue;
        char sub[PATH_MAX + 300];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s)))
            if (strncmp(f->d_name, "sym-", 4) == 0)
                snprintf(file, sizeof file, "%.3000s/%.200s", sub, f->d_name);
        if (s)
            closedir(s);
    }
    if (d)
        closedir(d);
    FILE *f = file[0] ? fopen(file, "rb") : NULL;
    if (!f)
        abort();
    uint8_t header[HEADER];
    if (fread(header, 1, HEADER, f) != HEADER)
        abort();
    uint32_t key_size;
    memcpy(&key_size, header + 24, sizeof key_size);
    prefix_size = (HEADER + key_size + 7) & ~(size_t)7;
    prefix = calloc(1, prefix_size);
    memcpy(prefix, header, HEADER);
    if (fread(prefix + HEADER, 1, key_size, f) != key_size)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    if (!prefix)
        prepare();
    size_t counts = size < 16 ? size : 16;
    size_t total = prefix_size + (size - counts);
    uint8_t *image = calloc(1, total);
    memcpy(image, prefix, prefix_size);
    memset(image + AT_N_ENTRIES, 0, 16);
    memcpy(image + AT_N_ENTRIES, data, counts);
    uint64_t file_size = total;
    memcpy(image + AT_FILE_SIZE, &file_size, sizeof file_size);
    memcpy(image + prefix_size, data + counts, size - counts);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, image, AT_CRC);
    crc = crc32(crc, image + HEADER, (uInt)(total - HEADER));
    uint32_t crc32_value = (uint32_t)crc;
    memcpy(image + AT_CRC, &crc32_value, sizeof crc32_value);
    unlink(file);
    FILE *f = fopen(file, "wb");
    if (!f || fwrite(image, 1, total, f) != total)
        abort();
    fclose(f);
    free(image);
    run();
    return 0;
}
