/* jemalloc 2.x/3.x text (FORMATS.md §1.3): the "heap profile:" layout with
 * the sampled type "heap_v2/RATE", through hd_parse_buffer().  The header
 * is forced around the fuzzer's first line: "heap profile: " + that line
 * up to any '@' + " @ heap_v2/524288", so every input takes the jemalloc 3
 * unsampling path; the fuzzer writes the counts and the body.  Seeds:
 * testdata's je3-* variants without the prefix. */
#include "fuzz_parse_prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char type[] = " @ heap_v2/524288\n";
    const uint8_t *newline = size ? memchr(data, '\n', size) : NULL;
    size_t first = newline ? (size_t)(newline - data) : size;
    size_t rest_at = newline ? first + 1 : size;
    const uint8_t *at = first ? memchr(data, '@', first) : NULL;
    size_t counts = at ? (size_t)(at - data) : first;

    size_t n;
    char *head = fuzz_join("heap profile: ", data, counts, &n);
    size_t total = n + sizeof type - 1 + (size - rest_at);
    char *text = malloc(total ? total : 1);
    memcpy(text, head, n);
    memcpy(text + n, type, sizeof type - 1);
    if (size > rest_at)
        memcpy(text + n + sizeof type - 1, data + rest_at, size - rest_at);
    free(head);
    fuzz_parse_text(text, total);
    free(text);
    return 0;
}
