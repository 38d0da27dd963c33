/* Unit tests for hypervisor/core/mb2.c (Multiboot2 boot information). */
#include <tess/mb2.h>

#include "tu.h"

/* A boot information structure under construction. */
struct mbi {
	u32 len;
	u8 b[16384] __aligned(8);
};

static struct boot_info bi;

static void mbi_init(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

/* Append a tag of `size` bytes (header included); returns its payload. */
static u8 *mbi_tag(struct mbi *m, u32 type, u32 size)
{
	u8 *t = m->b + m->len;

	put32(t, type);
	put32(t + 4, size);
	m->len += ALIGN_UP(size, 8);
	return t + 8;
}

static void mbi_cmdline(struct mbi *m, const char *s)
{
	u32 n = (u32)strlen(s) + 1;

	memcpy(mbi_tag(m, MB2_TAG_CMDLINE, 8 + n), s, n);
}

static void mbi_module(struct mbi *m, u32 start, u32 end, const char *s)
{
	u32 n = (u32)strlen(s) + 1;
	u8 *p = mbi_tag(m, MB2_TAG_MODULE, 16 + n);

	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, s, n);
}

struct mm { u64 addr, len; u32 type; };

static void mbi_mmap_es(struct mbi *m, const struct mm *e, unsigned int n, u32 esz)
{
	u8 *p = mbi_tag(m, MB2_TAG_MMAP, 16 + n * esz);

	put32(p, esz);
	put32(p + 4, 0);
	for (unsigned int i = 0; i < n; i++) {
		put64(p + 8 + i * esz, e[i].addr);
		put64(p + 8 + i * esz + 8, e[i].len);
		put32(p + 8 + i * esz + 16, e[i].type);
	}
}

static void mbi_mmap(struct mbi *m, const struct mm *e, unsigned int n)
{
	mbi_mmap_es(m, e, n, 24);
}

static const struct mm basic_mm[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0x100000, 0x7fee0000, 1 },
};

static void mbi_end(struct mbi *m)
{
	mbi_tag(m, MB2_TAG_END, 8);
	put32(m->b, m->len);
}

/* Parse a heap copy of exactly len bytes so ASan catches any over-read. */
static int parse_len(const struct mbi *m, u32 len, u64 max_len, const char **err)
{
	u8 *copy = malloc(len);
	int rc;

	memcpy(copy, m->b, len);
	*err = NULL;
	rc = mb2_parse(copy, 0x800000, max_len, &bi, err);
	free(copy);
	return rc;
}

static int parse(const struct mbi *m, const char **err)
{
	return parse_len(m, m->len, m->len, err);
}

#define CHECK_REJECTED(rc, err)                \
	do {                                   \
		CHECK_EQ((rc), -1);            \
		CHECK((err) != NULL && *(err)); \
	} while (0)

static void mb2_minimal(void)
{
	static struct mbi m;
	const char *err;

	mbi_init(&m);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(bi.mbi_start, 0x800000);
	CHECK_EQ(bi.mbi_end, 0x800000 + m.len);
	CHECK_EQ(bi.mmap.count, 3);
	CHECK_EQ(bi.mmap.e[2].addr, 0x100000);
	CHECK_EQ(bi.mmap.e[2].size, 0x7fee0000);
	CHECK_EQ(bi.mmap.e[2].type, E820_RAM);
	CHECK_STR(bi.cmdline, "");
	CHECK_EQ(bi.nr_modules, 0);
	CHECK_EQ(bi.rsdp_len, 0);
}

static void mb2_everything(void)
{
	static struct mbi m;
	const char *err;
	u8 rsdp1[20], rsdp2[36];

	memset(rsdp1, 0x11, sizeof(rsdp1));
	memset(rsdp2, 0x22, sizeof(rsdp2));
	mbi_init(&m);
	mbi_cmdline(&m, "/boot/tessera.elf console=com1 dom0_mem=1G");
	mbi_tag(&m, 21, 12); /* load base address: ignored, size not a multiple of 8 */
	mbi_module(&m, 0x1000000, 0x1800000, "vmlinuz console=ttyS0");
	mbi_module(&m, 0x2000000, 0x2000000, ""); /* empty module */
	memcpy(mbi_tag(&m, MB2_TAG_ACPI_OLD, 8 + 20), rsdp1, 20);
	mbi_mmap(&m, basic_mm, 3);
	memcpy(mbi_tag(&m, MB2_TAG_ACPI_NEW, 8 + 36), rsdp2, 36);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_STR(bi.cmdline, "/boot/tessera.elf console=com1 dom0_mem=1G");
	CHECK_EQ(bi.nr_modules, 2);
	CHECK_EQ(bi.modules[0].start, 0x1000000);
	CHECK_EQ(bi.modules[0].end, 0x1800000);
	CHECK_STR(bi.modules[0].cmdline, "vmlinuz console=ttyS0");
	CHECK_EQ(bi.modules[1].start, 0x2000000);
	CHECK_EQ(bi.modules[1].end, 0x2000000);
	CHECK_STR(bi.modules[1].cmdline, "");
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK(!memcmp(bi.rsdp, rsdp2, 36));
	CHECK_EQ(bi.mmap.count, 3);
}

static void mb2_acpi_new_preferred(void)
{
	static struct mbi m;
	const char *err;
	u8 rsdp1[20], rsdp2[36];

	/* ACPI 2.0 tag first, old one after it: the new one stays. */
	memset(rsdp1, 0x11, sizeof(rsdp1));
	memset(rsdp2, 0x22, sizeof(rsdp2));
	mbi_init(&m);
	memcpy(mbi_tag(&m, MB2_TAG_ACPI_NEW, 8 + 36), rsdp2, 36);
	memcpy(mbi_tag(&m, MB2_TAG_ACPI_OLD, 8 + 20), rsdp1, 20);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.rsdp[0], 0x22);

	/* Old only. */
	mbi_init(&m);
	memcpy(mbi_tag(&m, MB2_TAG_ACPI_OLD, 8 + 20), rsdp1, 20);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(bi.rsdp_len, 20);
	CHECK_EQ(bi.rsdp[19], 0x11);
}

static void mb2_acpi_oversized_tag(void)
{
	static struct mbi m;
	const char *err;
	u8 *p;

	mbi_init(&m);
	p = mbi_tag(&m, MB2_TAG_ACPI_NEW, 8 + 200);
	for (int i = 0; i < 200; i++)
		p[i] = (u8)i;
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(bi.rsdp_len, BOOT_RSDP_MAX);
	CHECK_EQ(bi.rsdp[BOOT_RSDP_MAX - 1], BOOT_RSDP_MAX - 1);
}

static void mb2_cmdline_limits(void)
{
	static struct mbi m;
	static char longline[3000];
	const char *err;
	u8 *p;

	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	mbi_init(&m);
	mbi_cmdline(&m, longline);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);

	/* No NUL inside the tag: the string stops at the tag's end. */
	mbi_init(&m);
	p = mbi_tag(&m, MB2_TAG_CMDLINE, 8 + 5);
	memcpy(p, "abcdeXYZ", 8); /* XYZ is padding past the tag */
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_STR(bi.cmdline, "abcde");

	/* Empty cmdline tag (header only). */
	mbi_init(&m);
	mbi_tag(&m, MB2_TAG_CMDLINE, 8);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_STR(bi.cmdline, "");
}

static void mb2_modules_limits(void)
{
	static struct mbi m;
	const char *err;

	mbi_init(&m);
	for (u32 i = 0; i < BOOT_MODULES_MAX; i++)
		mbi_module(&m, i << 20, (i << 20) + 0x1000, "m");
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(bi.nr_modules, BOOT_MODULES_MAX);
	CHECK_EQ(bi.modules[BOOT_MODULES_MAX - 1].start, (BOOT_MODULES_MAX - 1) << 20);

	mbi_init(&m);
	for (u32 i = 0; i < BOOT_MODULES_MAX + 1; i++)
		mbi_module(&m, i << 20, (i << 20) + 0x1000, "m");
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);
}

static void mb2_module_bad(void)
{
	static struct mbi m;
	const char *err;
	u8 *p;

	mbi_init(&m);
	mbi_module(&m, 0x2000000, 0x1000000, "backwards");
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);

	mbi_init(&m);
	p = mbi_tag(&m, MB2_TAG_MODULE, 12); /* too short for start and end */
	put32(p, 0x1000);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);
}

static void mb2_mmap_types_and_entry_size(void)
{
	static struct mbi m;
	const char *err;
	static const struct mm e[] = {
		{ 0x0, 0x9fc00, 1 },
		{ 0x100000, 0x100000, 1 },
		{ 0x200000, 0x100000, 1 },    /* adjacent RAM: merged */
		{ 0x300000, 0x1000, 7 },      /* unknown type: reserved */
		{ 0x301000, 0x1000, 0 },      /* type 0: reserved */
		{ 0x400000, 0x1000, 3 },
		{ 0x401000, 0x1000, 4 },
		{ 0x402000, 0x1000, 5 },
		{ 0x500000, 0, 1 },           /* empty: dropped */
	};

	mbi_init(&m);
	mbi_mmap_es(&m, e, ARRAY_SIZE(e), 32); /* entries larger than 24 bytes */
	mbi_end(&m);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_EQ(bi.mmap.count, 6);
	CHECK_EQ(bi.mmap.e[1].addr, 0x100000);
	CHECK_EQ(bi.mmap.e[1].size, 0x200000);
	CHECK_EQ(bi.mmap.e[2].addr, 0x300000);
	CHECK_EQ(bi.mmap.e[2].size, 0x2000);
	CHECK_EQ(bi.mmap.e[2].type, E820_RESERVED);
	CHECK_EQ(bi.mmap.e[3].type, E820_ACPI);
	CHECK_EQ(bi.mmap.e[4].type, E820_NVS);
	CHECK_EQ(bi.mmap.e[5].type, E820_UNUSABLE);
	for (unsigned int i = 0; i < bi.mmap.count; i++)
		CHECK(bi.mmap.e[i].type != E820_RAM || i < 2);
}

static void mb2_mmap_bad(void)
{
	static struct mbi m;
	const char *err;

	/* entry_size smaller than an entry. */
	mbi_init(&m);
	mbi_mmap_es(&m, basic_mm, 3, 16);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);

	/* entry_size 0 (would loop forever). */
	mbi_init(&m);
	mbi_mmap_es(&m, basic_mm, 0, 0);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);

	/* More entries than an e820 map holds. */
	static struct mm many[E820_MAX + 1];
	for (unsigned int i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct mm){ (u64)i << 21, 0x1000, i % 2 ? 1 : 2 };
	mbi_init(&m);
	mbi_mmap(&m, many, ARRAY_SIZE(many));
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);
}

static void mb2_no_mmap(void)
{
	static struct mbi m;
	const char *err;

	mbi_init(&m);
	mbi_cmdline(&m, "x");
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);

	/* An mmap tag with no entries is no memory map either. */
	mbi_init(&m);
	mbi_mmap(&m, basic_mm, 0);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);
}

static void mb2_total_size_checks(void)
{
	static struct mbi m;
	const char *err;

	mbi_init(&m);
	mbi_mmap(&m, basic_mm, 3);
	mbi_end(&m);
	/* total_size larger than max_len. */
	CHECK_REJECTED(parse_len(&m, m.len, m.len - 8, &err), &err);
	/* total_size below the minimum (header + end tag). */
	put32(m.b, 8);
	CHECK_REJECTED(parse_len(&m, m.len, m.len, &err), &err);
	put32(m.b, 0);
	CHECK_REJECTED(parse_len(&m, m.len, m.len, &err), &err);
	put32(m.b, 0xffffffff);
	CHECK_REJECTED(parse_len(&m, m.len, m.len, &err), &err);
}

static void mb2_tag_bounds(void)
{
	static struct mbi m;
	const char *err;
	u8 *p;

	/* Tag size below the 8-byte header. */
	mbi_init(&m);
	mbi_mmap(&m, basic_mm, 3);
	p = mbi_tag(&m, 99, 8);
	put32(p - 4, 4);
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);

	/* Tag running past total_size (total_size cut short). */
	mbi_init(&m);
	mbi_cmdline(&m, "abc");
	mbi_mmap(&m, basic_mm, 3);
	put32(m.b, m.len - 8);
	CHECK_REJECTED(parse_len(&m, m.len - 8, m.len - 8, &err), &err);

	/* Missing end tag but the last tag ends exactly at total_size: fine. */
	mbi_init(&m);
	mbi_mmap(&m, basic_mm, 3);
	put32(m.b, m.len);
	CHECK_EQ(parse(&m, &err), 0);
}

static void mb2_end_tag_stops(void)
{
	static struct mbi m;
	const char *err;
	u8 *p;

	mbi_init(&m);
	mbi_mmap(&m, basic_mm, 3);
	mbi_tag(&m, MB2_TAG_END, 8);
	mbi_cmdline(&m, "after the end");
	p = mbi_tag(&m, 99, 8);
	put32(p - 4, 1); /* malformed, but after the end tag */
	put32(m.b, m.len);
	CHECK_EQ(parse(&m, &err), 0);
	CHECK_STR(bi.cmdline, "");
}

/*
 * BUG: mb2_parse checks `off + t->size > total` in 32 bits, so a tag size
 * near 4 GiB wraps around and is accepted; the mmap parser then walks
 * entries far beyond the buffer (ASan reports a heap-buffer-overflow).
 */
static void mb2_tag_size_wraps(void)
{
	static struct mbi m;
	const char *err;
	u8 *p;

	mbi_init(&m);
	p = mbi_tag(&m, MB2_TAG_MMAP, 16 + 24);
	put32(p, 24);
	put64(p + 8, 0);
	put64(p + 16, 0x100000);
	put32(p + 24, 1);
	put32(p - 4, 0xfffffff8); /* size: 8 + 0xfffffff8 == 0 in 32 bits */
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);
}

/*
 * BUG: `off + entry_size <= size` in mb2_parse_mmap wraps for an
 * entry_size near 4 GiB, so one "entry" is read from beyond the tag
 * (here: from the next tag), giving a memory map that is not there.
 */
static void mb2_mmap_entry_size_wraps(void)
{
	static struct mbi m;
	const char *err;
	u8 *p;

	mbi_init(&m);
	p = mbi_tag(&m, MB2_TAG_MMAP, 16); /* no entries */
	put32(p, 0xfffffff0);
	/*
	 * The bytes right after the tag are the next tag: read as an entry,
	 * addr = type | size << 32, len and type come from its payload.
	 */
	p = mbi_tag(&m, 99, 8 + 24);
	put64(p, 0x40000000); /* "len" */
	put32(p + 8, 1);      /* "type": RAM */
	mbi_end(&m);
	CHECK_REJECTED(parse(&m, &err), &err);
	CHECK_EQ(bi.mmap.count, 0);
}

/*
 * BUG: mb2_parse_mmap reads entry_size (tag + 8) before checking that the
 * tag is at least 16 bytes, so a short mmap tag at the very end of the
 * structure makes it read past total_size / max_len.
 */
static void mb2_short_mmap_tag_at_end(void)
{
	static struct mbi m;
	const char *err;

	mbi_init(&m);
	mbi_tag(&m, MB2_TAG_MMAP, 8);
	put32(m.b, m.len); /* 16 bytes: header + the 8-byte tag, no end tag */
	CHECK_REJECTED(parse(&m, &err), &err);
}

static const struct tu_case cases[] = {
	TU_CASE(mb2_minimal),
	TU_CASE(mb2_everything),
	TU_CASE(mb2_acpi_new_preferred),
	TU_CASE(mb2_acpi_oversized_tag),
	TU_CASE(mb2_cmdline_limits),
	TU_CASE(mb2_modules_limits),
	TU_CASE(mb2_module_bad),
	TU_CASE(mb2_mmap_types_and_entry_size),
	TU_CASE(mb2_mmap_bad),
	TU_CASE(mb2_no_mmap),
	TU_CASE(mb2_total_size_checks),
	TU_CASE(mb2_tag_bounds),
	TU_CASE(mb2_end_tag_stops),
	TU_CASE(mb2_tag_size_wraps),
	TU_CASE(mb2_mmap_entry_size_wraps),
	TU_CASE(mb2_short_mmap_tag_at_end),
};

TU_MAIN("mb2", cases)
