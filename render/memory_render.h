/* --memory's reports (README, "When RSS grows and the heap does not"):
 * one file per format, each writing a struct hd_mem_analysis. */
#ifndef HD_MEMORY_RENDER_H
#define HD_MEMORY_RENDER_H

#include <jansson.h>
#include <stdio.h>

#include "memory_analysis.h"

/* The text report (memory_text.c): the snapshots, a table of the classes
 * (one column per snapshot up to three, else the first and the last;
 * the growth; with --trend the verdict), RSS, glibc's arenas, the
 * kernel's fields, the largest files, the notes and the findings, within
 * 80 columns.  Returns 0, or -1 when writing failed. */
int hd_mem_render_text(FILE *out, const struct hd_mem_analysis *a);

/* The JSON document (memory_json.c; its schema is in README): a new
 * reference, the caller's to json_decref. */
json_t *hd_mem_json(const struct hd_mem_analysis *a);

/* hd_mem_json, written indented.  Returns 0, or -1 when writing failed. */
int hd_mem_render_json(FILE *out, const struct hd_mem_analysis *a);

/* The HTML report's memory section (memory_html.c): section#memory with
 * the captures, the findings, the classes, glibc's arenas and the notes.
 * The caller checks the stream for errors. */
void hd_mem_render_html_section(FILE *out, const struct hd_mem_analysis *a);

/* The memory section in a page of its own, for captures without heap
 * profiles (memory_html.c).  Returns 0, or -1 when writing failed. */
int hd_mem_render_html(FILE *out, const struct hd_mem_analysis *a);

/* The last path component of a snapshot's NAME, without a trailing '/':
 * what the tables call it. */
const char *hd_mem_short_name(const char *name, char *buf, size_t size);

#endif
