/* The persistent symbol cache (symbolize/cache.c): what a warm run gives
 * is what a run without the cache gives, byte for byte, without decoding
 * DWARF; and a cache file damaged in any way is ignored, warned about
 * once, and made again.
 *
 * The reference for every result is the same symbolizer with the cache
 * off (--no-cache), whose own results test_symbolize.c pins against
 * llvm-symbolizer.  The fixtures are testdata/sym (testdata/sym/build.sh)
 * and the leaky programs of testdata/bin with their profiles. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "run_heapdiff.h"
#include "symbolizer.h"

/* ---- helpers ---- */

static char warnings[65536];
static char cache_dir[256];

static void collect_warning(void *context, const char *text)
{
    (void)context;
    size_t len = strlen(warnings);
    snprintf(warnings + len, sizeof warnings - len, "%s\n", text);
}

static void forget_warnings(void)
{
    warnings[0] = '\0';
    hd_warning_reset();
}

static void setup(void)
{
    forget_warnings();
    hd_warning_set_sink(collect_warning, NULL);
    snprintf(cache_dir, sizeof cache_dir, "/tmp/hd-test-cache-XXXXXX");
    cr_assert_not_null(mkdtemp(cache_dir));
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[1024];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void teardown(void)
{
    hd_warning_set_sink(NULL, NULL);
    hd_warning_reset();
    remove_tree(cache_dir);
}

TestSuite(cache, .init = setup, .fini = teardown);

static const char *testdata(const char *rel)
{
    static char paths[8][4096];
    static int next;
    const char *root = getenv("HD_TESTDATA");
    cr_assert(root, "HD_TESTDATA must point to testdata/");
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", root, rel);
    return p;
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* How one run of the symbolizer went. */
struct outcome {
    char *dump;                 /* every result, one line per offset */
    struct hd_sym_stats stats;
};

/* Symbolize offsets FIRST, FIRST+STEP, ... < END of MODULE with the cache
 * at DIR (NULL: off), the debug files in DEBUG_DIR (or none), and
 * MAX_BYTES as the cache's bound (0: default). */
static struct outcome run_symbolizer(const char *module, const char *dir, const char *debug_dir,
                                     uint64_t first, uint64_t end, uint64_t step,
                                     uint64_t max_bytes)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.no_system_debug_dirs = true;
    o.cache_dir = dir;
    o.cache_max_bytes = max_bytes;
    const char *dirs[1] = {debug_dir};
    if (debug_dir) {
        o.debug_dirs = dirs;
        o.n_debug_dirs = 1;
    }
    struct hd_symbolizer *sym = hd_sym_new(&o);
    size_t size = 0;
    char *dump = NULL;
    FILE *out = open_memstream(&dump, &size);
    for (uint64_t offset = first; offset < end; offset += step) {
        const struct hd_sym_location *loc;
        cr_assert_eq(hd_sym_lookup(sym, module, false, offset, &loc), 0);
        fprintf(out, "%llx %d %llx:", (unsigned long long)offset, loc->status,
                (unsigned long long)loc->vaddr);
        for (uint32_t i = 0; i < loc->n_frames; i++) {
            const struct hd_sym_frame *f = &loc->frames[i];
            fprintf(out, " [%s|%s|%u|%d]", f->function ? f->function : "-",
                    f->file ? f->file : "-", f->line, f->inlined);
        }
        fputc('\n', out);
    }
    hd_sym_say_summary(sym);
    struct outcome r;
    hd_sym_get_stats(sym, &r.stats);
    hd_sym_free(sym);
    fclose(out);
    r.dump = dump;
    return r;
}

/* The fixture most tests use: gcc -O2, DWARF 5, PIE, with inlining. */
#define FIXTURE "sym/bin/c-gcc-O2-dw5-pie"

static uint64_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
    return (uint64_t)st.st_size;
}

/* Every STEP-th offset of FIXTURE: call sites, function entries, offsets
 * outside any function and outside the load segments alike.  The tests
 * that damage a file at every byte use a larger step, for a small file. */
static uint64_t step = 3;

static struct outcome run_fixture(const char *dir)
{
    const char *module = testdata(FIXTURE);
    return run_symbolizer(module, dir, NULL, 1, file_size(module) + 64, step, 0);
}

/* The cache files under DIR (recursively), into PATHS (at most MAX). */
static size_t cache_files(const char *dir, char paths[][1024], size_t max)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            n += cache_files(path, paths + n, max - n);
        else if (strncmp(e->d_name, "sym-", 4) == 0 && n < max)
            snprintf(paths[n++], 1024, "%s", path);
    }
    if (d)
        closedir(d);
    return n;
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(*size + 1);
    cr_assert_eq(fread(data, 1, *size, f), *size);
    fclose(f);
    return data;
}

static void write_all(const char *path, const uint8_t *data, size_t size)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
    cr_assert_eq(write(fd, data, size), (ssize_t)size);
    close(fd);
}

/* The format's layout (cache.c's file comment): header fields at these
 * offsets, the CRC32 over the header up to the crc and all after it. */
enum {
    AT_VERSION = 8, AT_FILE_SIZE = 16, AT_KEY_SIZE = 24, AT_N_ENTRIES = 28,
    AT_N_FRAMES = 32, AT_N_STRINGS = 36, AT_STRINGS_SIZE = 40, AT_CRC = 44,
    HEADER_SIZE = 64, ENTRY_SIZE = 16, FRAME_SIZE = 16
};

static uint32_t get32(const uint8_t *data, size_t at)
{
    uint32_t v;
    memcpy(&v, data + at, sizeof v);
    return v;
}

static void put32(uint8_t *data, size_t at, uint32_t v)
{
    memcpy(data + at, &v, sizeof v);
}

/* Give DATA a CRC that matches, so that only the other checks stand. */
static void reseal(uint8_t *data, size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, data, AT_CRC);
    crc = crc32(crc, data + HEADER_SIZE, (uInt)(size - HEADER_SIZE));
    put32(data, AT_CRC, (uint32_t)crc);
}

/* Where the parts of the file DATA lie. */
struct parts {
    size_t entries, frames, offsets, strings;
};

static struct parts parts_of(const uint8_t *data)
{
    struct parts p;
    p.entries = (HEADER_SIZE + get32(data, AT_KEY_SIZE) + 7) & ~(size_t)7;
    p.frames = p.entries + get32(data, AT_N_ENTRIES) * (size_t)ENTRY_SIZE;
    p.offsets = p.frames + get32(data, AT_N_FRAMES) * (size_t)FRAME_SIZE;
    p.strings = p.offsets + get32(data, AT_N_STRINGS) * (size_t)4;
    return p;
}

/* The reference: FIXTURE without the cache. */
static char *reference_dump(void)
{
    struct outcome r = run_fixture(NULL);
    forget_warnings();
    return r.dump;
}

/* After the cache file at PATH was damaged: the next run gives REFERENCE,
 * warns once about the file, and rebuilds it, so that the run after
 * decodes no DWARF and says nothing. */
static void assert_ignored_and_rebuilt(const char *reference, const char *what)
{
    forget_warnings();
    struct outcome r = run_fixture(cache_dir);
    cr_assert_str_eq(r.dump, reference, "%s: results differ", what);
    cr_assert_eq(count(warnings, "symbol cache"), 1, "%s: warnings:\n%s", what, warnings);
    free(r.dump);
    forget_warnings();
    r = run_fixture(cache_dir);
    cr_assert_str_eq(r.dump, reference, "%s: results differ after the rebuild", what);
    cr_assert_str_empty(warnings, "%s: %s", what, warnings);
    cr_assert_eq(r.stats.units_decoded, 0, "%s: not rebuilt", what);
    free(r.dump);
}

/* Make the cache file of FIXTURE; returns its path (static). */
static const char *make_cache_file(void)
{
    struct outcome r = run_fixture(cache_dir);
    free(r.dump);
    static char paths[4][1024];
    cr_assert_eq(cache_files(cache_dir, paths, 4), 1);
    return paths[0];
}

/* ---- warm runs ---- */

Test(cache, warm_run_gives_the_same_frames_without_decoding_dwarf)
{
    char *reference = reference_dump();
    struct outcome cold = run_fixture(cache_dir);
    cr_assert_gt(cold.stats.units_decoded, 0);
    cr_assert_eq(cold.stats.cache_hits, 0);
    cr_assert_str_eq(cold.dump, reference);
    struct outcome warm = run_fixture(cache_dir);
    cr_assert_str_eq(warm.dump, reference);
    cr_assert_eq(warm.stats.units_decoded, 0, "the warm run decoded %zu units",
                 warm.stats.units_decoded);
    cr_assert_gt(warm.stats.cache_hits, 100);
    cr_assert_str_empty(warnings, "%s", warnings);
    free(reference);
    free(cold.dump);
    free(warm.dump);
}

Test(cache, new_offsets_are_symbolized_cold_and_merged_into_the_file)
{
    const char *module = testdata(FIXTURE);
    uint64_t end = file_size(module);
    struct outcome ref = run_symbolizer(module, NULL, NULL, 1, end, 1, 0);
    struct outcome half = run_symbolizer(module, cache_dir, NULL, 1, end, 2, 0);
    struct outcome all = run_symbolizer(module, cache_dir, NULL, 1, end, 1, 0);
    cr_assert_str_eq(all.dump, ref.dump);
    /* Half the offsets came from the file, the others from DWARF. */
    cr_assert_gt(all.stats.cache_hits, 0);
    cr_assert_leq(all.stats.cache_hits, half.stats.unique_addresses);
    cr_assert_gt(all.stats.units_decoded, 0);
    struct outcome again = run_symbolizer(module, cache_dir, NULL, 1, end, 1, 0);
    cr_assert_str_eq(again.dump, ref.dump);
    cr_assert_eq(again.stats.units_decoded, 0);
    free(ref.dump);
    free(half.dump);
    free(all.dump);
    free(again.dump);
}

/* Two symbolizers of one run (the base's and the current's) and four
 * processes at once all write one file: none loses it or corrupts it. */
Test(cache, concurrent_writers_leave_a_sound_file)
{
    const char *module = testdata(FIXTURE);
    uint64_t end = file_size(module);
    pid_t pids[4];
    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        cr_assert_geq(pids[i], 0);
        if (pids[i] == 0) {
            struct outcome r = run_symbolizer(module, cache_dir, NULL, 1 + (uint64_t)i, end, 4, 0);
            free(r.dump);
            _exit(0);
        }
    }
    for (int i = 0; i < 4; i++) {
        int status;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    struct outcome ref = run_symbolizer(module, NULL, NULL, 1, end, 1, 0);
    forget_warnings();
    struct outcome r = run_symbolizer(module, cache_dir, NULL, 1, end, 1, 0);
    cr_assert_str_eq(r.dump, ref.dump);
    cr_assert_str_empty(warnings, "%s", warnings);
    cr_assert_gt(r.stats.cache_hits, 0);
    free(ref.dump);
    free(r.dump);
}

/* ---- damage ---- */

/* The cache file at PATH replaced by SIZE bytes of DATA: the next run
 * gives REFERENCE and one warning, whose text holds REASON (or any text
 * when NULL). */
static void assert_damage_ignored(const char *path, const uint8_t *data, size_t size,
                                  const char *reference, const char *what, size_t at,
                                  const char *reason)
{
    write_all(path, data, size);
    forget_warnings();
    struct outcome r = run_fixture(cache_dir);
    cr_assert_str_eq(r.dump, reference, "%s at %zu: results differ", what, at);
    cr_assert_eq(count(warnings, "symbol cache"), 1, "%s at %zu: %s", what, at, warnings);
    cr_assert(!reason || strstr(warnings, reason), "%s at %zu: %s", what, at, warnings);
    free(r.dump);
}

Test(cache, truncated_at_every_byte_is_ignored_and_rebuilt)
{
    step = 31;
    char *reference = reference_dump();
    const char *path = make_cache_file();
    size_t size;
    uint8_t *good = read_all(path, &size);
    for (size_t cut = 0; cut < size; cut++)
        assert_damage_ignored(path, good, cut, reference, "cut", cut,
                              "truncated");
    write_all(path, good, size / 2);
    assert_ignored_and_rebuilt(reference, "truncated");
    free(good);
    free(reference);
}

Test(cache, a_flipped_bit_anywhere_is_ignored)
{
    step = 31;
    char *reference = reference_dump();
    const char *path = make_cache_file();
    size_t size;
    uint8_t *good = read_all(path, &size);
    /* One bit of each byte, the bit's position moving byte to byte. */
    for (size_t at = 0; at < size; at++) {
        uint8_t bit = (uint8_t)(1u << (at * 3 % 8));
        good[at] ^= bit;
        assert_damage_ignored(path, good, size, reference, "flipped bit", at, NULL);
        good[at] ^= bit;
    }
    good[size - 1] ^= 0x40;
    write_all(path, good, size);
    assert_ignored_and_rebuilt(reference, "flipped");
    free(good);
    free(reference);
}

/* A file whose CRC matches but whose contents lie: each field out of
 * range in turn.  None may be trusted, allocate by its counts, or crash. */
Test(cache, hostile_fields_with_a_matching_crc_are_ignored)
{
    char *reference = reference_dump();
    const char *path = make_cache_file();
    size_t size;
    uint8_t *good = read_all(path, &size);
    struct parts p = parts_of(good);
    cr_assert_geq(get32(good, AT_N_ENTRIES), 2);
    cr_assert_geq(get32(good, AT_N_STRINGS), 1);
    uint8_t *bad = malloc(size);
    uint32_t n_strings = get32(good, AT_N_STRINGS);
    uint32_t strings_size = get32(good, AT_STRINGS_SIZE);
    /* the first resolved entry's first frame */
    size_t entry = p.entries;
    while (good[entry + 13] != 0 /* HD_SYM_RESOLVED */)
        entry += ENTRY_SIZE;
    size_t frame = p.frames + get32(good, entry + 8) * (size_t)FRAME_SIZE;
    struct {
        const char *what;
        size_t at;
        uint32_t value;
        int width; /* 4, or 1 for a byte */
    } cases[] = {
        {"absurd entry count", AT_N_ENTRIES, 0xffffffffu, 4},
        {"absurd frame count", AT_N_FRAMES, 0x10000000u, 4},
        {"absurd string count", AT_N_STRINGS, 0xfffffff0u, 4},
        {"file size", AT_FILE_SIZE, (uint32_t)size + 16, 4},
        {"version", AT_VERSION, 2, 4},
        {"key size", AT_KEY_SIZE, 3, 4},
        {"string offset out of range", p.offsets, strings_size, 4},
        {"string offset far out", p.offsets, 0xfffffff0u, 4},
        {"unterminated string", p.strings + strings_size - 1, 'x', 1},
        {"function index out of range", frame, n_strings + 1, 4},
        {"file index out of range", frame + 4, 0xffffffffu, 4},
        {"frame flags", frame + 12, 0x80, 4},
        {"first frame out of range", entry + 8, get32(good, AT_N_FRAMES), 4},
        {"too many frames", entry + 12, 200, 1},
        {"bad status", entry + 13, 7, 1},
        {"no frames for a resolved address", entry + 12, 0, 1},
        {"entry flags", entry + 14, 0x80, 1},
        {"addresses out of order", p.entries, 0xffffffffu, 4},
        {"reserved field", 48, 1, 4},
        {"key text", HEADER_SIZE + 10, 'X', 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memcpy(bad, good, size);
        if (cases[i].width == 4)
            put32(bad, cases[i].at, cases[i].value);
        else
            bad[cases[i].at] = (uint8_t)cases[i].value;
        reseal(bad, size);
        write_all(path, bad, size);
        forget_warnings();
        struct outcome r = run_fixture(cache_dir);
        cr_assert_str_eq(r.dump, reference, "%s: results differ", cases[i].what);
        cr_assert_eq(count(warnings, "symbol cache"), 1, "%s: %s", cases[i].what, warnings);
        free(r.dump);
    }
    /* The writer's own file, resealed unchanged, is trusted again. */
    memcpy(bad, good, size);
    reseal(bad, size);
    write_all(path, bad, size);
    forget_warnings();
    struct outcome r = run_fixture(cache_dir);
    cr_assert_str_empty(warnings, "%s", warnings);
    cr_assert_eq(r.stats.units_decoded, 0);
    free(r.dump);
    free(bad);
    free(good);
    free(reference);
}

/* Put KIND in the cache file's place: a symbolic link to a sound cache
 * file, a FIFO, or a directory. */
static void replace_with(const char *path, const char *kind)
{
    char elsewhere[1100];
    snprintf(elsewhere, sizeof elsewhere, "%s.elsewhere", cache_dir);
    if (strcmp(kind, "symlink") == 0) {
        cr_assert_eq(rename(path, elsewhere), 0);
        cr_assert_eq(symlink(elsewhere, path), 0);
    } else if (strcmp(kind, "fifo") == 0) {
        unlink(path);
        cr_assert_eq(mkfifo(path, 0600), 0);
    } else {
        unlink(path);
        cr_assert_eq(mkdir(path, 0700), 0);
    }
}

static void check_replaced(const char *kind)
{
    char *reference = reference_dump();
    const char *path = make_cache_file();
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);
    replace_with(saved, kind);
    forget_warnings();
    struct outcome r = run_fixture(cache_dir);
    cr_assert_str_eq(r.dump, reference);
    cr_assert_eq(count(warnings, "symbol cache"), 1, "%s: %s", kind, warnings);
    cr_assert_gt(r.stats.units_decoded, 0, "%s was trusted", kind);
    free(r.dump);
    {   /* made again in its place (an empty directory gives way) */
        forget_warnings();
        r = run_fixture(cache_dir);
        cr_assert_str_empty(warnings, "%s: %s", kind, warnings);
        cr_assert_eq(r.stats.units_decoded, 0, "%s: not rebuilt", kind);
        struct stat st;
        cr_assert_eq(lstat(saved, &st), 0);
        cr_assert(S_ISREG(st.st_mode), "%s: not replaced by a file", kind);
        free(r.dump);
    }
    char elsewhere[1100];
    snprintf(elsewhere, sizeof elsewhere, "%s.elsewhere", cache_dir);
    unlink(elsewhere);
    free(reference);
}

Test(cache, a_symbolic_link_in_the_files_place_is_not_followed) { check_replaced("symlink"); }
Test(cache, a_fifo_in_the_files_place_does_not_hang) { check_replaced("fifo"); }
Test(cache, a_directory_in_the_files_place_is_ignored) { check_replaced("directory"); }

Test(cache, a_file_owned_by_another_user_is_not_trusted)
{
    if (geteuid() != 0)
        cr_skip_test("changing a file's owner needs root");
    char *reference = reference_dump();
    const char *path = make_cache_file();
    cr_assert_eq(chown(path, 65534, 65534), 0);
    forget_warnings();
    struct outcome r = run_fixture(cache_dir);
    cr_assert_str_eq(r.dump, reference);
    cr_assert(strstr(warnings, "owned by another user"), "%s", warnings);
    cr_assert_eq(count(warnings, "symbol cache"), 1, "%s", warnings);
    free(r.dump);
    free(reference);
}

/* With the cache at DIR, the results are REFERENCE's, with one warning. */
static void assert_dir_warned_once(const char *dir)
{
    char *reference = reference_dump();
    struct outcome r = run_fixture(dir);
    cr_assert_str_eq(r.dump, reference);
    cr_assert_eq(count(warnings, "symbol cache"), 1, "%s", warnings);
    free(r.dump);
    free(reference);
}

Test(cache, a_cache_directory_that_is_a_file_is_not_used)
{
    char file[300];
    snprintf(file, sizeof file, "%s/plain-file", cache_dir);
    write_all(file, (const uint8_t *)"x", 1);
    assert_dir_warned_once(file);
}

/* Not writable by us: read-only, or (for root, who writes anywhere)
 * another user's. */
Test(cache, an_unwritable_or_foreign_cache_directory_is_warned_about_once)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/not-ours", cache_dir);
    cr_assert_eq(mkdir(dir, 0500), 0);
    if (geteuid() == 0)
        cr_assert_eq(chown(dir, 65534, 65534), 0);
    assert_dir_warned_once(dir);
}

/* ---- keys ---- */

/* c-buildid's debug file (found by build-id in a --debug-dir) installed
 * after a first run: the next run reads it, not a stale "no debug info";
 * removed again, the run after says "no debug info" again. */
Test(cache, a_debug_file_installed_later_is_used)
{
    const char *module = testdata("sym/bin/c-buildid");
    uint64_t end = file_size(module);
    char debug[300], sub[400], target[500];
    snprintf(debug, sizeof debug, "%s/debug", cache_dir);
    snprintf(sub, sizeof sub, "%s/.build-id", debug);
    mkdir(debug, 0700);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/.build-id/ab", debug);
    mkdir(sub, 0700);
    snprintf(target, sizeof target, "%s/40b8c684a7f65a0dc94c5b0f52cf3e5604a96b.debug", sub);
    char cache[300];
    snprintf(cache, sizeof cache, "%s/cache", cache_dir);

    struct outcome without = run_symbolizer(module, cache, debug, 1, end, 3, 0);
    cr_assert(strstr(warnings, "no debug info"), "%s", warnings);
    size_t n;
    uint8_t *data = read_all(testdata("sym/debug/.build-id/ab/"
                                      "40b8c684a7f65a0dc94c5b0f52cf3e5604a96b.debug"), &n);
    write_all(target, data, n);
    free(data);
    forget_warnings();
    struct outcome ref = run_symbolizer(module, NULL, debug, 1, end, 3, 0);
    forget_warnings();
    struct outcome with = run_symbolizer(module, cache, debug, 1, end, 3, 0);
    cr_assert_str_eq(with.dump, ref.dump);
    cr_assert_str_neq(with.dump, without.dump);
    cr_assert_gt(with.stats.units_decoded, 0);
    cr_assert_str_empty(warnings, "%s", warnings);
    struct outcome warm = run_symbolizer(module, cache, debug, 1, end, 3, 0);
    cr_assert_str_eq(warm.dump, ref.dump);
    cr_assert_eq(warm.stats.units_decoded, 0);

    unlink(target);
    struct outcome gone = run_symbolizer(module, cache, debug, 1, end, 3, 0);
    cr_assert_str_eq(gone.dump, without.dump);
    cr_assert(strstr(warnings, "no debug info"), "%s", warnings);
    free(without.dump);
    free(ref.dump);
    free(with.dump);
    free(warm.dump);
    free(gone.dump);
}

Test(cache, naming_options_are_part_of_the_key)
{
    const char *module = testdata("sym/bin/cxx-gcc-O2-dw5");
    uint64_t end = file_size(module);
    struct outcome short_names = run_symbolizer(module, cache_dir, NULL, 1, end, 5, 0);
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.no_system_debug_dirs = true;
    o.full_names = true;
    o.cache_dir = cache_dir;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    for (uint64_t offset = 1; offset < end; offset += 5) {
        const struct hd_sym_location *loc;
        cr_assert_eq(hd_sym_lookup(sym, module, false, offset, &loc), 0);
    }
    struct hd_sym_stats stats;
    hd_sym_get_stats(sym, &stats);
    cr_assert_eq(stats.cache_hits, 0, "full names were answered from short names' file");
    hd_sym_free(sym);
    char paths[4][1024];
    cr_assert_eq(cache_files(cache_dir, paths, 4), 2);
    free(short_names.dump);
}

/* ---- the size bound ---- */

Test(cache, the_least_recently_used_files_are_evicted_beyond_the_bound)
{
    const char *fixtures[] = {"sym/bin/c-gcc-O0-dw4-pie", "sym/bin/c-clang-O2-dw4-nopie",
                              "sym/bin/cxx-gcc-O1-dw4", FIXTURE};
    uint64_t bound = 0;
    for (size_t i = 0; i < 4; i++) {
        const char *module = testdata(fixtures[i]);
        struct outcome r = run_symbolizer(module, cache_dir, NULL, 1, file_size(module), 3,
                                          bound);
        free(r.dump);
        char paths[8][1024];
        size_t n = cache_files(cache_dir, paths, 8);
        if (i == 0) {
            /* Room for about two files of this size. */
            size_t size;
            free(read_all(paths[0], &size));
            bound = 2 * size + size / 2;
            continue;
        }
        uint64_t total = 0;
        for (size_t k = 0; k < n; k++) {
            struct stat st;
            cr_assert_eq(stat(paths[k], &st), 0);
            total += (uint64_t)st.st_size;
        }
        cr_assert_leq(total, bound, "%llu bytes in %zu files", (unsigned long long)total, n);
        cr_assert_geq(n, 1);
    }
    /* The last one written is kept: a warm run of it decodes nothing. */
    const char *module = testdata(FIXTURE);
    struct outcome r = run_symbolizer(module, cache_dir, NULL, 1, file_size(module), 3, bound);
    cr_assert_eq(r.stats.units_decoded, 0);
    free(r.dump);
}

/* debuginfod's control files: with cache_clean_interval_s 0 every write
 * cleans, and a file unused for longer than max_unused_age_s goes. */
Test(cache, files_unused_for_max_unused_age_s_are_removed)
{
    const char *old_module = testdata("sym/bin/c-gcc-O0-dw4-pie");
    struct outcome r = run_symbolizer(old_module, cache_dir, NULL, 1, file_size(old_module),
                                      7, 0);
    free(r.dump);
    char paths[4][1024], control[400];
    cr_assert_eq(cache_files(cache_dir, paths, 4), 1);
    struct timespec two_days_ago[2] = {{time(NULL) - 2 * 86400, 0},
                                       {time(NULL) - 2 * 86400, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, paths[0], two_days_ago, 0), 0);
    snprintf(control, sizeof control, "%s/cache_clean_interval_s", cache_dir);
    write_all(control, (const uint8_t *)"0\n", 2);
    snprintf(control, sizeof control, "%s/max_unused_age_s", cache_dir);
    write_all(control, (const uint8_t *)"86400\n", 6);
    r = run_fixture(cache_dir);
    free(r.dump);
    char now[4][1024];
    cr_assert_eq(cache_files(cache_dir, now, 4), 1);
    cr_assert_str_neq(now[0], paths[0], "the unused file stayed");
}

/* ---- the command line ---- */

/* Run heapdiff with its cache at DIR; LeakSanitizer's count of
 * suppressed leaks (graphviz's, tests/lsan.supp) varies from run to run
 * and would make standard error differ. */
static void set_cache_env(const char *dir)
{
    cr_assert_eq(setenv("HEAPDIFF_CACHE_DIR", dir, 1), 0);
    const char *lsan = getenv("LSAN_OPTIONS");
    char options[4096];
    snprintf(options, sizeof options, "%s%sprint_suppressions=0", lsan ? lsan : "",
             lsan && lsan[0] ? ":" : "");
    cr_assert_eq(setenv("LSAN_OPTIONS", options, 1), 0);
}

static struct hd_test_run run(const char *const *argv)
{
    struct hd_test_run r;
    hd_test_run_heapdiff(argv, &r);
    return r;
}

static void assert_same_run(const struct hd_test_run *a, const struct hd_test_run *b,
                            const char *what)
{
    cr_assert_eq(a->status, 0, "%s: %s", what, a->err);
    cr_assert_eq(b->status, 0, "%s: %s", what, b->err);
    cr_assert_eq(a->out_size, b->out_size, "%s: output sizes differ", what);
    cr_assert_eq(memcmp(a->out, b->out, a->out_size), 0, "%s: outputs differ", what);
    cr_assert_str_eq(a->err, b->err, "%s: warnings differ", what);
}

/* The output and warnings of heapdiff ARGS: with --no-cache, cold, and
 * warm, all identical; and the cache directory has files. */
static void check_cli(const char *const *args)
{
    const char *argv[16] = {"--no-cache"};
    size_t n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    struct hd_test_run off = run(argv), cold = run(args), warm = run(args);
    assert_same_run(&off, &cold, args[0]);
    assert_same_run(&cold, &warm, args[0]);
    char paths[8][1024];
    cr_assert_geq(cache_files(cache_dir, paths, 8), 1);
    hd_test_run_free(&off);
    hd_test_run_free(&cold);
    hd_test_run_free(&warm);
}

Test(cache, heapdiff_warm_text_is_identical_to_cold_and_uncached)
{
    set_cache_env(cache_dir);
    const char *args[] = {"--text", "--lines", "bin/leaky_cpp", "profiles/je-cpp-accum.4.heap",
                          NULL};
    check_cli(args);
    const char *base[] = {"--text", "--base", "profiles/tc-run1.0001.heap", "bin/leaky",
                          "profiles/tc-run1.0004.heap", NULL};
    check_cli(base);
}

Test(cache, heapdiff_warm_svg_is_identical_to_cold_and_uncached)
{
    set_cache_env(cache_dir);
    const char *args[] = {"--svg", "bin/leaky_cpp", "profiles/je-cpp-accum.4.heap", NULL};
    check_cli(args);
}

Test(cache, heapdiff_no_cache_writes_nothing)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/never", cache_dir);
    set_cache_env(dir);
    const char *argv[] = {"--no-cache", "--text", "bin/leaky_cpp",
                          "profiles/je-cpp-accum.4.heap", NULL};
    struct hd_test_run r = run(argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    struct stat st;
    cr_assert_neq(stat(dir, &st), 0, "--no-cache made %s", dir);
    hd_test_run_free(&r);
}

/* Every cache file of a run damaged: the report and the other warnings
 * stay, exit 0, one more warning per file. */
Test(cache, heapdiff_with_damaged_cache_files_reports_the_same)
{
    set_cache_env(cache_dir);
    const char *argv[] = {"--text", "--lines", "bin/leaky_cpp", "profiles/je-cpp-accum.4.heap",
                          NULL};
    struct hd_test_run cold = run(argv);
    char paths[8][1024];
    size_t n = cache_files(cache_dir, paths, 8);
    cr_assert_geq(n, 1);
    for (size_t i = 0; i < n; i++) {
        size_t size;
        uint8_t *data = read_all(paths[i], &size);
        data[size / 2] ^= 0xff;
        write_all(paths[i], data, size);
        free(data);
    }
    struct hd_test_run damaged = run(argv);
    cr_assert_eq(damaged.status, 0, "%s", damaged.err);
    cr_assert_eq(damaged.out_size, cold.out_size);
    cr_assert_eq(memcmp(damaged.out, cold.out, cold.out_size), 0);
    cr_assert_eq(count(damaged.err, "symbol cache"), n, "%s", damaged.err);
    cr_assert_eq(count(damaged.err, "heapdiff: warning:"),
                 count(cold.err, "heapdiff: warning:") + n, "%s", damaged.err);
    struct hd_test_run again = run(argv);
    assert_same_run(&cold, &again, "rebuilt");
    hd_test_run_free(&cold);
    hd_test_run_free(&damaged);
    hd_test_run_free(&again);
}
