/* Header totals against records' sums (see totals.h). */
#include "totals.h"

#include <stdio.h>
#include <string.h>

#include "unsample.h"

/* gperftools (heap-profiler.cc, kProfileBufferSize) formats a dump into a
 * buffer of 1 MiB, maps section included, and writes what fits.  When it
 * runs out, the text stops where the next piece did not fit: a record's
 * counts (under 80 characters) or one address (under 20), and one byte
 * stays for snprintf's NUL.  So a dump that ran out is a little short of
 * 1 MiB. */
static const size_t GPERFTOOLS_BUFFER_BYTES = (size_t)1 << 20;
static const size_t GPERFTOOLS_SLACK_BYTES = 128;

/* PAIR unsampled as if both its counts had been rounded down: with one
 * more object and one more byte.  Pairs with no bytes stay 0. */
static double unsampled_upper(const struct hd_model_input *in, int64_t objects, int64_t bytes)
{
    if (bytes <= 0)
        return 0;
    double o = (double)objects + 1, b = (double)bytes + 1;
    hd_unsample_pair(in->sampling, in->sample_period, &o, &b);
    return b;
}

void hd_totals_add(struct hd_totals *t, const struct hd_counts *record,
                   const struct hd_model_input *in)
{
    t->inuse_bytes += (double)record->inuse_bytes;
    t->alloc_bytes += (double)record->alloc_bytes;
    if (in->sampling != HD_SAMPLING_NONE) {
        t->inuse_bytes_upper += unsampled_upper(in, record->inuse_objects, record->inuse_bytes);
        t->alloc_bytes_upper += unsampled_upper(in, record->alloc_objects, record->alloc_bytes);
    }
    t->records++;
}

/* "X of the Y UNIT": PART of WHOLE bytes, in a unit that keeps both apart
 * (MB as jeprof prints it: MiB). */
static void format_part(char *buf, size_t size, double part, double whole)
{
    if (part >= 10 * 1048576.0)
        snprintf(buf, size, "%.1f of the %.1f MB", part / 1048576.0, whole / 1048576.0);
    else if (part >= 10 * 1024.0)
        snprintf(buf, size, "%.1f of the %.1f KB", part / 1024.0, whole / 1024.0);
    else
        snprintf(buf, size, "%.0f of the %.0f B", part, whole);
}

/* Whether the records fall short of the header: their RECORDS_BYTES, as
 * written, against the header's HEADER_BYTES; for a sampled file whose
 * counts do not add up as written, the most its records can hold
 * unsampled, RECORDS_UPPER, against the header's unsampled HEADER_VALUE
 * (which jemalloc's rounding can only lower): jemalloc 5.3's pre-biased
 * counts add up only so (totals.h).  The millionth allows for the
 * floating point of both sums. */
static bool falls_short(const struct hd_model_input *in, double header_bytes,
                        double records_bytes, double header_value, double records_upper)
{
    if (records_bytes == header_bytes)
        return false;
    if (in->sampling == HD_SAMPLING_NONE)
        return records_bytes < header_bytes;
    return header_value > records_upper * (1 + 1e-6);
}

void hd_totals_check(struct hd_model *p, const struct hd_totals *t, size_t text_size)
{
    struct hd_model_input *in = &p->inputs[0];
    if (!t->has_header)
        return;
    struct hd_values header = {
        (double)t->header.inuse_objects, (double)t->header.inuse_bytes,
        (double)t->header.alloc_objects, (double)t->header.alloc_bytes};
    hd_unsample_pair(in->sampling, in->sample_period, &header.inuse_objects,
                     &header.inuse_bytes);
    hd_unsample_pair(in->sampling, in->sample_period, &header.alloc_objects,
                     &header.alloc_bytes);
    struct hd_values records = hd_model_input_total(p, 0);
    bool inuse_short = falls_short(in, (double)t->header.inuse_bytes, t->inuse_bytes,
                                   header.inuse_bytes, t->inuse_bytes_upper);
    bool alloc_short = falls_short(in, (double)t->header.alloc_bytes, t->alloc_bytes,
                                   header.alloc_bytes, t->alloc_bytes_upper);
    if (!inuse_short && !alloc_short)
        return;
    in->records_short = true;
    in->header_total = header;
    /* Only gperftools' heap profiler dumps through the fixed buffer;
     * jemalloc and tcmalloc's sampler (heap_v2) write all they have. */
    in->cut_by_buffer = in->producer == HD_PRODUCER_GPERFTOOLS &&
                        strcmp(in->type, "heapprofile") == 0 &&
                        (t->last_record_cut ||
                         (text_size < GPERFTOOLS_BUFFER_BYTES &&
                          text_size + GPERFTOOLS_SLACK_BYTES >= GPERFTOOLS_BUFFER_BYTES));

    char alloc[96] = "", inuse[96] = "";
    if (alloc_short)
        format_part(alloc, sizeof alloc, records.alloc_bytes, header.alloc_bytes);
    if (inuse_short)
        format_part(inuse, sizeof inuse, records.inuse_bytes, header.inuse_bytes);
    char held[256];
    snprintf(held, sizeof held, "%s%s%s%s%s", alloc, alloc_short ? " allocated" : "",
             alloc_short && inuse_short ? " and " : "", inuse, inuse_short ? " in use" : "");
    const char *rest = inuse_short ? "" : " (all that is in use)";
    if (in->cut_by_buffer)
        hd_warn("%s: its records hold %s that its header counts%s: gperftools' fixed 1 MiB "
                "dump buffer ran out and it dropped the rest, least in use first; no "
                "setting enlarges it (README, \"Bad input\")", in->path, held, rest);
    else
        hd_warn("%s: its records hold %s that its header counts%s: records are missing",
                in->path, held, rest);
}
