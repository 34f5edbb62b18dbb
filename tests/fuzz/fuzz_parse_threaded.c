/* jemalloc >= 4's threaded "heap_v2/RATE" text (FORMATS.md §1.2) through
 * hd_parse_buffer().  "heap_v2/" is forced; the fuzzer writes the rate and
 * everything after.  Seeds: testdata's je-* profiles without the prefix. */
#include "fuzz_parse_prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *text = fuzz_join("heap_v2/", data, size, &n);
    fuzz_parse_text(text, n);
    free(text);
    return 0;
}
