/* The --markdown report: a short GitHub-flavoured summary for a CI job
 * summary ($GITHUB_STEP_SUMMARY) or a pull-request comment, that reads as
 * plain text too.  A heading with the total, a table of the inputs and
 * their totals (with a base: base, current, delta), the header's notes
 * as quotes, then the top rows as a table.
 *
 * The pieces are public so that another table of the same summary (a
 * trend's rows: verdict, sparkline, growth, name) is written the same
 * way: hd_markdown_head() for its columns, hd_markdown_code() for names
 * and paths. */
#ifndef HD_MARKDOWN_H
#define HD_MARKDOWN_H

#include <stdio.h>

#include "report.h"

/* The rows the summary shows when none of --nodecount, --top,
 * --nodefraction is given: a pull-request comment is read at a glance
 * (Go's and jeprof's interactive "top" show 10 too). */
#define HD_MARKDOWN_DEFAULT_ROWS 10

/* TEXT as a code span fit for a table cell: fenced with more backticks
 * than it holds in a row, '|' escaped (GFM tables split on it even in
 * code spans), control characters as '?'. */
void hd_markdown_code(FILE *out, const char *text);

/* TEXT as plain text, with the characters that Markdown would take for
 * markup (\ ` * [ ] < > |) escaped and control characters as '?'. */
void hd_markdown_text(FILE *out, const char *text);

/* A table's header row and delimiter row: N columns named COLUMNS, each
 * aligned as ALIGN says, one character per column: 'l', 'r' or 'c'. */
void hd_markdown_head(FILE *out, const char *const *columns, const char *align, size_t n);

/* The summary's heading, the inputs' table and the notes of REPORT. */
void hd_markdown_totals(FILE *out, const struct hd_report *report);

#endif
