/*
 * x86-64 4-level page tables (AMD APM vol. 2 section 5.3, Intel SDM vol. 3
 * section 4.5). The same format serves the hypervisor's own tables and the
 * AMD nested page tables (APM vol. 2 section 15.25.5), which need the U bit
 * in every entry because nested walks are user accesses.
 */
#ifndef TESS_PT_H
#define TESS_PT_H

#include <tess/types.h>

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_U   (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_G   (1ull << 8)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PT_ENTRIES 512
#define PT_LEVEL_SHIFT(l) (12 + 9 * ((l) - 1)) /* level 1 = 4 KiB ... 4 = PML4 */
#define PT_PAGE_SIZE(l) (1ull << PT_LEVEL_SHIFT(l))

struct pt_ctx {
	u64 root;          /* physical address of the level-4 table */
	u64 table_flags;   /* flags of non-leaf entries */
	bool allow_1g;     /* CPU supports 1 GiB pages in this kind of table */
	void *(*to_virt)(u64 pa, void *opaque);
	u64 (*alloc_table)(void *opaque); /* zeroed page; 0 on failure */
	void (*free_table)(u64 pa, void *opaque);
	void *opaque;
};

/*
 * Map [va, va+size) to [pa, pa+size) with leaf flags (P included by the
 * caller), using 1 GiB and 2 MiB pages wherever alignment allows. Replaces
 * existing mappings, splitting large pages when needed. -1 on allocation
 * failure, -2 on misaligned arguments.
 */
int pt_map(struct pt_ctx *c, u64 va, u64 pa, u64 size, u64 flags);
/* Translate va: 0 with *pa and *flags (leaf flags, PS removed), or -1. */
int pt_lookup(const struct pt_ctx *c, u64 va, u64 *pa, u64 *flags, unsigned int *level);
/* Clear the leaf for [va, va+size) (splitting large pages). */
int pt_unmap(struct pt_ctx *c, u64 va, u64 size);
/* Give every table page, the root included, back through free_table(). */
void pt_free_tables(struct pt_ctx *c);

#endif
