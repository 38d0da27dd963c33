/* SPDX-License-Identifier: MIT */
/*
 * Host self-check of libctrl's Linux domain builder (make -C libctrl
 * check-libctrl) on a fake child that records every copy-in: a small
 * synthetic bzImage, then the real kernel given as argv[1] (skipped with a
 * note if absent): where the kernel and initrd land, the zero page (e820,
 * command line, ramdisk fields, acpi_rsdp_addr), the GDT and page tables, the
 * ACPI tables (RSDP, XSDT, FADT, DSDT, MADT: signatures, lengths, checksums,
 * fields), vCPU 0's state, and that every bad input is rejected with
 * nothing written. Prints PASS:/FAIL: lines; exit status 1 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHECK_PREFIX "libctrl/linux-"
#include "check_common.h"

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void wr32(unsigned char *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }

/* ---- a synthetic bzImage --------------------------------------------------- */

#define SYN_SIZE (64 * 1024)
#define SYN_INIT (4u << 20)

static unsigned char *synthetic_kernel(void)
{
	unsigned char *k = malloc(SYN_SIZE);
	size_t i;

	if (!k)
		abort();
	for (i = 0; i < SYN_SIZE; i++)
		k[i] = (unsigned char)(i * 7 + 3);
	memset(k, 0, 0x1000);
	k[0x1f1] = 4;                        /* setup_sects: pm part at 0xa00 */
	wr16(k + 0x1fe, 0xaa55);
	k[0x200] = 0xeb;                     /* jmp: header ends at 0x202 + 0x66 */
	k[0x201] = 0x66;
	memcpy(k + 0x202, "HdrS", 4);
	wr16(k + 0x206, 0x020f);
	wr32(k + 0x22c, 0x7fffffff);         /* initrd_addr_max */
	wr32(k + 0x230, 0x200000);           /* kernel_alignment */
	k[0x234] = 1;                        /* relocatable */
	wr16(k + 0x236, 0x3);                /* XLF_KERNEL_64 | CAN_BE_LOADED_ABOVE_4G */
	wr32(k + 0x238, 2047);               /* cmdline_size */
	wr32(k + 0x260, SYN_INIT);           /* init_size */
	return k;
}

static unsigned char *pattern(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n);
	size_t i;

	if (!p)
		abort();
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((i >> 3) ^ (i * seed) ^ seed);
	return p;
}

static void base_args(struct tess_linux_args *a, const unsigned char *k, size_t klen,
		      const unsigned char *rd, size_t rdlen, uint64_t mem)
{
	memset(a, 0, sizeof(*a));
	a->kernel = k;
	a->kernel_size = klen;
	a->kernel_name = "vmlinuz";
	a->initrd = rd;
	a->initrd_size = rdlen;
	a->initrd_name = "initrd";
	a->cmdline = "quiet";
	a->memory_bytes = mem;
	a->nr_vcpus = 2;
	a->tsc_khz = 2100000;
}

/* ---- checks of a loaded child ---------------------------------------------- */

static unsigned char sum(const unsigned char *p, size_t n)
{
	unsigned char s = 0;

	while (n--)
		s = (unsigned char)(s + *p++);
	return s;
}

/* A System Description Table at gpa: signature, length, revision, checksum. */
static const unsigned char *sdt(const struct fake *f, uint64_t gpa, const char *sig,
				uint32_t len, uint8_t rev)
{
	const unsigned char *t;

	if (gpa < 0xe0000 || gpa >= 0x100000 || gpa + len > 0x100000)
		return NULL;
	t = f->ram + gpa;
	if (memcmp(t, sig, 4) || rd32(t + 4) != len || t[8] != rev || sum(t, len) != 0)
		return NULL;
	return t;
}

/* An 8-bit System I/O Generic Address Structure at port. */
static int gas_io8(const unsigned char *g, uint16_t port)
{
	return g[0] == 1 && g[1] == 8 && g[2] == 0 && g[3] == 1 && rd64(g + 4) == port;
}

static void check_acpi(const char *tag, const struct fake *f, uint32_t nr)
{
	/*
	 * Name (_S5, Package () {5, 5, 0, 0})
	 * Scope (\_SB) { Device (PEVT) { Name (_HID, "QEMU0001")
	 *     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x505, 0x505, 1, 1) })
	 *     Name (_STA, 0x0F) } }
	 * (spelled out here independently of linux.c's annotated copy).
	 */
	static const unsigned char aml[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
		0x10, 0x36, '\\', '_', 'S', 'B', '_',
		0x5b, 0x82, 0x2e, 'P', 'E', 'V', 'T',
		0x08, '_', 'H', 'I', 'D', 0x0d, 'Q', 'E', 'M', 'U', '0', '0', '0', '1', 0x00,
		0x08, '_', 'C', 'R', 'S', 0x11, 0x0d, 0x0a, 0x0a,
		0x47, 0x01, 0x05, 0x05, 0x05, 0x05, 0x01, 0x01, 0x79, 0x00,
		0x08, '_', 'S', 'T', 'A', 0x0a, 0x0f,
	};
	const unsigned char *bp = f->ram + TESS_LINUX_BOOT_PARAMS, *rsdp, *xsdt = NULL;
	const unsigned char *fadt = NULL, *madt = NULL, *dsdt = NULL, *e;
	uint64_t rsdp_pa = rd64(bp + 0x070);
	uint32_t i, madt_len = 44 + 16 * nr + 12;
	int ok = 1;
	char name[64];

	snprintf(name, sizeof(name), "%s-acpi-rsdp", tag);
	rsdp = f->ram + TESS_LINUX_ACPI;
	result(rsdp_pa == TESS_LINUX_ACPI && !memcmp(rsdp, "RSD PTR ", 8) && rsdp[15] == 2 &&
	       sum(rsdp, 20) == 0 && sum(rsdp, 36) == 0 && rd32(rsdp + 20) == 36 &&
	       rd32(rsdp + 16) == 0, name,
	       "acpi_rsdp_addr 0x%llx, revision %u, sums %u/%u, length %u",
	       (unsigned long long)rsdp_pa, rsdp[15], sum(rsdp, 20), sum(rsdp, 36),
	       rd32(rsdp + 20));

	snprintf(name, sizeof(name), "%s-acpi-xsdt", tag);
	xsdt = sdt(f, rd64(rsdp + 24), "XSDT", 36 + 16, 1);
	result(xsdt != NULL, name, "XSDT at 0x%llx wrong", (unsigned long long)rd64(rsdp + 24));
	if (!xsdt)
		return;
	fadt = sdt(f, rd64(xsdt + 36), "FACP", 276, 6);
	madt = sdt(f, rd64(xsdt + 44), "APIC", madt_len, 5);

	snprintf(name, sizeof(name), "%s-acpi-fadt", tag);
	result(fadt && rd32(fadt + 40) == 0 && fadt[131] == 5 &&
	       rd32(fadt + 112) == 0x00080421u &&  /* not HW_REDUCED; fixed power button */
	       rd16(fadt + 109) == 0x0005 &&     /* legacy, no VGA; 8042 and CMOS RTC bits clear */
	       fadt[108] == 0 &&                                  /* no CENTURY index */
	       rd16(fadt + 46) == 9 && rd32(fadt + 48) == 0 &&    /* SCI 9, no SMI_CMD */
	       rd32(fadt + 56) == 0x600 && fadt[88] == 4 &&       /* PM1a_EVT */
	       rd32(fadt + 64) == 0x604 && fadt[89] == 2 &&       /* PM1a_CNT */
	       rd32(fadt + 60) == 0 && rd32(fadt + 68) == 0 &&    /* no PM1b */
	       rd32(fadt + 76) == 0 && rd32(fadt + 80) == 0 &&    /* no PM timer, GPE0 */
	       gas_io8(fadt + 116, 0x64) && fadt[128] == 0xfe,
	       name, "FADT missing or wrong (flags 0x%x, boot arch 0x%x)",
	       fadt ? rd32(fadt + 112) : 0, fadt ? rd16(fadt + 109) : 0);
	if (!fadt)
		return;

	snprintf(name, sizeof(name), "%s-acpi-facs", tag);
	{
		uint32_t facs_pa = rd32(fadt + 36);
		int inside = facs_pa >= TESS_LINUX_ACPI && facs_pa < TESS_LINUX_ACPI + 0x1000;
		const unsigned char *facs = f->ram + (inside ? facs_pa : TESS_LINUX_ACPI);

		result(inside && facs_pa % 64 == 0 && !memcmp(facs, "FACS", 4) && rd32(facs + 4) == 64 &&
		       rd32(facs + 12) == 0 && rd32(facs + 16) == 0 && facs[32] == 2,
		       name, "FACS at 0x%x missing, misaligned or not idle", facs_pa);
	}

	snprintf(name, sizeof(name), "%s-acpi-dsdt", tag);
	dsdt = sdt(f, rd64(fadt + 140), "DSDT", 36 + sizeof(aml), 2);
	result(dsdt && !memcmp(dsdt + 36, aml, sizeof(aml)), name,
	       "DSDT at 0x%llx missing or not _S5 + the pvpanic device",
	       (unsigned long long)rd64(fadt + 140));

	/* The tables must not overlap: the MADT starts after the DSDT. */
	snprintf(name, sizeof(name), "%s-acpi-layout", tag);
	result(dsdt && madt && madt >= dsdt + 36 + sizeof(aml) && (madt - f->ram) % 16 == 0,
	       name, "MADT at 0x%llx overlaps the DSDT or is misaligned",
	       (unsigned long long)rd64(xsdt + 44));

	snprintf(name, sizeof(name), "%s-acpi-madt", tag);
	result(madt && rd32(madt + 36) == 0xfee00000u && rd32(madt + 40) == 1, name,
	       "MADT missing, wrong length %u, or header fields wrong",
	       madt ? rd32(madt + 4) : 0);
	if (!madt)
		return;
	e = madt + 44;
	for (i = 0; i < nr; i++, e += 16)
		if (e[0] != 9 || e[1] != 16 || rd16(e + 2) != 0 || rd32(e + 4) != i ||
		    rd32(e + 8) != 1 || rd32(e + 12) != i)
			ok = 0;
	snprintf(name, sizeof(name), "%s-acpi-madt-cpus", tag);
	result(ok, name, "x2APIC entries wrong");
	snprintf(name, sizeof(name), "%s-acpi-madt-nmi", tag);
	result(e[0] == 10 && e[1] == 12 && rd16(e + 2) == 0 && rd32(e + 4) == 0xffffffffu &&
	       e[8] == 1 && e + 12 == madt + madt_len, name, "x2APIC NMI entry wrong");

	/* Nothing else: no MP floating pointer anywhere in 0xe0000-0xfffff. */
	snprintf(name, sizeof(name), "%s-no-mp-table", tag);
	ok = 1;
	for (i = 0xe0000; i < 0x100000; i += 16)
		if (!memcmp(f->ram + i, "_MP_", 4))
			ok = 0;
	result(ok, name, "an MP floating pointer is present");
}

static void check_loaded(const char *tag, const struct fake *f, const struct tess_linux_args *a,
			 const struct tess_linux_layout *lay, const char *want_cmd)
{
	const unsigned char *bp = f->ram + TESS_LINUX_BOOT_PARAMS, *k = a->kernel;
	const uint64_t *pt = (const uint64_t *)(f->ram + TESS_LINUX_PML4);
	const uint64_t *gdt = (const uint64_t *)(f->ram + TESS_LINUX_GDT);
	uint64_t pm_off = ((uint64_t)(k[0x1f1] ? k[0x1f1] : 4) + 1) * 512;
	uint64_t kalign = rd32(k + 0x230);
	const unsigned char *e;
	char name[64];

	snprintf(name, sizeof(name), "%s-kernel", tag);
	result(!f->oob && lay->kernel_pa >= TESS_LINUX_KERNEL_MIN &&
	       lay->kernel_pa % kalign == 0 && lay->kernel_pa < TESS_LINUX_KERNEL_MIN + kalign &&
	       !memcmp(f->ram + lay->kernel_pa, k + pm_off, a->kernel_size - pm_off),
	       name, "kernel at 0x%llx (align 0x%llx) or its bytes wrong",
	       (unsigned long long)lay->kernel_pa, (unsigned long long)kalign);

	snprintf(name, sizeof(name), "%s-header", tag);
	result(!memcmp(bp + 0x202, "HdrS", 4) && bp[0x210] == 0xff && (bp[0x211] & 1) &&
	       rd32(bp + 0x228) == TESS_LINUX_CMDLINE && rd32(bp + 0xc8) == 0,
	       name, "setup header copy, loader id, LOADED_HIGH or cmd_line_ptr wrong");

	snprintf(name, sizeof(name), "%s-cmdline", tag);
	result(!strcmp((const char *)f->ram + TESS_LINUX_CMDLINE, want_cmd) &&
	       lay->cmdline_len == strlen(want_cmd), name, "'%s', want '%s'",
	       (const char *)f->ram + TESS_LINUX_CMDLINE, want_cmd);

	e = bp + 0x2d0;
	snprintf(name, sizeof(name), "%s-e820", tag);
	result(bp[0x1e8] == 3 &&
	       rd64(e) == 0 && rd64(e + 8) == 0x9fc00 && rd32(e + 16) == 1 &&
	       rd64(e + 20) == 0x9fc00 && rd64(e + 28) == 0x100000 - 0x9fc00 && rd32(e + 36) == 2 &&
	       rd64(e + 40) == 0x100000 && rd64(e + 48) == a->memory_bytes - 0x100000 &&
	       rd32(e + 56) == 1, name, "%u entries, or entries wrong", bp[0x1e8]);

	snprintf(name, sizeof(name), "%s-initrd", tag);
	if (a->initrd)
		result(rd32(bp + 0x218) == lay->initrd_pa && rd32(bp + 0xc0) == 0 &&
		       rd32(bp + 0x21c) == a->initrd_size && lay->initrd_pa % 4096 == 0 &&
		       lay->initrd_pa >= 0x100000 &&
		       lay->initrd_pa + a->initrd_size <= a->memory_bytes &&
		       lay->initrd_pa + a->initrd_size <= (uint64_t)rd32(k + 0x22c) + 1 &&
		       (lay->initrd_pa >= lay->kernel_end ||
			lay->initrd_pa + a->initrd_size <= lay->kernel_pa) &&
		       !memcmp(f->ram + lay->initrd_pa, a->initrd, a->initrd_size),
		       name, "ramdisk 0x%x+0x%x, layout 0x%llx, kernel [0x%llx, 0x%llx)",
		       rd32(bp + 0x218), rd32(bp + 0x21c), (unsigned long long)lay->initrd_pa,
		       (unsigned long long)lay->kernel_pa, (unsigned long long)lay->kernel_end);
	else
		result(rd32(bp + 0x218) == 0 && rd32(bp + 0x21c) == 0, name,
		       "ramdisk fields set without an initrd");

	snprintf(name, sizeof(name), "%s-gdt-pt", tag);
	result(gdt[0] == 0 && gdt[1] == 0x00af9a000000ffffull && gdt[2] == 0x00af9a000000ffffull &&
	       gdt[3] == 0x00cf92000000ffffull &&
	       pt[0] == (TESS_LINUX_PDPT | 3) && pt[512] == (TESS_LINUX_PD | 3) &&
	       pt[515] == ((TESS_LINUX_PD + 0x3000) | 3) && pt[1024] == 0x83 &&
	       pt[1024 + 2047] == ((2047ull << 21) | 0x83), name, "GDT or page tables wrong");

	snprintf(name, sizeof(name), "%s-vcpu", tag);
	result(f->states == 1 && f->st.vcpu == 0 && f->st.domid == 7 &&
	       f->st.mode == TESS_VCPU_MODE_LONG64 && f->st.rip == lay->kernel_pa + 0x200 &&
	       f->st.rsi == TESS_LINUX_BOOT_PARAMS && f->st.cr3 == TESS_LINUX_PML4 &&
	       f->st.rflags == 2 && f->st.rsp == TESS_LINUX_STACK_TOP &&
	       f->st.rsp <= TESS_LINUX_LOW_RAM_END && lay->entry == f->st.rip,
	       name, "%u states; rip 0x%llx rsi 0x%llx cr3 0x%llx", f->states,
	       (unsigned long long)f->st.rip, (unsigned long long)f->st.rsi,
	       (unsigned long long)f->st.cr3);
	check_acpi(tag, f, a->nr_vcpus);
}

static void load_and_check(const char *tag, const struct tess_linux_args *a, const char *want)
{
	struct tess_linux_layout lay;
	struct fake f;
	int err;

	fake_init(&f, a->memory_bytes);
	err = tess__load_linux(a, 7, &fake_ops, &f, &lay);
	result(err == 0, tag, "load failed: %d %s", err, tess_last_error());
	if (err == 0)
		check_loaded(tag, &f, a, &lay, want);
	free(f.ram);
}

/* ---- bad inputs ------------------------------------------------------------ */

static const char *bad_prefix = "";

static void expect_reject(const char *tag0, const struct tess_linux_args *a, int want_err,
			  const char *want_msg)
{
	struct fake f;
	char tag[96];
	int err;

	snprintf(tag, sizeof(tag), "%s%s", bad_prefix, tag0);
	fake_init(&f, 1 << 20);   /* nothing may be written anyway */
	err = tess__load_linux(a, 7, &fake_ops, &f, NULL);
	result(err == want_err && f.writes == 0 && f.states == 0 &&
	       strstr(tess_last_error(), want_msg) != NULL, tag,
	       "err %d (want %d), %u writes, %u states, message '%s' (want '%s')", err, want_err,
	       f.writes, f.states, tess_last_error(), want_msg);
	free(f.ram);
}

static void test_bad(const char *prefix, const unsigned char *good, size_t klen)
{
	unsigned char *k = malloc(klen), *rd = pattern(64 << 20, 5);
	struct tess_linux_args a;
	char *longcmd = malloc(3000);

	bad_prefix = prefix;
	memcpy(k, good, klen);
	base_args(&a, k, klen, NULL, 0, 256ull << 20);

	k[0x202] = 'X';
	expect_reject("bad-magic", &a, -ENOEXEC, "not a bzImage");
	memcpy(k, good, klen);
	k[0x1fe] = 0;
	expect_reject("bad-bootflag", &a, -ENOEXEC, "not a bzImage");
	memcpy(k, good, klen);
	wr16(k + 0x206, 0x0209);
	expect_reject("old-protocol", &a, -ENOEXEC, "older than 2.12");
	memcpy(k, good, klen);
	wr16(k + 0x236, 0);
	expect_reject("no-64bit", &a, -ENOEXEC, "no 64-bit entry");
	memcpy(k, good, klen);
	k[0x234] = 0;
	expect_reject("not-relocatable", &a, -ENOEXEC, "not relocatable");
	memcpy(k, good, klen);

	a.kernel_size = 0x800;
	expect_reject("truncated", &a, -ENOEXEC, "not a bzImage");
	a.kernel_size = klen;

	a.memory_bytes = 16ull << 20;
	expect_reject("kernel-too-big", &a, -EFBIG, "more than the child's 16 MiB");
	a.memory_bytes = (klen - 1) & ~(size_t)0xfff;
	expect_reject("file-bigger-than-memory", &a, -EFBIG, "larger than the child's memory");
	a.memory_bytes = 256ull << 20;

	a.initrd = rd;
	a.initrd_size = (size_t)(256ull << 20) + 4096;
	expect_reject("initrd-too-big", &a, -EFBIG, "initrd");
	a.initrd_size = 0;
	expect_reject("initrd-empty", &a, -EINVAL, "empty initrd");
	a.initrd = NULL;

	memset(longcmd, 'x', 2999);
	longcmd[2999] = '\0';
	a.cmdline = longcmd;
	expect_reject("cmdline-too-long", &a, -E2BIG, "longer than the kernel's 2047 bytes");
	memset(longcmd, 'x', 2040);     /* fits alone, not with the added options */
	longcmd[2040] = '\0';
	expect_reject("cmdline-too-long-with-options", &a, -E2BIG, "command line");
	a.cmdline = "quiet";

	a.nr_vcpus = 0;
	expect_reject("no-vcpus", &a, -EINVAL, "vCPUs");
	a.nr_vcpus = TESS_MAX_VCPUS + 1;
	expect_reject("too-many-vcpus", &a, -EINVAL, "vCPUs");
	a.nr_vcpus = 1;

	a.kernel = NULL;
	expect_reject("no-kernel", &a, -ENOEXEC, "no kernel");
	free(longcmd);
	free(rd);
	free(k);
}

/* ---- command line -------------------------------------------------------- */

static void test_cmdline(void)
{
	static const struct { const char *in; uint32_t khz; const char *want; } c[] = {
		{ NULL, 1000, "tsc_early_khz=1000 noapic console=ttyS0,115200 "
		  "earlyprintk=serial,ttyS0,115200" },
		{ "ro", 0, "ro noapic console=ttyS0,115200 earlyprintk=serial,ttyS0,115200" },
		{ "console=hvc0", 5, "console=hvc0 tsc_early_khz=5 noapic" },
		{ "a tsc_early_khz=7 console=ttyS1", 5, "a tsc_early_khz=7 console=ttyS1 noapic" },
		{ "noapic x", 5, "noapic x tsc_early_khz=5 console=ttyS0,115200 "
		  "earlyprintk=serial,ttyS0,115200" },
		{ "noapictimer", 0, "noapictimer noapic console=ttyS0,115200 "
		  "earlyprintk=serial,ttyS0,115200" },
		{ "xconsole=1 notsc_early_khz=2", 3, "xconsole=1 notsc_early_khz=2 "
		  "tsc_early_khz=3 noapic console=ttyS0,115200 earlyprintk=serial,ttyS0,115200" },
	};
	char buf[512], name[32];
	unsigned i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int n = tess__linux_cmdline(buf, sizeof(buf), c[i].in, c[i].khz);

		snprintf(name, sizeof(name), "cmdline-%u", i);
		result(n >= 0 && !strcmp(buf, c[i].want) && (size_t)n == strlen(buf), name,
		       "'%s' -> '%s', want '%s'", c[i].in ? c[i].in : "(null)", buf, c[i].want);
	}
	result(tess__linux_cmdline(buf, 10, "0123456789", 0) == -E2BIG, "cmdline-e2big",
	       "a 10-byte line fitted 10 bytes");
}

/* ---- good loads ------------------------------------------------------------ */

static void test_synthetic(const unsigned char *k)
{
	unsigned char *rd = pattern(6 << 20, 3);
	struct tess_linux_args a;
	struct tess_linux_layout lay;
	struct fake f;

	base_args(&a, k, SYN_SIZE, rd, (3 << 20) + 123, 64ull << 20);
	a.initrd_size = (3 << 20) - 5;
	load_and_check("synthetic", &a, "quiet tsc_early_khz=2100000 noapic console=ttyS0,115200 "
		       "earlyprintk=serial,ttyS0,115200");

	/* No room above the kernel [16, 20) MiB in 24 MiB: the initrd goes below. */
	base_args(&a, k, SYN_SIZE, rd, 6 << 20, 24ull << 20);
	a.nr_vcpus = 1;
	a.cmdline = "console=ttyS0";
	fake_init(&f, a.memory_bytes);
	result(tess__load_linux(&a, 7, &fake_ops, &f, &lay) == 0 &&
	       lay.initrd_pa == (10u << 20), "initrd-below-kernel",
	       "initrd at 0x%llx: %s", (unsigned long long)lay.initrd_pa, tess_last_error());
	check_loaded("below", &f, &a, &lay, "console=ttyS0 tsc_early_khz=2100000 noapic");
	free(f.ram);
	free(rd);
}

static void test_real(const char *path)
{
	unsigned char *k = NULL, *rd;
	size_t klen = 0;
	struct tess_linux_args a;
	char want[256];

	if (!path || tess__read_file("check", path, 1ull << 30, &k, &klen) < 0) {
		printf("(no kernel at %s: the real-kernel checks are skipped)\n",
		       path ? path : "(none given)");
		return;
	}
	rd = pattern(5 << 20, 9);
	base_args(&a, k, klen, rd, (5 << 20) - 100, 256ull << 20);
	a.cmdline = "tessera.scenario=hello";
	snprintf(want, sizeof(want), "tessera.scenario=hello tsc_early_khz=2100000 "
		 "noapic console=ttyS0,115200 earlyprintk=serial,ttyS0,115200");
	load_and_check("debian", &a, want);
	a.nr_vcpus = 4;
	a.initrd = NULL;
	a.initrd_size = 0;
	load_and_check("debian-4cpu-noinitrd", &a, want);
	test_bad("debian-", k, klen);
	free(rd);
	free(k);
}

int main(int argc, char **argv)
{
	unsigned char *k = synthetic_kernel();
	uint32_t khz = 0;

	test_cmdline();
	test_synthetic(k);
	test_bad("", k, SYN_SIZE);
	test_real(argc > 1 ? argv[1] : NULL);
	result(tess_tsc_khz(&khz) == 0 && khz > 1000, "tsc-khz", "%u kHz: %s", khz,
	       tess_last_error());
	printf("(host TSC: %u kHz)\n", khz);
	free(k);
	printf("libctrl Linux builder self-check: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
