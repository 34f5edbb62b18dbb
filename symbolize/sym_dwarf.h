/* DWARF lookups through libdwarf: compilation units found through
 * .debug_aranges or their own ranges, each decoded lazily (line table,
 * function and inline scopes) and cached. */
#ifndef HD_SYM_DWARF_H
#define HD_SYM_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hd_error;
struct hd_sym_elf;
struct hd_sym_dwarf;

/* One frame as DWARF gives it.  Strings live until hd_sym_dwarf_close(). */
struct hd_sym_dwarf_frame {
    const char *name;     /* linkage name when one exists (C++, Rust),
                             else DW_AT_name; NULL when unknown */
    bool name_is_linkage; /* NAME is a mangled linkage name */
    const char *file;     /* full path; NULL when unknown */
    unsigned line;        /* 0 when unknown */
    bool inlined;         /* from a DW_TAG_inlined_subroutine */
    uint64_t low_pc;      /* entry of the out-of-line function (frame 0
                             only; 0 when unknown) */
};

/* Read the DWARF of ELF, with ALT (may be NULL) as its dwz supplementary
 * file.  Both stay owned by the caller and must outlive the result.
 * Returns 0 with *OUT set; 1 when ELF has no .debug_info; -1 when
 * libdwarf cannot read it, with *ERR set: its file ELF's path, its message
 * the reason ("libdwarf: ..."). */
int hd_sym_dwarf_open(struct hd_sym_elf *elf, struct hd_sym_elf *alt,
                      struct hd_sym_dwarf **out, struct hd_error *err);

void hd_sym_dwarf_close(struct hd_sym_dwarf *dwarf);

/* Decompress now the sections lookups read, largest or smallest first,
 * rather than on the first lookup that needs each (hd_sym_preload). */
void hd_sym_dwarf_preload(struct hd_sym_dwarf *dwarf, bool largest_first);

/* The frames at virtual address PC, outermost first, into FRAMES (at most
 * MAX; beyond that the outermost are dropped, so that the innermost, the
 * allocation's callers, stay, and hd_sym_dwarf_cut_chain() says so).  Returns the number written:
 * 0 when no compilation unit describes PC.  A frame with a line but no
 * function (a unit without subprogram entries) has name NULL. */
size_t hd_sym_dwarf_lookup(struct hd_sym_dwarf *dwarf, uint64_t pc,
                           struct hd_sym_dwarf_frame *frames, size_t max);

/* Whether some DWARF was found corrupt so far, and why (else NULL).  The
 * lookups go on with what could be read. */
const char *hd_sym_dwarf_problem(const struct hd_sym_dwarf *dwarf);

/* Whether some lookup found an inline chain longer than its MAX, and so
 * dropped the outermost frames. */
bool hd_sym_dwarf_cut_chain(const struct hd_sym_dwarf *dwarf);

/* Compilation units decoded so far. */
size_t hd_sym_dwarf_units_decoded(const struct hd_sym_dwarf *dwarf);

#endif
