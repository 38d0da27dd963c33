/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts for test kernels: the kernel's own GDT and an
 * IDT. Vectors 0-31: an armed handler records the vector and resumes after
 * the faulting instruction; anything else fails the test. Vectors 32-255:
 * the handler irq_set_handler registered, or FAIL.
 */
#include "guest.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;  /* pushed by the CPU */
};

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct idt_gate {
	uint64_t lo, hi;
};

static const uint64_t gdt[3] __attribute__((aligned(16))) = {
	0,
	0x00af9a000000ffffull,  /* 0x08: 64-bit code, DPL 0 */
	0x00cf92000000ffffull,  /* 0x10: flat data */
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_t irq_handlers[256];

static volatile unsigned int trap_skip;  /* armed: bytes to skip, else 0 */
static volatile int trap_vector = -1;
volatile uint64_t trap_error_code, trap_rip;

void guest_trap(struct trap_frame *f);
void guest_trap(struct trap_frame *f)
{
	if (f->vector >= 32) {
		irq_handler_t fn = irq_handlers[f->vector & 0xff];

		if (!fn)
			guest_fail("unexpected interrupt %lu at rip %#lx",
				   (unsigned long)f->vector, (unsigned long)f->rip);
		fn((unsigned int)f->vector);
		return;
	}
	if (!trap_skip)
		guest_fail("unexpected exception %lu (error code %#lx) at rip %#lx",
			   (unsigned long)f->vector, (unsigned long)f->error_code,
			   (unsigned long)f->rip);
	trap_vector = (int)f->vector;
	trap_error_code = f->error_code;
	trap_rip = f->rip;
	f->rip += trap_skip;
	trap_skip = 0;
}

void trap_expect(unsigned int insn_len)
{
	trap_vector = -1;
	trap_error_code = 0;
	trap_rip = 0;
	trap_skip = insn_len;
}

int trap_taken(void)
{
	int v = trap_vector;

	trap_skip = 0;
	trap_vector = -1;
	return v;
}

void idt_set_gate(unsigned int vec, uint64_t a)
{
	if (vec > 255)
		guest_fail("idt_set_gate: vector %u", vec);
	/* 64-bit interrupt gate: present, DPL 0, type 0xE, IST 0. */
	idt[vec].lo = (a & 0xffff) | (0x08ull << 16) | (0x8eull << 40) |
		      ((a >> 16 & 0xffff) << 48);
	idt[vec].hi = a >> 32;
}

void irq_set_handler(unsigned int vec, irq_handler_t fn)
{
	if (vec < 32 || vec > 255)
		guest_fail("irq_set_handler: vector %u is not 32-255", vec);
	irq_handlers[vec] = fn;
	idt_set_gate(vec, irq_stubs[vec - 32]);
}

void guest_traps_init(void)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (unsigned int i = 0; i < 32; i++)
		idt_set_gate(i, trap_stubs[i]);
	asm volatile("lgdt %0" : : "m"(gdtr) : "memory");
	/* Reload CS with a far return, then the data segments. */
	asm volatile("pushq $0x08\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\tmovl $0x10, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "movl %%eax, %%fs\n\t"
		     "movl %%eax, %%gs"
		     : : : "rax", "memory");
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}
