/*
 * The child's CMOS real-time clock (see tess/rtc_cmos.h), written from the
 * Motorola MC146818A data sheet.
 *
 * Modelled:
 *   - The index register at 0x70 selects one of 128 bytes; bit 7 (on PCs
 *     the NMI mask, not part of the chip) is dropped. 0x70 is write-only
 *     on PCs: it reads 0xff here.
 *   - The time is not counted in the registers: each read computes it from
 *     the host wall clock plus this domain's offset (base_sec at host time
 *     base_ns) and formats it as register B says (BCD or binary, 24-hour
 *     or 12-hour with bit 7 = PM). Changing DM or 24/12 while the clock
 *     runs therefore just changes the format of the next read (the chip
 *     would keep counting in the old format until the time is set again).
 *   - Setting the time, as Linux's mc146818_set_time() does: B.SET = 1
 *     copies the current time into the time registers (in the format of
 *     the moment) and stops them; the guest writes them; B.SET = 0 reads
 *     them back in B's then format and makes them the domain's new offset,
 *     counting on from that instant. A time register written while SET is
 *     clear is handled the same way (as if SET had been pulsed around the
 *     write). Setting SET clears UIE, as on the chip.
 *   - Bad time values (non-BCD digits, month 13, 31 February, hour 0 in
 *     12-hour mode, ...) read back as written while SET holds, and are
 *     clamped into range when SET is cleared (hour 0 in 12-hour mode is
 *     taken as 12). The day of week is always
 *     computed from the date: a written value is kept only while SET
 *     holds.
 *   - The year is century (0x32) * 100 + year (0x09): 0000-9999.
 *   - Register A: DV and RS (bits 0-6) are stored; dividers are not
 *     modelled (a divider reset does not stop the clock, only SET does).
 *     UIP (bit 7) always reads 0: registers are never mid-update, so a
 *     reader never has to wait.
 *   - Register B: every bit is stored; only SET, DM and 24/12 matter.
 *     Register C reads 0 and register D reads VRT (0x80); writes to both
 *     are ignored.
 *   - The alarm registers (0x01, 0x03, 0x05) and every other index are
 *     plain RAM, zero at creation.
 *   - No interrupts: IRQ 8 is never raised (no periodic, alarm or
 *     update-ended interrupt) and there is no square-wave output.
 */
#include <tess/rtc_cmos.h>

#define NS_PER_SEC 1000000000ull
#define SECS_PER_DAY 86400

static const u8 time_regs[] = {
	RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK, RTC_DAY_OF_MONTH,
	RTC_MONTH, RTC_YEAR, RTC_CENTURY,
};

static bool is_time_reg(u8 index)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(time_regs); i++)
		if (time_regs[i] == index)
			return true;
	return false;
}

/* ---- calendar ------------------------------------------------------------- */

static bool leap_year(u32 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static u8 month_days(u32 year, u8 month)
{
	static const u8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && leap_year(year))
		return 29;
	return days[(month - 1) % 12];
}

/*
 * Days since 1970-01-01 of a date, counting in 400-year eras of 146097
 * days with years starting on 1 March, so that the leap day ends a year.
 */
static s64 days_from_date(s64 y, unsigned int m, unsigned int d)
{
	s64 era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                                /* 0-399 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0-365, from 1 March */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* 0-146096 */
	return era * 146097 + doe - 719468;                 /* 719468: 0000-03-01 to 1970 */
}

static void date_from_days(s64 z, s64 *y, unsigned int *m, unsigned int *d)
{
	s64 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;                            /* 0 = March */
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

s64 rtc_date_to_secs(const struct rtc_date *t)
{
	return days_from_date(t->year, t->month, t->mday) * SECS_PER_DAY +
	       (s64)t->hour * 3600 + (s64)t->min * 60 + t->sec;
}

void rtc_secs_to_date(s64 secs, struct rtc_date *t)
{
	s64 days = secs / SECS_PER_DAY, rem = secs % SECS_PER_DAY, y;
	unsigned int m, d;

	if (rem < 0) {
		rem += SECS_PER_DAY;
		days--;
	}
	date_from_days(days, &y, &m, &d);
	t->year = y < 0 ? 0 : (u32)y;
	t->month = (u8)m;
	t->mday = (u8)d;
	t->hour = (u8)(rem / 3600);
	t->min = (u8)(rem / 60 % 60);
	t->sec = (u8)(rem % 60);
	t->wday = (u8)(((days % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

/* ---- register formats ----------------------------------------------------- */

u8 rtc_reg_decode(u8 value, u8 reg_b)
{
	if (reg_b & RTC_B_DM_BINARY)
		return value;
	return (u8)((value >> 4) * 10 + (value & 0xf)); /* at most 165 for bad digits */
}

static u8 reg_encode(unsigned int v, u8 reg_b)
{
	v %= 100;
	if (reg_b & RTC_B_DM_BINARY)
		return (u8)v;
	return (u8)((v / 10) << 4 | v % 10);
}

static u8 hour_encode(u8 hour, u8 reg_b)
{
	u8 h12 = hour % 12;

	if (reg_b & RTC_B_24H)
		return reg_encode(hour, reg_b);
	return reg_encode(h12 ? h12 : 12, reg_b) | (hour >= 12 ? RTC_HOUR_PM : 0);
}

static u8 clamp(u8 v, u8 lo, u8 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void rtc_regs_to_date(u8 sec, u8 min, u8 hour, u8 mday, u8 month, u8 year, u8 century,
		      u8 reg_b, struct rtc_date *t)
{
	u8 h;

	t->sec = clamp(rtc_reg_decode(sec, reg_b), 0, 59);
	t->min = clamp(rtc_reg_decode(min, reg_b), 0, 59);
	if (reg_b & RTC_B_24H) {
		h = clamp(rtc_reg_decode(hour, reg_b), 0, 23);
	} else {
		h = clamp(rtc_reg_decode(hour & 0x7f, reg_b), 0, 12) % 12; /* 0 taken as 12 */
		if (hour & RTC_HOUR_PM)
			h += 12;
	}
	t->hour = h;
	t->year = (u32)clamp(rtc_reg_decode(century, reg_b), 0, 99) * 100 +
		  clamp(rtc_reg_decode(year, reg_b), 0, 99);
	t->month = clamp(rtc_reg_decode(month, reg_b), 1, 12);
	t->mday = clamp(rtc_reg_decode(mday, reg_b), 1, month_days(t->year, t->month));
	t->wday = (u8)(((days_from_date(t->year, t->month, t->mday) % 7) + 7 + 4) % 7);
}

/* One time register of date t in B's format. */
static u8 time_reg_value(const struct rtc_date *t, u8 index, u8 reg_b)
{
	switch (index) {
	case RTC_SECONDS:      return reg_encode(t->sec, reg_b);
	case RTC_MINUTES:      return reg_encode(t->min, reg_b);
	case RTC_HOURS:        return hour_encode(t->hour, reg_b);
	case RTC_DAY_OF_WEEK:  return reg_encode(t->wday + 1u, reg_b);
	case RTC_DAY_OF_MONTH: return reg_encode(t->mday, reg_b);
	case RTC_MONTH:        return reg_encode(t->month, reg_b);
	case RTC_YEAR:         return reg_encode(t->year % 100, reg_b);
	default:               return reg_encode(t->year / 100, reg_b); /* RTC_CENTURY */
	}
}

/* ---- the clock ---------------------------------------------------------------- */

/* The domain's time now, in seconds since 1970. */
static s64 rtc_now_secs(const struct rtc_cmos *r, u64 now_ns)
{
	u64 elapsed = now_ns > r->base_ns ? (now_ns - r->base_ns) / NS_PER_SEC : 0;

	return r->base_sec + (s64)elapsed;
}

/* SET: copy the running time into the time registers, in the current format. */
static void rtc_freeze(struct rtc_cmos *r, u64 now_ns)
{
	struct rtc_date t;

	rtc_secs_to_date(rtc_now_secs(r, now_ns), &t);
	for (unsigned int i = 0; i < ARRAY_SIZE(time_regs); i++)
		r->ram[time_regs[i]] = time_reg_value(&t, time_regs[i], r->reg_b);
}

/* SET cleared: the time registers become the domain's time from now on. */
static void rtc_thaw(struct rtc_cmos *r, u64 now_ns)
{
	struct rtc_date t;

	rtc_regs_to_date(r->ram[RTC_SECONDS], r->ram[RTC_MINUTES], r->ram[RTC_HOURS],
			 r->ram[RTC_DAY_OF_MONTH], r->ram[RTC_MONTH], r->ram[RTC_YEAR],
			 r->ram[RTC_CENTURY], r->reg_b, &t);
	r->base_sec = rtc_date_to_secs(&t);
	r->base_ns = now_ns;
}

void rtc_cmos_reset(struct rtc_cmos *r)
{
	for (unsigned int i = 0; i < RTC_NR_REGS; i++)
		r->ram[i] = 0;
	r->index = 0;
	r->reg_a = RTC_A_DEFAULT;
	r->reg_b = RTC_B_DEFAULT;
	r->base_sec = 0;   /* 1970 at host time 0: the host's own time */
	r->base_ns = 0;
}

bool rtc_cmos_port(u16 port)
{
	return port == RTC_PORT_INDEX || port == RTC_PORT_DATA;
}

u8 rtc_cmos_read(struct rtc_cmos *r, u16 port, u64 now_ns)
{
	struct rtc_date t;
	u8 index = r->index & (RTC_NR_REGS - 1);

	if (port != RTC_PORT_DATA)
		return 0xff;
	switch (index) {
	case RTC_REG_A:
		return r->reg_a & RTC_A_RW;
	case RTC_REG_B:
		return r->reg_b;
	case RTC_REG_C:
		return 0;
	case RTC_REG_D:
		return RTC_D_VRT;
	}
	if (!is_time_reg(index) || (r->reg_b & RTC_B_SET))
		return r->ram[index];
	rtc_secs_to_date(rtc_now_secs(r, now_ns), &t);
	return time_reg_value(&t, index, r->reg_b);
}

void rtc_cmos_write(struct rtc_cmos *r, u16 port, u8 value, u64 now_ns)
{
	u8 index = r->index & (RTC_NR_REGS - 1), old;

	if (port == RTC_PORT_INDEX) {
		r->index = value & (RTC_NR_REGS - 1);
		return;
	}
	if (port != RTC_PORT_DATA)
		return;
	switch (index) {
	case RTC_REG_A:
		r->reg_a = value & RTC_A_RW;
		return;
	case RTC_REG_B:
		old = r->reg_b;
		if (!(old & RTC_B_SET) && (value & RTC_B_SET))
			rtc_freeze(r, now_ns);
		r->reg_b = value & RTC_B_SET ? value & ~RTC_B_UIE : value;
		if ((old & RTC_B_SET) && !(value & RTC_B_SET))
			rtc_thaw(r, now_ns);
		return;
	case RTC_REG_C:
	case RTC_REG_D:
		return; /* read-only */
	}
	if (!is_time_reg(index) || (r->reg_b & RTC_B_SET)) {
		r->ram[index] = value;
		return;
	}
	rtc_freeze(r, now_ns);
	r->ram[index] = value;
	rtc_thaw(r, now_ns);
}
