/*
 * Translating a guest-virtual address through the guest's own page tables
 * (gpt_walk.c), each entry read through domain_read_gpa(), so a guest can
 * never make the hypervisor read memory that is not the guest's own RAM.
 * The same for every paging mode: the guest's tables do not depend on how
 * the hypervisor maps its memory.
 */
#include <tess/cpu.h>
#include <tess/domain.h>
#include <tess/paging.h>
#include <tess/mm.h>
#include <tess/vcpu.h>

static int guest_mem_read(void *ctx, u64 gpa, unsigned int size, u64 *val)
{
	*val = 0;
	return domain_read_gpa(ctx, gpa, val, size) ? -1 : 0;
}

/* Atomic, as the CPU's own A/D updates are (APM vol. 2 5.4.2). */
static int guest_mem_cmpxchg(void *ctx, u64 gpa, unsigned int size, u64 old, u64 new)
{
	u64 spa;

	if ((gpa & (size - 1)) || domain_gpa_to_spa(ctx, gpa, &spa))
		return -1;
	if (size == 8)
		return __atomic_compare_exchange_n((u64 *)phys_to_virt(spa), &old, new, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : 1;
	u32 old32 = (u32)old;

	return __atomic_compare_exchange_n((u32 *)phys_to_virt(spa), &old32, (u32)new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : 1;
}

/* The guest's tables as the walker reads (and, with set_ad, updates) them. */
static enum gpt_status guest_walk(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				  unsigned int access, bool set_ad, unsigned int maxphyaddr,
				  struct gpt_result *res)
{
	const struct gpt_mem mem = { v->dom, guest_mem_read, guest_mem_cmpxchg };
	const struct gpt_regs r = { p->cr0, p->cr3, p->cr4, p->efer, maxphyaddr };

	return gpt_walk(&mem, &r, gva, access, set_ad, res);
}

/*
 * As the CPU walks for a TLB fill (shadow paging): accessed bits set on
 * success, the dirty bit for a write, the guest's MAXPHYADDR for reserved
 * bits.
 */
enum gpt_status guest_walk_fill(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				unsigned int access, struct gpt_result *res)
{
	return guest_walk(v, p, gva, access, true, boot_cpu.phys_bits, res);
}

/*
 * No accessed/dirty bit is set: the callers look at an access the guest
 * already made (an exit came from it). MAXPHYADDR 52 reports no
 * reserved-bit fault the CPU did not report.
 */
enum gpt_status guest_translate(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				unsigned int access, struct gpt_result *res)
{
	return guest_walk(v, p, gva, access, false, 52, res);
}
