/* Host unit tests for the child's CMOS RTC (hypervisor/core/rtc_cmos.c). */
#include <tess/rtc_cmos.h>

#include "tu.h"

#define NS 1000000000ull
/* 2025-03-14 15:09:26 UTC, a Friday. */
#define T_2025 1741964966ull

static u8 rd(struct rtc_cmos *r, u8 index, u64 now)
{
	rtc_cmos_write(r, RTC_PORT_INDEX, index, now);
	return rtc_cmos_read(r, RTC_PORT_DATA, now);
}

static void wr(struct rtc_cmos *r, u8 index, u8 value, u64 now)
{
	rtc_cmos_write(r, RTC_PORT_INDEX, index, now);
	rtc_cmos_write(r, RTC_PORT_DATA, value, now);
}

static bool bcd_ok(u8 v)
{
	return (v & 0xf) <= 9 && (v >> 4) <= 9;
}

static void defaults(void)
{
	struct rtc_cmos r;

	rtc_cmos_reset(&r);
	CHECK(rtc_cmos_port(0x70) && rtc_cmos_port(0x71));
	CHECK(!rtc_cmos_port(0x72) && !rtc_cmos_port(0x6f));
	CHECK_EQ(rd(&r, RTC_REG_A, 0), 0x26);
	CHECK_EQ(rd(&r, RTC_REG_B, 0), 0x02);
	CHECK_EQ(rd(&r, RTC_REG_C, 0), 0);
	CHECK_EQ(rd(&r, RTC_REG_D, 0), 0x80);
	CHECK_EQ(rtc_cmos_read(&r, RTC_PORT_INDEX, 0), 0xff);   /* write-only */
	CHECK_EQ(rd(&r, 0x8d, 0), 0x80);                        /* NMI mask bit ignored */
	CHECK_EQ(rd(&r, 0x0e, 0), 0);
	CHECK_EQ(rd(&r, RTC_SECONDS_ALARM, 0), 0);
}

/* The host's time, in BCD and 24-hour mode (what Linux expects at boot). */
static void host_time_bcd(void)
{
	struct rtc_cmos r;
	u64 now = T_2025 * NS + 123456789;

	rtc_cmos_reset(&r);
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x26);
	CHECK_EQ(rd(&r, RTC_MINUTES, now), 0x09);
	CHECK_EQ(rd(&r, RTC_HOURS, now), 0x15);
	CHECK_EQ(rd(&r, RTC_DAY_OF_WEEK, now), 6);              /* Friday, 1 = Sunday */
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 0x14);
	CHECK_EQ(rd(&r, RTC_MONTH, now), 0x03);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x25);
	CHECK_EQ(rd(&r, RTC_CENTURY, now), 0x20);
	CHECK_EQ(rd(&r, RTC_REG_A, now) & RTC_A_UIP, 0);
}

static void formats(void)
{
	struct rtc_cmos r;
	u64 now = T_2025 * NS;

	rtc_cmos_reset(&r);
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY, now);
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 26);
	CHECK_EQ(rd(&r, RTC_HOURS, now), 15);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 25);
	CHECK_EQ(rd(&r, RTC_CENTURY, now), 20);
	wr(&r, RTC_REG_B, RTC_B_DM_BINARY, now);                /* 12-hour, binary */
	CHECK_EQ(rd(&r, RTC_HOURS, now), RTC_HOUR_PM | 3);
	wr(&r, RTC_REG_B, 0, now);                              /* 12-hour, BCD */
	CHECK_EQ(rd(&r, RTC_HOURS, now), RTC_HOUR_PM | 0x03);
	/* Midnight is 12 AM, noon 12 PM. */
	now = (T_2025 - 15 * 3600 - 9 * 60 - 26) * NS;
	CHECK_EQ(rd(&r, RTC_HOURS, now), 0x12);
	now += 12 * 3600 * NS;
	CHECK_EQ(rd(&r, RTC_HOURS, now), RTC_HOUR_PM | 0x12);
	now += 3600 * NS;
	CHECK_EQ(rd(&r, RTC_HOURS, now), RTC_HOUR_PM | 0x01);
}

static void ticks_and_rollover(void)
{
	struct rtc_cmos r;
	u64 now = 946684799ull * NS;                            /* 1999-12-31 23:59:59 */

	rtc_cmos_reset(&r);
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x59);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x99);
	CHECK_EQ(rd(&r, RTC_CENTURY, now), 0x19);
	now += NS / 2;
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x59);
	now += NS / 2;
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x00);
	CHECK_EQ(rd(&r, RTC_MINUTES, now), 0x00);
	CHECK_EQ(rd(&r, RTC_HOURS, now), 0x00);
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 0x01);
	CHECK_EQ(rd(&r, RTC_MONTH, now), 0x01);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x00);
	CHECK_EQ(rd(&r, RTC_CENTURY, now), 0x20);
	CHECK_EQ(rd(&r, RTC_DAY_OF_WEEK, now), 7);              /* Saturday */
}

/* Linux's mc146818_set_time(): SET, the registers, then SET cleared. */
static void set_time_like_linux(void)
{
	struct rtc_cmos r, other;
	u64 now = T_2025 * NS + 700000000;
	u8 b;

	rtc_cmos_reset(&r);
	rtc_cmos_reset(&other);
	b = rd(&r, RTC_REG_B, now);
	wr(&r, RTC_REG_B, b | RTC_B_SET | RTC_B_UIE, now);
	CHECK_EQ(rd(&r, RTC_REG_B, now), b | RTC_B_SET);        /* SET clears UIE */
	wr(&r, RTC_REG_A, 0x70 | 0x26, now);                    /* divider reset */
	wr(&r, RTC_YEAR, 0x30, now);
	wr(&r, RTC_MONTH, 0x06, now);
	wr(&r, RTC_DAY_OF_MONTH, 0x15, now);
	wr(&r, RTC_HOURS, 0x08, now);
	wr(&r, RTC_MINUTES, 0x30, now);
	wr(&r, RTC_SECONDS, 0x00, now);
	wr(&r, RTC_CENTURY, 0x20, now);
	/* Frozen: time does not move, registers read as written. */
	now += 5 * NS;
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x00);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x30);
	wr(&r, RTC_REG_B, b, now);
	wr(&r, RTC_REG_A, 0x26, now);
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x00);
	CHECK_EQ(rd(&r, RTC_MINUTES, now), 0x30);
	CHECK_EQ(rd(&r, RTC_HOURS, now), 0x08);
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 0x15);
	CHECK_EQ(rd(&r, RTC_MONTH, now), 0x06);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x30);
	CHECK_EQ(rd(&r, RTC_CENTURY, now), 0x20);
	CHECK_EQ(rd(&r, RTC_DAY_OF_WEEK, now), 0x07);           /* 2030-06-15: Saturday */
	now += 2 * NS + NS / 10;
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x02);               /* counts on from the set */
	/* Another domain's clock is untouched. */
	CHECK_EQ(rd(&other, RTC_YEAR, now), 0x25);
	CHECK_EQ(rd(&other, RTC_MINUTES, now), 0x09);
}

static void set_in_binary_12h(void)
{
	struct rtc_cmos r;
	u64 now = T_2025 * NS;

	rtc_cmos_reset(&r);
	wr(&r, RTC_REG_B, RTC_B_DM_BINARY, now);                /* 12-hour, binary */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_DM_BINARY, now);
	CHECK_EQ(rd(&r, RTC_HOURS, now), RTC_HOUR_PM | 3);      /* the snapshot */
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 14);
	wr(&r, RTC_HOURS, RTC_HOUR_PM | 11, now);
	wr(&r, RTC_MINUTES, 59, now);
	wr(&r, RTC_SECONDS, 59, now);
	wr(&r, RTC_REG_B, RTC_B_DM_BINARY, now);
	CHECK_EQ(rd(&r, RTC_HOURS, now), RTC_HOUR_PM | 11);
	now += NS;
	CHECK_EQ(rd(&r, RTC_HOURS, now), 12);                   /* 12 AM */
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 15);
	/* SET with a format change in the same write: the snapshot is in the
	 * old format, and the bytes are read back in the new one. */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, now);
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 15);            /* binary 15 = 0x0f */
	wr(&r, RTC_REG_B, RTC_B_24H, now);
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 0x15);          /* 0x0f as BCD: 15 */
}

/* A time register written without SET changes the time at once. */
static void write_without_set(void)
{
	struct rtc_cmos r;
	u64 now = T_2025 * NS;

	rtc_cmos_reset(&r);
	wr(&r, RTC_YEAR, 0x31, now);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x31);
	CHECK_EQ(rd(&r, RTC_MONTH, now), 0x03);
	CHECK_EQ(rd(&r, RTC_MINUTES, now), 0x09);
	now += 60 * NS;
	CHECK_EQ(rd(&r, RTC_MINUTES, now), 0x10);
	/* The day of week follows the date, whatever is written. */
	wr(&r, RTC_DAY_OF_WEEK, 0x03, now);
	CHECK_EQ(rd(&r, RTC_DAY_OF_WEEK, now), 6);              /* 2031-03-14: Friday */
}

static void bad_values_clamped(void)
{
	struct rtc_cmos r;
	u64 now = T_2025 * NS;

	rtc_cmos_reset(&r);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, now);
	wr(&r, RTC_SECONDS, 0xaa, now);                         /* not BCD */
	wr(&r, RTC_MINUTES, 0x61, now);
	wr(&r, RTC_HOURS, 0x25, now);
	wr(&r, RTC_DAY_OF_MONTH, 0x31, now);                    /* 31 February */
	wr(&r, RTC_MONTH, 0x02, now);
	wr(&r, RTC_YEAR, 0x24, now);
	wr(&r, RTC_CENTURY, 0xff, now);
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0xaa);               /* as written while SET */
	wr(&r, RTC_REG_B, RTC_B_24H, now);
	CHECK_EQ(rd(&r, RTC_SECONDS, now), 0x59);
	CHECK_EQ(rd(&r, RTC_MINUTES, now), 0x59);
	CHECK_EQ(rd(&r, RTC_HOURS, now), 0x23);
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 0x29);          /* 9924 is a leap year */
	CHECK_EQ(rd(&r, RTC_MONTH, now), 0x02);
	CHECK_EQ(rd(&r, RTC_YEAR, now), 0x24);
	CHECK_EQ(rd(&r, RTC_CENTURY, now), 0x99);
	/* 12-hour hour 0 (invalid) becomes 12 AM. */
	wr(&r, RTC_REG_B, RTC_B_SET, now);
	wr(&r, RTC_HOURS, 0x00, now);
	wr(&r, RTC_REG_B, 0, now);
	CHECK_EQ(rd(&r, RTC_HOURS, now), 0x12);
	/* Month 0 becomes January, day 0 the first. */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, now);
	wr(&r, RTC_MONTH, 0x00, now);
	wr(&r, RTC_DAY_OF_MONTH, 0x00, now);
	wr(&r, RTC_REG_B, RTC_B_24H, now);
	CHECK_EQ(rd(&r, RTC_MONTH, now), 0x01);
	CHECK_EQ(rd(&r, RTC_DAY_OF_MONTH, now), 0x01);
}

static void control_and_ram(void)
{
	struct rtc_cmos r;

	rtc_cmos_reset(&r);
	wr(&r, RTC_REG_A, 0xff, 0);
	CHECK_EQ(rd(&r, RTC_REG_A, 0), 0x7f);                   /* UIP is read-only 0 */
	wr(&r, RTC_REG_C, 0xff, 0);
	wr(&r, RTC_REG_D, 0x00, 0);
	CHECK_EQ(rd(&r, RTC_REG_C, 0), 0);
	CHECK_EQ(rd(&r, RTC_REG_D, 0), 0x80);
	wr(&r, RTC_SECONDS_ALARM, 0x45, 0);
	wr(&r, RTC_MINUTES_ALARM, 0xc0, 0);
	wr(&r, RTC_HOURS_ALARM, 0x07, 0);
	CHECK_EQ(rd(&r, RTC_SECONDS_ALARM, 0), 0x45);
	CHECK_EQ(rd(&r, RTC_MINUTES_ALARM, 0), 0xc0);
	CHECK_EQ(rd(&r, RTC_HOURS_ALARM, 0), 0x07);
	for (unsigned int i = 0x0e; i < 0x80; i++)
		if (i != RTC_CENTURY)
			wr(&r, (u8)i, (u8)(i ^ 0x5a), 0);
	for (unsigned int i = 0x0e; i < 0x80; i++)
		if (i != RTC_CENTURY)
			CHECK_EQ(rd(&r, (u8)(i | 0x80), 0), i ^ 0x5a);
	/* The clock was not disturbed by all that. */
	CHECK_EQ(rd(&r, RTC_YEAR, T_2025 * NS), 0x25);
}

static void calendar(void)
{
	static const struct { s64 secs; u32 y; u8 mo, d, h, mi, s, wday; } known[] = {
		{ 0, 1970, 1, 1, 0, 0, 0, 4 },
		{ -1, 1969, 12, 31, 23, 59, 59, 3 },
		{ 951782400, 2000, 2, 29, 0, 0, 0, 2 },
		{ 1709208000, 2024, 2, 29, 12, 0, 0, 4 },
		{ 2147483647, 2038, 1, 19, 3, 14, 7, 2 },
		{ -62135596800ll, 1, 1, 1, 0, 0, 0, 1 },
		{ 253402300799ll, 9999, 12, 31, 23, 59, 59, 5 },
	};
	struct rtc_date t;

	for (unsigned int i = 0; i < ARRAY_SIZE(known); i++) {
		rtc_secs_to_date(known[i].secs, &t);
		CHECK_EQ(t.year, known[i].y);
		CHECK_EQ(t.month, known[i].mo);
		CHECK_EQ(t.mday, known[i].d);
		CHECK_EQ(t.hour, known[i].h);
		CHECK_EQ(t.min, known[i].mi);
		CHECK_EQ(t.sec, known[i].s);
		CHECK_EQ(t.wday, known[i].wday);
		CHECK_EQ(rtc_date_to_secs(&t), known[i].secs);
	}
	/* Every day from 0000 to 9999 round-trips (at a varying time of day),
	 * each one day after the one before. */
	{
		s64 first = -62167219200ll, day;
		u32 bad = 0, prev_mday = 31;

		for (day = first; day <= 253402300799ll; day += 86400) {
			s64 secs = day + (day / 86400 * 7919 % 86400 + 86400) % 86400;

			rtc_secs_to_date(secs, &t);
			if (rtc_date_to_secs(&t) != secs)
				bad++;
			if (t.mday != prev_mday + 1 && !(t.mday == 1 && prev_mday >= 28))
				bad++;
			prev_mday = t.mday;
		}
		CHECK_EQ(bad, 0);
	}
	rtc_regs_to_date(0x00, 0x00, 0x12, 0x01, 0x01, 0x00, 0x20, 0, &t);
	CHECK_EQ(t.hour, 0);                                    /* 12 AM */
	CHECK_EQ(t.year, 2000);
	CHECK_EQ(t.wday, 6);
	CHECK_EQ(rtc_reg_decode(0x59, 0), 59);
	CHECK_EQ(rtc_reg_decode(0x59, RTC_B_DM_BINARY), 0x59);
}

/* Any index and value at both ports, in any mode: nothing breaks. */
static void hostile_input(void)
{
	struct rtc_cmos r;
	u64 now = T_2025 * NS;
	unsigned int bad = 0;

	rtc_cmos_reset(&r);
	for (unsigned int b = 0; b < 256; b += 3) {
		for (unsigned int i = 0; i < 256; i++) {
			for (unsigned int v = 0; v < 256; v += 17) {
				wr(&r, RTC_REG_B, (u8)b, now);
				wr(&r, (u8)i, (u8)v, now);
				(void)rd(&r, (u8)i, now);
				rtc_cmos_write(&r, (u16)(0x70 + (v & 1)), (u8)(v ^ i), now);
				(void)rtc_cmos_read(&r, (u16)(0x70 + (i & 1)), now);
				rtc_cmos_write(&r, 0x72, (u8)v, now);
			}
		}
		now += NS;
	}
	/* After clearing SET the clock reads valid BCD again. */
	wr(&r, RTC_REG_B, RTC_B_24H, now);
	for (unsigned int i = 0; i < 10; i++) {
		u8 v = rd(&r, (u8)i, now);

		if ((i & 1) && i < 6)
			continue;                               /* alarms: plain RAM */
		if (!bcd_ok(v))
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(bcd_ok(rd(&r, RTC_CENTURY, now)));
	CHECK_EQ(rd(&r, RTC_REG_D, now), 0x80);
}

static const struct tu_case cases[] = {
	TU_CASE(defaults),
	TU_CASE(host_time_bcd),
	TU_CASE(formats),
	TU_CASE(ticks_and_rollover),
	TU_CASE(set_time_like_linux),
	TU_CASE(set_in_binary_12h),
	TU_CASE(write_without_set),
	TU_CASE(bad_values_clamped),
	TU_CASE(control_and_ram),
	TU_CASE(calendar),
	TU_CASE(hostile_input),
};

TU_MAIN("test_rtc", cases)
