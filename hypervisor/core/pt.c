/* 4-level page-table construction (see tess/pt.h). */
#include <tess/pt.h>

static u64 *pt_table(const struct pt_ctx *c, u64 entry_or_pa)
{
	return c->to_virt(entry_or_pa & PTE_ADDR, c->opaque);
}

static unsigned int pt_index(u64 va, unsigned int level)
{
	return (va >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1);
}

/* Replace the large page in *e (at level) by a table of level-1 entries. */
static int pt_split(struct pt_ctx *c, u64 *e, unsigned int level)
{
	u64 child = c->alloc_table(c->opaque);
	u64 base = *e & PTE_ADDR & ~(PT_PAGE_SIZE(level) - 1);
	u64 flags = *e & ~PTE_ADDR;
	u64 *t;

	if (!child)
		return -1;
	t = pt_table(c, child);
	if (level - 1 == 1)
		flags &= ~PTE_PS;
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + i * PT_PAGE_SIZE(level - 1)) | flags;
	*e = child | c->table_flags;
	return 0;
}

/* Walk to the table of `target` level for va, creating/splitting on the way. */
static u64 *pt_walk_create(struct pt_ctx *c, u64 va, unsigned int target)
{
	u64 *table = pt_table(c, c->root);

	for (unsigned int level = 4; level > target; level--) {
		u64 *e = &table[pt_index(va, level)];

		if (!(*e & PTE_P)) {
			u64 child = c->alloc_table(c->opaque);

			if (!child)
				return NULL;
			*e = child | c->table_flags;
		} else if ((*e & PTE_PS) && pt_split(c, e, level)) {
			return NULL;
		}
		table = pt_table(c, *e);
	}
	return table;
}

static unsigned int pt_pick_level(const struct pt_ctx *c, u64 va, u64 pa, u64 left,
				  unsigned int max_level)
{
	for (unsigned int level = max_level; level > 1; level--) {
		u64 sz = PT_PAGE_SIZE(level);

		if (level == 3 && !c->allow_1g)
			continue;
		if (!((va | pa) & (sz - 1)) && left >= sz)
			return level;
	}
	return 1;
}

static int pt_map_level(struct pt_ctx *c, u64 va, u64 pa, u64 size, u64 flags,
			unsigned int max_level)
{
	while (size) {
		unsigned int level = pt_pick_level(c, va, pa, size, max_level);
		u64 *table = pt_walk_create(c, va, level);
		u64 *e;

		if (!table)
			return -1;
		e = &table[pt_index(va, level)];
		/* A table already below this slot: map with smaller pages. */
		if (level > 1 && (*e & PTE_P) && !(*e & PTE_PS)) {
			u64 sz = PT_PAGE_SIZE(level);

			if (pt_map_level(c, va, pa, sz, flags, level - 1))
				return -1;
			va += sz, pa += sz, size -= sz;
			continue;
		}
		*e = pa | flags | (level > 1 ? PTE_PS : 0);
		va += PT_PAGE_SIZE(level);
		pa += PT_PAGE_SIZE(level);
		size -= PT_PAGE_SIZE(level);
	}
	return 0;
}

int pt_map(struct pt_ctx *c, u64 va, u64 pa, u64 size, u64 flags)
{
	if ((va | pa | size) & (PAGE_SIZE - 1))
		return -2;
	return pt_map_level(c, va, pa, size, flags, 3);
}

int pt_lookup(const struct pt_ctx *c, u64 va, u64 *pa, u64 *flags, unsigned int *level_out)
{
	const u64 *table = pt_table(c, c->root);

	for (unsigned int level = 4; level >= 1; level--) {
		u64 e = table[pt_index(va, level)];

		if (!(e & PTE_P))
			return -1;
		if (level == 1 || (e & PTE_PS)) {
			u64 off = va & (PT_PAGE_SIZE(level) - 1);

			*pa = (e & PTE_ADDR & ~(PT_PAGE_SIZE(level) - 1)) + off;
			*flags = e & ~PTE_ADDR & ~PTE_PS;
			if (level_out)
				*level_out = level;
			return 0;
		}
		table = pt_table(c, e);
	}
	return -1;
}

static int pt_unmap_level(struct pt_ctx *c, u64 va, u64 size, unsigned int max_level)
{
	while (size) {
		unsigned int level = pt_pick_level(c, va, va, size, max_level);
		u64 *table = pt_walk_create(c, va, level);
		u64 *e;

		if (!table)
			return -1;
		e = &table[pt_index(va, level)];
		if (level > 1 && (*e & PTE_P) && !(*e & PTE_PS)) {
			if (pt_unmap_level(c, va, PT_PAGE_SIZE(level), level - 1))
				return -1;
		} else {
			*e = 0;
		}
		va += PT_PAGE_SIZE(level);
		size -= PT_PAGE_SIZE(level);
	}
	return 0;
}

int pt_unmap(struct pt_ctx *c, u64 va, u64 size)
{
	if ((va | size) & (PAGE_SIZE - 1))
		return -2;
	return pt_unmap_level(c, va, size, 3);
}

static void pt_free_level(struct pt_ctx *c, u64 table_pa, unsigned int level)
{
	u64 *t = pt_table(c, table_pa);

	for (unsigned int i = 0; level > 1 && i < PT_ENTRIES; i++)
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
			pt_free_level(c, t[i] & PTE_ADDR, level - 1);
	c->free_table(table_pa, c->opaque);
}

void pt_free_tables(struct pt_ctx *c)
{
	if (c->root)
		pt_free_level(c, c->root, 4);
	c->root = 0;
}
