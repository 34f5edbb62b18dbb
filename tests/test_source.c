/* Source paths (common/path.c) and the --list source view
 * (render/source.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* ---- cleaning ---- */

/* Go's own table for filepath.Clean (go/src/path/filepath/path_test.go,
 * cleantests, Go 1.19), which Go pprof applies to every file name. */
static const char *const go_clean_cases[][2] = {
    /* already clean */
    {"abc", "abc"},
    {"abc/def", "abc/def"},
    {"a/b/c", "a/b/c"},
    {".", "."},
    {"..", ".."},
    {"../..", "../.."},
    {"../../abc", "../../abc"},
    {"/abc", "/abc"},
    {"/", "/"},
    /* empty is the current directory */
    {"", "."},
    /* trailing slashes go */
    {"abc/", "abc"},
    {"abc/def/", "abc/def"},
    {"a/b/c/", "a/b/c"},
    {"./", "."},
    {"../", ".."},
    {"../../", "../.."},
    {"/abc/", "/abc"},
    /* doubled slashes */
    {"abc//def//ghi", "abc/def/ghi"},
    {"//abc", "/abc"},
    {"///abc", "/abc"},
    {"//abc//", "/abc"},
    {"abc//", "abc"},
    /* "." elements */
    {"abc/./def", "abc/def"},
    {"/./abc/def", "/abc/def"},
    {"abc/.", "abc"},
    /* ".." elements */
    {"abc/def/ghi/../jkl", "abc/def/jkl"},
    {"abc/def/../ghi/../jkl", "abc/jkl"},
    {"abc/def/..", "abc"},
    {"abc/def/../..", "."},
    {"/abc/def/../..", "/"},
    {"abc/def/../../..", ".."},
    {"/abc/def/../../..", "/"},
    {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
    {"/../abc", "/abc"},
    /* combinations */
    {"abc/./../def", "def"},
    {"abc//./../def", "def"},
    {"abc/../../././../def", "../../def"},
};

Test(path, cleans_as_go_filepath_clean)
{
    for (size_t i = 0; i < sizeof go_clean_cases / sizeof *go_clean_cases; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", go_clean_cases[i][0]);
        cr_expect_str_eq(hd_path_clean(buf), go_clean_cases[i][1], "Clean(\"%s\")",
                         go_clean_cases[i][0]);
    }
}

Test(path, cleans_the_paths_real_debug_info_gives)
{
    /* What libdwarf makes of Debian's python3.11 and glibc, and of
     * testdata's leaky (comp_dir ".", file "src/leaky.c"). */
    static const char *const cases[][2] = {
        {"/build/reproducible-path/python3.11-3.11.2/build-static/../Objects/obmalloc.c",
         "/build/reproducible-path/python3.11-3.11.2/Objects/obmalloc.c"},
        {"./intl/./intl/localealias.c", "intl/intl/localealias.c"},
        {"./csu/../sysdeps/x86/libc-start.c", "sysdeps/x86/libc-start.c"},
        {"./src/leaky.c", "src/leaky.c"},
        {"../../lib/x.c", "../../lib/x.c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", cases[i][0]);
        cr_expect_str_eq(hd_path_clean(buf), cases[i][1]);
    }
}

/* ---- lists and trimming ---- */

Test(path, splits_lists_at_colons_skipping_empty_items)
{
    const char *rest = "a::/b/c:", *item;
    size_t n;
    char seen[64] = "";
    for (item = hd_path_list_next(rest, &n, &rest); item;
         item = hd_path_list_next(rest, &n, &rest))
        snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "[%.*s]", (int)n, item);
    cr_expect_str_eq(seen, "[a][/b/c]");
    cr_expect_null(hd_path_list_next(NULL, &n, &rest));
    cr_expect_null(hd_path_list_next("::", &n, &rest));
}

Test(path, trims_whole_leading_components)
{
    const char *py = "/build/reproducible-path/python3.11-3.11.2/Objects/obmalloc.c";
    const char *prefix[] = {"/build/reproducible-path/python3.11-3.11.2"};
    cr_expect_str_eq(hd_path_trim(py, prefix, 1), "Objects/obmalloc.c");
    /* Trailing slashes and unclean spellings are the same prefix. */
    const char *slashed[] = {"/build//reproducible-path/./python3.11-3.11.2/"};
    cr_expect_str_eq(hd_path_trim(py, slashed, 1), "Objects/obmalloc.c");
    /* Only whole components: "/build/repro" is no prefix of it. */
    const char *partial[] = {"/build/repro"};
    cr_expect_eq(hd_path_trim(py, partial, 1), py);
    /* A prefix that is the whole path leaves it. */
    const char *whole[] = {"src/leaky.c"};
    cr_expect_str_eq(hd_path_trim("src/leaky.c", whole, 1), "src/leaky.c");
    /* A relative prefix trims relative paths. */
    const char *src[] = {"src"};
    cr_expect_str_eq(hd_path_trim("src/leaky.c", src, 1), "leaky.c");
    /* "/" makes absolute paths relative. */
    const char *root[] = {"/"};
    cr_expect_str_eq(hd_path_trim("/usr/include/stdio.h", root, 1), "usr/include/stdio.h");
}

Test(path, trims_the_first_matching_prefix_of_colon_lists)
{
    const char *prefixes[] = {"/nowhere:/build", "/build/x"};
    cr_expect_str_eq(hd_path_trim("/build/x/a.c", prefixes, 2), "x/a.c");
    const char *reversed[] = {"/build/x:/build"};
    cr_expect_str_eq(hd_path_trim("/build/x/a.c", reversed, 1), "a.c");
}

Test(path, trims_bazels_sandbox_directory_unasked)
{
    /* Go pprof takes "/proc/self/cwd/" off without being asked
     * (internal/report/source.go, trimPath). */
    cr_expect_str_eq(hd_path_trim("/proc/self/cwd/src/a.c", NULL, 0), "src/a.c");
    cr_expect_str_eq(hd_path_trim("/proc/self/cwdx/a.c", NULL, 0), "/proc/self/cwdx/a.c");
}
