/* SPDX-License-Identifier: MIT */
/*
 * bad_gpa: a read of 0xC0000000, mapped by the guest's page tables but not
 * backed by the hypervisor. Expected: the domain is crashed
 * (TESS_CRASH_BAD_GPA, gpa 0xc0000000); reaching the next line is FAIL.
 */
#include "guest.h"

GUEST_TEST(bad_gpa);

#define BAD_GPA 0xc0000000ull

int test_main(uint64_t mem)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)BAD_GPA;
	uint64_t v;

	if (mem > BAD_GPA)
		guest_fail("RAM (%#lx bytes) covers %#llx: nothing to test",
			   (unsigned long)mem, BAD_GPA);
	guest_printf("bad_gpa: reading %#llx (RAM ends at %#lx)", BAD_GPA, (unsigned long)mem);
	v = *p;
	guest_fail("read returned %#lx", (unsigned long)v);
}
