/* Finding separate debug files the way gdb does ("Separate Debug Files" in
 * the GDB manual): by build-id, by .gnu_debuglink with its CRC, and dwz
 * supplementary files by .gnu_debugaltlink or DWARF 5's .debug_sup. */
#ifndef HD_SYM_DEBUGINFO_H
#define HD_SYM_DEBUGINFO_H

#include <stddef.h>
#include <stdint.h>

struct hd_sym_elf;

/* Where to look: each DIR in order (--debug-dir's, then the sysroot's and
 * the system's /usr/lib/debug). */
struct hd_sym_debug_dirs {
    const char *const *dirs;
    size_t n;
};

/* Open the separate debug file of ELF: DIR/.build-id/xx/rest.debug for each
 * DIR, the build-id matching; then the .gnu_debuglink name, its CRC32
 * matching, in the object's directory, its .debug/ subdirectory, and
 * DIR/<object's directory>/ and DIR/ for each DIR.  Returns the opened file
 * or NULL; every path tried is appended to TRIED (", "-separated). */
struct hd_sym_elf *hd_sym_find_debug_file(const struct hd_sym_elf *elf,
                                          const struct hd_sym_debug_dirs *dirs,
                                          char *tried, size_t tried_size);

/* Whether DEBUG (a file with DWARF) names a dwz supplementary file. */
int hd_sym_has_alt_link(struct hd_sym_elf *debug);

/* Open the dwz supplementary file of DEBUG, named by .gnu_debugaltlink or
 * .debug_sup: at its path (relative to DEBUG's directory when relative),
 * then by its build-id under each DIR.  Returns it or NULL, appending the
 * paths tried to TRIED. */
struct hd_sym_elf *hd_sym_find_alt_file(struct hd_sym_elf *debug,
                                        const struct hd_sym_debug_dirs *dirs,
                                        char *tried, size_t tried_size);

/* The CRC32 of .gnu_debuglink (the same polynomial as zlib's crc32). */
uint32_t hd_sym_debuglink_crc(const uint8_t *data, size_t size);

#endif
