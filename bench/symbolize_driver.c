/* A tiny driver over the symbolizer for the benchmark and for manual
 * checks: reads "MODULE OFFSET" lines (offset in hex: the file offset of a
 * return address) on stdin, or takes them as arguments, and prints each
 * location's frames, outermost first:
 *     MODULE+OFFSET  function  file:line [inlined]
 * Usage: symbolize_driver [--full-names] [--debug-dir DIR] [--quiet]
 *                         [MODULE OFFSET]... */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolizer.h"

static void print_location(const char *module, uint64_t offset,
                           const struct hd_sym_location *loc)
{
    if (loc->n_frames == 0) {
        printf("%s+0x%" PRIx64 "\t?? (status %d)\n", module, offset, (int)loc->status);
        return;
    }
    for (uint32_t i = 0; i < loc->n_frames; i++) {
        const struct hd_sym_frame *f = &loc->frames[i];
        printf("%s+0x%" PRIx64 "\t%s\t%s:%u%s\n", module, offset,
               f->function ? f->function : "??", f->file ? f->file : "??", f->line,
               f->inlined ? "\t(inlined)" : "");
    }
}

int main(int argc, char **argv)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    const char *dirs[16];
    bool quiet = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--full-names") == 0)
            o.full_names = true;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = true;
        else if (strcmp(argv[i], "--debug-dir") == 0 && i + 1 < argc && o.n_debug_dirs < 16)
            dirs[o.n_debug_dirs++] = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--full-names] [--debug-dir DIR] [--quiet] "
                            "[MODULE OFFSET]...\n", argv[0]);
            return 2;
        }
    }
    o.debug_dirs = dirs;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    const struct hd_sym_location *loc;
    if (i < argc) {
        for (; i + 1 < argc; i += 2) {
            uint64_t offset = strtoull(argv[i + 1], NULL, 16);
            hd_sym_lookup(sym, argv[i], false, offset, &loc);
            if (!quiet)
                print_location(argv[i], offset, loc);
        }
    } else {
        char module[4096];
        unsigned long long offset;
        while (scanf("%4095s %llx", module, &offset) == 2) {
            hd_sym_lookup(sym, module, false, offset, &loc);
            if (!quiet)
                print_location(module, offset, loc);
        }
    }
    struct hd_sym_stats st;
    hd_sym_get_stats(sym, &st);
    fprintf(stderr, "lookups %zu, unique %zu, modules %zu, units decoded %zu\n",
            st.lookups, st.unique_addresses, st.modules_opened, st.units_decoded);
    hd_sym_free(sym);
    return 0;
}
