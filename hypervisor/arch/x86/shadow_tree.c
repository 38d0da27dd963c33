/*
 * The shadow tree of one vCPU: long-mode tables (AMD APM vol. 2 5.3.3) for
 * a guest in long mode, or legacy PAE tables (5.3.2: a 4-entry PDPT whose
 * entries take only P, PWT, PCD and the address) for a guest with paging
 * off, which the CPU then runs in paged real or paged protected mode
 * (APM vol. 2 15.19). Non-leaf entries allow everything; leaves carry the
 * combined rights. The tree and its pool are private to the vCPU, so they
 * need no lock.
 */
#include <tess/lib.h>
#include <tess/mm.h>
#include <tess/pt.h>
#include <tess/shadow.h>
#include <tess/x86.h>

#define SH_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)
#define SH_PAE_PDPTES 4

static u64 *sh_table(u64 entry_or_pa)
{
	return phys_to_virt(entry_or_pa & PTE_ADDR);
}

static bool sh_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (level == 2 && (e & PTE_PS));
}

static unsigned int sh_index(const struct shadow_vcpu *sv, u64 va, unsigned int level)
{
	if (sv->levels == 3 && level == 3)
		return (va >> 30) & 3;
	return (va >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1);
}

int shadow_pool_init(struct shadow_vcpu *sv)
{
	sv->pool_pa = mm_alloc_pages(SHADOW_POOL_PAGES, 1);
	if (!sv->pool_pa)
		return -1;
	for (unsigned int i = 0; i < SHADOW_POOL_PAGES; i++)
		sv->free_pages[i] = (u16)(SHADOW_POOL_PAGES - 1 - i);
	sv->pool_free = SHADOW_POOL_PAGES;
	return 0;
}

void shadow_pool_free(struct shadow_vcpu *sv)
{
	shadow_tree_free(sv);
	if (sv->pool_pa)
		mm_free_pages(sv->pool_pa, SHADOW_POOL_PAGES);
	sv->pool_pa = 0;
	sv->pool_free = 0;
}

/* A zeroed table from the pool, 0 when the pool is empty. */
static u64 sh_alloc(struct shadow_vcpu *sv)
{
	u64 pa;

	if (!sv->pool_free)
		return 0;
	pa = sv->pool_pa + ((u64)sv->free_pages[--sv->pool_free] << PAGE_SHIFT);
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	sv->tables++;
	sv->stats.tables_built++;
	return pa;
}

static void sh_free_page(struct shadow_vcpu *sv, u64 pa)
{
	sv->free_pages[sv->pool_free++] = (u16)((pa - sv->pool_pa) >> PAGE_SHIFT);
	sv->tables--;
	sv->stats.tables_freed++;
}

static void sh_free_table(struct shadow_vcpu *sv, u64 pa, unsigned int level)
{
	u64 *t = sh_table(pa);

	for (unsigned int i = 0; level > 1 && i < PT_ENTRIES; i++)
		if ((t[i] & PTE_P) && !sh_is_leaf(t[i], level))
			sh_free_table(sv, t[i], level - 1);
	sh_free_page(sv, pa & PTE_ADDR);
}

void shadow_tree_free(struct shadow_vcpu *sv)
{
	if (sv->root)
		sh_free_table(sv, sv->root, sv->levels);
	sv->root = 0;
}

/* A PAE PDPT's four entries are present from the start: the CPU reads them
 * when CR3 is loaded, not on each walk (APM vol. 2 5.3.2). */
static int sh_fill_pdpt(struct shadow_vcpu *sv)
{
	u64 *pdpt = sh_table(sv->root);

	for (unsigned int i = 0; i < SH_PAE_PDPTES; i++) {
		u64 pd = sh_alloc(sv);

		if (!pd)
			return -1;
		pdpt[i] = pd | PTE_P;
	}
	return 0;
}

int shadow_tree_reset(struct shadow_vcpu *sv, unsigned int levels)
{
	shadow_tree_free(sv);
	sv->levels = levels;
	sv->root = sh_alloc(sv);
	if (!sv->root || (levels == 3 && sh_fill_pdpt(sv))) {
		shadow_tree_free(sv);
		return -1;
	}
	return 0;
}

/* Drop the leaves below t (only the non-global ones with keep_global); true if t is left empty. */
static bool sh_drop(struct shadow_vcpu *sv, u64 *t, unsigned int level, bool keep_global)
{
	bool empty = true;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		u64 e = t[i];

		if (!(e & PTE_P))
			continue;
		if (sh_is_leaf(e, level)) {
			if (keep_global && (e & PTE_G))
				empty = false;
			else
				t[i] = 0;
			continue;
		}
		if ((!keep_global || (e & SH_NONGLOBAL)) &&
		    sh_drop(sv, sh_table(e), level - 1, keep_global)) {
			sh_free_table(sv, e, level - 1);
			t[i] = 0;
			continue;
		}
		t[i] = e & ~SH_NONGLOBAL;
		empty = false;
	}
	return empty;
}

void shadow_tree_drop(struct shadow_vcpu *sv, bool keep_global)
{
	u64 *root = sv->root ? sh_table(sv->root) : NULL;

	if (root && sv->levels == 4)
		sh_drop(sv, root, 4, keep_global);
	for (unsigned int i = 0; root && sv->levels == 3 && i < SH_PAE_PDPTES; i++)
		sh_drop(sv, sh_table(root[i]), 2, keep_global); /* the PDs stay */
}

void shadow_tree_zap(struct shadow_vcpu *sv, u64 va)
{
	u64 *t = sv->root ? sh_table(sv->root) : NULL;

	for (unsigned int level = sv->levels; t && level >= 1; level--) {
		u64 *e = &t[sh_index(sv, va, level)];

		if (!(*e & PTE_P))
			return;
		if (sh_is_leaf(*e, level)) {
			*e = 0;
			return;
		}
		if ((*e & SH_SPLIT) && level < sv->levels) {
			sh_free_table(sv, *e, level - 1);
			*e = 0;
			return;
		}
		t = sh_table(*e);
	}
}

/* The entry at level pointing to a table for the next level down, made if missing. */
static u64 *sh_next_table(struct shadow_vcpu *sv, u64 *e, unsigned int level, u64 marks)
{
	bool pae_pdpte = sv->levels == 3 && level == 3;

	if (!(*e & PTE_P) || sh_is_leaf(*e, level)) {
		u64 pa = sh_alloc(sv);

		if (!pa)
			return NULL;
		/* A 2 MiB leaf here gives way to a table of 4 KiB ones. */
		*e = pa | (pae_pdpte ? PTE_P : SH_TABLE_FLAGS);
	}
	*e |= marks;
	return sh_table(*e);
}

int shadow_tree_set_leaf(struct shadow_vcpu *sv, u64 va, unsigned int level, u64 leaf,
			 unsigned int split_level)
{
	u64 marks = (leaf & PTE_G) ? 0 : SH_NONGLOBAL;
	u64 *t = sh_table(sv->root);

	for (unsigned int l = sv->levels; l > level; l--) {
		u64 *e = &t[sh_index(sv, va, l)];

		t = sh_next_table(sv, e, l, marks | (l == split_level ? SH_SPLIT : 0));
		if (!t)
			return -1;
	}
	t[sh_index(sv, va, level)] = leaf;
	return 0;
}
