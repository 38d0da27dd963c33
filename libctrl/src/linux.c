/* SPDX-License-Identifier: MIT */
/*
 * libctrl: the Linux domain builder (DESIGN D7, issue 4).
 *
 * A bzImage is loaded through the Linux x86 boot protocol's 64-bit entry
 * (Documentation/arch/x86/boot.rst): the protected-mode kernel at a
 * kernel_alignment-aligned address >= 16 MiB, startup_64 at load + 0x200,
 * paging on with an identity map of everything the kernel touches, RSI =
 * the zero page. The setup-header checks and the zero page come from the
 * hypervisor's own pure code (hypervisor/core/linux_boot.c and e820.c,
 * compiled into libctrl with -DTESS_HOSTED), so dom0 and children are
 * booted the same way.
 *
 * Child layout (guest-physical, see TESS_LINUX_* in tessctrl.h):
 *   0x1000  GDT: 0x08 and 0x10 64-bit code, 0x18 data (see below)
 *   0x2000  PML4, 0x3000 PDPT, 0x4000-0x7fff four PDs: 0-4 GiB, 2 MiB pages
 *   0x8000  boot_params, 0x9000 command line, stack below 0xe000
 *   0xe0000 ACPI tables (RSDP, XSDT, FADT, DSDT, MADT; see below)
 *   16 MiB  the kernel; the initrd page-aligned at the top of usable memory
 *
 * Selectors: TESS_VCPU_MODE_LONG64 starts the vCPU with CS = 0x08 and data
 * selectors 0x10, while the boot protocol names __BOOT_CS 0x10 and __BOOT_DS
 * 0x18. startup_64 loads its own GDT (and reloads CS with a far return)
 * before it depends on any selector, so either is fine; the GDT written here
 * has 64-bit code descriptors at both 0x08 and 0x10 and a data descriptor at
 * 0x18 so that both conventions describe the same flat segments. (The
 * hypervisor does not point GDTR at it today: docs/abi.md, "No GDT or IDT
 * exists in guest memory"; it is there for a kernel or a future ABI that
 * looks.)
 *
 * Firmware tables: ACPI only (see "ACPI tables" below), found through
 * boot_params.acpi_rsdp_addr (boot protocol 2.14+; older kernels scan
 * 0xe0000-0xfffff for the RSDP and find it there too). There is no MP table:
 * Linux would take it over the MADT's absence and, with the x2APIC already
 * enabled, touch the xAPIC MMIO page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "internal.h"

#include <tess/linux_boot.h>

#define OP "load_linux"

#define PTE_P  0x1ull
#define PTE_W  0x2ull
#define PTE_PS 0x80ull
#define PT_BYTES (TESS_LINUX_BOOT_PARAMS - TESS_LINUX_PML4)  /* PML4 + PDPT + 4 PDs */
#define FOUR_GIB (4ull << 30)
#define ONE_MIB (1ull << 20)

/* ---- command line -------------------------------------------------------- */

/* Does cmdline have a word starting with key (e.g. "console=")? */
static int has_option(const char *cmdline, const char *key)
{
	size_t n = strlen(key);
	const char *p = cmdline;

	while ((p = strstr(p, key)) != NULL) {
		if (p == cmdline || p[-1] == ' ' || p[-1] == '\t')
			return 1;
		p += n;
	}
	return 0;
}

/* Does cmdline have the word word (a whole word: "noapic", not "noapictimer")? */
static int has_word(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	const char *p = cmdline;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == cmdline || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * "noapic": a child has no I/O APIC, and Linux 6.1 only keeps a firmware-
 * enabled x2APIC without interrupt remapping when it skips the I/O APIC
 * setup (enable_IR_x2apic) or recognises a hypervisor; otherwise it turns
 * the x2APIC off and falls back to the xAPIC MMIO page, which a child does
 * not have. The MADT alone cannot say so: Linux treats any MADT as an SMP
 * configuration (smp_found_config), so only "noapic" makes it skip the
 * I/O APIC and program LINT0 as ExtINT on the boot CPU (virtual wire).
 */
int tess__linux_cmdline(char *buf, size_t size, const char *cmdline, uint32_t tsc_khz)
{
	size_t len;
	int n;

	if (!cmdline)
		cmdline = "";
	n = snprintf(buf, size, "%s", cmdline);
	if (n < 0 || (size_t)n >= size)
		return -E2BIG;
	len = (size_t)n;
	if (tsc_khz && !has_option(cmdline, "tsc_early_khz=")) {
		n = snprintf(buf + len, size - len, "%stsc_early_khz=%u", len ? " " : "", tsc_khz);
		if (n < 0 || (size_t)n >= size - len)
			return -E2BIG;
		len += (size_t)n;
	}
	if (!has_word(cmdline, "noapic")) {
		n = snprintf(buf + len, size - len, "%snoapic", len ? " " : "");
		if (n < 0 || (size_t)n >= size - len)
			return -E2BIG;
		len += (size_t)n;
	}
	if (!has_option(cmdline, "console=")) {
		n = snprintf(buf + len, size - len, "%sconsole=ttyS0,115200 "
			     "earlyprintk=serial,ttyS0,115200", len ? " " : "");
		if (n < 0 || (size_t)n >= size - len)
			return -E2BIG;
		len += (size_t)n;
	}
	return (int)len;
}

/* ---- boot tables --------------------------------------------------------- */

/* GDT page at TESS_LINUX_GDT (see the top of this file for why 0x08 too). */
static void build_gdt(uint64_t *gdt /* 512 entries */)
{
	memset(gdt, 0, 4096);
	gdt[1] = 0x00af9a000000ffffull;   /* 0x08: 64-bit code (TESS_VCPU_MODE_LONG64) */
	gdt[2] = 0x00af9a000000ffffull;   /* 0x10: __BOOT_CS, 64-bit code */
	gdt[3] = 0x00cf92000000ffffull;   /* 0x18: __BOOT_DS, flat data */
}

/* Identity map of 0-4 GiB in 2 MiB pages, at TESS_LINUX_PML4. */
static void build_page_tables(uint64_t *pt /* PT_BYTES / 8 entries */)
{
	uint64_t *pml4 = pt, *pdpt = pt + 512, *pd = pt + 1024;
	unsigned i;

	memset(pt, 0, PT_BYTES);
	pml4[0] = TESS_LINUX_PDPT | PTE_P | PTE_W;
	for (i = 0; i < 4; i++)
		pdpt[i] = (TESS_LINUX_PD + i * 0x1000ull) | PTE_P | PTE_W;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_PS;
}

/* ---- ACPI tables (ACPI 6.5) -------------------------------------------------- */

/*
 * A child in x2APIC mode must be described by ACPI: Linux only picks its
 * x2APIC driver from the MADT (default_acpi_madt_oem_check); on the MP-table
 * path it reads the xAPIC MMIO page, which a child does not have. The set
 * written at TESS_LINUX_ACPI (inside the e820-reserved [0x9fc00, 1 MiB), and
 * named by boot_params.acpi_rsdp_addr):
 *
 *   RSDP (revision 2) -> XSDT -> FADT, MADT; FADT.X_DSDT -> DSDT
 *
 * MADT: one Processor Local x2APIC structure per vCPU (x2APIC id and ACPI
 * processor UID = the vCPU number, enabled), one Local x2APIC NMI structure
 * (all processors, LINT1), PCAT_COMPAT; no Processor Local APIC structures
 * (a Linux that sees both ignores x2APIC structures with ids below 255, one
 * that predates that check would register every CPU twice), no I/O APIC and
 * no interrupt source overrides.
 *
 * FADT: a full (not hardware-reduced) FADT, because in hardware-reduced
 * mode Linux drops the 8259 (acpi_generic_reduced_hw_init), and the 8259 is
 * what carries COM1's IRQ 4 to the x2APIC's LINT0. The fixed hardware is
 * the least ACPI allows (ACPI 6.5 4.8): a PM1a event block at port 0x600
 * (status and enable) and a PM1a control block at 0x604 (reads SCI_EN, so
 * Linux finds ACPI mode already on; SMI_CMD is 0), the same ports QEMU's
 * PIIX4 uses. The SCI is IRQ 9. The one event is the fixed power button
 * (PWR_BUTTON flag clear, 5.2.9 and 4.8.2.2.1): dom0 presses it to ask the
 * child to shut down, and Linux's button driver turns the SCI into a
 * KEY_POWER press. No sleep button, no PM timer, no GPE blocks. A FACS with no waking vector and no global lock
 * owner. The reset register is port 0x64 with value 0xfe; physical
 * destination mode is forced because the child's x2APIC delivers IPIs by
 * physical id only. IAPC_BOOT_ARCH: legacy devices (COM1 is not enumerated
 * by ACPI), no 8042 (port 0x64 only resets), no VGA; the CMOS RTC at
 * 0x70/0x71 is present (bit 5 clear), so Linux reads the wall clock from it
 * and registers its rtc_cmos device. The FADT's CENTURY field stays 0:
 * Linux then takes years 00-69 as 20xx, and the RTC's century register
 * 0x32 is there for guests that look anyway.
 *
 * DSDT: Name (_S5, Package () {5, 5, 0, 0}), so that a poweroff writes
 * SLP_TYP 5 | SLP_EN (0x3400) to PM1a_CNT (docs/abi.md); and a pvpanic
 * device (_HID "QEMU0001", one I/O port at 0x505) for Linux's pvpanic-mmio
 * driver, through which a panicking child reports its crash.
 */

#define ACPI_HDR 36
#define ACPI_RSDP_LEN 36
#define ACPI_XSDT_LEN (ACPI_HDR + 2 * 8)
#define ACPI_FADT_LEN 276
#define ACPI_FACS_LEN 64
#define ACPI_MADT_X2APIC_LEN 16
#define ACPI_MADT_X2NMI_LEN 12
#define ACPI_LAPIC_BASE 0xfee00000u

/* Offsets in the ACPI block (each table 16-byte aligned, the FACS 64). */
#define ACPI_OFF_RSDP 0x000
#define ACPI_OFF_XSDT 0x040
#define ACPI_OFF_FACS 0x080
#define ACPI_OFF_FADT 0x0c0
#define ACPI_OFF_DSDT 0x1e0
#define ACPI_OFF_MADT ((ACPI_OFF_DSDT + ACPI_DSDT_LEN + 15) & ~(size_t)15)

/* The fixed-hardware ports the FADT names (child_io.c decodes them). */
#define ACPI_PM1A_EVT 0x600
#define ACPI_PM1A_CNT 0x604
#define ACPI_SCI_IRQ 9
#define PVPANIC_PORT 0x505

/*
 * The DSDT's AML (ACPI 6.5 section 20, hand-assembled):
 *
 *   Name (_S5, Package () {5, 5, 0, 0})
 *   Scope (\_SB) {
 *       Device (PEVT) {
 *           Name (_HID, "QEMU0001")
 *           Name (_CRS, ResourceTemplate () { IO (Decode16, 0x505, 0x505, 1, 1) })
 *           Name (_STA, 0x0F)
 *       }
 *   }
 *
 * A PkgLength of one byte (bits 7-6 = 0) holds lengths up to 63 and counts
 * itself and everything after it in the object; each is written below as
 * the sum of what it covers.
 */
static const unsigned char dsdt_aml[] = {
	0x08, '_', 'S', '5', '_',      /* NameOp, NameString "_S5_" */
	0x12, 0x08, 0x04,              /* PackageOp, PkgLength 8, NumElements 4 */
	0x0a, 0x05, 0x0a, 0x05,        /* BytePrefix 5, BytePrefix 5 */
	0x00, 0x00,                    /* ZeroOp, ZeroOp */

	0x10, 1 + 5 + 48,              /* ScopeOp, PkgLength 54: itself, the name, Device */
	'\\', '_', 'S', 'B', '_',      /* RootChar, NameSeg "_SB_" */
	0x5b, 0x82, 1 + 4 + 15 + 19 + 7, /* ExtOpPrefix DeviceOp, PkgLength 46 (48 bytes) */
	'P', 'E', 'V', 'T',            /* NameSeg "PEVT" */
	/* Name (_HID, "QEMU0001"): 15 bytes */
	0x08, '_', 'H', 'I', 'D',      /* NameOp, NameSeg "_HID" */
	0x0d, 'Q', 'E', 'M', 'U', '0', '0', '0', '1', 0x00, /* StringPrefix, ASCII, NUL */
	/* Name (_CRS, ResourceTemplate () {...}): 19 bytes */
	0x08, '_', 'C', 'R', 'S',      /* NameOp, NameSeg "_CRS" */
	0x11, 1 + 2 + 10,              /* BufferOp, PkgLength 13 */
	0x0a, 10,                      /* BufferSize: BytePrefix 10 */
	0x47, 0x01,                    /* I/O port descriptor (6.4.2.5), Decode16 */
	PVPANIC_PORT & 0xff, PVPANIC_PORT >> 8, /* range minimum base 0x505 */
	PVPANIC_PORT & 0xff, PVPANIC_PORT >> 8, /* range maximum base 0x505 */
	0x01, 0x01,                    /* base alignment 1, range length 1 */
	0x79, 0x00,                    /* End tag (6.4.2.9), checksum 0: not checked */
	/* Name (_STA, 0x0F): 7 bytes; present, enabled, shown, functioning */
	0x08, '_', 'S', 'T', 'A',      /* NameOp, NameSeg "_STA" */
	0x0a, 0x0f,                    /* BytePrefix 0x0F */
};
#define ACPI_DSDT_LEN (ACPI_HDR + sizeof(dsdt_aml))
_Static_assert(sizeof(dsdt_aml) == 14 + 55, "a PkgLength above does not match the bytes");

static size_t acpi_madt_len(uint32_t nr_vcpus)
{
	return ACPI_HDR + 8 + nr_vcpus * ACPI_MADT_X2APIC_LEN + ACPI_MADT_X2NMI_LEN;
}

static size_t acpi_size(uint32_t nr_vcpus)
{
	return ACPI_OFF_MADT + acpi_madt_len(nr_vcpus);
}

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* The byte that makes the sum of p[0..len) zero. */
static unsigned char acpi_checksum(const unsigned char *p, size_t len)
{
	unsigned char sum = 0;

	while (len--)
		sum = (unsigned char)(sum + *p++);
	return (unsigned char)-sum;
}

/* A System Description Table header; the checksum is filled in last. */
static void acpi_header(unsigned char *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "TESSRA", 6);          /* OEM ID */
	memcpy(t + 16, "CHILD   ", 8);        /* OEM table ID */
	put32(t + 24, 1);                     /* OEM revision */
	memcpy(t + 28, "TESS", 4);            /* creator ID */
	put32(t + 32, 1);                     /* creator revision */
}

static void acpi_seal(unsigned char *t)
{
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
		       (uint32_t)t[7] << 24;

	t[9] = 0;
	t[9] = acpi_checksum(t, len);
}

/* Generic Address Structure: an 8-bit register at an I/O port. */
static void acpi_gas_io8(unsigned char *g, uint16_t port)
{
	g[0] = 1;                             /* System I/O space */
	g[1] = 8;                             /* register bit width */
	g[2] = 0;                             /* bit offset */
	g[3] = 1;                             /* access size: byte */
	put64(g + 4, port);
}

/* Write the whole set into buf (acpi_size bytes), to live at TESS_LINUX_ACPI. */
static void build_acpi(unsigned char *buf, uint32_t nr_vcpus)
{
	unsigned char *rsdp = buf + ACPI_OFF_RSDP, *xsdt = buf + ACPI_OFF_XSDT;
	unsigned char *fadt = buf + ACPI_OFF_FADT, *dsdt = buf + ACPI_OFF_DSDT;
	unsigned char *facs = buf + ACPI_OFF_FACS;
	unsigned char *madt = buf + ACPI_OFF_MADT, *e;
	uint32_t i, madt_len = (uint32_t)acpi_madt_len(nr_vcpus);

	memset(buf, 0, acpi_size(nr_vcpus));

	/* DSDT (5.2.11.1), revision 2: 64-bit integers. */
	acpi_header(dsdt, "DSDT", ACPI_DSDT_LEN, 2);
	memcpy(dsdt + ACPI_HDR, dsdt_aml, sizeof(dsdt_aml));
	acpi_seal(dsdt);

	/* MADT (5.2.12), revision 5. */
	acpi_header(madt, "APIC", madt_len, 5);
	put32(madt + 36, ACPI_LAPIC_BASE);
	put32(madt + 40, 1);                  /* PCAT_COMPAT: dual 8259 present */
	e = madt + 44;
	for (i = 0; i < nr_vcpus; i++, e += ACPI_MADT_X2APIC_LEN) {
		e[0] = 9;                     /* Processor Local x2APIC */
		e[1] = ACPI_MADT_X2APIC_LEN;
		put32(e + 4, i);              /* x2APIC id */
		put32(e + 8, 1);              /* enabled */
		put32(e + 12, i);             /* ACPI processor UID */
	}
	e[0] = 10;                            /* Local x2APIC NMI */
	e[1] = ACPI_MADT_X2NMI_LEN;
	put16(e + 2, 0);                      /* MPS INTI flags: conforming */
	put32(e + 4, 0xffffffffu);            /* every processor */
	e[8] = 1;                             /* LINT1 */
	acpi_seal(madt);

	/* FACS (5.2.10), version 2: no waking vector, global lock free. */
	memcpy(facs, "FACS", 4);
	put32(facs + 4, ACPI_FACS_LEN);
	facs[32] = 2;

	/* FADT (5.2.9), revision 6, minor version 5. */
	acpi_header(fadt, "FACP", ACPI_FADT_LEN, 6);
	put32(fadt + 36, TESS_LINUX_ACPI + ACPI_OFF_FACS); /* FIRMWARE_CTRL */
	put16(fadt + 46, ACPI_SCI_IRQ);       /* SCI_INT; SMI_CMD stays 0 */
	put32(fadt + 56, ACPI_PM1A_EVT);      /* PM1a_EVT_BLK */
	put32(fadt + 64, ACPI_PM1A_CNT);      /* PM1a_CNT_BLK */
	fadt[88] = 4;                         /* PM1_EVT_LEN */
	fadt[89] = 2;                         /* PM1_CNT_LEN */
	put16(fadt + 96, 101);                /* P_LVL2_LAT > 100: no C2 */
	put16(fadt + 98, 1001);               /* P_LVL3_LAT > 1000: no C3 */
	put16(fadt + 109, 0x0001 | 0x0004);   /* IAPC_BOOT_ARCH: LEGACY_DEVICES, VGA not
					       * present; 8042 (bit 1) clear; CMOS RTC not
					       * present (bit 5) clear: it is at 0x70 */
	put32(fadt + 112, (1u << 0) |         /* WBINVD */
			  (1u << 5) |         /* SLP_BUTTON: no fixed sleep button; PWR_BUTTON
					       * (bit 4) clear: the power button is fixed
					       * hardware (PM1a PWRBTN_STS/EN) */
			  (1u << 10) |        /* RESET_REG_SUP */
			  (1u << 19));        /* FORCE_APIC_PHYSICAL_DESTINATION_MODE */
	acpi_gas_io8(fadt + 116, 0x64);       /* RESET_REG */
	fadt[128] = 0xfe;                     /* RESET_VALUE */
	fadt[131] = 5;                        /* FADT minor version */
	put64(fadt + 140, TESS_LINUX_ACPI + ACPI_OFF_DSDT); /* X_DSDT (DSDT stays 0) */
	memcpy(fadt + 268, "TESSERA\0", 8);   /* hypervisor vendor identity */
	acpi_seal(fadt);

	/* XSDT (5.2.8). */
	acpi_header(xsdt, "XSDT", ACPI_XSDT_LEN, 1);
	put64(xsdt + ACPI_HDR, TESS_LINUX_ACPI + ACPI_OFF_FADT);
	put64(xsdt + ACPI_HDR + 8, TESS_LINUX_ACPI + ACPI_OFF_MADT);
	acpi_seal(xsdt);

	/* RSDP (5.2.5.3), revision 2: no RSDT. */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "TESSRA", 6);
	rsdp[15] = 2;
	put32(rsdp + 20, ACPI_RSDP_LEN);
	put64(rsdp + 24, TESS_LINUX_ACPI + ACPI_OFF_XSDT);
	rsdp[8] = acpi_checksum(rsdp, 20);
	rsdp[32] = acpi_checksum(rsdp, ACPI_RSDP_LEN);
}

/* ---- placement ------------------------------------------------------------- */

static int place_kernel(const struct linux_image *li, const struct tess_linux_args *a,
			uint64_t *kaddr)
{
	uint64_t k = TESS_LINUX_KERNEL_MIN;
	uint64_t limit = a->memory_bytes < FOUR_GIB ? a->memory_bytes : FOUR_GIB;

	k = (k + li->alignment - 1) & ~(li->alignment - 1);
	if (k > limit || limit - k < li->init_size)
		return tess__fail(-EFBIG, OP, "%s: the kernel needs %llu KiB from 0x%llx, more "
				  "than the child's %llu MiB of memory", a->kernel_name,
				  (unsigned long long)(li->init_size >> 10),
				  (unsigned long long)k,
				  (unsigned long long)(a->memory_bytes >> 20));
	*kaddr = k;
	return 0;
}

/* Highest page-aligned spot below min(initrd_addr_max + 1, memory, 4 GiB)
 * clear of the kernel; else below the kernel, at or above 1 MiB. */
static int place_initrd(const struct linux_image *li, const struct tess_linux_args *a,
			uint64_t k_start, uint64_t k_end, uint64_t *out)
{
	uint64_t size = a->initrd_size, limit = (uint64_t)li->initrd_addr_max + 1, at;

	if (limit > a->memory_bytes)
		limit = a->memory_bytes;
	if (limit > FOUR_GIB)
		limit = FOUR_GIB;
	if (size <= limit) {
		at = (limit - size) & ~0xfffull;
		if (at >= k_end && at >= ONE_MIB) {
			*out = at;
			return 0;
		}
	}
	if (size <= k_start - ONE_MIB) {
		at = (k_start - size) & ~0xfffull;
		if (at >= ONE_MIB) {
			*out = at;
			return 0;
		}
	}
	return tess__fail(-EFBIG, OP, "%s: the initrd (%llu KiB) does not fit in the child's "
			  "%llu MiB of memory next to the kernel [0x%llx, 0x%llx) (limit 0x%llx)",
			  a->initrd_name, (unsigned long long)(size >> 10),
			  (unsigned long long)(a->memory_bytes >> 20),
			  (unsigned long long)k_start, (unsigned long long)k_end,
			  (unsigned long long)limit);
}

/* ---- the builder ----------------------------------------------------------- */

struct linux_build {
	struct linux_image li;
	struct e820_map e820;
	unsigned char bp[LINUX_BP_SIZE];
	char cmdline[TESS_LINUX_CMDLINE_MAX];
	uint64_t gdt[512];
	uint64_t pt[PT_BYTES / 8];
	unsigned char *acpi;
	size_t acpi_size;
};

/* Everything that can fail, before anything is written. */
static int linux_prepare(const struct tess_linux_args *a, struct linux_build *b,
			 struct tess_linux_layout *lay)
{
	struct linux_boot_args args;
	const char *why = NULL;
	uint64_t kaddr = 0, rdaddr = 0, max_cmd;
	int n, err;

	memset(lay, 0, sizeof(*lay));
	if (!a->kernel || linux_parse_image(a->kernel, a->kernel_size, &b->li, &why))
		return tess__fail(-ENOEXEC, OP, "%s: %s", a->kernel_name,
				  why ? why : "no kernel image");
	if (a->nr_vcpus < 1 || a->nr_vcpus > TESS_MAX_VCPUS)
		return tess__fail(-EINVAL, OP, "%s: %u vCPUs (1 to %u)", a->kernel_name,
				  a->nr_vcpus, TESS_MAX_VCPUS);
	if (a->memory_bytes & 0xfff)
		return tess__fail(-EINVAL, OP, "%s: child memory of %llu bytes is not whole "
				  "pages", a->kernel_name, (unsigned long long)a->memory_bytes);
	if (a->kernel_size > a->memory_bytes)
		return tess__fail(-EFBIG, OP, "%s: %zu bytes is larger than the child's memory "
				  "(%llu MiB)", a->kernel_name, a->kernel_size,
				  (unsigned long long)(a->memory_bytes >> 20));
	err = place_kernel(&b->li, a, &kaddr);
	if (err < 0)
		return err;
	if (a->initrd) {
		if (a->initrd_size == 0)
			return tess__fail(-EINVAL, OP, "%s: empty initrd", a->initrd_name);
		err = place_initrd(&b->li, a, kaddr, kaddr + b->li.init_size, &rdaddr);
		if (err < 0)
			return err;
	}

	max_cmd = (uint64_t)b->li.cmdline_size + 1;
	if (max_cmd > TESS_LINUX_CMDLINE_MAX)
		max_cmd = TESS_LINUX_CMDLINE_MAX;
	memset(b->cmdline, 0, sizeof(b->cmdline));
	n = tess__linux_cmdline(b->cmdline, (size_t)max_cmd, a->cmdline, a->tsc_khz);
	if (n < 0)
		return tess__fail(-E2BIG, OP, "%s: the command line (with the options added) "
				  "is longer than the kernel's %llu bytes", a->kernel_name,
				  (unsigned long long)(max_cmd - 1));

	/* The child's memory map. */
	b->e820.count = 0;
	if (e820_add(&b->e820, 0, TESS_LINUX_LOW_RAM_END, E820_RAM) ||
	    e820_add(&b->e820, TESS_LINUX_LOW_RAM_END, ONE_MIB - TESS_LINUX_LOW_RAM_END,
		     E820_RESERVED) ||
	    e820_add(&b->e820, ONE_MIB, a->memory_bytes - ONE_MIB, E820_RAM))
		return tess__fail(-EINVAL, OP, "e820 map overflow");
	e820_normalize(&b->e820);

	memset(&args, 0, sizeof(args));
	args.cmdline_pa = TESS_LINUX_CMDLINE;
	args.initrd_pa = rdaddr;
	args.initrd_size = a->initrd ? a->initrd_size : 0;
	args.rsdp_pa = TESS_LINUX_ACPI + ACPI_OFF_RSDP;
	args.e820 = &b->e820;
	if (linux_build_boot_params(b->bp, a->kernel, &b->li, &args))
		return tess__fail(-EINVAL, OP, "%s: cannot build boot_params", a->kernel_name);

	build_gdt(b->gdt);
	build_page_tables(b->pt);
	b->acpi_size = acpi_size(a->nr_vcpus);
	b->acpi = malloc(b->acpi_size);
	if (!b->acpi)
		return tess__fail(-ENOMEM, OP, "out of memory");
	build_acpi(b->acpi, a->nr_vcpus);

	lay->kernel_pa = kaddr;
	lay->kernel_end = kaddr + b->li.init_size;
	lay->initrd_pa = rdaddr;
	lay->initrd_size = args.initrd_size;
	lay->entry = kaddr + 0x200;   /* startup_64 (boot.rst: 64-bit boot protocol) */
	lay->boot_version = b->li.version;
	lay->cmdline_len = (size_t)n;
	return 0;
}

/* copy_in in TESS_BUF_MAX pieces (the fake and the device take at most that). */
static int copy_chunks(const struct tess_loader_ops *ops, void *ctx, uint64_t gpa,
		       const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		size_t n = len > TESS_BUF_MAX ? TESS_BUF_MAX : len;
		int err = ops->copy_in(ctx, gpa, p, n);

		if (err < 0)
			return err;
		gpa += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int linux_write(const struct tess_linux_args *a, const struct linux_build *b,
		       const struct tess_linux_layout *lay, uint32_t domid,
		       const struct tess_loader_ops *ops, void *ctx)
{
	const unsigned char *k = a->kernel;
	struct tess_vcpu_state st;
	int err;

	err = copy_chunks(ops, ctx, lay->kernel_pa, k + b->li.pm_offset, b->li.pm_size);
	if (!err && a->initrd)
		err = copy_chunks(ops, ctx, lay->initrd_pa, a->initrd, a->initrd_size);
	if (!err)
		err = copy_chunks(ops, ctx, TESS_LINUX_GDT, b->gdt, sizeof(b->gdt));
	if (!err)
		err = copy_chunks(ops, ctx, TESS_LINUX_PML4, b->pt, sizeof(b->pt));
	if (!err)
		err = copy_chunks(ops, ctx, TESS_LINUX_BOOT_PARAMS, b->bp, sizeof(b->bp));
	if (!err)
		err = copy_chunks(ops, ctx, TESS_LINUX_CMDLINE, b->cmdline, sizeof(b->cmdline));
	if (!err)
		err = copy_chunks(ops, ctx, TESS_LINUX_ACPI, b->acpi, b->acpi_size);
	if (err < 0)
		return err;

	memset(&st, 0, sizeof(st));
	st.domid = domid;
	st.vcpu = 0;
	st.mode = TESS_VCPU_MODE_LONG64;
	st.rip = lay->entry;
	st.rsp = TESS_LINUX_STACK_TOP;
	st.rflags = 0x2;
	st.cr3 = TESS_LINUX_PML4;
	st.rsi = TESS_LINUX_BOOT_PARAMS;
	return ops->set_state(ctx, &st);
}

int tess__load_linux(const struct tess_linux_args *a, uint32_t domid,
		     const struct tess_loader_ops *ops, void *ctx,
		     struct tess_linux_layout *out)
{
	struct tess_linux_layout lay;
	struct linux_build *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return tess__fail(-ENOMEM, OP, "out of memory");
	err = linux_prepare(a, b, &lay);
	if (!err && ops)
		err = linux_write(a, b, &lay, domid, ops, ctx);
	if (!err && out)
		*out = lay;
	free(b->acpi);
	free(b);
	return err;
}

/* ---- TSC frequency ----------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* TSC ticks per ms over about 20 ms. */
static uint64_t measure_khz(void)
{
	struct timespec d = { 0, 20 * 1000 * 1000 };
	uint64_t t0, c0, t1, c1;

	t0 = now_ns();
	c0 = __rdtsc();
	nanosleep(&d, NULL);
	t1 = now_ns();
	c1 = __rdtsc();
	if (t1 <= t0 || c1 <= c0)
		return 0;
	return (c1 - c0) * 1000000ull / (t1 - t0);
}

int tess_tsc_khz(uint32_t *khz)
{
	unsigned long long v = 0;
	uint64_t m[3], t;
	char line[256];
	FILE *f;
	int i, j;

	f = fopen("/sys/devices/system/cpu/cpu0/tsc_freq_khz", "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
		if (v && v < 0xffffffffull) {
			*khz = (uint32_t)v;
			return 0;
		}
	}
	for (i = 0; i < 3; i++)
		m[i] = measure_khz();
	for (i = 0; i < 3; i++)                   /* median of three */
		for (j = i + 1; j < 3; j++)
			if (m[j] < m[i])
				t = m[i], m[i] = m[j], m[j] = t;
	if (m[1] >= 1000 && m[1] < 0xffffffffull) {
		*khz = (uint32_t)m[1];
		return 0;
	}
	f = fopen("/proc/cpuinfo", "r");
	if (f) {
		double mhz = 0;

		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
				break;
		fclose(f);
		if (mhz >= 1 && mhz < 4e6) {
			*khz = (uint32_t)(mhz * 1000);
			return 0;
		}
	}
	return tess__fail(-ENODEV, "tsc_khz", "cannot find the TSC frequency");
}

int tess_load_linux(struct tess_handle *h, uint32_t domid, const char *kernel_path,
		    const char *initrd_path, const char *cmdline, uint64_t memory_bytes,
		    uint32_t nr_vcpus)
{
	struct tess__dev_ctx c = { h, domid, kernel_path, OP };
	struct tess_linux_args a;
	unsigned char *kernel = NULL, *initrd = NULL;
	size_t klen = 0, rlen = 0;
	uint32_t khz = 0;
	int err;

	if (!h)
		return tess__fail(-EBADF, OP, "no handle (tess_open first)");
	if (!kernel_path)
		return tess__fail(-EINVAL, OP, "no kernel file name");
	err = tess__read_file(OP, kernel_path, memory_bytes, &kernel, &klen);
	if (err < 0)
		return err;
	if (initrd_path) {
		err = tess__read_file(OP, initrd_path, memory_bytes, &initrd, &rlen);
		if (err < 0) {
			free(kernel);
			return err;
		}
	}
	if (!cmdline || !has_option(cmdline, "tsc_early_khz="))
		tess_tsc_khz(&khz);   /* none found: no tsc_early_khz=, Linux calibrates */

	memset(&a, 0, sizeof(a));
	a.kernel = kernel;
	a.kernel_size = klen;
	a.kernel_name = kernel_path;
	a.initrd = initrd;
	a.initrd_size = rlen;
	a.initrd_name = initrd_path ? initrd_path : "(no initrd)";
	a.cmdline = cmdline;
	a.memory_bytes = memory_bytes;
	a.nr_vcpus = nr_vcpus;
	a.tsc_khz = khz;
	err = tess__load_linux(&a, domid, &tess__dev_ops, &c, NULL);
	free(kernel);
	free(initrd);
	return err;
}
