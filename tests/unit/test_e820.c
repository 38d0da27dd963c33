/* Unit tests for hypervisor/core/e820.c (memory maps and dom0 clipping). */
#include <tess/e820.h>

#include "tu.h"

static void e820_add_basic_and_zero(void)
{
	struct e820_map m = { .count = 0 };

	CHECK_EQ(e820_add(&m, 0, 0x9fc00, E820_RAM), 0);
	CHECK_EQ(e820_add(&m, 0x100000, 0, E820_RAM), 0); /* zero size: ignored */
	CHECK_EQ(m.count, 1);
	CHECK_EQ(m.e[0].addr, 0);
	CHECK_EQ(m.e[0].size, 0x9fc00);
	CHECK_EQ(m.e[0].type, E820_RAM);
	CHECK_EQ(sizeof(struct e820_entry), 20); /* Linux boot_params layout */
}

static void e820_add_full(void)
{
	struct e820_map m = { .count = 0 };

	for (unsigned int i = 0; i < E820_MAX; i++)
		CHECK_EQ(e820_add(&m, (u64)i << 20, 0x1000, E820_RESERVED), 0);
	CHECK_EQ(e820_add(&m, 0xffff0000, 0x1000, E820_RAM), -1);
	CHECK_EQ(m.count, E820_MAX);
	CHECK_EQ(m.e[E820_MAX - 1].addr, (u64)(E820_MAX - 1) << 20);
}

static void e820_normalize_sorts_and_merges(void)
{
	struct e820_map m = { .count = 0 };

	e820_add(&m, 0x100000, 0x100000, E820_RAM);
	e820_add(&m, 0xf0000, 0x10000, E820_RESERVED);
	e820_add(&m, 0x0, 0x9fc00, E820_RAM);
	e820_add(&m, 0x200000, 0x300000, E820_RAM);   /* adjacent RAM: merge */
	e820_add(&m, 0x500000, 0x1000, E820_ACPI);    /* adjacent, other type */
	e820_add(&m, 0x9fc00, 0x400, E820_RESERVED);
	e820_add(&m, 0xa0000, 0x10000, E820_RESERVED); /* adjacent reserved */
	e820_normalize(&m);
	CHECK_EQ(m.count, 5);
	CHECK_EQ(m.e[0].addr, 0);
	CHECK_EQ(m.e[0].type, E820_RAM);
	CHECK_EQ(m.e[1].addr, 0x9fc00);
	CHECK_EQ(m.e[1].size, 0x10400);
	CHECK_EQ(m.e[1].type, E820_RESERVED);
	CHECK_EQ(m.e[2].addr, 0xf0000);
	CHECK_EQ(m.e[3].addr, 0x100000);
	CHECK_EQ(m.e[3].size, 0x400000);
	CHECK_EQ(m.e[3].type, E820_RAM);
	CHECK_EQ(m.e[4].addr, 0x500000);
	CHECK_EQ(m.e[4].type, E820_ACPI);
	for (unsigned int i = 1; i < m.count; i++)
		CHECK(m.e[i - 1].addr < m.e[i].addr);
}

static void e820_normalize_keeps_gaps_and_empty(void)
{
	struct e820_map m = { .count = 0 };

	e820_normalize(&m);
	CHECK_EQ(m.count, 0);
	e820_add(&m, 0x2000, 0x1000, E820_RAM);
	e820_add(&m, 0x0, 0x1000, E820_RAM); /* gap at 0x1000: no merge */
	e820_normalize(&m);
	CHECK_EQ(m.count, 2);
	CHECK_EQ(m.e[0].addr, 0);
	CHECK_EQ(m.e[0].size, 0x1000);
	CHECK_EQ(m.e[1].addr, 0x2000);
}

static void e820_ram_pages_partial_pages(void)
{
	struct e820_map m = { .count = 0 };
	struct range_set r;

	e820_add(&m, 0x0, 0x9fc00, E820_RAM);         /* ends mid-page */
	e820_add(&m, 0x100800, 0xff800, E820_RAM);    /* starts mid-page */
	e820_add(&m, 0x300100, 0xe00, E820_RAM);      /* less than a page */
	e820_add(&m, 0x400000, 0x1000, E820_RESERVED);
	e820_ram_pages(&m, &r);
	CHECK_EQ(r.count, 2);
	CHECK_EQ(r.r[0].start, 0);
	CHECK_EQ(r.r[0].end, 0x9f000);
	CHECK_EQ(r.r[1].start, 0x101000);
	CHECK_EQ(r.r[1].end, 0x200000);
	CHECK(!range_set_contains(&r, 0x300100));
	CHECK(!range_set_contains(&r, 0x400000));
}

static void e820_ram_pages_overlapping_reserved(void)
{
	struct e820_map m = { .count = 0 };
	struct range_set r;

	/* Firmware claims RAM and, overlapping it, a reserved hole. */
	e820_add(&m, 0x0, 0x1000000, E820_RAM);
	e820_add(&m, 0x500800, 0x100, E820_RESERVED); /* touches one page */
	e820_add(&m, 0xf00000, 0x200000, E820_NVS);   /* overlaps the end */
	e820_add(&m, 0x800000, 0x800000, E820_RAM);   /* overlapping RAM */
	e820_ram_pages(&m, &r);
	CHECK_EQ(r.count, 2);
	CHECK_EQ(r.r[0].start, 0);
	CHECK_EQ(r.r[0].end, 0x500000);
	CHECK_EQ(r.r[1].start, 0x501000);
	CHECK_EQ(r.r[1].end, 0xf00000);
	CHECK_EQ(range_set_total(&r), 0xf00000 - 0x1000);
}

static void e820_ram_pages_no_ram(void)
{
	struct e820_map m = { .count = 0 };
	struct range_set r;

	memset(&r, 0xff, sizeof(r));
	e820_add(&m, 0x0, 0x100000, E820_RESERVED);
	e820_add(&m, 0x100000, 0x800, E820_RAM);
	e820_ram_pages(&m, &r);
	CHECK_EQ(r.count, 0);
}

static void e820_build_dom0_clips(void)
{
	struct e820_map host = { .count = 0 }, out;
	struct range_set dom0;

	e820_add(&host, 0x0, 0x9fc00, E820_RAM);
	e820_add(&host, 0x9fc00, 0x400, E820_RESERVED);
	e820_add(&host, 0xf0000, 0x10000, E820_RESERVED);
	e820_add(&host, 0x100000, 0x7ef00000, E820_RAM); /* to 0x7f000000 */
	e820_add(&host, 0xfec00000, 0x1000, E820_RESERVED);
	range_set_init(&dom0);
	range_set_add(&dom0, 0x1000, 0x9f000);
	range_set_add(&dom0, 0x1000000, 0x40000000);
	range_set_add(&dom0, 0x50000000, 0x60000000);
	CHECK_EQ(e820_build_dom0(&host, &dom0, &out), 0);

	static const struct e820_entry want[] = {
		{ 0x0, 0x1000, E820_RESERVED },
		{ 0x1000, 0x9e000, E820_RAM },
		{ 0x9f000, 0x1000, E820_RESERVED }, /* 0x9f000-0x9fc00 + 0x9fc00-0xa0000 */
		/* BIOS area and clipped RAM up to 16M: adjacent, one entry. */
		{ 0xf0000, 0xf10000, E820_RESERVED },
		{ 0x1000000, 0x3f000000, E820_RAM },
		{ 0x40000000, 0x10000000, E820_RESERVED },
		{ 0x50000000, 0x10000000, E820_RAM },
		{ 0x60000000, 0x1f000000, E820_RESERVED },
		{ 0xfec00000, 0x1000, E820_RESERVED },
	};
	CHECK_EQ(out.count, ARRAY_SIZE(want));
	for (unsigned int i = 0; i < ARRAY_SIZE(want) && i < out.count; i++) {
		CHECK_EQ(out.e[i].addr, want[i].addr);
		CHECK_EQ(out.e[i].size, want[i].size);
		CHECK_EQ(out.e[i].type, want[i].type);
	}
	/* Every host byte is still described, and RAM only where dom0 owns it. */
	u64 ram = 0;
	for (unsigned int i = 0; i < out.count; i++)
		if (out.e[i].type == E820_RAM)
			ram += out.e[i].size;
	CHECK_EQ(ram, range_set_total(&dom0));
	CHECK_EQ(e820_top(&out), e820_top(&host));
}

static void e820_build_dom0_owns_nothing(void)
{
	struct e820_map host = { .count = 0 }, out;
	struct range_set dom0;

	e820_add(&host, 0x0, 0x80000000, E820_RAM);
	e820_add(&host, 0x100000000, 0x40000000, E820_RAM);
	range_set_init(&dom0);
	CHECK_EQ(e820_build_dom0(&host, &dom0, &out), 0);
	CHECK_EQ(out.count, 2);
	CHECK_EQ(out.e[0].type, E820_RESERVED);
	CHECK_EQ(out.e[0].size, 0x80000000);
	CHECK_EQ(out.e[1].type, E820_RESERVED);
	CHECK_EQ(out.e[1].addr, 0x100000000);
}

static void e820_build_dom0_owns_all(void)
{
	struct e820_map host = { .count = 0 }, out;
	struct range_set dom0;

	e820_add(&host, 0x0, 0x80000000, E820_RAM);
	e820_add(&host, 0x80000000, 0x1000, E820_ACPI);
	range_set_init(&dom0);
	range_set_add(&dom0, 0, 0x80000000);
	range_set_add(&dom0, 0x200000000, 0x300000000); /* outside any RAM: ignored */
	CHECK_EQ(e820_build_dom0(&host, &dom0, &out), 0);
	CHECK_EQ(out.count, 2);
	CHECK_EQ(out.e[0].addr, 0);
	CHECK_EQ(out.e[0].size, 0x80000000);
	CHECK_EQ(out.e[0].type, E820_RAM);
	CHECK_EQ(out.e[1].type, E820_ACPI);
	CHECK_EQ(e820_top(&out), 0x80001000);
}

static void e820_build_dom0_overflow(void)
{
	static struct e820_map host, out;
	static struct range_set dom0;

	/* 64 RAM entries, each split into RAM + reserved + RAM: > E820_MAX. */
	host.count = 0;
	range_set_init(&dom0);
	for (unsigned int i = 0; i < 64; i++) {
		u64 base = (u64)i << 24;

		e820_add(&host, base, 0x800000, E820_RAM);
		range_set_add(&dom0, base, base + 0x100000);
		range_set_add(&dom0, base + 0x200000, base + 0x300000);
	}
	CHECK_EQ(e820_build_dom0(&host, &dom0, &out), -1);
}

static void e820_top_and_names(void)
{
	struct e820_map m = { .count = 0 };

	CHECK_EQ(e820_top(&m), 0);
	e820_add(&m, 0x100000000, 0x1000, E820_RESERVED);
	e820_add(&m, 0x0, 0x80000000, E820_RAM);
	CHECK_EQ(e820_top(&m), 0x100001000);
	CHECK_STR(e820_type_name(E820_RAM), "RAM");
	CHECK_STR(e820_type_name(E820_RESERVED), "reserved");
	CHECK_STR(e820_type_name(E820_ACPI), "ACPI data");
	CHECK_STR(e820_type_name(E820_NVS), "ACPI NVS");
	CHECK_STR(e820_type_name(E820_UNUSABLE), "unusable");
	CHECK_STR(e820_type_name(0), "unknown");
	CHECK_STR(e820_type_name(0xf00), "unknown");
}

static const struct tu_case cases[] = {
	TU_CASE(e820_add_basic_and_zero),
	TU_CASE(e820_add_full),
	TU_CASE(e820_normalize_sorts_and_merges),
	TU_CASE(e820_normalize_keeps_gaps_and_empty),
	TU_CASE(e820_ram_pages_partial_pages),
	TU_CASE(e820_ram_pages_overlapping_reserved),
	TU_CASE(e820_ram_pages_no_ram),
	TU_CASE(e820_build_dom0_clips),
	TU_CASE(e820_build_dom0_owns_nothing),
	TU_CASE(e820_build_dom0_owns_all),
	TU_CASE(e820_build_dom0_overflow),
	TU_CASE(e820_top_and_names),
};

TU_MAIN("e820", cases)
