/* TSC calibration and busy-wait delays. */
#ifndef TESS_TIME_H
#define TESS_TIME_H

#include <tess/types.h>

extern u64 tsc_khz;

void time_calibrate(void);
void udelay(u64 us);

#endif
