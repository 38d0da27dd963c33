/*
 * The p2m of a domain: guest-physical -> machine, kept in the long-mode
 * page-table format of pt.c so that nested paging can hand it to the CPU
 * as it is (AMD APM vol. 2, 15.25). Every entry has U=1 because the CPU
 * treats nested walks as user accesses (15.25.5); shadow paging reads the
 * same table in software.
 */
#include <tess/cpu.h>
#include <tess/mm.h>
#include <tess/paging.h>

#define P2M_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

static void *p2m_to_virt(u64 pa, void *opaque)
{
	(void)opaque;
	return phys_to_virt(pa);
}

static u64 p2m_alloc_table(void *opaque)
{
	(void)opaque;
	return mm_alloc_page();
}

static void p2m_free_table(u64 pa, void *opaque)
{
	(void)opaque;
	mm_free_pages(pa, 1);
}

int p2m_init(struct p2m *p)
{
	p->pt.table_flags = P2M_TABLE_FLAGS;
	p->pt.allow_1g = boot_cpu.page_1g;
	p->pt.to_virt = p2m_to_virt;
	p->pt.alloc_table = p2m_alloc_table;
	p->pt.free_table = p2m_free_table;
	p->pt.root = mm_alloc_page();
	return p->pt.root ? 0 : -1;
}

static u64 p2m_flags(unsigned int perms)
{
	/* No read-only-without-read: R is implied by P. NX needs EFER.NXE. */
	return PTE_P | PTE_U | ((perms & P2M_W) ? PTE_W : 0);
}

int p2m_map(struct p2m *p, u64 gpa, u64 spa, u64 size, unsigned int perms)
{
	return pt_map(&p->pt, gpa, spa, size, p2m_flags(perms));
}

int p2m_unmap(struct p2m *p, u64 gpa, u64 size)
{
	return pt_unmap(&p->pt, gpa, size);
}

int p2m_lookup(struct p2m *p, u64 gpa, u64 *spa, unsigned int *perms, u64 *page_size)
{
	unsigned int level;
	u64 flags;

	if (pt_lookup(&p->pt, gpa, spa, &flags, &level))
		return -1;
	*perms = P2M_R | P2M_X | ((flags & PTE_W) ? P2M_W : 0);
	if (page_size)
		*page_size = PT_PAGE_SIZE(level);
	return 0;
}

u64 p2m_root(const struct p2m *p)
{
	return p->pt.root;
}

void p2m_destroy(struct p2m *p)
{
	if (p->pt.root)
		pt_free_tables(&p->pt);
	p->pt.root = 0;
}
