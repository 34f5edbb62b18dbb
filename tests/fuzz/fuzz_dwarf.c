/* DWARF symbolization (dwarf.c, through the symbolizer's cache, demangler
 * and debug-file search) of a mutated object: the fuzzer's bytes are the
 * file; up to eight return addresses spread over its executable PT_LOAD
 * segments are looked up with hd_sym_lookup(), and every frame read.  The
 * system's /usr/lib/debug is not searched (slow, and not the input);
 * testdata/sym/debug is, for the dwz seeds' .gnu_debugaltlink.  Seeds:
 * testdata/sym/bin and testdata/bin. */
#include <string.h>

#include "fuzz_common.h"
#include "sym_elf.h"
#include "symbolizer.h"

#ifndef HD_FUZZ_TESTDATA
#error "meson defines HD_FUZZ_TESTDATA, the path of testdata/"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_LOOKUPS = 8 };

/* Offsets in the executable segments of the file at PATH, spread evenly;
 * the last few bytes of the input nudge them so that the fuzzer can reach
 * other addresses.  Returns how many were written to OFFSETS. */
static size_t pick_offsets(const char *path, const uint8_t *data, size_t size,
                           uint64_t *offsets)
{
    struct hd_sym_elf *elf = NULL;
    if (hd_sym_elf_open(path, &elf, NULL) != 0)
        return 0;
    uint64_t nudge = 0;
    for (size_t i = size > 2 ? size - 2 : 0; i < size; i++)
        nudge = nudge << 8 | data[i];
    size_t n = 0;
    for (size_t i = 0; i < elf->n_segments && n < MAX_LOOKUPS; i++) {
        const struct hd_sym_segment *s = &elf->segments[i];
        if (!s->executable || s->filesz == 0)
            continue;
        for (unsigned k = 1; k <= 4 && n < MAX_LOOKUPS; k++)
            offsets[n++] = s->offset + (s->filesz / 5 * k + nudge) % s->filesz + 1;
    }
    hd_sym_elf_close(elf);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    struct fuzz_file file;
    fuzz_file_make(&file, data, size);
    uint64_t offsets[MAX_LOOKUPS];
    size_t n = pick_offsets(file.path, data, size, offsets);
    if (n) {
        const char *debug_dirs[] = {HD_FUZZ_TESTDATA "/sym/debug"};
        struct hd_sym_options options;
        hd_sym_options_init(&options);
        options.debug_dirs = debug_dirs;
        options.n_debug_dirs = 1;
        options.no_system_debug_dirs = true;
        options.demangle = size % 2 == 0;
        struct hd_symbolizer *sym = hd_sym_new(&options);
        volatile size_t sink = 0;
        for (size_t i = 0; i < n; i++) {
            const struct hd_sym_location *loc;
            if (hd_sym_lookup(sym, file.path, false, offsets[i], &loc) != 0)
                continue;
            for (uint32_t f = 0; f < loc->n_frames; f++) {
                const struct hd_sym_frame *frame = &loc->frames[f];
                if (frame->function)
                    sink += strlen(frame->function);
                if (frame->file)
                    sink += strlen(frame->file);
                sink += frame->line;
            }
        }
        char hex[130];
        sink += hd_sym_module_build_id(sym, file.path, false, hex, sizeof hex);
        (void)sink;
        hd_sym_free(sym);
    }
    fuzz_file_drop(&file);
    return 0;
}
