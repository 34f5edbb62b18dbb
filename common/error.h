/* Errors and warnings, one way everywhere.
 *
 * A function that can fail returns a status and fills a struct hd_error.
 * Only cmd/ prints it, as "heapdiff: FILE:LINE: message", and picks the
 * exit code.  Warnings go through hd_warn(), which says each distinct
 * message once. */
#ifndef HD_ERROR_H
#define HD_ERROR_H

#include <stdarg.h>
#include <stddef.h>

struct hd_error {
    char file[512];     /* input file the error is about; "" when none */
    long line;          /* 1-based line in FILE; 0 when not about a line */
    char message[512];  /* what is wrong, without a trailing newline */
};

/* Fill ERR with FILE, LINE and a printf-style message.  FILE may be NULL.
 * Always returns -1, so callers can write "return hd_error_set(...)". */
int hd_error_set(struct hd_error *err, const char *file, long line,
                 const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Format ERR as "FILE:LINE: message" (or "FILE: message", or "message")
 * into BUF of SIZE bytes.  Returns BUF. */
char *hd_error_format(const struct hd_error *err, char *buf, unsigned long size);

/* Where warnings go.  The default sink prints "heapdiff: warning: TEXT" to
 * stderr; tests install their own to collect them.  CONTEXT is passed back
 * unchanged. */
typedef void hd_warning_sink(void *context, const char *text);
void hd_warning_set_sink(hd_warning_sink *sink, void *context);

/* Report a warning once: a message identical to one already reported is
 * dropped.  The text is formatted like printf. */
void hd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The distinct warnings said so far, in order, into *TEXTS (valid until
 * the next warning or reset): for a report that lists them, such as the
 * HTML page's header.  Returns their number. */
size_t hd_warnings_said(const char *const **texts);

/* Forget which warnings were said (tests use this between cases). */
void hd_warning_reset(void);

/* Warnings held back on one thread (core/parallel.c): while a capture is
 * on, hd_warn() on the calling thread only appends its text to *CAPTURE,
 * touching nothing shared, so that a worker thread's warnings can be said
 * later, in the serial order (hd_warning_replay), or its work redone.
 * Other threads are not affected.  CAPTURE NULL turns it off. */
struct hd_warning_capture {
    size_t n_warnings; /* hd_warn calls while on */
    char **texts;      /* their texts, in order (owned) */
    size_t capacity;
};
void hd_warning_capture(struct hd_warning_capture *capture);

/* Say CAPTURE's warnings through hd_warn(), in order, and empty it. */
void hd_warning_replay(struct hd_warning_capture *capture);

/* Free CAPTURE's texts (not CAPTURE itself). */
void hd_warning_capture_free(struct hd_warning_capture *capture);

#endif
