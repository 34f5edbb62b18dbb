/* Function names for display: demangling (libiberty) and pprof-style
 * shortening (FORMATS.md §4.1, ShortFunctionName). */
#ifndef HD_SYM_DEMANGLE_H
#define HD_SYM_DEMANGLE_H

#include <stdbool.h>

/* Whether NAME is a mangled C++ (Itanium "_Z") or Rust ("_R", or legacy
 * "_ZN...17h<hash>E") symbol name. */
bool hd_sym_is_mangled(const char *name);

/* The display form of function name RAW, as a new malloc'ed string:
 *   DEMANGLE false: RAW unchanged.
 *   FULL_NAMES:     demangled with argument lists ("app::Pool<int>::grow(unsigned long)").
 *   otherwise:      demangled, then argument lists, template arguments and
 *                   GCC clone suffixes dropped ("app::Pool::grow"), with
 *                   operators kept whole ("operator<<", "operator()").
 * A name that fails to demangle is used as it is. */
char *hd_sym_display_name(const char *raw, bool demangle, bool full_names);

/* Shorten an already demangled NAME in place as described above. */
void hd_sym_shorten_name(char *name);

#endif
