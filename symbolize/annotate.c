/* Symbols into the model (see annotate.h). */
#include "annotate.h"

#include <string.h>

void hd_sym_annotate_profile(struct hd_symbolizer *sym, struct hd_profile *p)
{
    uint32_t main_mapping = hd_profile_main_mapping(p);
    for (size_t i = 0; i < p->n_locations; i++) {
        struct hd_location *l = &p->locations[i];
        const char *module = NULL;
        bool is_main = l->mapping == HD_NO_MAPPING;
        if (l->mapping != HD_NO_MAPPING) {
            module = p->mappings[l->mapping].path;
            /* Another mapping of the main program's file (its other
             * segments) is the main program too. */
            is_main = main_mapping != HD_NO_MAPPING &&
                      strcmp(module, p->mappings[main_mapping].path) == 0;
            /* The parser marked frames of allocator libraries: all are
             * dropped from the reports, so there is no need to read the
             * library, nor to warn about its lack of debug info. */
            if (l->is_allocator)
                continue;
        }
        const struct hd_sym_location *found;
        if (hd_sym_lookup(sym, module, is_main, l->offset, &found) != 0 ||
            found->status != HD_SYM_RESOLVED || found->n_frames == 0)
            continue;
        /* Allocator entries go with everything inlined into them (Go
         * pprof's rule, FORMATS.md §3.4): scanning from the real function
         * inward, the first allocator entry ends the location.  When that
         * is the real function itself, the whole location is the
         * allocator's. */
        uint32_t kept = found->n_frames;
        for (uint32_t f = 0; f < found->n_frames; f++)
            if (hd_sym_is_allocator_function(found->frames[f].function)) {
                kept = f;
                break;
            }
        if (kept == 0) {
            l->is_allocator = true;
            kept = found->n_frames;
        }
        struct hd_frame *frames = hd_profile_alloc(p, kept * sizeof *frames);
        /* The symbolizer gives the outermost frame first; the model wants
         * the innermost first, like stacks. */
        for (uint32_t f = 0; f < kept; f++) {
            const struct hd_sym_frame *from = &found->frames[kept - 1 - f];
            frames[f] = (struct hd_frame){from->function, from->file, from->line};
        }
        l->frames = frames;
        l->n_frames = kept;
    }
}
