/* Unit tests for hypervisor/core/acpi.c (RSDP -> RSDT/XSDT -> MADT). */
#include <tess/acpi.h>
#include <tess/lib.h>
#include <tess/mb2.h>

#include "tu.h"

/* Fake physical memory: PHYS_SIZE bytes at physical address PHYS_BASE. */
#define PHYS_BASE 0xe0000ull
#define PHYS_SIZE 0x20000u

static u8 phys[PHYS_SIZE] __aligned(16);
static unsigned int nmaps;

static const void *map(u64 pa, u64 len, void *opaque)
{
	(void)opaque;
	nmaps++;
	if (pa < PHYS_BASE || len > PHYS_SIZE || pa - PHYS_BASE > PHYS_SIZE - len)
		return NULL;
	return phys + (pa - PHYS_BASE);
}

static u8 *at(u64 pa) { return phys + (pa - PHYS_BASE); }
static void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

static void fix_checksum(u8 *p, u64 len, unsigned int csum_off)
{
	u8 sum = 0;

	p[csum_off] = 0;
	for (u64 i = 0; i < len; i++)
		sum += p[i];
	p[csum_off] = (u8)-sum;
}

/* RSDP (20 bytes for revision 0, 36 for 2) in buf. */
static unsigned int make_rsdp(u8 *buf, u8 rev, u32 rsdt, u64 xsdt)
{
	memset(buf, 0, 36);
	memcpy(buf, "RSD PTR ", 8);
	memcpy(buf + 9, "TESSRA", 6);
	buf[15] = rev;
	put32(buf + 16, rsdt);
	fix_checksum(buf, 20, 8);
	if (rev < 2)
		return 20;
	put32(buf + 20, 36);
	put64(buf + 24, xsdt);
	fix_checksum(buf, 36, 32);
	return 36;
}

/* An ACPI table header at pa; returns the payload. */
static u8 *table(u64 pa, const char *sig, u32 len)
{
	u8 *t = at(pa);

	memset(t, 0, len);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = 1;
	memcpy(t + 10, "TESSRA", 6);
	return t + 36;
}

static void seal(u64 pa)
{
	u32 len;

	memcpy(&len, at(pa) + 4, 4);
	fix_checksum(at(pa), len, 9);
}

static void make_rsdt(u64 pa, const u32 *entries, unsigned int n)
{
	u8 *p = table(pa, "RSDT", 36 + 4 * n);

	for (unsigned int i = 0; i < n; i++)
		put32(p + 4 * i, entries[i]);
	seal(pa);
}

static void make_xsdt(u64 pa, const u64 *entries, unsigned int n)
{
	u8 *p = table(pa, "XSDT", 36 + 8 * n);

	for (unsigned int i = 0; i < n; i++)
		put64(p + 8 * i, entries[i]);
	seal(pa);
}

/* MADT builder. */
struct madt {
	u64 pa;
	u8 *p;
	u32 len;
};

static void madt_begin(struct madt *m, u64 pa)
{
	m->pa = pa;
	m->p = at(pa);
	memset(m->p, 0, 0x4000);
	m->len = 44;
	put32(m->p + 36, 0xfee00000); /* local APIC address */
	put32(m->p + 40, 1);          /* PCAT_COMPAT */
}

static void madt_lapic(struct madt *m, u8 uid, u8 apic_id, u32 flags)
{
	u8 *e = m->p + m->len;

	e[0] = 0;
	e[1] = 8;
	e[2] = uid;
	e[3] = apic_id;
	put32(e + 4, flags);
	m->len += 8;
}

static void madt_x2apic(struct madt *m, u32 id, u32 flags)
{
	u8 *e = m->p + m->len;

	e[0] = 9;
	e[1] = 16;
	put16(e + 2, 0);
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, id);
	m->len += 16;
}

static void madt_raw(struct madt *m, const u8 *bytes, unsigned int n)
{
	memcpy(m->p + m->len, bytes, n);
	m->len += n;
}

static void madt_end(struct madt *m)
{
	memcpy(m->p, "APIC", 4);
	put32(m->p + 4, m->len);
	m->p[8] = 4;
	seal(m->pa);
}

/* Physical layout used by most cases. */
#define RSDT_PA 0xe1000ull
#define XSDT_PA 0xe2004ull /* entries 8-byte aligned (see acpi_unaligned_rsdp) */
#define FACP_PA 0xe3000ull
#define MADT_PA 0xe4000ull
#define MADT2_PA 0xe8000ull

static u8 rsdp[64] __aligned(8);
static struct acpi_cpus cpus;

static void reset(void)
{
	memset(phys, 0, sizeof(phys));
	memset(&cpus, 0xee, sizeof(cpus));
	table(FACP_PA, "FACP", 116);
	seal(FACP_PA);
}

/* Four LAPICs, the third disabled, then IOAPIC and override entries. */
static void standard_madt(u64 pa)
{
	struct madt m;
	static const u8 ioapic[12] = { 1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0 };
	static const u8 iso[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
	static const u8 nmi[6] = { 4, 6, 0xff, 0, 0, 1 };

	madt_begin(&m, pa);
	madt_lapic(&m, 0, 0, 1);
	madt_lapic(&m, 1, 1, 1);
	madt_lapic(&m, 2, 2, 0); /* disabled */
	madt_lapic(&m, 3, 6, 3); /* enabled + online-capable */
	madt_raw(&m, ioapic, sizeof(ioapic));
	madt_raw(&m, iso, sizeof(iso));
	madt_raw(&m, nmi, sizeof(nmi));
	madt_end(&m);
}

#define CHECK_IDS(...)                                                         \
	do {                                                                   \
		static const u32 want_[] = { __VA_ARGS__ };                    \
		CHECK_EQ(cpus.count, ARRAY_SIZE(want_));                       \
		for (unsigned int i_ = 0; i_ < ARRAY_SIZE(want_) && i_ < cpus.count; i_++) \
			CHECK_EQ(cpus.apic_id[i_], want_[i_]);                 \
	} while (0)

static void acpi_rsdp_checks(void)
{
	u8 b[64];
	unsigned int n;

	n = make_rsdp(b, 0, RSDT_PA, 0);
	CHECK_EQ(n, 20);
	CHECK(acpi_rsdp_valid(b, 20));
	CHECK(acpi_rsdp_valid(b, 64));
	CHECK(!acpi_rsdp_valid(b, 19));
	b[19] ^= 1;
	CHECK(!acpi_rsdp_valid(b, 20)); /* checksum */
	make_rsdp(b, 0, RSDT_PA, 0);
	b[0] = 'r';
	fix_checksum(b, 20, 8);
	CHECK(!acpi_rsdp_valid(b, 20)); /* signature */

	n = make_rsdp(b, 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(n, 36);
	CHECK(acpi_rsdp_valid(b, 36));
	CHECK(!acpi_rsdp_valid(b, 20)); /* revision 2 needs 36 bytes */
	CHECK(!acpi_rsdp_valid(b, 35));
	b[30] ^= 0x40;
	CHECK(!acpi_rsdp_valid(b, 36)); /* extended checksum */
	make_rsdp(b, 2, RSDT_PA, XSDT_PA);
	put32(b + 20, 40); /* length beyond what we were given */
	fix_checksum(b, 20, 8);
	CHECK(!acpi_rsdp_valid(b, 36));
	put32(b + 20, 24); /* length below the ACPI 2.0 size */
	fix_checksum(b, 20, 8);
	fix_checksum(b, 24, 32);
	CHECK(!acpi_rsdp_valid(b, 36));
}

static void acpi_via_rsdt(void)
{
	const u32 e[] = { FACP_PA, MADT_PA };
	unsigned int n;

	reset();
	standard_madt(MADT_PA);
	make_rsdt(RSDT_PA, e, 2);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(0, 1, 6);
}

static void acpi_via_xsdt_preferred(void)
{
	const u32 r[] = { MADT_PA };
	const u64 x[] = { FACP_PA, MADT2_PA };
	struct madt m;
	unsigned int n;

	reset();
	standard_madt(MADT_PA); /* only reachable through the RSDT */
	madt_begin(&m, MADT2_PA);
	madt_x2apic(&m, 0x100, 1);
	madt_lapic(&m, 0, 3, 1);
	madt_x2apic(&m, 0x101, 0); /* disabled */
	madt_x2apic(&m, 0xffffffee, 1);
	madt_end(&m);
	make_rsdt(RSDT_PA, r, 1);
	make_xsdt(XSDT_PA, x, 2);
	n = make_rsdp(rsdp, 2, RSDT_PA, XSDT_PA);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(0x100, 3, 0xffffffee);

	/* Revision 2 with a zero XSDT address falls back to the RSDT. */
	n = make_rsdp(rsdp, 2, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(0, 1, 6);
}

static void acpi_bad_checksums(void)
{
	const u32 e[] = { MADT_PA };
	unsigned int n;

	reset();
	standard_madt(MADT_PA);
	make_rsdt(RSDT_PA, e, 1);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);

	at(MADT_PA)[50] ^= 1; /* MADT checksum broken */
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	at(MADT_PA)[50] ^= 1;
	at(RSDT_PA)[20] ^= 1; /* RSDT checksum broken */
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	at(RSDT_PA)[20] ^= 1;
	rsdp[17] ^= 1; /* RSDP checksum broken */
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	CHECK_EQ(cpus.count, 0);
}

static void acpi_wrong_root_signature(void)
{
	const u32 e[] = { MADT_PA };
	unsigned int n;

	reset();
	standard_madt(MADT_PA);
	make_rsdt(RSDT_PA, e, 1);
	memcpy(at(RSDT_PA), "XSDT", 4); /* a 32-bit root must be an RSDT */
	seal(RSDT_PA);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	/* RSDP pointing straight at the MADT. */
	n = make_rsdp(rsdp, 0, MADT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
}

static void acpi_unmappable(void)
{
	const u32 e[] = { 0x1000, 0xfffffff0, MADT_PA };
	unsigned int n;

	reset();
	standard_madt(MADT_PA);
	/* Entries that cannot be mapped are skipped, the MADT still found. */
	make_rsdt(RSDT_PA, e, 3);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(0, 1, 6);
	/* The root itself unmappable. */
	n = make_rsdp(rsdp, 0, 0x1000, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	/* Root table extends past mappable memory. */
	n = make_rsdp(rsdp, 0, PHYS_BASE + PHYS_SIZE - 40, 0);
	table(PHYS_BASE + PHYS_SIZE - 40, "RSDT", 40);
	put32(at(PHYS_BASE + PHYS_SIZE - 40) + 4, 80);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
}

static void acpi_no_madt_or_no_cpus(void)
{
	const u32 e[] = { FACP_PA };
	const u32 e2[] = { FACP_PA, MADT_PA };
	struct madt m;
	unsigned int n;

	reset();
	make_rsdt(RSDT_PA, e, 1);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);

	/* MADT with only disabled processors. */
	madt_begin(&m, MADT_PA);
	madt_lapic(&m, 0, 0, 0);
	madt_x2apic(&m, 5, 0);
	madt_end(&m);
	make_rsdt(RSDT_PA, e2, 2);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	CHECK_EQ(cpus.count, 0);

	/* Empty root table. */
	make_rsdt(RSDT_PA, NULL, 0);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
}

static void acpi_table_length_limits(void)
{
	const u32 e[] = { MADT_PA };
	unsigned int n;

	reset();
	standard_madt(MADT_PA);
	make_rsdt(RSDT_PA, e, 1);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);
	/* Header length shorter than a header. */
	put32(at(MADT_PA) + 4, 35);
	seal(MADT_PA);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	/* Header length above 1 MiB. */
	put32(at(MADT_PA) + 4, (1u << 20) + 1);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
	/* MADT of exactly a header (no LAPIC address or entries). */
	table(MADT_PA, "APIC", 36);
	seal(MADT_PA);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), -1);
}

static void acpi_hostile_madt_entries(void)
{
	const u32 e[] = { MADT_PA };
	struct madt m;
	unsigned int n;
	static const u8 zero_len[2] = { 0, 0 };
	static const u8 short_lapic[4] = { 0, 4, 9, 9 };
	static const u8 short_x2[12] = { 9, 12, 0, 0, 9, 9, 0, 0, 1, 0, 0, 0 };
	static const u8 past_end[8] = { 0, 40, 7, 7, 1, 0, 0, 0 };

	reset();
	make_rsdt(RSDT_PA, e, 1);
	n = make_rsdp(rsdp, 0, RSDT_PA, 0);

	/* Too-short entries of a known type are skipped. */
	madt_begin(&m, MADT_PA);
	madt_lapic(&m, 0, 1, 1);
	madt_raw(&m, short_lapic, sizeof(short_lapic));
	madt_raw(&m, short_x2, sizeof(short_x2));
	madt_lapic(&m, 0, 2, 1);
	madt_end(&m);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(1, 2);

	/* A zero-length entry stops the walk (no endless loop). */
	madt_begin(&m, MADT_PA);
	madt_lapic(&m, 0, 1, 1);
	madt_raw(&m, zero_len, sizeof(zero_len));
	madt_lapic(&m, 0, 2, 1);
	madt_end(&m);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(1);

	/* An entry running past the table end is not used. */
	madt_begin(&m, MADT_PA);
	madt_lapic(&m, 0, 1, 1);
	madt_raw(&m, past_end, sizeof(past_end));
	madt_end(&m);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(1);

	/* A truncated trailing entry (1 byte left). */
	madt_begin(&m, MADT_PA);
	madt_lapic(&m, 0, 4, 1);
	madt_raw(&m, zero_len, 1);
	madt_end(&m);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_IDS(4);
}

static void acpi_too_many_cpus(void)
{
	const u64 x[] = { MADT_PA };
	struct madt m;
	unsigned int n;

	reset();
	madt_begin(&m, MADT_PA);
	for (u32 i = 0; i < ACPI_MAX_CPUS + 20; i++)
		madt_x2apic(&m, i, 1);
	madt_end(&m);
	make_xsdt(XSDT_PA, x, 1);
	n = make_rsdp(rsdp, 2, 0, XSDT_PA);
	CHECK_EQ(acpi_find_cpus(rsdp, n, map, NULL, &cpus), 0);
	CHECK_EQ(cpus.count, ACPI_MAX_CPUS);
	CHECK_EQ(cpus.apic_id[ACPI_MAX_CPUS - 1], ACPI_MAX_CPUS - 1);
}

static void acpi_bad_rsdp(void)
{
	u8 b[64];

	reset();
	memset(b, 0, sizeof(b));
	CHECK_EQ(acpi_find_cpus(b, sizeof(b), map, NULL, &cpus), -1);
	CHECK_EQ(cpus.count, 0);
	make_rsdp(b, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_cpus(b, 0, map, NULL, &cpus), -1);
	CHECK_EQ(acpi_find_cpus(b, 19, map, NULL, &cpus), -1);
}

/*
 * BUG: acpi_find_cpus reads the RSDT address (bytes 16-19) before
 * acpi_rsdp_valid has checked rsdp_len, so a short RSDP copy is read
 * past its end (ASan: heap-buffer-overflow).
 */
static void acpi_short_rsdp_not_overread(void)
{
	u8 *b = malloc(8);

	memcpy(b, "RSD PTR ", 8);
	CHECK_EQ(acpi_find_cpus(b, 8, map, NULL, &cpus), -1);
	free(b);
}

/*
 * BUG (undefined behaviour): acpi.c loads u64/u32 fields through casted
 * pointers. The hypervisor passes boot_info.rsdp, which sits at offset
 * 4 mod 8 in struct boot_info, so `*(const u64 *)(rsdp + 24)` is a
 * misaligned load (UBSan: load of misaligned address). Harmless on x86
 * hardware, but UB that a compiler may exploit.
 */
static void acpi_unaligned_rsdp(void)
{
	static struct boot_info bi;
	const u64 x[] = { MADT_PA };

	reset();
	standard_madt(MADT_PA);
	make_xsdt(XSDT_PA, x, 1);
	bi.rsdp_len = make_rsdp(bi.rsdp, 2, 0, XSDT_PA);
	CHECK_EQ(acpi_find_cpus(bi.rsdp, bi.rsdp_len, map, NULL, &cpus), 0);
	CHECK_IDS(0, 1, 6);
}

static const struct tu_case cases[] = {
	TU_CASE(acpi_rsdp_checks),
	TU_CASE(acpi_via_rsdt),
	TU_CASE(acpi_via_xsdt_preferred),
	TU_CASE(acpi_bad_checksums),
	TU_CASE(acpi_wrong_root_signature),
	TU_CASE(acpi_unmappable),
	TU_CASE(acpi_no_madt_or_no_cpus),
	TU_CASE(acpi_table_length_limits),
	TU_CASE(acpi_hostile_madt_entries),
	TU_CASE(acpi_too_many_cpus),
	TU_CASE(acpi_bad_rsdp),
	TU_CASE(acpi_short_rsdp_not_overread),
	TU_CASE(acpi_unaligned_rsdp),
};

TU_MAIN("acpi", cases)
