/*
 * Unit tests for hypervisor/arch/x86/shadow_tree.c: the per-vCPU shadow
 * tree (a virtual TLB in page-table form). The page allocator is provided
 * here; physical addresses are host pointers (TESS_HOSTED).
 */
#include <stdlib.h>

#include <tess/mm.h>
#include <tess/pt.h>
#include <tess/shadow.h>

#include "tu.h"

static unsigned int pool_allocs, pool_frees;

u64 mm_alloc_pages(u64 count, u64 align_pages)
{
	void *p = aligned_alloc(align_pages * 4096, count * 4096);

	if (p)
		memset(p, 0, count * 4096);
	pool_allocs++;
	return (u64)(uintptr_t)p;
}

void mm_free_pages(u64 pa, u64 count)
{
	(void)count;
	pool_frees++;
	free((void *)(uintptr_t)pa);
}

static u64 *table(u64 e)
{
	return (u64 *)(uintptr_t)(e & PTE_ADDR);
}

/* The entry at level for va (4 = PML4), walking from the root; 0 if absent. */
static u64 entry_at(const struct shadow_vcpu *sv, u64 va, unsigned int level)
{
	u64 *t = table(sv->root);

	for (unsigned int l = sv->levels; l > level; l--) {
		unsigned int i = sv->levels == 3 && l == 3 ? (va >> 30) & 3 : (va >> PT_LEVEL_SHIFT(l)) & 511;

		if (!(t[i] & PTE_P) || (l == 2 && (t[i] & PTE_PS)))
			return 0;
		t = table(t[i]);
	}
	return t[sv->levels == 3 && level == 3 ? (va >> 30) & 3 : (va >> PT_LEVEL_SHIFT(level)) & 511];
}

static void tree_new(struct shadow_vcpu *sv, unsigned int levels)
{
	memset(sv, 0, sizeof(*sv));
	CHECK_EQ(shadow_pool_init(sv), 0);
	CHECK_EQ(shadow_tree_reset(sv, levels), 0);
}

static void tree_leaf_and_path(void)
{
	static struct shadow_vcpu sv;
	u64 va = 0x00007f1234567000ull, leaf = 0x5000 | PTE_P | PTE_W | PTE_U;

	tree_new(&sv, 4);
	CHECK_EQ(sv.tables, 1);
	CHECK_EQ(shadow_tree_set_leaf(&sv, va, 1, leaf, 0), 0);
	CHECK_EQ(sv.tables, 4);
	CHECK_EQ(entry_at(&sv, va, 1), leaf);
	/* Intermediate entries allow everything and say "non-global below". */
	for (unsigned int l = 4; l >= 2; l--)
		CHECK_EQ(entry_at(&sv, va, l) & ~PTE_ADDR,
			 PTE_P | PTE_W | PTE_U | SH_NONGLOBAL);
	CHECK_EQ(entry_at(&sv, va + 0x1000, 1), 0);
	shadow_pool_free(&sv);
	CHECK_EQ(pool_allocs, pool_frees);
}

static void tree_cr3_keeps_global(void)
{
	static struct shadow_vcpu sv;
	u64 user = 0x400000, kernel = 0xffffffff81000000ull;

	tree_new(&sv, 4);
	CHECK_EQ(shadow_tree_set_leaf(&sv, user, 1, 0x1000 | PTE_P | PTE_U, 0), 0);
	CHECK_EQ(shadow_tree_set_leaf(&sv, kernel, 1, 0x2000 | PTE_P | PTE_G, 0), 0);
	CHECK_EQ(shadow_tree_set_leaf(&sv, kernel + 0x1000, 1, 0x3000 | PTE_P, 0), 0);
	CHECK_EQ(sv.tables, 7);
	shadow_tree_drop(&sv, true);
	CHECK_EQ(entry_at(&sv, user, 1), 0);
	CHECK_EQ(entry_at(&sv, user, 4), 0);          /* the user subtree went */
	CHECK_EQ(entry_at(&sv, kernel, 1), 0x2000 | PTE_P | PTE_G);
	CHECK_EQ(entry_at(&sv, kernel + 0x1000, 1), 0);
	CHECK_EQ(entry_at(&sv, kernel, 2) & SH_NONGLOBAL, 0);
	CHECK_EQ(sv.tables, 4);
	CHECK_EQ(sv.pool_free, SHADOW_POOL_PAGES - 4);
	shadow_tree_drop(&sv, false);
	CHECK_EQ(entry_at(&sv, kernel, 1), 0);
	CHECK_EQ(sv.tables, 1);
	shadow_pool_free(&sv);
}

static void tree_invlpg(void)
{
	static struct shadow_vcpu sv;
	u64 va = 0x40000000, big = 0x80000000;

	tree_new(&sv, 4);
	CHECK_EQ(shadow_tree_set_leaf(&sv, va, 1, 0x1000 | PTE_P, 0), 0);
	CHECK_EQ(shadow_tree_set_leaf(&sv, va + 0x1000, 1, 0x2000 | PTE_P, 0), 0);
	shadow_tree_zap(&sv, va);
	CHECK_EQ(entry_at(&sv, va, 1), 0);
	CHECK_EQ(entry_at(&sv, va + 0x1000, 1), 0x2000 | PTE_P);
	/* Pieces of one guest 2 MiB page: INVLPG anywhere in it drops them all. */
	CHECK_EQ(shadow_tree_set_leaf(&sv, big, 1, 0x3000 | PTE_P, 2), 0);
	CHECK_EQ(shadow_tree_set_leaf(&sv, big + 0x5000, 1, 0x8000 | PTE_P, 2), 0);
	CHECK(entry_at(&sv, big, 2) & SH_SPLIT);
	shadow_tree_zap(&sv, big + 0x1ff000);
	CHECK_EQ(entry_at(&sv, big, 2), 0);
	CHECK_EQ(entry_at(&sv, big + 0x5000, 1), 0);
	CHECK_EQ(entry_at(&sv, va + 0x1000, 1), 0x2000 | PTE_P); /* elsewhere: kept */
	shadow_pool_free(&sv);
}

static void tree_large_leaf_replaced(void)
{
	static struct shadow_vcpu sv;
	u64 va = 0x200000;

	tree_new(&sv, 4);
	CHECK_EQ(shadow_tree_set_leaf(&sv, va, 2, 0x600000 | PTE_P | PTE_PS, 0), 0);
	CHECK_EQ(entry_at(&sv, va, 2), 0x600000 | PTE_P | PTE_PS);
	CHECK_EQ(shadow_tree_set_leaf(&sv, va + 0x3000, 1, 0x9000 | PTE_P, 0), 0);
	CHECK_EQ(entry_at(&sv, va + 0x3000, 1), 0x9000 | PTE_P);
	CHECK_EQ(entry_at(&sv, va, 1), 0);             /* the 2 MiB leaf is gone */
	shadow_pool_free(&sv);
}

static void tree_pae_for_paging_off(void)
{
	static struct shadow_vcpu sv;
	u64 *pdpt;

	tree_new(&sv, 3);
	CHECK_EQ(sv.tables, 5);                        /* PDPT and its four PDs */
	pdpt = table(sv.root);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pdpt[i] & ~PTE_ADDR, PTE_P);  /* PDPTEs take no R/W, U/S, NX */
	CHECK_EQ(shadow_tree_set_leaf(&sv, 0xfee00000, 1, 0xfee00000 | PTE_P | PTE_W, 0), 0);
	CHECK_EQ(entry_at(&sv, 0xfee00000, 1), 0xfee00000 | PTE_P | PTE_W);
	CHECK_EQ(pdpt[3] & ~PTE_ADDR & ~SH_NONGLOBAL, PTE_P);
	shadow_tree_drop(&sv, false);
	CHECK_EQ(sv.tables, 5);                        /* the PDs stay: the CPU holds the PDPTEs */
	CHECK_EQ(entry_at(&sv, 0xfee00000, 1), 0);
	shadow_pool_free(&sv);
}

static void tree_pool_runs_out(void)
{
	static struct shadow_vcpu sv;
	int rc = 0;
	u64 i;

	tree_new(&sv, 4);
	/* Every 2 MiB region takes a table of its own (and every 1 GiB another). */
	for (i = 0; i < 2 * SHADOW_POOL_PAGES && rc == 0; i++)
		rc = shadow_tree_set_leaf(&sv, i << 21, 1, 0x1000 | PTE_P, 0);
	CHECK_EQ(rc, -1);
	CHECK_EQ(sv.pool_free, 0);
	CHECK_EQ(sv.tables, SHADOW_POOL_PAGES);
	shadow_tree_drop(&sv, false);
	CHECK_EQ(sv.tables, 1);
	CHECK_EQ(sv.pool_free, SHADOW_POOL_PAGES - 1);
	CHECK_EQ(shadow_tree_set_leaf(&sv, 0, 1, 0x1000 | PTE_P, 0), 0);
	shadow_pool_free(&sv);
}

static const struct tu_case cases[] = {
	TU_CASE(tree_leaf_and_path),
	TU_CASE(tree_cr3_keeps_global),
	TU_CASE(tree_invlpg),
	TU_CASE(tree_large_leaf_replaced),
	TU_CASE(tree_pae_for_paging_off),
	TU_CASE(tree_pool_runs_out),
};

TU_MAIN("shadow_tree", cases)
