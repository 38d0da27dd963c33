/* Unit tests for hypervisor/core/pt.c (4-level page-table builder). */
#include <tess/pt.h>

#include "tu.h"

/* Page tables live in a host arena; "physical" addresses start at BASE. */
#define BASE 0x40000000ull

struct arena {
	u8 *mem;
	unsigned int pages, used;
};

static void *to_virt(u64 pa, void *opaque)
{
	struct arena *a = opaque;

	if (pa < BASE || pa >= BASE + (u64)a->pages * PAGE_SIZE || (pa & 0xfff)) {
		fprintf(stderr, "to_virt: bad table address 0x%llx\n", (unsigned long long)pa);
		abort();
	}
	return a->mem + (pa - BASE);
}

static u64 alloc_table(void *opaque)
{
	struct arena *a = opaque;

	if (a->used == a->pages)
		return 0;
	memset(a->mem + (u64)a->used * PAGE_SIZE, 0, PAGE_SIZE);
	return BASE + (u64)a->used++ * PAGE_SIZE;
}

static struct arena arena;
static struct pt_ctx ctx;

static void setup(unsigned int pages, bool allow_1g)
{
	arena.mem = aligned_alloc(PAGE_SIZE, (size_t)pages * PAGE_SIZE);
	memset(arena.mem, 0xcc, (size_t)pages * PAGE_SIZE);
	arena.pages = pages;
	arena.used = 0;
	ctx.opaque = &arena;
	ctx.to_virt = to_virt;
	ctx.alloc_table = alloc_table;
	ctx.allow_1g = allow_1g;
	ctx.table_flags = PTE_P | PTE_W | PTE_U;
	ctx.root = alloc_table(&arena);
}

static void teardown(void)
{
	free(arena.mem);
}

#define RW (PTE_P | PTE_W)

/* Expect va to translate to pa at level with flags. */
#define CHECK_MAP(va, want_pa, want_level, want_flags)                           \
	do {                                                                     \
		u64 pa_ = 0, fl_ = 0;                                            \
		unsigned int lv_ = 0;                                            \
		CHECK_EQ(pt_lookup(&ctx, (va), &pa_, &fl_, &lv_), 0);            \
		CHECK_EQ(pa_, (want_pa));                                        \
		CHECK_EQ(lv_, (want_level));                                     \
		CHECK_EQ(fl_, (want_flags));                                     \
	} while (0)

#define CHECK_UNMAPPED(va)                                                     \
	do {                                                                   \
		u64 pa_, fl_;                                                  \
		CHECK_EQ(pt_lookup(&ctx, (va), &pa_, &fl_, NULL), -1);         \
	} while (0)

static void pt_empty_lookup(void)
{
	setup(4, true);
	CHECK_UNMAPPED(0);
	CHECK_UNMAPPED(0xffff800000000000ull);
	CHECK_EQ(pt_map(&ctx, 0x1000, 0x1000, 0, RW), 0); /* size 0: nothing */
	CHECK_UNMAPPED(0x1000);
	CHECK_EQ(arena.used, 1);
	teardown();
}

static void pt_map_4k(void)
{
	u64 *root;

	setup(8, true);
	CHECK_EQ(pt_map(&ctx, 0x7000, 0x123000, 0x1000, RW | PTE_NX), 0);
	CHECK_MAP(0x7000, 0x123000, 1, RW | PTE_NX);
	CHECK_MAP(0x7abc, 0x123abc, 1, RW | PTE_NX);
	CHECK_UNMAPPED(0x6fff);
	CHECK_UNMAPPED(0x8000);
	CHECK_EQ(arena.used, 4); /* root, PDPT, PD, PT */
	root = to_virt(ctx.root, &arena);
	CHECK_EQ(root[0] & ~PTE_ADDR, ctx.table_flags);
	CHECK_EQ(root[1], 0);
	teardown();
}

static void pt_map_2m_and_1g(void)
{
	setup(16, true);
	CHECK_EQ(pt_map(&ctx, 0x200000, 0x600000, 0x200000, RW), 0);
	CHECK_MAP(0x200000, 0x600000, 2, RW);
	CHECK_MAP(0x3fffff, 0x7fffff, 2, RW);
	CHECK_UNMAPPED(0x400000);
	CHECK_EQ(pt_map(&ctx, GB(4), GB(1), GB(1), RW | PTE_U), 0);
	CHECK_MAP(GB(4) + 0x12345678, GB(1) + 0x12345678, 3, RW | PTE_U);
	CHECK_EQ(arena.used, 3); /* root, PDPT, PD: no 4K tables */
	teardown();

	/* Without 1G support the same range needs 512 2M entries. */
	setup(16, false);
	CHECK_EQ(pt_map(&ctx, GB(4), GB(1), GB(1), RW), 0);
	CHECK_MAP(GB(4), GB(1), 2, RW);
	CHECK_MAP(GB(5) - 1, GB(2) - 1, 2, RW);
	CHECK_EQ(arena.used, 3);
	teardown();
}

static void pt_map_mixed_sizes(void)
{
	setup(16, true);
	/* 0x1ff000 .. 0x601000: 4K, 2M, 2M, 4K. */
	CHECK_EQ(pt_map(&ctx, 0x1ff000, 0x1ff000, 0x402000, RW), 0);
	CHECK_MAP(0x1ff000, 0x1ff000, 1, RW);
	CHECK_MAP(0x200000, 0x200000, 2, RW);
	CHECK_MAP(0x5fffff, 0x5fffff, 2, RW);
	CHECK_MAP(0x600000, 0x600000, 1, RW);
	CHECK_UNMAPPED(0x1fe000);
	CHECK_UNMAPPED(0x601000);
	teardown();
}

static void pt_map_misaligned_pa_forces_4k(void)
{
	setup(16, true);
	/* va is 2M aligned but pa only 4K aligned: 4K pages only. */
	CHECK_EQ(pt_map(&ctx, 0x200000, 0x201000, 0x200000, RW), 0);
	CHECK_MAP(0x200000, 0x201000, 1, RW);
	CHECK_MAP(0x3ff000, 0x400000, 1, RW);
	CHECK_UNMAPPED(0x400000);
	teardown();
}

static void pt_map_bad_alignment(void)
{
	setup(8, true);
	CHECK_EQ(pt_map(&ctx, 0x1001, 0x1000, 0x1000, RW), -2);
	CHECK_EQ(pt_map(&ctx, 0x1000, 0x1800, 0x1000, RW), -2);
	CHECK_EQ(pt_map(&ctx, 0x1000, 0x1000, 0x800, RW), -2);
	CHECK_EQ(pt_unmap(&ctx, 0x1800, 0x1000), -2);
	CHECK_EQ(pt_unmap(&ctx, 0x1000, 0x10), -2);
	CHECK_EQ(arena.used, 1); /* nothing allocated */
	CHECK_UNMAPPED(0x1000);
	teardown();
}

static void pt_split_1g(void)
{
	setup(16, true);
	CHECK_EQ(pt_map(&ctx, 0, 0, GB(1), RW), 0);
	CHECK_MAP(0x12345000, 0x12345000, 3, RW);
	/* Remap one 4K page inside the 1G page elsewhere, read-only. */
	CHECK_EQ(pt_map(&ctx, 0x12345000, 0x80000000, 0x1000, PTE_P | PTE_NX), 0);
	CHECK_MAP(0x12345000, 0x80000000, 1, PTE_P | PTE_NX);
	CHECK_MAP(0x12344000, 0x12344000, 1, RW); /* neighbours in the split 2M */
	CHECK_MAP(0x12346fff, 0x12346fff, 1, RW);
	CHECK_MAP(0x12200000, 0x12200000, 1, RW);
	CHECK_MAP(0x123fffff, 0x123fffff, 1, RW);
	CHECK_MAP(0x12400000, 0x12400000, 2, RW); /* other 2M pages stay large */
	CHECK_MAP(0x0, 0x0, 2, RW);
	CHECK_MAP(GB(1) - 1, GB(1) - 1, 2, RW);
	CHECK_UNMAPPED(GB(1));
	teardown();
}

static void pt_remap_over_table(void)
{
	setup(16, true);
	CHECK_EQ(pt_map(&ctx, 0x200000, 0x200000, 0x200000, RW), 0);
	CHECK_EQ(pt_map(&ctx, 0x201000, 0x9000000, 0x1000, RW), 0); /* splits */
	/* Map the whole 2M again somewhere else: every page must follow. */
	CHECK_EQ(pt_map(&ctx, 0x200000, 0x40000000, 0x200000, RW | PTE_U), 0);
	for (u64 off = 0; off < 0x200000; off += 0x1000) {
		u64 pa = 0, fl = 0;

		if (pt_lookup(&ctx, 0x200000 + off, &pa, &fl, NULL) ||
		    pa != 0x40000000 + off || fl != (RW | PTE_U)) {
			tu_fail(__FILE__, __LINE__, "offset 0x%llx: pa 0x%llx flags 0x%llx",
				(unsigned long long)off, (unsigned long long)pa,
				(unsigned long long)fl);
			break;
		}
	}
	teardown();
}

static void pt_high_half(void)
{
	const u64 va = 0xffffffff80000000ull; /* last PML4 slot */

	setup(16, true);
	CHECK_EQ(pt_map(&ctx, va, 0x1000000, MB(4), RW), 0);
	CHECK_MAP(va, 0x1000000, 2, RW);
	CHECK_MAP(va + MB(4) - 1, 0x1000000 + MB(4) - 1, 2, RW);
	CHECK_UNMAPPED(va - 1);
	CHECK_UNMAPPED(0xffffff7fffe00000ull); /* PML4 slot 510 */
	u64 *root = to_virt(ctx.root, &arena);
	CHECK(root[511] & PTE_P);
	CHECK_EQ(root[0], 0);
	teardown();
}

static void pt_unmap_parts(void)
{
	setup(16, true);
	CHECK_EQ(pt_map(&ctx, 0, 0, GB(1), RW), 0);
	/* 4K hole inside a large page. */
	CHECK_EQ(pt_unmap(&ctx, 0x5000, 0x1000), 0);
	CHECK_UNMAPPED(0x5000);
	CHECK_UNMAPPED(0x5fff);
	CHECK_MAP(0x4000, 0x4000, 1, RW);
	CHECK_MAP(0x6000, 0x6000, 1, RW);
	/* A 2M hole. */
	CHECK_EQ(pt_unmap(&ctx, 0x400000, 0x200000), 0);
	CHECK_UNMAPPED(0x400000);
	CHECK_UNMAPPED(0x5ff000);
	CHECK_MAP(0x600000, 0x600000, 2, RW);
	CHECK_MAP(0x3ff000, 0x3ff000, 2, RW);
	/* Everything, across the split table. */
	CHECK_EQ(pt_unmap(&ctx, 0, GB(1)), 0);
	for (u64 va = 0; va < GB(1); va += MB(2))
		CHECK_UNMAPPED(va);
	CHECK_UNMAPPED(0x4000);
	CHECK_EQ(pt_unmap(&ctx, 0, 0), 0);
	teardown();
}

static void pt_alloc_failure(void)
{
	setup(2, true); /* root + one table: a 4K mapping needs three */
	CHECK_EQ(pt_map(&ctx, 0x1000, 0x1000, 0x1000, RW), -1);
	CHECK_UNMAPPED(0x1000);
	teardown();

	setup(3, true); /* enough for a 2M page but not for splitting it */
	CHECK_EQ(pt_map(&ctx, 0, 0, MB(2), RW), 0);
	CHECK_EQ(pt_map(&ctx, 0x1000, 0x5000, 0x1000, RW), -1);
	CHECK_MAP(0x1000, 0x1000, 2, RW); /* the old mapping survives */
	CHECK_EQ(pt_unmap(&ctx, 0x1000, 0x1000), -1);
	CHECK_MAP(0x1000, 0x1000, 2, RW);
	teardown();
}

static const struct tu_case cases[] = {
	TU_CASE(pt_empty_lookup),
	TU_CASE(pt_map_4k),
	TU_CASE(pt_map_2m_and_1g),
	TU_CASE(pt_map_mixed_sizes),
	TU_CASE(pt_map_misaligned_pa_forces_4k),
	TU_CASE(pt_map_bad_alignment),
	TU_CASE(pt_split_1g),
	TU_CASE(pt_remap_over_table),
	TU_CASE(pt_high_half),
	TU_CASE(pt_unmap_parts),
	TU_CASE(pt_alloc_failure),
};

TU_MAIN("pt", cases)
