/*
 * Shadow paging as a paging mode (docs/shadow-paging.md): the guest's
 * control registers live here and it reads them back unchanged, while the
 * CPU runs with the shadow tree as CR3, CR0.PG and CR0.WP always set, and
 * for a guest with paging off, CR4.PAE set and EFER.LME clear (paged real
 * or protected mode, AMD APM vol. 2 15.19). Writes are checked as the CPU
 * would check them (APM vol. 2 3.1.1-3.1.3 and 3.1.7; MOV CRn in vol. 3).
 */
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/paging.h>
#include <tess/shadow.h>
#include <tess/x86.h>

/* CR4 bits a guest may set: VME..OSXMMEXCPT, FSGSBASE, OSXSAVE. PCIDE, LA57,
 * SMEP, SMAP and PKE are not offered (the walker does not model them). */
#define SHADOW_CR4_ALLOWED (0x7ffull | (1ull << 16) | (1ull << 18))
/* Changing these changes every translation: the tree starts again. */
#define SHADOW_CR0_REBUILD (CR0_PG | CR0_WP)
#define SHADOW_CR4_REBUILD (CR4_PGE | CR4_PAE | CR4_PSE)

/* Load the CPU's view of the guest's registers; rebuild: start a new tree. */
static int shadow_apply(struct vcpu *v, bool rebuild, const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;
	bool paged = sv->cr0 & CR0_PG;
	unsigned int levels = paged ? 4 : 3;

	if (paged && !(sv->efer & EFER_LMA)) {
		*why = "the guest turned on 32-bit or PAE paging outside long mode, which "
		       "shadow paging does not support";
		return -1;
	}
	if (levels != sv->levels || !sv->root) {
		if (shadow_tree_reset(sv, levels)) {
			*why = "no memory for shadow page tables";
			return -1;
		}
		sv->stats.flushes_all++;
	} else if (rebuild) {
		shadow_tree_drop(sv, false);
		sv->stats.flushes_all++;
	}
	hvm->set_paging_hw(v, sv->cr0 | CR0_PG | CR0_WP, sv->root,
			   sv->cr4 | (paged ? 0 : CR4_PAE),
			   paged ? sv->efer : sv->efer & ~(EFER_LME | EFER_LMA));
	return 0;
}

static int shadow_load_state(struct vcpu *v, const struct vcpu_boot_state *s, const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;

	sv->cr0 = s->cr0 | CR0_ET;
	sv->cr3 = s->cr3;
	sv->cr4 = s->cr4;
	sv->efer = s->efer & ~EFER_SVME;
	sv->fault_repeats = 0;
	return shadow_apply(v, true, why);
}

static int shadow_vcpu_init(struct vcpu *v)
{
	return shadow_pool_init(&v->shadow);
}

static void shadow_vcpu_free(struct vcpu *v)
{
	shadow_pool_free(&v->shadow);
}

static void shadow_guest_view(struct vcpu *v, struct vcpu_paging *p)
{
	p->cr0 = v->shadow.cr0;
	p->cr3 = v->shadow.cr3;
	p->cr4 = v->shadow.cr4;
	p->efer = v->shadow.efer;
}

static enum paging_result shadow_result(struct vcpu *v, bool rebuild, const char **why)
{
	return shadow_apply(v, rebuild, why) ? PAGING_FAIL : PAGING_DONE;
}

static enum paging_result shadow_cr0_write(struct vcpu *v, u64 val, const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;
	u64 old = sv->cr0;

	val |= CR0_ET; /* hardwired to 1 */
	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & CR0_NW) && !(val & CR0_CD)))
		return PAGING_GP;
	if ((val & CR0_PG) && !(old & CR0_PG) && (sv->efer & EFER_LME)) {
		if (!(sv->cr4 & CR4_PAE))
			return PAGING_GP;
		sv->efer |= EFER_LMA; /* long mode becomes active (APM vol. 2 14.6.1) */
	}
	if (!(val & CR0_PG))
		sv->efer &= ~EFER_LMA;
	sv->cr0 = val;
	return shadow_result(v, (old ^ val) & SHADOW_CR0_REBUILD, why);
}

static enum paging_result shadow_cr3_write(struct vcpu *v, u64 val)
{
	struct shadow_vcpu *sv = &v->shadow;

	if (val >> 52)
		return PAGING_GP; /* reserved bits (no PCID: bit 63 is reserved too) */
	sv->cr3 = val;
	if (!(sv->cr0 & CR0_PG))
		return PAGING_DONE; /* paging off: CR3 translates nothing */
	shadow_tree_drop(sv, true);
	sv->stats.flushes_cr3++;
	hvm->flush_tlb(v);
	return PAGING_DONE;
}

static enum paging_result shadow_cr4_write(struct vcpu *v, u64 val, const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;
	u64 old = sv->cr4;

	if ((val & ~SHADOW_CR4_ALLOWED) || ((sv->efer & EFER_LMA) && !(val & CR4_PAE)))
		return PAGING_GP;
	sv->cr4 = val;
	return shadow_result(v, (old ^ val) & SHADOW_CR4_REBUILD, why);
}

static enum paging_result shadow_cr_write(struct vcpu *v, unsigned int cr, u64 val,
					  const char **why)
{
	v->shadow.stats.cr_accesses++;
	switch (cr) {
	case 0:
		return shadow_cr0_write(v, val, why);
	case 3:
		return shadow_cr3_write(v, val);
	case 4:
		return shadow_cr4_write(v, val, why);
	default:
		*why = "a write to a control register shadow paging does not intercept";
		return PAGING_FAIL;
	}
}

static u64 shadow_cr_read(struct vcpu *v, unsigned int cr)
{
	v->shadow.stats.cr_accesses++;
	return cr == 0 ? v->shadow.cr0 : cr == 3 ? v->shadow.cr3 : v->shadow.cr4;
}

static enum paging_result shadow_efer_write(struct vcpu *v, u64 efer, const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;
	u64 old = sv->efer;

	if ((sv->cr0 & CR0_PG) && ((efer ^ old) & EFER_LME))
		return PAGING_GP; /* LME changes only with paging off (APM vol. 2 14.6.1) */
	sv->efer = (efer & ~EFER_LMA) | (old & EFER_LMA);
	return shadow_result(v, (old ^ sv->efer) & EFER_NXE, why);
}

static void shadow_stats(struct vcpu *v, struct tess_shadow_stats *sum)
{
	const u64 *in = (const u64 *)&v->shadow.stats;
	u64 *out = (u64 *)sum;

	for (unsigned int i = 0; i < sizeof(*sum) / sizeof(u64); i++)
		out[i] += in[i];
}

static u64 shadow_slat_root(struct domain *d)
{
	(void)d;
	return 0; /* the CPU walks the shadow tree: no nested paging */
}

const struct paging_ops shadow_paging_ops = {
	.name = "shadow",
	.slat_root = shadow_slat_root,
	.translate = guest_translate,
	.load_state = shadow_load_state,
	.vcpu_init = shadow_vcpu_init,
	.vcpu_free = shadow_vcpu_free,
	.guest_view = shadow_guest_view,
	.efer_write = shadow_efer_write,
	.cr_write = shadow_cr_write,
	.cr_read = shadow_cr_read,
	.invlpg = shadow_invlpg,
	.page_fault = shadow_page_fault,
	.stats = shadow_stats,
};
