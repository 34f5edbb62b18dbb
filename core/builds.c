/* Comparing two builds (see builds.h). */
#include "builds.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "array.h"
#include "file.h"
#include "path.h"

void hd_build_describe(struct hd_build *build, struct hd_symbolizer *sym,
                       const struct hd_model *model, uint32_t main)
{
    memset(build, 0, sizeof *build);
    if (main == HD_NO_MAPPING)
        return;
    const struct hd_mapping *map = &model->mappings[main];
    snprintf(build->program, sizeof build->program, "%s", map->path);
    const char *file = sym ? hd_sym_module_file(sym, map->path, true) : NULL;
    snprintf(build->file, sizeof build->file, "%s", file ? file : "");
    if (map->build_id && map->build_id[0])
        snprintf(build->build_id, sizeof build->build_id, "%s", map->build_id);
    else if (sym && !hd_sym_module_build_id(sym, map->path, true, build->build_id,
                                            sizeof build->build_id))
        build->build_id[0] = '\0';
}

/* Whether the files at A and B hold the same bytes: the same file, or
 * equal sizes and contents.  -1 when either cannot be read. */
static int same_bytes(const char *a, const char *b)
{
    struct stat sa, sb;
    int fa = hd_file_open_regular(a, &sa);
    int fb = fa < 0 ? -1 : hd_file_open_regular(b, &sb);
    int result = -1;
    if (fa >= 0 && fb >= 0) {
        if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
            result = 1;
        else if (sa.st_size != sb.st_size)
            result = 0;
        else {
            char ba[65536], bb[sizeof ba];
            result = 1;
            for (;;) {
                ssize_t na = read(fa, ba, sizeof ba), nb = read(fb, bb, sizeof bb);
                if (na < 0 || nb < 0) {
                    result = -1;
                    break;
                }
                if (na != nb || memcmp(ba, bb, (size_t)na) != 0) {
                    result = 0;
                    break;
                }
                if (na == 0)
                    break;
            }
        }
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return result;
}

enum hd_build_match hd_builds_compare(const struct hd_build *a, const struct hd_build *b)
{
    if (a->build_id[0] && b->build_id[0])
        return strcmp(a->build_id, b->build_id) == 0 ? HD_BUILDS_SAME : HD_BUILDS_DIFFERENT;
    if (!a->file[0] || !b->file[0])
        return HD_BUILDS_UNKNOWN;
    switch (same_bytes(a->file, b->file)) {
    case 1:
        return HD_BUILDS_SAME;
    case 0:
        return HD_BUILDS_DIFFERENT;
    default:
        return HD_BUILDS_UNKNOWN;
    }
}

void hd_builds_note(char *text, size_t size, const struct hd_build *base,
                    const struct hd_build *current, enum hd_granularity granularity)
{
    const char *program = current->program[0] ? current->program
                          : base->program[0]   ? base->program
                          : current->file[0]   ? current->file
                                               : base->file;
    char how[200];
    if (base->build_id[0] && current->build_id[0])
        snprintf(how, sizeof how, "build-ids %.8s.. and %.8s..", base->build_id,
                 current->build_id);
    else
        snprintf(how, sizeof how, "%s and %s differ", hd_path_base(base->file),
                 hd_path_base(current->file));
    const char *matched = granularity == HD_GRANULARITY_LINES   ? "matched by function and line"
                          : granularity == HD_GRANULARITY_FILES ? "matched by source file"
                          : granularity == HD_GRANULARITY_ADDRESSES
                              ? "not matched (addresses differ)"
                              : "matched by function";
    snprintf(text, size, "Base and current are different builds of %s (%s): stacks %s",
             hd_path_base(program), how, matched);
}

/* ---- return addresses ---- */

/* Whether the bytes BEFORE[0..7), the 7 bytes that end at a return
 * address, end with an x86-64 call: E8 rel32, or FF /2 (an indirect call)
 * in each length its ModRM, SIB and displacement give it (Intel SDM vol.
 * 2, "CALL"; a REX prefix comes before FF and changes no length). */
static bool follows_call(const unsigned char before[7])
{
    const unsigned char *end = before + 7;
    if (end[-5] == 0xe8)
        return true; /* call rel32 */
    unsigned char m;
    m = end[-1];
    if (end[-2] == 0xff && ((m & 0xf8) == 0xd0 || ((m & 0xf8) == 0x10 && (m & 7) != 4 &&
                                                   (m & 7) != 5)))
        return true; /* call *%reg, call *(%reg) */
    m = end[-2];
    if (end[-3] == 0xff && (m == 0x14 || ((m & 0xf8) == 0x50 && (m & 7) != 4)))
        return true; /* call *(sib), call *disp8(%reg) */
    if (end[-4] == 0xff && end[-3] == 0x54)
        return true; /* call *disp8(sib) */
    m = end[-5];
    if (end[-6] == 0xff && (m == 0x15 || ((m & 0xf8) == 0x90 && (m & 7) != 4)))
        return true; /* call *disp32(%rip), call *disp32(%reg) */
    if (end[-7] == 0xff && end[-6] == 0x94)
        return true; /* call *disp32(sib) */
    return false;
}

bool hd_builds_count_call_sites(const char *file, const struct hd_model *model,
                                const char *identity, size_t *checked, size_t *after_call)
{
    *checked = *after_call = 0;
    struct stat st;
    int fd = hd_file_open_regular(file, &st);
    if (fd < 0)
        return false;
    size_t size = (size_t)st.st_size;
    const unsigned char *bytes =
        size < 64 ? MAP_FAILED : mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (bytes == MAP_FAILED)
        return false;
    /* ELFCLASS64, EM_X86_64 (62), little-endian. */
    bool x86_64 = memcmp(bytes, "\177ELF", 4) == 0 && bytes[4] == 2 && bytes[5] == 1 &&
                  bytes[18] == 62 && bytes[19] == 0;
    for (size_t i = 0; x86_64 && i < model->n_locations; i++) {
        const struct hd_location *l = &model->locations[i];
        /* Frames the input named are never named from the binary. */
        if (l->mapping == HD_NO_MAPPING || model->mappings[l->mapping].identity != identity ||
            l->origin == HD_ORIGIN_INPUT)
            continue;
        (*checked)++;
        if (l->offset >= 7 && l->offset <= size && follows_call(bytes + l->offset - 7))
            (*after_call)++;
    }
    munmap((void *)bytes, size);
    return x86_64;
}

/* ---- matching stacks by frames ---- */

/* A location and the text it is matched by. */
struct keyed {
    char *key;
    bool other_build;
    uint32_t id;
};

/* The text location L is matched by at GRANULARITY, malloc'd; NULL when
 * it has no frames or a frame no name at that granularity. */
static char *match_key(const struct hd_location *l, enum hd_granularity granularity)
{
    if (l->n_frames == 0 || granularity == HD_GRANULARITY_ADDRESSES)
        return NULL;
    size_t size = 1;
    for (uint32_t f = 0; f < l->n_frames; f++) {
        const struct hd_frame *frame = &l->frames[f];
        if (granularity == HD_GRANULARITY_FILES ? !frame->file : !frame->function)
            return NULL;
        size += (frame->function ? strlen(frame->function) : 0) +
                (frame->file ? strlen(frame->file) : 0) + 16;
    }
    char *key = hd_malloc(size, 1);
    size_t n = 0;
    for (uint32_t f = 0; f < l->n_frames; f++) {
        const struct hd_frame *frame = &l->frames[f];
        if (granularity == HD_GRANULARITY_FILES)
            n += (size_t)snprintf(key + n, size - n, "%s\n", frame->file);
        else if (granularity == HD_GRANULARITY_LINES)
            n += (size_t)snprintf(key + n, size - n, "%s\t%s:%u\n", frame->function,
                                  frame->file ? frame->file : "", frame->line);
        else
            n += (size_t)snprintf(key + n, size - n, "%s\n", frame->function);
    }
    return key;
}

/* qsort: by key, the current side's first, then by id. */
static int compare_keyed(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c != 0)
        return c;
    if (a->other_build != b->other_build)
        return a->other_build ? 1 : -1;
    return a->id < b->id ? -1 : a->id > b->id;
}

void hd_builds_match_stacks(struct hd_model *model, enum hd_granularity granularity)
{
    bool two_builds = false;
    for (size_t i = 0; i < model->n_mappings && !two_builds; i++)
        two_builds = model->mappings[i].other_build;
    if (!two_builds)
        return;
    struct keyed *keyed = hd_malloc(model->n_locations + 1, sizeof *keyed);
    size_t n = 0;
    for (size_t i = 0; i < model->n_locations; i++) {
        const struct hd_location *l = &model->locations[i];
        char *key = match_key(l, granularity);
        if (key)
            keyed[n++] = (struct keyed){key, l->mapping != HD_NO_MAPPING &&
                                                 model->mappings[l->mapping].other_build,
                                        (uint32_t)i};
    }
    qsort(keyed, n, sizeof *keyed, compare_keyed);
    uint32_t *same_as = hd_malloc(model->n_locations + 1, sizeof *same_as);
    for (size_t i = 0; i < model->n_locations; i++)
        same_as[i] = (uint32_t)i;
    bool moved = false;
    for (size_t i = 1; i < n; i++)
        if (strcmp(keyed[i].key, keyed[i - 1].key) == 0) {
            same_as[keyed[i].id] = same_as[keyed[i - 1].id];
            moved = true;
        }
    if (moved)
        hd_model_merge_locations(model, same_as);
    for (size_t i = 0; i < n; i++)
        free(keyed[i].key);
    free(keyed);
    free(same_as);
}
