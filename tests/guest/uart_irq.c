/* SPDX-License-Identifier: MIT */
/*
 * uart_irq: COM1's interrupt reaches the CPU the way it does on a PC
 * without an I/O APIC (virtual-wire mode, MP spec 1.4 3.6.2.2): UART IRQ 4
 * -> 8259 master -> LINT0 in ExtINT mode -> the vector the PIC hands out.
 * Checks: a THR-empty interrupt arrives on vector 0x34 (PIC base 0x30) and
 * IIR names it; nothing arrives while IRQ 4 is masked in the PIC, while
 * OUT2 is clear, or while LINT0 is masked; EOI to the PIC allows the next.
 */
#include "guest.h"
#include "x2apic.h"

GUEST_TEST(uart_irq);

#define COM1 0x3f8
#define PIC_VECTOR_BASE 0x30
#define COM1_VECTOR (PIC_VECTOR_BASE + 4)
#define LINT0_EXTINT (7u << 8)

static volatile unsigned int irqs;
static volatile uint8_t last_iir;

static void com1_handler(unsigned int vec)
{
	(void)vec;
	last_iir = inb(COM1 + 2);  /* reading IIR clears a THR-empty report */
	irqs++;
	outb(0x20, 0x20);          /* non-specific EOI to the master PIC */
}

/* The initialisation Linux's init_8259A() performs, vector bases 0x30/0x38. */
static void pic_init(void)
{
	outb(0x20, 0x11); outb(0x21, PIC_VECTOR_BASE); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, PIC_VECTOR_BASE + 8); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xfb);          /* all masked but the cascade */
	outb(0xa1, 0xff);
}

/* Let pending interrupts in for a while; returns how many arrived. */
static unsigned int window(void)
{
	unsigned int before = irqs;

	irq_enable();
	for (int i = 0; i < 2000; i++)
		cpu_relax();
	irq_disable();
	return irqs - before;
}

/* Re-arm THR empty: the UART raises it when IER's THRI goes 0 -> 1. */
static void arm_thre(void)
{
	outb(COM1 + 1, 0x00);
	outb(COM1 + 1, 0x02);
}

int test_main(uint64_t mem)
{
	(void)mem;
	guest_traps_init();
	irq_set_handler(COM1_VECTOR, com1_handler);
	wrmsr(X2APIC_SVR, APIC_SVR_ENABLE | 0xff);
	wrmsr(X2APIC_LVT_LINT0, LINT0_EXTINT);
	pic_init();
	outb(COM1 + 3, 0x03);      /* 8N1 */
	outb(COM1 + 4, 0x08);      /* OUT2: the IRQ line reaches the PIC */

	arm_thre();
	guest_check(window() == 0, "interrupt with IRQ 4 masked in the PIC");
	outb(0x21, 0xeb);          /* unmask IRQ 4 */
	guest_check(window() == 1, "no THR-empty interrupt on vector 0x%x", COM1_VECTOR);
	guest_check((last_iir & 0x0f) == 0x02, "IIR 0x%x does not report THR empty", last_iir);
	arm_thre();
	guest_check(window() == 1, "no second interrupt after EOI");

	outb(COM1 + 4, 0x00);      /* OUT2 clear: the line never reaches the PIC */
	arm_thre();
	guest_check(window() == 0, "interrupt with OUT2 clear");
	outb(COM1 + 4, 0x08);
	wrmsr(X2APIC_LVT_LINT0, LINT0_EXTINT | APIC_LVT_MASKED);
	arm_thre();
	guest_check(window() == 0, "interrupt with LINT0 masked");
	wrmsr(X2APIC_LVT_LINT0, LINT0_EXTINT);
	guest_check(window() == 1, "the held interrupt did not arrive after unmasking LINT0");
	return 0;
}
