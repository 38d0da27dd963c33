/*
 * TSC calibration against PIT channel 2 (8254 data sheet; gate through
 * port 0x61 bit 0, output state in bit 5), the classic PC method.
 */
#include <tess/log.h>
#include <tess/time.h>
#include <tess/x86.h>

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10

u64 tsc_khz = 1000000; /* a guess until calibrated */

void time_calibrate(void)
{
	u16 count = PIT_HZ / (1000 / CALIBRATE_MS);
	u64 t0, t1;
	u32 spins = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                        /* ch2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20) && ++spins < 100000000u)
		;
	t1 = rdtsc();
	if (spins >= 100000000u || t1 <= t0) {
		log_warn("time: PIT calibration failed; assuming a 1 GHz TSC\n");
		return;
	}
	tsc_khz = (t1 - t0) / CALIBRATE_MS;
	log_info("time: TSC runs at %lu kHz\n", tsc_khz);
}

void udelay(u64 us)
{
	u64 end = rdtsc() + us * tsc_khz / 1000;

	while (rdtsc() < end)
		cpu_relax();
}
