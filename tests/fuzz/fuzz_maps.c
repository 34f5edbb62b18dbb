/* The maps section (FORMATS.md §1.4) through hd_maps_parse(): the
 * fuzzer's bytes are the lines after "MAPPED_LIBRARIES:", read into a
 * model with one location per 0x1000 bytes of the first few mappings'
 * start so that attaching locations to mappings runs too.  Seeds: the maps
 * sections of testdata's profiles. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lines.h"
#include "maps.h"
#include "parse.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    /* A copy of exactly SIZE bytes, so a read past the end is caught. */
    char *text = malloc(size ? size : 1);
    if (size)
        memcpy(text, data, size);
    struct hd_model *model = hd_model_new();
    hd_model_add_input(model, "fuzz.heap", HD_ROLE_CURRENT);
    struct hd_lines lines;
    hd_lines_init(&lines, text, size);
    struct hd_error err;
    volatile size_t sink = 0;
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    if (hd_maps_parse(model, &lines, "fuzz.heap", &limits, &err) == 0)
        for (size_t i = 0; i < model->n_mappings; i++)
            sink += strlen(model->mappings[i].path) + strlen(model->mappings[i].identity);
    (void)sink;
    hd_model_free(model);
    free(text);
    return 0;
}
