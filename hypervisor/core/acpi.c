/* MADT discovery (see tess/acpi.h). */
#include <tess/acpi.h>
#include <tess/lib.h>

struct acpi_header {
	char sig[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem[6];
	char oem_table[8];
	u32 oem_rev;
	u32 creator;
	u32 creator_rev;
} __packed;

/* Tables are byte streams with no alignment promise: load through memcpy. */
static u32 acpi_rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 acpi_rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static bool acpi_checksum_ok(const u8 *p, u64 len)
{
	u8 sum = 0;

	for (u64 i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

bool acpi_rsdp_valid(const u8 *p, unsigned int len)
{
	if (len < 20 || memcmp(p, "RSD PTR ", 8) || !acpi_checksum_ok(p, 20))
		return false;
	if (p[15] >= 2) { /* ACPI 2.0+: 36 bytes with extended checksum */
		u32 xlen = len >= 24 ? acpi_rd32(p + 20) : 0;

		return len >= 36 && xlen >= 36 && xlen <= len && acpi_checksum_ok(p, xlen);
	}
	return true;
}

static const struct acpi_header *acpi_map_table(u64 pa, acpi_map_fn map, void *opaque)
{
	const struct acpi_header *h = map(pa, sizeof(*h), opaque);

	if (!h || h->length < sizeof(*h) || h->length > (1u << 20))
		return NULL;
	h = map(pa, h->length, opaque);
	if (!h || !acpi_checksum_ok((const u8 *)h, h->length))
		return NULL;
	return h;
}

static void acpi_parse_madt(const struct acpi_header *madt, struct acpi_cpus *out)
{
	const u8 *p = (const u8 *)madt + sizeof(*madt) + 8; /* LAPIC addr, flags */
	const u8 *end = (const u8 *)madt + madt->length;

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		bool enabled = false;
		u32 id = 0;

		if (p[0] == 0 && p[1] >= 8) { /* processor local APIC */
			id = p[3];
			enabled = acpi_rd32(p + 4) & 1;
		} else if (p[0] == 9 && p[1] >= 16) { /* processor local x2APIC */
			id = acpi_rd32(p + 4);
			enabled = acpi_rd32(p + 8) & 1;
		}
		if (enabled && out->count < ACPI_MAX_CPUS)
			out->apic_id[out->count++] = id;
		p += p[1];
	}
}

int acpi_find_cpus(const u8 *rsdp, unsigned int rsdp_len, acpi_map_fn map, void *opaque,
		   struct acpi_cpus *out)
{
	bool xsdt;
	u64 root_pa;
	unsigned int esz;
	const struct acpi_header *root;

	out->count = 0;
	if (!acpi_rsdp_valid(rsdp, rsdp_len))
		return -1;
	xsdt = rsdp_len >= 36 && rsdp[15] >= 2 && acpi_rd64(rsdp + 24);
	root_pa = xsdt ? acpi_rd64(rsdp + 24) : acpi_rd32(rsdp + 16);
	esz = xsdt ? 8 : 4;
	root = acpi_map_table(root_pa, map, opaque);
	if (!root || memcmp(root->sig, xsdt ? "XSDT" : "RSDT", 4))
		return -1;
	for (u32 off = sizeof(*root); off + esz <= root->length; off += esz) {
		const u8 *ep = (const u8 *)root + off;
		u64 pa = xsdt ? acpi_rd64(ep) : acpi_rd32(ep);
		const struct acpi_header *t = acpi_map_table(pa, map, opaque);

		if (t && !memcmp(t->sig, "APIC", 4)) {
			acpi_parse_madt(t, out);
			return out->count ? 0 : -1;
		}
	}
	return -1;
}
