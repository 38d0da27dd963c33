/*
 * Nested paging ops for AMD NPT (AMD APM vol. 2 section 15.25). Nested
 * tables use the long-mode format; every entry needs U=1 because the CPU
 * treats nested walks as user accesses (15.25.5).
 */
#include <tess/cpu.h>
#include <tess/mm.h>
#include <tess/paging.h>

#define NPT_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

static void *npt_to_virt(u64 pa, void *opaque)
{
	(void)opaque;
	return phys_to_virt(pa);
}

static u64 npt_alloc_table(void *opaque)
{
	(void)opaque;
	return mm_alloc_page();
}

static void npt_free_table(u64 pa, void *opaque)
{
	(void)opaque;
	mm_free_pages(pa, 1);
}

static int npt_init(struct p2m *p)
{
	p->pt.table_flags = NPT_TABLE_FLAGS;
	p->pt.allow_1g = boot_cpu.page_1g;
	p->pt.to_virt = npt_to_virt;
	p->pt.alloc_table = npt_alloc_table;
	p->pt.free_table = npt_free_table;
	p->pt.root = mm_alloc_page();
	return p->pt.root ? 0 : -1;
}

static u64 npt_flags(unsigned int perms)
{
	/* NPT has no read-only-without-read: R is implied by P. NX needs EFER.NXE. */
	return PTE_P | PTE_U | ((perms & P2M_W) ? PTE_W : 0);
}

static int npt_map(struct p2m *p, u64 gpa, u64 spa, u64 size, unsigned int perms)
{
	return pt_map(&p->pt, gpa, spa, size, npt_flags(perms));
}

static int npt_unmap(struct p2m *p, u64 gpa, u64 size)
{
	return pt_unmap(&p->pt, gpa, size);
}

static int npt_lookup(struct p2m *p, u64 gpa, u64 *spa, unsigned int *perms)
{
	u64 flags;

	if (pt_lookup(&p->pt, gpa, spa, &flags, NULL))
		return -1;
	*perms = P2M_R | P2M_X | ((flags & PTE_W) ? P2M_W : 0);
	return 0;
}

static u64 npt_root(struct p2m *p)
{
	return p->pt.root;
}

static void npt_destroy(struct p2m *p)
{
	pt_free_tables(&p->pt);
}

const struct paging_ops npt_paging_ops = {
	.name = "HAP (NPT)",
	.init = npt_init,
	.map = npt_map,
	.unmap = npt_unmap,
	.lookup = npt_lookup,
	.root = npt_root,
	.destroy = npt_destroy,
};
