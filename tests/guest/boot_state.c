/* SPDX-License-Identifier: MIT */
/*
 * boot_state: the vCPU starts as the boot contract says (RDI = RAM size,
 * RSP = top of RAM, RFLAGS = 0x2, CS 0x08, data segments 0x10, long mode
 * with paging) and all of [image end, RAM size) is backed RAM.
 */
#include "guest.h"

GUEST_TEST(boot_state);

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)

int test_main(uint64_t mem)
{
	const struct guest_boot_state *b = &guest_boot;
	uint64_t end = (uint64_t)(uintptr_t)__image_end;

	guest_printf("boot_state: rdi %#lx rsp %#lx rflags %#lx cr0 %#lx cr3 %#lx cr4 %#lx "
		     "cs %#x ds %#x es %#x ss %#x",
		     (unsigned long)b->memory_bytes, (unsigned long)b->rsp,
		     (unsigned long)b->rflags, (unsigned long)b->cr0, (unsigned long)b->cr3,
		     (unsigned long)b->cr4, b->cs, b->ds, b->es, b->ss);

	if (!mem || mem % TESS_MEM_ALIGN || mem < end)
		guest_fail("RDI %#lx is not a RAM size (2 MiB multiple above the image end %#lx)",
			   (unsigned long)mem, (unsigned long)end);
	guest_check(b->rsp == mem, "RSP %#lx, expected the top of RAM %#lx",
		    (unsigned long)b->rsp, (unsigned long)mem);
	guest_check(b->rflags == 0x2, "RFLAGS %#lx, expected 0x2", (unsigned long)b->rflags);
	guest_check(b->cs == 0x08, "CS %#x, expected 0x08", b->cs);
	guest_check(b->ds == 0x10 && b->es == 0x10 && b->ss == 0x10,
		    "DS/ES/SS %#x/%#x/%#x, expected 0x10", b->ds, b->es, b->ss);
	guest_check((b->cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG),
		    "CR0 %#lx lacks PE or PG", (unsigned long)b->cr0);
	guest_check(b->cr4 & CR4_PAE, "CR4 %#lx lacks PAE", (unsigned long)b->cr4);

	/* Every 4 KiB page from the image end to the top of RAM reads back
	 * what was written (a page that is not backed crashes the domain). */
	for (uint64_t a = (end + 0xfff) & ~0xfffull; a < mem; a += 0x1000) {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(a + 0xff8);

		*p = a ^ 0x5a5a5a5a5a5a5a5aull;
		if (*p != (a ^ 0x5a5a5a5a5a5a5a5aull)) {
			guest_check_fail("RAM at %#lx does not read back", (unsigned long)(a + 0xff8));
			break;
		}
	}
	return 0;
}
