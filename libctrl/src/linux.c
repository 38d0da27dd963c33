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
 *   0xf0000 MP floating pointer, its configuration table right after it
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
 * MP table: Intel MultiProcessor Specification 1.4, chapter 4. One processor
 * entry per vCPU (local APIC id = vCPU number), one ISA bus, no I/O APIC,
 * LINT0 = ExtINT and LINT1 = NMI on every local APIC; IMCRP clear (virtual
 * wire mode). Linux finds the floating pointer by scanning 0xf0000-0xfffff.
 */
#define _GNU_SOURCE
#include <cpuid.h>
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

/* ---- MP table (MultiProcessor Specification 1.4) --------------------------- */

#define MP_FLOAT_SIZE 16
#define MP_HDR_SIZE 44
#define MP_CPU_SIZE 20
#define MP_BUS_SIZE 8
#define MP_LINT_SIZE 8
#define MP_LAPIC_BASE 0xfee00000u

static size_t mp_table_size(uint32_t nr_vcpus)
{
	return MP_FLOAT_SIZE + MP_HDR_SIZE + nr_vcpus * MP_CPU_SIZE + MP_BUS_SIZE +
	       2 * MP_LINT_SIZE;
}

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* The byte that makes the sum of p[0..len) zero. */
static unsigned char mp_checksum(const unsigned char *p, size_t len)
{
	unsigned char sum = 0;

	while (len--)
		sum = (unsigned char)(sum + *p++);
	return (unsigned char)-sum;
}

/* Write the floating pointer and configuration table into buf (of
 * mp_table_size bytes), to live at TESS_LINUX_MP_FLOAT. */
static void build_mp_table(unsigned char *buf, const struct tess_linux_args *a)
{
	unsigned char *fp = buf, *ct = buf + MP_FLOAT_SIZE, *e;
	size_t ct_len = mp_table_size(a->nr_vcpus) - MP_FLOAT_SIZE;
	uint32_t i;

	memset(buf, 0, mp_table_size(a->nr_vcpus));

	/* Configuration table header (spec table 4-2). */
	memcpy(ct, "PCMP", 4);
	put16(ct + 4, (uint16_t)ct_len);          /* base table length */
	ct[6] = 4;                                /* spec revision 1.4 */
	memcpy(ct + 8, "TESSERA ", 8);            /* OEM id */
	memcpy(ct + 16, "CHILD       ", 12);      /* product id */
	put16(ct + 34, (uint16_t)(a->nr_vcpus + 3)); /* entry count */
	put32(ct + 36, MP_LAPIC_BASE);
	e = ct + MP_HDR_SIZE;

	/* Processor entries (table 4-4). */
	for (i = 0; i < a->nr_vcpus; i++, e += MP_CPU_SIZE) {
		e[0] = 0;                         /* type: processor */
		e[1] = (unsigned char)i;          /* local APIC id */
		e[2] = 0x14;                      /* local APIC version */
		e[3] = (unsigned char)(0x1 | (i == 0 ? 0x2 : 0)); /* EN, BP */
		put32(e + 4, a->cpu_signature);
		put32(e + 8, a->cpu_features);
	}
	/* Bus entry (table 4-8): bus 0 is ISA. */
	e[0] = 1;
	e[1] = 0;
	memcpy(e + 2, "ISA   ", 6);
	e += MP_BUS_SIZE;
	/* Local interrupt assignments (table 4-12): to every local APIC. */
	e[0] = 4; e[1] = 3;                       /* ExtINT */
	put16(e + 2, 0);                          /* conforms to the bus */
	e[4] = 0; e[5] = 0; e[6] = 0xff; e[7] = 0; /* bus 0 IRQ 0 -> all, LINT0 */
	e += MP_LINT_SIZE;
	e[0] = 4; e[1] = 1;                       /* NMI */
	put16(e + 2, 0);
	e[4] = 0; e[5] = 0; e[6] = 0xff; e[7] = 1; /* -> all, LINT1 */
	ct[7] = mp_checksum(ct, ct_len);

	/* Floating pointer structure (table 4-1). */
	memcpy(fp, "_MP_", 4);
	put32(fp + 4, TESS_LINUX_MP_FLOAT + MP_FLOAT_SIZE);
	fp[8] = 1;                                /* length in 16-byte units */
	fp[9] = 4;                                /* spec revision 1.4 */
	fp[11] = 0;                               /* feature 1: table present */
	fp[12] = 0;                               /* feature 2: IMCRP clear */
	fp[10] = mp_checksum(fp, MP_FLOAT_SIZE);
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
	unsigned char *mp;
	size_t mp_size;
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
	args.rsdp_pa = 0;
	args.e820 = &b->e820;
	if (linux_build_boot_params(b->bp, a->kernel, &b->li, &args))
		return tess__fail(-EINVAL, OP, "%s: cannot build boot_params", a->kernel_name);

	build_gdt(b->gdt);
	build_page_tables(b->pt);
	b->mp_size = mp_table_size(a->nr_vcpus);
	b->mp = malloc(b->mp_size);
	if (!b->mp)
		return tess__fail(-ENOMEM, OP, "out of memory");
	build_mp_table(b->mp, a);

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
		err = copy_chunks(ops, ctx, TESS_LINUX_MP_FLOAT, b->mp, b->mp_size);
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
	free(b->mp);
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

/* ---- the device backend ------------------------------------------------------ */

struct dev_ctx {
	tess_handle *h;
	uint32_t domid;
	const char *name;
};

static int dev_copy_in(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct dev_ctx *c = ctx;
	int err = tess_memory_copy_in(c->h, c->domid, gpa, buf, len);

	if (err < 0)
		tess__fail(err, OP, "%s: writing 0x%zx bytes at GPA 0x%llx failed",
			   c->name, len, (unsigned long long)gpa);
	return err;
}

static int dev_set_state(void *ctx, const struct tess_vcpu_state *st)
{
	struct dev_ctx *c = ctx;
	int err = tess_vcpu_set_state(c->h, st);

	if (err < 0)
		tess__fail(err, OP, "%s: setting vCPU 0 failed", c->name);
	return err;
}

int tess_load_linux(struct tess_handle *h, uint32_t domid, const char *kernel_path,
		    const char *initrd_path, const char *cmdline, uint64_t memory_bytes,
		    uint32_t nr_vcpus)
{
	static const struct tess_loader_ops dev_ops = { dev_copy_in, dev_set_state };
	struct dev_ctx c = { h, domid, kernel_path };
	struct tess_linux_args a;
	unsigned char *kernel = NULL, *initrd = NULL;
	size_t klen = 0, rlen = 0;
	unsigned int eax, ebx, ecx, edx;
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
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
		a.cpu_signature = eax;
		a.cpu_features = edx;
	}
	err = tess__load_linux(&a, domid, &dev_ops, &c, NULL);
	free(kernel);
	free(initrd);
	return err;
}
