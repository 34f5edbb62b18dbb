/* Symbols into the model (see annotate.h). */
#include "annotate.h"

#include "allocator.h"

/* Fill location L's frames from the symbolizer's answer, leaving out an
 * allocator entry (or a wrapper, under WRAPPERS) and what is inlined into
 * it; mark L as the allocator's when its real function is one. */
static void attach_frames(struct hd_model *model, uint32_t id,
                          const struct hd_sym_location *found, struct hd_wrappers *wrappers)
{
    struct hd_location *l = &model->locations[id];
    const char *wrapper;
    uint32_t kept = hd_allocator_caller_frames(found, wrappers, &wrapper);
    if (wrapper)
        hd_wrappers_record(wrappers, id, wrapper);
    if (kept == 0) {
        l->is_allocator = true;
        kept = found->n_frames;
    }
    struct hd_frame *frames = hd_model_alloc(model, kept * sizeof *frames);
    /* The symbolizer gives the outermost frame first; the model wants the
     * innermost first, like stacks. */
    for (uint32_t f = 0; f < kept; f++) {
        const struct hd_sym_frame *from = &found->frames[kept - 1 - f];
        frames[f] = (struct hd_frame){from->function, from->file, from->line};
    }
    l->frames = frames;
    l->n_frames = kept;
}

/* Cut given location ID's frames (the input's, never looked up) as
 * attach_frames cuts the symbolizer's. */
static void cut_given_frames(struct hd_model *model, uint32_t id, struct hd_wrappers *wrappers)
{
    struct hd_location *l = &model->locations[id];
    const char *wrapper;
    uint32_t n = l->n_given_frames;
    uint32_t kept = hd_allocator_given_caller_frames(l->given_frames, n, wrappers, &wrapper);
    if (wrapper)
        hd_wrappers_record(wrappers, id, wrapper);
    if (kept == 0) {
        l->is_allocator = true;
        kept = n;
    }
    l->frames = l->given_frames + (n - kept);
    l->n_frames = kept;
}

static void annotate_from(struct hd_symbolizer *sym, struct hd_symbolizer *other_sym,
                          struct hd_model *model, struct hd_wrappers *wrappers,
                          size_t first_location, const struct hd_sym_location *const *found);

struct hd_sym_mains hd_sym_mains_of(const struct hd_model *model, bool other_build)
{
    return (struct hd_sym_mains){
        hd_model_main_mapping(model),
        other_build ? hd_model_other_build_main_mapping(model) : HD_NO_MAPPING, other_build};
}

bool hd_sym_lookup_key(const struct hd_model *model, const struct hd_sym_mains *mains,
                       size_t i, const char **module, bool *is_main)
{
    const struct hd_location *l = &model->locations[i];
    *module = NULL;
    *is_main = l->mapping == HD_NO_MAPPING;
    if (l->mapping == HD_NO_MAPPING)
        return false;
    const struct hd_mapping *map = &model->mappings[l->mapping];
    *module = map->path;
    bool other = mains->other_build && map->other_build;
    uint32_t program = other ? mains->other_main : mains->main;
    /* Every mapping of the main program's module is the main program. */
    *is_main = program != HD_NO_MAPPING && map->identity == model->mappings[program].identity;
    return other;
}

void hd_sym_annotate_model(struct hd_symbolizer *sym, struct hd_model *model,
                           struct hd_wrappers *wrappers)
{
    annotate_from(sym, NULL, model, wrappers, 0, NULL);
}

void hd_sym_annotate_new(struct hd_symbolizer *sym, struct hd_model *model,
                         struct hd_wrappers *wrappers, size_t first_location)
{
    annotate_from(sym, NULL, model, wrappers, first_location, NULL);
}

void hd_sym_annotate_builds(struct hd_symbolizer *sym, struct hd_symbolizer *other_sym,
                            struct hd_model *model, struct hd_wrappers *wrappers)
{
    annotate_from(sym, other_sym, model, wrappers, 0, NULL);
}

void hd_sym_annotate_found(struct hd_symbolizer *sym, struct hd_symbolizer *other_sym,
                           struct hd_model *model, struct hd_wrappers *wrappers,
                           const struct hd_sym_location *const *found)
{
    annotate_from(sym, other_sym, model, wrappers, 0, found);
}

/* Annotate MODEL's locations from FIRST_LOCATION on, those of other_build
 * mappings named by OTHER_SYM (NULL: SYM names all), location I by
 * FOUND[I] when FOUND and it are not NULL; cut every stack. */
static void annotate_from(struct hd_symbolizer *sym, struct hd_symbolizer *other_sym,
                          struct hd_model *model, struct hd_wrappers *wrappers,
                          size_t first_location, const struct hd_sym_location *const *found)
{
    hd_allocator_mark_libraries(model, first_location);
    struct hd_sym_mains mains = hd_sym_mains_of(model, other_sym != NULL);
    for (size_t i = first_location; i < model->n_locations; i++) {
        /* Frames in allocator libraries are all left out: no need to read
         * the library, nor to warn about its lack of debug info. */
        if (model->locations[i].is_allocator)
            continue;
        if (model->locations[i].origin == HD_ORIGIN_INPUT) {
            cut_given_frames(model, (uint32_t)i, wrappers);
            continue;
        }
        if (!sym) /* --no-symbols */
            continue;
        const char *module;
        bool is_main;
        struct hd_symbolizer *namer =
            hd_sym_lookup_key(model, &mains, i, &module, &is_main) ? other_sym : sym;
        uint64_t offset = model->locations[i].offset;
        const struct hd_sym_location *at = found ? found[i] : NULL;
        if ((at || hd_sym_lookup(namer, module, is_main, offset, &at) == 0) &&
            at->status == HD_SYM_RESOLVED && at->n_frames > 0)
            attach_frames(model, (uint32_t)i, at, wrappers);
    }
    hd_allocator_cut_stacks(model, wrappers);
}
