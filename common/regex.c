/* One way to compile a command line's regular expressions (see regex.h). */
#include "regex.h"

#include <stddef.h>

pcre2_code *hd_regex_compile(const char *option, const char *pattern, uint32_t flags,
                             struct hd_error *err)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | flags, &code, &offset, NULL);
    if (!re) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(code, message, sizeof message);
        hd_error_set(err, NULL, 0, "--%s: bad regular expression '%s': %s at offset %zu",
                     option, pattern, (const char *)message, (size_t)offset);
    }
    return re;
}
