/* Source file paths (see path.h). */
#include "path.h"

#include <limits.h>
#include <string.h>

const char *hd_path_clean(char *path)
{
    /* Go's algorithm, written into PATH itself: the write index W never
     * passes the read index R, since every separator written stands for
     * at least one read, and "." and ".." elements only shorten. */
    size_t n = strlen(path);
    if (n == 0)
        return ".";
    bool rooted = path[0] == '/';
    size_t r = 0, w = 0, dotdot = 0; /* ".." stops at DOTDOT: the root, or
                                        after leading "../.." */
    if (rooted) {
        path[w++] = '/';
        r = dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            r++; /* an empty element */
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++; /* a "." element */
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                /* Take back the last element written. */
                w--;
                while (w > dotdot && path[w] != '/')
                    w--;
            } else if (!rooted) {
                /* Nothing to take back: a relative path keeps its "..". */
                if (w > 0)
                    path[w++] = '/';
                path[w++] = '.';
                path[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                path[w++] = '/';
            while (r < n && path[r] != '/')
                path[w++] = path[r++];
        }
    }
    if (w == 0)
        path[w++] = '.';
    path[w] = '\0';
    return path;
}

const char *hd_path_list_next(const char *list, size_t *length, const char **rest)
{
    while (list && *list == ':')
        list++;
    if (!list || !*list) {
        *rest = NULL;
        return NULL;
    }
    const char *colon = strchr(list, ':');
    *length = colon ? (size_t)(colon - list) : strlen(list);
    *rest = colon ? colon + 1 : NULL;
    return list;
}

const char hd_path_default_trim[] = "/proc/self/cwd";

/* PATH without PREFIX (LENGTH bytes, not yet clean), or NULL when PREFIX
 * is not a whole leading part of it. */
static const char *trim_one(const char *path, const char *prefix, size_t length)
{
    char clean[PATH_MAX];
    if (length >= sizeof clean)
        return NULL;
    memcpy(clean, prefix, length);
    clean[length] = '\0';
    const char *p = hd_path_clean(clean);
    size_t n = strlen(p);
    if (strcmp(p, "/") == 0)
        n = 0; /* "/" trims the root: "/a/b.c" is "a/b.c" */
    else if (strcmp(p, ".") == 0)
        return NULL;
    if (strncmp(path, p, n) != 0 || path[n] != '/' || !path[n + 1])
        return NULL;
    return path + n + 1;
}

const char *hd_path_trim(const char *path, const char *const *prefixes, size_t n)
{
    const char *rest, *item;
    size_t length;
    for (size_t i = 0; i <= n; i++) {
        const char *list = i == 0 ? hd_path_default_trim : prefixes[i - 1];
        for (item = hd_path_list_next(list, &length, &rest); item;
             item = hd_path_list_next(rest, &length, &rest)) {
            const char *trimmed = trim_one(path, item, length);
            if (trimmed)
                return trimmed;
        }
    }
    return path;
}

const char *hd_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}
