/* Turning sampled counts into estimates of the real ones (FORMATS.md §2). */
#ifndef HD_UNSAMPLE_H
#define HD_UNSAMPLE_H

#include "model.h"

/* Scale one (objects, bytes) pair in place by SAMPLING with PERIOD bytes.
 * V2: scale = 1/(1 - exp(-(bytes/objects)/PERIOD)), applied once (this is
 * also right for jemalloc 5.3's pre-biased counts, §2.4).  V1: when
 * (bytes/objects)/PERIOD < 1, divide both by that ratio.  A pair with no
 * objects or no bytes, or a period <= 0, is left as is. */
void hd_unsample_pair(enum hd_sampling sampling, double period, double *objects,
                      double *bytes);

#endif
