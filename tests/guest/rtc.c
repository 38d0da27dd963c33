/* SPDX-License-Identifier: MIT */
/*
 * rtc: the child's CMOS RTC at ports 0x70 (index) and 0x71 (data). The
 * time it reads is the host's wall clock: valid BCD, 24-hour (register B
 * 0x02 at creation), after 2024, and it ticks once a second. With B.SET the
 * time registers stand still; a time written under SET reads back as
 * written and counts on from there once SET is cleared; binary mode gives
 * the same time in binary. Register A never shows UIP, C reads 0, D reads
 * VRT.
 */
#include "guest.h"

GUEST_TEST(rtc);

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32
#define RTC_B_SET 0x80
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define SPIN_MAX 20000000u       /* reads before a tick counts as missing */

static uint8_t cmos_read(uint8_t index)
{
	outb(0x70, index);
	return inb(0x71);
}

static void cmos_write(uint8_t index, uint8_t value)
{
	outb(0x70, index);
	outb(0x71, value);
}

struct rtc_time {
	uint8_t sec, min, hour, mday, month, year, century;
};

static void read_time(struct rtc_time *t)
{
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->mday = cmos_read(RTC_DAY_OF_MONTH);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
}

static int bcd_ok(uint8_t v, unsigned int lo, unsigned int hi)
{
	unsigned int b = (v >> 4) * 10u + (v & 0xf);

	return (v & 0xf) <= 9 && (v >> 4) <= 9 && b >= lo && b <= hi;
}

static unsigned int bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

static void check_bcd_time(const char *what, const struct rtc_time *t)
{
	guest_check(bcd_ok(t->sec, 0, 59) && bcd_ok(t->min, 0, 59) && bcd_ok(t->hour, 0, 23) &&
		    bcd_ok(t->mday, 1, 31) && bcd_ok(t->month, 1, 12) && bcd_ok(t->year, 0, 99) &&
		    bcd_ok(t->century, 0, 99),
		    "%s: not valid BCD: %02x%02x-%02x-%02x %02x:%02x:%02x", what, t->century,
		    t->year, t->month, t->mday, t->hour, t->min, t->sec);
}

/* Spin until the seconds register differs from sec; the TSC at that moment, 0 if never. */
static uint64_t wait_tick(uint8_t sec)
{
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if (cmos_read(RTC_SECONDS) != sec)
			return rdtsc();
	return 0;
}

static void print_time(const char *what, const struct rtc_time *t)
{
	guest_printf("rtc: %s %02x%02x-%02x-%02x %02x:%02x:%02x", what, t->century, t->year,
		     t->month, t->mday, t->hour, t->min, t->sec);
}

int test_main(uint64_t mem)
{
	struct rtc_time t0, t1;
	uint64_t edge0, edge1, tsc_per_sec, end;
	unsigned int year;
	uint8_t b;

	(void)mem;
	b = cmos_read(RTC_REG_B);
	guest_check(b == RTC_B_24H, "register B %#x, expected 0x02 (24-hour, BCD)", b);
	guest_check(!(cmos_read(RTC_REG_A) & 0x80), "register A shows UIP");
	guest_check(cmos_read(RTC_REG_C) == 0, "register C %#x", cmos_read(RTC_REG_C));
	guest_check(cmos_read(RTC_REG_D) == 0x80, "register D %#x", cmos_read(RTC_REG_D));

	/* The host's time: valid BCD and after 2024. */
	read_time(&t0);
	print_time("host time", &t0);
	check_bcd_time("first read", &t0);
	year = bcd(t0.century) * 100 + bcd(t0.year);
	guest_check(year >= 2024, "year %u is before 2024", year);

	/* It ticks: two second boundaries one second apart. */
	edge0 = wait_tick(t0.sec);
	read_time(&t0);
	edge1 = wait_tick(t0.sec);
	read_time(&t1);
	guest_check(edge0 && edge1, "the seconds register did not move in %u reads", SPIN_MAX);
	guest_check(bcd(t1.sec) == (bcd(t0.sec) + 1) % 60, "seconds went from %02x to %02x",
		    t0.sec, t1.sec);
	check_bcd_time("after ticking", &t1);
	tsc_per_sec = edge1 - edge0;
	if (guest_failures() || !tsc_per_sec)
		return 0;
	guest_printf("rtc: ticks; one second is %lu TSC ticks", (unsigned long)tsc_per_sec);

	/* SET stops the time registers: 1.5 s later they still read the same. */
	cmos_write(RTC_REG_B, RTC_B_24H | RTC_B_SET);
	read_time(&t0);
	end = rdtsc() + tsc_per_sec + tsc_per_sec / 2;
	while (rdtsc() < end)
		(void)cmos_read(RTC_SECONDS);
	read_time(&t1);
	guest_check(t0.sec == t1.sec && t0.min == t1.min, "moved under SET: %02x:%02x -> %02x:%02x",
		    t0.min, t0.sec, t1.min, t1.sec);

	/* Set 2030-06-15 08:30:00 and read it back; it counts on without SET. */
	cmos_write(RTC_CENTURY, 0x20);
	cmos_write(RTC_YEAR, 0x30);
	cmos_write(RTC_MONTH, 0x06);
	cmos_write(RTC_DAY_OF_MONTH, 0x15);
	cmos_write(RTC_HOURS, 0x08);
	cmos_write(RTC_MINUTES, 0x30);
	cmos_write(RTC_SECONDS, 0x00);
	cmos_write(RTC_REG_B, RTC_B_24H);
	read_time(&t0);
	print_time("after setting", &t0);
	guest_check(t0.century == 0x20 && t0.year == 0x30 && t0.month == 0x06 &&
		    t0.mday == 0x15 && t0.hour == 0x08 && t0.min == 0x30 && t0.sec <= 0x01,
		    "set 2030-06-15 08:30:00, read %02x%02x-%02x-%02x %02x:%02x:%02x",
		    t0.century, t0.year, t0.month, t0.mday, t0.hour, t0.min, t0.sec);
	guest_check(wait_tick(t0.sec) != 0, "the set time does not tick");
	read_time(&t1);
	guest_check(t1.min == 0x30 && (t1.sec == 0x01 || t1.sec == 0x02),
		    "a second after setting: %02x:%02x", t1.min, t1.sec);

	/* Binary mode: the same time, in binary. */
	cmos_write(RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
	guest_check(cmos_read(RTC_YEAR) == 30 && cmos_read(RTC_MONTH) == 6 &&
		    cmos_read(RTC_HOURS) == 8 && cmos_read(RTC_MINUTES) == 30,
		    "binary mode: year %u month %u hour %u minute %u", cmos_read(RTC_YEAR),
		    cmos_read(RTC_MONTH), cmos_read(RTC_HOURS), cmos_read(RTC_MINUTES));
	return 0;
}
