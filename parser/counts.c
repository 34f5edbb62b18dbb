/* Counts and address lists (see counts.h). */
#include "counts.h"

#include "array.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "maps.h"
#include "unsample.h"

int hd_counts_next_line(struct hd_lines *lines, struct hd_line *line, const char *file,
                        struct hd_error *err)
{
    if (!hd_lines_next(lines, line))
        return hd_error_set(err, file, lines->number,
                            "truncated: the file ends before its maps section "
                            "(MAPPED_LIBRARIES:)");
    if (!line->terminated)
        return hd_error_set(err, file, lines->number, "truncated: the last line is cut off");
    return hd_maps_is_marker(line) ? 0 : 1;
}

/* One integer field; NAME says which for the message. */
static int read_field(struct hd_cursor *c, int64_t *value, bool may_be_negative,
                      const char *name, const char *file, long line, struct hd_error *err)
{
    hd_cursor_skip_blanks(c);
    switch (hd_cursor_int(c, value)) {
    case HD_NUMBER_OK:
        break;
    case HD_NUMBER_MISSING:
        return hd_error_set(err, file, line,
                            "expected the %s count as in 'A: B [C: D]'", name);
    case HD_NUMBER_OVERFLOW:
        return hd_error_set(err, file, line, "the %s count does not fit in 64 bits", name);
    }
    if (*value < 0 && !may_be_negative)
        return hd_error_set(err, file, line, "negative %s count %lld", name,
                            (long long)*value);
    hd_cursor_skip_blanks(c);
    return 0;
}

static int expect(struct hd_cursor *c, const char *lit, const char *file, long line,
                  struct hd_error *err)
{
    if (!hd_cursor_accept(c, lit))
        return hd_error_set(err, file, line, "expected '%s' in 'A: B [C: D]'", lit);
    return 0;
}

int hd_counts_read(struct hd_cursor *c, struct hd_counts *n, const char *file, long line,
                   struct hd_error *err)
{
    if (read_field(c, &n->inuse_objects, true, "in-use objects", file, line, err) ||
        expect(c, ":", file, line, err) ||
        read_field(c, &n->inuse_bytes, true, "in-use bytes", file, line, err) ||
        expect(c, "[", file, line, err) ||
        read_field(c, &n->alloc_objects, false, "allocated objects", file, line, err) ||
        expect(c, ":", file, line, err) ||
        read_field(c, &n->alloc_bytes, false, "allocated bytes", file, line, err) ||
        expect(c, "]", file, line, err))
        return -1;
    return 0;
}

bool hd_counts_promise_samples(const struct hd_counts *t)
{
    return t->inuse_objects || t->inuse_bytes || t->alloc_objects || t->alloc_bytes;
}

int hd_counts_missing_stacks(const struct hd_counts *t, const char *file, long line,
                             struct hd_error *err)
{
    return hd_error_set(err, file, line,
                        "header promises %lld: %lld [%lld: %lld] but the file has no "
                        "stack lines",
                        (long long)t->inuse_objects, (long long)t->inuse_bytes,
                        (long long)t->alloc_objects, (long long)t->alloc_bytes);
}

int hd_counts_over_limit(const char *what, size_t limit, const char *file, long line,
                         struct hd_error *err)
{
    return hd_error_set(err, file, line,
                        "more than %zu %s, heapdiff's limit for one profile (README, "
                        "\"Limits\")", limit, what);
}

int64_t hd_counts_read_stack(struct hd_model *profile, struct hd_cursor *c,
                             uint32_t **scratch, size_t *capacity,
                             const struct hd_parse_limits *limits, const char *file,
                             long line, bool *no_addresses, struct hd_error *err)
{
    uint32_t depth = 0;
    for (;;) {
        hd_cursor_skip_blanks(c);
        if (hd_cursor_at_end(c))
            break;
        uint64_t address;
        enum hd_number_status st = hd_cursor_hex(c, false, &address);
        if (st == HD_NUMBER_OVERFLOW)
            return hd_error_set(err, file, line, "stack address does not fit in 64 bits");
        if (st != HD_NUMBER_OK || (!hd_cursor_at_end(c) && *c->p != ' ' && *c->p != '\t'))
            return hd_error_set(err, file, line, "stack address is not a hex number");
        if (depth == limits->max_frames)
            return hd_counts_over_limit("frames in a stack", limits->max_frames, file, line,
                                        err);
        *scratch = hd_array_reserve(*scratch, capacity, depth + 1, sizeof **scratch);
        (*scratch)[depth++] = hd_model_intern_address(profile, address);
        if (profile->n_locations > limits->max_locations)
            return hd_counts_over_limit("distinct addresses", limits->max_locations, file,
                                        line, err);
    }
    *no_addresses = depth == 0;
    if (depth == 0) {
        *scratch = hd_array_reserve(*scratch, capacity, 1, sizeof **scratch);
        (*scratch)[depth++] = hd_model_intern_address(profile, HD_COUNTS_UNKNOWN_STACK_ADDRESS);
        if (profile->n_locations > limits->max_locations)
            return hd_counts_over_limit("distinct addresses", limits->max_locations, file,
                                        line, err);
    }
    int64_t stack = hd_model_intern_stack(profile, *scratch, depth);
    if (profile->n_stacks > limits->max_stacks)
        return hd_counts_over_limit("stacks", limits->max_stacks, file, line, err);
    return stack;
}

int hd_counts_to_values(const struct hd_model *profile, const struct hd_counts *n,
                        long line, struct hd_count_warnings *warned, struct hd_values *v,
                        struct hd_error *err)
{
    const struct hd_model_input *in = &profile->inputs[0];
    if ((n->inuse_objects < 0 || n->inuse_bytes < 0) && !warned->negative) {
        warned->negative = true;
        hd_warn("%s:%ld: negative in-use count (%lld: %lld), kept as written and not "
                "unsampled; later such lines are not reported",
                in->path, line, (long long)n->inuse_objects, (long long)n->inuse_bytes);
    } else if (n->inuse_objects == 0 && n->inuse_bytes != 0 && !warned->zero_objects) {
        warned->zero_objects = true;
        hd_warn("%s:%ld: %lld in-use bytes but 0 in-use objects, kept as written and not "
                "unsampled; later such lines are not reported",
                in->path, line, (long long)n->inuse_bytes);
    }
    v->inuse_objects = (double)n->inuse_objects;
    v->inuse_bytes = (double)n->inuse_bytes;
    v->alloc_objects = (double)n->alloc_objects;
    v->alloc_bytes = (double)n->alloc_bytes;
    hd_unsample_pair(in->sampling, in->sample_period, &v->inuse_objects,
                     &v->inuse_bytes);
    hd_unsample_pair(in->sampling, in->sample_period, &v->alloc_objects,
                     &v->alloc_bytes);
    if (!isfinite(v->inuse_objects) || !isfinite(v->inuse_bytes) ||
        !isfinite(v->alloc_objects) || !isfinite(v->alloc_bytes))
        return hd_error_set(err, in->path, line,
                            "counts %lld: %lld [%lld: %lld] unsampled at 1 in %.0f bytes "
                            "are not finite numbers",
                            (long long)n->inuse_objects, (long long)n->inuse_bytes,
                            (long long)n->alloc_objects, (long long)n->alloc_bytes,
                            in->sample_period);
    return 0;
}

void hd_counts_warn_no_addresses(const char *file, long line, const struct hd_counts *n,
                                 struct hd_count_warnings *warned)
{
    if (warned->no_addresses)
        return;
    warned->no_addresses = true;
    char counts[128] = "";
    if (n)
        snprintf(counts, sizeof counts, " (%lld: %lld [%lld: %lld])",
                 (long long)n->inuse_objects, (long long)n->inuse_bytes,
                 (long long)n->alloc_objects, (long long)n->alloc_bytes);
    hd_warn("%s:%ld: no stack addresses after '@'%s: the producer wrote no stack for "
            "these counts (its dump buffer ran out there, or it could not unwind); they are "
            "kept as one unknown stack, the row 0x0, as are any later such records",
            file, line, counts);
}
