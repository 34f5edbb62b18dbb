/* The three profile-format targets: the fuzzer's bytes after a forced
 * header prefix, through hd_parse_buffer().  Each target defines
 * fuzz_profile_text() and includes this. */
#ifndef HD_FUZZ_PARSE_PREFIX_H
#define HD_FUZZ_PARSE_PREFIX_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "model.h"
#include "parse.h"

/* Parse the SIZE bytes of TEXT, then walk the model so that what the
 * parser left there is read (ASan sees a bad pointer or length). */
static inline void fuzz_parse_text(const char *text, size_t size)
{
    fuzz_quiet();
    struct hd_error err;
    struct hd_model *model = hd_parse_buffer("fuzz.heap", text, size, &err);
    if (!model)
        return;
    volatile size_t sink = 0;
    for (size_t i = 0; i < model->n_mappings; i++)
        sink += strlen(model->mappings[i].path);
    hd_model_free(model);
    (void)sink;
}

/* PREFIX followed by DATA, in a fresh allocation of exactly that size so
 * that a read past the end is caught. */
static inline char *fuzz_join(const char *prefix, const uint8_t *data, size_t size,
                              size_t *joined_size)
{
    size_t n = strlen(prefix);
    char *text = malloc(n + size + 1);
    memcpy(text, prefix, n);
    if (size)
        memcpy(text + n, data, size);
    *joined_size = n + size;
    return text;
}

#endif
