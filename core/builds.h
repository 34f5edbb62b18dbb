/* Comparing two builds: whether a diff's bases were written by another
 * build of the program than its currents, and what the report's header
 * says about it (README, "Comparing two builds").
 *
 * When they are, the same file offset holds other code on each side: the
 * bases are then named by a symbolizer of their own (--base-binary), their
 * modules are kept apart from the currents' (hd_model_mark_other_build),
 * and stacks meet only in the graph, by their symbolized frames. */
#ifndef HD_BUILDS_H
#define HD_BUILDS_H

#include <stdbool.h>
#include <stddef.h>

#include "graph.h"
#include "model.h"
#include "symbolizer.h"

/* One side's build, as far as it is known. */
struct hd_build {
    char program[4096];   /* the main mapping's path as the profile names
                             it; "" when the profile has no main mapping */
    char file[4096];      /* the file the main program's frames are named
                             from (BINARY, --base-binary, or the file at
                             PROGRAM); "" when none opens */
    char build_id[160];   /* lowercase hex: recorded by the profile, else
                             FILE's; "" when unknown */
};

/* Fill *BUILD for the main mapping MAIN of the one-file model MODEL
 * (HD_NO_MAPPING: none), read as SYM reads it (its main binary standing
 * in; NULL: nothing is read). */
void hd_build_describe(struct hd_build *build, struct hd_symbolizer *sym,
                       const struct hd_model *model, uint32_t main);

enum hd_build_match {
    HD_BUILDS_SAME,      /* equal build-ids, or equal files */
    HD_BUILDS_DIFFERENT, /* different build-ids, or different contents */
    HD_BUILDS_UNKNOWN,   /* a side has neither build-id nor file */
};

/* Whether A and B are one build: by build-id where both have one (a
 * build-id is a hash of the linked file), else by their files' bytes. */
enum hd_build_match hd_builds_compare(const struct hd_build *a, const struct hd_build *b);

/* The header's line for a diff whose BASE and CURRENT are different
 * builds, matched at GRANULARITY, written into TEXT of SIZE bytes:
 * "Base and current are different builds of leaky (build-ids 1a2b3c4d..
 * and 3c4d5e6f..): stacks matched by function". */
void hd_builds_note(char *text, size_t size, const struct hd_build *base,
                    const struct hd_build *current, enum hd_granularity granularity);

/* Match MODEL's stacks by their symbolized frames at GRANULARITY, once
 * the other_build locations (the bases' build) are named: locations whose
 * frames are equal (function names; function, file and line at
 * HD_GRANULARITY_LINES; files at HD_GRANULARITY_FILES) become one, a
 * current side's first, and stacks of equal locations become one
 * (hd_model_merge_locations).  A location without frames, and every one at
 * HD_GRANULARITY_ADDRESSES, keeps its own.  Nothing changes when no
 * mapping is other_build. */
void hd_builds_match_stacks(struct hd_model *model, enum hd_granularity granularity);

/* How many of the return addresses of the one-file model MODEL that lie
 * in module IDENTITY (interned in MODEL) follow a call instruction in the
 * x86-64 ELF file FILE, at their file offsets: all of them when FILE is
 * the build that wrote MODEL, few when it is another build, whose code
 * lies elsewhere.  Returns false when FILE cannot be read or is not an
 * x86-64 ELF file (nothing is said); *CHECKED counts the distinct
 * addresses looked at, *AFTER_CALL those that follow a call.  Locations
 * whose frames the input named (HD_ORIGIN_INPUT) are not looked at. */
bool hd_builds_count_call_sites(const char *file, const struct hd_model *model,
                                const char *identity, size_t *checked, size_t *after_call);

#endif
