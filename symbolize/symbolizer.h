/* The symbolizer: (module, file offset of a return address) -> the frames
 * at that address {function, file, line}, inline chain included.
 *
 * Everything happens in-process (ELF via libelf, DWARF via libdwarf); no
 * addr2line, nm, objdump or c++filt is ever run (DESIGN.md).  Each module
 * (an ELF file named in a profile's maps) is opened once, its debug file
 * found once, its DWARF decoded lazily one compilation unit at a time, and
 * each unique (module, offset) symbolized once; results are cached and
 * immutable.
 *
 * Ownership: the symbolizer owns every result and string it hands out;
 * they live until hd_sym_free().  Not thread-safe. */
#ifndef HD_SYMBOLIZER_H
#define HD_SYMBOLIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hd_symbolizer;

struct hd_sym_options {
    /* The BINARY given on the command line, or NULL.  It stands in for the
     * mapping the caller flags as the main program, whatever that
     * mapping's path, and is used for unmapped addresses. */
    const char *main_binary;
    /* --lib-prefix DIR (repeatable): a file mapped as /x/y/libz.so is
     * also looked for as DIR/libz.so and DIR/x/y/libz.so, both resolved
     * inside DIR (see sysroot). */
    const char *const *lib_prefixes;
    size_t n_lib_prefixes;
    /* --sysroot DIR: a file mapped as /x/y is looked for as DIR/x/y, then
     * in the lib_prefixes, and never at /x/y itself.  Paths are resolved
     * as if DIR were "/": "..", and symbolic links (absolute ones too),
     * cannot leave DIR.  The sysroot's /usr/lib/debug is searched for
     * debug files too.  NULL: none, and a mapped file is looked for in
     * the lib_prefixes, then at its own path. */
    const char *sysroot;
    /* --debug-dir DIR (repeatable): searched for separate debug files by
     * build-id (DIR/.build-id/xx/rest.debug) and by debuglink name
     * (DIR/name, DIR/<object's dir>/name), before /usr/lib/debug. */
    const char *const *debug_dirs;
    size_t n_debug_dirs;
    bool demangle;   /* demangle C++ and Rust names (default true) */
    bool full_names; /* keep argument lists and template arguments
                        (default false: shortened like pprof, FORMATS §4.1) */
    /* Only for tests: do not search the system's /usr/lib/debug. */
    bool no_system_debug_dirs;
    /* -v: hd_sym_say_summary() lists every module it warns about, with
     * the paths tried, instead of one short line or a collapsed list. */
    bool verbose;
    /* The persistent symbol cache's directory (sym_cache.h), or NULL for
     * none (the default; --no-cache).  Modules with debug info keep
     * their results there between runs. */
    const char *cache_dir;
    uint64_t cache_max_bytes; /* its bound; 0: the default, 512 MiB */
};

/* Fill OPTIONS with the defaults: nothing set, demangle on, short names. */
void hd_sym_options_init(struct hd_sym_options *options);

/* The persistent symbol cache's usual directory, into DIR (SIZE bytes):
 * $HEAPDIFF_CACHE_DIR, else $XDG_CACHE_HOME/heapdiff, else
 * $HOME/.cache/heapdiff.  Returns false when none is set (the last two
 * must be absolute) or the path does not fit. */
bool hd_sym_cache_default_dir(char *dir, size_t size);

enum hd_sym_status {
    HD_SYM_RESOLVED,         /* n_frames >= 1: a function name or a
                                file:line (or both) was found; code that
                                nothing names is named by its function's
                                range in .eh_frame, "FILE!0xSTART" (FILE
                                the module's file name, START the file
                                offset of the function's first byte) */
    HD_SYM_NO_SYMBOL,        /* the module was read but the address lies in
                                no known function, nor in any FDE */
    HD_SYM_MODULE_NOT_FOUND, /* the file could not be opened or is no ELF */
    HD_SYM_NOT_SYMBOLIZABLE, /* [vdso], [heap], [stack], anonymous */
    HD_SYM_OUTSIDE_MODULE,   /* the offset lies in no PT_LOAD segment */
};

/* One frame at an address.  Frames come outermost first. */
struct hd_sym_frame {
    const char *function; /* demangled/shortened per options; NULL when
                             unknown */
    const char *file;     /* source file as DWARF names it (directory joined);
                             NULL when unknown */
    unsigned line;        /* 1-based; 0 when unknown.  For a frame that has
                             an inlined callee, the line of the call
                             (DW_AT_call_line of that callee) */
    bool inlined;         /* this frame was inlined into the previous one */
};

struct hd_sym_location {
    enum hd_sym_status status;
    const char *module;   /* the file actually read (after substitution of
                             the main binary or a --lib-prefix), else the
                             path asked for; NULL for unmapped lookups
                             without a main binary */
    uint64_t vaddr;       /* the ELF virtual address looked up (return
                             address - 1); 0 when not computed */
    uint32_t n_frames;    /* 0 unless status == HD_SYM_RESOLVED, then >= 1 */
    const struct hd_sym_frame *frames; /* frames[0] is the real (out-of-line)
                             function containing the pc, frames[n-1] the
                             innermost inlined callee */
};

/* A new symbolizer.  OPTIONS (and the strings and arrays it points to) are
 * copied.  Never fails: problems with files show up per lookup. */
struct hd_symbolizer *hd_sym_new(const struct hd_sym_options *options);

/* Free the symbolizer, every module it opened, and every result and string
 * it handed out.  NULL is fine. */
void hd_sym_free(struct hd_symbolizer *sym);

/* Symbolize the return address at file offset RETURN_OFFSET of the file
 * MODULE_PATH (as the profile's maps name it, " (deleted)" already removed).
 * 1 is subtracted before lookup (DESIGN.md: every frame, leaf included).
 * The offset is turned into an ELF virtual address through the PT_LOAD
 * segment holding it: vaddr = offset - p_offset + p_vaddr.
 *
 * MODULE_PATH NULL means the address had no mapping: RETURN_OFFSET is then a
 * raw address, looked up as a virtual address in options.main_binary.
 * IS_MAIN says this mapping is the main program: options.main_binary (when
 * set) is read instead of MODULE_PATH, with one warning if its load
 * segments do not cover the offset.
 *
 * Sets *OUT to the cached result and returns 0.  Problems with the module
 * show in (*OUT)->status; they are not errors.  Bad ELF or DWARF is
 * reported through hd_warn() once per module as it is found; a module
 * that cannot be read or has no debug info, and offsets the main binary
 * does not hold, are gathered for hd_sym_say_summary().  Returns -1 only
 * for invalid arguments (SYM or OUT NULL). */
int hd_sym_lookup(struct hd_symbolizer *sym, const char *module_path,
                  bool is_main, uint64_t return_offset,
                  const struct hd_sym_location **out);

/* Ready MODULE_PATH (IS_MAIN as for hd_sym_lookup) for lookups ahead of
 * them: its file and debug file opened, and the debug sections a lookup
 * reads decompressed, LARGEST_FIRST or smallest first (core/parallel.c
 * does this on a second thread while the profile is parsed, and on both
 * ends at once).  Warns and notes what a first lookup would. */
void hd_sym_preload(struct hd_symbolizer *sym, const char *module_path, bool is_main,
                    bool largest_first);

/* The build-id of the file that lookups of MODULE_PATH (IS_MAIN as for
 * hd_sym_lookup) read, as lowercase hex into HEX (of SIZE bytes).  Returns
 * false when that file cannot be opened, has no build-id, or HEX is too
 * small.  Opens the file (once, shared with lookups) but says nothing
 * about failure: a later lookup of the module warns. */
bool hd_sym_module_build_id(struct hd_symbolizer *sym, const char *module_path, bool is_main,
                            char *hex, size_t size);

/* The file that lookups of MODULE_PATH (IS_MAIN as for hd_sym_lookup)
 * read, after substitution of the main binary or a search of the sysroot
 * and lib prefixes; NULL when none opens.  Silent, like
 * hd_sym_module_build_id; the string lives as long as SYM. */
const char *hd_sym_module_file(struct hd_symbolizer *sym, const char *module_path,
                               bool is_main);

/* The file offset of the ELF virtual address VADDR in the file that
 * lookups of MODULE_PATH (IS_MAIN as for hd_sym_lookup) read, through its
 * PT_LOAD segments, into *OFFSET.  False when that file cannot be opened
 * or no segment's file bytes hold VADDR.  Silent, like
 * hd_sym_module_build_id. */
bool hd_sym_module_vaddr_offset(struct hd_symbolizer *sym, const char *module_path,
                                bool is_main, uint64_t vaddr, uint64_t *offset);

/* Say, through hd_warn(), what the lookups so far gathered, once per
 * cause: the modules that could not be read and those without debug
 * info (one short line each, or one line for all of a kind when there
 * are more than three; options.verbose lists each with the paths
 * tried), and how many offsets of the main program's mapping the main
 * binary's load segments do not hold.  Call after the last lookup;
 * a later call says only what was gathered since. */
void hd_sym_say_summary(struct hd_symbolizer *sym);

/* Counters, for tests and the benchmark. */
struct hd_sym_stats {
    size_t modules_opened;    /* ELF files successfully opened */
    size_t lookups;           /* calls to hd_sym_lookup */
    size_t unique_addresses;  /* distinct (module, offset) symbolized */
    size_t units_decoded;     /* DWARF compilation units decoded */
    size_t cache_hits;        /* unique addresses answered by the
                                 persistent cache */
};
void hd_sym_get_stats(const struct hd_symbolizer *sym, struct hd_sym_stats *out);

#endif
