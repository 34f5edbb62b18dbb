/* The --json report's document (json.c), for --json and the --html page,
 * which embeds it. */
#ifndef HD_JSON_H
#define HD_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/* What a document embedded in a page keeps (--json keeps all but the
 * stacks past HD_JSON_MAX_STACKS). */
struct hd_json_limits {
    const bool *rows_kept; /* by index in the text report's rows (without
                              its default trimming): whether the row is
                              written; the others are counted in
                              "dropped"."pruned" */
    size_t max_stacks;     /* at most this many "stacks" */
    size_t max_trend_rows; /* at most this many "trend"."rows" */
};

/* REPORT as the JSON document of docs/json-schema.json (a new reference,
 * the caller's to json_decref), within LIMITS (NULL: --json's).  Aborts
 * on out of memory. */
json_t *hd_json_report(const struct hd_report *report, const struct hd_json_limits *limits);

/* TEXT as a JSON string, bytes outside ASCII as '?' when it is not UTF-8
 * (a new reference). */
json_t *hd_json_text(const char *text);
/* Set KEY of OBJECT to VALUE, a new reference (taken); append VALUE to
 * ARRAY likewise.  Abort on out of memory (VALUE NULL). */
void hd_json_set(json_t *object, const char *key, json_t *value);
void hd_json_append(json_t *array, json_t *value);

#endif
