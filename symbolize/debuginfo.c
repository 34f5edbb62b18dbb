/* Finding separate debug files (see sym_debuginfo.h). */
#include "sym_debuginfo.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "sym_elf.h"

uint32_t hd_sym_debuglink_crc(const uint8_t *data, size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        uInt chunk = size > (1u << 30) ? (1u << 30) : (uInt)size;
        crc = crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return (uint32_t)crc;
}

/* Whether snprintf's result N fit a buffer of SIZE bytes. */
static bool fits(int n, size_t size)
{
    return n >= 0 && (size_t)n < size;
}

static void note_tried(char *tried, size_t tried_size, const char *path)
{
    size_t len = strlen(tried);
    if (len + 1 >= tried_size)
        return;
    snprintf(tried + len, tried_size - len, "%s%s", len ? ", " : "", path);
}

static bool same_build_id(const struct hd_sym_elf *elf, const uint8_t *id, size_t n)
{
    return elf->build_id_size == n && memcmp(elf->build_id, id, n) == 0;
}

/* Open DIR/.build-id/xx/rest.debug for build-id ID when it carries ID. */
static struct hd_sym_elf *open_by_build_id(const char *dir, const uint8_t *id,
                                           size_t n, char *tried, size_t tried_size)
{
    if (n < 2)
        return NULL;
    char hex[2 * 64 + 1];
    for (size_t i = 0; i < n && i < 64; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/.build-id/%.2s/%s.debug", dir, hex, hex + 2) >=
        (int)sizeof path)
        return NULL;
    note_tried(tried, tried_size, path);
    struct hd_sym_elf *found;
    if (hd_sym_elf_open(path, &found, NULL) != 0)
        return NULL;
    if (!same_build_id(found, id, n)) {
        hd_sym_elf_close(found);
        return NULL;
    }
    return found;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The directory of PATH, resolved through symlinks when possible. */
static void object_dir(const char *path, char *dir, size_t size)
{
    char real[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    const char *slash = strrchr(p, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == p)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - p), p);
}

static struct hd_sym_elf *open_debuglink(const struct hd_sym_elf *elf,
                                         const char *path, char *tried,
                                         size_t tried_size)
{
    note_tried(tried, tried_size, path);
    if (same_file(path, elf->path))
        return NULL;
    struct hd_sym_elf *found;
    if (hd_sym_elf_open(path, &found, NULL) != 0)
        return NULL;
    if (hd_sym_debuglink_crc(found->map, found->map_size) != elf->debuglink_crc) {
        hd_sym_elf_close(found);
        return NULL;
    }
    return found;
}

struct hd_sym_elf *hd_sym_find_debug_file(const struct hd_sym_elf *elf,
                                          const struct hd_sym_debug_dirs *dirs,
                                          char *tried, size_t tried_size)
{
    struct hd_sym_elf *found = NULL;
    if (elf->build_id_size)
        for (size_t i = 0; i < dirs->n && !found; i++)
            found = open_by_build_id(dirs->dirs[i], elf->build_id,
                                     elf->build_id_size, tried, tried_size);
    if (found || !elf->debuglink || strchr(elf->debuglink, '/'))
        return found;
    char dir[PATH_MAX], path[PATH_MAX];
    object_dir(elf->path, dir, sizeof dir);
    const char *name = elf->debuglink;
    const char *sep = strcmp(dir, "/") == 0 ? "" : "/";
    if (fits(snprintf(path, sizeof path, "%s%s%s", dir, sep, name), sizeof path) &&
        (found = open_debuglink(elf, path, tried, tried_size)))
        return found;
    if (fits(snprintf(path, sizeof path, "%s%s.debug/%s", dir, sep, name), sizeof path) &&
        (found = open_debuglink(elf, path, tried, tried_size)))
        return found;
    for (size_t i = 0; i < dirs->n; i++) {
        if (fits(snprintf(path, sizeof path, "%s%s%s%s", dirs->dirs[i], dir, sep, name),
                 sizeof path) &&
            (found = open_debuglink(elf, path, tried, tried_size)))
            return found;
        if (fits(snprintf(path, sizeof path, "%s/%s", dirs->dirs[i], name), sizeof path) &&
            (found = open_debuglink(elf, path, tried, tried_size)))
            return found;
    }
    return NULL;
}

/* Parse DWARF 5's .debug_sup (DWARF 5 §7.3.6): version (2 bytes),
 * is_supplementary (1), filename (NUL-terminated), checksum_len (ULEB128),
 * checksum.  A file that uses a supplementary file names it and carries
 * its checksum; the supplementary file carries the same checksum with
 * is_supplementary set.  Returns false when ELF has no usable .debug_sup. */
static bool read_debug_sup(struct hd_sym_elf *elf, bool *is_sup, const char **name,
                           size_t *name_len, const uint8_t **sum, size_t *sum_size)
{
    const uint8_t *p;
    size_t size;
    if (hd_sym_elf_section(elf, ".debug_sup", &p, &size, NULL) != 1 || size < 4)
        return false;
    *is_sup = p[2] != 0;
    const uint8_t *end = p + size, *s = p + 3;
    const uint8_t *nul = memchr(s, '\0', (size_t)(end - s));
    if (!nul)
        return false;
    *name = (const char *)s;
    *name_len = (size_t)(nul - s);
    uint64_t len = 0;
    unsigned shift = 0;
    const uint8_t *q = nul + 1;
    while (q < end && shift < 64) {
        len |= (uint64_t)(*q & 0x7f) << shift;
        shift += 7;
        if (!(*q++ & 0x80))
            break;
    }
    if (len > (uint64_t)(end - q))
        return false;
    *sum = q;
    *sum_size = (size_t)len;
    return true;
}

/* The name of DEBUG's supplementary file and the identity it must have:
 * from .gnu_debugaltlink (name + build-id) or .debug_sup (name +
 * checksum).  Returns false when DEBUG names none. */
static bool alt_link(struct hd_sym_elf *debug, const char **name, size_t *name_len,
                     const uint8_t **id, size_t *id_size, bool *by_sup)
{
    *by_sup = false;
    if (debug->altlink) {
        *name = debug->altlink;
        *name_len = strlen(debug->altlink);
        *id = debug->alt_build_id;
        *id_size = debug->alt_build_id_size;
        return true;
    }
    bool is_sup;
    if (!read_debug_sup(debug, &is_sup, name, name_len, id, id_size) || is_sup ||
        *name_len == 0)
        return false;
    *by_sup = true;
    return true;
}

/* Whether FOUND is the supplementary file with identity ID. */
static bool is_alt_file(struct hd_sym_elf *found, const uint8_t *id, size_t id_size,
                        bool by_sup)
{
    if (id_size == 0)
        return true;
    if (by_sup) {
        bool is_sup;
        const char *name;
        size_t name_len, sum_size;
        const uint8_t *sum;
        if (read_debug_sup(found, &is_sup, &name, &name_len, &sum, &sum_size) &&
            is_sup)
            return sum_size == id_size && memcmp(sum, id, id_size) == 0;
    }
    return same_build_id(found, id, id_size);
}

int hd_sym_has_alt_link(struct hd_sym_elf *debug)
{
    const char *name;
    size_t name_len, id_size;
    const uint8_t *id;
    bool by_sup;
    return alt_link(debug, &name, &name_len, &id, &id_size, &by_sup);
}

struct hd_sym_elf *hd_sym_find_alt_file(struct hd_sym_elf *debug,
                                        const struct hd_sym_debug_dirs *dirs,
                                        char *tried, size_t tried_size)
{
    const char *name;
    size_t name_len, id_size;
    const uint8_t *id;
    bool by_sup;
    if (!alt_link(debug, &name, &name_len, &id, &id_size, &by_sup))
        return NULL;
    char path[PATH_MAX];
    bool ok;
    if (name[0] == '/') {
        ok = fits(snprintf(path, sizeof path, "%.*s", (int)name_len, name), sizeof path);
    } else {
        char dir[PATH_MAX];
        object_dir(debug->path, dir, sizeof dir);
        ok = fits(snprintf(path, sizeof path, "%s/%.*s", dir, (int)name_len, name),
                  sizeof path);
    }
    if (ok)
        note_tried(tried, tried_size, path);
    struct hd_sym_elf *found;
    if (ok && hd_sym_elf_open(path, &found, NULL) == 0) {
        if (is_alt_file(found, id, id_size, by_sup))
            return found;
        hd_sym_elf_close(found);
    }
    for (size_t i = 0; i < dirs->n && id_size; i++)
        if ((found = open_by_build_id(dirs->dirs[i], id, id_size, tried, tried_size)))
            return found;
    return NULL;
}
