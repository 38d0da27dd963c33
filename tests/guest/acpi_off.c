/* SPDX-License-Identifier: MIT */
/*
 * acpi_off: the ACPI PM1a blocks that the Linux builder's FADT names.
 * PM1a_STS (ports 0x600-0x601) reads 0: no event is pending until dom0
 * presses the power button (tested by power_button).
 * PM1a_EN (0x602-0x603) keeps the defined enable bits written to it (at
 * either width) and drops the reserved ones. PM1a_CNT (0x604) reads SCI_EN: ACPI mode is on without an SMI
 * handshake. SLP_TYP 5 (the DSDT's _S5) with SLP_EN powers the domain off;
 * a write without SLP_EN or with another sleep type must not. Expected
 * exit: poweroff (the guest prints its PASS line first: nothing of it runs
 * after the power-off write).
 */
#include "guest.h"

GUEST_TEST(acpi_off);

#define PM1A_EVT 0x600
#define PM1A_EN 0x602
#define PM1_EN_BITS 0x4721 /* TMR, GBL, PWRBTN, SLPBTN, RTC, PCIEXP_WAKE_DIS */
#define PM1A_CNT 0x604
#define SCI_EN 0x0001
#define SLP_EN 0x2000
#define SLP_TYP(t) ((uint16_t)(((t) & 7) << 10))

int test_main(uint64_t mem)
{
	(void)mem;
	outw(PM1A_EVT, 0xffff);                  /* clearing status: ignored */
	outw(PM1A_CNT, SLP_TYP(5));              /* no SLP_EN: nothing happens */
	outw(PM1A_CNT, SLP_TYP(3) | SLP_EN);     /* S3: not supported, ignored */
	outb(PM1A_CNT + 1, (SLP_TYP(5) | SLP_EN) >> 8 & 0x1f); /* high byte, no SLP_EN */
	guest_check(inl(PM1A_EVT) == 0, "PM1a_EVT reads %#x", inl(PM1A_EVT));
	outw(PM1A_EN, 0x0420);                   /* GBL_EN | RTC_EN, as ACPICA sets them */
	guest_check(inw(PM1A_EN) == 0x0420, "PM1a_EN reads %#x after 0x0420", inw(PM1A_EN));
	outb(PM1A_EN + 1, 0xff);                 /* high byte alone; reserved bits dropped */
	guest_check(inw(PM1A_EN) == ((0xff00 & PM1_EN_BITS) | 0x20),
		    "PM1a_EN reads %#x after 0xff to its high byte", inw(PM1A_EN));
	guest_check(inw(PM1A_EVT) == 0, "PM1a_STS reads %#x with events enabled",
		    inw(PM1A_EVT));
	outw(PM1A_EN, 0);
	guest_check(inw(PM1A_EN) == 0, "PM1a_EN reads %#x after 0", inw(PM1A_EN));
	guest_check(inw(PM1A_CNT) == SCI_EN, "PM1a_CNT reads %#x", inw(PM1A_CNT));
	if (guest_failures())
		return 0;
	guest_printf("TESS-GUEST: PASS acpi_off");
	outw(PM1A_CNT, SLP_TYP(5) | SLP_EN | SCI_EN);
	guest_fail("still running after the S5 write");
}
