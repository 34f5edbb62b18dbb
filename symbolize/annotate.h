/* Attaching symbols to a model: the symbolizer's results written into the
 * model's locations (frames), and the allocator's frames marked, for the
 * renderers. */
#ifndef HD_ANNOTATE_H
#define HD_ANNOTATE_H

#include "allocator.h"
#include "model.h"
#include "symbolizer.h"

/* Mark MODEL's allocator frames (allocator.h) and, unless SYM is NULL
 * (--no-symbols), symbolize every location once and fill its frames
 * (innermost first, as model.h orders them).  Locations whose frames the
 * input gave (HD_ORIGIN_INPUT) are never looked up: their frames are cut
 * of allocator entries and wrappers by name, as looked-up ones are.  Under WRAPPERS (NULL: the
 * wrapper rule is off) wrappers are cut as allocator frames are, and
 * recorded there for the header.  A location of the main program (the
 * module of hd_model_main_mapping) is looked up with is_main set, so the
 * BINARY given on the command line stands in for it; so are unmapped
 * addresses.  Frame strings belong to SYM and must outlive the model's
 * use; frame arrays to the model. */
void hd_sym_annotate_model(struct hd_symbolizer *sym, struct hd_model *model,
                           struct hd_wrappers *wrappers);

/* The same for the locations from FIRST_LOCATION on, those added since
 * the locations before it were annotated (a series adds snapshots one at
 * a time); every stack is cut again. */
void hd_sym_annotate_new(struct hd_symbolizer *sym, struct hd_model *model,
                         struct hd_wrappers *wrappers, size_t first_location);
/* hd_sym_annotate_model, with the locations of other_build mappings (the
 * bases' build, when it is another than the currents') named by
 * OTHER_SYM: its main binary stands in for the other build's main
 * program (hd_model_other_build_main_mapping).  OTHER_SYM NULL: SYM names
 * every location. */
void hd_sym_annotate_builds(struct hd_symbolizer *sym, struct hd_symbolizer *other_sym,
                            struct hd_model *model, struct hd_wrappers *wrappers);

/* The main programs' mappings of a model, as annotating names them. */
struct hd_sym_mains {
    uint32_t main;       /* hd_model_main_mapping, or HD_NO_MAPPING */
    uint32_t other_main; /* the other build's, or HD_NO_MAPPING */
    bool other_build;    /* other_build mappings have their own symbolizer */
};
struct hd_sym_mains hd_sym_mains_of(const struct hd_model *model, bool other_build);

/* How annotating looks location I of MODEL up (MAINS from
 * hd_sym_mains_of): *MODULE and *IS_MAIN as hd_sym_lookup() takes them.
 * Returns true when the other build's symbolizer names it. */
bool hd_sym_lookup_key(const struct hd_model *model, const struct hd_sym_mains *mains,
                       size_t i, const char **module, bool *is_main);

/* hd_sym_annotate_builds, with location I named by FOUND[I] where that is
 * not NULL instead of by a lookup: what a lookup of it by another
 * symbolizer of the same options answered (core/parallel.c).  Its strings
 * must outlive the model's use as SYM's do. */
void hd_sym_annotate_found(struct hd_symbolizer *sym, struct hd_symbolizer *other_sym,
                           struct hd_model *model, struct hd_wrappers *wrappers,
                           const struct hd_sym_location *const *found);

#endif
