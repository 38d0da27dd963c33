/*
 * Multiboot2 entry (Multiboot2 spec 1.0 section 3.3: 32-bit protected mode,
 * paging off, EAX = magic, EBX = boot information). Switch to long mode
 * with an identity map of the first 4 GiB (AMD APM vol. 2 section 14.6.1)
 * and call hv_main(magic, mbi).
 */
#define MB2_MAGIC 0xe85250d6
#define STACK_SIZE 0x4000

	.section .multiboot2, "a"
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0                          /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	.align 8                         /* module alignment tag: page-align modules */
	.short 6, 0
	.long 8
	.align 8                         /* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, boot_mb2_magic
	movl %ebx, boot_mb2_info
	movl $(boot_stack + STACK_SIZE), %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 page directories of 2 MiB pages. */
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                  /* present, writable, 2 MiB */
	movl %eax, boot_pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax                   /* high dword of (ecx << 21) */
	movl %eax, boot_pd+4(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	movl %cr4, %eax
	orl $0x20, %eax                  /* CR4.PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx           /* EFER.LME | EFER.NXE */
	rdmsr
	orl $0x900, %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax            /* PG | WP | PE */
	movl %eax, %cr0
	lgdt hv_gdt_ptr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $(boot_stack + STACK_SIZE), %rsp
	movl boot_mb2_magic(%rip), %edi
	movl boot_mb2_info(%rip), %esi
	call hv_main
3:	cli
	hlt
	jmp 3b

	.section .data
	.align 16
	.globl hv_gdt
hv_gdt:
	.quad 0
	.quad 0x00af9a000000ffff         /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff         /* 0x10: data */
hv_gdt_end:
	.globl hv_gdt_ptr
hv_gdt_ptr:
	.short hv_gdt_end - hv_gdt - 1
	.quad hv_gdt

	.section .data
boot_mb2_magic: .long 0
boot_mb2_info: .long 0

	.section .bss
	.align 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd: .skip 4096 * 4
	.align STACK_SIZE
	.globl boot_stack
boot_stack: .skip STACK_SIZE
