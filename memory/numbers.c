/* Sizes, sums and region arrays shared by the readers (inputs.h). */
#include "inputs.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

int hd_mem_kb_to_bytes(const char *name, long line, const char *what, uint64_t kb,
                       uint64_t *bytes, struct hd_error *err)
{
    uint64_t b;
    if (__builtin_mul_overflow(kb, (uint64_t)1024, &b) || b == HD_MEM_UNKNOWN)
        return hd_error_set(err, name, line, "%s: %llu kB is beyond 2^64 bytes", what,
                            (unsigned long long)kb);
    *bytes = b;
    return 0;
}

int hd_mem_cursor_u64(struct hd_cursor *c, const char *name, long line, const char *what,
                      uint64_t *value, struct hd_error *err)
{
    hd_cursor_skip_blanks(c);
    if (c->p < c->end && *c->p == '-')
        return hd_error_set(err, name, line, "%s: a negative size", what);
    int64_t v;
    switch (hd_cursor_int(c, &v)) {
    case HD_NUMBER_OK:
        *value = (uint64_t)v;
        return 0;
    case HD_NUMBER_OVERFLOW:
        return hd_error_set(err, name, line, "%s: the number is beyond 2^63", what);
    default:
        return hd_error_set(err, name, line, "%s: a number is missing", what);
    }
}

int hd_mem_add(uint64_t *sum, uint64_t value, const char *name, const char *what,
               struct hd_error *err)
{
    if (*sum == HD_MEM_UNKNOWN || value == HD_MEM_UNKNOWN) {
        *sum = HD_MEM_UNKNOWN;
        return 0;
    }
    if (__builtin_add_overflow(*sum, value, sum) || *sum == HD_MEM_UNKNOWN)
        return hd_error_set(err, name, 0, "the sum of %s is beyond 2^64 bytes", what);
    return 0;
}

static const struct {
    const char *key;
    size_t offset;
} size_fields[HD_MEM_N_SIZE_FIELDS] = {
    {"Rss", offsetof(struct hd_mem_rollup, rss)},
    {"Pss", offsetof(struct hd_mem_rollup, pss)},
    {"Shared_Clean", offsetof(struct hd_mem_rollup, shared_clean)},
    {"Shared_Dirty", offsetof(struct hd_mem_rollup, shared_dirty)},
    {"Private_Clean", offsetof(struct hd_mem_rollup, private_clean)},
    {"Private_Dirty", offsetof(struct hd_mem_rollup, private_dirty)},
    {"Anonymous", offsetof(struct hd_mem_rollup, anonymous)},
    {"Swap", offsetof(struct hd_mem_rollup, swap)},
    {"AnonHugePages", offsetof(struct hd_mem_rollup, anon_huge)},
};

int hd_mem_size_field(const char *key, size_t len)
{
    for (int i = 0; i < HD_MEM_N_SIZE_FIELDS; i++)
        if (strlen(size_fields[i].key) == len && memcmp(size_fields[i].key, key, len) == 0)
            return i;
    return -1;
}

const char *hd_mem_size_field_name(int field)
{
    return size_fields[field].key;
}

uint64_t *hd_mem_size_slot(struct hd_mem_rollup *sizes, int field)
{
    return (uint64_t *)((char *)sizes + size_fields[field].offset);
}

void hd_mem_rollup_unknown(struct hd_mem_rollup *sizes)
{
    for (int i = 0; i < HD_MEM_N_SIZE_FIELDS; i++)
        *hd_mem_size_slot(sizes, i) = HD_MEM_UNKNOWN;
}

void hd_mem_region_unknown_sizes(struct hd_mem_region *r)
{
    struct hd_mem_rollup unknown;
    hd_mem_rollup_unknown(&unknown);
    hd_mem_region_set_sizes(r, &unknown);
}

void hd_mem_region_set_sizes(struct hd_mem_region *r, const struct hd_mem_rollup *s)
{
    r->rss = s->rss;
    r->pss = s->pss;
    r->shared_clean = s->shared_clean;
    r->shared_dirty = s->shared_dirty;
    r->private_clean = s->private_clean;
    r->private_dirty = s->private_dirty;
    r->anonymous = s->anonymous;
    r->swap = s->swap;
    r->anon_huge = s->anon_huge;
}

int hd_mem_regions_append(struct hd_mem_region **regions, size_t *cap, size_t *n,
                          const struct hd_mem_region *region, const char *name, long line,
                          struct hd_error *err)
{
    if (*n > 0 && region->start < (*regions)[*n - 1].limit)
        return hd_error_set(err, name, line,
                            "mapping %llx-%llx overlaps or precedes the one before it "
                            "(%llx-%llx): mappings must be listed once, in address order",
                            (unsigned long long)region->start, (unsigned long long)region->limit,
                            (unsigned long long)(*regions)[*n - 1].start,
                            (unsigned long long)(*regions)[*n - 1].limit);
    if (*n >= HD_MEM_MAX_REGIONS)
        return hd_error_set(err, name, line, "more than %zu mappings: not a real process's",
                            HD_MEM_MAX_REGIONS);
    if (region->rss != HD_MEM_UNKNOWN && region->rss > region->limit - region->start)
        hd_warn("%s:%ld: an RSS of %llu bytes, more than the mapping's %llu", name, line,
                (unsigned long long)region->rss,
                (unsigned long long)(region->limit - region->start));
    HD_ARRAY_RESERVE(*regions, *cap, *n + 1);
    (*regions)[(*n)++] = *region;
    return 0;
}

void hd_mem_regions_free(struct hd_mem_region *regions, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)regions[i].path);
    free(regions);
}

void hd_mem_warn_unterminated(const char *name, long number, const struct hd_line *line)
{
    if (!line->terminated)
        hd_warn("%s:%ld: the last line has no newline: the capture may be cut off", name,
                number);
}
