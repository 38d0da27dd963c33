/*
 * Nested paging (AMD NPT, AMD APM vol. 2 section 15.25) as a paging mode:
 * the CPU walks the domain's p2m itself, the guest owns its CR3 and its
 * page faults, so the mode has nothing to intercept; translating a guest
 * address only reads the guest's own tables.
 */
#include <tess/domain.h>
#include <tess/paging.h>

static u64 npt_slat_root(struct domain *d)
{
	return p2m_root(&d->p2m);
}

const struct paging_ops npt_paging_ops = {
	.name = "HAP (NPT)",
	.slat_root = npt_slat_root,
	.translate = guest_translate,
};
