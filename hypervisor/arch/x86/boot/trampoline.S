/*
 * AP start-up code, copied below 1 MiB and entered in real mode at the
 * SIPI vector (Intel SDM vol. 3 section 9.4.4; AMD APM vol. 2 section
 * 16.3.2 for the INIT-SIPI-SIPI sequence). It switches to long mode with
 * the hypervisor's page tables and jumps to the C entry given by the BSP.
 * Everything is addressed relative to the copy's base, TRAMPOLINE_PA.
 */
#include <tess/trampoline.h>

#define REL(x) ((x) - trampoline_start + TRAMPOLINE_PA)

	.section .rodata
	.code16
	.globl trampoline_start, trampoline_end
	.globl trampoline_cr3, trampoline_stack, trampoline_entry
trampoline_start:
	cli
	cld
	movw %cs, %ax                    /* CS = vector << 8, so DS = our base */
	movw %ax, %ds
	lgdtl (tramp_gdt_ptr - trampoline_start)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $REL(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax                  /* PAE */
	movl %eax, %cr4
	movl REL(trampoline_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x900, %eax                 /* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax
	movl %eax, %cr0
	ljmp $0x18, $REL(tramp64)

	.code64
tramp64:
	movq REL(trampoline_stack), %rsp
	movq REL(trampoline_entry), %rax
	jmp *%rax

	.align 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff         /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff         /* 0x10: data */
	.quad 0x00af9a000000ffff         /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
	.short tramp_gdt_end - tramp_gdt - 1
	.long REL(tramp_gdt)
	.align 8
trampoline_cr3: .quad 0
trampoline_stack: .quad 0
trampoline_entry: .quad 0
trampoline_end:
