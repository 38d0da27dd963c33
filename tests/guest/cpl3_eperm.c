/* SPDX-License-Identifier: MIT */
/*
 * cpl3_eperm: hypercalls from guest user mode are refused with -TESS_EPERM,
 * even the ones any domain may make (VERSION, CONSOLE_WRITE).
 *
 * The loader's page tables have U = 0, so the kernel builds its own:
 * an identity map of GPA 0-1 GiB in 2 MiB pages with U = 1 at every level,
 * its own GDT (kernel code/data, user code/data at DPL 3, a 64-bit TSS
 * whose RSP0 is a kernel stack) and an IDT: vectors 0-31 go to the
 * library's exception stubs, vector 0x80 is a DPL 3 interrupt gate.
 *
 * enter_user() saves the kernel's callee-saved registers and RSP, then
 * IRETQs to user_code_* at CPL 3 (interrupts off) on a user stack. The
 * user code makes VERSION and CONSOLE_WRITE (a valid buffer), stores both
 * RAX values in user_result[] and does INT $0x80; the vector 0x80 stub
 * records the CS it came from, drops the interrupt frame, restores the
 * saved kernel RSP and registers and returns from enter_user(). Nothing
 * ever returns to CPL 3.
 *
 * The console write from CPL 3 must print nothing: its text,
 * "cpl3_eperm: MUST NOT APPEAR", can be checked absent from the console.
 */
#include "guest.h"

GUEST_TEST(cpl3_eperm);

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE (0x18 | 3)
#define SEL_UDATA (0x20 | 3)
#define SEL_TSS   0x28
#define VEC_USER_RETURN 0x80

#define PTE_P  0x001ull
#define PTE_W  0x002ull
#define PTE_U  0x004ull
#define PTE_PS 0x080ull

#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS layout");

struct idt_gate {
	uint64_t lo, hi;
};

/* Identity map of 0-1 GiB, user accessible. */
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));

/* Writable: LTR sets the busy bit in the TSS descriptor. */
static uint64_t gdt[7] __attribute__((aligned(16))) = {
	0,
	0x00af9a000000ffffull,  /* 0x08: 64-bit code, DPL 0 */
	0x00cf92000000ffffull,  /* 0x10: data, DPL 0 */
	0x00affa000000ffffull,  /* 0x18: 64-bit code, DPL 3 */
	0x00cff2000000ffffull,  /* 0x20: data, DPL 3 */
	0, 0,                   /* 0x28: 64-bit TSS (two slots), set at run time */
};
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));

static uint8_t kernel_stack[8192] __attribute__((aligned(16)));  /* TSS RSP0 */
static uint8_t user_stack[8192] __attribute__((aligned(16)));

/* Shared with the assembly below. */
uint64_t saved_ksp;             /* kernel RSP inside enter_user() */
volatile uint64_t user_return_cs;  /* CS pushed by INT $0x80 */
volatile int64_t user_result[3];   /* VERSION, CONSOLE_WRITE, done marker */
const char user_msg[] = "cpl3_eperm: MUST NOT APPEAR (console write from CPL 3)\n";
const uint64_t user_msg_len = sizeof(user_msg) - 1;

void user_code_vmmcall(void);
void user_code_vmcall(void);
void user_return_stub(void);
void enter_user(uint64_t rip, uint64_t rsp);

#define STR_(x) #x
#define STR(x) STR_(x)

/*
 * User code, one copy per hypercall instruction. It uses only its own
 * stack and globals (all pages are user pages).
 */
#define USER_CODE(name, insn)						\
	"	.text\n"						\
	"	.globl " #name "\n"					\
	"	.balign 16\n"						\
	#name ":\n"							\
	"	movq	$" STR(TESS_HC_VERSION) ", %rax\n"		\
	"	xorl	%edi, %edi\n"					\
	"	xorl	%esi, %esi\n"					\
	"	xorl	%edx, %edx\n"					\
	"	xorl	%r10d, %r10d\n"					\
	"	" insn "\n"						\
	"	movq	%rax, user_result+0(%rip)\n"			\
	"	movq	$" STR(TESS_HC_CONSOLE_WRITE) ", %rax\n"	\
	"	movq	$" STR(TESS_DOMID_SELF) ", %rdi\n"		\
	"	leaq	user_msg(%rip), %rsi\n"				\
	"	movq	user_msg_len(%rip), %rdx\n"			\
	"	xorl	%r10d, %r10d\n"					\
	"	" insn "\n"						\
	"	movq	%rax, user_result+8(%rip)\n"			\
	"	movq	$1, user_result+16(%rip)\n"			\
	"	int	$" STR(VEC_USER_RETURN) "\n"			\
	"	ud2\n"

asm(USER_CODE(user_code_vmmcall, "vmmcall")
    USER_CODE(user_code_vmcall, "vmcall")
/*
 * enter_user(rip, rsp): a call that "returns" when the user code does
 * INT $0x80. Callee-saved registers are kept on the kernel stack.
 */
"	.text\n"
"	.globl enter_user\n"
"	.balign 16\n"
"enter_user:\n"
"	pushq	%rbx\n"
"	pushq	%rbp\n"
"	pushq	%r12\n"
"	pushq	%r13\n"
"	pushq	%r14\n"
"	pushq	%r15\n"
"	movq	%rsp, saved_ksp(%rip)\n"
"	pushq	$" STR(SEL_UDATA) "\n"		/* SS */
"	pushq	%rsi\n"				/* RSP */
"	pushq	$0x2\n"				/* RFLAGS: IF = 0, IOPL = 0 */
"	pushq	$" STR(SEL_UCODE) "\n"		/* CS */
"	pushq	%rdi\n"				/* RIP */
"	iretq\n"
/* Vector 0x80 (DPL 3 gate): running on RSP0 with RIP, CS, RFLAGS, RSP, SS. */
"	.globl user_return_stub\n"
"	.balign 16\n"
"user_return_stub:\n"
"	movq	8(%rsp), %rax\n"
"	movq	%rax, user_return_cs(%rip)\n"
"	movq	saved_ksp(%rip), %rsp\n"
"	movl	$" STR(SEL_KDATA) ", %eax\n"
"	movl	%eax, %ds\n"
"	movl	%eax, %es\n"
"	movl	%eax, %ss\n"
"	movl	%eax, %fs\n"
"	movl	%eax, %gs\n"
"	cld\n"
"	popq	%r15\n"
"	popq	%r14\n"
"	popq	%r13\n"
"	popq	%r12\n"
"	popq	%rbp\n"
"	popq	%rbx\n"
"	ret\n");

static void set_gate(unsigned int vec, uint64_t a, unsigned int dpl)
{
	/* 64-bit interrupt gate: present, type 0xE, IST 0, selector 0x08. */
	idt[vec].lo = (a & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
		      ((0x8eull | (uint64_t)dpl << 5) << 40) | ((a >> 16 & 0xffff) << 48);
	idt[vec].hi = a >> 32;
}

static void setup_paging(void)
{
	uint64_t cr4;

	for (unsigned int i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_U | PTE_PS;
	pdpt[0] = GPA(pd) | PTE_P | PTE_W | PTE_U;
	pml4[0] = GPA(pdpt) | PTE_P | PTE_W | PTE_U;
	/* All pages are user pages, the kernel's too: no SMEP/SMAP. */
	asm volatile("movq %%cr4, %0" : "=r"(cr4));
	if (cr4 & (CR4_SMEP | CR4_SMAP))
		asm volatile("movq %0, %%cr4" : : "r"(cr4 & ~(CR4_SMEP | CR4_SMAP)) : "memory");
	asm volatile("movq %0, %%cr3" : : "r"(GPA(pml4)) : "memory");
}

static void setup_descriptors(void)
{
	uint64_t base = GPA(&tss), limit = sizeof(tss) - 1;
	struct desc_ptr gdtr = { sizeof(gdt) - 1, GPA(gdt) };
	struct desc_ptr idtr = { sizeof(idt) - 1, GPA(idt) };

	tss.rsp[0] = GPA(kernel_stack + sizeof(kernel_stack));
	tss.iomap_base = sizeof(tss);  /* no I/O bitmap */
	/* Available 64-bit TSS (type 9), present, DPL 0. */
	gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
			   (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	gdt[SEL_TSS / 8 + 1] = base >> 32;

	for (unsigned int v = 0; v < 32; v++)
		set_gate(v, trap_stubs[v], 0);
	set_gate(VEC_USER_RETURN, GPA(user_return_stub), 3);

	asm volatile("lgdt %0" : : "m"(gdtr) : "memory");
	asm volatile("pushq $" STR(SEL_KCODE) "\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\tmovl $" STR(SEL_KDATA) ", %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "movl %%eax, %%fs\n\t"
		     "movl %%eax, %%gs"
		     : : : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(SEL_TSS) : "memory");
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}

static int cpu_is_intel(void)
{
	struct cpuid_regs r = cpuid(0, 0);

	/* As guest_init() chooses the hypercall instruction. */
	return r.ebx == 0x756e6547 && r.edx == 0x49656e69 && r.ecx == 0x6c65746e;
}

static void expect(const char *what, long got, long want)
{
	if (got != want)
		guest_check_fail("%s returned %ld, expected %ld", what, got, want);
}

int test_main(uint64_t mem)
{
	const long eperm = -TESS_EPERM;
	int intel = cpu_is_intel();
	uint64_t cs;

	(void)mem;
	expect("VERSION at CPL 0 (loader's tables)", hypercall0(TESS_HC_VERSION),
	       TESS_INTERFACE_VERSION);
	setup_paging();
	setup_descriptors();
	expect("VERSION at CPL 0 (own tables)", hypercall0(TESS_HC_VERSION),
	       TESS_INTERFACE_VERSION);

	user_result[0] = user_result[1] = 0x5a5a5a5a;
	user_result[2] = 0;
	guest_printf("cpl3_eperm: entering CPL 3 at %#lx (%s)",
		     (unsigned long)GPA(intel ? user_code_vmcall : user_code_vmmcall),
		     intel ? "vmcall" : "vmmcall");
	enter_user(GPA(intel ? user_code_vmcall : user_code_vmmcall),
		   GPA(user_stack + sizeof(user_stack)));

	asm volatile("movq %%cs, %0" : "=r"(cs));
	guest_printf("cpl3_eperm: back at CPL %lu from CS %#lx: VERSION %ld, CONSOLE_WRITE %ld",
		     (unsigned long)(cs & 3), (unsigned long)user_return_cs,
		     (long)user_result[0], (long)user_result[1]);
	guest_check(user_return_cs == SEL_UCODE, "INT $0x80 came from CS %#lx, expected %#x",
		    (unsigned long)user_return_cs, SEL_UCODE);
	guest_check(user_result[2] == 1, "the user code did not finish");
	expect("VERSION at CPL 3", user_result[0], eperm);
	expect("CONSOLE_WRITE at CPL 3", user_result[1], eperm);
	expect("VERSION at CPL 0 after CPL 3", hypercall0(TESS_HC_VERSION),
	       TESS_INTERFACE_VERSION);
	return 0;
}
