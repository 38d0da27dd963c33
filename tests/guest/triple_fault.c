/* SPDX-License-Identifier: MIT */
/*
 * triple_fault: with an empty IDT (limit 0) INT3 cannot be delivered, nor
 * the #GP nor the #DF that follow: a triple fault. Expected: the domain is
 * crashed (TESS_CRASH_TRIPLE_FAULT); reaching the next line is FAIL.
 */
#include "guest.h"

GUEST_TEST(triple_fault);

int test_main(uint64_t mem)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) null_idt = { 0, 0 };

	(void)mem;
	guest_printf("triple_fault: lidt limit 0, then int3");
	asm volatile("lidt %0\n\tint3" : : "m"(null_idt) : "memory");
	guest_fail("int3 with a null IDT returned");
}
