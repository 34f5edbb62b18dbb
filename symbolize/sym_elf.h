/* An ELF object opened for symbolization: the mapped file, its load
 * segments, notes, sections (decompressed on demand) and function symbols. */
#ifndef HD_SYM_ELF_H
#define HD_SYM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hd_sym_segment {
    uint64_t offset;   /* p_offset */
    uint64_t filesz;   /* p_filesz; file bytes [offset, offset + filesz) */
    uint64_t vaddr;    /* p_vaddr */
    uint64_t memsz;    /* p_memsz >= filesz */
    bool executable;   /* PF_X */
};

/* A FUNC (or IFUNC) symbol.  It covers [addr, addr + size); a symbol of
 * size 0 covers its address only. */
struct hd_sym_symbol {
    uint64_t addr;
    uint64_t size;
    const char *name; /* points into the mapped file; lives as the elf */
};

struct hd_error;
struct hd_sym_section;  /* private to elf.c */
struct hd_sym_eh_frame; /* private to eh_frame.c */

struct hd_sym_elf {
    char *path;                 /* as opened (owned) */
    const uint8_t *map;         /* the whole file, read-only; NULL if empty */
    size_t map_size;
    uint64_t file_dev, file_ino, file_mtime_ns; /* the file's, from stat():
                                   which opens share decompressed sections
                                   (sym_inflated.h) */
    void *elf;                  /* libelf's Elf *, over MAP */
    int elf_class;              /* ELFCLASS32 or ELFCLASS64 */
    uint16_t elf_type;          /* ET_EXEC, ET_DYN, ... */
    struct hd_sym_segment *segments; /* PT_LOAD, in header order */
    size_t n_segments;
    struct hd_sym_segment eh_frame_hdr; /* PT_GNU_EH_FRAME; filesz 0: none */
    uint8_t build_id[64];       /* NT_GNU_BUILD_ID descriptor */
    size_t build_id_size;       /* 0: none */
    const char *debuglink;      /* .gnu_debuglink file name, or NULL */
    uint32_t debuglink_crc;     /* its CRC32, valid when debuglink != NULL */
    const char *altlink;        /* .gnu_debugaltlink file name, or NULL */
    const uint8_t *alt_build_id; /* build-id after it (into MAP) */
    size_t alt_build_id_size;
    struct hd_sym_section *sections; /* by section index */
    size_t n_sections;
    /* Function symbols, sorted by address, loaded on first use: index 0
     * .symtab, 1 .dynsym. */
    struct hd_sym_symbol *symbols[2];
    size_t n_symbols[2];
    bool symbols_loaded[2];
    /* Function ranges from .eh_frame, loaded on first use by
     * hd_sym_eh_frame_find(); NULL until then. */
    struct hd_sym_eh_frame *eh_frame;
};

enum hd_sym_symtab { HD_SYM_SYMTAB = 0, HD_SYM_DYNSYM = 1 };

/* Open and map PATH.  Returns 0 with *OUT set, or -1 with *ERR (which may
 * be NULL) set: its file PATH, its message the reason alone ("No such file
 * or directory", "not an ELF file", "truncated", ...). */
int hd_sym_elf_open(const char *path, struct hd_sym_elf **out, struct hd_error *err);

/* Unmap and free everything.  NULL is fine. */
void hd_sym_elf_close(struct hd_sym_elf *elf);

/* The ELF virtual address at file offset OFFSET, through the PT_LOAD
 * segment holding it (vaddr = offset - p_offset + p_vaddr).  Returns false
 * when no segment's file bytes hold OFFSET. */
bool hd_sym_elf_offset_to_vaddr(const struct hd_sym_elf *elf, uint64_t offset,
                                uint64_t *vaddr);

/* The file offset of the ELF virtual address VADDR, through the PT_LOAD
 * segment whose file bytes hold it (the inverse of the above).  Returns
 * false when no segment's file bytes hold VADDR. */
bool hd_sym_elf_vaddr_to_offset(const struct hd_sym_elf *elf, uint64_t vaddr,
                                uint64_t *offset);

/* Whether VADDR lies in some PT_LOAD segment's memory image. */
bool hd_sym_elf_has_vaddr(const struct hd_sym_elf *elf, uint64_t vaddr);

/* The contents of the section called NAME (e.g. ".debug_info"; the legacy
 * compressed ".zdebug_info" is found for it too), decompressed if needed and
 * cached until hd_sym_elf_close().  Returns 1 with *DATA and *SIZE set, 0 when
 * there is no such section with contents (absent, or SHT_NOBITS as in a
 * stripped file), or -1 when it cannot be read (corrupt, truncated,
 * unsupported compression) with *ERR (which may be NULL) set: its file the
 * ELF's path, its message the reason ("section .debug_info is truncated"). */
int hd_sym_elf_section(struct hd_sym_elf *elf, const char *name,
                       const uint8_t **data, size_t *size, struct hd_error *err);

/* The size of section NAME's contents once decompressed, read from its
 * compression header without decompressing.  Returns false when there is no
 * such section with contents or its header is unreadable. */
bool hd_sym_elf_section_size(const struct hd_sym_elf *elf, const char *name,
                             uint64_t *size);

/* The bytes of section NAME as they lie in the file (never decompressed),
 * and the section's address (sh_addr).  Returns false when there is no
 * such section with contents, or its bytes lie outside the file. */
bool hd_sym_elf_raw_section(const struct hd_sym_elf *elf, const char *name,
                            const uint8_t **data, size_t *size, uint64_t *vaddr);

/* Whether the file has a section NAME (or its .zdebug form) with contents. */
bool hd_sym_elf_has_section(const struct hd_sym_elf *elf, const char *name);

/* The function symbol containing VADDR in table WHICH, or NULL. */
const struct hd_sym_symbol *hd_sym_elf_find_symbol(struct hd_sym_elf *elf,
                                                   enum hd_sym_symtab which,
                                                   uint64_t vaddr);

/* The number of function symbols in table WHICH (loading it). */
size_t hd_sym_elf_count_symbols(struct hd_sym_elf *elf, enum hd_sym_symtab which);

#endif
