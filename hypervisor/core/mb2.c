/* Multiboot2 boot information parser (see tess/mb2.h). */
#include <tess/lib.h>
#include <tess/mb2.h>

struct mb2_tag {
	u32 type;
	u32 size;
} __packed;

struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 reserved;
} __packed;

static void mb2_copy_string(char *dst, const char *src, u64 len)
{
	u64 n = 0;

	while (n < len && n + 1 < BOOT_CMDLINE_MAX && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int mb2_parse_mmap(const u8 *tag, u32 size, struct boot_info *bi)
{
	u32 entry_size;

	if (size < 16)
		return -1;
	memcpy(&entry_size, tag + 8, 4);
	if (entry_size < sizeof(struct mb2_mmap_entry) || entry_size > size)
		return -1;
	for (u64 off = 16; off + entry_size <= size; off += entry_size) {
		const struct mb2_mmap_entry *e = (const void *)(tag + off);
		u32 type = e->type;

		/* Unknown types are treated as reserved, never as RAM. */
		if (type < E820_RAM || type > E820_UNUSABLE)
			type = E820_RESERVED;
		if (e820_add(&bi->mmap, e->addr, e->len, type))
			return -1;
	}
	e820_normalize(&bi->mmap);
	return 0;
}

static int mb2_parse_module(const u8 *tag, u32 size, struct boot_info *bi)
{
	struct boot_module *m;

	if (size < 16 || bi->nr_modules == BOOT_MODULES_MAX)
		return -1;
	m = &bi->modules[bi->nr_modules++];
	m->start = *(const u32 *)(tag + 8);
	m->end = *(const u32 *)(tag + 12);
	if (m->end < m->start)
		return -1;
	mb2_copy_string(m->cmdline, (const char *)tag + 16, size - 16);
	return 0;
}

static int mb2_parse_tag(const u8 *tag, u32 type, u32 size, struct boot_info *bi)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		mb2_copy_string(bi->cmdline, (const char *)tag + 8, size - 8);
		return 0;
	case MB2_TAG_MODULE:
		return mb2_parse_module(tag, size, bi);
	case MB2_TAG_MMAP:
		return mb2_parse_mmap(tag, size, bi);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Prefer the ACPI 2.0+ RSDP (XSDT) when both are given. */
		if (type == MB2_TAG_ACPI_OLD && bi->rsdp_len)
			return 0;
		bi->rsdp_len = MIN(size - 8, (u32)BOOT_RSDP_MAX);
		memcpy(bi->rsdp, tag + 8, bi->rsdp_len);
		return 0;
	default:
		return 0; /* tags we do not need */
	}
}

int mb2_parse(const void *mbi, u64 mbi_pa, u64 max_len, struct boot_info *bi,
	      const char **err)
{
	const u8 *base = mbi;
	u32 total = *(const u32 *)base;
	u32 off = 8;

	memset(bi, 0, sizeof(*bi));
	if (total < 16 || total > max_len) {
		*err = "boot information size out of range";
		return -1;
	}
	bi->mbi_start = mbi_pa;
	bi->mbi_end = mbi_pa + total;
	while (off + 8 <= total) {
		const struct mb2_tag *t = (const void *)(base + off);

		if (t->type == MB2_TAG_END)
			break;
		if (t->size < 8 || (u64)off + t->size > total) {
			*err = "malformed tag";
			return -1;
		}
		if (mb2_parse_tag(base + off, t->type, t->size, bi)) {
			*err = "malformed memory map or module tag";
			return -1;
		}
		off += (u32)ALIGN_UP((u64)t->size, 8);
	}
	if (bi->mmap.count == 0) {
		*err = "no memory map tag";
		return -1;
	}
	return 0;
}
