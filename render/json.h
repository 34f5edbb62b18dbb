/* The --json report's document (json.c), for --json and the --html page,
 * which embeds it. */
#ifndef HD_JSON_H
#define HD_JSON_H

#include <jansson.h>

#include "report.h"

/* REPORT as the JSON document of docs/json-schema.json (a new reference,
 * the caller's to json_decref).  Aborts on out of memory. */
json_t *hd_json_report(const struct hd_report *report);

#endif
