/* SPDX-License-Identifier: MIT */
/*
 * x2APIC registers for the test kernels (Intel SDM vol. 3 ch. 10.12: MSR
 * 0x800 + (xAPIC offset >> 4)) and helpers to wait, with a TSC bound, for
 * an interrupt that should (or should not) arrive.
 */
#ifndef TESS_GUEST_X2APIC_H
#define TESS_GUEST_X2APIC_H

#include "guest.h"

#define MSR_APIC_BASE       0x01bu
#define MSR_TSC_DEADLINE    0x6e0u

#define APIC_BASE_BSP       (1ull << 8)
#define APIC_BASE_EXTD      (1ull << 10)
#define APIC_BASE_EN        (1ull << 11)
#define APIC_BASE_ADDR      0xfee00000ull

#define X2APIC_ID           0x802u
#define X2APIC_VERSION      0x803u
#define X2APIC_TPR          0x808u
#define X2APIC_PPR          0x80au
#define X2APIC_EOI          0x80bu
#define X2APIC_LDR          0x80du
#define X2APIC_SVR          0x80fu
#define X2APIC_ISR0         0x810u   /* 0x810-0x817 */
#define X2APIC_TMR0         0x818u   /* 0x818-0x81f */
#define X2APIC_IRR0         0x820u   /* 0x820-0x827 */
#define X2APIC_ESR          0x828u
#define X2APIC_ICR          0x830u
#define X2APIC_LVT_TIMER    0x832u
#define X2APIC_LVT_LINT0    0x835u
#define X2APIC_LVT_LINT1    0x836u
#define X2APIC_LVT_ERROR    0x837u
#define X2APIC_TMICT        0x838u
#define X2APIC_TMCCT        0x839u
#define X2APIC_TDCR         0x83eu
#define X2APIC_SELF_IPI     0x83fu

#define APIC_SVR_ENABLE     (1u << 8)
#define APIC_LVT_MASKED     (1u << 16)
#define APIC_LVT_TSC_DEADLINE (2u << 17)
#define APIC_ICR_SELF       (1u << 18)   /* destination shorthand 01 */

#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static inline void x2apic_eoi(void)
{
	wrmsr(X2APIC_EOI, 0);
}

static inline void x2apic_self_ipi(unsigned int vec)
{
	wrmsr(X2APIC_SELF_IPI, vec);
}

/* Bit vec of the 256-bit ISR/TMR/IRR whose first MSR is base. */
static inline int x2apic_vec_bit(uint32_t base, unsigned int vec)
{
	return (int)(rdmsr(base + vec / 32) >> (vec % 32) & 1);
}

/* The highest vector set in the 256-bit register at base, or -1. */
static inline int x2apic_highest(uint32_t base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = (uint32_t)rdmsr(base + (uint32_t)i);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

/* Spin (PAUSE) for about ticks TSC ticks. */
static inline void spin_ticks(uint64_t ticks)
{
	uint64_t start = rdtsc();

	while (rdtsc() - start < ticks)
		cpu_relax();
}

/* Spin until *count >= want or ticks TSC ticks passed; true if reached. */
static inline int wait_count(volatile unsigned int *count, unsigned int want, uint64_t ticks)
{
	uint64_t start = rdtsc();

	while (*count < want) {
		if (rdtsc() - start >= ticks)
			return 0;
		cpu_relax();
	}
	return 1;
}

/* How long to wait: for an interrupt that must come (a bound, not a
 * delay), and to give one that must not come a fair chance to. */
#define WAIT_DELIVER_TICKS 4000000000ull
#define WAIT_QUIET_TICKS   30000000ull

#endif /* TESS_GUEST_X2APIC_H */
