/* Naming the files users give where a heap profile belongs: a binary, a
 * core file, a pprof profile.proto, perf.data, valgrind's XML.  Only
 * consulted once a file has failed to be a heap profile, so it cannot
 * turn a profile away. */
#ifndef HD_SNIFF_H
#define HD_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

/* What a file is, for the message "this is WHAT, not a heap profile:
 * HINT". */
struct hd_sniffed {
    const char *what; /* e.g. "a pprof profile.proto" */
    const char *hint; /* what to do instead; never NULL */
};

/* Recognize DATA[0..SIZE), the file's content (inflated when it was
 * gzip data), as one of the formats above by its first bytes.  Returns
 * true and fills *OUT, or false when it is none of them. */
bool hd_sniff_format(const char *data, size_t size, struct hd_sniffed *out);

#endif
