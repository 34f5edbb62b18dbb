/* Naming the files users give where a heap profile belongs: a binary, a
 * core file, perf.data.  Only consulted once a file
 * has failed to be a heap profile, so it cannot turn a profile away.
 * And recognizing pprof's profile.proto, which is read
 * (hd_sniff_profile_proto). */
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

/* Whether DATA[0..SIZE) is valgrind's XML output (--xml=yes), which
 * parser/memcheck.c reads. */
bool hd_sniff_valgrind_xml(const char *data, size_t size);

/* Whether DATA[0..SIZE) (inflated) looks like pprof's profile.proto, which
 * heapdiff reads (parser/proto.c): its first fields are a Profile's, the
 * first a sample or period type.  Text profiles never do (they start with a letter
 * or '%'). */
bool hd_sniff_profile_proto(const char *data, size_t size);

#endif
