/* DWARF lookups through libdwarf (see sym_dwarf.h).
 *
 * libdwarf reads the sections through its object-access interface, backed
 * by our struct hd_sym_elf: sections are handed over decompressed (zlib,
 * zstd, .zdebug) and only when libdwarf first asks for them, so that an
 * unused .debug_loclists is never inflated.
 *
 * Data structure, per compilation unit (decoded on first lookup into it):
 *   rows    the line table, sorted by address (DWARF 5 §6.2);
 *   tops    the address ranges of the unit's out-of-line functions (its
 *           subprograms with code, also inside namespaces and classes),
 *           sorted, each with its DIE (DWARF 5 §2.17, §3.3).
 * A lookup finds the function in TOPS, then descends its DIE subtree only
 * along the children whose ranges contain the pc (lexical blocks and
 * inlined subroutines, DWARF 5 §3.3.8), so a huge LTO unit costs a walk of
 * its top level once and of one function per lookup.  The line of each
 * outer frame is the DW_AT_call_line of the next inner one; the innermost
 * frame's line comes from the rows.  Names are resolved through
 * DW_AT_abstract_origin/DW_AT_specification and cached by DIE. */
#include "sym_dwarf.h"

#include <elf.h>
#ifdef HD_LIBDWARF_SUBDIR
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>
#else
#include <dwarf.h>
#include <libdwarf.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "array.h"
#include "error.h"
#include "idtable.h"
#include "path.h"
#include "sym_demangle.h"
#include "sym_elf.h"

#define MAX_DIE_DEPTH 256  /* deeper nesting is treated as corrupt */
#define MAX_REF_CHAIN 16   /* abstract_origin/specification hops */

/* The sections libdwarf may need, presented as indexes 1..n. */
static const char *const wanted_sections[] = {
    ".debug_info",    ".debug_abbrev",  ".debug_line",  ".debug_line_str",
    ".debug_str",     ".debug_str_offsets", ".debug_addr", ".debug_ranges",
    ".debug_rnglists", ".debug_aranges",
};
enum { N_WANTED = sizeof wanted_sections / sizeof *wanted_sections };

/* libdwarf's view of one ELF file. */
struct object {
    Dwarf_Obj_Access_Interface iface;
    struct hd_sym_elf *elf;
    const char *names[N_WANTED + 1]; /* [0] = "" (ELF's null section) */
    uint64_t sizes[N_WANTED + 1];
    size_t n;                        /* sections presented, incl. [0] */
    struct hd_error failure;         /* first section load failure;
                                        message "" while none */
};

struct range {
    uint64_t low;  /* inclusive */
    uint64_t high; /* exclusive; low < high */
};

struct row {
    uint64_t addr;
    uint32_t file;  /* raw file number; meaningless for an end row */
    uint32_t line;
    uint32_t order; /* position in the table, to keep sort stable */
    bool end;       /* DW_LNE_end_sequence: ADDR is one past the sequence */
};

struct top {
    uint64_t low, high; /* low < high */
    Dwarf_Off die;      /* the subprogram's global offset */
};

struct unit {
    Dwarf_Off die;        /* global offset of the CU DIE */
    bool decoded;         /* the fields below are filled */
    unsigned line_version; /* line table version; file numbers are 0-based
                              from 5 on, 1-based before (DWARF 5 §6.2.4) */
    const char **files;   /* srcfiles, index = file number - base */
    size_t n_files;
    unsigned version;     /* the unit's DWARF version */
    uint64_t base;        /* its DW_AT_low_pc: base of DWARF 4 range lists */
    struct row *rows;     /* sorted by (addr, end first, order) */
    size_t n_rows;
    struct top *tops;     /* sorted by low */
    size_t n_tops, cap_tops;
};

struct name_entry {
    Dwarf_Off die;        /* global offset of the DIE named; the key */
    const char *name;     /* NULL when the chain has none */
    bool is_linkage;
};

struct unit_range {
    uint64_t low, high; /* low < high */
    uint32_t unit;
};

struct hd_sym_dwarf {
    struct object main_obj, alt_obj;
    Dwarf_Debug dbg;      /* over main_obj */
    Dwarf_Debug alt_dbg;  /* over alt_obj; NULL without a dwz file */
    const uint8_t *alt_str; /* the supplementary file's .debug_str */
    size_t alt_str_size;
    bool indexed;
    struct unit *units;
    size_t n_units;
    struct unit_range *unit_ranges; /* sorted by low */
    size_t n_unit_ranges;
    uint32_t *unranged;   /* units whose extent is unknown */
    size_t n_unranged;
    size_t units_decoded;
    char problem[256];    /* "" while no corruption was seen */
    bool cut_chain;       /* some inline chain was longer than a lookup's
                             MAX and lost its outer frames */
    struct hd_arena *arena; /* file names */
    struct hd_idtable name_index; /* ids into NAMES, by DIE */
    struct name_entry *names; /* cache of resolve_name(), one per DIE */
    size_t n_names, cap_names;
    struct range *scratch;  /* ranges of the DIE being looked at */
    size_t n_scratch, cap_scratch;
};

/* ---- object access ---- */

static int obj_section_info(void *obj_, Dwarf_Half index,
                            Dwarf_Obj_Access_Section *out, int *err)
{
    struct object *obj = obj_;
    if (index >= obj->n) {
        *err = DW_DLE_SECTION_ERROR;
        return DW_DLV_NO_ENTRY;
    }
    memset(out, 0, sizeof *out);
    out->type = index ? SHT_PROGBITS : SHT_NULL;
    out->size = obj->sizes[index];
    out->name = obj->names[index];
    return DW_DLV_OK;
}

static Dwarf_Endianness obj_byte_order(void *obj)
{
    (void)obj;
    return DW_OBJECT_LSB; /* hd_sym_elf_open() accepts nothing else */
}

static Dwarf_Small obj_length_size(void *obj)
{
    (void)obj;
    return 4;
}

static Dwarf_Small obj_pointer_size(void *obj_)
{
    struct object *obj = obj_;
    return obj->elf->elf_class == ELFCLASS32 ? 4 : 8;
}

static Dwarf_Unsigned obj_section_count(void *obj_)
{
    return ((struct object *)obj_)->n;
}

static int obj_load_section(void *obj_, Dwarf_Half index, Dwarf_Small **data,
                            int *err)
{
    struct object *obj = obj_;
    if (index == 0 || index >= obj->n) {
        *err = DW_DLE_SECTION_ERROR;
        return DW_DLV_NO_ENTRY;
    }
    const uint8_t *p;
    size_t size;
    struct hd_error section_err = {0};
    if (hd_sym_elf_section(obj->elf, obj->names[index], &p, &size, &section_err) != 1 ||
        size != obj->sizes[index]) {
        if (!obj->failure.message[0] && section_err.message[0])
            obj->failure = section_err;
        else if (!obj->failure.message[0]) /* absent, or not the size told */
            hd_error_set(&obj->failure, obj->elf->path, 0, "unreadable section");
        *err = DW_DLE_SECTION_ERROR;
        return DW_DLV_ERROR;
    }
    *data = (Dwarf_Small *)(uintptr_t)p; /* libdwarf only reads it */
    return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods obj_methods = {
    .get_section_info = obj_section_info,
    .get_byte_order = obj_byte_order,
    .get_length_size = obj_length_size,
    .get_pointer_size = obj_pointer_size,
    .get_section_count = obj_section_count,
    .load_section = obj_load_section,
    .relocate_a_section = NULL, /* executables and DSOs need none */
};

static uint64_t read_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* Why the range or location list section P (SIZE bytes) is not a sequence
 * of sound DWARF 5 unit headers (§7.28, §7.29), with *AT the unit's
 * offset; NULL when it is.  libdwarf 20210528 frees memory twice when a
 * unit's length does not fit (dwarf_get_aranges -> _dwarf_load_debug_info
 * -> dwarf_load_rnglists), so such a section must never reach it. */
static const char *unsound_lists_unit(const uint8_t *p, size_t size, size_t *at)
{
    size_t pos = 0;
    while (pos < size) {
        *at = pos;
        if (size - pos < 4)
            return "a unit length cut off";
        uint64_t length = read_le(p + pos, 4);
        size_t offset_size = 4;
        pos += 4;
        if (length == 0xffffffff) {
            if (size - pos < 8)
                return "a unit length cut off";
            length = read_le(p + pos, 8);
            offset_size = 8;
            pos += 8;
        } else if (length >= 0xfffffff0) {
            return "a reserved unit length";
        }
        if (length > size - pos)
            return "a unit longer than the section";
        if (length < 8)
            return "a unit shorter than its header";
        const uint8_t *h = p + pos;
        if (read_le(h, 2) != 5)
            return "a unit version that is not 5";
        if (h[2] != 4 && h[2] != 8)
            return "an address size that is not 4 or 8";
        if (h[3] != 0)
            return "a segment selector size that is not 0";
        if (read_le(h + 4, 4) > (length - 8) / offset_size)
            return "more offset entries than the unit holds";
        pos += length;
    }
    return NULL;
}

/* Check the sections that libdwarf cannot read safely when corrupt.
 * Returns 0, or -1 with *ERR set. */
static int check_lists_sections(struct hd_sym_elf *elf, struct hd_error *err)
{
    static const char *const names[] = {".debug_rnglists", ".debug_loclists"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const uint8_t *p;
        size_t size, at = 0;
        struct hd_error section_err = {0};
        int rc = hd_sym_elf_section(elf, names[i], &p, &size, &section_err);
        if (rc < 0)
            return hd_error_set(err, elf->path, 0, "%s: %.200s", names[i],
                                section_err.message);
        const char *why = rc == 1 ? unsound_lists_unit(p, size, &at) : NULL;
        if (why)
            return hd_error_set(err, elf->path, 0, "%s has %s (at offset 0x%zx)", names[i],
                                why, at);
    }
    return 0;
}

/* libdwarf's allocation-tracking flag is process-wide: set once, before
 * any thread of core/parallel.c opens DWARF. */
static pthread_once_t libdwarf_ready = PTHREAD_ONCE_INIT;
static void start_libdwarf(void)
{
    dwarf_set_de_alloc_flag(1);
}

static int open_object(struct object *obj, struct hd_sym_elf *elf, Dwarf_Debug *dbg,
                       struct hd_error *err)
{
    *dbg = NULL;
    if (check_lists_sections(elf, err) != 0)
        return -1;
    obj->elf = elf;
    obj->names[0] = "";
    obj->n = 1;
    for (size_t i = 0; i < N_WANTED; i++) {
        uint64_t size;
        if (hd_sym_elf_section_size(elf, wanted_sections[i], &size)) {
            obj->names[obj->n] = wanted_sections[i];
            obj->sizes[obj->n] = size;
            obj->n++;
        }
    }
    obj->iface.object = obj;
    obj->iface.methods = &obj_methods;
    Dwarf_Error dw_err = NULL;
    pthread_once(&libdwarf_ready, start_libdwarf);
    int rc = dwarf_object_init_b(&obj->iface, NULL, NULL, DW_GROUPNUMBER_ANY,
                                 dbg, &dw_err);
    if (rc != DW_DLV_OK) {
        /* At most 255 bytes, as this reason has always been. */
        hd_error_set(err, elf->path, 0, "libdwarf: %.245s",
                     rc == DW_DLV_ERROR ? dwarf_errmsg(dw_err) : "no DWARF sections");
        if (dw_err)
            dwarf_dealloc_error(NULL, dw_err);
        *dbg = NULL;
        return -1;
    }
    return 0;
}

/* ---- helpers over libdwarf ---- */

static void note_problem(struct hd_sym_dwarf *d, const char *what, Dwarf_Error err)
{
    if (!d->problem[0]) {
        const char *why = d->main_obj.failure.message[0] ? d->main_obj.failure.message
                          : d->alt_obj.failure.message[0] ? d->alt_obj.failure.message
                          : err ? dwarf_errmsg(err) : "corrupt";
        snprintf(d->problem, sizeof d->problem, "%.60s: %.180s", what, why);
    }
}

static void drop_error(Dwarf_Debug dbg, Dwarf_Error *err)
{
    if (*err) {
        dwarf_dealloc_error(dbg, *err);
        *err = NULL;
    }
}

static bool is_placeholder(const char *s)
{
    /* Debian's libdwarf 20210528 returns "<DW_FORM_GNU_strp_alt-no-tied-file>"
     * and "<DW_FORM_strp_sup-no-tied-file>" for strings it cannot reach;
     * no such text may ever be shown as a name. */
    return s[0] == '<' && strncmp(s, "<DW_FORM_", 9) == 0;
}

/* The string value of attribute A (of a DIE in DBG), or NULL.  Strings in
 * a dwz supplementary file (DW_FORM_GNU_strp_alt, DW_FORM_strp_sup) are
 * read from its .debug_str here rather than through libdwarf's "tied
 * file", which this libdwarf version only half supports. */
static const char *attr_string(struct hd_sym_dwarf *d, Dwarf_Debug dbg,
                               Dwarf_Attribute a)
{
    Dwarf_Error err = NULL;
    Dwarf_Half form = 0;
    if (dwarf_whatform(a, &form, &err) != DW_DLV_OK) {
        drop_error(dbg, &err);
        return NULL;
    }
    if (form == DW_FORM_GNU_strp_alt || form == DW_FORM_strp_sup) {
        Dwarf_Off off = 0;
        if (dwarf_global_formref(a, &off, &err) != DW_DLV_OK) {
            drop_error(dbg, &err);
            return NULL;
        }
        if (!d->alt_str || off >= d->alt_str_size)
            return NULL;
        const char *s = (const char *)d->alt_str + off;
        if (!memchr(s, '\0', d->alt_str_size - off))
            return NULL;
        return s;
    }
    char *s = NULL;
    if (dwarf_formstring(a, &s, &err) != DW_DLV_OK) {
        drop_error(dbg, &err);
        return NULL;
    }
    return s && !is_placeholder(s) ? s : NULL;
}

/* The DIE referenced by attribute A: its global offset and whether it lies
 * in the supplementary file. */
static bool attr_ref(Dwarf_Debug dbg, Dwarf_Attribute a, Dwarf_Off *off, bool *in_alt)
{
    Dwarf_Error err = NULL;
    Dwarf_Half form = 0;
    if (dwarf_whatform(a, &form, &err) != DW_DLV_OK) {
        drop_error(dbg, &err);
        return false;
    }
    *in_alt = form == DW_FORM_GNU_ref_alt || form == DW_FORM_ref_sup4 ||
              form == DW_FORM_ref_sup8;
    if (dwarf_global_formref(a, off, &err) != DW_DLV_OK) {
        drop_error(dbg, &err);
        return false;
    }
    return true;
}

static bool attr_udata(Dwarf_Debug dbg, Dwarf_Attribute a, Dwarf_Unsigned *v)
{
    Dwarf_Error err = NULL;
    if (dwarf_formudata(a, v, &err) != DW_DLV_OK) {
        drop_error(dbg, &err);
        Dwarf_Off off;
        if (dwarf_global_formref(a, &off, &err) != DW_DLV_OK) {
            drop_error(dbg, &err);
            return false;
        }
        *v = off;
    }
    return true;
}

/* ---- names ---- */

/* Follow DIE at OFF (in the alt file when IN_ALT) through
 * DW_AT_abstract_origin and DW_AT_specification, as llvm-symbolizer does:
 * the first mangled linkage name on the chain wins, else the first
 * DW_AT_name, else a linkage name that is no mangled name (an asm label
 * such as glibc's "__GI___libc_malloc" for __libc_malloc).  Stops on
 * cycles and after MAX_REF_CHAIN hops. */
static void resolve_name(struct hd_sym_dwarf *d, Dwarf_Off off, bool in_alt,
                         const char **name, bool *is_linkage)
{
    const char *plain = NULL, *linkage = NULL, *label = NULL;
    Dwarf_Off seen[MAX_REF_CHAIN];
    bool seen_alt[MAX_REF_CHAIN];
    size_t n_seen = 0;
    while (!linkage && n_seen < MAX_REF_CHAIN) {
        bool loop = false;
        for (size_t i = 0; i < n_seen; i++)
            loop = loop || (seen[i] == off && seen_alt[i] == in_alt);
        if (loop)
            break;
        seen[n_seen] = off;
        seen_alt[n_seen++] = in_alt;
        Dwarf_Debug dbg = in_alt ? d->alt_dbg : d->dbg;
        if (!dbg)
            break;
        Dwarf_Error err = NULL;
        Dwarf_Die die = NULL;
        if (dwarf_offdie_b(dbg, off, true, &die, &err) != DW_DLV_OK) {
            note_problem(d, "bad DIE reference", err);
            drop_error(dbg, &err);
            break;
        }
        Dwarf_Attribute *attrs = NULL;
        Dwarf_Signed n_attrs = 0;
        if (dwarf_attrlist(die, &attrs, &n_attrs, &err) != DW_DLV_OK) {
            drop_error(dbg, &err);
            n_attrs = 0;
        }
        bool have_next = false;
        Dwarf_Off next = 0;
        bool next_alt = false;
        for (Dwarf_Signed i = 0; i < n_attrs; i++) {
            Dwarf_Half at = 0;
            if (dwarf_whatattr(attrs[i], &at, &err) != DW_DLV_OK) {
                drop_error(dbg, &err);
                continue;
            }
            if (at == DW_AT_linkage_name || at == DW_AT_MIPS_linkage_name) {
                const char *s = attr_string(d, dbg, attrs[i]);
                if (s && hd_sym_is_mangled(s))
                    linkage = s;
                else if (s && !label)
                    label = s;
            } else if (at == DW_AT_name) {
                if (!plain)
                    plain = attr_string(d, dbg, attrs[i]);
            } else if (at == DW_AT_abstract_origin || at == DW_AT_specification) {
                Dwarf_Off o;
                bool alt;
                /* Prefer the abstract origin: it leads to the specification. */
                if ((!have_next || at == DW_AT_abstract_origin) &&
                    attr_ref(dbg, attrs[i], &o, &alt)) {
                    next = o;
                    next_alt = alt || in_alt;
                    have_next = true;
                }
            }
            dwarf_dealloc_attribute(attrs[i]);
        }
        if (attrs)
            dwarf_dealloc(dbg, attrs, DW_DLA_LIST);
        dwarf_dealloc_die(die);
        if (!have_next)
            break;
        off = next;
        in_alt = next_alt;
    }
    *name = linkage ? linkage : plain ? plain : label;
    *is_linkage = linkage != NULL;
}

/* ---- ranges ---- */

static bool plausible(uint64_t low, uint64_t high)
{
    /* 0 and -1/-2 are linkers' tombstones for discarded code. */
    return low < high && low != 0 && low < UINT64_MAX - 1;
}

/* Append DIE's address ranges to *OUT (an array of *CAP, *N used).  BASE is the
 * unit's base address (its DW_AT_low_pc) for DWARF 4 range lists. */
static void die_ranges(struct hd_sym_dwarf *d, Dwarf_Die die, unsigned version,
                       uint64_t base, struct range **out, size_t *n, size_t *cap)
{
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
#define PUSH(lo, hi)                                                      \
    do {                                                                  \
        if (plausible((lo), (hi))) {                                      \
            HD_ARRAY_RESERVE(*out, *cap, *n + 1);                         \
            (*out)[(*n)++] = (struct range){(lo), (hi)};                  \
        }                                                                 \
    } while (0)
    Dwarf_Addr low = 0, high = 0;
    Dwarf_Half form = 0;
    enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
    int rl = dwarf_lowpc(die, &low, &err);
    drop_error(dbg, &err);
    if (rl == DW_DLV_OK) {
        int rh = dwarf_highpc_b(die, &high, &form, &cls, &err);
        drop_error(dbg, &err);
        if (rh == DW_DLV_OK) {
            if (cls != DW_FORM_CLASS_ADDRESS)
                high += low;
            PUSH(low, high);
            return;
        }
    }
    Dwarf_Attribute a = NULL;
    if (dwarf_attr(die, DW_AT_ranges, &a, &err) != DW_DLV_OK) {
        drop_error(dbg, &err);
        return;
    }
    Dwarf_Unsigned value = 0;
    Dwarf_Half aform = 0;
    if (dwarf_whatform(a, &aform, &err) != DW_DLV_OK || !attr_udata(dbg, a, &value)) {
        drop_error(dbg, &err);
        dwarf_dealloc_attribute(a);
        return;
    }
    if (version >= 5) {
        Dwarf_Rnglists_Head head = NULL;
        Dwarf_Unsigned count = 0, global = 0;
        if (dwarf_rnglists_get_rle_head(a, aform, value, &head, &count, &global,
                                        &err) == DW_DLV_OK) {
            for (Dwarf_Unsigned i = 0; i < count; i++) {
                unsigned len = 0, code = 0;
                Dwarf_Unsigned raw1 = 0, raw2 = 0, lo = 0, hi = 0;
                Dwarf_Bool no_addr = false;
                if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1,
                                                      &raw2, &no_addr, &lo, &hi,
                                                      &err) != DW_DLV_OK) {
                    note_problem(d, "bad range list", err);
                    drop_error(dbg, &err);
                    break;
                }
                if (no_addr)
                    continue;
                switch (code) {
                case DW_RLE_offset_pair:
                case DW_RLE_startx_endx:
                case DW_RLE_startx_length:
                case DW_RLE_start_end:
                case DW_RLE_start_length:
                    PUSH(lo, hi);
                    break;
                default:
                    break;
                }
            }
            dwarf_dealloc_rnglists_head(head);
        } else {
            note_problem(d, "bad range list", err);
            drop_error(dbg, &err);
        }
    } else {
        Dwarf_Ranges *list = NULL;
        Dwarf_Signed count = 0;
        Dwarf_Unsigned bytes = 0;
        Dwarf_Off real = 0;
        if (dwarf_get_ranges_b(dbg, value, die, &real, &list, &count, &bytes,
                               &err) == DW_DLV_OK) {
            for (Dwarf_Signed i = 0; i < count; i++) {
                if (list[i].dwr_type == DW_RANGES_ENTRY)
                    PUSH(base + list[i].dwr_addr1, base + list[i].dwr_addr2);
                else if (list[i].dwr_type == DW_RANGES_ADDRESS_SELECTION)
                    base = list[i].dwr_addr2;
                else
                    break;
            }
            dwarf_ranges_dealloc(dbg, list, count);
        } else {
            note_problem(d, "bad range list", err);
            drop_error(dbg, &err);
        }
    }
    dwarf_dealloc_attribute(a);
#undef PUSH
}

/* ---- unit index ---- */

static int compare_unit_ranges(const void *a, const void *b)
{
    const struct unit_range *x = a, *y = b;
    return x->low < y->low ? -1 : x->low > y->low;
}

static int compare_offsets(const void *a, const void *b)
{
    const Dwarf_Off *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static void push_unit_range(struct hd_sym_dwarf *d, size_t *cap, uint64_t low,
                            uint64_t high, uint32_t unit)
{
    if (!plausible(low, high))
        return;
    HD_ARRAY_RESERVE(d->unit_ranges, *cap, d->n_unit_ranges + 1);
    d->unit_ranges[d->n_unit_ranges++] = (struct unit_range){low, high, unit};
}

/* The unit id of the CU DIE at OFF, adding it if new. */
static uint32_t unit_id(struct hd_sym_dwarf *d, size_t *cap, Dwarf_Off off)
{
    for (size_t i = d->n_units; i > 0; i--) /* aranges come grouped by unit */
        if (d->units[i - 1].die == off)
            return (uint32_t)(i - 1);
    HD_ARRAY_RESERVE(d->units, *cap, d->n_units + 1);
    memset(&d->units[d->n_units], 0, sizeof *d->units);
    d->units[d->n_units].die = off;
    return (uint32_t)d->n_units++;
}

static void build_index(struct hd_sym_dwarf *d)
{
    d->indexed = true;
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    size_t cap_units = 0, cap_ranges = 0, cap_unranged = 0;

    /* .debug_aranges, when present (GCC writes it; clang does not). */
    Dwarf_Off *covered = NULL;
    size_t n_covered = 0;
    Dwarf_Arange *aranges = NULL;
    Dwarf_Signed n_aranges = 0;
    int rc = dwarf_get_aranges(dbg, &aranges, &n_aranges, &err);
    if (rc == DW_DLV_OK) {
        covered = hd_calloc((size_t)n_aranges, sizeof *covered);
        for (Dwarf_Signed i = 0; i < n_aranges; i++) {
            Dwarf_Unsigned segment = 0, segment_size = 0, length = 0;
            Dwarf_Addr start = 0;
            Dwarf_Off cu_die = 0;
            if (dwarf_get_arange_info_b(aranges[i], &segment, &segment_size,
                                        &start, &length, &cu_die, &err) == DW_DLV_OK) {
                uint32_t u = unit_id(d, &cap_units, cu_die);
                push_unit_range(d, &cap_ranges, start, start + length, u);
                covered[n_covered++] = cu_die;
            } else {
                drop_error(dbg, &err);
            }
            dwarf_dealloc(dbg, aranges[i], DW_DLA_ARANGE);
        }
        dwarf_dealloc(dbg, aranges, DW_DLA_LIST);
        qsort(covered, n_covered, sizeof *covered, compare_offsets);
    } else if (rc == DW_DLV_ERROR) {
        note_problem(d, "bad .debug_aranges", err);
        drop_error(dbg, &err);
    }

    /* Every unit not in .debug_aranges: its own DW_AT_low_pc/high_pc or
     * DW_AT_ranges (DWARF 5 §3.1.1). */
    for (;;) {
        Dwarf_Unsigned header_length = 0, abbrev = 0, type_offset = 0, next = 0;
        Dwarf_Half version = 0, address_size = 0, length_size = 0, ext_size = 0,
                   unit_type = 0;
        Dwarf_Sig8 sig;
        rc = dwarf_next_cu_header_d(dbg, true, &header_length, &version, &abbrev,
                                    &address_size, &length_size, &ext_size, &sig,
                                    &type_offset, &next, &unit_type, &err);
        if (rc == DW_DLV_ERROR) {
            note_problem(d, "bad compilation unit header", err);
            drop_error(dbg, &err);
        }
        if (rc != DW_DLV_OK)
            break;
        Dwarf_Die cu = NULL;
        if (dwarf_siblingof_b(dbg, NULL, true, &cu, &err) != DW_DLV_OK) {
            note_problem(d, "bad compilation unit", err);
            drop_error(dbg, &err);
            continue;
        }
        Dwarf_Off off = 0;
        Dwarf_Half tag = 0;
        if (dwarf_dieoffset(cu, &off, &err) != DW_DLV_OK ||
            dwarf_tag(cu, &tag, &err) != DW_DLV_OK) {
            drop_error(dbg, &err);
            dwarf_dealloc_die(cu);
            continue;
        }
        if (tag == DW_TAG_compile_unit &&
            (n_covered == 0 ||
             !bsearch(&off, covered, n_covered, sizeof *covered, compare_offsets))) {
            struct range *r = NULL;
            size_t n = 0, cap = 0;
            Dwarf_Addr base = 0;
            if (dwarf_lowpc(cu, &base, &err) != DW_DLV_OK)
                base = 0;
            drop_error(dbg, &err);
            die_ranges(d, cu, version, base, &r, &n, &cap);
            uint32_t u = unit_id(d, &cap_units, off);
            for (size_t i = 0; i < n; i++)
                push_unit_range(d, &cap_ranges, r[i].low, r[i].high, u);
            if (n == 0) {
                HD_ARRAY_RESERVE(d->unranged, cap_unranged, d->n_unranged + 1);
                d->unranged[d->n_unranged++] = u;
            }
            free(r);
        }
        dwarf_dealloc_die(cu);
    }
    free(covered);
    if (d->n_unit_ranges)
        qsort(d->unit_ranges, d->n_unit_ranges, sizeof *d->unit_ranges,
          compare_unit_ranges);
}

/* ---- unit decoding ---- */

static bool tag_may_hold_functions(Dwarf_Half tag)
{
    switch (tag) {
    case DW_TAG_namespace:
    case DW_TAG_module:
    case DW_TAG_class_type:
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
        return true;
    default:
        return false;
    }
}

/* Step from DIE to its first child (CHILD) or its next sibling into *NEXT.
 * A DW_AT_sibling may point anywhere, the DIE itself included, so every
 * step must move forward: the next DIE's offset is past DIE's and inside
 * DIE's unit.  Then a walk ends within the unit's size.  Returns libdwarf's
 * status; a step that does not move forward is DW_DLV_NO_ENTRY and noted
 * as a problem. */
static int step_forward(struct hd_sym_dwarf *d, Dwarf_Die die, bool child, Dwarf_Die *next)
{
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    int rc = child ? dwarf_child(die, next, &err)
                   : dwarf_siblingof_b(dbg, die, true, next, &err);
    if (rc == DW_DLV_ERROR) {
        note_problem(d, "bad DIE", err);
        drop_error(dbg, &err);
    }
    if (rc != DW_DLV_OK)
        return rc;
    Dwarf_Off here = 0, there = 0, unit = 0, unit_length = 0;
    if (dwarf_dieoffset(die, &here, &err) == DW_DLV_OK &&
        dwarf_dieoffset(*next, &there, &err) == DW_DLV_OK &&
        dwarf_die_CU_offset_range(die, &unit, &unit_length, &err) == DW_DLV_OK &&
        there > here && there < unit + unit_length)
        return DW_DLV_OK;
    drop_error(dbg, &err);
    note_problem(d, child ? "DIE child does not move forward"
                          : "DIE sibling does not move forward", NULL);
    dwarf_dealloc_die(*next);
    *next = NULL;
    return DW_DLV_NO_ENTRY;
}

static void push_top(struct unit *u, uint64_t low, uint64_t high, Dwarf_Off die)
{
    HD_ARRAY_RESERVE(u->tops, u->cap_tops, u->n_tops + 1);
    u->tops[u->n_tops++] = (struct top){low, high, die};
}

/* Whether DIE lies past *VISITED, the furthest DIE this walk has reached,
 * and if so make it the furthest.  A walk of a tree in DIE order (a DIE,
 * its children, then its siblings) only moves forward; a DIE at or before
 * the furthest means sibling links that jump back into a subtree already
 * walked, where walking on could visit it again and again (exponentially
 * often through nested namespaces).  Such a walk is noted and ends. */
static bool first_visit(struct hd_sym_dwarf *d, Dwarf_Die die, Dwarf_Off *visited)
{
    Dwarf_Off off = 0;
    Dwarf_Error err = NULL;
    if (dwarf_dieoffset(die, &off, &err) != DW_DLV_OK) {
        drop_error(d->dbg, &err);
        return false;
    }
    if (off <= *visited) {
        note_problem(d, "DIE tree revisits its DIEs", NULL);
        return false;
    }
    *visited = off;
    return true;
}

/* Record the out-of-line functions among PARENT_DIE's children (and inside
 * its namespaces and classes) in u->tops.  Subprogram subtrees are not
 * entered: lookups descend them on demand.  *VISITED is the furthest DIE
 * the walk has reached (first_visit): each DIE is visited once. */
static void collect_functions(struct hd_sym_dwarf *d, struct unit *u,
                              Dwarf_Die parent_die, unsigned depth, Dwarf_Off *visited)
{
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    if (depth >= MAX_DIE_DEPTH) {
        note_problem(d, "DIE tree too deep", NULL);
        return;
    }
    Dwarf_Die die = NULL;
    int rc = step_forward(d, parent_die, true, &die);
    while (rc == DW_DLV_OK) {
        if (!first_visit(d, die, visited)) {
            dwarf_dealloc_die(die);
            return;
        }
        Dwarf_Half tag = 0;
        if (dwarf_tag(die, &tag, &err) == DW_DLV_OK) {
            if (tag == DW_TAG_subprogram) {
                d->n_scratch = 0;
                die_ranges(d, die, u->version, u->base, &d->scratch, &d->n_scratch,
                           &d->cap_scratch);
                Dwarf_Off off = 0;
                if (d->n_scratch && dwarf_dieoffset(die, &off, &err) == DW_DLV_OK)
                    for (size_t i = 0; i < d->n_scratch; i++)
                        push_top(u, d->scratch[i].low, d->scratch[i].high, off);
                drop_error(dbg, &err);
            } else if (tag_may_hold_functions(tag)) {
                collect_functions(d, u, die, depth + 1, visited);
            }
        } else {
            drop_error(dbg, &err);
        }
        Dwarf_Die next = NULL;
        rc = step_forward(d, die, false, &next);
        dwarf_dealloc_die(die);
        die = next;
    }
}

static int compare_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->end != y->end)
        return x->end ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int compare_tops(const void *a, const void *b)
{
    const struct top *x = a, *y = b;
    return x->low < y->low ? -1 : x->low > y->low;
}

struct sequence {
    uint64_t start;     /* address of its first row */
    size_t first, n;    /* rows [first, first + n) of the unsorted table */
};

static int compare_sequences(const void *a, const void *b)
{
    const struct sequence *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Sort u->rows by (address, end rows first, order).  Addresses rise within
 * a sequence (DWARF 5 §6.2.5), so sorting the sequences by their start is
 * enough unless sequences overlap; then every row is sorted. */
static void sort_rows(struct unit *u)
{
    size_t n_seq = 0;
    for (size_t i = 0; i < u->n_rows; i++)
        n_seq += u->rows[i].end || i + 1 == u->n_rows;
    struct sequence *seq = hd_malloc(n_seq, sizeof *seq);
    struct row *sorted = hd_malloc(u->n_rows, sizeof *sorted);
    size_t k = 0, first = 0;
    for (size_t i = 0; i < u->n_rows; i++) {
        if (u->rows[i].end || i + 1 == u->n_rows) {
            seq[k++] = (struct sequence){u->rows[first].addr, first, i + 1 - first};
            first = i + 1;
        }
    }
    if (n_seq > 1)
        qsort(seq, n_seq, sizeof *seq, compare_sequences);
    size_t at = 0;
    for (size_t i = 0; i < n_seq; i++) {
        memcpy(sorted + at, u->rows + seq[i].first, seq[i].n * sizeof *sorted);
        at += seq[i].n;
    }
    free(seq);
    free(u->rows);
    u->rows = sorted;
    /* Equal addresses need no further order here: inside a sequence the
     * rows keep theirs, and a sequence ending at X comes before one
     * starting at X, as compare_rows() would put them. */
    for (size_t i = 1; i < u->n_rows; i++) {
        if (u->rows[i - 1].addr > u->rows[i].addr) {
            qsort(u->rows, u->n_rows, sizeof *u->rows, compare_rows);
            break;
        }
    }
}

/* Whether every file entry of the line table CTX (of line-table VERSION)
 * has a name and, unless the name is absolute, a directory index within
 * the table's include directories.  dwarf_srcfiles (libdwarf 20210528)
 * fails on either and then leaks the names it built ("This can leak some
 * strings"), which nothing can free while de-allocation tracking is off
 * (open_object); so it is called only on tables that pass.  The bound
 * depends on the version: up to DWARF 4 index 0 is the compilation
 * directory and 1..N the N listed ones, while DWARF 5 lists directory 0
 * too, so N is one past the end there.  libdwarf accepts N in both and
 * then reads beyond its array of directories (a fuzz finding,
 * tests/fuzz/regressions/dwarf/line-v5-dir-index-past-end). */
static bool file_entries_are_sound(Dwarf_Line_Context ctx, Dwarf_Unsigned version)
{
    Dwarf_Error err = NULL;
    Dwarf_Signed base = 0, count = 0, end = 0, n_dirs = 0;
    if (dwarf_srclines_files_indexes(ctx, &base, &count, &end, &err) != DW_DLV_OK ||
        dwarf_srclines_include_dir_count(ctx, &n_dirs, &err) != DW_DLV_OK) {
        drop_error(NULL, &err);
        return false;
    }
    for (Dwarf_Signed i = base; i < end; i++) {
        const char *name = NULL;
        Dwarf_Unsigned dir = 0, mtime = 0, length = 0;
        Dwarf_Form_Data16 *md5 = NULL;
        if (dwarf_srclines_files_data_b(ctx, i, &name, &dir, &mtime, &length, &md5,
                                        &err) != DW_DLV_OK || !name ||
            (name[0] != '/' && (version >= 5 ? dir >= (Dwarf_Unsigned)n_dirs
                                               : dir > (Dwarf_Unsigned)n_dirs))) {
            drop_error(NULL, &err);
            return false;
        }
    }
    return true;
}

static void read_files(struct hd_sym_dwarf *d, struct unit *u, Dwarf_Die cu)
{
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    char **files = NULL;
    Dwarf_Signed n_files = 0;
    int rc = dwarf_srcfiles(cu, &files, &n_files, &err);
    if (rc == DW_DLV_OK) {
        u->files = hd_arena_alloc(d->arena, (size_t)n_files * sizeof *u->files + 1);
        for (Dwarf_Signed i = 0; i < n_files; i++) {
            /* One spelling per file, as Go pprof shows it (common/path.h). */
            u->files[i] =
                hd_path_clean(hd_arena_strndup(d->arena, files[i], strlen(files[i])));
            dwarf_dealloc(dbg, files[i], DW_DLA_STRING);
        }
        u->n_files = (size_t)n_files;
        dwarf_dealloc(dbg, files, DW_DLA_LIST);
    } else if (rc == DW_DLV_ERROR) {
        note_problem(d, "bad line table header", err);
        drop_error(dbg, &err);
    }
}

static void read_lines_alone(struct hd_sym_dwarf *d, struct unit *u, Dwarf_Die cu)
{
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    Dwarf_Unsigned version = 0;
    Dwarf_Small table_count = 0;
    Dwarf_Line_Context ctx = NULL;
    /* The line table first: dwarf_srcfiles may leak on a corrupt one, so it
     * runs only on a table that dwarf_srclines_b read whole and whose file
     * entries are sound. */
    int rc = dwarf_srclines_b(cu, &version, &table_count, &ctx, &err);
    if (rc != DW_DLV_OK) {
        if (rc == DW_DLV_ERROR)
            note_problem(d, "bad line table", err);
        drop_error(dbg, &err);
        return;
    }
    if (file_entries_are_sound(ctx, version))
        read_files(d, u, cu);
    else
        note_problem(d, "bad line table header", NULL);
    u->line_version = (unsigned)version;
    Dwarf_Line *lines = NULL;
    Dwarf_Signed n_lines = 0;
    if (dwarf_srclines_from_linecontext(ctx, &lines, &n_lines, &err) == DW_DLV_OK &&
        n_lines > 0) {
        u->rows = hd_malloc((size_t)n_lines, sizeof *u->rows);
        for (Dwarf_Signed i = 0; i < n_lines; i++) {
            Dwarf_Addr addr = 0;
            Dwarf_Unsigned lineno = 0, fileno = 0;
            Dwarf_Bool end = false;
            if (dwarf_lineaddr(lines[i], &addr, &err) != DW_DLV_OK ||
                dwarf_lineno(lines[i], &lineno, &err) != DW_DLV_OK ||
                dwarf_line_srcfileno(lines[i], &fileno, &err) != DW_DLV_OK ||
                dwarf_lineendsequence(lines[i], &end, &err) != DW_DLV_OK) {
                drop_error(dbg, &err);
                continue;
            }
            u->rows[u->n_rows] = (struct row){.addr = addr, .file = (uint32_t)fileno,
                                              .line = (uint32_t)lineno,
                                              .order = (uint32_t)i, .end = end};
            u->n_rows++;
        }
        sort_rows(u);
    }
    drop_error(dbg, &err);
    dwarf_srclines_dealloc_b(ctx);
}

/* libdwarf 20210528 reads a line table header through a static buffer of
 * its own (ThreadSanitizer sees dwarf_srclines_b and dwarf_srcfiles write
 * it), so even distinct Dwarf_Debug handles must not read line tables at
 * once (core/parallel.c). */
static pthread_mutex_t line_tables = PTHREAD_MUTEX_INITIALIZER;

static void read_lines(struct hd_sym_dwarf *d, struct unit *u, Dwarf_Die cu)
{
    pthread_mutex_lock(&line_tables);
    read_lines_alone(d, u, cu);
    pthread_mutex_unlock(&line_tables);
}

static void decode_unit(struct hd_sym_dwarf *d, struct unit *u)
{
    u->decoded = true;
    d->units_decoded++;
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    Dwarf_Die cu = NULL;
    if (dwarf_offdie_b(dbg, u->die, true, &cu, &err) != DW_DLV_OK) {
        note_problem(d, "bad compilation unit", err);
        drop_error(dbg, &err);
        return;
    }
    Dwarf_Half version = 0, offset_size = 0;
    if (dwarf_get_version_of_die(cu, &version, &offset_size) != DW_DLV_OK)
        version = 4;
    Dwarf_Addr base = 0;
    if (dwarf_lowpc(cu, &base, &err) != DW_DLV_OK)
        base = 0;
    drop_error(dbg, &err);
    read_lines(d, u, cu);

    u->version = version;
    u->base = base;
    Dwarf_Off visited = 0;
    collect_functions(d, u, cu, 0, &visited);
    dwarf_dealloc_die(cu);
    if (u->n_tops)
        qsort(u->tops, u->n_tops, sizeof *u->tops, compare_tops);
}

static void free_unit(struct unit *u)
{
    free(u->rows);
    free(u->tops);
}

/* ---- lookups ---- */

static bool scratch_contains(const struct hd_sym_dwarf *d, uint64_t pc)
{
    for (size_t i = 0; i < d->n_scratch; i++)
        if (pc >= d->scratch[i].low && pc < d->scratch[i].high)
            return true;
    return false;
}

static const char *file_name(const struct unit *u, uint32_t fileno)
{
    /* File numbers are 1-based up to DWARF 4 and 0-based in DWARF 5
     * (DWARF 5 §6.2.4 item 20); libdwarf's srcfiles list starts with the
     * first entry either way. */
    size_t base = u->line_version >= 5 ? 0 : 1;
    if (fileno < base || fileno - base >= u->n_files)
        return NULL;
    return u->files[fileno - base];
}

/* The row holding PC: the last with addr <= PC, unless it ends a sequence. */
static const struct row *find_row(const struct unit *u, uint64_t pc)
{
    size_t lo = 0, hi = u->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u->rows[mid].addr <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || u->rows[lo - 1].end)
        return NULL;
    return &u->rows[lo - 1];
}

/* The smallest out-of-line function range containing PC, or NULL. */
static const struct top *find_top(const struct unit *u, uint64_t pc)
{
    size_t lo = 0, hi = u->n_tops;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u->tops[mid].low <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    const struct top *best = NULL;
    for (size_t i = lo, tries = 0; i > 0 && tries < 16; i--, tries++) {
        const struct top *t = &u->tops[i - 1];
        if (pc < t->high && (!best || t->high - t->low < best->high - best->low))
            best = t;
    }
    return best;
}

/* NAME_INDEX's probe, OWNER being the hd_sym_dwarf and KEY a Dwarf_Off:
 * the hash of entry ID's DIE, whether ID is for the DIE at KEY, and a new
 * id for that DIE with its name resolved. */
static uint64_t name_rehash(const void *owner, uint32_t id)
{
    const struct hd_sym_dwarf *d = owner;
    return hd_hash_mix(d->names[id].die);
}

static bool name_matches(const void *owner, uint32_t id, const void *key)
{
    const struct hd_sym_dwarf *d = owner;
    return d->names[id].die == *(const Dwarf_Off *)key;
}

static uint32_t name_create(void *owner, const void *key)
{
    struct hd_sym_dwarf *d = owner;
    Dwarf_Off off = *(const Dwarf_Off *)key;
    HD_ARRAY_RESERVE(d->names, d->cap_names, d->n_names + 1);
    struct name_entry *e = &d->names[d->n_names];
    e->die = off;
    resolve_name(d, off, false, &e->name, &e->is_linkage);
    return (uint32_t)d->n_names++;
}

/* The cached name of the DIE at OFF (resolve_name()). */
static void die_name(struct hd_sym_dwarf *d, Dwarf_Off off, const char **name,
                     bool *is_linkage)
{
    struct hd_probe q = {hd_hash_mix(off), name_matches, name_rehash, d, &off};
    uint32_t id = hd_idtable_intern(&d->name_index, &q, name_create, d);
    *name = d->names[id].name;
    *is_linkage = d->names[id].is_linkage;
}

struct link {
    Dwarf_Off die;       /* the subprogram or inlined subroutine */
    uint32_t call_file;  /* DW_AT_call_file of an inlined one; 0 none */
    uint32_t call_line;
    bool inlined;
    uint64_t low;        /* an out-of-line function's entry */
};

static uint32_t udata_attr(struct hd_sym_dwarf *d, Dwarf_Die die, Dwarf_Half at)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute a = NULL;
    Dwarf_Unsigned v = 0;
    if (dwarf_attr(die, at, &a, &err) == DW_DLV_OK) {
        if (!attr_udata(d->dbg, a, &v))
            v = 0;
        dwarf_dealloc_attribute(a);
    }
    drop_error(d->dbg, &err);
    return v > UINT32_MAX ? 0 : (uint32_t)v;
}

/* Descend from the function TOP to the innermost scope holding PC, filling
 * CHAIN (outermost first) with at most MAX links.  A longer chain keeps its
 * innermost links, the allocation's callers, and sets d->cut_chain.  The
 * walk ends: every step goes to a later DIE of the unit (step_forward).
 * Returns its length. */
static size_t descend(struct hd_sym_dwarf *d, struct unit *u, const struct top *top,
                      uint64_t pc, struct link *chain, size_t max)
{
    Dwarf_Debug dbg = d->dbg;
    Dwarf_Error err = NULL;
    size_t n = 0;
    chain[n++] = (struct link){.die = top->die, .low = top->low};
    Dwarf_Die die = NULL;
    if (dwarf_offdie_b(dbg, top->die, true, &die, &err) != DW_DLV_OK) {
        note_problem(d, "bad DIE", err);
        drop_error(dbg, &err);
        return n;
    }
    while (die) {
        Dwarf_Die child = NULL, inside = NULL;
        int rc = step_forward(d, die, true, &child);
        while (rc == DW_DLV_OK && !inside) {
            Dwarf_Half tag = 0;
            if (dwarf_tag(child, &tag, &err) != DW_DLV_OK)
                drop_error(dbg, &err);
            if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram ||
                tag == DW_TAG_lexical_block || tag == DW_TAG_try_block ||
                tag == DW_TAG_catch_block) {
                d->n_scratch = 0;
                die_ranges(d, child, u->version, u->base, &d->scratch, &d->n_scratch,
                           &d->cap_scratch);
                if (scratch_contains(d, pc)) {
                    inside = child;
                    Dwarf_Off off = 0;
                    if (dwarf_dieoffset(child, &off, &err) != DW_DLV_OK)
                        drop_error(dbg, &err);
                    if (tag == DW_TAG_subprogram) {
                        /* A nested out-of-line function starts the chain anew. */
                        n = 0;
                        chain[n++] = (struct link){.die = off, .low = d->scratch[0].low};
                    } else if (tag == DW_TAG_inlined_subroutine) {
                        if (n == max) {
                            memmove(chain, chain + 1, (max - 1) * sizeof *chain);
                            n--;
                            d->cut_chain = true;
                        }
                        chain[n++] = (struct link){
                            .die = off, .inlined = true,
                            .call_file = udata_attr(d, child, DW_AT_call_file),
                            .call_line = udata_attr(d, child, DW_AT_call_line)};
                    }
                    break;
                }
            }
            Dwarf_Die next = NULL;
            rc = step_forward(d, child, false, &next);
            dwarf_dealloc_die(child);
            child = next;
        }
        dwarf_dealloc_die(die);
        die = inside;
    }
    if (die)
        dwarf_dealloc_die(die);
    return n;
}

static size_t lookup_in_unit(struct hd_sym_dwarf *d, struct unit *u, uint64_t pc,
                             struct hd_sym_dwarf_frame *frames, size_t max)
{
    if (!u->decoded)
        decode_unit(d, u);
    const struct row *row = find_row(u, pc);
    const struct top *top = find_top(u, pc);
    if ((!top && !row) || max == 0)
        return 0;
    if (!top) {
        frames[0] = (struct hd_sym_dwarf_frame){.file = file_name(u, row->file),
                                                .line = row->line};
        return 1;
    }
    struct link chain[64];
    size_t depth = descend(d, u, top, pc, chain, max < 64 ? max : 64);
    for (size_t i = 0; i < depth; i++) {
        struct hd_sym_dwarf_frame *f = &frames[i];
        *f = (struct hd_sym_dwarf_frame){.inlined = chain[i].inlined,
                                         .low_pc = chain[i].low};
        die_name(d, chain[i].die, &f->name, &f->name_is_linkage);
        if (i + 1 < depth) {
            f->file = file_name(u, chain[i + 1].call_file);
            f->line = chain[i + 1].call_line;
        } else if (row) {
            f->file = file_name(u, row->file);
            f->line = row->line;
        }
    }
    return depth;
}

size_t hd_sym_dwarf_lookup(struct hd_sym_dwarf *d, uint64_t pc,
                           struct hd_sym_dwarf_frame *frames, size_t max)
{
    if (!d->indexed)
        build_index(d);
    size_t lo = 0, hi = d->n_unit_ranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->unit_ranges[mid].low <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Overlapping unit ranges happen (LTO, bad aranges): try a few. */
    for (size_t i = lo, tries = 0; i > 0 && tries < 16; i--, tries++) {
        const struct unit_range *r = &d->unit_ranges[i - 1];
        if (pc >= r->high)
            continue;
        size_t n = lookup_in_unit(d, &d->units[r->unit], pc, frames, max);
        if (n > 0)
            return n;
    }
    for (size_t i = 0; i < d->n_unranged; i++) {
        size_t n = lookup_in_unit(d, &d->units[d->unranged[i]], pc, frames, max);
        if (n > 0)
            return n;
    }
    return 0;
}

/* ---- open/close ---- */

int hd_sym_dwarf_open(struct hd_sym_elf *elf, struct hd_sym_elf *alt,
                      struct hd_sym_dwarf **out, struct hd_error *err)
{
    *out = NULL;
    if (!hd_sym_elf_has_section(elf, ".debug_info"))
        return 1;
    struct hd_sym_dwarf *d = hd_calloc(1, sizeof *d);
    if (open_object(&d->main_obj, elf, &d->dbg, err) != 0) {
        free(d);
        return -1;
    }
    if (alt && hd_sym_elf_has_section(alt, ".debug_info")) {
        struct hd_error alt_err;
        if (open_object(&d->alt_obj, alt, &d->alt_dbg, &alt_err) != 0)
            snprintf(d->problem, sizeof d->problem, "dwz file %.100s: %.140s", alt->path,
                     alt_err.message);
        const uint8_t *p;
        size_t size;
        if (hd_sym_elf_section(alt, ".debug_str", &p, &size, NULL) == 1) {
            d->alt_str = p;
            d->alt_str_size = size;
        }
    }
    d->arena = hd_arena_new();
    *out = d;
    return 0;
}

void hd_sym_dwarf_preload(struct hd_sym_dwarf *d, bool largest_first)
{
    const struct object *obj = &d->main_obj;
    bool done[N_WANTED + 1] = {true}; /* [0] is ELF's null section */
    for (size_t round = 1; round < obj->n; round++) {
        size_t next = 0;
        for (size_t i = 1; i < obj->n; i++)
            if (!done[i] && (next == 0 || (largest_first ? obj->sizes[i] > obj->sizes[next]
                                                         : obj->sizes[i] < obj->sizes[next])))
                next = i;
        done[next] = true;
        const uint8_t *p;
        size_t size;
        /* A failure is met again, and said, when libdwarf asks. */
        hd_sym_elf_section(obj->elf, obj->names[next], &p, &size, NULL);
    }
}

void hd_sym_dwarf_close(struct hd_sym_dwarf *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_units; i++)
        free_unit(&d->units[i]);
    free(d->units);
    free(d->unit_ranges);
    free(d->unranged);
    hd_idtable_free(&d->name_index);
    free(d->names);
    free(d->scratch);
    Dwarf_Error err = NULL;
    if (d->alt_dbg) {
        dwarf_object_finish(d->alt_dbg, &err);
        drop_error(NULL, &err);
    }
    if (d->dbg) {
        dwarf_object_finish(d->dbg, &err);
        drop_error(NULL, &err);
    }
    hd_arena_free(d->arena);
    free(d);
}

bool hd_sym_dwarf_cut_chain(const struct hd_sym_dwarf *d)
{
    return d->cut_chain;
}

const char *hd_sym_dwarf_problem(const struct hd_sym_dwarf *d)
{
    return d->problem[0] ? d->problem : NULL;
}

size_t hd_sym_dwarf_units_decoded(const struct hd_sym_dwarf *d)
{
    return d->units_decoded;
}
