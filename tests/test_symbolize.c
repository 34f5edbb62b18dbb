/* The symbolizer, against the fixtures of testdata/sym (built by
 * testdata/sym/build.sh) and against the system's python3.11 with
 * python3.11-dbg.
 *
 * Expected values come from llvm-symbolizer 14: build.sh writes, for every
 * call site in each fixture, the file offset of the return address and
 * llvm-symbolizer's frames for (return address - 1) into <fixture>.expected.
 * The table tests replay those files; the other tests pin one behaviour
 * each, with the value's source stated. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocator.h"
#include "annotate.h"
#include "error.h"
#include "parse.h"
#include "sym_demangle.h"
#include "sym_elf.h"
#include "symbolizer.h"

/* ---- helpers ---- */

static char warnings[16384];

static void collect_warning(void *context, const char *text)
{
    (void)context;
    size_t len = strlen(warnings);
    snprintf(warnings + len, sizeof warnings - len, "%s\n", text);
}

static void setup(void)
{
    warnings[0] = '\0';
    hd_warning_reset();
    hd_warning_set_sink(collect_warning, NULL);
}

static void teardown(void)
{
    hd_warning_set_sink(NULL, NULL);
    hd_warning_reset();
}

TestSuite(symbolize, .init = setup, .fini = teardown);

static const char *testdata(const char *rel)
{
    static char paths[8][4096];
    static int next;
    const char *root = getenv("HD_TESTDATA");
    cr_assert(root, "HD_TESTDATA must point to testdata/");
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/sym/%s", root, rel);
    return p;
}

static struct hd_symbolizer *new_symbolizer(bool full_names, const char *debug_dir)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.full_names = full_names;
    o.no_system_debug_dirs = true;
    static const char *dirs[1];
    if (debug_dir) {
        dirs[0] = debug_dir;
        o.debug_dirs = dirs;
        o.n_debug_dirs = 1;
    }
    return hd_sym_new(&o);
}

static const struct hd_sym_location *lookup(struct hd_symbolizer *sym,
                                            const char *module, uint64_t offset)
{
    const struct hd_sym_location *loc = NULL;
    cr_assert_eq(hd_sym_lookup(sym, module, false, offset, &loc), 0);
    cr_assert_not_null(loc);
    return loc;
}

static void assert_frame(const struct hd_sym_location *loc, uint32_t i,
                         const char *function, const char *file, unsigned line)
{
    cr_assert_gt(loc->n_frames, i, "frame %u missing (have %u)", i, loc->n_frames);
    const struct hd_sym_frame *f = &loc->frames[i];
    if (function)
        cr_assert_str_eq(f->function ? f->function : "(null)", function);
    else
        cr_assert_null(f->function, "frame %u: %s", i, f->function);
    if (file)
        cr_assert_str_eq(f->file ? f->file : "(null)", file);
    cr_assert_eq(f->line, line, "frame %u (%s): line %u, expected %u", i,
                 function ? function : "?", f->line, line);
    cr_assert_eq(f->inlined, i > 0, "frame %u inlined flag", i);
}

/* Replay <expected> (see the file comment) against MODULE. */
static void check_expected(struct hd_symbolizer *sym, const char *module,
                           const char *expected)
{
    FILE *f = fopen(expected, "r");
    cr_assert_not_null(f, "%s: %s", expected, strerror(errno));
    char line[4096];
    const struct hd_sym_location *loc = NULL;
    uint32_t frame = 0;
    unsigned long long offset = 0;
    size_t entries = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        if (line[0] == '@') {
            if (loc)
                cr_assert_eq(loc->n_frames, frame, "%s+0x%llx: %u frames, expected %u",
                             module, offset, loc->n_frames, frame);
            offset = strtoull(line + 2, NULL, 16);
            loc = lookup(sym, module, offset);
            cr_assert_eq(loc->status, HD_SYM_RESOLVED, "%s+0x%llx: status %d", module,
                         offset, loc->status);
            frame = 0;
            entries++;
            continue;
        }
        char *function = line, *file = strchr(line, '\t');
        cr_assert_not_null(file);
        *file++ = '\0';
        char *lineno = strchr(file, '\t');
        cr_assert_not_null(lineno);
        *lineno++ = '\0';
        cr_assert_gt(loc->n_frames, frame, "%s+0x%llx: missing frame %u (%s)", module,
                     offset, frame, function);
        const struct hd_sym_frame *fr = &loc->frames[frame];
        cr_assert_str_eq(fr->function ? fr->function : "(null)", function,
                         "%s+0x%llx frame %u: \"%s\", expected \"%s\"", module, offset,
                         frame, fr->function ? fr->function : "(null)", function);
        cr_assert_str_eq(fr->file ? fr->file : "??", file,
                         "%s+0x%llx frame %u (%s): file %s", module, offset, frame,
                         function, fr->file ? fr->file : "??");
        cr_assert_eq(fr->line, (unsigned)atoi(lineno), "%s+0x%llx frame %u (%s): line %u",
                     module, offset, frame, function, fr->line);
        cr_assert_eq(fr->inlined, frame > 0);
        frame++;
    }
    if (loc)
        cr_assert_eq(loc->n_frames, frame, "%s+0x%llx: %u frames, expected %u", module,
                     offset, loc->n_frames, frame);
    fclose(f);
    cr_assert_gt(entries, 0);
}

static void check_fixture(const char *name, const char *expected_of, const char *debug_dir)
{
    char expected[256];
    snprintf(expected, sizeof expected, "bin/%s.expected", expected_of ? expected_of : name);
    char bin[256];
    snprintf(bin, sizeof bin, "bin/%s", name);
    struct hd_symbolizer *sym = new_symbolizer(true, debug_dir ? testdata(debug_dir) : NULL);
    check_expected(sym, testdata(bin), testdata(expected));
    hd_sym_free(sym);
}

/* ---- every call site of every fixture, as llvm-symbolizer reads it ---- */

Test(symbolize, gcc_O0_dwarf4_pie_matches_llvm_symbolizer) { check_fixture("c-gcc-O0-dw4-pie", NULL, NULL); }
Test(symbolize, gcc_O2_dwarf5_pie_matches_llvm_symbolizer) { check_fixture("c-gcc-O2-dw5-pie", NULL, NULL); }
Test(symbolize, gcc_O2_dwarf4_nonpie_matches_llvm_symbolizer) { check_fixture("c-gcc-O2-dw4-nopie", NULL, NULL); }
Test(symbolize, clang_O0_dwarf5_nonpie_matches_llvm_symbolizer) { check_fixture("c-clang-O0-dw5-nopie", NULL, NULL); }
Test(symbolize, clang_O2_dwarf5_pie_without_aranges_matches_llvm_symbolizer) { check_fixture("c-clang-O2-dw5-pie", NULL, NULL); }
Test(symbolize, clang_O2_dwarf4_nonpie_matches_llvm_symbolizer) { check_fixture("c-clang-O2-dw4-nopie", NULL, NULL); }
Test(symbolize, shared_library_text_in_second_segment_matches_llvm_symbolizer) { check_fixture("libsymlib.so", NULL, NULL); }
Test(symbolize, cxx_gcc_O2_dwarf5_matches_llvm_symbolizer) { check_fixture("cxx-gcc-O2-dw5", NULL, NULL); }
Test(symbolize, cxx_gcc_O1_dwarf4_matches_llvm_symbolizer) { check_fixture("cxx-gcc-O1-dw4", NULL, NULL); }
Test(symbolize, cxx_clang_O2_dwarf4_matches_llvm_symbolizer) { check_fixture("cxx-clang-O2-dw4", NULL, NULL); }
Test(symbolize, cxx_clang_O0_dwarf5_matches_llvm_symbolizer) { check_fixture("cxx-clang-O0-dw5", NULL, NULL); }

/* Same code as the binary they were made from, debug info elsewhere. */
Test(symbolize, separate_debug_file_found_by_build_id_in_debug_dir)
{
    check_fixture("c-buildid", "c-gcc-O2-dw5-pie", "debug");
    cr_assert_str_empty(warnings, "%s", warnings);
}
Test(symbolize, separate_debug_file_found_by_debuglink_in_dot_debug_dir)
{
    check_fixture("c-debuglink", "c-clang-O2-dw5-pie", NULL);
    cr_assert_str_empty(warnings, "%s", warnings);
}
Test(symbolize, shf_compressed_zlib_sections_are_read) { check_fixture("c-zlib", "c-gcc-O2-dw4-nopie", NULL); }
Test(symbolize, shf_compressed_zstd_sections_are_read) { check_fixture("cxx-zstd", "cxx-gcc-O2-dw5", NULL); }
Test(symbolize, legacy_zdebug_sections_are_read) { check_fixture("c-zdebug", "c-clang-O2-dw4-nopie", NULL); }
Test(symbolize, dwz_supplementary_file_gnu_forms)
{
    check_fixture("cxx-dwz-a", "cxx-gcc-O2-dw5", NULL);
    check_fixture("cxx-dwz-b", "cxx-gcc-O1-dw4", NULL);
    cr_assert_str_empty(warnings, "%s", warnings);
}
Test(symbolize, dwz_supplementary_file_dwarf5_sup_forms)
{
    check_fixture("cxx-dwz5-a", "cxx-gcc-O2-dw5", NULL);
    check_fixture("cxx-dwz5-b", "cxx-gcc-O1-dw4", NULL);
    cr_assert_str_empty(warnings, "%s", warnings);
}

/* ---- behaviours, one by one ---- */

/* demo.c's small_objects calls inlined_alloc (always_inline), which calls
 * leaf_alloc at demo.c:19; the call sits in small_objects' loop at demo.c:26.
 * The return-address offset 0x11fa comes from c-gcc-O2-dw5-pie.expected
 * (objdump + llvm-symbolizer). */
Test(symbolize, inline_chain_is_outermost_first_with_call_lines)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const struct hd_sym_location *loc = lookup(sym, testdata("bin/c-gcc-O2-dw5-pie"), 0x11fa);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    cr_assert_eq(loc->n_frames, 2);
    assert_frame(loc, 0, "small_objects", "/src/demo.c", 26);
    assert_frame(loc, 1, "inlined_alloc", "/src/demo.c", 19);
    hd_sym_free(sym);
}

/* header_objects inlines header_alloc (helpers.h:18), which inlines
 * deep_alloc (helpers.h:12) calling leaf_alloc: the outer frames' files are
 * DW_AT_call_file, not the function's own file.  From
 * c-gcc-O2-dw5-pie.expected (llvm-symbolizer). */
Test(symbolize, inlined_frames_from_a_header_carry_their_call_files)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const struct hd_sym_location *loc = lookup(sym, testdata("bin/c-gcc-O2-dw5-pie"), 0x1278);
    cr_assert_eq(loc->n_frames, 3);
    assert_frame(loc, 0, "header_objects", "/src/demo.c", 35);
    assert_frame(loc, 1, "header_alloc", "/src/helpers.h", 18);
    assert_frame(loc, 2, "deep_alloc", "/src/helpers.h", 12);
    hd_sym_free(sym);
}

/* Default names are shortened like pprof (FORMATS.md §4.1): no argument
 * lists, no template arguments, no GCC clone suffix.  The full names are in
 * cxx-gcc-O2-dw5.expected. */
Test(symbolize, cxx_names_are_shortened_by_default)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/cxx-gcc-O2-dw5");
    const struct hd_sym_location *loc = lookup(sym, bin, 0x11ca);
    cr_assert_eq(loc->n_frames, 2);
    assert_frame(loc, 0, "(anonymous namespace)::make_widgets", "/src/tmpl.cc", 45);
    assert_frame(loc, 1, "app::Pool::take", "/src/tmpl.cc", 15);
    loc = lookup(sym, bin, 0x1259);
    assert_frame(loc, 0, "app::Pool::grow", "/src/tmpl.cc", 26);
    hd_sym_free(sym);
}

/* --no-demangle: the DWARF linkage name as written
 * (readelf -wi: DW_AT_linkage_name of Pool<Widget>::grow). */
Test(symbolize, no_demangle_keeps_linkage_names)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.demangle = false;
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    const struct hd_sym_location *loc = lookup(sym, testdata("bin/cxx-gcc-O2-dw5"), 0x1259);
    assert_frame(loc, 0, "_ZN3app4PoolINS_6WidgetEE4growEm", "/src/tmpl.cc", 26);
    hd_sym_free(sym);
}

/* c-symtab-only is c-gcc-O2-dw5-pie without DWARF: names from .symtab
 * (nm: leaf_alloc at 0x11c0, size 0x...), no file or line, and one "no debug
 * info" warning for the module however many lookups. */
Test(symbolize, symtab_gives_names_when_there_is_no_dwarf)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/c-symtab-only");
    const struct hd_sym_location *loc = lookup(sym, bin, 0x11c9);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    cr_assert_eq(loc->n_frames, 1);
    cr_assert_str_eq(loc->frames[0].function, "leaf_alloc");
    cr_assert_null(loc->frames[0].file);
    cr_assert_eq(loc->frames[0].line, 0);
    loc = lookup(sym, bin, 0x11fa);
    cr_assert_str_eq(loc->frames[0].function, "small_objects");
    hd_sym_say_summary(sym);
    cr_assert_not_null(strstr(warnings, "c-symtab-only: no debug info"), "%s", warnings);
    cr_assert_eq(strstr(warnings, "\n") + 1, warnings + strlen(warnings),
                 "one warning only: %s", warnings);
    hd_sym_free(sym);
}

/* libsymlib-stripped.so keeps only .dynsym: exported functions still get
 * their names (lib_outer's call at 0x113c, libsymlib.so.expected). */
Test(symbolize, dynsym_gives_names_of_exported_functions)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const struct hd_sym_location *loc =
        lookup(sym, testdata("bin/libsymlib-stripped.so"), 0x113d);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    cr_assert_str_eq(loc->frames[0].function, "lib_outer");
    cr_assert_null(loc->frames[0].file);
    hd_sym_free(sym);
}

/* File offset 0x11 lies in the ELF header, inside the first PT_LOAD but in
 * no function: no name, not the nearest symbol (DESIGN.md). */
Test(symbolize, address_outside_every_function_has_no_name)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const struct hd_sym_location *loc = lookup(sym, testdata("bin/c-symtab-only"), 0x11);
    cr_assert_eq(loc->status, HD_SYM_NO_SYMBOL);
    cr_assert_eq(loc->n_frames, 0);
    loc = lookup(sym, testdata("bin/c-symtab-only"), 0x10000000);
    cr_assert_eq(loc->status, HD_SYM_OUTSIDE_MODULE);
    hd_sym_free(sym);
}

/* A return address is the instruction after the call: 1 is subtracted
 * before the lookup, for every frame (DESIGN.md decisions table).
 * leaf_alloc starts at 0x11c0 (nm); the byte before it is padding. */
Test(symbolize, one_is_subtracted_from_every_return_address)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/c-gcc-O2-dw5-pie");
    const struct hd_sym_location *loc = lookup(sym, bin, 0x11c1);
    cr_assert_eq(loc->vaddr, 0x11c0);
    cr_assert_str_eq(loc->frames[0].function, "leaf_alloc");
    loc = lookup(sym, bin, 0x11c0);
    cr_assert_eq(loc->vaddr, 0x11bf);
    cr_assert(loc->n_frames == 0 || strcmp(loc->frames[0].function, "leaf_alloc") != 0);
    hd_sym_free(sym);
}

Test(symbolize, pseudo_mappings_are_never_opened)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *pseudo[] = {"", "[vdso]", "[heap]", "[stack]", "[anon:libc_malloc]"};
    for (size_t i = 0; i < sizeof pseudo / sizeof *pseudo; i++)
        cr_assert_eq(lookup(sym, pseudo[i], 0x1234)->status, HD_SYM_NOT_SYMBOLIZABLE);
    cr_assert_str_empty(warnings, "%s", warnings);
    struct hd_sym_stats st;
    hd_sym_get_stats(sym, &st);
    cr_assert_eq(st.modules_opened, 0);
    hd_sym_free(sym);
}

Test(symbolize, missing_module_warns_once_listing_the_paths_tried)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    const char *prefixes[] = {"/nonexistent-prefix"};
    o.lib_prefixes = prefixes;
    o.n_lib_prefixes = 1;
    o.no_system_debug_dirs = true;
    o.verbose = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    for (uint64_t off = 0x1000; off < 0x1010; off++)
        cr_assert_eq(lookup(sym, "/no/such/libgone.so", off)->status,
                     HD_SYM_MODULE_NOT_FOUND);
    hd_sym_say_summary(sym);
    cr_assert_str_eq(warnings,
                     "/no/such/libgone.so: cannot read: No such file or directory (tried "
                     "/nonexistent-prefix/libgone.so, /nonexistent-prefix/no/such/libgone.so, "
                     "/no/such/libgone.so)\n");
    hd_sym_free(sym);
}

/* Libraries copied from another machine: --lib-prefix DIR finds DIR/<base
 * name>, --sysroot DIR finds DIR/<path>.  Expected: libsymlib.so.expected. */
Test(symbolize, lib_prefix_and_sysroot_find_copied_libraries)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    const char *prefixes[] = {testdata("bin")};
    o.lib_prefixes = prefixes;
    o.n_lib_prefixes = 1;
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    const struct hd_sym_location *loc = lookup(sym, "/usr/lib/app/libsymlib.so", 0x1129);
    assert_frame(loc, 0, "lib_alloc", "/src/symlib.c", 9);
    hd_sym_free(sym);

    hd_sym_options_init(&o);
    o.sysroot = testdata("");
    o.no_system_debug_dirs = true;
    sym = hd_sym_new(&o);
    loc = lookup(sym, "/bin/libsymlib.so", 0x1129);
    assert_frame(loc, 0, "lib_alloc", "/src/symlib.c", 9);
    cr_assert_str_empty(warnings, "%s", warnings);
    hd_sym_free(sym);
}

/* The binary on the command line stands in for the main mapping, whatever
 * its path; an offset its segments do not hold is warned about once. */
Test(symbolize, main_binary_substitutes_for_the_main_mapping)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.main_binary = testdata("bin/c-gcc-O2-dw5-pie");
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    const struct hd_sym_location *loc = NULL;
    cr_assert_eq(hd_sym_lookup(sym, "/build/host/demo", true, 0x11fa, &loc), 0);
    assert_frame(loc, 0, "small_objects", "/src/demo.c", 26);
    cr_assert_str_empty(warnings, "%s", warnings);
    cr_assert_eq(hd_sym_lookup(sym, "/build/host/demo", true, 0x900000, &loc), 0);
    cr_assert_eq(loc->status, HD_SYM_OUTSIDE_MODULE);
    cr_assert_eq(hd_sym_lookup(sym, "/build/host/demo", true, 0x900001, &loc), 0);
    hd_sym_say_summary(sym);
    cr_assert_not_null(strstr(warnings, "load segments do not fit"), "%s", warnings);
    hd_sym_free(sym);
}

/* A profile without maps: raw addresses, looked up as virtual addresses of
 * the (non-PIE) main binary.  0x4011ec is c-gcc-O2-dw4-nopie's segment
 * 0x401000 at offset 0x1000 plus the call site's offset. */
Test(symbolize, unmapped_addresses_are_looked_up_in_the_main_binary)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.main_binary = testdata("bin/c-gcc-O2-dw4-nopie");
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    FILE *f = fopen(testdata("bin/c-gcc-O2-dw4-nopie.expected"), "r");
    cr_assert_not_null(f);
    char line[512], function[256] = "";
    unsigned long long offset = 0;
    while (fgets(line, sizeof line, f))
        if (line[0] == '@' && sscanf(line, "@ %llx", &offset) == 1 &&
            fgets(line, sizeof line, f) && sscanf(line, "%255[^\t]", function) == 1)
            break;
    fclose(f);
    const struct hd_sym_location *loc = NULL;
    cr_assert_eq(hd_sym_lookup(sym, NULL, false, 0x400000 + offset, &loc), 0);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    cr_assert_str_eq(loc->frames[0].function, function);
    hd_sym_free(sym);
}

/* c-badcrc's debuglink names a file whose bytes were changed after the CRC
 * was taken: it must not be used.  The function keeps only the identity
 * its .eh_frame FDE gives (c-badcrc is stripped): no name, no line. */
Test(symbolize, debuglink_with_wrong_crc_is_rejected)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.no_system_debug_dirs = true;
    o.verbose = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    const struct hd_sym_location *loc = lookup(sym, testdata("bin/c-badcrc"), 0x1180);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    cr_assert_eq(loc->n_frames, 1);
    cr_assert_eq(strncmp(loc->frames[0].function, "c-badcrc!0x", 11), 0, "%s",
                 loc->frames[0].function);
    cr_assert_null(loc->frames[0].file);
    hd_sym_say_summary(sym);
    cr_assert_not_null(strstr(warnings, "no debug info and no symbol table (looked for"), "%s",
                       warnings);
    cr_assert_not_null(strstr(warnings, ".debug/c-badcrc.dbg"), "%s", warnings);
    hd_sym_free(sym);
}

/* A dwz'ed file whose supplementary file is gone: names that live there
 * are missing, and never replaced by libdwarf's placeholder
 * "<DW_FORM_GNU_strp_alt-no-tied-file>". */
Test(symbolize, missing_dwz_file_never_yields_a_placeholder)
{
    char dir[] = "/tmp/hd-sym-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char copy[4096], cmd[8192];
    snprintf(copy, sizeof copy, "%s/cxx-dwz-a", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", testdata("bin/cxx-dwz-a"), copy);
    cr_assert_eq(system(cmd), 0);
    struct hd_symbolizer *sym = new_symbolizer(true, NULL);
    FILE *f = fopen(testdata("bin/cxx-gcc-O2-dw5.expected"), "r");
    char line[512];
    size_t frames = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long off;
        if (sscanf(line, "@ %llx", &off) != 1)
            continue;
        const struct hd_sym_location *loc = lookup(sym, copy, off);
        for (uint32_t i = 0; i < loc->n_frames; i++, frames++)
            cr_assert(!loc->frames[i].function || !strstr(loc->frames[i].function, "<DW_FORM"),
                      "%s", loc->frames[i].function);
    }
    fclose(f);
    cr_assert_gt(frames, 0);
    cr_assert_not_null(strstr(warnings, "dwz supplementary file not found"), "%s", warnings);
    hd_sym_free(sym);
    unlink(copy);
    rmdir(dir);
}

/* cycle.s: cycle_self's DW_AT_abstract_origin is itself, and the inlined
 * call in cycle_outer leads to C -> D -> C.  The lookups end, the outer
 * names come from DWARF or .symtab, the inlined one is unknown. */
Test(symbolize, cyclic_abstract_origins_end_without_a_name)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/cycle");
    const struct hd_sym_location *loc = lookup(sym, bin, 0x1002);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    cr_assert_str_eq(loc->frames[0].function, "cycle_self");
    loc = lookup(sym, bin, 0x1006);
    cr_assert_eq(loc->n_frames, 2);
    cr_assert_str_eq(loc->frames[0].function, "cycle_outer");
    cr_assert_null(loc->frames[1].function);
    cr_assert(loc->frames[1].inlined);
    hd_sym_free(sym);
}

/* sibling.s: a namespace and a lexical block whose DW_AT_sibling is the
 * DIE itself.  Every DIE walk must move forward, so the lookups end: the
 * function names come from DWARF before the bad DIE, or from .symtab. */
Test(symbolize, self_referencing_siblings_end_the_walk, .timeout = 30)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/sibling");
    const struct hd_sym_location *loc = lookup(sym, bin, 0x1002);
    cr_assert_str_eq(loc->frames[0].function, "sib_inner");
    loc = lookup(sym, bin, 0x1005);
    cr_assert_str_eq(loc->frames[0].function, "sib_outer");
    cr_assert_eq(loc->n_frames, 1);
    cr_assert_not_null(strstr(warnings, "DIE sibling does not move forward"), "%s", warnings);
    hd_sym_free(sym);
}

/* deep_inline.py: deep_outer holds 1000 nested inlined calls, inl_1
 * outermost, inl_1000 innermost (llvm-symbolizer 14 prints all 1001).  Of
 * the 64 frames heapdiff keeps, the innermost stay: they name the
 * allocation's callers.  One warning says the chain was cut. */
Test(symbolize, deep_inline_chains_keep_their_innermost_frames, .timeout = 30)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/deep-inline");
    const struct hd_sym_location *loc = lookup(sym, bin, 0x1002);
    cr_assert_eq(loc->n_frames, 64);
    cr_assert_str_eq(loc->frames[63].function, "inl_1000");
    cr_assert_str_eq(loc->frames[0].function, "inl_937");
    cr_assert_eq(loc->frames[0].line, 938, "inl_938 is called from line 938");
    lookup(sym, bin, 0x1003);
    const char *w = strstr(warnings, "an inline chain deeper than 64 frames lost its outermost");
    cr_assert_not_null(w, "%s", warnings);
    cr_assert_null(strstr(w + 1, "an inline chain deeper"), "said twice: %s", warnings);
    hd_sym_free(sym);
}

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, size, f), size);
    fclose(f);
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc(*size);
    cr_assert_eq(fread(data, 1, *size, f), *size);
    fclose(f);
    return data;
}

/* Not ELF, a truncated ELF header, and an ELF cut in the middle of its
 * debug sections: a warning each, and no crash. */
Test(symbolize, bad_elf_files_warn_and_fall_back)
{
    char path[] = "/tmp/hd-sym-bad-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    size_t size;
    unsigned char *elf = read_file(testdata("bin/c-gcc-O0-dw4-pie"), &size);

    write_file(path, "#!/bin/sh\necho not an object\n", 29);
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    cr_assert_eq(lookup(sym, path, 0x1200)->status, HD_SYM_MODULE_NOT_FOUND);
    hd_sym_say_summary(sym);
    cr_assert_not_null(strstr(warnings, "not an ELF file"), "%s", warnings);
    hd_sym_free(sym);

    static const size_t cuts[] = {20, 100, 3000, 9000, 14000};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        warnings[0] = '\0';
        hd_warning_reset();
        write_file(path, elf, cuts[i] < size ? cuts[i] : size);
        sym = new_symbolizer(false, NULL);
        const struct hd_sym_location *loc = lookup(sym, path, 0x1200);
        /* No name from what is left, at most the function's identity from
         * .eh_frame, which lies before the cut in the longer files. */
        cr_assert(loc->status != HD_SYM_RESOLVED ||
                      (loc->n_frames == 1 && strstr(loc->frames[0].function, "!0x")),
                  "cut at %zu: %s", cuts[i], loc->n_frames ? loc->frames[0].function : "");
        hd_sym_say_summary(sym);
        cr_assert_str_not_empty(warnings, "cut at %zu: no warning", cuts[i]);
        hd_sym_free(sym);
    }
    free(elf);
    unlink(path);
}

/* c-baddwarf has 0xff bytes over parts of .debug_info and .debug_line
 * (build.sh): lookups must survive and say so once. */
Test(symbolize, corrupt_dwarf_warns_and_keeps_going)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/c-baddwarf");
    FILE *f = fopen(testdata("bin/c-gcc-O0-dw4-pie.expected"), "r");
    char line[512];
    size_t resolved = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long off;
        if (sscanf(line, "@ %llx", &off) == 1)
            resolved += lookup(sym, bin, off)->status == HD_SYM_RESOLVED;
    }
    fclose(f);
    cr_assert_gt(resolved, 0, "the symbol table still names functions");
    cr_assert_str_not_empty(warnings);
    hd_sym_free(sym);
}

Test(symbolize, each_unique_address_is_symbolized_once)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *bin = testdata("bin/c-gcc-O2-dw5-pie");
    const struct hd_sym_location *a = lookup(sym, bin, 0x11fa);
    const struct hd_sym_location *b = lookup(sym, bin, 0x11fa);
    const struct hd_sym_location *c = lookup(sym, bin, 0x1278);
    cr_assert_eq(a, b);
    cr_assert_neq(a, c);
    /* Interned strings: one pointer per distinct file name. */
    cr_assert_eq(a->frames[0].file, c->frames[0].file);
    struct hd_sym_stats st;
    hd_sym_get_stats(sym, &st);
    cr_assert_eq(st.lookups, 3);
    cr_assert_eq(st.unique_addresses, 2);
    cr_assert_eq(st.modules_opened, 1);
    hd_sym_free(sym);
}

/* ---- unnamed code: a function identity from .eh_frame ---- */

/* libunnamed.so is src/unnamed.c linked by lld (file offset = vaddr -
 * 0x1000) and stripped to .dynsym; libunnamed-symtab.so is the same file
 * before strip (build.sh).  hidden_alloc is static, so only its FDE says
 * where it is.  Its two calls to malloc return to offsets 0x641 and 0x651,
 * unnamed_entry's call to hidden_alloc to 0x679 (objdump -d). */
#define HIDDEN_CALL_1 0x641
#define HIDDEN_CALL_2 0x651
#define ENTRY_CALL 0x679

/* hidden_alloc's start as a file offset, from the unstripped file's
 * .symtab: what the FDE must give. */
static uint64_t hidden_alloc_start(void)
{
    struct hd_sym_elf *elf;
    cr_assert_eq(hd_sym_elf_open(testdata("bin/libunnamed-symtab.so"), &elf, NULL), 0);
    uint64_t vaddr, offset;
    cr_assert(hd_sym_elf_offset_to_vaddr(elf, HIDDEN_CALL_1 - 1, &vaddr));
    const struct hd_sym_symbol *s = hd_sym_elf_find_symbol(elf, HD_SYM_SYMTAB, vaddr);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->name, "hidden_alloc");
    cr_assert(hd_sym_elf_vaddr_to_offset(elf, s->addr, &offset));
    cr_assert_neq(offset, s->addr, "lld's layout: offset and address differ");
    hd_sym_elf_close(elf);
    return offset;
}

/* The name unnamed code gets in module PATH: "FILE!0xSTART". */
static const char *unnamed_name(const char *path, uint64_t start)
{
    static char name[4096];
    const char *base = strrchr(path, '/');
    snprintf(name, sizeof name, "%s!0x%llx", base ? base + 1 : path,
             (unsigned long long)start);
    return name;
}

Test(symbolize, unnamed_function_is_one_identity_from_its_fde)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const char *lib = testdata("bin/libunnamed.so");
    const char *want = unnamed_name(lib, hidden_alloc_start());
    cr_assert_str_eq(want, "libunnamed.so!0x630");
    const struct hd_sym_location *a = lookup(sym, lib, HIDDEN_CALL_1);
    const struct hd_sym_location *b = lookup(sym, lib, HIDDEN_CALL_2);
    cr_assert_eq(a->status, HD_SYM_RESOLVED);
    cr_assert_eq(a->n_frames, 1);
    assert_frame(a, 0, want, NULL, 0);
    cr_assert_null(a->frames[0].file);
    cr_assert_eq(a->frames[0].function, b->frames[0].function,
                 "both call sites are one function");
    /* An exported function keeps its .dynsym name. */
    assert_frame(lookup(sym, lib, ENTRY_CALL), 0, "unnamed_entry", NULL, 0);
    hd_sym_free(sym);
}

/* Offset 0x6d5 is in lld's .plt, which has no FDE: it stays unnamed. */
Test(symbolize, code_outside_every_fde_stays_unnamed)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const struct hd_sym_location *loc = lookup(sym, testdata("bin/libunnamed.so"), 0x6d5);
    cr_assert_eq(loc->status, HD_SYM_NO_SYMBOL);
    hd_sym_free(sym);
}

/* A change to libunnamed.so: N bytes at AT from the start of SECTION's
 * contents, or of the file when SECTION is NULL. */
struct patch {
    const char *section;
    size_t at;
    const char *bytes;
    size_t n;
};

/* A copy of libunnamed.so with PATCHES applied, in a temporary file whose
 * path (malloc'ed) is returned. */
static char *patched_unnamed(const struct patch *patches, size_t n_patches)
{
    size_t size;
    unsigned char *bytes = read_file(testdata("bin/libunnamed.so"), &size);
    struct hd_sym_elf *elf;
    cr_assert_eq(hd_sym_elf_open(testdata("bin/libunnamed.so"), &elf, NULL), 0);
    for (size_t i = 0; i < n_patches; i++) {
        size_t at = patches[i].at;
        if (patches[i].section) {
            const uint8_t *data;
            size_t section_size;
            uint64_t vaddr;
            cr_assert(hd_sym_elf_raw_section(elf, patches[i].section, &data, &section_size,
                                             &vaddr));
            at += (size_t)(data - elf->map);
        }
        cr_assert_leq(at + patches[i].n, size);
        memcpy(bytes + at, patches[i].bytes, patches[i].n);
    }
    hd_sym_elf_close(elf);
    char *path = strdup("/tmp/hd-sym-ehf-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    write_file(path, bytes, size);
    free(bytes);
    return path;
}

/* .eh_frame_hdr's version (LSB: 1) made 9: the table is unusable. */
static const struct patch broken_table = {".eh_frame_hdr", 0, "\x09", 1};

/* The same function through each way to the FDEs: .eh_frame_hdr's sorted
 * table (the fixture as built), a walk of .eh_frame when the table is
 * unusable, and the PT_GNU_EH_FRAME segment when the section headers are
 * gone (e_shoff, e_shnum and e_shstrndx zeroed, as sstrip does). */
Test(symbolize, table_walk_and_segment_find_the_same_function)
{
    uint64_t start = hidden_alloc_start();
    static const struct patch no_sections[] = {
        {NULL, 0x28, "\0\0\0\0\0\0\0\0", 8}, /* e_shoff */
        {NULL, 0x3c, "\0\0\0\0", 4},         /* e_shnum, e_shstrndx */
    };
    char *paths[] = {patched_unnamed(NULL, 0), patched_unnamed(&broken_table, 1),
                     patched_unnamed(no_sections, 2)};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        struct hd_symbolizer *sym = new_symbolizer(false, NULL);
        const struct hd_sym_location *loc = lookup(sym, paths[i], HIDDEN_CALL_2);
        cr_assert_eq(loc->status, HD_SYM_RESOLVED, "%zu: %s", i, warnings);
        assert_frame(loc, 0, unnamed_name(paths[i], start), NULL, 0);
        hd_sym_free(sym);
        unlink(paths[i]);
        free(paths[i]);
    }
}

/* Hostile unwind tables are refused record by record: a CIE whose length
 * runs past the section, an FDE whose CIE pointer points before the
 * section, and an FDE whose pc_range wraps around the address space.  The
 * fixture's first FDE (hidden_alloc's) is at .eh_frame + 0x18: its length,
 * the CIE pointer at +0x1c, pc_begin at +0x20, pc_range at +0x24 (readelf
 * --debug-dump=frames).  Each is tried through the table and through the
 * walk. */
Test(symbolize, hostile_unwind_tables_are_refused)
{
    static const struct patch patches[] = {
        {".eh_frame", 0x00, "\xf0\xff\xff\x0f", 4}, /* the CIE's length */
        {".eh_frame", 0x1c, "\xff\xff\xff\x7f", 4}, /* the FDE's CIE pointer */
        {".eh_frame", 0x24, "\xff\xff\xff\xff", 4}, /* pc_range -1, as sdata4 */
    };
    for (size_t i = 0; i < sizeof patches / sizeof *patches; i++) {
        for (int walk = 0; walk < 2; walk++) {
            struct patch both[] = {patches[i], broken_table};
            char *path = patched_unnamed(both, walk ? 2 : 1);
            struct hd_symbolizer *sym = new_symbolizer(false, NULL);
            const struct hd_sym_location *loc = lookup(sym, path, HIDDEN_CALL_1);
            cr_assert_eq(loc->status, HD_SYM_NO_SYMBOL, "patch %zu, walk %d: %s", i, walk,
                         loc->n_frames ? loc->frames[0].function : "");
            /* unnamed_entry is still named by .dynsym. */
            assert_frame(lookup(sym, path, ENTRY_CALL), 0, "unnamed_entry", NULL, 0);
            hd_sym_free(sym);
            unlink(path);
            free(path);
        }
    }
}

/* ---- allocator predicates (FORMATS.md §3.4) ---- */

Test(symbolize, allocator_functions_are_the_union_of_the_peers_lists)
{
    const char *yes[] = {
        "malloc", "_malloc", "calloc", "operator new", "operator new[]", "tc_new",
        "__libc_malloc", "newImpl", "mallocx", "sdallocx", "tcmalloc::allocate_full_malloc_oom",
        "TCMallocImplementation::GetAllocatedSize", "__gnu_cxx::new_allocator::allocate",
        "do_malloc_pages", "::do_malloc", "runtime.mallocgc", "je_malloc_default",
        "je_prof_backtrace", "imalloc_body", "prof_backtrace", "BaseArena::Alloc",
        /* full names (--full-names) match by their short form */
        "operator new(unsigned long)", "operator new[](unsigned long, std::nothrow_t const&)",
        "__gnu_cxx::new_allocator<int>::allocate(unsigned long, void const*)",
        "tcmalloc::allocate_full_malloc_oom(unsigned long)"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        cr_assert(hd_allocator_is_function(yes[i]), "%s", yes[i]);
    const char *no[] = {"main", "small_objects", "std::vector::push_back",
                        "runtime.panicmem", "runtime.call32", "malloc_trim_wrapper",
                        "app::Pool::grow", NULL};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        cr_assert(!hd_allocator_is_function(no[i]), "%s", no[i] ? no[i] : "NULL");
}

/* ---- wrappers: charged to their callers, as the allocator is ---- */

Test(symbolize, default_wrappers_are_well_known_allocating_functions)
{
    struct hd_wrappers *w;
    struct hd_error err;
    cr_assert_eq(hd_wrappers_new(NULL, true, &w, &err), 0);
    /* Names from real stacks: python3.11-dbg (PyObject_Malloc ->
     * _PyMem_RawMalloc, _PyObject_GC_New -> gc_alloc), libsqlite3.a 3.40
     * (sqlite3MemMalloc <- sqlite3Malloc <- dbMallocRawFinish), clang 14
     * (llvm::User::operator new); the others from their libraries'
     * headers. */
    const char *yes[] = {
        "PyObject_Malloc", "PyObject_Realloc", "PyMem_Malloc", "PyMem_RawCalloc",
        "_PyMem_RawMalloc", "_PyMem_DebugRawAlloc", "_PyObject_GC_New", "gc_alloc",
        "PyType_GenericAlloc", "sqlite3Malloc", "sqlite3MemMalloc", "sqlite3_malloc64",
        "dbMallocRawFinish", "sqlite3DbMallocRawNN", "sqlite3DbStrDup", "xmlMalloc",
        "xmlMallocAtomic", "xmlStrndup", "g_malloc", "g_malloc0_n", "g_try_realloc",
        "g_slice_alloc0", "g_strdup", "__strdup", "strndup", "llvm::User::operator new",
        "app::Node::operator new[]", "std::allocator_traits::allocate",
        /* full and mangled names match by their short form */
        "llvm::User::operator new(unsigned long, unsigned int)", "_ZN4llvm4UsernwEmj",
        ("std::allocator_traits<std::allocator<int> >::allocate(std::allocator<int>&, "
         "unsigned long)")};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        cr_assert(hd_wrappers_match(w, yes[i]), "%s", yes[i]);
    /* The whole name must match: no prefix, suffix or neighbour. */
    const char *no[] = {"PyDict_New",     "new_keys_object", "PyObject_MallocStats",
                        "my_g_malloc",    "g_mallocator",    "sqlite3MallocSize",
                        "pcache1Alloc",   "xmlNewDocNode",   "main",
                        "operator new",   "",                NULL};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        cr_assert(!hd_wrappers_match(w, no[i]), "%s", no[i] ? no[i] : "NULL");
    hd_wrappers_free(w);
    cr_assert(!hd_wrappers_match(NULL, "PyObject_Malloc"), "no rule, no wrapper");
}

Test(symbolize, wrappers_option_adds_a_whole_name_regex)
{
    struct hd_wrappers *w;
    struct hd_error err;
    /* Without the defaults: only the user's regex, matched whole. */
    cr_assert_eq(hd_wrappers_new("lib_alloc|libunnamed\\.so!0x630", false, &w, &err), 0);
    cr_assert(hd_wrappers_match(w, "lib_alloc"));
    cr_assert(hd_wrappers_match(w, "libunnamed.so!0x630"), "an unnamed function by identity");
    cr_assert(!hd_wrappers_match(w, "lib_alloc2"));
    cr_assert(!hd_wrappers_match(w, "PyObject_Malloc"), "the defaults are off");
    hd_wrappers_free(w);
    /* With them: both. */
    cr_assert_eq(hd_wrappers_new("lib_alloc", true, &w, &err), 0);
    cr_assert(hd_wrappers_match(w, "lib_alloc") && hd_wrappers_match(w, "PyObject_Malloc"));
    hd_wrappers_free(w);
    /* Neither: the rule is off. */
    cr_assert_eq(hd_wrappers_new(NULL, false, &w, &err), 0);
    cr_assert_null(w);
    /* A bad regex and an empty one are errors that name the option. */
    cr_assert_eq(hd_wrappers_new("(", true, &w, &err), -1);
    cr_assert_not_null(strstr(err.message, "--wrappers: bad regular expression '('"), "%s",
                       err.message);
    cr_assert_eq(hd_wrappers_new("", true, &w, &err), -1);
    cr_assert_not_null(strstr(err.message, "--no-wrappers"), "%s", err.message);
}

/* libwrappers.so (build.sh): g_malloc calls malloc (return offset 0x1129)
 * and is called by make_thing (0x1149); PyObject_Malloc is inlined into
 * make_inline, whose call to malloc returns to 0x116d (objdump -d,
 * llvm-symbolizer).  The profile's stacks start at the user leaf, as
 * tcmalloc's do. */
static struct hd_model *wrapped_profile(void)
{
    char text[8192];
    snprintf(text, sizeof text,
             "heap profile: 2: 300 [2: 300] @ heapprofile\n"
             "1: 100 [1: 100] @ 0x7f0000001129 0x7f0000001149\n"
             "1: 200 [1: 200] @ 0x7f000000116d\n"
             "\nMAPPED_LIBRARIES:\n"
             "7f0000000000-7f0000004000 r-xp 00000000 00:00 1 %s\n",
             testdata("bin/libwrappers.so"));
    struct hd_error err;
    struct hd_model *m = hd_parse_buffer("w.heap", text, strlen(text), &err);
    cr_assert_not_null(m, "%s", err.message);
    cr_assert_eq(m->n_stacks, 2);
    return m;
}

Test(symbolize, wrappers_are_charged_to_their_callers)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    struct hd_wrappers *w;
    struct hd_error err;
    cr_assert_eq(hd_wrappers_new(NULL, true, &w, &err), 0);
    struct hd_model *m = wrapped_profile();
    hd_sym_annotate_model(sym, m, w);
    /* g_malloc's frame is cut: make_thing is the leaf. */
    cr_assert_eq(m->stacks[0].allocator_frames, 1);
    const struct hd_location *caller = &m->locations[m->stacks[0].locations[1]];
    cr_assert_str_eq(caller->frames[0].function, "make_thing");
    /* The inlined PyObject_Malloc goes, make_inline stays. */
    const struct hd_location *inl = &m->locations[m->stacks[1].locations[0]];
    cr_assert_eq(m->stacks[1].allocator_frames, 0);
    cr_assert_eq(inl->n_frames, 1);
    cr_assert_str_eq(inl->frames[0].function, "make_inline");
    /* What the header names, the heaviest first: 200 B, then 100 B. */
    const char *const *names;
    cr_assert_eq(hd_wrappers_charged(w, &names), 2);
    cr_assert_str_eq(names[0], "PyObject_Malloc");
    cr_assert_str_eq(names[1], "g_malloc");
    hd_model_free(m);
    hd_wrappers_free(w);

    /* With the rule off, both wrappers are rows of their own. */
    m = wrapped_profile();
    hd_sym_annotate_model(sym, m, NULL);
    cr_assert_eq(m->stacks[0].allocator_frames, 0);
    cr_assert_str_eq(m->locations[m->stacks[0].locations[0]].frames[0].function, "g_malloc");
    inl = &m->locations[m->stacks[1].locations[0]];
    cr_assert_eq(inl->n_frames, 2);
    cr_assert_str_eq(inl->frames[0].function, "PyObject_Malloc");
    hd_model_free(m);
    hd_sym_free(sym);
}

/* ---- the real system: python3.11 with python3.11-dbg, libc with libc6-dbg ---- */

#include <gelf.h>
#include <libelf.h>

struct exported {
    uint64_t offset; /* file offset of the function's entry */
    uint64_t size;
};

/* NAME's entry in PATH's .dynsym, as a file offset (through PT_LOAD). */
static bool find_exported(const char *path, const char *name, struct exported *out)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    bool found = false;
    Elf_Scn *scn = NULL;
    while (e && !found && (scn = elf_nextscn(e, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Sym s;
            if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC)
                continue;
            const char *n = elf_strptr(e, sh.sh_link, s.st_name);
            if (!n || strcmp(n, name) != 0)
                continue;
            size_t nph;
            elf_getphdrnum(e, &nph);
            for (size_t p = 0; p < nph; p++) {
                GElf_Phdr ph;
                if (gelf_getphdr(e, (int)p, &ph) && ph.p_type == PT_LOAD &&
                    s.st_value >= ph.p_vaddr && s.st_value < ph.p_vaddr + ph.p_filesz) {
                    out->offset = s.st_value - ph.p_vaddr + ph.p_offset;
                    out->size = s.st_size;
                    found = true;
                }
            }
            break;
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return found;
}

/* Whether /usr/lib/debug/.build-id/ holds OBJECT's debug file. */
static bool have_debug_package(const char *object)
{
    int fd = open(object, O_RDONLY);
    if (fd < 0)
        return false;
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    char path[512] = "";
    Elf_Scn *scn = NULL;
    while (e && !path[0] && (scn = elf_nextscn(e, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        GElf_Nhdr nh;
        size_t pos = 0, name_at, desc_at;
        while (d && (pos = gelf_getnote(d, pos, &nh, &name_at, &desc_at)) > 0) {
            if (nh.n_type != NT_GNU_BUILD_ID || nh.n_descsz < 2)
                continue;
            const unsigned char *id = (const unsigned char *)d->d_buf + desc_at;
            int n = snprintf(path, sizeof path, "/usr/lib/debug/.build-id/%02x/", id[0]);
            for (size_t i = 1; i < nh.n_descsz; i++)
                n += snprintf(path + n, sizeof path - (size_t)n, "%02x", id[i]);
            snprintf(path + n, sizeof path - (size_t)n, ".debug");
            break;
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return path[0] && access(path, R_OK) == 0;
}

/* Every address of FUNCTION in OBJECT resolves to FUNCTION (its DWARF
 * name) at a file:line of SOURCE; some carry inlined frames, each named,
 * with a call line.  Returns the number of addresses with inlines. */
static size_t check_system_function(struct hd_symbolizer *sym, const char *object,
                                    const char *function, const char *source)
{
    struct exported fn;
    cr_assert(find_exported(object, function, &fn), "%s: no %s", object, function);
    cr_assert_gt(fn.size, 0);
    size_t with_inlines = 0;
    for (uint64_t at = 1; at <= fn.size; at++) {
        const struct hd_sym_location *loc = lookup(sym, object, fn.offset + at);
        cr_assert_eq(loc->status, HD_SYM_RESOLVED, "%s+%#llx", function,
                     (unsigned long long)at);
        cr_assert_str_eq(loc->frames[0].function, function);
        for (uint32_t i = 0; i < loc->n_frames; i++) {
            const struct hd_sym_frame *f = &loc->frames[i];
            cr_assert_not_null(f->function, "%s+%#llx frame %u", function,
                               (unsigned long long)at, i);
            cr_assert_null(strstr(f->function, "<DW_FORM"));
            if (i + 1 < loc->n_frames)
                cr_assert_gt(f->line, 0, "%s+%#llx frame %u (%s): no call line",
                             function, (unsigned long long)at, i, f->function);
        }
        cr_assert_not_null(loc->frames[0].file);
        if (loc->n_frames == 1)
            cr_assert_not_null(strstr(loc->frames[0].file, source), "%s", loc->frames[0].file);
        with_inlines += loc->n_frames > 1;
    }
    return with_inlines;
}

/* /usr/bin/python3.11 is stripped; its DWARF 5 is in python3.11-dbg,
 * zlib-compressed, found by build-id under /usr/lib/debug.  Function names
 * and files from the export table and CPython's sources. */
Test(symbolize, python311_resolves_through_its_debug_package_with_inlines)
{
    const char *python = "/usr/bin/python3.11";
    if (access(python, R_OK) != 0 || !have_debug_package(python))
        cr_skip_test("needs python3.11 and python3.11-dbg");
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    struct hd_symbolizer *sym = hd_sym_new(&o);
    size_t inlined = check_system_function(sym, python, "PyDict_SetItem", "Objects/dictobject.c");
    inlined += check_system_function(sym, python, "PyList_Append", "Objects/listobject.c");
    inlined += check_system_function(sym, python, "PyUnicode_FromString", "Objects/unicodeobject.c");
    cr_assert_gt(inlined, 0, "no inlined frames at all");
    cr_assert_str_empty(warnings, "%s", warnings);
    hd_sym_free(sym);
}

Test(symbolize, libc_resolves_through_libc6_dbg)
{
    const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
    if (access(libc, R_OK) != 0 || !have_debug_package(libc))
        cr_skip_test("needs libc6-dbg");
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    struct hd_symbolizer *sym = hd_sym_new(&o);
    struct exported fn;
    cr_assert(find_exported(libc, "malloc", &fn));
    const struct hd_sym_location *loc = lookup(sym, libc, fn.offset + 1);
    cr_assert_eq(loc->status, HD_SYM_RESOLVED);
    /* glibc's DWARF names the function __libc_malloc (malloc is an alias). */
    cr_assert_str_eq(loc->frames[0].function, "__libc_malloc");
    cr_assert_not_null(strstr(loc->frames[0].file, "malloc.c"), "%s", loc->frames[0].file);
    cr_assert_gt(loc->frames[0].line, 0);
    cr_assert_str_empty(warnings, "%s", warnings);
    hd_sym_free(sym);
}

/* ---- names (FORMATS.md §4.1: pprof's ShortFunctionName; Go pprof's
 * demangler with parameters and templates dropped) ---- */

static void assert_display(const char *raw, bool full, const char *expected)
{
    char *name = hd_sym_display_name(raw, true, full);
    cr_assert_str_eq(name, expected, "%s", raw);
    free(name);
}

Test(symbolize, names_are_demangled_and_shortened_like_pprof)
{
    /* FORMATS.md §4.1's own examples. */
    assert_display("_ZNSt6vectorIiSaIiEE9push_backERKi", false, "std::vector::push_back");
    assert_display("_Znwm", false, "operator new");
    assert_display("_ZNSt6vectorIiSaIiEE9push_backERKi", true,
                   "std::vector<int, std::allocator<int> >::push_back(int const&)");
    /* Operators keep their angle brackets and parentheses. */
    assert_display("_ZlsRSoRKSs", false, "operator<<");
    assert_display("_ZZ4mainENKUlvE_clEv", false, "main::{lambda()#1}::operator()");
    assert_display("_Znam", false, "operator new[]");
    /* GCC clones are the function itself. */
    assert_display("_ZN12_GLOBAL__N_112make_widgetsERN3app4PoolINS0_6WidgetEEEi.constprop.0",
                   false, "(anonymous namespace)::make_widgets");
    assert_display("leaf_alloc.constprop.0", false, "leaf_alloc");
    assert_display("leaf_alloc.cold", false, "leaf_alloc");
    assert_display("main", false, "main");
    /* Plain DWARF names of templates lose their arguments too. */
    assert_display("grow<int>", false, "grow");
    /* Rust, v0 and legacy manglings (libiberty). */
    assert_display("_RNvCs15kBYyAo9fc_7mycrate4main", false, "mycrate::main");
    assert_display("_ZN4core3fmt9Formatter3pad17h0123456789abcdefE", false,
                   "core::fmt::Formatter::pad");
    /* Not mangled, or not demangleable: as is. */
    assert_display("_Zgarbage", false, "_Zgarbage");
}

/* ---- allocator frames: the rule's one home (symbolize/allocator.c) ---- */

Test(symbolize, allocator_libraries_are_dedicated_allocator_libraries)
{
    cr_assert(hd_allocator_is_library("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"));
    cr_assert(hd_allocator_is_library("/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"));
    cr_assert(hd_allocator_is_library("libtcmalloc_minimal.so.4.5.9"));
    cr_assert(!hd_allocator_is_library("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    cr_assert(!hd_allocator_is_library("/opt/app/libjemallocator_shim_tests.so"));
    cr_assert(!hd_allocator_is_library(NULL));
}

Test(symbolize, allocator_frames_are_cut_from_the_leaf_end_of_stacks)
{
    /* Go pprof's rule (FORMATS.md §3.4): the root-most allocator frame and
     * everything leafward of it go; a stack of nothing else keeps its
     * root. */
    static const char text[] =
        "heap profile: 0: 0 [0: 0] @ heapprofile\n"
        "1: 10 [1: 10] @ 0x7f0000001100 0x7f0000001200 0x1100 0x1200\n"
        "1: 10 [1: 10] @ 0x7f0000001100 0x7f0000001200\n"
        "1: 10 [1: 10] @ 0x1100 0x1200\n"
        "\nMAPPED_LIBRARIES:\n"
        "00001000-00003000 r-xp 00001000 00:00 1 /srv/app\n"
        "7f0000001000-7f0000002000 r-xp 00001000 00:00 2 /usr/lib/libjemalloc.so.2\n";
    struct hd_error err;
    struct hd_model *m = hd_parse_buffer("a.heap", text, strlen(text), &err);
    cr_assert_not_null(m, "%s", err.message);
    hd_sym_annotate_model(NULL, m, NULL);
    cr_assert_eq(m->stacks[0].allocator_frames, 2);
    cr_assert_eq(m->stacks[1].allocator_frames, 1, "the root is kept");
    cr_assert_eq(m->stacks[2].allocator_frames, 0);
    hd_model_free(m);
}

/* ---- hostile paths: a FIFO never blocks the symbolizer (issue 10) ---- */

/* A maps line may name any path; open() on a FIFO without O_NONBLOCK
 * waits for a writer forever.  The module is unreadable, said once. */
Test(symbolize, fifo_named_by_the_maps_section_is_refused, .timeout = 30)
{
    char dir[] = "/tmp/hd-sym-fifo-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char fifo[4096];
    snprintf(fifo, sizeof fifo, "%s/app", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    const struct hd_sym_location *loc = lookup(sym, fifo, 0x1180);
    cr_assert_neq(loc->status, HD_SYM_RESOLVED);
    hd_sym_free(sym);
    unlink(fifo);
    rmdir(dir);
}

/* cxx-dwz-a's .gnu_debugaltlink is ../debug/dwz-common.debug; here that
 * path is a FIFO.  The supplementary file is not found; nothing waits. */
Test(symbolize, fifo_as_the_dwz_supplementary_file_is_not_opened, .timeout = 30)
{
    char dir[] = "/tmp/hd-sym-fifo-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char bin[64], debug[64], copy[128], fifo[128], cmd[8192];
    snprintf(bin, sizeof bin, "%s/bin", dir);
    snprintf(debug, sizeof debug, "%s/debug", dir);
    cr_assert_eq(mkdir(bin, 0700), 0);
    cr_assert_eq(mkdir(debug, 0700), 0);
    snprintf(copy, sizeof copy, "%s/cxx-dwz-a", bin);
    snprintf(fifo, sizeof fifo, "%s/dwz-common.debug", debug);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", testdata("bin/cxx-dwz-a"), copy);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    lookup(sym, copy, 0x1180);
    cr_assert_not_null(strstr(warnings, "dwz supplementary file not found"), "%s", warnings);
    hd_sym_free(sym);
    unlink(fifo);
    unlink(copy);
    rmdir(bin);
    rmdir(debug);
    rmdir(dir);
}

/* --sysroot DIR: a path from a profile names the file it would name if DIR
 * were "/".  DIR/lib is a relative link to usr/lib, DIR/usr/lib/libabs.so
 * an absolute link to /usr/lib/libsymlib.so (DIR's), DIR/loop a link to
 * itself.  Each lookup reads DIR's copy or nothing; the host's
 * /usr/lib/... is never read, and the loop ends. */
Test(symbolize, sysroot_resolves_dotdot_and_links_inside_it, .timeout = 30)
{
    char dir[] = "/tmp/hd-sym-root-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], cmd[8192], lib[256];
    snprintf(path, sizeof path, "%s/usr", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/usr/lib", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(lib, sizeof lib, "%s/usr/lib/libsymlib.so", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", testdata("bin/libsymlib.so"), lib);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/lib", dir);
    cr_assert_eq(symlink("usr/lib", path), 0);
    snprintf(path, sizeof path, "%s/usr/lib/libabs.so", dir);
    cr_assert_eq(symlink("/usr/lib/libsymlib.so", path), 0);
    snprintf(path, sizeof path, "%s/loop", dir);
    cr_assert_eq(symlink("/loop", path), 0);

    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.sysroot = dir;
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    static const char *const found[] = {
        "/usr/lib/libsymlib.so", "/lib/libsymlib.so", "/usr/lib/libabs.so",
        "/lib/../../../../usr/./lib/libsymlib.so", "../../../lib//libsymlib.so",
        "usr/lib/libsymlib.so",
    };
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        const struct hd_sym_location *loc = lookup(sym, found[i], 0x1129);
        assert_frame(loc, 0, "lib_alloc", "/src/symlib.c", 9);
        cr_assert_str_eq(loc->module, lib, "%s", found[i]);
    }
    /* The host's /usr/lib/x86_64-linux-gnu/libc.so.6 exists, but not in
     * DIR; the loop is followed 40 times at most. */
    static const char *const missing[] = {
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/../../usr/lib/x86_64-linux-gnu/libc.so.6",
        "/loop/libsymlib.so",
    };
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
        cr_assert_eq(lookup(sym, missing[i], 0x1129)->status, HD_SYM_MODULE_NOT_FOUND, "%s",
                     missing[i]);
    hd_sym_free(sym);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* --lib-prefix DIR: a file mapped as /x/y/libz.so is looked for as
 * DIR/libz.so and DIR/x/y/libz.so, resolved inside DIR as with a sysroot,
 * then at /x/y/libz.so itself.  -v (verbose) lists them in that order. */
Test(symbolize, lib_prefix_candidates_stay_inside_the_prefix)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    const char *prefixes[] = {"/nonexistent-prefix"};
    o.lib_prefixes = prefixes;
    o.n_lib_prefixes = 1;
    o.no_system_debug_dirs = true;
    o.verbose = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    lookup(sym, "/no/such/../../../etc/libgone.so", 0x1000);
    hd_sym_say_summary(sym);
    cr_assert_str_eq(warnings,
                     "/no/such/../../../etc/libgone.so: cannot read: No such file or "
                     "directory (tried /nonexistent-prefix/libgone.so, "
                     "/nonexistent-prefix/etc/libgone.so, /no/such/../../../etc/libgone.so)\n");
    hd_sym_free(sym);
}

/* A main binary that does not fit the main mapping: one warning for 100
 * addresses, with the count and the first offset (issue 9: 123 lines,
 * one per address, were printed). */
Test(symbolize, main_binary_misfits_are_counted_in_one_warning)
{
    struct hd_sym_options o;
    hd_sym_options_init(&o);
    o.main_binary = testdata("bin/c-gcc-O2-dw5-pie");
    o.no_system_debug_dirs = true;
    struct hd_symbolizer *sym = hd_sym_new(&o);
    const struct hd_sym_location *loc = NULL;
    for (uint64_t i = 0; i < 100; i++)
        cr_assert_eq(hd_sym_lookup(sym, "/build/host/demo", true, 0x900001 + 16 * i, &loc), 0);
    cr_assert_str_empty(warnings, "said before the summary: %s", warnings);
    hd_sym_say_summary(sym);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: its load segments do not fit the main program's mapping (/build/host/demo): "
             "100 addresses lie outside them, the first at file offset 0x900000; wrong "
             "binary?\n",
             testdata("bin/c-gcc-O2-dw5-pie"));
    cr_assert_str_eq(warnings, want);
    hd_sym_say_summary(sym);
    cr_assert_str_eq(warnings, want, "a second summary repeats nothing");
    hd_sym_free(sym);
}

/* Modules that cannot be read: a short line each up to three, then one
 * line for all, naming four. */
Test(symbolize, many_unreadable_modules_make_one_line)
{
    struct hd_symbolizer *sym = new_symbolizer(false, NULL);
    char path[64];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/no/such/lib%d.so", i);
        lookup(sym, path, 0x1000);
    }
    hd_sym_say_summary(sym);
    cr_assert_str_eq(warnings, "/no/such/lib0.so: cannot read: No such file or directory\n"
                               "/no/such/lib1.so: cannot read: No such file or directory\n"
                               "/no/such/lib2.so: cannot read: No such file or directory\n");
    warnings[0] = '\0';
    for (int i = 3; i < 10; i++) {
        snprintf(path, sizeof path, "/no/such/lib%d.so", i);
        lookup(sym, path, 0x1000);
    }
    hd_sym_say_summary(sym);
    cr_assert_str_eq(warnings, "cannot read 7 files the profiles name: lib3.so, lib4.so, "
                               "lib5.so, lib6.so and 3 more (-v says why, and where each was "
                               "looked for)\n");
    hd_sym_free(sym);
}
