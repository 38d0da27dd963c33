/* SPDX-License-Identifier: MIT */
/*
 * msr_gp: RDMSR and WRMSR of an MSR the hypervisor does not emulate raise
 * #GP(0) in the guest, as on hardware, and the guest goes on.
 */
#include "guest.h"

GUEST_TEST(msr_gp);

#define MSR_UNKNOWN_RD 0xc0de0000u
#define MSR_UNKNOWN_WR 0xc0de0001u
#define INSN_LEN_MSR 2  /* 0f 32 rdmsr, 0f 30 wrmsr */
#define VEC_GP 13

static void expect_gp(const char *what, uint32_t msr)
{
	int vec = trap_taken();

	if (vec < 0)
		guest_check_fail("%s %#x did not fault", what, msr);
	else if (vec != VEC_GP || trap_error_code != 0)
		guest_check_fail("%s %#x raised vector %d error code %#lx, expected #GP(0)",
				 what, msr, vec, (unsigned long)trap_error_code);
	else
		guest_printf("msr_gp: %s %#x: #GP(0) at rip %#lx", what, msr,
			     (unsigned long)trap_rip);
}

int test_main(uint64_t mem)
{
	(void)mem;
	guest_traps_init();

	trap_expect(INSN_LEN_MSR);
	(void)rdmsr(MSR_UNKNOWN_RD);
	expect_gp("rdmsr", MSR_UNKNOWN_RD);

	trap_expect(INSN_LEN_MSR);
	wrmsr(MSR_UNKNOWN_WR, 0x1234);
	expect_gp("wrmsr", MSR_UNKNOWN_WR);
	return 0;
}
