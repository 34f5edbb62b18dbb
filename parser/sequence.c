/* Producers' dump numbering, and snapshots in the order they were
 * written (see sequence.h). */
#include "sequence.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "input.h"
#include "massif.h"

/* Whether TEXT[0..LEN) is all digits, and at least one. */
static bool all_digits(const char *text, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)text[i]))
            return false;
    return true;
}

/* See sequence.h. */
bool hd_dump_sequence(const char *path, char *run, size_t size, unsigned long long *seq)
{
    char name[PATH_MAX];
    if (snprintf(name, sizeof name, "%s", path) >= (int)sizeof name)
        return false;
    long snapshot;
    if (hd_massif_split_selector(path, name, sizeof name, &snapshot)) {
        if (snapshot < 0)
            return false;
        *seq = (unsigned long long)snapshot;
        snprintf(run, size, "massif:%s", name);
        return true;
    }
    size_t len = strlen(name);
    if (len > 3 && strcmp(name + len - 3, ".gz") == 0)
        name[len -= 3] = '\0';
    if (len < 5 || strcmp(name + len - 5, ".heap") != 0)
        return false;
    name[len -= 5] = '\0';
    char *last = strrchr(name, '.');
    if (!last || strchr(last, '/'))
        return false;
    const char *kind = last + 1;
    bool jemalloc = strcmp(kind, "f") == 0 ||
                    (strchr("imuv", kind[0]) && kind[0] && all_digits(kind + 1, strlen(kind + 1)));
    char *number = last;
    if (jemalloc) {
        *last = '\0';
        number = strrchr(name, '.');
        if (!number || strchr(number, '/') || !all_digits(number + 1, strlen(number + 1)))
            return false;
        char *pid = number;
        *pid = '\0';
        char *before = strrchr(name, '.');
        *pid = '.';
        if (!before || strchr(before, '/') || !all_digits(before + 1, (size_t)(pid - before - 1)))
            return false;
    } else if (strlen(kind) < 4 || !all_digits(kind, strlen(kind))) {
        return false;
    }
    *seq = strtoull(number + 1, NULL, 10);
    *number = '\0';
    snprintf(run, size, "%s:%s", jemalloc ? "jemalloc" : "gperftools", name);
    return true;
}

/* A snapshot's sort key: its run and its number in it. */
struct snapshot_key {
    const char *path;
    char run[PATH_MAX + 16];
    unsigned long long seq;
};

/* By run, then by number: a total order, as qsort needs. */
static int compare_keys(const void *pa, const void *pb)
{
    const struct snapshot_key *a = pa, *b = pb;
    int by_run = strverscmp(a->run, b->run);
    if (by_run)
        return by_run;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

void hd_sort_snapshots(const char **paths, size_t n)
{
    struct snapshot_key *keys = hd_calloc(n ? n : 1, sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        keys[i].path = paths[i];
        if (!hd_dump_sequence(paths[i], keys[i].run, sizeof keys[i].run, &keys[i].seq))
            snprintf(keys[i].run, sizeof keys[i].run, "%s", paths[i]);
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    for (size_t i = 0; i < n; i++)
        paths[i] = keys[i].path;
    free(keys);
}

int hd_expand_snapshots(const char *path, const struct hd_parse_limits *limits, size_t max,
                        void (*add)(void *context, const char *snapshot), void *context,
                        struct hd_error *err)
{
    /* Other files are read once, later: only their start is read here. */
    if (!hd_input_starts_with(path, "desc:")) {
        add(context, path);
        return 0;
    }
    struct hd_input in;
    if (hd_input_open(&in, path, limits->max_input_bytes, err) != 0)
        return -1;
    long *numbers;
    size_t n;
    int rc = hd_massif_list_snapshots(hd_input_name(path), in.data, in.size, limits, max + 1,
                                      &numbers, &n, err);
    hd_input_close(&in);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char snapshot[PATH_MAX + 16];
        snprintf(snapshot, sizeof snapshot, "%s#%ld", path, numbers[i]);
        add(context, snapshot);
    }
    free(numbers);
    return rc;
}
