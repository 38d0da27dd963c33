/* SPDX-License-Identifier: MIT */
/*
 * apic_timer: the x2APIC timer in TSC-deadline mode (SDM vol. 3, 10.5.4.1).
 * With the APIC software-enabled and the LVT timer unmasked (vector 0x40,
 * mode 10), STI; HLT wakes by the timer interrupt: its handler runs once,
 * no earlier than the deadline, sees 0x40 in service (PPR 0x40) and sends
 * EOI; afterwards IA32_TSC_DEADLINE reads 0 and ISR and IRR are empty.
 * Then with the LVT masked a deadline in the past delivers nothing, with
 * interrupts enabled, and leaves nothing pending in IRR.
 */
#include "guest.h"
#include "x2apic.h"

GUEST_TEST(apic_timer);

#define VEC_TIMER 0x40u
/* Far enough ahead that the deadline cannot pass between the WRMSR and the
 * RDMSR that reads it back, although the WRMSR ends the run so that dom0
 * arms a timer for it (TESS_EXIT_TIMER), even under TCG on a busy host. */
#define DELTA 200000000ull

static volatile unsigned int timer_count;
static volatile uint64_t timer_tsc, timer_ppr;
static volatile int timer_in_isr, timer_in_irr;

static void timer_handler(unsigned int vec)
{
	if (!timer_count) {
		timer_tsc = rdtsc();
		timer_in_isr = x2apic_vec_bit(X2APIC_ISR0, vec);
		timer_in_irr = x2apic_vec_bit(X2APIC_IRR0, vec);
		timer_ppr = rdmsr(X2APIC_PPR);
	}
	timer_count++;
	x2apic_eoi();
}

static void check_apic_idle(const char *when)
{
	int isr = x2apic_highest(X2APIC_ISR0), irr = x2apic_highest(X2APIC_IRR0);

	guest_check(isr < 0, "%s: vector %d still in service (ISR)", when, isr);
	guest_check(irr < 0, "%s: vector %d pending (IRR)", when, irr);
}

int test_main(uint64_t mem)
{
	uint32_t lvt = VEC_TIMER | APIC_LVT_TSC_DEADLINE;
	uint64_t deadline, rb, now;
	unsigned int halts = 0, count;

	(void)mem;
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE))
		guest_fail("CPUID.1:ECX has no TSC-deadline (bit 24)");
	guest_traps_init();
	irq_set_handler(VEC_TIMER, timer_handler);

	irq_disable();
	wrmsr(X2APIC_SVR, 0x1ff);
	wrmsr(X2APIC_LVT_TIMER, lvt);
	rb = rdmsr(X2APIC_LVT_TIMER);
	guest_check(rb == lvt, "LVT timer reads %#lx, wrote %#x", (unsigned long)rb, lvt);

	/* 1. Deadline mode, unmasked: one interrupt at the deadline. */
	deadline = rdtsc() + DELTA;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	rb = rdmsr(MSR_TSC_DEADLINE);
	guest_check(rb == deadline, "armed IA32_TSC_DEADLINE reads %#lx, wrote %#lx",
		    (unsigned long)rb, (unsigned long)deadline);
	/* HLT again only if it woke early: once the deadline passed, the
	 * interrupt is due and another HLT might never end. */
	while (!timer_count && halts < 5 && rdtsc() < deadline) {
		halts++;
		asm volatile("sti\n\thlt\n\tcli" : : : "memory");
	}
	now = rdtsc();
	if (!timer_count) {
		irq_enable();
		if (!wait_count(&timer_count, 1, WAIT_DELIVER_TICKS))
			guest_check_fail("no timer interrupt: %u HLTs, woke at deadline + %ld, "
					 "IRR 0x40 bit %d",
					 halts, (long)(now - deadline),
					 x2apic_vec_bit(X2APIC_IRR0, VEC_TIMER));
		irq_disable();
	}
	/* A second interrupt would be a bug; give it a chance. */
	irq_enable();
	spin_ticks(WAIT_QUIET_TICKS);
	irq_disable();
	count = timer_count;
	guest_printf("apic_timer: deadline %#lx, %u HLT(s), handler ran %u time(s), "
		     "first at deadline + %ld",
		     (unsigned long)deadline, halts, count, (long)(timer_tsc - deadline));
	guest_check(count == 1, "timer handler ran %u times, expected once", count);
	if (count) {
		guest_check(timer_tsc >= deadline, "timer interrupt %lu TSC ticks before the deadline",
			    (unsigned long)(deadline - timer_tsc));
		guest_check(timer_in_isr, "in the handler 0x40 was not in service (ISR)");
		guest_check(!timer_in_irr, "in the handler 0x40 was still pending (IRR)");
		guest_check(timer_ppr == VEC_TIMER, "in the handler PPR read %#lx, expected 0x40",
			    (unsigned long)timer_ppr);
	}
	rb = rdmsr(MSR_TSC_DEADLINE);
	guest_check(rb == 0, "after the interrupt IA32_TSC_DEADLINE reads %#lx, expected 0",
		    (unsigned long)rb);
	check_apic_idle("after EOI");

	/* 2. Masked: a passed deadline delivers nothing. */
	wrmsr(X2APIC_LVT_TIMER, lvt | APIC_LVT_MASKED);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() - 1000);
	irq_enable();
	spin_ticks(WAIT_QUIET_TICKS);
	irq_disable();
	count = timer_count;
	guest_printf("apic_timer: masked, deadline passed: handler count %u", count);
	guest_check(count == 1, "masked LVT timer: handler count went to %u", count);
	check_apic_idle("masked LVT timer, deadline passed");
	wrmsr(MSR_TSC_DEADLINE, 0);
	return 0;
}
