/* SPDX-License-Identifier: MIT */
/*
 * apic_ipi: self-IPIs through the x2APIC and the rules for delivering them
 * (SDM vol. 3, 10.8): with the APIC software-enabled and IF = 1,
 *   - SELF_IPI (0x83f) vector 0x41, ICR fixed to the own APIC ID vector
 *     0x42 and ICR with shorthand self vector 0x43 each run their handler
 *     once;
 *   - with TPR 0x50, vector 0x45 (class 4) stays pending in IRR, PPR reads
 *     0x50; TPR 0 delivers it;
 *   - with IF = 0 vector 0x46 stays pending until STI, and is delivered
 *     only after the instruction following STI (the STI shadow);
 *   - in the handler of 0x60 (PPR 0x60), with IF = 1, a self-IPI 0x50
 *     waits while a self-IPI 0x70 nests at once; 0x50 comes after the
 *     EOI of 0x60: events 0x60, 0x70, EOI 0x70, EOI 0x60, 0x50, EOI 0x50.
 * Every handler sends EOI; at the end ISR and IRR are empty.
 */
#include "guest.h"
#include "x2apic.h"

GUEST_TEST(apic_ipi);

#define EV_EOI 0x100u  /* event: the handler of (event & 0xff) sends EOI */
#define MAX_EVENTS 16

static volatile unsigned int hits[256];
static volatile unsigned int events[MAX_EVENTS], nr_events;
static volatile unsigned int shadow_done, shadow_seen;
/* What the handler of 0x60 saw. */
static volatile int h60_isr;
static volatile uint64_t h60_ppr;
static volatile unsigned int h60_low_early, h60_low_irr, h60_high_nested;

static void event(unsigned int e)
{
	if (nr_events < MAX_EVENTS)
		events[nr_events] = e;
	nr_events++;
}

static void handler(unsigned int vec)
{
	hits[vec]++;
	event(vec);
	switch (vec) {
	case 0x46:
		shadow_seen = shadow_done;
		break;
	case 0x60:
		h60_isr = x2apic_vec_bit(X2APIC_ISR0, 0x60);
		h60_ppr = rdmsr(X2APIC_PPR);
		x2apic_self_ipi(0x50);
		irq_enable();
		spin_ticks(WAIT_QUIET_TICKS);
		h60_low_early = hits[0x50];
		h60_low_irr = (unsigned int)x2apic_vec_bit(X2APIC_IRR0, 0x50);
		x2apic_self_ipi(0x70);
		h60_high_nested = (unsigned int)wait_count(&hits[0x70], 1, WAIT_DELIVER_TICKS);
		irq_disable();
		break;
	}
	event(vec | EV_EOI);
	x2apic_eoi();
}

static const unsigned int vectors[] = { 0x41, 0x42, 0x43, 0x45, 0x46, 0x50, 0x60, 0x70 };

/* Deliverable now (IF = 1 around the send): the handler of vec runs. */
static void expect_delivered(const char *how, unsigned int vec)
{
	unsigned int ok = wait_count(&hits[vec], 1, WAIT_DELIVER_TICKS);

	guest_printf("apic_ipi: %s vector %#x: %s", how, vec, ok ? "delivered" : "NOT delivered");
	guest_check(ok, "%s vector %#x: handler did not run (IRR bit %d, ISR bit %d)", how, vec,
		    x2apic_vec_bit(X2APIC_IRR0, vec), x2apic_vec_bit(X2APIC_ISR0, vec));
}

/* Held back: after a while still not delivered, and pending in IRR. */
static void expect_held(const char *why, unsigned int vec)
{
	spin_ticks(WAIT_QUIET_TICKS);
	guest_check(hits[vec] == 0, "%s: vector %#x was delivered", why, vec);
	guest_check(x2apic_vec_bit(X2APIC_IRR0, vec), "%s: vector %#x not pending in IRR", why,
		    vec);
}

int test_main(uint64_t mem)
{
	static const unsigned int want_events[] = {
		0x60, 0x70, 0x70 | EV_EOI, 0x60 | EV_EOI, 0x50, 0x50 | EV_EOI,
	};
	unsigned int n, i;
	uint64_t v;
	int r;

	(void)mem;
	guest_traps_init();
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		irq_set_handler(vectors[i], handler);
	irq_disable();
	wrmsr(X2APIC_SVR, 0x1ff);
	wrmsr(X2APIC_TPR, 0);

	/* 1. Self-IPIs with IF = 1. */
	irq_enable();
	x2apic_self_ipi(0x41);
	expect_delivered("SELF_IPI", 0x41);
	wrmsr(X2APIC_ICR, (0ull << 32) | 0x42);  /* fixed, physical, destination 0 */
	expect_delivered("ICR fixed to APIC ID 0", 0x42);
	wrmsr(X2APIC_ICR, APIC_ICR_SELF | 0x43);
	expect_delivered("ICR shorthand self", 0x43);
	irq_disable();

	/* 2. TPR 0x50 holds back class 4; TPR 0 lets it through. */
	wrmsr(X2APIC_TPR, 0x50);
	x2apic_self_ipi(0x45);
	irq_enable();
	expect_held("TPR 0x50", 0x45);
	v = rdmsr(X2APIC_PPR);
	guest_check(v == 0x50, "TPR 0x50, ISR empty: PPR reads %#lx", (unsigned long)v);
	wrmsr(X2APIC_TPR, 0);
	expect_delivered("after TPR 0", 0x45);
	irq_disable();

	/* 3. IF = 0 holds it until STI, and the STI shadow still one insn. */
	x2apic_self_ipi(0x46);
	expect_held("IF = 0", 0x46);
	asm volatile("sti\n\tmovl $1, %0" : "=m"(shadow_done) : : "memory");
	expect_delivered("after STI", 0x46);
	irq_disable();
	guest_check(!hits[0x46] || shadow_seen == 1,
		    "vector 0x46 was delivered in the STI shadow");

	/* 4. Priorities: 0x50 waits for the EOI of 0x60, 0x70 nests in it. */
	nr_events = 0;
	x2apic_self_ipi(0x60);
	irq_enable();
	expect_delivered("after the EOI of 0x60", 0x50);
	irq_disable();
	guest_check(h60_isr, "in the 0x60 handler 0x60 was not in service (ISR)");
	guest_check(h60_ppr == 0x60, "in the 0x60 handler PPR read %#lx, expected 0x60",
		    (unsigned long)h60_ppr);
	guest_check(!h60_low_early, "vector 0x50 was delivered while 0x60 was in service");
	guest_check(h60_low_irr, "in the 0x60 handler vector 0x50 was not pending in IRR");
	guest_check(h60_high_nested, "vector 0x70 did not nest in the 0x60 handler");
	n = nr_events;
	{
		char buf[MAX_EVENTS * 10 + 1];
		size_t len = 0;

		buf[0] = 0;
		for (i = 0; i < n && i < MAX_EVENTS && len < sizeof(buf); i++)
			len += (size_t)guest_snprintf(buf + len, sizeof(buf) - len, " %s%#x",
						      events[i] & EV_EOI ? "EOI:" : "",
						      events[i] & 0xff);
		guest_printf("apic_ipi: events:%s", n ? buf : " none");
	}
	r = n == sizeof(want_events) / sizeof(want_events[0]);
	for (i = 0; r && i < n; i++)
		r = events[i] == want_events[i];
	guest_check(r, "event order wrong: expected 0x60 0x70 EOI:0x70 EOI:0x60 0x50 EOI:0x50");

	/* 5. Nothing delivered twice, nothing left over. */
	irq_enable();
	spin_ticks(WAIT_QUIET_TICKS);
	irq_disable();
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		guest_check(hits[vectors[i]] == 1, "vector %#x: handler ran %u times, expected once",
			    vectors[i], hits[vectors[i]]);
	r = x2apic_highest(X2APIC_ISR0);
	guest_check(r < 0, "at the end vector %d is in service (ISR)", r);
	r = x2apic_highest(X2APIC_IRR0);
	guest_check(r < 0, "at the end vector %d is pending (IRR)", r);
	v = rdmsr(X2APIC_PPR);
	guest_check(v == 0, "at the end PPR reads %#lx", (unsigned long)v);
	return 0;
}
