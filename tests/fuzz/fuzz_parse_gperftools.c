/* gperftools' "heap profile:" text (FORMATS.md §1.1) through
 * hd_parse_buffer().  The header's "heap profile: " is forced; the fuzzer
 * writes the rest of the header line (counts, @ type/rate) and the body.
 * Seeds: tests/fuzz/seed.sh strips the prefix from testdata's tc-* and
 * variants files. */
#include "fuzz_parse_prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *text = fuzz_join("heap profile: ", data, size, &n);
    fuzz_parse_text(text, n);
    free(text);
    return 0;
}
