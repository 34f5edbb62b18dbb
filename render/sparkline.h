/* A series in one line of text: ▁▂▃▄▅▆▇█, or ASCII. */
#ifndef HD_SPARKLINE_H
#define HD_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

/* The widest sparkline: longer series are drawn by bucket means. */
#define HD_SPARKLINE_MAX_WIDTH 24

/* Bytes a sparkline needs, with its terminating NUL. */
#define HD_SPARKLINE_SIZE (HD_SPARKLINE_MAX_WIDTH * 3 + 1)

/* VALUES[0..N) as a sparkline into OUT (HD_SPARKLINE_SIZE bytes): one
 * character per value (per bucket when N > HD_SPARKLINE_MAX_WIDTH), from
 * the lowest level at the series' minimum to the highest at its maximum;
 * all lowest when it does not change.  ASCII: "_.-~=+*#" instead of
 * Unicode's eight blocks.  Returns OUT. */
char *hd_sparkline(const double *values, size_t n, bool ascii, char *out);

#endif
