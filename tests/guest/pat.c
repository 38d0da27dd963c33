/* SPDX-License-Identifier: MIT */
/*
 * pat: IA32_PAT (0x277) reads its power-on value, keeps what is written,
 * and a value naming a reserved memory type (2, 3, or above 7) raises
 * #GP(0) and leaves the register as it was (Intel SDM vol. 3 11.12.2).
 */
#include "guest.h"

GUEST_TEST(pat);

#define MSR_PAT 0x277u
#define PAT_POWER_ON 0x0007040600070406ull
#define PAT_LINUX 0x0007010600070106ull /* WB, WC, UC-, UC, as Linux sets it */
#define INSN_LEN_WRMSR 2
#define VEC_GP 13

static void expect_gp_on_write(uint64_t value)
{
	trap_expect(INSN_LEN_WRMSR);
	wrmsr(MSR_PAT, value);
	guest_check(trap_taken() == VEC_GP, "writing PAT %#lx did not raise #GP",
		    (unsigned long)value);
	guest_check(rdmsr(MSR_PAT) == PAT_LINUX, "a refused write changed PAT to %#lx",
		    (unsigned long)rdmsr(MSR_PAT));
}

int test_main(uint64_t mem)
{
	(void)mem;
	guest_traps_init();
	guest_check(rdmsr(MSR_PAT) == PAT_POWER_ON, "PAT reads %#lx, expected %#llx",
		    (unsigned long)rdmsr(MSR_PAT), PAT_POWER_ON);
	wrmsr(MSR_PAT, PAT_LINUX);
	guest_check(rdmsr(MSR_PAT) == PAT_LINUX, "PAT reads %#lx after writing %#llx",
		    (unsigned long)rdmsr(MSR_PAT), PAT_LINUX);
	expect_gp_on_write(PAT_LINUX | 2ull << 8);  /* entry 1: reserved type 2 */
	expect_gp_on_write(PAT_LINUX | 8ull << 56); /* entry 7: above 7 */
	return 0;
}
