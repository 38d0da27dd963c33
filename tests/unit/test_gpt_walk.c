/*
 * Host tests of the guest page-table walker (hypervisor/core/gpt_walk.c):
 * page tables are built in a buffer that plays the guest's RAM, and each
 * case checks a translation, a fault's error code, or what the walk wrote.
 */
#include "tu.h"

#include <tess/gpt_walk.h>
#include <tess/pt.h>
#include <tess/x86.h>

#define RAM_SIZE MB(1)
#define TABLES 0x10000ull          /* page tables are bump-allocated from here */

static u8 ram[RAM_SIZE];
static u64 next_table;
static int races;                  /* cmpxchg reports "changed" this many times */

static int ram_read(void *ctx, u64 gpa, unsigned int size, u64 *val)
{
	(void)ctx;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return -1;
	*val = 0;
	memcpy(val, ram + gpa, size);
	return 0;
}

static int ram_cmpxchg(void *ctx, u64 gpa, unsigned int size, u64 old, u64 new)
{
	u64 cur;

	if (ram_read(ctx, gpa, size, &cur))
		return -1;
	if (races > 0) {
		races--;
		return 1;
	}
	if (cur != old)
		return 1;
	memcpy(ram + gpa, &new, size);
	return 0;
}

static const struct gpt_mem mem = { NULL, ram_read, ram_cmpxchg };

static u64 rd(u64 gpa, unsigned int size)
{
	u64 v = 0;

	memcpy(&v, ram + gpa, size);
	return v;
}

static void wr(u64 gpa, unsigned int size, u64 v)
{
	memcpy(ram + gpa, &v, size);
}

static u64 new_table(void)
{
	u64 t = next_table;

	next_table += PAGE_SIZE;
	memset(ram + t, 0, PAGE_SIZE);
	return t;
}

static void reset(void)
{
	memset(ram, 0, sizeof(ram));
	next_table = TABLES;
	races = 0;
}

/* Long mode: the entry for gva at depth (0 = PML4E) whose leaf is at
 * leaf_depth, creating tables on the way with flags (P|W|U unless given). */
static u64 long_map(u64 cr3, u64 gva, int leaf_depth, u64 target, u64 flags)
{
	static const unsigned int shift[] = { 39, 30, 21, 12 };
	u64 table = cr3;

	for (int i = 0; i < leaf_depth; i++) {
		u64 slot = table + ((gva >> shift[i]) & 511) * 8, e = rd(slot, 8);

		if (!(e & PTE_P)) {
			e = new_table() | PTE_P | PTE_W | PTE_U;
			wr(slot, 8, e);
		}
		table = e & PTE_ADDR;
	}
	wr(table + ((gva >> shift[leaf_depth]) & 511) * 8, 8,
	   target | flags | (leaf_depth < 3 ? PTE_PS : 0));
	return table + ((gva >> shift[leaf_depth]) & 511) * 8;
}

static struct gpt_regs long_regs(u64 cr3)
{
	return (struct gpt_regs){ .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = cr3,
				  .cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA | EFER_NXE,
				  .maxphyaddr = 40 };
}

#define RWU (PTE_P | PTE_W | PTE_U)
#define GVA 0x00007f1234567000ull

static void paging_off_is_identity(void)
{
	struct gpt_regs r = { .cr0 = CR0_PE };
	struct gpt_result res;

	reset();
	CHECK_EQ(gpt_walk(&mem, &r, 0x100001234ull, GPT_ACC_WRITE | GPT_ACC_FETCH, true, &res),
		 GPT_OK);
	CHECK_EQ(res.gpa, 0x1234);         /* 32-bit linear addresses */
	CHECK_EQ(res.levels, 0);
}

static void long_4k_read_sets_accessed(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;
	u64 pte = long_map(cr3, GVA, 3, 0x55000, RWU);

	CHECK_EQ(gpt_walk(&mem, &r, GVA + 0x123, 0, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, 0x55123);
	CHECK_EQ(res.page_size, PAGE_SIZE);
	CHECK_EQ(res.levels, 4);
	CHECK_EQ(res.entry_gpa[3], pte);
	CHECK_EQ(res.perms, GPT_PERM_W | GPT_PERM_U);
	for (int i = 0; i < 4; i++)
		CHECK(rd(res.entry_gpa[i], 8) & PTE_A);
	CHECK(!(rd(pte, 8) & PTE_D));
}

static void long_4k_write_sets_dirty(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;
	u64 pte = long_map(cr3, GVA, 3, 0x55000, RWU);

	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE, true, &res), GPT_OK);
	CHECK_EQ(rd(pte, 8) & (PTE_A | PTE_D), PTE_A | PTE_D);
	CHECK(!(rd(res.entry_gpa[2], 8) & PTE_D));  /* only the leaf */
}

static void long_large_pages(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;

	long_map(cr3, 0x40000000ull, 1, GB(3), RWU);          /* 1 GiB */
	long_map(cr3, 0x80200000ull, 2, MB(6), RWU);          /* 2 MiB */
	CHECK_EQ(gpt_walk(&mem, &r, 0x40000000ull + 0x123456, 0, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, GB(3) + 0x123456);
	CHECK_EQ(res.page_size, GB(1));
	CHECK_EQ(res.levels, 2);
	CHECK_EQ(gpt_walk(&mem, &r, 0x80200000ull + 0x1abcd, GPT_ACC_WRITE, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, MB(6) + 0x1abcd);
	CHECK_EQ(res.page_size, MB(2));
	CHECK(rd(res.entry_gpa[2], 8) & PTE_D);
}

static void not_present_at_each_level(void)
{
	for (int depth = 0; depth < 4; depth++) {
		u64 cr3 = (reset(), new_table());
		struct gpt_regs r = long_regs(cr3);
		struct gpt_result res;

		long_map(cr3, GVA, 3, 0x55000, RWU);
		CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, false, &res), GPT_OK);
		wr(res.entry_gpa[depth], 8, rd(res.entry_gpa[depth], 8) & ~PTE_P);
		CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE | GPT_ACC_USER, true, &res), GPT_PF);
		CHECK_EQ(res.pf_ec, GPT_PFEC_W | GPT_PFEC_U);
		CHECK_EQ(res.levels, depth + 1);
	}
}

static void write_protection(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;

	long_map(cr3, GVA, 3, 0x55000, PTE_P | PTE_U);        /* read-only leaf */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_W);
	r.cr0 &= ~CR0_WP;                  /* the supervisor may write then */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE, true, &res), GPT_OK);
	CHECK_EQ(res.perms & GPT_PERM_W, 0);
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE | GPT_ACC_USER, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_W | GPT_PFEC_U);
}

static void user_needs_user_at_every_level(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;

	long_map(cr3, GVA, 3, 0x55000, RWU);
	CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, false, &res), GPT_OK);
	wr(res.entry_gpa[2], 8, rd(res.entry_gpa[2], 8) & ~PTE_U);   /* supervisor PDE */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_USER, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_U);
	CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, true, &res), GPT_OK);
}

static void no_execute(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;

	long_map(cr3, GVA, 3, 0x55000, RWU | PTE_NX);
	CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, true, &res), GPT_OK);
	CHECK(res.perms & GPT_PERM_NX);
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_FETCH, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_ID);
	r.efer &= ~EFER_NXE;               /* then bit 63 is reserved */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_RSV);
}

static void reserved_bits(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;
	u64 pte = long_map(cr3, GVA, 3, 0x55000, RWU);

	wr(pte, 8, rd(pte, 8) | (1ull << 45));              /* above MAXPHYADDR 40 */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_USER, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_RSV | GPT_PFEC_U);
	CHECK(!(rd(res.entry_gpa[0], 8) & PTE_A));  /* a faulting walk sets no A bit */
	wr(pte, 8, rd(pte, 8) & ~(1ull << 45) & ~PTE_A);
	wr(res.entry_gpa[0], 8, rd(res.entry_gpa[0], 8) | PTE_PS);  /* PML4E.PS */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, true, &res), GPT_PF);
	CHECK_EQ(res.levels, 1);
	CHECK(res.pf_ec & GPT_PFEC_RSV);
	reset();
	cr3 = new_table();
	r = long_regs(cr3);
	long_map(cr3, 0x80200000ull, 2, MB(6) | (1ull << 13), RWU);   /* misaligned 2 MiB */
	CHECK_EQ(gpt_walk(&mem, &r, 0x80200000ull, 0, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_RSV);
}

static void accessed_dirty_races(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;
	u64 pte = long_map(cr3, GVA, 3, 0x55000, RWU);

	races = 2;                         /* two lost races: the walk starts again */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE, true, &res), GPT_OK);
	CHECK_EQ(rd(pte, 8) & (PTE_A | PTE_D), PTE_A | PTE_D);
	wr(pte, 8, rd(pte, 8) & ~(PTE_A | PTE_D));
	races = 1000;                      /* never settles: the caller runs it again */
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE, true, &res), GPT_RETRY);
	races = 0;
	CHECK_EQ(gpt_walk(&mem, &r, GVA, GPT_ACC_WRITE, false, &res), GPT_OK);
	CHECK_EQ(rd(pte, 8) & (PTE_A | PTE_D), 0);  /* set_ad false writes nothing */
}

static void tables_outside_ram_and_aliases(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;
	u64 a, b;

	long_map(cr3, GVA, 3, 0x55000, RWU);
	long_map(cr3, GVA + MB(4), 3, 0x55000, RWU);          /* the same frame twice */
	CHECK_EQ(gpt_walk(&mem, &r, GVA + 8, 0, true, &res), GPT_OK);
	a = res.gpa;
	CHECK_EQ(gpt_walk(&mem, &r, GVA + MB(4) + 8, 0, true, &res), GPT_OK);
	b = res.gpa;
	CHECK_EQ(a, 0x55008);
	CHECK_EQ(a, b);
	wr(res.entry_gpa[2], 8, GB(2) | RWU);                  /* PT beyond guest RAM */
	CHECK_EQ(gpt_walk(&mem, &r, GVA + MB(4), 0, true, &res), GPT_BAD_GPA);
}

static void non_canonical_and_la57(void)
{
	u64 cr3 = (reset(), new_table());
	struct gpt_regs r = long_regs(cr3);
	struct gpt_result res;

	CHECK_EQ(gpt_walk(&mem, &r, 0x0000800000000000ull, 0, true, &res), GPT_GP);
	CHECK_EQ(gpt_walk(&mem, &r, 0xffff800000000000ull, 0, true, &res), GPT_PF);
	r.cr4 |= CR4_LA57;
	CHECK_EQ(gpt_walk(&mem, &r, GVA, 0, true, &res), GPT_UNSUPPORTED);
}

static void pae_mode(void)
{
	struct gpt_regs r = { .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr4 = CR4_PAE,
			      .efer = EFER_NXE, .maxphyaddr = 40 };
	struct gpt_result res;
	u64 pdpt, pd, pt;

	reset();
	pdpt = 0x8020;                     /* 32-byte aligned, not page aligned */
	pd = new_table();
	pt = new_table();
	r.cr3 = pdpt;
	wr(pdpt + 1 * 8, 8, pd | PTE_P);                   /* gva 0x40000000.. */
	wr(pd + 2 * 8, 8, pt | RWU);                       /* ..+0x400000 */
	wr(pt + 3 * 8, 8, 0x77000 | RWU);                  /* ..+0x3000 */
	wr(pd + 3 * 8, 8, MB(8) | RWU | PTE_PS);           /* 2 MiB at +0x600000 */
	CHECK_EQ(gpt_walk(&mem, &r, 0x40403abcull, GPT_ACC_USER, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, 0x77abc);
	CHECK_EQ(res.levels, 3);
	CHECK_EQ(rd(pdpt + 8, 8), pd | PTE_P);            /* PDPTEs have no A bit */
	CHECK(rd(pt + 3 * 8, 8) & PTE_A);
	CHECK_EQ(gpt_walk(&mem, &r, 0x40612345ull, 0, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, MB(8) + 0x12345);
	wr(pdpt + 8, 8, pd | PTE_P | PTE_W);               /* R/W is reserved in a PDPTE */
	CHECK_EQ(gpt_walk(&mem, &r, 0x40403abcull, 0, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_RSV);
}

static void legacy_32bit_mode(void)
{
	struct gpt_regs r = { .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PSE, .maxphyaddr = 40 };
	struct gpt_result res;
	u64 pd, pt;

	reset();
	pd = new_table();
	pt = new_table();
	r.cr3 = pd;
	wr(pd + 1 * 4, 4, pt | RWU);                       /* gva 0x00400000.. */
	wr(pt + 5 * 4, 4, 0x99000 | PTE_P);                /* read-only, supervisor */
	wr(pd + 2 * 4, 4, MB(12) | RWU | PTE_PS);          /* 4 MiB at 0x00800000 */
	CHECK_EQ(gpt_walk(&mem, &r, 0x00405010ull, GPT_ACC_WRITE, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, 0x99010);        /* CR0.WP = 0: the supervisor writes */
	CHECK_EQ(rd(pt + 5 * 4, 4) & (PTE_A | PTE_D), PTE_A | PTE_D);
	CHECK_EQ(gpt_walk(&mem, &r, 0x00405010ull, GPT_ACC_USER, true, &res), GPT_PF);
	CHECK_EQ(res.pf_ec, GPT_PFEC_P | GPT_PFEC_U);
	CHECK_EQ(gpt_walk(&mem, &r, 0x00812345ull, GPT_ACC_FETCH, true, &res), GPT_OK);
	CHECK_EQ(res.gpa, MB(12) + 0x12345);
	CHECK_EQ(res.page_size, MB(4));
	r.cr4 = 0;                         /* without PSE, PS is ignored: a table */
	CHECK_EQ(gpt_walk(&mem, &r, 0x00812345ull, 0, true, &res), GPT_BAD_GPA);
}

static const struct tu_case cases[] = {
	TU_CASE(paging_off_is_identity),
	TU_CASE(long_4k_read_sets_accessed),
	TU_CASE(long_4k_write_sets_dirty),
	TU_CASE(long_large_pages),
	TU_CASE(not_present_at_each_level),
	TU_CASE(write_protection),
	TU_CASE(user_needs_user_at_every_level),
	TU_CASE(no_execute),
	TU_CASE(reserved_bits),
	TU_CASE(accessed_dirty_races),
	TU_CASE(tables_outside_ram_and_aliases),
	TU_CASE(non_canonical_and_la57),
	TU_CASE(pae_mode),
	TU_CASE(legacy_32bit_mode),
};

TU_MAIN("gpt_walk", cases)
