/* SPDX-License-Identifier: MIT */
/*
 * Test kernel entry and exception stubs.
 *
 * Boot contract (the loader and the hypervisor): 64-bit mode, paging on
 * (identity map of 0-4 GiB in 2 MiB pages at GPA 0x1000), CS = 0x08,
 * data segments 0x10, no GDT/IDT in guest memory, RFLAGS = 0x2,
 * RSP = top of RAM, RDI = RAM size in bytes.
 */
	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	/* Record the entry state before anything changes it (hello checks it). */
	movq	%rdi, guest_boot+0(%rip)	/* memory_bytes */
	movq	%rsp, guest_boot+8(%rip)	/* rsp */
	leaq	boot_stack_top(%rip), %rsp	/* pushfq must not trust RSP */
	pushfq
	popq	guest_boot+16(%rip)		/* rflags */
	movq	%cr0, %rax
	movq	%rax, guest_boot+24(%rip)
	movq	%cr3, %rax
	movq	%rax, guest_boot+32(%rip)
	movq	%cr4, %rax
	movq	%rax, guest_boot+40(%rip)
	movw	%cs, guest_boot+48(%rip)
	movw	%ds, guest_boot+50(%rip)
	movw	%es, guest_boot+52(%rip)
	movw	%ss, guest_boot+54(%rip)
	cli
	cld

	/* Zero .bss (the loader should have, but do not rely on it). The
	 * stack is in .bss and nothing is on it now. */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movq	guest_boot+0(%rip), %rdi
	call	guest_init
	movq	guest_boot+0(%rip), %rdi
	call	test_main
	movl	%eax, %edi
	call	guest_finish			/* does not return */
1:	hlt
	jmp	1b

/* guest_boot lives in .data so that zeroing .bss keeps it. */
	.section .data
	.balign 8
	.globl guest_boot
guest_boot:
	.zero	56

	.section .bss
	.balign 16
boot_stack:
	.zero	16384
boot_stack_top:

/*
 * Exception stubs for vectors 0-31: push a dummy error code where the CPU
 * pushes none, then the vector, save the GPRs and call guest_trap(frame)
 * (struct trap_frame in traps.c), which may change frame->rip.
 */
	.text
.macro TRAP_STUB vec
	.balign 16
trap_stub_\vec:
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	TRAP_STUB \v
	.endr

/*
 * Interrupt stubs for vectors 32-255, one per 16 bytes from irq_stub_32
 * (each is at most 12: pushq $0, pushq $vec, jmp): a dummy error code and
 * the vector, then the same path as the exceptions (guest_trap hands
 * vectors >= 32 to the handler irq_set_handler registered).
 */
	.balign 16
irq_stub_32:
	.set	irq_vec, 32
	.rept	224
	.balign 16
	pushq	$0
	pushq	$irq_vec
	jmp	trap_common
	.set	irq_vec, irq_vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	movq	%rsp, %rbp
	andq	$-16, %rsp
	call	guest_trap
	movq	%rbp, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector, error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	trap_stub_\v
	.endr

	.globl irq_stubs
irq_stubs:
	.set	irq_vec, 0
	.rept	224
	.quad	irq_stub_32 + irq_vec * 16
	.set	irq_vec, irq_vec + 1
	.endr

	.section .note.GNU-stack, "", @progbits
