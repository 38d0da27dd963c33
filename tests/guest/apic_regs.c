/* SPDX-License-Identifier: MIT */
/*
 * apic_regs: the child's virtual local APIC is in x2APIC mode from the
 * start and its registers read and write as the SDM says (vol. 3, 10.12):
 * CPUID.1:ECX x2APIC and TSC-deadline, IA32_APIC_BASE = 0xfee00000 | EN |
 * EXTD | BSP, ID 0, version 0x14 with max LVT 5, the reset SVR (0xff) and
 * LVTs (masked), SVR and TPR read back what was written, PPR follows TPR,
 * LDR 1 (cluster 0, bit 0), ESR 0; RDMSR of an MSR in the x2APIC range
 * that is no register and WRMSR of a read-only one raise #GP(0).
 */
#include "guest.h"
#include "x2apic.h"

GUEST_TEST(apic_regs);

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
		guest_printf("apic_regs: %s %#x: #GP(0)", what, msr);
}

static void check_rd_gp(uint32_t msr)
{
	trap_expect(INSN_LEN_MSR);
	(void)rdmsr(msr);
	expect_gp("rdmsr", msr);
}

static void check_wr_gp(uint32_t msr, uint64_t val)
{
	trap_expect(INSN_LEN_MSR);
	wrmsr(msr, val);
	expect_gp("wrmsr", msr);
}

/* RDMSR msr, failing the check (not the test) if it faults. */
static uint64_t rd(uint32_t msr)
{
	uint64_t v;
	int vec;

	trap_expect(INSN_LEN_MSR);
	v = rdmsr(msr);
	vec = trap_taken();
	if (vec >= 0) {
		guest_check_fail("rdmsr %#x raised vector %d", msr, vec);
		return ~0ull;
	}
	return v;
}

static void wr(uint32_t msr, uint64_t val)
{
	int vec;

	trap_expect(INSN_LEN_MSR);
	wrmsr(msr, val);
	vec = trap_taken();
	guest_check(vec < 0, "wrmsr %#x <- %#lx raised vector %d", msr, (unsigned long)val, vec);
}

#define EXPECT_EQ(msr, got, want) \
	guest_check((got) == (want), "MSR %#x reads %#lx, expected %#lx", (msr), \
		    (unsigned long)(got), (unsigned long)(want))

int test_main(uint64_t mem)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint64_t v;

	(void)mem;
	guest_traps_init();

	guest_check(r.ecx & CPUID1_ECX_X2APIC, "CPUID.1:ECX %#x: no x2APIC (bit 21)", r.ecx);
	guest_check(r.ecx & CPUID1_ECX_TSC_DEADLINE, "CPUID.1:ECX %#x: no TSC-deadline (bit 24)",
		    r.ecx);

	v = rd(MSR_APIC_BASE);
	guest_printf("apic_regs: IA32_APIC_BASE %#lx", (unsigned long)v);
	EXPECT_EQ(MSR_APIC_BASE, v, APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP);

	EXPECT_EQ(X2APIC_ID, rd(X2APIC_ID), 0);

	v = rd(X2APIC_VERSION);
	guest_printf("apic_regs: version %#lx", (unsigned long)v);
	guest_check((v & 0xff) == 0x14, "version %#lx: low byte not 0x14", (unsigned long)v);
	guest_check((v >> 16 & 0xff) == 5, "version %#lx: max LVT entry %lu, expected 5",
		    (unsigned long)v, (unsigned long)(v >> 16 & 0xff));

	/* Reset values (SDM 10.4.7.1): SVR 0xff, every LVT masked. */
	EXPECT_EQ(X2APIC_SVR, rd(X2APIC_SVR), 0xff);
	v = rd(X2APIC_LVT_TIMER);
	guest_check(v & APIC_LVT_MASKED, "LVT timer %#lx at reset: not masked", (unsigned long)v);
	v = rd(X2APIC_LVT_LINT0);
	guest_check(v & APIC_LVT_MASKED, "LVT LINT0 %#lx at reset: not masked", (unsigned long)v);
	v = rd(X2APIC_LVT_LINT1);
	guest_check(v & APIC_LVT_MASKED, "LVT LINT1 %#lx at reset: not masked", (unsigned long)v);
	v = rd(X2APIC_LVT_ERROR);
	guest_check(v & APIC_LVT_MASKED, "LVT error %#lx at reset: not masked", (unsigned long)v);

	wr(X2APIC_SVR, 0x1ff);
	EXPECT_EQ(X2APIC_SVR, rd(X2APIC_SVR), 0x1ff);

	EXPECT_EQ(X2APIC_TPR, rd(X2APIC_TPR), 0);
	wr(X2APIC_TPR, 0x20);
	EXPECT_EQ(X2APIC_TPR, rd(X2APIC_TPR), 0x20);
	EXPECT_EQ(X2APIC_PPR, rd(X2APIC_PPR), 0x20);  /* ISR empty: PPR = TPR */
	wr(X2APIC_TPR, 0);
	EXPECT_EQ(X2APIC_TPR, rd(X2APIC_TPR), 0);
	EXPECT_EQ(X2APIC_PPR, rd(X2APIC_PPR), 0);

	EXPECT_EQ(X2APIC_LDR, rd(X2APIC_LDR), 1);

	wr(X2APIC_ESR, 0);
	EXPECT_EQ(X2APIC_ESR, rd(X2APIC_ESR), 0);

	guest_check(x2apic_highest(X2APIC_ISR0) < 0, "ISR not empty: vector %d",
		    x2apic_highest(X2APIC_ISR0));
	guest_check(x2apic_highest(X2APIC_IRR0) < 0, "IRR not empty: vector %d",
		    x2apic_highest(X2APIC_IRR0));

	/* No register at 0x801; 0x831 (ICR high) is no x2APIC register. */
	check_rd_gp(0x801);
	check_rd_gp(0x831);
	/* Read-only registers. */
	check_wr_gp(X2APIC_ID, 0);
	check_wr_gp(X2APIC_PPR, 0);
	check_wr_gp(X2APIC_LDR, 1);
	check_wr_gp(X2APIC_IRR0, 0);
	/* EOI takes only 0 in x2APIC mode. */
	check_wr_gp(X2APIC_EOI, 1);

	/* The reads above are unchanged by the refused writes. */
	EXPECT_EQ(X2APIC_ID, rd(X2APIC_ID), 0);
	EXPECT_EQ(X2APIC_LDR, rd(X2APIC_LDR), 1);
	return 0;
}
