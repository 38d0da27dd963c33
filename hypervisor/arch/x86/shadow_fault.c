/*
 * Shadow page faults and INVLPG (docs/shadow-paging.md). A #PF the CPU
 * raises on the shadow tree is the guest's when its own tables refuse the
 * access, and is given to it with its own error code and CR2; otherwise the
 * shadow lacked the translation and gets it, built from the guest's leaf
 * (walked as the CPU walks, A/D bits included) and the p2m.
 */
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/paging.h>
#include <tess/shadow.h>
#include <tess/x86.h>

#define X86_GP 13
#define X86_PF 14
#define PTE_PAT_4K (1ull << 7)
#define PTE_PAT_LARGE (1ull << 12)
#define FAULT_REPEAT_LIMIT 1000

static unsigned int shadow_access(u32 ec)
{
	return ((ec & GPT_PFEC_W) ? GPT_ACC_WRITE : 0) | ((ec & GPT_PFEC_U) ? GPT_ACC_USER : 0) |
	       ((ec & GPT_PFEC_ID) ? GPT_ACC_FETCH : 0);
}

/* The guest's caching bits (PWT, PCD, PAT index), placed for a shadow leaf at level. */
static u64 shadow_cache_bits(u64 gleaf, u64 guest_page, unsigned int level)
{
	bool pat = guest_page > PAGE_SIZE ? gleaf & PTE_PAT_LARGE : gleaf & PTE_PAT_4K;

	return (gleaf & (PTE_PWT | PTE_PCD)) | (pat ? (level == 2 ? PTE_PAT_LARGE : PTE_PAT_4K) : 0);
}

/*
 * The rights of the shadow leaf. Writable only once the guest's dirty bit is
 * set, so the first write faults here and sets it. A supervisor write the
 * guest allows only because its CR0.WP is clear gets a writable but
 * supervisor-only leaf, as the CPU runs with WP set.
 */
static u64 shadow_rights(const struct gpt_result *g, unsigned int access, bool p2m_writable)
{
	u64 gleaf = g->entry[g->levels > 0 ? g->levels - 1 : 0];
	bool dirty = g->levels == 0 || (gleaf & PTE_D) || (access & GPT_ACC_WRITE);
	u64 r = (g->perms & GPT_PERM_U) ? PTE_U : 0;

	if ((g->perms & GPT_PERM_W) && dirty && p2m_writable)
		r |= PTE_W;
	if (!(g->perms & GPT_PERM_W) && (access & GPT_ACC_WRITE) && p2m_writable)
		r = PTE_W; /* guest CR0.WP = 0 */
	if (g->perms & GPT_PERM_NX)
		r |= PTE_NX;
	return r;
}

/* 2 MiB shadow leaf where the guest page and the p2m both cover the 2 MiB. */
static unsigned int shadow_leaf_level(const struct gpt_result *g, u64 p2m_page)
{
	return g->page_size >= PT_PAGE_SIZE(2) && p2m_page >= PT_PAGE_SIZE(2) ? 2 : 1;
}

/* The level whose entry covers the whole guest page, when the leaf is smaller. */
static unsigned int shadow_split_level(const struct gpt_result *g, unsigned int level)
{
	if (g->page_size <= PT_PAGE_SIZE(level))
		return 0;
	return g->page_size > PT_PAGE_SIZE(2) ? 3 : 2;
}

static u64 shadow_leaf(struct shadow_vcpu *sv, const struct gpt_result *g, unsigned int access,
		       u64 spa, unsigned int p2m_perms, unsigned int level)
{
	u64 gleaf = g->levels ? g->entry[g->levels - 1] : 0;
	u64 leaf = (spa & PTE_ADDR & ~(PT_PAGE_SIZE(level) - 1)) | PTE_P | PTE_A | PTE_D;

	leaf |= shadow_rights(g, access, p2m_perms & P2M_W);
	if (g->levels)
		leaf |= shadow_cache_bits(gleaf, g->page_size, level);
	if ((sv->cr4 & CR4_PGE) && (gleaf & PTE_G))
		leaf |= PTE_G; /* kept across MOV CR3, as the guest asked (CR4.PGE) */
	return leaf | (level == 2 ? PTE_PS : 0);
}

static enum paging_result shadow_p2m_miss(struct vm_exit *npf, u64 gpa, unsigned int access,
					  bool present)
{
	npf->reason = EXIT_NPF;
	npf->npf.gpa = gpa;
	npf->npf.write = access & GPT_ACC_WRITE;
	npf->npf.fetch = access & GPT_ACC_FETCH;
	npf->npf.present = present;
	return PAGING_P2M_MISS;
}

static enum paging_result shadow_install(struct vcpu *v, u64 gva, const struct gpt_result *g,
					 unsigned int access, struct vm_exit *npf,
					 const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;
	struct domain *d = v->dom;
	u64 spa, p2m_page;
	unsigned int perms, level;
	int rc;

	spin_lock(&d->p2m_lock);
	rc = p2m_lookup(&d->p2m, g->gpa, &spa, &perms, &p2m_page);
	spin_unlock(&d->p2m_lock);
	if (rc || ((access & GPT_ACC_WRITE) && !(perms & P2M_W))) {
		sv->stats.faults_p2m++;
		return shadow_p2m_miss(npf, g->gpa, access, !rc);
	}
	level = shadow_leaf_level(g, p2m_page);
	if (sv->pool_free < 4) {
		shadow_tree_drop(sv, false); /* a leaf needs up to 3 tables: start refilling */
		sv->stats.flushes_all++;
	}
	if (!sv->root || shadow_tree_set_leaf(sv, gva, level,
					      shadow_leaf(sv, g, access, spa, perms, level),
					      shadow_split_level(g, level))) {
		*why = "no memory for shadow page tables";
		return PAGING_FAIL;
	}
	sv->stats.faults_filled++;
	hvm->flush_tlb(v);
	return PAGING_DONE;
}

/*
 * The guest's own fault: its error code, CR2 = the address (APM vol. 2
 * 8.4.2). A guest may take the same fault any number of times (a handler
 * that does not fix it), so it does not count as a repeat.
 */
static enum paging_result shadow_guest_fault(struct vcpu *v, u64 gva, u32 ec)
{
	v->shadow.stats.faults_guest++;
	v->shadow.fault_repeats = 0;
	hvm->set_cr2(v, gva);
	hvm->inject_exception(v, X86_PF, true, ec);
	return PAGING_DONE;
}

/*
 * A fault this code answered, coming back from the same instruction and
 * address a thousand times in a row, is a bug here, not progress.
 */
static bool shadow_fault_repeats(struct vcpu *v, u64 gva)
{
	struct shadow_vcpu *sv = &v->shadow;
	struct vcpu_paging p;

	hvm->get_paging(v, &p);
	if (sv->last_fault_va != gva || sv->last_fault_rip != p.rip) {
		sv->last_fault_va = gva;
		sv->last_fault_rip = p.rip;
		sv->fault_repeats = 0;
		return false;
	}
	return ++sv->fault_repeats >= FAULT_REPEAT_LIMIT;
}

enum paging_result shadow_page_fault(struct vcpu *v, u64 gva, u32 ec, struct vm_exit *npf,
				     const char **why)
{
	struct shadow_vcpu *sv = &v->shadow;
	struct vcpu_paging p = { .cr0 = sv->cr0, .cr3 = sv->cr3, .cr4 = sv->cr4, .efer = sv->efer };
	unsigned int access = shadow_access(ec);
	struct gpt_result g;

	sv->stats.faults++;
	if (shadow_fault_repeats(v, gva)) {
		*why = "a shadow page fault that repeats forever";
		return PAGING_FAIL;
	}
	switch (guest_walk_fill(v, &p, gva, access, &g)) {
	case GPT_OK:
		return shadow_install(v, gva, &g, access, npf, why);
	case GPT_PF:
		return shadow_guest_fault(v, gva, g.pf_ec);
	case GPT_GP:
		hvm->inject_exception(v, X86_GP, true, 0);
		return PAGING_DONE;
	case GPT_RETRY:
		return PAGING_DONE; /* the guest changes its tables meanwhile: fault again */
	case GPT_BAD_GPA:
		*why = "its page tables point outside its memory";
		return PAGING_FAIL;
	default:
		*why = "a paging mode the shadow walker does not model";
		return PAGING_FAIL;
	}
}

/* INVLPG drops one translation; all: the address is not known, drop everything. */
void shadow_invlpg(struct vcpu *v, u64 gva, bool all)
{
	struct shadow_vcpu *sv = &v->shadow;

	sv->stats.invlpg++;
	if (!(sv->cr0 & CR0_PG))
		return; /* paging off: identity, nothing cached to drop */
	if (all) {
		shadow_tree_drop(sv, false);
		sv->stats.flushes_all++;
	} else {
		shadow_tree_zap(sv, gva);
	}
	hvm->flush_tlb(v);
}
