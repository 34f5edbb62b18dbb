/* Stack filters on PCRE2 (see filter.h). */
#include "filter.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "regex.h"

struct hd_filters {
    pcre2_code *code[HD_FILTER_COUNT];    /* NULL when the filter is off */
    const char *pattern[HD_FILTER_COUNT]; /* the caller's strings */
    pcre2_match_data *match;
};

static const char *const names[HD_FILTER_COUNT] = {
    "focus", "ignore", "hide", "show", "show_from", "prune_from",
};

const char *hd_filter_name(enum hd_filter_kind kind)
{
    return names[kind];
}

const char *hd_filter_pattern(const struct hd_filters *f, enum hd_filter_kind kind)
{
    return f ? f->pattern[kind] : NULL;
}

int hd_filters_compile(const char *const patterns[HD_FILTER_COUNT],
                       struct hd_filters **out, struct hd_error *err)
{
    *out = NULL;
    bool any = false;
    for (int k = 0; k < HD_FILTER_COUNT; k++)
        any = any || patterns[k];
    if (!any)
        return 0;
    struct hd_filters *f = hd_calloc(1, sizeof *f);
    for (int k = 0; k < HD_FILTER_COUNT; k++) {
        if (!patterns[k])
            continue;
        f->code[k] = hd_regex_compile(names[k], patterns[k], 0, err);
        if (!f->code[k]) {
            hd_filters_free(f);
            return -1;
        }
        f->pattern[k] = patterns[k];
    }
    f->match = pcre2_match_data_create(4, NULL);
    if (!f->match)
        abort();
    *out = f;
    return 0;
}

void hd_filters_free(struct hd_filters *f)
{
    if (!f)
        return;
    for (int k = 0; k < HD_FILTER_COUNT; k++)
        pcre2_code_free(f->code[k]);
    pcre2_match_data_free(f->match);
    free(f);
}

unsigned hd_filters_match(const struct hd_filters *f, const char *const *texts, size_t n)
{
    if (!f)
        return 0;
    unsigned bits = 0;
    for (int k = 0; k < HD_FILTER_COUNT; k++) {
        if (!f->code[k])
            continue;
        for (size_t i = 0; i < n; i++) {
            if (texts[i] && pcre2_match(f->code[k], (PCRE2_SPTR)texts[i], strlen(texts[i]), 0,
                                        0, f->match, NULL) >= 0) {
                bits |= 1u << k;
                break;
            }
        }
    }
    return bits;
}

void hd_filters_print(FILE *out, const struct hd_filters *filters)
{
    if (!filters)
        return;
    fputs("Active filters:", out);
    for (int k = 0; k < HD_FILTER_COUNT; k++) {
        const char *pattern = hd_filter_pattern(filters, (enum hd_filter_kind)k);
        if (pattern)
            fprintf(out, " --%s=%s", hd_filter_name((enum hd_filter_kind)k), pattern);
    }
}
