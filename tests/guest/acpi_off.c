/* SPDX-License-Identifier: MIT */
/*
 * acpi_off: the hardware-reduced ACPI sleep control register that the
 * Linux builder's FADT names (I/O port 0x604): SLP_TYP 5 (the DSDT's _S5)
 * with SLP_EN powers the domain off. A write without SLP_EN or with
 * another sleep type must not. Expected exit: poweroff (the guest prints
 * its PASS line first: nothing of it runs after the power-off write).
 */
#include "guest.h"

GUEST_TEST(acpi_off);

#define SLEEP_CONTROL 0x604
#define SLEEP_STATUS 0x605
#define SLP_EN 0x20
#define SLP_TYP(t) ((uint8_t)(((t) & 7) << 2))

int test_main(uint64_t mem)
{
	(void)mem;
	outb(SLEEP_CONTROL, SLP_TYP(5));          /* no SLP_EN: nothing happens */
	outb(SLEEP_CONTROL, SLP_TYP(3) | SLP_EN); /* S3: not supported, ignored */
	guest_check(inb(SLEEP_STATUS) == 0, "sleep status reads %#x", inb(SLEEP_STATUS));
	if (guest_failures())
		return 0;
	guest_printf("TESS-GUEST: PASS acpi_off");
	outb(SLEEP_CONTROL, SLP_TYP(5) | SLP_EN);
	guest_fail("still running after the S5 write");
}
