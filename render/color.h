/* Node and edge colours of the call graph: Go pprof's dotColor, so that a
 * heapdiff picture reads like a pprof one (FORMATS.md §6.2). */
#ifndef HD_COLOR_H
#define HD_COLOR_H

#include <stdbool.h>

/* Room for "#rrggbb" and its terminating NUL. */
#define HD_COLOR_SIZE 8

/* Write into OUT the colour of SCORE, a value divided by the graph's
 * denominator: positive (growth, or any value in a plain profile) red,
 * negative (shrinkage) green, near zero grey.  SCORE is clamped to
 * [-1, 1]; BACKGROUND picks the pale fill shade (saturation 0.1, value
 * 0.93) instead of the border/edge shade (1.0, 0.7).  Below |score| 0.2
 * the saturation fades linearly to 0 (grey), and |score| is raised to the
 * power 0.3 to push small changes away from grey.  Each channel is
 * truncated to 0..255 as Go's uint8(x*255) does.  Returns OUT.
 * Example (FORMATS.md §6.2): -2408.28/13589.78 gives "#54b214" and, as
 * background, "#e0edd8".  A NaN score is treated as 0. */
char *hd_color_of(double score, bool background, char out[HD_COLOR_SIZE]);

/* The colour of a --trend verdict (analyze/classify.h): leak red, plateau
 * amber, transient blue, shrinking green, flat grey; BACKGROUND picks the
 * pale fill instead of the border shade.  "#rrggbb". */
const char *hd_verdict_color(int verdict, bool background);

#endif
