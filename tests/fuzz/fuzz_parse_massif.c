/* valgrind massif's output (parser/massif.h) through hd_parse_buffer(),
 * which reads the last detailed snapshot, and through
 * hd_massif_list_snapshots(), which lists a series: both check every
 * snapshot's tree.  "desc: " is forced; the fuzzer writes the rest.
 * Seeds: testdata's massif files without the prefix. */
#include "fuzz_parse_prefix.h"
#include "massif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    char *text = fuzz_join("desc: ", data, size, &n);
    fuzz_parse_text(text, n);
    long *numbers;
    size_t count;
    struct hd_error err;
    if (hd_massif_list_snapshots("fuzz.massif", text, n, NULL, 1000, &numbers, &count, &err) == 0)
        free(numbers);
    free(text);
    return 0;
}
