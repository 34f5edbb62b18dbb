/* Module-relative virtual addresses, as LeakSanitizer prints them, turned
 * into the file offsets the model keys locations by. */
#ifndef HD_VADDRS_H
#define HD_VADDRS_H

#include "model.h"
#include "symbolizer.h"

/* For each mapping of MODEL whose locations' offsets are ELF virtual
 * addresses (vaddr_offsets: LSan's "(module+0xOFF)"), read the module SYM
 * finds for it (BINARY for the main program, --sysroot, --lib-prefix
 * apply) and give each of its locations the file offset of its virtual
 * address, through the module's PT_LOAD segments (the mapping's start
 * stays the module's load bias, as LSan gave it).  A
 * module that cannot be read, or an address no segment holds, keeps the
 * virtual address: nothing would name it anyway, and the symbolizer says
 * why.  Call before hd_model_identify_modules, which rebuilds the
 * location index (the keys changed). */
void hd_sym_place_vaddrs(struct hd_symbolizer *sym, struct hd_model *model);

#endif
