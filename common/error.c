/* Errors and the once-only warning channel (see error.h). */
#include "error.h"

#include "array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hd_error_set(struct hd_error *err, const char *file, long line,
                 const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

char *hd_error_format(const struct hd_error *err, char *buf, unsigned long size)
{
    if (err->file[0] && err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, err->message);
    else
        snprintf(buf, size, "%s", err->message);
    return buf;
}

static void print_warning(void *context, const char *text)
{
    (void)context;
    fprintf(stderr, "heapdiff: warning: %s\n", text);
}

static hd_warning_sink *warning_sink = print_warning;
static void *warning_context;

/* Messages already said.  Few distinct warnings exist per run (one per
 * cause, per module), so a linear list is enough. */
static char **said;
static size_t n_said, capacity_said;

void hd_warning_set_sink(hd_warning_sink *sink, void *context)
{
    warning_sink = sink ? sink : print_warning;
    warning_context = context;
}

/* The calling thread's capture (hd_warning_capture), or NULL. */
static _Thread_local struct hd_warning_capture *capture_on;

void hd_warning_capture(struct hd_warning_capture *capture)
{
    capture_on = capture;
}

void hd_warn(const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (capture_on) {
        HD_ARRAY_RESERVE(capture_on->texts, capture_on->capacity, capture_on->n_warnings + 1);
        capture_on->texts[capture_on->n_warnings++] = hd_strdup(text);
        return;
    }
    for (size_t i = 0; i < n_said; i++)
        if (strcmp(said[i], text) == 0)
            return;
    HD_ARRAY_RESERVE(said, capacity_said, n_said + 1);
    said[n_said++] = hd_strdup(text);
    warning_sink(warning_context, text);
}

void hd_warning_replay(struct hd_warning_capture *capture)
{
    for (size_t i = 0; i < capture->n_warnings; i++)
        hd_warn("%s", capture->texts[i]);
    hd_warning_capture_free(capture);
}

void hd_warning_capture_free(struct hd_warning_capture *capture)
{
    for (size_t i = 0; i < capture->n_warnings; i++)
        free(capture->texts[i]);
    free(capture->texts);
    *capture = (struct hd_warning_capture){0};
}

size_t hd_warnings_said(const char *const **texts)
{
    *texts = (const char *const *)said;
    return n_said;
}

void hd_warning_reset(void)
{
    for (size_t i = 0; i < n_said; i++)
        free(said[i]);
    free(said);
    said = NULL;
    n_said = capacity_said = 0;
}
