/* A file's records against its header's totals: what is missing when a
 * producer dropped records (README, "Bad input").
 *
 * What the formats promise (checked on every fixture, testdata/expected/
 * header-sums.txt, and on real dumps of python, clang, sqlite3, xmllint):
 *  - gperftools writes the header from the same table as the records, so
 *    the records' bytes add up to the header's exactly.  Its object counts
 *    are 32-bit ints that may wrap, so only bytes are compared.
 *  - jemalloc 5.3 with prof_unbias (its default) writes each line's counts
 *    pre-biased from its own estimate (FORMATS.md §2.4), and the header's
 *    from the estimate's total; such numbers do not add up as written, but
 *    unsampled they do, within the rounding of each line's counts to whole
 *    numbers (jemalloc's prof_do_unbias casts them to integers).  Other
 *    sampled files add up as written.
 *  - Records may hold more than the header (gperftools' HEAP_PROFILE_MMAP
 *    adds mmap records that its header does not count); only a shortfall
 *    means records are missing. */
#ifndef HD_TOTALS_H
#define HD_TOTALS_H

#include <stdbool.h>
#include <stddef.h>

#include "counts.h"
#include "model.h"

/* What one file's records add up to. */
struct hd_totals {
    struct hd_counts header; /* the header's totals as written */
    bool has_header;         /* the file has them (jemalloc's header block
                                may lack its t*: line) */
    double inuse_bytes;      /* sums of the records' byte counts as written */
    double alloc_bytes;
    /* Sampled files: the most the records' unsampled bytes can be when
     * each count was rounded down to a whole number, the sum of each
     * record unsampled with one more object and one more byte (unsampling
     * grows with both). */
    double inuse_bytes_upper;
    double alloc_bytes_upper;
    size_t records;          /* how many records were summed */
    bool last_record_cut;    /* the maps section starts right after the last
                                record, without the blank line producers
                                write before it: the record was cut */
};

/* Add one record's counts, as written, to T; IN says how they are
 * unsampled. */
void hd_totals_add(struct hd_totals *t, const struct hd_counts *record,
                   const struct hd_model_input *in);

/* Compare T, the totals of PROFILE's one input, with the records' values
 * in PROFILE, and record the outcome in the input (records_short,
 * cut_by_buffer, header_total).  When records are missing, warn once,
 * naming both figures and, where known, the cause and its remedy.
 * TEXT_SIZE is the size of the profile text in bytes: gperftools' dumps
 * that filled its 1 MiB buffer end within a record's length of it. */
void hd_totals_check(struct hd_model *profile, const struct hd_totals *t, size_t text_size);

#endif
