/* gperftools' "heap profile:" text, also written by jemalloc 2.x and 3.x
 * (FORMATS.md §1.1, §1.3). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "formats.h"
#include "maps.h"

/* The period perl pprof and jeprof assume when a sampled header names no
 * rate (FORMATS.md §2.1); heapdiff follows them. */
static const double DEFAULT_PERIOD = 131072;

/* Decide the sampling rule from the header's TYPE[/RATE] (FORMATS.md §2.1).
 * The choices where the peers disagree are perl's, since perl pprof and
 * jeprof are the tools these files were written for; README.md lists them. */
static int choose_sampling(struct hd_model *p, const char *type, bool has_rate,
                           int64_t rate, const struct hd_counts *header, long line,
                           struct hd_error *err)
{
    struct hd_model_input *in = &p->inputs[0];
    if (strcmp(type, "heapprofile") == 0 || strcmp(type, "growth") == 0 ||
        strcmp(type, "growthz") == 0) {
        in->sampling = HD_SAMPLING_NONE;
    } else if (strcmp(type, "heap_v2") == 0 || strcmp(type, "heapz_v2") == 0) {
        in->sampling = HD_SAMPLING_V2;
        in->sample_period = has_rate ? (double)rate : DEFAULT_PERIOD;
        if (!has_rate)
            hd_warn("%s: header type '%s' names no sampling rate; assuming 1 in %.0f "
                    "bytes, as jeprof and perl pprof do", in->path, type, DEFAULT_PERIOD);
    } else if (strcmp(type, "heap") == 0 || strcmp(type, "heapz") == 0) {
        /* Old tcmalloc wrote twice the mean sampling interval. */
        in->sampling = HD_SAMPLING_V1;
        in->sample_period = has_rate ? (double)(rate / 2) : DEFAULT_PERIOD;
    } else if (type[0] == '\0') {
        /* Pre-2005 remote heap: sampled exactly when nothing was freed. */
        bool sampled = header->inuse_objects == header->alloc_objects &&
                       header->inuse_bytes == header->alloc_bytes;
        in->sampling = sampled ? HD_SAMPLING_V1 : HD_SAMPLING_NONE;
        in->sample_period = sampled ? DEFAULT_PERIOD : 0;
    } else {
        return hd_error_set(err, in->path, line,
                            "unknown heap profile type '%s' (expected heapprofile, "
                            "heap_v2, heapz_v2, heap, heapz, growth or growthz)", type);
    }
    if (in->sampling != HD_SAMPLING_NONE && !(in->sample_period > 0)) {
        hd_warn("%s: sampling rate 0 in the header; values are used as written", in->path);
        in->sampling = HD_SAMPLING_NONE;
        in->sample_period = 0;
    }
    return 0;
}

/* Read the header line: "heap profile: A: B [C: D] @ TYPE[/RATE]". */
static int read_header(struct hd_model *p, const struct hd_line *header,
                       struct hd_counts *totals, struct hd_error *err)
{
    struct hd_model_input *in = &p->inputs[0];
    struct hd_cursor c;
    hd_cursor_init(&c, header);
    hd_cursor_skip_blanks(&c);
    if (!hd_cursor_accept(&c, "heap profile:"))
        return hd_error_set(err, in->path, 1, "expected 'heap profile:'");
    if (hd_counts_read(&c, totals, in->path, 1, err) != 0)
        return -1;
    hd_cursor_skip_blanks(&c);
    char type[sizeof in->type] = "";
    bool has_rate = false;
    int64_t rate = 0;
    if (hd_cursor_accept(&c, "@")) {
        hd_cursor_skip_blanks(&c);
        size_t n = 0;
        while (!hd_cursor_at_end(&c) && *c.p != '/' && *c.p != ' ' && *c.p != '\t') {
            if (n + 1 >= sizeof type)
                return hd_error_set(err, in->path, 1, "heap profile type is too long");
            type[n++] = *c.p++;
        }
        type[n] = '\0';
        if (n == 0)
            return hd_error_set(err, in->path, 1, "no profile type after '@'");
        if (hd_cursor_accept(&c, "/")) {
            enum hd_number_status st = hd_cursor_int(&c, &rate);
            if (st == HD_NUMBER_OVERFLOW || (st == HD_NUMBER_OK && rate < 0))
                return hd_error_set(err, in->path, 1, "sampling rate out of range");
            has_rate = st == HD_NUMBER_OK;
        }
        hd_cursor_skip_blanks(&c);
    }
    if (!hd_cursor_at_end(&c))
        return hd_error_set(err, in->path, 1, "unexpected text after the header: '%.*s'",
                            (int)(c.end - c.p > 40 ? 40 : c.end - c.p), c.p);
    snprintf(in->type, sizeof in->type, "%s", type);
    return choose_sampling(p, type, has_rate, rate, totals, 1, err);
}

int hd_parse_legacy(struct hd_model *p, const struct hd_line *header,
                    struct hd_lines *lines, const struct hd_parse_limits *limits,
                    struct hd_totals *sums, struct hd_error *err)
{
    struct hd_model_input *in = &p->inputs[0];
    in->format = HD_FORMAT_LEGACY;
    struct hd_counts totals;
    if (read_header(p, header, &totals, err) != 0)
        return -1;
    sums->header = totals;
    sums->has_header = true;
    bool has_stacks = false;
    bool last_blank = false; /* the line before the current one was blank */
    bool growth = strncmp(in->type, "growth", 6) == 0;
    struct hd_count_warnings warned = {false, false, false};
    uint32_t *scratch = NULL;
    size_t capacity = 0;
    int rc = -1;
    struct hd_line line;
    for (;;) {
        int got = hd_counts_next_line(lines, &line, in->path, err);
        if (got < 0)
            goto out;
        if (got == 0) {
            if (!has_stacks && hd_counts_promise_samples(&totals)) {
                hd_counts_missing_stacks(&totals, in->path, 1, err);
                goto out;
            }
            /* Producers end the records with "\n" and start the maps with
             * "\nMAPPED_LIBRARIES:"; with no blank line between, the last
             * record lost its end: gperftools' buffer ran out in it. */
            sums->last_record_cut = has_stacks && !last_blank;
            break;
        }
        last_blank = hd_line_is_blank(&line);
        if (last_blank)
            continue;
        struct hd_cursor c;
        hd_cursor_init(&c, &line);
        struct hd_counts counts;
        if (hd_counts_read(&c, &counts, in->path, lines->number, err) != 0)
            goto out;
        hd_cursor_skip_blanks(&c);
        if (!hd_cursor_accept(&c, "@")) {
            hd_error_set(err, in->path, lines->number, "expected '@' and the stack after ']'");
            goto out;
        }
        bool no_addresses;
        int64_t stack = hd_counts_read_stack(p, &c, &scratch, &capacity, limits, in->path,
                                             lines->number, &no_addresses, err);
        if (stack < 0)
            goto out;
        if (no_addresses)
            hd_counts_warn_no_addresses(in->path, lines->number, &counts, &warned);
        has_stacks = true;
        hd_totals_add(sums, &counts, in);
        struct hd_values v;
        if (hd_counts_to_values(p, &counts, lines->number, &warned, &v, err) != 0)
            goto out;
        if (growth) {
            /* Growth stacks carry the same pair twice; it is in-use growth. */
            v.alloc_objects = v.alloc_bytes = 0;
        }
        if (v.alloc_objects != 0 || v.alloc_bytes != 0)
            in->has_alloc_values = true;
        hd_model_add_sample(p, 0, (uint32_t)stack, HD_ALL_THREADS, &v);
    }
    rc = hd_maps_parse(p, lines, in->path, limits, err);
out:
    free(scratch);
    return rc;
}
