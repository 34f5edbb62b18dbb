/* ELF opening through hd_sym_elf_open(): the fuzzer's bytes are the file;
 * then everything elf.c offers is touched: segments, offset -> vaddr,
 * every section the symbolizer asks for (decompressed: .zdebug, zlib and
 * zstd SHF_COMPRESSED), both symbol tables and lookups in them, and the
 * function ranges of .eh_frame (through .eh_frame_hdr's table, the walk
 * of every record, or PT_GNU_EH_FRAME).  Seeds:
 * testdata/sym/bin, testdata/sym/debug and testdata/bin. */
#include <string.h>

#include "fuzz_common.h"
#include "sym_eh_frame.h"
#include "sym_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sections[] = {
    ".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_line_str",
    ".debug_ranges", ".debug_rnglists", ".debug_addr", ".debug_str_offsets",
    ".debug_aranges", ".gnu_debuglink", ".gnu_debugaltlink", ".note.gnu.build-id",
    ".text", ".symtab", ".dynsym",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    struct fuzz_file file;
    fuzz_file_make(&file, data, size);
    struct hd_sym_elf *elf = NULL;
    struct hd_error err;
    if (hd_sym_elf_open(file.path, &elf, &err) == 0) {
        volatile uint64_t sink = elf->build_id_size;
        if (elf->debuglink)
            sink += strlen(elf->debuglink);
        if (elf->altlink)
            sink += strlen(elf->altlink);
        for (size_t i = 0; i < elf->n_segments; i++) {
            const struct hd_sym_segment *s = &elf->segments[i];
            uint64_t vaddr;
            uint64_t probes[] = {s->offset, s->offset + s->filesz / 2,
                                 s->offset + (s->filesz ? s->filesz - 1 : 0)};
            for (size_t k = 0; k < sizeof probes / sizeof *probes; k++)
                if (hd_sym_elf_offset_to_vaddr(elf, probes[k], &vaddr)) {
                    sink += hd_sym_elf_has_vaddr(elf, vaddr);
                    uint64_t start, length, offset;
                    if (hd_sym_eh_frame_find(elf, vaddr, &start, &length))
                        sink += start + length +
                                hd_sym_elf_vaddr_to_offset(elf, start, &offset);
                    for (int t = HD_SYM_SYMTAB; t <= HD_SYM_DYNSYM; t++) {
                        const struct hd_sym_symbol *sym =
                            hd_sym_elf_find_symbol(elf, (enum hd_sym_symtab)t, vaddr);
                        if (sym && sym->name)
                            sink += strlen(sym->name);
                    }
                }
        }
        for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
            uint64_t full;
            if (hd_sym_elf_section_size(elf, sections[i], &full))
                sink += full;
            sink += hd_sym_elf_has_section(elf, sections[i]);
            const uint8_t *bytes;
            size_t n;
            if (hd_sym_elf_section(elf, sections[i], &bytes, &n, &err) == 1 && n)
                sink += bytes[0] + bytes[n - 1];
        }
        for (int t = HD_SYM_SYMTAB; t <= HD_SYM_DYNSYM; t++) {
            size_t n = hd_sym_elf_count_symbols(elf, (enum hd_sym_symtab)t);
            for (size_t i = 0; i < n; i++)
                if (elf->symbols[t][i].name)
                    sink += strlen(elf->symbols[t][i].name);
        }
        (void)sink;
    }
    hd_sym_elf_close(elf);
    fuzz_file_drop(&file);
    return 0;
}
