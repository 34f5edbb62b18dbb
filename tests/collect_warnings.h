/* Warnings a test provokes, collected instead of printed, for criterion
 * suites of one file (included once per test program, hence static):
 *
 *     #include "collect_warnings.h"
 *     TestSuite(name, .init = setup, .fini = teardown);
 *
 * then warnings holds each warning since the test began, a newline after
 * each, cut short (never overflowing) past its size. */
#ifndef HD_TEST_COLLECT_WARNINGS_H
#define HD_TEST_COLLECT_WARNINGS_H

#include <string.h>

#include "error.h"

static char warnings[4096];

static void collect_warning(void *context, const char *text)
{
    (void)context;
    strncat(warnings, text, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

/* Empty WARNINGS, make hd_warn() forget what it said, collect. */
static void setup(void)
{
    warnings[0] = '\0';
    hd_warning_reset();
    hd_warning_set_sink(collect_warning, NULL);
}

/* Forget what was said, and print warnings again. */
static void teardown(void)
{
    hd_warning_reset();
    hd_warning_set_sink(NULL, NULL);
}

#endif
