/*
 * Translating a guest-virtual address through the guest's own page tables
 * (gpt_walk.c), each entry read through domain_read_gpa(), so a guest can
 * never make the hypervisor read memory that is not the guest's own RAM.
 * The same for every paging mode: the guest's tables do not depend on how
 * the hypervisor maps its memory.
 */
#include <tess/domain.h>
#include <tess/paging.h>
#include <tess/vcpu.h>

static int guest_mem_read(void *ctx, u64 gpa, unsigned int size, u64 *val)
{
	*val = 0;
	return domain_read_gpa(ctx, gpa, val, size) ? -1 : 0;
}

static int guest_mem_no_write(void *ctx, u64 gpa, unsigned int size, u64 old, u64 new)
{
	(void)ctx, (void)gpa, (void)size, (void)old, (void)new;
	return -1;      /* never called: the walks here set no A/D bit */
}

/*
 * No accessed/dirty bit is set: the callers look at an access the guest
 * already made (an exit came from it). MAXPHYADDR 52 reports no
 * reserved-bit fault the CPU did not report.
 */
enum gpt_status guest_translate(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				unsigned int access, struct gpt_result *res)
{
	const struct gpt_mem mem = { v->dom, guest_mem_read, guest_mem_no_write };
	const struct gpt_regs r = { p->cr0, p->cr3, p->cr4, p->efer, 52 };

	return gpt_walk(&mem, &r, gva, access, false, res);
}
