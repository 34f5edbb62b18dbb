/* Function ranges from the unwind tables: .eh_frame's FDEs give the start
 * and length of every function that can be unwound through, and they stay
 * in stripped libraries (they are needed at run time), so an address with
 * no symbol still has a function around it.
 *
 * Only pc_begin and pc_range are read; CFA instructions are not.  The file
 * is hostile input: every read is bounds-checked, lengths and pointer
 * encodings (DW_EH_PE_*) are checked before use, and a record that does not
 * parse is skipped, never trusted (LSB Core 5.0, "Exception Frames"). */
#ifndef HD_SYM_EH_FRAME_H
#define HD_SYM_EH_FRAME_H

#include <stdbool.h>
#include <stdint.h>

struct hd_sym_elf;
struct hd_sym_eh_frame; /* private to eh_frame.c */

/* The function around VADDR (an ELF virtual address of ELF): the FDE
 * whose [pc_begin, pc_begin + pc_range) holds it, in an executable
 * segment.  Found through .eh_frame_hdr's sorted table when the file has a
 * usable one (a binary search), else through a table built once from every
 * FDE of .eh_frame.  Returns true with [*START, *START + *SIZE) set, *SIZE
 * > 0; false when no FDE holds VADDR or the tables are absent or
 * unreadable. */
bool hd_sym_eh_frame_find(struct hd_sym_elf *elf, uint64_t vaddr, uint64_t *start,
                          uint64_t *size);

/* Free what hd_sym_eh_frame_find() cached in an ELF (hd_sym_elf_close
 * calls it).  NULL is fine. */
void hd_sym_eh_frame_free(struct hd_sym_eh_frame *frames);

#endif
