/* Function ranges from .eh_frame and .eh_frame_hdr (see sym_eh_frame.h).
 *
 * The layouts are the LSB's ("Exception Frames", "The .eh_frame_hdr
 * section"): .eh_frame is a sequence of CIE and FDE records, each a length
 * then an id (0 in a CIE; in an FDE, the distance back to its CIE); an FDE
 * holds pc_begin and pc_range in the pointer encoding its CIE's 'R'
 * augmentation names.  .eh_frame_hdr holds a table of (initial location,
 * FDE address) pairs sorted by location. */
#include "sym_eh_frame.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "sym_elf.h"

/* DW_EH_PE_*: the low nibble is the value's format, bits 4-6 what it is
 * relative to, bit 7 an indirection (LSB, "DWARF Exception Header
 * Encoding"). */
enum {
    PE_ABSPTR = 0x00,
    PE_ULEB128 = 0x01,
    PE_UDATA2 = 0x02,
    PE_UDATA4 = 0x03,
    PE_UDATA8 = 0x04,
    PE_SLEB128 = 0x09,
    PE_SDATA2 = 0x0a,
    PE_SDATA4 = 0x0b,
    PE_SDATA8 = 0x0c,
    PE_PCREL = 0x10,
    PE_DATAREL = 0x30,
    PE_INDIRECT = 0x80,
    PE_OMIT = 0xff,
};

/* The table encoding every linker writes: 4-byte signed offsets from the
 * start of .eh_frame_hdr.  Other encodings fall back to a walk. */
#define HDR_TABLE_ENCODING (PE_DATAREL | PE_SDATA4)

/* Entries to look back from the binary search's hit, in case an FDE nested
 * in another (hand-written assembly) ends first. */
#define LOOK_BACK 8

struct range {
    uint64_t start;
    uint64_t size; /* > 0; start + size does not wrap */
};

struct hd_sym_eh_frame {
    unsigned ptr_size;     /* 8 for ELFCLASS64, else 4 */
    const uint8_t *frame;  /* .eh_frame's bytes, in the file; NULL: none */
    size_t frame_size;
    uint64_t frame_vaddr;  /* the address of frame[0] */
    /* .eh_frame_hdr's table, when usable: N_TABLE entries of 8 bytes. */
    const uint8_t *table;
    size_t n_table;
    uint64_t hdr_vaddr;    /* what the table's entries are relative to */
    /* Otherwise every FDE's range, sorted by start (built once). */
    struct range *ranges;
    size_t n_ranges;
    /* The last CIE parsed, for the walk: most FDEs share one. */
    size_t cie_offset;     /* SIZE_MAX: none yet */
    int cie_encoding;
};

/* A bounded reader over DATA[0, SIZE).  A read past SIZE clears OK and
 * yields 0; every later read fails too. */
struct cursor {
    const uint8_t *data;
    size_t size;
    size_t pos;     /* <= size */
    uint64_t vaddr; /* the address of data[0] */
    bool ok;
};

static uint64_t read_le(struct cursor *c, size_t n)
{
    if (!c->ok || n > c->size - c->pos) {
        c->ok = false;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)c->data[c->pos + i] << (8 * i);
    c->pos += n;
    return v;
}

/* An unsigned LEB128; bits past the 64th are dropped. */
static uint64_t read_uleb(struct cursor *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        uint8_t byte = (uint8_t)read_le(c, 1);
        if (!c->ok)
            return 0;
        if (shift < 64)
            v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            return v;
    }
}

/* A signed LEB128, as its 64-bit two's complement. */
static uint64_t read_sleb(struct cursor *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = (uint8_t)read_le(c, 1);
        if (!c->ok)
            return 0;
        if (shift < 64)
            v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    if (shift < 64 && (byte & 0x40))
        v |= ~(uint64_t)0 << shift;
    return v;
}

static uint64_t sign_extend(uint64_t v, unsigned bits)
{
    uint64_t sign = (uint64_t)1 << (bits - 1);
    return (v ^ sign) - sign;
}

/* A value in format FORMAT (ENCODING's low nibble).  False for an unknown
 * format or a read past the end. */
static bool read_format(struct cursor *c, unsigned format, unsigned ptr_size, uint64_t *out)
{
    switch (format) {
    case PE_ABSPTR: *out = read_le(c, ptr_size); break;
    case PE_ULEB128: *out = read_uleb(c); break;
    case PE_UDATA2: *out = read_le(c, 2); break;
    case PE_UDATA4: *out = read_le(c, 4); break;
    case PE_UDATA8: *out = read_le(c, 8); break;
    case PE_SLEB128: *out = read_sleb(c); break;
    case PE_SDATA2: *out = sign_extend(read_le(c, 2), 16); break;
    case PE_SDATA4: *out = sign_extend(read_le(c, 4), 32); break;
    case PE_SDATA8: *out = read_le(c, 8); break;
    default: return false;
    }
    return c->ok;
}

/* A pointer in ENCODING: absolute, relative to its own address (pcrel) or
 * to DATA_BASE (datarel; only when HAS_DATA_BASE).  Other applications and
 * indirect pointers are refused: .eh_frame and .eh_frame_hdr do not use
 * them for the fields read here on the platforms heapdiff reads. */
static bool read_pointer(struct cursor *c, unsigned encoding, unsigned ptr_size,
                         bool has_data_base, uint64_t data_base, uint64_t *out)
{
    if (encoding == PE_OMIT || (encoding & PE_INDIRECT))
        return false;
    uint64_t field = c->vaddr + c->pos;
    uint64_t v;
    if (!read_format(c, encoding & 0x0f, ptr_size, &v))
        return false;
    switch (encoding & 0x70) {
    case 0:
        break;
    case PE_PCREL:
        v += field;
        break;
    case PE_DATAREL:
        if (!has_data_base)
            return false;
        v += data_base;
        break;
    default:
        return false;
    }
    *out = ptr_size == 4 ? v & 0xffffffffu : v;
    return true;
}

/* The record (CIE or FDE) at C's position: reads its length and sets
 * *END to the offset just past it.  Returns 1, 0 at the zero terminator
 * or the end of the data, -1 for a length that does not fit. */
static int record_bounds(struct cursor *c, size_t *end)
{
    if (c->pos >= c->size)
        return 0;
    uint64_t length = read_le(c, 4);
    if (c->ok && length == 0xffffffffu)
        length = read_le(c, 8); /* 64-bit DWARF format */
    if (!c->ok || length > c->size - c->pos)
        return -1;
    if (length == 0)
        return 0;
    *end = c->pos + (size_t)length;
    return 1;
}

/* The FDE pointer encoding of the CIE at OFFSET of .eh_frame, or -1 when
 * it is no CIE or does not parse. */
static int parse_cie(const struct hd_sym_eh_frame *t, size_t offset)
{
    struct cursor c = {t->frame, t->frame_size, offset, t->frame_vaddr, true};
    size_t end;
    if (offset > t->frame_size || record_bounds(&c, &end) != 1)
        return -1;
    c.size = end;
    if (read_le(&c, 4) != 0 || !c.ok) /* a CIE's id is 0 in .eh_frame */
        return -1;
    unsigned version = (unsigned)read_le(&c, 1);
    if (!c.ok || (version != 1 && version != 3 && version != 4))
        return -1;
    const char *aug = (const char *)c.data + c.pos;
    size_t aug_length = strnlen(aug, c.size - c.pos);
    if (aug_length == c.size - c.pos)
        return -1; /* no NUL inside the record */
    c.pos += aug_length + 1;
    const char *a = aug;
    if (a[0] == 'e' && a[1] == 'h') { /* GCC 2's "eh": an EH data pointer */
        read_le(&c, t->ptr_size);
        a += 2;
    }
    if (version == 4)
        read_le(&c, 2); /* address size, segment selector size */
    read_uleb(&c);      /* code alignment factor */
    read_sleb(&c);      /* data alignment factor */
    if (version == 1)
        read_le(&c, 1); /* return address register */
    else
        read_uleb(&c);
    if (!c.ok)
        return -1;
    if (a[0] == '\0')
        return PE_ABSPTR;
    if (a[0] != 'z')
        return -1; /* an augmentation whose data cannot be skipped */
    uint64_t data_length = read_uleb(&c);
    if (!c.ok || data_length > c.size - c.pos)
        return -1;
    struct cursor d = c;
    d.size = c.pos + (size_t)data_length;
    int encoding = PE_ABSPTR;
    for (a++; *a; a++) {
        switch (*a) {
        case 'L': /* LSDA encoding */
            read_le(&d, 1);
            break;
        case 'P': { /* personality routine: its encoding, then the pointer */
            unsigned pe = (unsigned)read_le(&d, 1);
            uint64_t ignored;
            if (!d.ok || pe == PE_OMIT || (pe & 0x70) == 0x50 /* aligned */ ||
                !read_format(&d, pe & 0x0f, t->ptr_size, &ignored))
                return -1;
            break;
        }
        case 'R':
            encoding = (int)read_le(&d, 1);
            break;
        case 'S': /* signal frame */
        case 'B': /* AArch64 BTI */
        case 'G': /* AArch64 MTE */
            break;
        default:
            /* Unknown: the data length lets the rest be skipped, but the
             * characters after it cannot be read. */
            return strchr(a, 'R') ? -1 : encoding;
        }
        if (!d.ok)
            return -1;
    }
    return encoding;
}

/* Whether VADDR lies in an executable load segment (in any load segment
 * when none is marked executable). */
static bool in_code(const struct hd_sym_elf *elf, uint64_t vaddr)
{
    bool any_executable = false;
    for (size_t i = 0; i < elf->n_segments; i++) {
        const struct hd_sym_segment *s = &elf->segments[i];
        any_executable |= s->executable;
        if (s->executable && vaddr >= s->vaddr && vaddr - s->vaddr < s->memsz)
            return true;
    }
    return !any_executable && hd_sym_elf_has_vaddr(elf, vaddr);
}

/* The range of the record at OFFSET of .eh_frame when it is an FDE that
 * parses, in code.  *NEXT is set to the offset past the record, or to
 * FRAME_SIZE when no later record can be found (the terminator, or a
 * length that does not fit).  Returns 1 for an FDE with its range, 0 for
 * any other record, -1 at the end. */
static int parse_fde(struct hd_sym_eh_frame *t, const struct hd_sym_elf *elf, size_t offset,
                     struct range *out, size_t *next)
{
    struct cursor c = {t->frame, t->frame_size, offset, t->frame_vaddr, true};
    size_t end;
    *next = t->frame_size;
    if (offset > t->frame_size || record_bounds(&c, &end) != 1)
        return -1;
    *next = end;
    c.size = end;
    size_t id_at = c.pos;
    uint64_t id = read_le(&c, 4);
    if (!c.ok || id == 0 || id > id_at)
        return 0; /* a CIE, or an FDE pointing before the section */
    size_t cie = id_at - (size_t)id;
    if (cie != t->cie_offset) {
        t->cie_offset = cie;
        t->cie_encoding = parse_cie(t, cie);
    }
    if (t->cie_encoding < 0)
        return 0;
    unsigned encoding = (unsigned)t->cie_encoding;
    uint64_t start, size;
    if (!read_pointer(&c, encoding, t->ptr_size, false, 0, &start) ||
        !read_format(&c, encoding & 0x0f, t->ptr_size, &size))
        return 0;
    if (t->ptr_size == 4)
        size &= 0xffffffffu;
    if (size == 0 || size > UINT64_MAX - start || !in_code(elf, start))
        return 0;
    *out = (struct range){start, size};
    return 1;
}

static int compare_ranges(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->size < y->size ? -1 : x->size > y->size;
}

/* Walk every record of .eh_frame into the sorted table of ranges. */
static void build_ranges(struct hd_sym_eh_frame *t, const struct hd_sym_elf *elf)
{
    size_t capacity = 0;
    size_t offset = 0;
    for (;;) {
        struct range r;
        size_t next;
        int kind = parse_fde(t, elf, offset, &r, &next);
        if (kind < 0)
            break;
        if (kind == 1) {
            HD_ARRAY_RESERVE(t->ranges, capacity, t->n_ranges + 1);
            t->ranges[t->n_ranges++] = r;
        }
        offset = next; /* past at least the 4-byte length */
    }
    if (t->n_ranges)
        qsort(t->ranges, t->n_ranges, sizeof *t->ranges, compare_ranges);
}

/* .eh_frame_hdr's fields (LSB): version 1, the encodings of eh_frame_ptr,
 * fde_count and the table, then those.  Sets T's table when its encoding
 * is the usual one, and *FRAME_VADDR to eh_frame_ptr.  Returns whether
 * eh_frame_ptr was read. */
static bool read_hdr(struct hd_sym_eh_frame *t, const uint8_t *hdr, size_t size,
                     uint64_t hdr_vaddr, uint64_t *frame_vaddr)
{
    struct cursor c = {hdr, size, 0, hdr_vaddr, true};
    unsigned version = (unsigned)read_le(&c, 1);
    unsigned ptr_encoding = (unsigned)read_le(&c, 1);
    unsigned count_encoding = (unsigned)read_le(&c, 1);
    unsigned table_encoding = (unsigned)read_le(&c, 1);
    if (!c.ok || version != 1 ||
        !read_pointer(&c, ptr_encoding, t->ptr_size, true, hdr_vaddr, frame_vaddr))
        return false;
    uint64_t count;
    if (table_encoding == HDR_TABLE_ENCODING &&
        read_pointer(&c, count_encoding, t->ptr_size, true, hdr_vaddr, &count) &&
        count > 0 && count <= (c.size - c.pos) / 8) {
        t->table = hdr + c.pos;
        t->n_table = (size_t)count;
        t->hdr_vaddr = hdr_vaddr;
    }
    return true;
}

/* Entry I of the .eh_frame_hdr table: (initial location, FDE address). */
static void table_entry(const struct hd_sym_eh_frame *t, size_t i, uint64_t *location,
                        uint64_t *fde)
{
    struct cursor c = {t->table, 8 * t->n_table, 8 * i, 0, true};
    *location = t->hdr_vaddr + sign_extend(read_le(&c, 4), 32);
    *fde = t->hdr_vaddr + sign_extend(read_le(&c, 4), 32);
    if (t->ptr_size == 4) {
        *location &= 0xffffffffu;
        *fde &= 0xffffffffu;
    }
}

/* Find .eh_frame and .eh_frame_hdr: by section name, or through the
 * PT_GNU_EH_FRAME segment when the section headers are gone. */
static struct hd_sym_eh_frame *load(const struct hd_sym_elf *elf)
{
    struct hd_sym_eh_frame *t = hd_calloc(1, sizeof *t);
    t->ptr_size = elf->elf_class == ELFCLASS64 ? 8 : 4;
    t->cie_offset = SIZE_MAX;
    const uint8_t *hdr;
    size_t hdr_size;
    uint64_t hdr_vaddr, frame_vaddr = 0;
    bool has_hdr = hd_sym_elf_raw_section(elf, ".eh_frame_hdr", &hdr, &hdr_size, &hdr_vaddr);
    if (!has_hdr && elf->eh_frame_hdr.filesz > 0) {
        const struct hd_sym_segment *s = &elf->eh_frame_hdr;
        if (s->offset <= elf->map_size && s->filesz <= elf->map_size - s->offset) {
            hdr = elf->map + s->offset;
            hdr_size = (size_t)s->filesz;
            hdr_vaddr = s->vaddr;
            has_hdr = true;
        }
    }
    bool has_frame_ptr = has_hdr && read_hdr(t, hdr, hdr_size, hdr_vaddr, &frame_vaddr);
    if (!hd_sym_elf_raw_section(elf, ".eh_frame", &t->frame, &t->frame_size,
                                &t->frame_vaddr)) {
        /* No section headers: .eh_frame runs from eh_frame_ptr to the end
         * of its load segment's file bytes (the terminator ends it). */
        t->frame = NULL;
        for (size_t i = 0; has_frame_ptr && i < elf->n_segments; i++) {
            const struct hd_sym_segment *s = &elf->segments[i];
            if (frame_vaddr >= s->vaddr && frame_vaddr - s->vaddr < s->filesz &&
                s->offset <= elf->map_size && s->filesz <= elf->map_size - s->offset) {
                uint64_t into = frame_vaddr - s->vaddr;
                t->frame = elf->map + s->offset + into;
                t->frame_size = (size_t)(s->filesz - into);
                t->frame_vaddr = frame_vaddr;
                break;
            }
        }
    }
    if (!t->frame) {
        t->table = NULL;
        t->n_table = 0;
    } else if (!t->table) {
        build_ranges(t, elf);
    }
    return t;
}

static bool find_in_table(struct hd_sym_eh_frame *t, const struct hd_sym_elf *elf,
                          uint64_t vaddr, struct range *out)
{
    size_t lo = 0, hi = t->n_table; /* first entry with location > vaddr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t location, fde;
        table_entry(t, mid, &location, &fde);
        if (location <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, tries = 0; i > 0 && tries < LOOK_BACK; i--, tries++) {
        uint64_t location, fde;
        table_entry(t, i - 1, &location, &fde);
        size_t next;
        struct range r;
        if (fde - t->frame_vaddr < t->frame_size &&
            parse_fde(t, elf, (size_t)(fde - t->frame_vaddr), &r, &next) == 1 &&
            vaddr >= r.start && vaddr - r.start < r.size) {
            *out = r;
            return true;
        }
    }
    return false;
}

static bool find_in_ranges(const struct hd_sym_eh_frame *t, uint64_t vaddr, struct range *out)
{
    size_t lo = 0, hi = t->n_ranges; /* first range with start > vaddr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->ranges[mid].start <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, tries = 0; i > 0 && tries < LOOK_BACK; i--, tries++) {
        const struct range *r = &t->ranges[i - 1];
        if (vaddr - r->start < r->size) {
            *out = *r;
            return true;
        }
    }
    return false;
}

bool hd_sym_eh_frame_find(struct hd_sym_elf *elf, uint64_t vaddr, uint64_t *start,
                          uint64_t *size)
{
    if (!elf->eh_frame)
        elf->eh_frame = load(elf);
    struct hd_sym_eh_frame *t = elf->eh_frame;
    struct range r;
    bool found = t->table ? find_in_table(t, elf, vaddr, &r) : find_in_ranges(t, vaddr, &r);
    if (found) {
        *start = r.start;
        *size = r.size;
    }
    return found;
}

void hd_sym_eh_frame_free(struct hd_sym_eh_frame *t)
{
    if (!t)
        return;
    free(t->ranges);
    free(t);
}
