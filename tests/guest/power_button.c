/* SPDX-License-Identifier: MIT */
/*
 * power_button: the ACPI fixed power button (ACPI 6.5 4.8.2.2.1) that dom0
 * presses, seen through PM1a_STS/PM1a_EN (4.8.3.1) and the SCI on IRQ 9 of
 * the 8259 pair, which Linux makes level-triggered in the ELCR. Run with
 * `tess-run --power-button-after 1000,3000`: two presses.
 *  1. PWRBTN_EN set, the vCPU halted with no interrupt due: the first press
 *     wakes it with the SCI; PWRBTN_STS is set; writing 1 clears it, the
 *     line goes down and no second interrupt follows.
 *  2. PWRBTN_EN clear: the second press sets PWRBTN_STS and raises nothing;
 *     setting PWRBTN_EN then raises the held event at once.
 * Expected exit: poweroff.
 */
#include "guest.h"
#include "x2apic.h"

GUEST_TEST(power_button);

#define PM1A_STS 0x600
#define PM1A_EN 0x602
#define PM1A_CNT 0x604
#define PWRBTN 0x0100              /* PWRBTN_STS, PWRBTN_EN */
#define SCI_EN 0x0001
#define PIC_VECTOR_BASE 0x30
#define SCI_IRQ 9
#define SCI_VECTOR (PIC_VECTOR_BASE + SCI_IRQ)
#define LINT0_EXTINT (7u << 8)
/* The presses come 1 s and 3 s in; these bound the waits (TSC ticks). */
#define PRESS_WAIT_TICKS 200000000000ull
#define POLL_TICKS 20000000ull

static volatile unsigned int scis;
static volatile uint16_t sts_seen, sts_after_clear;
static volatile uint8_t irr_after_clear;

/* The slave PIC's IRR (OCW3 read IRR, then the command port). */
static uint8_t slave_irr(void)
{
	outb(0xa0, 0x0a);
	return inb(0xa0);
}

/* What Linux's SCI handler does for this event: read, clear by writing 1. */
static void sci_handler(unsigned int vec)
{
	(void)vec;
	sts_seen = inw(PM1A_STS);
	outw(PM1A_STS, sts_seen & PWRBTN);
	sts_after_clear = inw(PM1A_STS);
	irr_after_clear = slave_irr();
	scis++;
	outb(0xa0, 0x60 | (SCI_IRQ & 7));  /* specific EOI: slave IRQ 1 */
	outb(0x20, 0x62);                  /* specific EOI: master IRQ 2, the cascade */
}

/* Linux's init_8259A() set-up, IRQ 9 level-triggered and the only one open. */
static void pic_init(void)
{
	outb(0x20, 0x11); outb(0x21, PIC_VECTOR_BASE); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, PIC_VECTOR_BASE + 8); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x4d1, 1u << (SCI_IRQ - 8));  /* ELCR: IRQ 9 level */
	outb(0x21, 0xfb);                  /* master: the cascade only */
	outb(0xa1, (uint8_t)~(1u << (SCI_IRQ - 8)));
}

static void platform_init(void)
{
	guest_traps_init();
	irq_set_handler(SCI_VECTOR, sci_handler);
	wrmsr(X2APIC_SVR, APIC_SVR_ENABLE | 0xff);
	wrmsr(X2APIC_LVT_LINT0, LINT0_EXTINT);
	pic_init();
	outw(PM1A_CNT, SCI_EN);            /* OSPM preserves SCI_EN; writing it is harmless */
	guest_check(inw(PM1A_CNT) & SCI_EN, "PM1a_CNT reads %#x: SCI_EN clear", inw(PM1A_CNT));
}

/* HLT with interrupts on until cond() or the TSC bound; true if cond(). */
static int halt_until(int (*cond)(void), uint64_t slice)
{
	uint64_t start = rdtsc();

	while (!cond()) {
		if (rdtsc() - start >= PRESS_WAIT_TICKS)
			return 0;
		wrmsr(MSR_TSC_DEADLINE, rdtsc() + slice);
		asm volatile("sti; hlt; cli" : : : "memory");
	}
	return 1;
}

static int sci_arrived(void)
{
	return scis > 0;
}

static int pwrbtn_pending(void)
{
	return (inw(PM1A_STS) & PWRBTN) != 0;
}

/* The handler saw the press and cleared it, and the line went down. */
static void check_handled(const char *when)
{
	guest_check(sts_seen & PWRBTN, "%s: PM1a_STS read %#x in the SCI handler", when,
		    sts_seen);
	guest_check(sts_after_clear == 0, "%s: PM1a_STS reads %#x after writing 1", when,
		    sts_after_clear);
	guest_check(!(irr_after_clear & 0x02), "%s: IRQ 9 still requested after the clear",
		    when);
	irq_enable();
	spin_ticks(WAIT_QUIET_TICKS);
	irq_disable();
	guest_check(scis == 1, "%s: %u SCIs for one press", when, scis);
}

/* 1: enabled, halted with nothing due; the press must wake us. */
static void press_wakes_halted(void)
{
	uint64_t start;

	outw(PM1A_EN, PWRBTN);
	guest_check(inw(PM1A_EN) == PWRBTN, "PM1a_EN reads %#x", inw(PM1A_EN));
	guest_check(inw(PM1A_STS) == 0, "PM1a_STS reads %#x before any press (pressed too "
		    "early?)", inw(PM1A_STS));
	start = rdtsc();
	/* One long HLT: only the SCI ends it before the deadline. */
	if (!halt_until(sci_arrived, PRESS_WAIT_TICKS)) {
		guest_check_fail("no SCI after the first press");
		return;
	}
	guest_printf("power_button: SCI woke the halted vCPU after %lu TSC ticks",
		     (unsigned long)(rdtsc() - start));
	check_handled("first press");
}

/* 2: disabled; the press is only status, until the event is enabled. */
static void press_while_disabled(void)
{
	scis = 0;
	outw(PM1A_EN, 0);
	if (!halt_until(pwrbtn_pending, POLL_TICKS)) {
		guest_check_fail("PWRBTN_STS never set by the second press");
		return;
	}
	guest_check(scis == 0, "%u SCIs with PWRBTN_EN clear", scis);
	guest_check(!(slave_irr() & 0x02), "IRQ 9 requested with PWRBTN_EN clear");
	outw(PM1A_EN, PWRBTN);
	irq_enable();
	guest_check(wait_count(&scis, 1, WAIT_DELIVER_TICKS),
		    "no SCI when PWRBTN_EN was set with PWRBTN_STS held");
	irq_disable();
	check_handled("second press");
}

int test_main(uint64_t mem)
{
	(void)mem;
	platform_init();
	press_wakes_halted();
	if (!guest_failures())
		press_while_disabled();
	return 0;
}
