/* SPDX-License-Identifier: MIT */
/*
 * hlt_timer: the TSC deadline timer wakes a halted vCPU: write
 * IA32_TSC_DEADLINE, HLT (interrupts off), and execution continues after
 * the HLT no earlier than the deadline; the MSR reads back the deadline.
 */
#include "guest.h"

GUEST_TEST(hlt_timer);

#define MSR_TSC_DEADLINE 0x6e0u
#define DELTA 20000000ull

int test_main(uint64_t mem)
{
	uint64_t start, deadline, now, rb;

	(void)mem;
	guest_printf("hlt_timer: IA32_TSC_DEADLINE reads %#lx at start",
		     (unsigned long)rdmsr(MSR_TSC_DEADLINE));
	start = rdtsc();
	deadline = start + DELTA;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	rb = rdmsr(MSR_TSC_DEADLINE);
	guest_check(rb == deadline, "before HLT IA32_TSC_DEADLINE reads %#lx, expected %#lx",
		    (unsigned long)rb, (unsigned long)deadline);
	hlt();
	now = rdtsc();
	guest_printf("hlt_timer: HLT at tsc %#lx, deadline %#lx, resumed at %#lx (%lu after start)",
		     (unsigned long)start, (unsigned long)deadline, (unsigned long)now,
		     (unsigned long)(now - start));
	guest_check(now >= deadline, "resumed %lu TSC ticks before the deadline",
		    (unsigned long)(deadline - now));
	rb = rdmsr(MSR_TSC_DEADLINE);
	guest_check(rb == deadline, "after HLT IA32_TSC_DEADLINE reads %#lx, expected %#lx",
		    (unsigned long)rb, (unsigned long)deadline);
	return 0;
}
