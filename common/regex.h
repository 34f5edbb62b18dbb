/* Regular expressions from the command line (--focus and the other
 * filters, --wrappers, --list): PCRE2, compiled one way everywhere. */
#ifndef HD_REGEX_H
#define HD_REGEX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "error.h"

/* Compile PATTERN as UTF-8 with PCRE2's FLAGS added.  NULL on a bad
 * pattern, with *ERR "--OPTION: bad regular expression 'PATTERN': what at
 * offset N".  The caller frees the code with pcre2_code_free(). */
pcre2_code *hd_regex_compile(const char *option, const char *pattern, uint32_t flags,
                             struct hd_error *err);

#endif
