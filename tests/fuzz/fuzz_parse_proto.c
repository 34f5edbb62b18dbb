/* pprof's profile.proto through hd_parse_proto() (parser/proto.c), the
 * decoder itself: no sniffing first, so every byte string reaches
 * protobuf-c and, when it decodes, the id and string checks.  Small
 * limits keep each run quick.  Then the model is walked: locations'
 * frames (given ones hold the input's strings) and mappings' paths and
 * build-ids.  Seeds: testdata's *.pb files (bad/ and heapdiff --proto's
 * output of profiles/, made by seed.sh), inflated. */
#include <string.h>

#include "formats.h"
#include "fuzz_common.h"
#include "model.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    struct hd_parse_limits limits;
    hd_parse_limits_init(&limits);
    limits.max_input_bytes = (size_t)1 << 20;
    limits.max_stacks = limits.max_locations = limits.max_mappings = 1 << 14;
    limits.max_frames = 1 << 10;
    /* A copy of exactly SIZE bytes, so that a read past the end is caught. */
    char *copy = malloc(size + 1);
    if (size)
        memcpy(copy, data, size);
    struct hd_error err;
    struct hd_model *model = hd_parse_proto("fuzz.pb", copy, size, &limits, &err);
    if (model) {
        volatile size_t sink = 0;
        for (size_t i = 0; i < model->n_mappings; i++)
            sink += strlen(model->mappings[i].path) +
                    (model->mappings[i].build_id ? strlen(model->mappings[i].build_id) : 0);
        for (size_t i = 0; i < model->n_locations; i++)
            for (uint32_t f = 0; f < model->locations[i].n_frames; f++) {
                const struct hd_frame *frame = &model->locations[i].frames[f];
                sink += (frame->function ? strlen(frame->function) : 0) +
                        (frame->file ? strlen(frame->file) : 0) + frame->line;
            }
        hd_model_free(model);
        (void)sink;
    }
    free(copy);
    return 0;
}
