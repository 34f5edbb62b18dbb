/* valgrind memcheck's XML (parser/memcheck.c) through hd_parse_buffer().
 * The start the sniffer needs ("<?xml ...?>" and "<valgrindoutput>") is
 * forced; the fuzzer writes the rest.  Seeds: tests/fuzz/seed.sh strips
 * that start from testdata's memcheck XML files. */
#include "fuzz_parse_prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *text = fuzz_join("<?xml version=\"1.0\"?>\n\n<valgrindoutput>", data, size, &n);
    fuzz_parse_text(text, n);
    free(text);
    return 0;
}
