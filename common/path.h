/* Source file paths as reports show them.
 *
 * DWARF joins a compilation directory and a file name as the build saw
 * them: "build-static/../Objects/obmalloc.c", "./intl/./intl/localealias.c".
 * The symbolizer cleans each name once, where it is made
 * (hd_path_clean), so that one file has one spelling; what --trim-path
 * takes off is taken off before any report is built (hd_path_trim).
 * Both follow Go pprof, whose users know its spellings. */
#ifndef HD_PATH_H
#define HD_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* Clean PATH in place as Go's path/filepath.Clean does (Go pprof cleans
 * every file name so): repeated slashes become one, "." elements go, an
 * element followed by ".." goes with it, ".." at the start of a rooted
 * path goes, a leading ".." of a relative path stays, and a trailing
 * slash goes.  The result is never longer than PATH.  Returns PATH, or
 * the constant "." when PATH is empty (Go's answer, which has no room in
 * PATH). */
const char *hd_path_clean(char *path);

/* The file name of PATH, what a short message calls a file: what follows
 * its last '/'; PATH itself when it has no '/' or ends in one. */
const char *hd_path_base(const char *path);

/* Walk a ':'-separated LIST (Go's filepath.SplitList; --trim-path and
 * --source-path take such lists): returns the first item, of *LENGTH
 * bytes, and sets *REST to what follows it (NULL after the last).  An
 * empty item is skipped.  Returns NULL when no item is left; LIST may be
 * NULL.  Example: for (p = hd_path_list_next(s, &n, &s); p; p =
 * hd_path_list_next(s, &n, &s)). */
const char *hd_path_list_next(const char *list, size_t *length, const char **rest);

/* The prefixes hd_path_trim() takes off without being asked, as Go pprof
 * does: Bazel's sandbox spelling of the build directory. */
extern const char hd_path_default_trim[];

/* PATH without the first of PREFIXES that is a whole leading part of it:
 * each entry of PREFIXES[0..N) is a ':'-separated list (hd_path_list_next)
 * of prefixes, tried in order after hd_path_default_trim.  A prefix
 * matches whole components only ("/src" trims "/src/a.c", not
 * "/srcs/a.c"), its trailing slashes and PATH's separator are taken off
 * too, and a prefix equal to all of PATH does not match.  Prefixes are
 * cleaned before they are compared ("./build/" is "build"); PATH should
 * be clean already, as the symbolizer makes it.  Returns a pointer into
 * PATH (PATH itself when nothing matches). */
const char *hd_path_trim(const char *path, const char *const *prefixes, size_t n);

#endif
