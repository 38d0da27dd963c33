/* SPDX-License-Identifier: MIT */
/*
 * kbd_reset: writing 0xfe (pulse reset) to the keyboard controller's
 * command port 0x64 is how PCs reboot. Expected: the domain ends with
 * TESS_SHUTDOWN_REBOOT (tess-run --expect reboot, which needs no PASS
 * line); reaching the next line is FAIL.
 */
#include "guest.h"

GUEST_TEST(kbd_reset);

int test_main(uint64_t mem)
{
	(void)mem;
	guest_printf("kbd_reset: outb 0xfe to port 0x64");
	asm volatile("outb %0, %1" : : "a"((uint8_t)0xfe), "Nd"((uint16_t)0x64) : "memory");
	guest_fail("execution went on after the keyboard controller reset");
}
