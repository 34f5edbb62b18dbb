/* Sampling correction (see unsample.h). */
#include "unsample.h"

#include <math.h>

void hd_unsample_pair(enum hd_sampling sampling, double period, double *objects,
                      double *bytes)
{
    if (sampling == HD_SAMPLING_NONE || period <= 0 || *objects <= 0 || *bytes <= 0)
        return;
    double average = *bytes / *objects;
    if (sampling == HD_SAMPLING_V2) {
        double scale = 1.0 / (1.0 - exp(-average / period));
        *objects *= scale;
        *bytes *= scale;
    } else {
        double ratio = average / period;
        if (ratio < 1) {
            *objects /= ratio;
            *bytes /= ratio;
        }
    }
}
