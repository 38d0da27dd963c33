/*
 * TSC calibration against PIT channel 2 (8254 data sheet; gate through
 * port 0x61 bit 0, output state in bit 5), the classic PC method; and the
 * wall clock: the machine's CMOS RTC read once at boot, carried on by the
 * TSC.
 */
#include <tess/log.h>
#include <tess/rtc_cmos.h>
#include <tess/time.h>
#include <tess/x86.h>

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10
#define NS_PER_SEC 1000000000ull

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

/* ---- wall clock ------------------------------------------------------------ */

static u64 wall_base_ns;   /* UTC nanoseconds since 1970 ... */
static u64 wall_base_tsc;  /* ... at this TSC value */

static u8 cmos_read(u8 index)
{
	outb(RTC_PORT_INDEX, index); /* bit 7 clear: NMIs stay enabled, as Linux leaves them */
	return inb(RTC_PORT_DATA);
}

/*
 * Read the machine's RTC: wait for UIP to clear (an update takes < 2 ms,
 * and UIP rises 244 us before it), read every register, and accept the
 * result when UIP is still clear and the seconds did not move meanwhile.
 */
static bool cmos_read_time(u8 *r /* RTC_CENTURY + 1 bytes */)
{
	for (unsigned int tries = 0; tries < 2000; tries++) {
		if (cmos_read(RTC_REG_A) & RTC_A_UIP) {
			udelay(100);
			continue;
		}
		for (u8 i = RTC_SECONDS; i <= RTC_REG_D; i++)
			r[i] = cmos_read(i);
		r[RTC_CENTURY] = cmos_read(RTC_CENTURY);
		if (!(cmos_read(RTC_REG_A) & RTC_A_UIP) && cmos_read(RTC_SECONDS) == r[RTC_SECONDS])
			return true;
	}
	return false;
}

void time_init_wallclock(void)
{
	u8 r[RTC_CENTURY + 1];
	struct rtc_date t;
	u8 century;
	s64 secs;

	if (!cmos_read_time(r) || !(r[RTC_REG_D] & RTC_D_VRT) || r[RTC_REG_B] == 0xff) {
		log_warn("time: no usable CMOS RTC; children's clocks start at 1970-01-01\n");
		wall_base_tsc = rdtsc();
		return;
	}
	/*
	 * The century register (0x32, where PCs and QEMU keep it) is not
	 * standard: trust it only for 19 or 20, else take the year 70-99 as
	 * 19xx and 00-69 as 20xx, as Linux does.
	 */
	century = rtc_reg_decode(r[RTC_CENTURY], r[RTC_REG_B]);
	if (century != 19 && century != 20)
		century = rtc_reg_decode(r[RTC_YEAR], r[RTC_REG_B]) >= 70 ? 19 : 20;
	rtc_regs_to_date(r[RTC_SECONDS], r[RTC_MINUTES], r[RTC_HOURS], r[RTC_DAY_OF_MONTH],
			 r[RTC_MONTH], r[RTC_YEAR],
			 (r[RTC_REG_B] & RTC_B_DM_BINARY) ? century : (u8)((century / 10) << 4 | century % 10),
			 r[RTC_REG_B], &t);
	secs = rtc_date_to_secs(&t);
	wall_base_tsc = rdtsc();
	wall_base_ns = secs > 0 ? (u64)secs * NS_PER_SEC : 0;
	log_info("time: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC (CMOS RTC)\n", t.year,
		 t.month, t.mday, t.hour, t.min, t.sec);
}

u64 time_wall_ns(void)
{
	u64 now = rdtsc(), hz = tsc_khz * 1000, d;

	/* Another CPU's TSC may be a little behind the boot CPU's. */
	d = now > wall_base_tsc ? now - wall_base_tsc : 0;
	return wall_base_ns + d / hz * NS_PER_SEC + (d % hz) * 1000000 / tsc_khz;
}
