/* jemalloc >= 4's threaded "heap_v2/R" text (FORMATS.md §1.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "formats.h"
#include "maps.h"

/* Read the thread field "t*" or "tN" and its colon at C.  *THREAD becomes
 * HD_ALL_THREADS for "t*".  False when C is not at one. */
static bool read_thread(struct hd_cursor *c, long *thread)
{
    if (!hd_cursor_accept(c, "t"))
        return false;
    if (hd_cursor_accept(c, "*:")) {
        *thread = HD_ALL_THREADS;
        return true;
    }
    int64_t uid;
    if (hd_cursor_int(c, &uid) != HD_NUMBER_OK || uid < 0 || !hd_cursor_accept(c, ":"))
        return false;
    *thread = (long)uid;
    return true;
}

int hd_parse_threaded(struct hd_model *p, const struct hd_line *header,
                      struct hd_lines *lines, const struct hd_parse_limits *limits,
                      struct hd_totals *sums, struct hd_error *err)
{
    struct hd_model_input *in = &p->inputs[0];
    in->format = HD_FORMAT_THREADED;
    in->producer = HD_PRODUCER_JEMALLOC;
    snprintf(in->type, sizeof in->type, "heap_v2");
    struct hd_cursor c;
    hd_cursor_init(&c, header);
    int64_t rate;
    if (!hd_cursor_accept(&c, "heap_v2/") || hd_cursor_int(&c, &rate) != HD_NUMBER_OK ||
        rate <= 0 || (hd_cursor_skip_blanks(&c), !hd_cursor_at_end(&c)))
        return hd_error_set(err, in->path, 1,
                            "expected 'heap_v2/RATE' with a positive sampling rate");
    in->sampling = HD_SAMPLING_V2;
    in->sample_period = (double)rate;

    struct hd_count_warnings warned = {false, false, false};
    uint32_t *scratch = NULL;
    size_t capacity = 0;
    int64_t stack = -1;         /* the stack of the last "@" line */
    long stack_line = 0;        /* where it was */
    bool stack_has_total = false;
    struct hd_counts totals = {0, 0, 0, 0}; /* the header block's "t*:" line */
    long totals_line = 0;
    int rc = -1;
    struct hd_line line;
    for (;;) {
        int got = hd_counts_next_line(lines, &line, in->path, err);
        if (got < 0)
            goto out;
        bool end = got == 0;
        if (end || hd_line_starts_with(&line, "@")) {
            if (stack >= 0 && !stack_has_total) {
                hd_error_set(err, in->path, stack_line, "stack has no 't*:' line");
                goto out;
            }
            if (end && stack < 0 && hd_counts_promise_samples(&totals)) {
                hd_counts_missing_stacks(&totals, in->path, totals_line, err);
                goto out;
            }
            if (end)
                break;
        }
        if (hd_line_is_blank(&line))
            continue;
        hd_cursor_init(&c, &line);
        if (hd_cursor_accept(&c, "@")) {
            bool no_addresses;
            stack = hd_counts_read_stack(p, &c, &scratch, &capacity, limits, in->path,
                                         lines->number, &no_addresses, err);
            if (stack < 0)
                goto out;
            if (no_addresses)
                hd_counts_warn_no_addresses(in->path, lines->number, NULL, &warned);
            stack_line = lines->number;
            stack_has_total = false;
            continue;
        }
        long thread;
        hd_cursor_skip_blanks(&c);
        if (!read_thread(&c, &thread)) {
            hd_error_set(err, in->path, lines->number,
                         "expected '@ addresses' or 'tN: A: B [C: D]'");
            goto out;
        }
        struct hd_counts counts;
        if (hd_counts_read(&c, &counts, in->path, lines->number, err) != 0)
            goto out;
        /* jemalloc may append the thread's name; the totals line has none. */
        hd_cursor_skip_blanks(&c);
        if (thread == HD_ALL_THREADS && !hd_cursor_at_end(&c)) {
            hd_error_set(err, in->path, lines->number, "unexpected text after 't*:' counts");
            goto out;
        }
        if (stack < 0) {
            /* the header block of whole-profile totals */
            if (thread == HD_ALL_THREADS) {
                totals = counts;
                totals_line = lines->number;
                sums->header = counts;
                sums->has_header = true;
            }
            continue;
        }
        if (thread == HD_ALL_THREADS) {
            if (stack_has_total) {
                hd_error_set(err, in->path, lines->number, "second 't*:' line for one stack");
                goto out;
            }
            stack_has_total = true;
            hd_totals_add(sums, &counts, in);
        }
        struct hd_values v;
        if (hd_counts_to_values(p, &counts, lines->number, &warned, &v, err) != 0)
            goto out;
        if (thread == HD_ALL_THREADS && (v.alloc_objects != 0 || v.alloc_bytes != 0))
            in->has_alloc_values = true;
        hd_model_add_sample(p, 0, (uint32_t)stack, thread, &v);
        if (p->thread_samples.n > limits->max_stacks) {
            hd_counts_over_limit("per-thread samples", limits->max_stacks, in->path,
                                 lines->number, err);
            goto out;
        }
    }
    rc = hd_maps_parse(p, lines, in->path, limits, err);
out:
    free(scratch);
    return rc;
}
