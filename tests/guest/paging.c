/* SPDX-License-Identifier: MIT */
/*
 * paging: the corners of page translation a shadow-paging hypervisor must
 * get right (docs/shadow-paging.md), checked against what the architecture
 * requires (AMD APM vol. 2, chapter 5; Intel SDM vol. 3A, 4.7, 4.8, 4.10).
 * Under nested paging the CPU itself answers, so the kernel first proves
 * the checks; under shadow paging it tests the hypervisor.
 *   - a not-present entry made present is used without INVLPG (not-present
 *     entries are never cached: SDM 4.10.2.3)
 *   - a changed mapping is used after INVLPG
 *   - #PF error codes and CR2: not present (0), write to read-only (P|W),
 *     instruction fetch from a no-execute page (P|I/D)
 *   - accessed and dirty bits set as the CPU does (APM 5.4.2)
 *   - one frame mapped at two addresses: a write through one is read
 *     through the other
 * The kernel replaces the loader's 2 MiB identity entry for 3 GiB with a
 * page table of its own (4 KiB pages) over frames after its image.
 */
#include "guest.h"

GUEST_TEST(paging);

#define VA        0xc0000000ull        /* PDPT index 3, PD index 0 */
#define LOADER_PD_3G 0x6000ull         /* the loader's PD for 3-4 GiB */
#define PTE_P  (1ull << 0)
#define PTE_W  (1ull << 1)
#define PTE_A  (1ull << 5)
#define PTE_D  (1ull << 6)
#define PTE_NX (1ull << 63)
#define CR0_WP (1ull << 16)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)
#define VEC_PF 14
#define PFEC_P  1u
#define PFEC_W  2u
#define PFEC_ID 16u
#define INSN_LEN_MOV 3                 /* 48 8b 18 / 48 89 18 */
#define MARK1 0x1111111111111111ull
#define MARK2 0x2222222222222222ull

static uint64_t *pt;
static uint64_t frame1, frame2, frame_ret;

static uint64_t read_cr(int n)
{
	uint64_t v = 0;

	if (n == 0)
		asm volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 2)
		asm volatile("mov %%cr2, %0" : "=r"(v));
	else
		asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static void invlpg(uint64_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* A load or store of fixed length, so a fault resumes after it. */
static uint64_t load(uint64_t va)
{
	uint64_t v = 0;

	asm volatile(".byte 0x48, 0x8b, 0x18" : "+b"(v) : "a"(va) : "memory");   /* mov (%rax),%rbx */
	return v;
}

static void store(uint64_t va, uint64_t v)
{
	asm volatile(".byte 0x48, 0x89, 0x18" : : "a"(va), "b"(v) : "memory");   /* mov %rbx,(%rax) */
}

static void expect_pf(const char *what, uint64_t va, uint64_t ec)
{
	int vec = trap_taken();
	uint64_t cr2 = read_cr(2);

	if (vec != VEC_PF)
		guest_check_fail("%s: vector %d, expected #PF", what, vec);
	else if (trap_error_code != ec || cr2 != va)
		guest_check_fail("%s: #PF error code %#lx cr2 %#lx, expected %#lx and %#lx", what,
				 (unsigned long)trap_error_code, (unsigned long)cr2,
				 (unsigned long)ec, (unsigned long)va);
	else
		guest_printf("paging: %s: #PF error code %#lx at %#lx", what,
			     (unsigned long)ec, (unsigned long)va);
}

static void expect_no_fault(const char *what)
{
	int vec = trap_taken();

	if (vec >= 0)
		guest_check_fail("%s: unexpected vector %d error code %#lx", what, vec,
				 (unsigned long)trap_error_code);
}

/* The kernel's own page table for VA..VA+2 MiB, frames after the image. */
static void setup(void)
{
	uint64_t free = ((uint64_t)(uintptr_t)__image_end + 0xfff) & ~0xfffull;
	uint64_t *pd = (uint64_t *)(uintptr_t)LOADER_PD_3G;

	pt = (uint64_t *)(uintptr_t)free;
	frame1 = free + 0x1000;
	frame2 = free + 0x2000;
	frame_ret = free + 0x3000;
	memset(pt, 0, 4096);
	*(volatile uint64_t *)(uintptr_t)frame1 = MARK1;
	*(volatile uint64_t *)(uintptr_t)frame2 = MARK2;
	*(volatile uint8_t *)(uintptr_t)frame_ret = 0xc3;   /* ret */
	pd[0] = GPA(pt) | PTE_P | PTE_W;
	asm volatile("mov %0, %%cr3" : : "r"(read_cr(3)) : "memory");  /* drop the 2 MiB entry */
	asm volatile("mov %0, %%cr0" : : "r"(read_cr(0) | CR0_WP) : "memory");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

static void not_present_then_present(void)
{
	pt[0] = 0;
	trap_expect(INSN_LEN_MOV);
	(void)load(VA);
	expect_pf("read of a not-present page", VA, 0);
	pt[0] = frame1 | PTE_P | PTE_W;  /* no INVLPG: not-present entries are not cached */
	trap_expect(INSN_LEN_MOV);
	guest_check(load(VA) == MARK1, "the new mapping was not used without INVLPG");
	expect_no_fault("read after the entry became present");
}

static void changed_mapping_after_invlpg(void)
{
	pt[0] = frame2 | PTE_P | PTE_W;
	invlpg(VA);
	guest_check(load(VA) == MARK2, "INVLPG did not bring the new frame");
	pt[0] = frame2 | PTE_P;          /* read-only now */
	invlpg(VA);
	trap_expect(INSN_LEN_MOV);
	store(VA, 5);
	expect_pf("write to a read-only page", VA, PFEC_P | PFEC_W);
	guest_check(load(VA) == MARK2, "the faulting write changed the frame");
}

static void accessed_and_dirty(void)
{
	uint64_t *pd = (uint64_t *)(uintptr_t)LOADER_PD_3G;

	pd[0] &= ~PTE_A;
	pt[1] = frame1 | PTE_P | PTE_W;  /* A and D clear */
	asm volatile("mov %0, %%cr3" : : "r"(read_cr(3)) : "memory");
	(void)load(VA + 0x1000);
	guest_check((pt[1] & (PTE_A | PTE_D)) == PTE_A, "after a read: pte %#lx, expected A "
		    "without D", (unsigned long)pt[1]);
	guest_check(pd[0] & PTE_A, "after a read: the PDE has no accessed bit");
	store(VA + 0x1000, MARK1);
	guest_check((pt[1] & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "after a write: pte %#lx, "
		    "expected A and D", (unsigned long)pt[1]);
}

static void one_frame_twice(void)
{
	pt[2] = frame1 | PTE_P | PTE_W;  /* VA+4K and VA+8K: both frame1 */
	store(VA + 0x1000, 0xabcdef);
	guest_check(load(VA + 0x2000) == 0xabcdef, "a write through one mapping was not "
		    "seen through the other");
}

static void no_execute(void)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)(VA + 0x3000);

	pt[3] = frame_ret | PTE_P | PTE_NX;
	pt[4] = frame_ret | PTE_P;       /* executable: the fault resumes here (ret) */
	invlpg(VA + 0x3000);
	trap_expect(0x1000);             /* resume one page on, at the same ret */
	fn();
	expect_pf("fetch from a no-execute page", VA + 0x3000, PFEC_P | PFEC_ID);
	pt[3] &= ~PTE_NX;
	invlpg(VA + 0x3000);
	trap_expect(0);
	fn();
	expect_no_fault("fetch after NX was cleared");
}

int test_main(uint64_t mem)
{
	(void)mem;
	guest_traps_init();
	setup();
	not_present_then_present();
	changed_mapping_after_invlpg();
	accessed_and_dirty();
	one_frame_twice();
	no_execute();
	return 0;
}
