/* TSC calibration, busy-wait delays and the wall clock. */
#ifndef TESS_TIME_H
#define TESS_TIME_H

#include <tess/types.h>

extern u64 tsc_khz;

void time_calibrate(void);
void udelay(u64 us);
/*
 * Read the machine's CMOS RTC (assumed to keep UTC, as Linux keeps it) once,
 * at boot before dom0 runs, so dom0's own RTC driver never races with it.
 * Needs the TSC calibrated.
 */
void time_init_wallclock(void);
/* UTC nanoseconds since 1970: the RTC read at boot plus the TSC since. */
u64 time_wall_ns(void);

#endif
