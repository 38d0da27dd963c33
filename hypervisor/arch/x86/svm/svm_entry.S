/*
 * void svm_enter(u64 vmcb_pa, struct guest_regs *regs, u64 host_state_pa)
 *
 * VMRUN loads and #VMEXIT saves only part of the guest state; FS, GS, TR,
 * LDTR, KernelGSbase and the SYSCALL/SYSENTER MSRs go through VMLOAD and
 * VMSAVE (AMD APM vol. 2 sections 15.5.1 and 15.5.2). RAX, RSP and RIP are
 * in the VMCB; the other general registers are swapped here. struct
 * guest_regs holds them in encoding order: RAX, RCX, RDX, RBX, RSP, RBP,
 * RSI, RDI, R8-R15, 8 bytes each.
 */
	.text
	.code64
	.globl svm_enter
svm_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx                  /* host state area */
	pushq %rsi                  /* guest regs */
	movq %rdi, %rax             /* VMRUN/VMLOAD/VMSAVE take the VMCB in RAX */

	movq 8(%rsi), %rcx
	movq 16(%rsi), %rdx
	movq 24(%rsi), %rbx
	movq 40(%rsi), %rbp
	movq 56(%rsi), %rdi
	movq 64(%rsi), %r8
	movq 72(%rsi), %r9
	movq 80(%rsi), %r10
	movq 88(%rsi), %r11
	movq 96(%rsi), %r12
	movq 104(%rsi), %r13
	movq 112(%rsi), %r14
	movq 120(%rsi), %r15
	movq 48(%rsi), %rsi

	/*
	 * With V_INTR_MASKING (children) the host's RFLAGS.IF decides whether
	 * a physical interrupt ends the guest's run (APM 15.21.1), so IF is set
	 * around VMRUN. GIF stays clear in the host, so nothing is ever taken
	 * here: a pending interrupt waits for dom0 (APM 15.17).
	 */
	clgi
	sti
	vmload %rax
	vmrun %rax
	vmsave %rax                 /* RAX is the host's again: the VMCB address */
	cli

	pushq %rsi                  /* guest RSI */
	movq 8(%rsp), %rsi          /* guest regs pointer */
	movq %rcx, 8(%rsi)
	movq %rdx, 16(%rsi)
	movq %rbx, 24(%rsi)
	movq %rbp, 40(%rsi)
	movq %rdi, 56(%rsi)
	movq %r8, 64(%rsi)
	movq %r9, 72(%rsi)
	movq %r10, 80(%rsi)
	movq %r11, 88(%rsi)
	movq %r12, 96(%rsi)
	movq %r13, 104(%rsi)
	movq %r14, 112(%rsi)
	movq %r15, 120(%rsi)
	popq %rax
	movq %rax, 48(%rsi)

	popq %rsi
	popq %rax                   /* host state area */
	vmload %rax

	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
