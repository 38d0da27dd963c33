/*
 * Nested paging (AMD NPT, AMD APM vol. 2 section 15.25) as a paging mode:
 * the CPU walks the domain's p2m itself, the guest owns its CR3 and its
 * page faults, so the mode has nothing to intercept; translating a guest
 * address only reads the guest's own tables.
 */
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/paging.h>
#include <tess/x86.h>

static u64 npt_slat_root(struct domain *d)
{
	return p2m_root(&d->p2m);
}

static int npt_load_state(struct vcpu *v, const struct vcpu_boot_state *s, const char **why)
{
	(void)v, (void)s, (void)why;
	return 0; /* the vendor state holds the guest's registers as they are */
}

static int npt_vcpu_init(struct vcpu *v)
{
	(void)v;
	return 0;
}

static void npt_vcpu_free(struct vcpu *v)
{
	(void)v;
}

static void npt_guest_view(struct vcpu *v, struct vcpu_paging *p)
{
	(void)v, (void)p; /* the hardware's registers are the guest's */
}

/* The guest's EFER goes to the CPU, LMA excepted: the CPU sets it. */
static enum paging_result npt_efer_write(struct vcpu *v, u64 efer, const char **why)
{
	struct vcpu_paging p;

	(void)why;
	hvm->get_paging(v, &p);
	hvm->set_paging_hw(v, p.cr0, p.cr3, p.cr4, (efer & ~EFER_LMA) | (p.efer & EFER_LMA));
	return PAGING_DONE;
}

/* Nested paging intercepts no paging event: reaching these is a vendor bug. */
static enum paging_result npt_cr_write(struct vcpu *v, unsigned int cr, u64 val, const char **why)
{
	(void)v, (void)cr, (void)val;
	*why = "a control register exit under nested paging";
	return PAGING_FAIL;
}

static u64 npt_cr_read(struct vcpu *v, unsigned int cr)
{
	struct vcpu_paging p;

	hvm->get_paging(v, &p);
	return cr == 0 ? p.cr0 : cr == 3 ? p.cr3 : p.cr4;
}

static void npt_invlpg(struct vcpu *v, u64 gva, bool all)
{
	(void)gva, (void)all;
	hvm->flush_tlb(v);
}

static enum paging_result npt_page_fault(struct vcpu *v, u64 gva, u32 ec, struct vm_exit *npf,
					 const char **why)
{
	(void)v, (void)gva, (void)ec, (void)npf;
	*why = "a page fault exit under nested paging";
	return PAGING_FAIL;
}

static void npt_stats(struct vcpu *v, struct tess_shadow_stats *sum)
{
	(void)v, (void)sum; /* no shadow counters */
}

const struct paging_ops npt_paging_ops = {
	.name = "HAP (NPT)",
	.slat_root = npt_slat_root,
	.translate = guest_translate,
	.load_state = npt_load_state,
	.vcpu_init = npt_vcpu_init,
	.vcpu_free = npt_vcpu_free,
	.guest_view = npt_guest_view,
	.efer_write = npt_efer_write,
	.cr_write = npt_cr_write,
	.cr_read = npt_cr_read,
	.invlpg = npt_invlpg,
	.page_fault = npt_page_fault,
	.stats = npt_stats,
};
