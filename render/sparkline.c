/* Sparklines (see sparkline.h). */
#include "sparkline.h"

#include <string.h>

char *hd_sparkline(const double *values, size_t n, bool ascii, char *out)
{
    static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char ascii_levels[] = "_.-~=+*#";
    size_t width = n < HD_SPARKLINE_MAX_WIDTH ? n : HD_SPARKLINE_MAX_WIDTH;
    double points[HD_SPARKLINE_MAX_WIDTH];
    for (size_t b = 0; b < width; b++) {
        size_t from = b * n / width, to = (b + 1) * n / width;
        double sum = 0;
        for (size_t i = from; i < to; i++)
            sum += values[i];
        points[b] = sum / (double)(to - from);
    }
    double low = width ? points[0] : 0, high = low;
    for (size_t b = 1; b < width; b++) {
        low = points[b] < low ? points[b] : low;
        high = points[b] > high ? points[b] : high;
    }
    size_t length = 0;
    for (size_t b = 0; b < width; b++) {
        int level = high > low ? (int)((points[b] - low) / (high - low) * 7.0 + 0.5) : 0;
        if (ascii) {
            out[length++] = ascii_levels[level];
        } else {
            memcpy(out + length, blocks[level], 3);
            length += 3;
        }
    }
    out[length] = '\0';
    return out;
}
