/* E820 map building and clipping (see tess/e820.h). */
#include <tess/e820.h>

int e820_add(struct e820_map *m, u64 addr, u64 size, u32 type)
{
	if (size == 0)
		return 0;
	if (m->count == E820_MAX)
		return -1;
	m->e[m->count].addr = addr;
	m->e[m->count].size = size;
	m->e[m->count].type = type;
	m->count++;
	return 0;
}

void e820_normalize(struct e820_map *m)
{
	/* Insertion sort: maps are short and mostly sorted already. */
	for (unsigned int i = 1; i < m->count; i++) {
		struct e820_entry t = m->e[i];
		unsigned int j = i;

		while (j > 0 && m->e[j - 1].addr > t.addr) {
			m->e[j] = m->e[j - 1];
			j--;
		}
		m->e[j] = t;
	}
	unsigned int out = 0;

	for (unsigned int i = 0; i < m->count; i++) {
		struct e820_entry *prev = out ? &m->e[out - 1] : NULL;

		if (m->e[i].size == 0)
			continue;
		if (prev && prev->type == m->e[i].type &&
		    prev->addr + prev->size == m->e[i].addr) {
			prev->size += m->e[i].size;
			continue;
		}
		m->e[out++] = m->e[i];
	}
	m->count = out;
}

void e820_ram_pages(const struct e820_map *host, struct range_set *out)
{
	range_set_init(out);
	for (unsigned int i = 0; i < host->count; i++) {
		const struct e820_entry *e = &host->e[i];
		u64 start = ALIGN_UP(e->addr, PAGE_SIZE);
		u64 end = ALIGN_DOWN(e->addr + e->size, PAGE_SIZE);

		if (e->type == E820_RAM && end > start)
			range_set_add(out, start, end);
	}
	/* Firmware maps can overlap; RAM under any other type is not RAM. */
	for (unsigned int i = 0; i < host->count; i++) {
		const struct e820_entry *e = &host->e[i];

		if (e->type != E820_RAM)
			range_set_remove(out, ALIGN_DOWN(e->addr, PAGE_SIZE),
					 ALIGN_UP(e->addr + e->size, PAGE_SIZE));
	}
}

/* Append host RAM entry [a, b) split into dom0-owned RAM and reserved. */
static int e820_split_ram(struct e820_map *out, u64 a, u64 b,
			  const struct range_set *dom0_ram)
{
	u64 pos = a;

	for (unsigned int i = 0; i < dom0_ram->count && pos < b; i++) {
		u64 s = MAX(dom0_ram->r[i].start, pos);
		u64 e = MIN(dom0_ram->r[i].end, b);

		if (e <= s)
			continue;
		if (s > pos && e820_add(out, pos, s - pos, E820_RESERVED))
			return -1;
		if (e820_add(out, s, e - s, E820_RAM))
			return -1;
		pos = e;
	}
	if (pos < b && e820_add(out, pos, b - pos, E820_RESERVED))
		return -1;
	return 0;
}

int e820_build_dom0(const struct e820_map *host, const struct range_set *dom0_ram,
		    struct e820_map *out)
{
	out->count = 0;
	for (unsigned int i = 0; i < host->count; i++) {
		const struct e820_entry *e = &host->e[i];
		int rc;

		if (e->type == E820_RAM)
			rc = e820_split_ram(out, e->addr, e->addr + e->size, dom0_ram);
		else
			rc = e820_add(out, e->addr, e->size, e->type);
		if (rc)
			return -1;
	}
	e820_normalize(out);
	return 0;
}

u64 e820_top(const struct e820_map *m)
{
	u64 top = 0;

	for (unsigned int i = 0; i < m->count; i++)
		top = MAX(top, m->e[i].addr + m->e[i].size);
	return top;
}

const char *e820_type_name(u32 type)
{
	switch (type) {
	case E820_RAM: return "RAM";
	case E820_RESERVED: return "reserved";
	case E820_ACPI: return "ACPI data";
	case E820_NVS: return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	default: return "unknown";
	}
}
