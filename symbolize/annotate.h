/* Attaching symbols to a profile: the symbolizer's results written into
 * the model's locations (frames, is_allocator), for the renderers. */
#ifndef HD_ANNOTATE_H
#define HD_ANNOTATE_H

#include "profile.h"
#include "symbolizer.h"

/* Symbolize every location of PROFILE once and fill its frames (innermost
 * first, as profile.h orders them) and is_allocator.  A location whose
 * mapping is the profile's main program (hd_profile_main_mapping) is
 * looked up with is_main set, so the BINARY given on the command line
 * stands in for it; so are unmapped addresses.  Frame strings belong to
 * SYM and must outlive the profile's use; frame arrays to the profile. */
void hd_sym_annotate_profile(struct hd_symbolizer *sym, struct hd_profile *profile);

#endif
