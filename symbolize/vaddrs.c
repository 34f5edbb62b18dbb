/* Module-relative virtual addresses to file offsets (see vaddrs.h). */
#include "vaddrs.h"

#include <string.h>

void hd_sym_place_vaddrs(struct hd_symbolizer *sym, struct hd_model *model)
{
    uint32_t main_mapping = hd_model_main_mapping(model);
    for (size_t i = 0; i < model->n_locations; i++) {
        struct hd_location *l = &model->locations[i];
        if (l->mapping == HD_NO_MAPPING || !model->mappings[l->mapping].vaddr_offsets)
            continue;
        const struct hd_mapping *map = &model->mappings[l->mapping];
        /* LSan's OFF is the pc minus the module's load bias: its vaddr. */
        uint64_t vaddr = l->address - map->start, offset;
        /* Every process's mapping of the main program's file, not only
         * the first. */
        bool is_main = main_mapping != HD_NO_MAPPING &&
                       strcmp(map->path, model->mappings[main_mapping].path) == 0;
        if (hd_sym_module_vaddr_offset(sym, map->path, is_main, vaddr, &offset))
            l->offset = offset;
    }
    for (size_t m = 0; m < model->n_mappings; m++)
        model->mappings[m].vaddr_offsets = false;
}
