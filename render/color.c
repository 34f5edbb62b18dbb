/* Go pprof's dotColor (see color.h; FORMATS.md §6.2). */
#include "color.h"

#include <math.h>
#include <stdio.h>

/* uint8(x * 255) for x in [0, 1]: truncation, as Go's conversion. */
static unsigned channel(double x)
{
    double v = x * 255.0;
    if (!(v > 0))
        return 0;
    return v >= 255 ? 255 : (unsigned)v;
}

char *hd_color_of(double score, bool background, char out[HD_COLOR_SIZE])
{
    /* pprof's constants: shift 0.7; fg saturation 1.0 value 0.7; bg 0.1, 0.93. */
    const double shift = 0.7;
    double saturation = background ? 0.1 : 1.0;
    double value = background ? 0.93 : 0.7;
    if (isnan(score))
        score = 0;
    score = fmax(-1.0, fmin(1.0, score));
    if (fabs(score) < 0.2)
        saturation *= fabs(score) / 0.2;
    if (score > 0)
        score = pow(score, 1.0 - shift);
    else if (score < 0)
        score = -pow(-score, 1.0 - shift);
    double r, g;
    if (score < 0) {
        g = value;
        r = value * (1 + saturation * score);
    } else {
        r = value;
        g = value * (1 - saturation * score);
    }
    double b = value * (1 - saturation);
    snprintf(out, HD_COLOR_SIZE, "#%02x%02x%02x", channel(r), channel(g), channel(b));
    return out;
}

const char *hd_verdict_color(int verdict, bool background)
{
    /* In hd_verdict order: leak, plateau, transient, shrinking, flat. */
    static const char *const border[] = {"#b30000", "#a86400", "#1f4e99", "#1a7a1a", "#808080"};
    static const char *const fill[] = {"#ffc2c2", "#ffe4ad", "#d3e3ff", "#cdeecd", "#eeeeee"};
    if (verdict < 0 || verdict > 4)
        verdict = 4;
    return background ? fill[verdict] : border[verdict];
}
