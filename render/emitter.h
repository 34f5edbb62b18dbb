/* Report kinds as data.  Each emitter is one file of render/ behind this
 * interface, and one row of the table in emitters.c; the command line
 * offers one option per row (--text, --svg, ...), so adding a format adds
 * a file and a row, not a branch in main(). */
#ifndef HD_EMITTER_H
#define HD_EMITTER_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "report.h"

/* What an emitter shows, which settles its defaults (report.h). */
enum hd_emitter_kind {
    HD_EMITTER_TABLE,   /* rows of values: unit by hd_table_unit, one
                           screen of rows by default
                           (HD_TEXT_DEFAULT_ROWS) */
    HD_EMITTER_PICTURE, /* a drawn call graph: unit by magnitude, pprof's
                           pruning */
};

struct hd_emitter {
    const char *name;   /* the kind's name and option: "text" is --text */
    const char *help;   /* one line for --help */
    enum hd_emitter_kind kind;
    bool needs_view;    /* reads report->view, the pruned graph */
    bool binary;        /* writes binary data: never to a terminal */
    /* Write REPORT to OUT.  Returns 0, or -1 with *ERR set. */
    int (*write)(FILE *out, const struct hd_report *report, struct hd_error *err);
    const char *argument; /* what the kind's option takes, as --help calls
                             it ("RE": --list RE), or NULL for none */
    bool series;          /* can show a --trend series (report->trend) */
};

/* Every emitter, the default (text) first; ended by a row with a NULL
 * name. */
extern const struct hd_emitter hd_emitters[];

/* The emitter called NAME, or NULL. */
const struct hd_emitter *hd_emitter_find(const char *name);

/* The emitters' write functions, one per file. */
int hd_emit_text(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_traces(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_dot(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_svg(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_png(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_pdf(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_source(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_markdown(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_json(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_flame(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_proto(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_folded(FILE *out, const struct hd_report *report, struct hd_error *err);
int hd_emit_html(FILE *out, const struct hd_report *report, struct hd_error *err);

#endif
