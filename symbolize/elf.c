/* ELF object loading: mapping, program headers, notes, sections and the
 * function symbol tables (see sym_elf.h).  libelf parses the headers; section
 * bytes are read from our own mapping with explicit bounds checks, so a
 * truncated file yields "truncated", never a read past the end. */
#include "sym_elf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "error.h"
#include "file.h"
#include "sym_decompress.h"
#include "sym_inflated.h"
#include "sym_eh_frame.h"

#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif

struct hd_sym_section {
    const char *name;     /* from .shstrtab (into the map); "" when unnamed */
    uint32_t type;        /* sh_type */
    uint64_t flags;       /* sh_flags */
    uint64_t addr;        /* sh_addr */
    uint64_t offset;      /* sh_offset */
    uint64_t size;        /* sh_size */
    uint32_t link;        /* sh_link */
    /* Decompressed (or mapped) contents, filled on first request. */
    int state;            /* 0 not read yet, 1 read, -1 unreadable */
    const uint8_t *data;  /* state 1: the contents */
    size_t data_size;
    struct hd_sym_inflated *owned; /* the decompressed copy, shared by
                                      every open of the file, or NULL */
};

static bool range_in_file(const struct hd_sym_elf *elf, uint64_t offset,
                          uint64_t size)
{
    return offset <= elf->map_size && size <= elf->map_size - offset;
}

/* Fill the build-id from any SHT_NOTE section or PT_NOTE segment. */
static void read_build_id_note(struct hd_sym_elf *elf, const uint8_t *data,
                               size_t size)
{
    Elf_Data d = {.d_buf = (void *)(uintptr_t)data, .d_size = size,
                  .d_type = ELF_T_NHDR, .d_version = EV_CURRENT};
    size_t pos = 0, name_off, desc_off;
    GElf_Nhdr nh;
    while (pos < size && (pos = gelf_getnote(&d, pos, &nh, &name_off, &desc_off)) > 0) {
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
            memcmp(data + name_off, "GNU", 4) == 0 && nh.n_descsz > 0 &&
            nh.n_descsz <= sizeof elf->build_id) {
            memcpy(elf->build_id, data + desc_off, nh.n_descsz);
            elf->build_id_size = nh.n_descsz;
            return;
        }
    }
}

static int read_sections(struct hd_sym_elf *elf, struct hd_error *err)
{
    Elf *e = elf->elf;
    size_t n, shstrndx;
    if (elf_getshdrnum(e, &n) != 0 || elf_getshdrstrndx(e, &shstrndx) != 0) {
        return hd_error_set(err, elf->path, 0, "bad section headers");
    }
    elf->sections = hd_calloc(n, sizeof *elf->sections);
    elf->n_sections = n;
    for (size_t i = 0; i < n; i++) {
        Elf_Scn *scn = elf_getscn(e, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh)) {
            return hd_error_set(err, elf->path, 0, "truncated (section headers)");
        }
        struct hd_sym_section *s = &elf->sections[i];
        const char *name = elf_strptr(e, shstrndx, sh.sh_name);
        s->name = name ? name : "";
        s->type = sh.sh_type;
        s->flags = sh.sh_flags;
        s->addr = sh.sh_addr;
        s->offset = sh.sh_offset;
        s->size = sh.sh_size;
        s->link = sh.sh_link;
    }
    return 0;
}

static void read_notes_and_links(struct hd_sym_elf *elf)
{
    for (size_t i = 0; i < elf->n_sections; i++) {
        const struct hd_sym_section *s = &elf->sections[i];
        if (s->type == SHT_NOBITS || !range_in_file(elf, s->offset, s->size))
            continue;
        const uint8_t *p = elf->map + s->offset;
        if (s->type == SHT_NOTE && elf->build_id_size == 0) {
            read_build_id_note(elf, p, s->size);
        } else if (strcmp(s->name, ".gnu_debuglink") == 0) {
            /* name, NUL, padding to 4, CRC32 (GDB manual, "Separate Debug
             * Files"). */
            size_t len = strnlen((const char *)p, s->size);
            size_t crc_at = (len + 1 + 3) & ~(size_t)3;
            if (len > 0 && crc_at + 4 <= s->size) {
                elf->debuglink = (const char *)p;
                memcpy(&elf->debuglink_crc, p + crc_at, 4);
            }
        } else if (strcmp(s->name, ".gnu_debugaltlink") == 0) {
            /* name, NUL, build-id of the dwz supplementary file. */
            size_t len = strnlen((const char *)p, s->size);
            if (len > 0 && len < s->size) {
                elf->altlink = (const char *)p;
                elf->alt_build_id = p + len + 1;
                elf->alt_build_id_size = s->size - len - 1;
            }
        }
    }
    if (elf->build_id_size)
        return;
    /* No note section (section headers stripped): try PT_NOTE. */
    size_t n;
    if (elf_getphdrnum(elf->elf, &n) != 0)
        return;
    for (size_t i = 0; i < n && !elf->build_id_size; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf->elf, (int)i, &ph) && ph.p_type == PT_NOTE &&
            range_in_file(elf, ph.p_offset, ph.p_filesz))
            read_build_id_note(elf, elf->map + ph.p_offset, ph.p_filesz);
    }
}

static int read_segments(struct hd_sym_elf *elf, struct hd_error *err)
{
    size_t n;
    if (elf_getphdrnum(elf->elf, &n) != 0) {
        return hd_error_set(err, elf->path, 0, "bad program headers");
    }
    elf->segments = hd_calloc(n, sizeof *elf->segments);
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf->elf, (int)i, &ph)) {
            return hd_error_set(err, elf->path, 0, "truncated (program headers)");
        }
        if (ph.p_type == PT_GNU_EH_FRAME)
            elf->eh_frame_hdr = (struct hd_sym_segment){
                .offset = ph.p_offset, .filesz = ph.p_filesz, .vaddr = ph.p_vaddr,
                .memsz = ph.p_memsz};
        if (ph.p_type != PT_LOAD)
            continue;
        elf->segments[elf->n_segments++] = (struct hd_sym_segment){
            .offset = ph.p_offset, .filesz = ph.p_filesz, .vaddr = ph.p_vaddr,
            .memsz = ph.p_memsz < ph.p_filesz ? ph.p_filesz : ph.p_memsz,
            .executable = (ph.p_flags & PF_X) != 0};
    }
    return 0;
}

/* libelf's version is process-wide state: set once, before any thread
 * of core/parallel.c opens a file. */
static pthread_once_t libelf_ready = PTHREAD_ONCE_INIT;
static void start_libelf(void)
{
    elf_version(EV_CURRENT);
}

int hd_sym_elf_open(const char *path, struct hd_sym_elf **out, struct hd_error *err)
{
    *out = NULL;
    struct stat st;
    int fd = hd_file_open_regular(path, &st);
    if (fd == HD_FILE_NOT_REGULAR)
        return hd_error_set(err, path, 0, "not a regular file");
    if (fd < 0)
        return hd_error_set(err, path, 0, "%s", strerror(errno));
    if ((size_t)st.st_size < EI_NIDENT) {
        hd_error_set(err, path, 0, "not an ELF file");
        close(fd);
        return -1;
    }
    /* Private and writable so that libelf may touch its image in place;
     * pages stay shared with the page cache unless written. */
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        return hd_error_set(err, path, 0, "%s", strerror(errno));
    }
    if (memcmp(map, ELFMAG, SELFMAG) != 0) {
        hd_error_set(err, path, 0, "not an ELF file");
        munmap(map, (size_t)st.st_size);
        return -1;
    }
    struct hd_sym_elf *elf = hd_calloc(1, sizeof *elf);
    elf->path = hd_strdup(path);
    elf->map = map;
    elf->map_size = (size_t)st.st_size;
    elf->file_dev = (uint64_t)st.st_dev;
    elf->file_ino = (uint64_t)st.st_ino;
    elf->file_mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
    pthread_once(&libelf_ready, start_libelf);
    Elf *e = elf_memory(map, (size_t)st.st_size);
    elf->elf = e;
    GElf_Ehdr eh;
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        hd_error_set(err, path, 0, "truncated or corrupt ELF header");
        goto fail;
    }
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        /* heapdiff reads what x86-64 and aarch64 hosts write. */
        hd_error_set(err, path, 0, "big-endian ELF is not supported");
        goto fail;
    }
    elf->elf_class = eh.e_ident[EI_CLASS];
    elf->elf_type = eh.e_type;
    if (read_segments(elf, err) != 0 || read_sections(elf, err) != 0)
        goto fail;
    read_notes_and_links(elf);
    *out = elf;
    return 0;
fail:
    hd_sym_elf_close(elf);
    return -1;
}

void hd_sym_elf_close(struct hd_sym_elf *elf)
{
    if (!elf)
        return;
    for (size_t i = 0; i < elf->n_sections; i++)
        hd_sym_inflated_release(elf->sections[i].owned);
    free(elf->sections);
    free(elf->segments);
    free(elf->symbols[0]);
    free(elf->symbols[1]);
    hd_sym_eh_frame_free(elf->eh_frame);
    if (elf->elf)
        elf_end(elf->elf);
    if (elf->map)
        munmap((void *)(uintptr_t)elf->map, elf->map_size);
    free(elf->path);
    free(elf);
}

bool hd_sym_elf_offset_to_vaddr(const struct hd_sym_elf *elf, uint64_t offset,
                                uint64_t *vaddr)
{
    /* Prefer an executable segment: with -z noseparate-code a file offset
     * can sit in two segments' page-rounded ranges, never in two
     * segments' exact file ranges, so the first exact match is right. */
    for (size_t i = 0; i < elf->n_segments; i++) {
        const struct hd_sym_segment *s = &elf->segments[i];
        if (offset >= s->offset && offset - s->offset < s->filesz) {
            *vaddr = offset - s->offset + s->vaddr;
            return true;
        }
    }
    return false;
}

bool hd_sym_elf_vaddr_to_offset(const struct hd_sym_elf *elf, uint64_t vaddr,
                                uint64_t *offset)
{
    for (size_t i = 0; i < elf->n_segments; i++) {
        const struct hd_sym_segment *s = &elf->segments[i];
        if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
            *offset = vaddr - s->vaddr + s->offset;
            return true;
        }
    }
    return false;
}

bool hd_sym_elf_has_vaddr(const struct hd_sym_elf *elf, uint64_t vaddr)
{
    for (size_t i = 0; i < elf->n_segments; i++) {
        const struct hd_sym_segment *s = &elf->segments[i];
        if (vaddr >= s->vaddr && vaddr - s->vaddr < s->memsz)
            return true;
    }
    return false;
}

/* The section named NAME, or the legacy ".zdebug_" form of a ".debug_"
 * NAME; *GNU_COMPRESSED says which was found. */
static struct hd_sym_section *find_section(const struct hd_sym_elf *elf,
                                           const char *name, bool *gnu_compressed)
{
    *gnu_compressed = false;
    for (size_t i = 1; i < elf->n_sections; i++)
        if (strcmp(elf->sections[i].name, name) == 0)
            return &elf->sections[i];
    if (strncmp(name, ".debug_", 7) != 0)
        return NULL;
    for (size_t i = 1; i < elf->n_sections; i++) {
        const char *s = elf->sections[i].name;
        if (strncmp(s, ".zdebug_", 8) == 0 && strcmp(s + 8, name + 7) == 0) {
            *gnu_compressed = true;
            return &elf->sections[i];
        }
    }
    return NULL;
}

bool hd_sym_elf_raw_section(const struct hd_sym_elf *elf, const char *name,
                            const uint8_t **data, size_t *size, uint64_t *vaddr)
{
    for (size_t i = 1; i < elf->n_sections; i++) {
        const struct hd_sym_section *s = &elf->sections[i];
        if (strcmp(s->name, name) != 0)
            continue;
        if (s->type == SHT_NOBITS || s->size == 0 || !range_in_file(elf, s->offset, s->size))
            return false;
        *data = elf->map + s->offset;
        *size = (size_t)s->size;
        *vaddr = s->addr;
        return true;
    }
    return false;
}

bool hd_sym_elf_has_section(const struct hd_sym_elf *elf, const char *name)
{
    bool gnu;
    const struct hd_sym_section *s = find_section(elf, name, &gnu);
    return s && s->type != SHT_NOBITS && s->size > 0;
}

static uint64_t read_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

bool hd_sym_elf_section_size(const struct hd_sym_elf *elf, const char *name,
                             uint64_t *size)
{
    bool gnu;
    const struct hd_sym_section *s = find_section(elf, name, &gnu);
    if (!s || s->type == SHT_NOBITS || s->size == 0 ||
        !range_in_file(elf, s->offset, s->size))
        return false;
    if (s->state == 1) {
        *size = s->data_size;
        return true;
    }
    const uint8_t *raw = elf->map + s->offset;
    if (gnu && s->size >= 12 && memcmp(raw, "ZLIB", 4) == 0) {
        *size = read_be64(raw + 4);
    } else if (!gnu && (s->flags & SHF_COMPRESSED)) {
        if (elf->elf_class == ELFCLASS64 && s->size >= sizeof(Elf64_Chdr)) {
            Elf64_Chdr ch;
            memcpy(&ch, raw, sizeof ch);
            *size = ch.ch_size;
        } else if (elf->elf_class == ELFCLASS32 && s->size >= sizeof(Elf32_Chdr)) {
            Elf32_Chdr ch;
            memcpy(&ch, raw, sizeof ch);
            *size = ch.ch_size;
        } else {
            return false;
        }
    } else {
        *size = s->size;
    }
    return true;
}

/* Decompress S, its stream HEADER bytes in, to EXPANDED_SIZE bytes into
 * s->data: once for the process (sym_inflated.h).  Returns 0 or -1. */
static int inflate_shared(const struct hd_sym_elf *elf, struct hd_sym_section *s,
                          enum hd_sym_compression method, size_t header,
                          uint64_t expanded_size)
{
    struct hd_sym_inflated_key key = {elf->file_dev, elf->file_ino, elf->map_size,
                                      elf->file_mtime_ns, s->offset, s->size, expanded_size};
    if (hd_sym_inflated_get(&key, method, elf->map + s->offset + header, s->size - header,
                            &s->data, &s->owned) != 0)
        return -1;
    s->data_size = expanded_size;
    return 0;
}

/* Read S's contents into s->data, decompressing.  Returns 1 or -1. */
static int load_section(struct hd_sym_elf *elf, struct hd_sym_section *s,
                        bool gnu_compressed, struct hd_error *err)
{
    if (!range_in_file(elf, s->offset, s->size)) {
        return hd_error_set(err, elf->path, 0, "section %s is truncated", s->name);
    }
    const uint8_t *raw = elf->map + s->offset;
    if (gnu_compressed) {
        /* .zdebug_*: "ZLIB", 8-byte big-endian size, zlib stream. */
        if (s->size < 12 || memcmp(raw, "ZLIB", 4) != 0) {
            s->data = raw; /* stored uncompressed, as binutils may */
            s->data_size = s->size;
            return 1;
        }
        if (inflate_shared(elf, s, HD_SYM_COMPRESS_ZLIB, 12, read_be64(raw + 4)) != 0) {
            return hd_error_set(err, elf->path, 0, "section %s: corrupt zlib data",
                                s->name);
        }
        return 1;
    }
    if (!(s->flags & SHF_COMPRESSED)) {
        s->data = raw;
        s->data_size = s->size;
        return 1;
    }
    /* SHF_COMPRESSED: an Elf32/64_Chdr, then the stream (ELF gABI). */
    uint32_t ch_type;
    uint64_t ch_size;
    size_t header;
    if (elf->elf_class == ELFCLASS64) {
        Elf64_Chdr ch;
        if (s->size < sizeof ch)
            goto corrupt;
        memcpy(&ch, raw, sizeof ch);
        ch_type = ch.ch_type;
        ch_size = ch.ch_size;
        header = sizeof ch;
    } else {
        Elf32_Chdr ch;
        if (s->size < sizeof ch)
            goto corrupt;
        memcpy(&ch, raw, sizeof ch);
        ch_type = ch.ch_type;
        ch_size = ch.ch_size;
        header = sizeof ch;
    }
    enum hd_sym_compression method;
    if (ch_type == ELFCOMPRESS_ZLIB) {
        method = HD_SYM_COMPRESS_ZLIB;
    } else if (ch_type == ELFCOMPRESS_ZSTD) {
        method = HD_SYM_COMPRESS_ZSTD;
        if (!hd_sym_can_decompress(method)) {
            return hd_error_set(err, elf->path, 0,
                                "section %s is zstd-compressed and heapdiff was "
                                "built without libzstd", s->name);
        }
    } else {
        goto corrupt;
    }
    if (inflate_shared(elf, s, method, header, ch_size) != 0)
        goto corrupt;
    return 1;
corrupt:
    return hd_error_set(err, elf->path, 0, "section %s: corrupt compressed data",
                        s->name);
}

int hd_sym_elf_section(struct hd_sym_elf *elf, const char *name,
                       const uint8_t **data, size_t *size, struct hd_error *err)
{
    bool gnu;
    struct hd_sym_section *s = find_section(elf, name, &gnu);
    if (!s || s->type == SHT_NOBITS || s->size == 0)
        return 0;
    if (s->state == 0)
        s->state = load_section(elf, s, gnu, err);
    else if (s->state < 0)
        hd_error_set(err, elf->path, 0, "section %s is unreadable", s->name);
    if (s->state < 0)
        return -1;
    *data = s->data;
    *size = s->data_size;
    return 1;
}

/* Ranking of aliases at one address: the name a user knows is the global
 * one without leading underscores (malloc over __libc_malloc, printf over
 * _IO_printf), as llvm-symbolizer reports them (FORMATS.md §4.2). */
static int alias_rank(unsigned char bind, const char *name)
{
    int rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
    int underscores = 0;
    while (name[underscores] == '_')
        underscores++;
    return rank * 16 + (underscores > 15 ? 15 : underscores);
}

struct ranked_symbol {
    struct hd_sym_symbol sym;
    int rank;
};

static int compare_ranked(const void *a, const void *b)
{
    const struct ranked_symbol *x = a, *y = b;
    if (x->sym.addr != y->sym.addr)
        return x->sym.addr < y->sym.addr ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->sym.size != y->sym.size) /* the larger extent first */
        return x->sym.size > y->sym.size ? -1 : 1;
    return strcmp(x->sym.name, y->sym.name);
}

static void load_symbols(struct hd_sym_elf *elf, enum hd_sym_symtab which)
{
    elf->symbols_loaded[which] = true;
    uint32_t want = which == HD_SYM_SYMTAB ? SHT_SYMTAB : SHT_DYNSYM;
    Elf_Scn *scn = NULL;
    size_t index = 0;
    for (size_t i = 1; i < elf->n_sections; i++) {
        if (elf->sections[i].type == want) {
            index = i;
            break;
        }
    }
    if (!index || !(scn = elf_getscn(elf->elf, index)))
        return;
    const struct hd_sym_section *sec = &elf->sections[index];
    if (!range_in_file(elf, sec->offset, sec->size))
        return;
    Elf_Data *data = elf_getdata(scn, NULL);
    if (!data)
        return;
    size_t entsize = gelf_fsize(elf->elf, ELF_T_SYM, 1, EV_CURRENT);
    size_t n = entsize ? data->d_size / entsize : 0;
    struct ranked_symbol *all = hd_calloc(n, sizeof *all);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym))
            break;
        int type = GELF_ST_TYPE(sym.st_info);
        if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
            sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
            continue;
        const char *name = elf_strptr(elf->elf, sec->link, sym.st_name);
        if (!name || !*name)
            continue;
        all[kept].sym = (struct hd_sym_symbol){sym.st_value, sym.st_size, name};
        all[kept].rank = alias_rank(GELF_ST_BIND(sym.st_info), name);
        kept++;
    }
    qsort(all, kept, sizeof *all, compare_ranked);
    struct hd_sym_symbol *out = hd_calloc(kept, sizeof *out);
    size_t m = 0;
    for (size_t i = 0; i < kept; i++) {
        if (m > 0 && out[m - 1].addr == all[i].sym.addr)
            continue; /* an alias ranked lower */
        out[m++] = all[i].sym;
    }
    free(all);
    elf->symbols[which] = out;
    elf->n_symbols[which] = m;
}

size_t hd_sym_elf_count_symbols(struct hd_sym_elf *elf, enum hd_sym_symtab which)
{
    if (!elf->symbols_loaded[which])
        load_symbols(elf, which);
    return elf->n_symbols[which];
}

const struct hd_sym_symbol *hd_sym_elf_find_symbol(struct hd_sym_elf *elf,
                                                   enum hd_sym_symtab which,
                                                   uint64_t vaddr)
{
    size_t n = hd_sym_elf_count_symbols(elf, which);
    const struct hd_sym_symbol *syms = elf->symbols[which];
    size_t lo = 0, hi = n; /* first symbol with addr > vaddr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (syms[mid].addr <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* A few symbols back, in case a nested or overlapping one ends first. */
    for (size_t i = lo, tries = 0; i > 0 && tries < 8; i--, tries++) {
        const struct hd_sym_symbol *s = &syms[i - 1];
        uint64_t size = s->size ? s->size : 1;
        if (vaddr - s->addr < size)
            return s;
    }
    return NULL;
}
