/*
 * A minimal MC146818 CMOS real-time clock for child domains at I/O ports
 * 0x70 (index) and 0x71 (data), written from the Motorola MC146818A data
 * sheet and the PC/AT CMOS map: enough for Linux to read and set the wall
 * clock (arch/x86/kernel/rtc.c, drivers/rtc/rtc-cmos.c).
 *
 * Pure logic: no port I/O, no hypervisor globals. The caller owns the
 * state, holds whatever lock guards it, and passes the host's wall-clock
 * time ("now", nanoseconds since 1970-01-01 00:00:00 UTC) to every access.
 * The child's clock is an offset over that host clock (base_sec at host
 * time base_ns): guest writes of the time change only that offset.
 *
 * What a guest sees (see core/rtc_cmos.c for the details):
 *   0x70 (write): index; bit 7 (the PC's NMI mask) is ignored. Reads 0xff.
 *   0x00, 0x02, 0x04   seconds, minutes, hours (bit 7 = PM in 12-hour mode)
 *   0x06-0x09          day of week (1 = Sunday), day of month, month, year
 *   0x32               century
 *   0x01, 0x03, 0x05   the alarm registers: stored, no alarm ever fires
 *   0x0a  register A   DV/RS bits stored; UIP (bit 7) always reads 0
 *   0x0b  register B   SET freezes the time registers for setting, DM
 *                      (binary/BCD) and 24/12 select the format; PIE, AIE,
 *                      UIE, SQWE and DSE are stored and have no effect
 *   0x0c  register C   reads 0 (no interrupt flag is ever raised)
 *   0x0d  register D   reads 0x80 (VRT: the "battery" is good)
 *   other indices      plain CMOS RAM, 0 at creation
 * No interrupt (IRQ 8) is ever raised: no periodic, alarm or update-ended
 * interrupts, and no square wave.
 */
#ifndef TESS_RTC_CMOS_H
#define TESS_RTC_CMOS_H

#include <tess/types.h>

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA 0x71

/* Register indices (the PC/AT CMOS map). */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32
#define RTC_NR_REGS 128

#define RTC_A_UIP 0x80        /* update in progress */
#define RTC_A_RW 0x7f         /* DV2-0, RS3-0 */
#define RTC_B_SET 0x80        /* halt updates so the time can be set */
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM_BINARY 0x04  /* 1: binary, 0: BCD */
#define RTC_B_24H 0x02        /* 1: 24-hour, 0: 12-hour with bit 7 = PM */
#define RTC_B_DSE 0x01
#define RTC_D_VRT 0x80        /* valid RAM and time */
#define RTC_HOUR_PM 0x80

/* The state after creation: register A 0x26, B 0x02 (24-hour, BCD). */
#define RTC_A_DEFAULT 0x26
#define RTC_B_DEFAULT RTC_B_24H

struct rtc_cmos {
	u8 index;              /* last index written to 0x70, bit 7 dropped */
	u8 reg_a, reg_b;
	/*
	 * CMOS RAM: the alarm registers, 0x0e-0x7f, and, while B.SET is set,
	 * the time registers as the guest wrote them (otherwise the time is
	 * computed from the clock at each read).
	 */
	u8 ram[RTC_NR_REGS];
	s64 base_sec;          /* the child's time, in seconds since 1970 ... */
	u64 base_ns;           /* ... at this host time */
};

/* A calendar date and time, all fields binary. */
struct rtc_date {
	u32 year;              /* 0-9999 */
	u8 month;              /* 1-12 */
	u8 mday;               /* 1-31 */
	u8 hour, min, sec;     /* 0-23, 0-59, 0-59 */
	u8 wday;               /* 0 = Sunday */
};

/* Creation state: guest time == host time. */
void rtc_cmos_reset(struct rtc_cmos *r);
/* Is port one of the RTC's (0x70, 0x71)? */
bool rtc_cmos_port(u16 port);
u8 rtc_cmos_read(struct rtc_cmos *r, u16 port, u64 now_ns);
void rtc_cmos_write(struct rtc_cmos *r, u16 port, u8 value, u64 now_ns);

/* Calendar arithmetic (proleptic Gregorian, UTC, no leap seconds). */
s64 rtc_date_to_secs(const struct rtc_date *t);
void rtc_secs_to_date(s64 secs, struct rtc_date *t);
/* One time register's value in B's format (BCD unless DM_BINARY). */
u8 rtc_reg_decode(u8 value, u8 reg_b);
/*
 * Raw time registers -> date, in B's format (DM, 24/12). Out-of-range
 * values are clamped into range (seconds to 59, month to 1-12, day to the
 * month's length, ...), so any bytes give a valid date.
 */
void rtc_regs_to_date(u8 sec, u8 min, u8 hour, u8 mday, u8 month, u8 year, u8 century,
		      u8 reg_b, struct rtc_date *t);

#endif
