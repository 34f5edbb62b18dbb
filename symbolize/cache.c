/* The persistent symbol cache: file format, checked reads, atomic writes
 * and eviction (see sym_cache.h).
 *
 * File layout, native byte order (the byte-order word refuses a file from
 * another kind of machine), every part at an offset the header implies:
 *   header   64 bytes (struct header)
 *   key      key_size bytes of text, padded with zeros to a multiple of 8
 *   entries  n_entries x struct entry, vaddr strictly increasing
 *   frames   n_frames x struct frame
 *   offsets  n_strings x uint32_t, each < strings_size
 *   strings  strings_size bytes, NUL-terminated strings, the last byte NUL
 * The CRC32 (zlib's) covers the header up to its crc field and everything
 * after the header. */
#include "sym_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "array.h"
#include "error.h"
#include "idtable.h"
#include "strpool.h"
#include "sym_elf.h"

#define FORMAT_VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
static const char MAGIC[8] = {'H', 'D', 'S', 'Y', 'M', 'C', '\0', '\n'};

/* debuginfod's client cache control files, same names and defaults
 * (debuginfod-client-config(7)): how often the cache is cleaned, and how
 * long a file may stay unused. */
#define CLEAN_INTERVAL_FILE "cache_clean_interval_s"
#define MAX_UNUSED_AGE_FILE "max_unused_age_s"
#define DEFAULT_CLEAN_INTERVAL_S 86400
#define DEFAULT_MAX_UNUSED_AGE_S 604800
/* A temporary file older than this was left by a run that died. */
#define STALE_TEMP_S 3600

struct header {
    char magic[8];
    uint32_t version;        /* FORMAT_VERSION */
    uint32_t byte_order;     /* BYTE_ORDER_MARK */
    uint64_t file_size;      /* the whole file, = st_size */
    uint32_t key_size;
    uint32_t n_entries;
    uint32_t n_frames;
    uint32_t n_strings;
    uint32_t strings_size;   /* 0 iff n_strings == 0 */
    uint32_t crc;
    uint32_t reserved[4];    /* zero */
};

enum { ENTRY_UNNAMED = 1 };  /* struct entry.flags */
enum { FRAME_INLINED = 1 };  /* struct frame.flags */

struct entry {
    uint64_t vaddr;
    uint32_t first_frame;    /* first_frame + n_frames <= header.n_frames */
    uint8_t n_frames;        /* 0 iff status is HD_SYM_NO_SYMBOL */
    uint8_t status;          /* HD_SYM_RESOLVED or HD_SYM_NO_SYMBOL */
    uint8_t flags;           /* ENTRY_* */
    uint8_t pad;             /* zero */
};

struct frame {
    uint32_t function;       /* 0: none, else string index + 1 */
    uint32_t file;           /* likewise */
    uint32_t line;
    uint32_t flags;          /* FRAME_* */
};

_Static_assert(sizeof(struct header) == 64, "header layout");
_Static_assert(sizeof(struct entry) == 16, "entry layout");
_Static_assert(sizeof(struct frame) == 16, "frame layout");

struct hd_sym_cache {
    char *dir;               /* as given */
    int dir_fd;              /* open O_DIRECTORY, or -1 while DIR does
                                not exist */
    uint64_t max_bytes;
    bool wrote;              /* a file was written: evict on close */
    bool write_failed;       /* a write failed (warned): no more tries */
};

/* A cache file, mapped and checked. */
struct mapped {
    const uint8_t *map;      /* NULL: none */
    size_t size;
    const struct header *h;
    const struct entry *entries;
    const struct frame *frames;
    const uint32_t *offsets;
    const char *strings;
};

/* A result found this run; strings are the symbolizer's. */
struct added {
    uint64_t vaddr;
    uint8_t status, flags;
    uint32_t n_frames;
    const struct hd_sym_frame *frames;
};

struct hd_sym_cache_module {
    char *subdir;            /* "<build-id>" or "path-<hash>" */
    char *name;              /* "sym-<hash of key>" */
    char *key;               /* the key text */
    unsigned max_frames;
    struct mapped file;      /* what the file held when opened */
    const char **interned;   /* file.h->n_strings, lazily, or NULL */
    struct added *added;     /* results found this run, not in FILE */
    size_t n_added, cap_added;
    struct hd_sym_frame *added_frames; /* copies, owned */
    size_t n_added_frames, cap_added_frames;
};

/* ---- small utilities ---- */

/* FNV-1a, 64 bits: a stable hash for file names (hd_hash_bytes is keyed
 * per process). */
static uint64_t stable_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3u;
    return h;
}

static uint64_t pad8(uint64_t n)
{
    return (n + 7) & ~(uint64_t)7;
}

static uint32_t checksum(const uint8_t *file, size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, file, (uInt)offsetof(struct header, crc));
    for (size_t at = sizeof(struct header); at < size;) {
        size_t chunk = size - at > (1u << 30) ? (1u << 30) : size - at;
        crc = crc32(crc, file + at, (uInt)chunk);
        at += chunk;
    }
    return (uint32_t)crc;
}

/* ---- the directory ---- */

bool hd_sym_cache_default_dir(char *dir, size_t size)
{
    const char *env = getenv("HEAPDIFF_CACHE_DIR");
    int n;
    if (env && env[0])
        n = snprintf(dir, size, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) && env[0] == '/')
        n = snprintf(dir, size, "%s/heapdiff", env);
    else if ((env = getenv("HOME")) && env[0] == '/')
        n = snprintf(dir, size, "%s/.cache/heapdiff", env);
    else
        return false;
    return n > 0 && (size_t)n < size;
}

/* Whether the directory open at FD is one we may trust: ours. */
static const char *untrusted_dir(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return strerror(errno);
    if (!S_ISDIR(st.st_mode))
        return "not a directory";
    if (st.st_uid != geteuid())
        return "owned by another user";
    return NULL;
}

/* Open DIR as a directory, refusing a symbolic link in its place.
 * Returns the fd, or -1 with errno set (ENOTDIR, ELOOP, ENOENT...). */
static int open_dir(const char *dir)
{
    return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

struct hd_sym_cache *hd_sym_cache_open(const char *dir, uint64_t max_bytes)
{
    if (!dir || !dir[0])
        return NULL;
    int fd = open_dir(dir);
    const char *why = fd < 0 && errno != ENOENT ? strerror(errno)
                      : fd >= 0                 ? untrusted_dir(fd)
                                                : NULL;
    if (why) {
        hd_warn("symbol cache %s is not used: %s", dir, why);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    struct hd_sym_cache *c = hd_calloc(1, sizeof *c);
    c->dir = hd_strdup(dir);
    c->dir_fd = fd;
    c->max_bytes = max_bytes ? max_bytes : HD_SYM_CACHE_DEFAULT_MAX_BYTES;
    return c;
}

/* Make DIR (and its missing parents, 0700) and open it, once; on failure
 * warn once and write nothing more.  Returns whether it is open. */
static bool make_dir(struct hd_sym_cache *c)
{
    if (c->dir_fd >= 0)
        return true;
    if (c->write_failed)
        return false;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", c->dir);
    for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            break;
        if (!slash)
            break;
        *slash = '/';
    }
    c->dir_fd = open_dir(c->dir);
    const char *why = c->dir_fd < 0 ? strerror(errno) : untrusted_dir(c->dir_fd);
    if (why) {
        hd_warn("cannot write the symbol cache %s: %s", c->dir, why);
        if (c->dir_fd >= 0)
            close(c->dir_fd);
        c->dir_fd = -1;
        c->write_failed = true;
        return false;
    }
    return true;
}

/* ---- reading ---- */

static void unmap(struct mapped *f)
{
    if (f->map)
        munmap((void *)(uintptr_t)f->map, f->size);
    memset(f, 0, sizeof *f);
}

/* Check the mapped file F against KEY and MAX_FRAMES, setting its
 * pointers.  Returns NULL when it is sound, else what is wrong. */
static const char *check(struct mapped *f, const char *key, unsigned max_frames)
{
    const struct header *h = (const struct header *)f->map;
    if (f->size < sizeof *h || memcmp(h->magic, MAGIC, sizeof MAGIC) != 0)
        return "bad magic";
    if (h->version != FORMAT_VERSION || h->byte_order != BYTE_ORDER_MARK)
        return "another version";
    if (h->file_size != f->size)
        return "truncated";
    uint64_t at = sizeof *h, key_end = at + h->key_size;
    uint64_t entries_at = pad8(key_end);
    uint64_t frames_at = entries_at + (uint64_t)h->n_entries * sizeof(struct entry);
    uint64_t offsets_at = frames_at + (uint64_t)h->n_frames * sizeof(struct frame);
    uint64_t strings_at = offsets_at + (uint64_t)h->n_strings * sizeof(uint32_t);
    if (strings_at + h->strings_size != f->size) /* u32 counts: no overflow */
        return "sizes do not add up";
    if (checksum(f->map, f->size) != h->crc)
        return "checksum mismatch";
    for (size_t i = 0; i < sizeof h->reserved / sizeof *h->reserved; i++)
        if (h->reserved[i])
            return "reserved field set";
    if (h->key_size != strlen(key) || memcmp(f->map + at, key, h->key_size) != 0)
        return "made for another file";
    for (uint64_t i = key_end; i < entries_at; i++)
        if (f->map[i])
            return "bad padding";
    f->h = h;
    f->entries = (const struct entry *)(f->map + entries_at);
    f->frames = (const struct frame *)(f->map + frames_at);
    f->offsets = (const uint32_t *)(f->map + offsets_at);
    f->strings = (const char *)(f->map + strings_at);
    if ((h->n_strings == 0) != (h->strings_size == 0) ||
        (h->strings_size && f->strings[h->strings_size - 1] != '\0'))
        return "unterminated string";
    for (uint32_t i = 0; i < h->n_strings; i++)
        if (f->offsets[i] >= h->strings_size)
            return "string offset out of range";
    for (uint32_t i = 0; i < h->n_frames; i++) {
        const struct frame *fr = &f->frames[i];
        if (fr->function > h->n_strings || fr->file > h->n_strings)
            return "string index out of range";
        if (fr->flags & ~(uint32_t)FRAME_INLINED)
            return "bad frame flags";
    }
    for (uint32_t i = 0; i < h->n_entries; i++) {
        const struct entry *e = &f->entries[i];
        if (i > 0 && e->vaddr <= f->entries[i - 1].vaddr)
            return "addresses out of order";
        if ((uint64_t)e->first_frame + e->n_frames > h->n_frames || e->n_frames > max_frames)
            return "frame index out of range";
        bool resolved = e->status == HD_SYM_RESOLVED;
        if ((!resolved && e->status != HD_SYM_NO_SYMBOL) || resolved != (e->n_frames > 0))
            return "bad status";
        if ((e->flags & ~ENTRY_UNNAMED) || e->pad ||
            ((e->flags & ENTRY_UNNAMED) && (!resolved || !f->frames[e->first_frame].function)))
            return "bad entry flags";
    }
    return NULL;
}

/* Map and check the file DIR_FD/SUBDIR/NAME into F.  A missing file is
 * silently no file; anything else wrong is warned about (once per file
 * and reason) and is no file either.  Returns whether F holds one. */
static bool read_file(int dir_fd, const char *dir, const char *subdir, const char *name,
                      const char *key, unsigned max_frames, uint64_t max_bytes,
                      struct mapped *f)
{
    memset(f, 0, sizeof *f);
    if (dir_fd < 0)
        return false;
    const char *why = NULL;
    struct stat st;
    int fd = -1;
    int sub = openat(dir_fd, subdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0 && errno == ENOENT)
        return false;
    if (sub < 0 || (why = untrusted_dir(sub)))
        goto bad;
    /* O_NONBLOCK: a FIFO put in the file's place must not hang the open. */
    fd = openat(sub, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        close(sub);
        return false;
    }
    if (fd < 0 || fstat(fd, &st) != 0)
        goto bad;
    if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    else if (st.st_uid != geteuid())
        why = "owned by another user";
    else if ((uint64_t)st.st_size > max_bytes)
        why = "larger than the cache's bound";
    else if (st.st_size < (off_t)sizeof(struct header))
        why = "truncated";
    if (why)
        goto bad;
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        goto bad;
    f->map = map;
    f->size = (size_t)st.st_size;
    why = check(f, key, max_frames);
    if (why) {
        unmap(f);
        goto bad;
    }
    close(fd);
    close(sub);
    return true;
bad:
    hd_warn("symbol cache %s/%s/%s ignored (%s); it is made again", dir, subdir, name,
            why ? why : strerror(errno));
    if (fd >= 0)
        close(fd);
    if (sub >= 0)
        close(sub);
    return false;
}

/* ---- the key ---- */

/* Append FILE's identity to KEY (SIZE bytes) as "WHAT size mtime inode
 * device", or "WHAT none".  Returns false when FILE cannot be stat'ed. */
static bool add_identity(char *key, size_t size, const char *what,
                         const struct hd_sym_elf *file)
{
    size_t len = strlen(key);
    if (!file) {
        snprintf(key + len, size - len, "%s none\n", what);
        return true;
    }
    struct stat st;
    if (stat(file->path, &st) != 0)
        return false;
    snprintf(key + len, size - len, "%s %lld %lld.%09ld %llu %llu\n", what,
             (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             (unsigned long long)st.st_ino, (unsigned long long)st.st_dev);
    return true;
}

struct hd_sym_cache_module *hd_sym_cache_module_open(struct hd_sym_cache *c,
                                                     const struct hd_sym_elf *elf,
                                                     const struct hd_sym_elf *debug,
                                                     const struct hd_sym_elf *alt,
                                                     const struct hd_sym_options *options,
                                                     unsigned max_frames)
{
    if (!c)
        return NULL;
    char build_id[2 * sizeof elf->build_id + 1] = "";
    for (size_t i = 0; i < elf->build_id_size; i++)
        snprintf(build_id + 2 * i, 3, "%02x", elf->build_id[i]);
    char key[3 * PATH_MAX];
    int n = snprintf(key, sizeof key,
                     "heapdiff symbol cache %u\nbuild-id %s\npath %s\ndemangle %d "
                     "full-names %d max-frames %u\n",
                     FORMAT_VERSION, build_id[0] ? build_id : "none",
                     build_id[0] ? "-" : elf->path, options->demangle, options->full_names,
                     max_frames);
    if (n < 0 || (size_t)n >= sizeof key / 2 || !add_identity(key, sizeof key, "module", elf) ||
        !add_identity(key, sizeof key, "debug", debug) ||
        !add_identity(key, sizeof key, "alt", alt))
        return NULL;
    struct hd_sym_cache_module *m = hd_calloc(1, sizeof *m);
    char name[64];
    if (build_id[0]) {
        m->subdir = hd_strdup(build_id);
    } else {
        snprintf(name, sizeof name, "path-%016" PRIx64, stable_hash(elf->path));
        m->subdir = hd_strdup(name);
    }
    snprintf(name, sizeof name, "sym-%016" PRIx64, stable_hash(key));
    m->name = hd_strdup(name);
    m->key = hd_strdup(key);
    m->max_frames = max_frames;
    read_file(c->dir_fd, c->dir, m->subdir, m->name, m->key, max_frames, c->max_bytes,
              &m->file);
    return m;
}

bool hd_sym_cache_module_loaded(const struct hd_sym_cache_module *m)
{
    return m && m->file.h && m->file.h->n_entries > 0;
}

void hd_sym_cache_module_free(struct hd_sym_cache_module *m)
{
    if (!m)
        return;
    unmap(&m->file);
    free(m->interned);
    free(m->added);
    free(m->added_frames);
    free(m->key);
    free(m->name);
    free(m->subdir);
    free(m);
}

/* ---- lookups ---- */

/* String REF (0: none, else index + 1) of F. */
static const char *string_at(const struct mapped *f, uint32_t ref)
{
    return ref ? f->strings + f->offsets[ref - 1] : NULL;
}

bool hd_sym_cache_module_find(struct hd_sym_cache_module *m, uint64_t vaddr,
                              hd_sym_cache_intern_fn *intern, void *context,
                              enum hd_sym_status *status, struct hd_sym_frame *frames,
                              uint32_t max, uint32_t *n_frames, bool *unnamed)
{
    const struct mapped *f = &m->file;
    if (!f->h)
        return false;
    size_t low = 0, high = f->h->n_entries;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (f->entries[mid].vaddr < vaddr)
            low = mid + 1;
        else
            high = mid;
    }
    if (low == f->h->n_entries || f->entries[low].vaddr != vaddr)
        return false;
    const struct entry *e = &f->entries[low];
    if (e->n_frames > max)
        return false;
    if (!m->interned)
        m->interned = hd_calloc(f->h->n_strings + 1, sizeof *m->interned);
    for (uint32_t i = 0; i < e->n_frames; i++) {
        const struct frame *fr = &f->frames[e->first_frame + i];
        const char *s[2] = {NULL, NULL};
        uint32_t refs[2] = {fr->function, fr->file};
        for (int k = 0; k < 2; k++) {
            if (!refs[k])
                continue;
            if (!m->interned[refs[k]])
                m->interned[refs[k]] = intern(context, string_at(f, refs[k]));
            s[k] = m->interned[refs[k]];
        }
        frames[i] = (struct hd_sym_frame){.function = s[0], .file = s[1], .line = fr->line,
                                          .inlined = fr->flags & FRAME_INLINED};
    }
    *status = (enum hd_sym_status)e->status;
    *n_frames = e->n_frames;
    *unnamed = e->flags & ENTRY_UNNAMED;
    return true;
}

void hd_sym_cache_module_add(struct hd_sym_cache_module *m, uint64_t vaddr,
                             enum hd_sym_status status, const struct hd_sym_frame *frames,
                             uint32_t n, bool unnamed)
{
    if (!m || n > m->max_frames || n > UINT8_MAX ||
        (status != HD_SYM_RESOLVED && status != HD_SYM_NO_SYMBOL))
        return;
    HD_ARRAY_RESERVE(m->added_frames, m->cap_added_frames, m->n_added_frames + n);
    if (n)
        memcpy(m->added_frames + m->n_added_frames, frames, n * sizeof *frames);
    HD_ARRAY_RESERVE(m->added, m->cap_added, m->n_added + 1);
    /* FRAMES holds an offset into ADDED_FRAMES until the save, which may
     * have grown since. */
    m->added[m->n_added++] = (struct added){vaddr, (uint8_t)status,
                                            unnamed ? ENTRY_UNNAMED : 0, n,
                                            (const struct hd_sym_frame *)(uintptr_t)
                                                m->n_added_frames};
    m->n_added_frames += n;
}

/* ---- writing ---- */

/* S's reference (0: NULL, else index + 1) among the strings of a file
 * being written, adding it (SET keeps the caller's pointers). */
static uint32_t string_ref(struct hd_strpool *set, const char *s)
{
    return s ? hd_strpool_id(set, s) + 1 : 0;
}

/* One entry of the merged file, from the old file or from this run. */
struct merged {
    uint64_t vaddr;
    const struct entry *old; /* in the old file, or NULL */
    const struct added *new; /* or this run's */
};

static int compare_added(const void *a, const void *b)
{
    const struct added *x = a, *y = b;
    return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

/* The file image of OLD's entries (OLD may hold none) merged with M's
 * additions, into *SIZE bytes (malloc'ed), or NULL when it would not fit
 * the format or the bound MAX_BYTES. */
static uint8_t *build_image(const struct hd_sym_cache_module *m, const struct mapped *old,
                            uint64_t max_bytes, size_t *size)
{
    size_t n_old = old->h ? old->h->n_entries : 0;
    struct merged *list = hd_malloc(n_old + m->n_added + 1, sizeof *list);
    size_t n = 0, i = 0, j = 0;
    while (i < n_old || j < m->n_added) {
        uint64_t a = i < n_old ? old->entries[i].vaddr : UINT64_MAX;
        uint64_t b = j < m->n_added ? m->added[j].vaddr : UINT64_MAX;
        if (i < n_old && (j == m->n_added || a <= b)) {
            list[n++] = (struct merged){a, &old->entries[i++], NULL};
            if (a == b)
                j++; /* found twice: the old file's answer stands */
        } else {
            list[n++] = (struct merged){b, NULL, &m->added[j++]};
        }
    }
    struct hd_strpool set;
    hd_strpool_init(&set, NULL);
    uint64_t n_frames = 0;
    for (size_t k = 0; k < n; k++)
        n_frames += list[k].old ? list[k].old->n_frames : list[k].new->n_frames;
    struct frame *frames = hd_malloc(n_frames + 1, sizeof *frames);
    struct entry *entries = hd_malloc(n + 1, sizeof *entries);
    uint32_t at = 0;
    for (size_t k = 0; k < n; k++) {
        const struct entry *e = list[k].old;
        const struct added *a = list[k].new;
        uint32_t count = e ? e->n_frames : a->n_frames;
        entries[k] = (struct entry){list[k].vaddr, at, (uint8_t)count,
                                    e ? e->status : a->status, e ? e->flags : a->flags, 0};
        for (uint32_t f = 0; f < count; f++, at++) {
            if (e) {
                const struct frame *fr = &old->frames[e->first_frame + f];
                frames[at] = (struct frame){string_ref(&set, string_at(old, fr->function)),
                                            string_ref(&set, string_at(old, fr->file)),
                                            fr->line, fr->flags};
            } else {
                const struct hd_sym_frame *fr =
                    &m->added_frames[(uintptr_t)a->frames + f];
                frames[at] = (struct frame){string_ref(&set, fr->function),
                                            string_ref(&set, fr->file), fr->line,
                                            fr->inlined ? FRAME_INLINED : 0};
            }
        }
    }
    uint64_t key_size = strlen(m->key);
    uint64_t entries_at = pad8(sizeof(struct header) + key_size);
    uint64_t frames_at = entries_at + n * sizeof *entries;
    uint64_t offsets_at = frames_at + n_frames * sizeof *frames;
    uint64_t strings_at = offsets_at + set.n * sizeof(uint32_t);
    uint64_t total = strings_at + set.bytes;
    uint8_t *image = NULL;
    if (total <= max_bytes && n <= UINT32_MAX && n_frames <= UINT32_MAX &&
        set.bytes <= UINT32_MAX) {
        image = hd_calloc(total, 1);
        struct header h = {.version = FORMAT_VERSION, .byte_order = BYTE_ORDER_MARK,
                           .file_size = total, .key_size = (uint32_t)key_size,
                           .n_entries = (uint32_t)n, .n_frames = (uint32_t)n_frames,
                           .n_strings = (uint32_t)set.n, .strings_size = (uint32_t)set.bytes};
        memcpy(h.magic, MAGIC, sizeof MAGIC);
        memcpy(image + sizeof h, m->key, key_size);
        memcpy(image + entries_at, entries, n * sizeof *entries);
        memcpy(image + frames_at, frames, n_frames * sizeof *frames);
        uint32_t offset = 0;
        for (size_t k = 0; k < set.n; k++) {
            size_t len = strlen(set.strings[k]) + 1;
            memcpy(image + offsets_at + k * sizeof offset, &offset, sizeof offset);
            memcpy(image + strings_at + offset, set.strings[k], len);
            offset += (uint32_t)len;
        }
        memcpy(image, &h, sizeof h);
        h.crc = checksum(image, total);
        memcpy(image, &h, sizeof h);
        *size = total;
    }
    hd_strpool_free(&set);
    free(frames);
    free(entries);
    free(list);
    return image;
}

/* Write SIZE bytes of IMAGE as SUB_FD/NAME, atomically: a new file of our
 * own (O_EXCL, 0600) renamed over NAME.  Returns 0, or an errno. */
static int write_atomically(int sub_fd, const char *name, const uint8_t *image, size_t size)
{
    static unsigned counter;
    char temp[128];
    snprintf(temp, sizeof temp, ".tmp-%ld-%u-%s", (long)getpid(), counter++, name);
    int fd = openat(sub_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    int error = 0;
    for (size_t at = 0; at < size && !error;) {
        ssize_t n = write(fd, image + at, size - at);
        if (n < 0 && errno != EINTR)
            error = errno;
        else if (n > 0)
            at += (size_t)n;
    }
    if (close(fd) != 0 && !error)
        error = errno;
    if (!error && renameat(sub_fd, temp, sub_fd, name) != 0) {
        error = errno;
        /* An empty directory in the file's place (warned about when
         * read) gives way; a full one stays, and so does the error. */
        if ((error == EISDIR || error == ENOTEMPTY) &&
            unlinkat(sub_fd, name, AT_REMOVEDIR) == 0 &&
            renameat(sub_fd, temp, sub_fd, name) == 0)
            error = 0;
    }
    if (error)
        unlinkat(sub_fd, temp, 0);
    return error;
}

void hd_sym_cache_module_save(struct hd_sym_cache *c, struct hd_sym_cache_module *m)
{
    if (!c || !m)
        return;
    if (m->n_added == 0) {
        /* Nothing new: mark the file used, for eviction by age. */
        if (m->file.h && c->dir_fd >= 0) {
            char path[256];
            snprintf(path, sizeof path, "%s/%s", m->subdir, m->name);
            utimensat(c->dir_fd, path, NULL, AT_SYMLINK_NOFOLLOW);
        }
        return;
    }
    if (!make_dir(c))
        return;
    if (mkdirat(c->dir_fd, m->subdir, 0700) != 0 && errno != EEXIST)
        goto fail;
    int sub = openat(c->dir_fd, m->subdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
        goto fail;
    if (untrusted_dir(sub)) {
        close(sub);
        errno = EPERM;
        goto fail;
    }
    qsort(m->added, m->n_added, sizeof *m->added, compare_added);
    struct mapped now;
    read_file(c->dir_fd, c->dir, m->subdir, m->name, m->key, m->max_frames, c->max_bytes,
              &now);
    size_t size = 0;
    uint8_t *image = build_image(m, &now, c->max_bytes, &size);
    unmap(&now);
    int error = image ? write_atomically(sub, m->name, image, size) : 0;
    free(image);
    close(sub);
    m->n_added = m->n_added_frames = 0;
    if (error) {
        errno = error;
        goto fail;
    }
    c->wrote = c->wrote || size > 0;
    return;
fail:
    if (!c->write_failed)
        hd_warn("cannot write the symbol cache %s: %s", c->dir, strerror(errno));
    c->write_failed = true;
}

/* ---- eviction ---- */

struct cached_file {
    int sub_fd;             /* index into the open subdirectories */
    char name[64];
    uint64_t bytes;
    struct timespec used;   /* mtime: written or last found useful */
};

static int compare_used(const void *a, const void *b)
{
    const struct cached_file *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return (x->used.tv_sec > y->used.tv_sec) - (x->used.tv_sec < y->used.tv_sec);
    return (x->used.tv_nsec > y->used.tv_nsec) - (x->used.tv_nsec < y->used.tv_nsec);
}

/* The number in control file NAME of the cache, written with FALLBACK
 * when missing; *MTIME (may be NULL) its modification time. */
static long control_value(int dir_fd, const char *name, long fallback, time_t *mtime)
{
    time_t ignored;
    mtime = mtime ? mtime : &ignored;
    *mtime = 0;
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            char text[32];
            int n = snprintf(text, sizeof text, "%ld\n", fallback);
            if (write(fd, text, (size_t)n) != n)
                unlinkat(dir_fd, name, 0);
            *mtime = time(NULL);
            close(fd);
        }
        return fallback;
    }
    char text[32] = "";
    struct stat st;
    long value = fallback;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        *mtime = st.st_mtim.tv_sec;
        ssize_t n = read(fd, text, sizeof text - 1);
        char *end;
        long v = n > 0 ? strtol(text, &end, 10) : -1;
        if (n > 0 && end != text && v >= 0)
            value = v;
    }
    close(fd);
    return value;
}

/* Remove the least recently used cache files beyond C's bound and, when
 * the clean interval has passed, those unused for longer than the maximum
 * age; and temporary files left by runs that died. */
static void evict(struct hd_sym_cache *c)
{
    time_t now = time(NULL), cleaned;
    long interval = control_value(c->dir_fd, CLEAN_INTERVAL_FILE, DEFAULT_CLEAN_INTERVAL_S,
                                  &cleaned);
    long max_age = control_value(c->dir_fd, MAX_UNUSED_AGE_FILE, DEFAULT_MAX_UNUSED_AGE_S,
                                 NULL);
    bool by_age = now - cleaned >= interval;
    if (by_age)
        utimensat(c->dir_fd, CLEAN_INTERVAL_FILE, NULL, AT_SYMLINK_NOFOLLOW);
    int top_fd = dup(c->dir_fd);
    DIR *top = top_fd >= 0 ? fdopendir(top_fd) : NULL;
    if (!top) {
        if (top_fd >= 0)
            close(top_fd);
        return;
    }
    int *subs = NULL;
    size_t n_subs = 0, cap_subs = 0;
    struct cached_file *files = NULL;
    size_t n_files = 0, cap_files = 0;
    uint64_t total = 0;
    struct dirent *d;
    while ((d = readdir(top))) {
        if (d->d_name[0] == '.')
            continue;
        int sub = openat(c->dir_fd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0)
            continue;
        DIR *dir = untrusted_dir(sub) ? NULL : fdopendir(sub);
        if (!dir) {
            close(sub);
            continue;
        }
        HD_ARRAY_RESERVE(subs, cap_subs, n_subs + 1);
        subs[n_subs] = dup(sub);
        struct dirent *e;
        while ((e = readdir(dir))) {
            struct stat st;
            bool temp = strncmp(e->d_name, ".tmp-", 5) == 0;
            if ((!temp && strncmp(e->d_name, "sym-", 4) != 0) || strlen(e->d_name) >= 64 ||
                fstatat(sub, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            if (temp) {
                if (now - st.st_mtim.tv_sec > STALE_TEMP_S)
                    unlinkat(sub, e->d_name, 0);
                continue;
            }
            if (by_age && now - st.st_mtim.tv_sec > max_age) {
                unlinkat(sub, e->d_name, 0);
                continue;
            }
            HD_ARRAY_RESERVE(files, cap_files, n_files + 1);
            struct cached_file *f = &files[n_files++];
            f->sub_fd = (int)n_subs;
            memcpy(f->name, e->d_name, strlen(e->d_name) + 1); /* < 64 */
            f->bytes = (uint64_t)st.st_size;
            f->used = st.st_mtim;
            total += f->bytes;
        }
        closedir(dir);
        n_subs++;
    }
    closedir(top);
    if (total > c->max_bytes) {
        qsort(files, n_files, sizeof *files, compare_used);
        for (size_t i = 0; i < n_files && total > c->max_bytes; i++)
            if (unlinkat(subs[files[i].sub_fd], files[i].name, 0) == 0)
                total -= files[i].bytes;
    }
    free(files);
    /* Directories left empty go too (rmdir fails on the others). */
    int top_again = dup(c->dir_fd);
    DIR *again = top_again >= 0 ? fdopendir(top_again) : NULL;
    while (again && (d = readdir(again)))
        if (d->d_name[0] != '.')
            unlinkat(c->dir_fd, d->d_name, AT_REMOVEDIR);
    if (again)
        closedir(again);
    else if (top_again >= 0)
        close(top_again);
    for (size_t i = 0; i < n_subs; i++)
        close(subs[i]);
    free(subs);
}

void hd_sym_cache_close(struct hd_sym_cache *c)
{
    if (!c)
        return;
    if (c->wrote && c->dir_fd >= 0)
        evict(c);
    if (c->dir_fd >= 0)
        close(c->dir_fd);
    free(c->dir);
    free(c);
}
