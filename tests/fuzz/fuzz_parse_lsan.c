/* LeakSanitizer's reports in a log (parser/lsan.c) through
 * hd_parse_buffer().  A report's first line is forced; the fuzzer writes
 * the rest of the log.  Seeds: tests/fuzz/seed.sh cuts testdata's LSan
 * logs after their first such line. */
#include "fuzz_parse_prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *text = fuzz_join("==1==ERROR: LeakSanitizer: detected memory leaks\n", data, size, &n);
    fuzz_parse_text(text, n);
    free(text);
    return 0;
}
