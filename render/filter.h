/* pprof's stack filters (--focus, --ignore, --hide, --show, --show_from,
 * --prune_from), with PCRE2 regular expressions, unanchored as in pprof. */
#ifndef HD_FILTER_H
#define HD_FILTER_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

#include "error.h"

enum hd_filter_kind {
    HD_FILTER_FOCUS,      /* keep samples with a matching frame */
    HD_FILTER_IGNORE,     /* drop samples with a matching frame */
    HD_FILTER_HIDE,       /* remove matching frames */
    HD_FILTER_SHOW,       /* remove frames that do not match */
    HD_FILTER_SHOW_FROM,  /* cut frames rootward of the root-most match;
                             samples with no match are dropped */
    HD_FILTER_PRUNE_FROM, /* cut frames leafward of the leaf-most match */
    HD_FILTER_COUNT
};

struct hd_filters;

/* Compile PATTERNS[kind] (NULL: that filter is off).  Returns 0 and a
 * filter set in *OUT (NULL when every pattern is NULL), or -1 with *ERR
 * naming the option and the regex error. */
int hd_filters_compile(const char *const patterns[HD_FILTER_COUNT],
                       struct hd_filters **out, struct hd_error *err);

void hd_filters_free(struct hd_filters *filters);

/* The option's name, e.g. "focus". */
const char *hd_filter_name(enum hd_filter_kind kind);

/* The pattern of KIND, or NULL when that filter is off.  FILTERS may be
 * NULL. */
const char *hd_filter_pattern(const struct hd_filters *filters, enum hd_filter_kind kind);

/* "Active filters: --focus=RE ..." for a table's header, without a line
 * end; nothing when FILTERS is NULL. */
void hd_filters_print(FILE *out, const struct hd_filters *filters);

/* Bit (1 << kind) set for every active filter whose regex matches one of
 * TEXTS[0..N) (NULL entries are skipped).  FILTERS may be NULL: 0. */
unsigned hd_filters_match(const struct hd_filters *filters, const char *const *texts,
                          size_t n);

#endif
