/* SPDX-License-Identifier: MIT */
/*
 * pvpanic: the port 0x505 that the Linux builder's DSDT names as device
 * QEMU0001. A read returns the events the hypervisor takes: PANICKED (bit
 * 0) only, not CRASH_LOADED (bit 1). Writes without bit 0 (nothing, bit 1,
 * all other bits) change nothing; writing bit 0 ends the domain as crashed
 * by the guest. Expected exit: crashed:guest (tess-run needs no PASS line
 * for it; reaching the line after the write is FAIL).
 */
#include "guest.h"

GUEST_TEST(pvpanic);

#define PVPANIC_PORT 0x505
#define PVPANIC_PANICKED 0x01
#define PVPANIC_CRASH_LOADED 0x02

int test_main(uint64_t mem)
{
	uint8_t cap = inb(PVPANIC_PORT);

	(void)mem;
	guest_check(cap == PVPANIC_PANICKED, "capability %#x, expected %#x (PANICKED only)",
		    cap, PVPANIC_PANICKED);
	outb(PVPANIC_PORT, 0);
	outb(PVPANIC_PORT, PVPANIC_CRASH_LOADED);
	outb(PVPANIC_PORT, (uint8_t)~PVPANIC_PANICKED);
	outw(PVPANIC_PORT - 1, 0x0001);  /* bit 0 lands on 0x504, not on the pvpanic port */
	guest_check(inb(PVPANIC_PORT) == cap, "capability changed to %#x after writes",
		    inb(PVPANIC_PORT));
	if (guest_failures())
		guest_fail("%u checks failed; not panicking", guest_failures());
	guest_printf("pvpanic: capability %#x; writes without bit 0 ignored; writing "
		     "PANICKED", cap);
	outb(PVPANIC_PORT, PVPANIC_PANICKED);
	guest_fail("still running after the pvpanic PANICKED write");
}
