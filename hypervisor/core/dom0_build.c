/*
 * Building dom0: its memory (the lowest dom0_mem of RAM, identity mapped),
 * its e820 (everything else reserved), its nested page table, and the Linux
 * boot protocol set-up for the 64-bit entry (Documentation/arch/x86/
 * boot.rst, "64-bit boot protocol"): flat __BOOT_CS 0x10 / __BOOT_DS 0x18,
 * paging on with an identity map, RSI = boot_params.
 */
#include <tess/dom0.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/linux_boot.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/percpu.h>
#include <tess/x86.h>

#define DOM0_MEM_DEFAULT MB(512)
#define HV_RESERVE_MIN MB(32)
#define KERNEL_LOAD_MIN MB(16)

/* Boot data in dom0's low memory; Linux keeps the first 1 MiB to itself. */
#define BOOT_GDT_PA 0x1000
#define BOOT_PML4_PA 0x2000
#define BOOT_PDPT_PA 0x3000
#define BOOT_PD_PA 0x4000 /* 4 pages: the first 4 GiB in 2 MiB pages */
#define BOOT_PARAMS_PA 0x8000
#define BOOT_CMDLINE_PA 0x9000
#define BOOT_RSDP_PA 0xa000
#define BOOT_DATA_END 0xb000
#define DOM0_CMDLINE_MAX 4096

static struct domain dom0_storage;
static struct e820_map dom0_e820_tmp;

/* Low memory was held back at boot; dom0 gets it now. */
static void dom0_release_low_memory(void)
{
	for (unsigned int i = 0; i < host_ram.count && host_ram.r[i].start < MB(1); i++) {
		u64 end = MIN(host_ram.r[i].end, MB(1));

		frame_release(&frames, host_ram.r[i].start >> PAGE_SHIFT,
			      (end - host_ram.r[i].start) >> PAGE_SHIFT);
	}
}

static u64 dom0_pick_size(const struct hv_options *o)
{
	u64 want = o->dom0_mem ? o->dom0_mem : DOM0_MEM_DEFAULT;
	u64 avail = frames.nfree << PAGE_SHIFT;

	want = ALIGN_UP(want, PAGE_SIZE);
	if (avail < HV_RESERVE_MIN || want > avail - HV_RESERVE_MIN) {
		u64 fit = avail > HV_RESERVE_MIN ? ALIGN_DOWN(avail - HV_RESERVE_MIN, MB(2)) : 0;

		log_warn("dom0: dom0_mem=%luM does not fit (%lu MiB free); using %lu MiB\n",
			 want >> 20, avail >> 20, fit >> 20);
		want = fit;
	}
	return want;
}

/* Take the lowest free frames, bytes in all, as dom0's RAM. */
static void dom0_take_ram(struct domain *d, u64 bytes)
{
	u64 need = bytes >> PAGE_SHIFT, pfn = 0;

	range_set_init(&d->ram);
	while (need && pfn < frames.nframes) {
		u64 start;

		while (pfn < frames.nframes && !frame_is_free(&frames, pfn))
			pfn++;
		start = pfn;
		while (pfn < frames.nframes && need && frame_is_free(&frames, pfn))
			pfn++, need--;
		if (pfn == start)
			continue;
		frame_reserve(&frames, start, pfn - start);
		if (range_set_add(&d->ram, start << PAGE_SHIFT, pfn << PAGE_SHIFT))
			panic("dom0: its memory is too fragmented\n");
	}
	if (need)
		panic("dom0: %lu pages short of dom0_mem\n", need);
}

/* Identity map all but the RAM dom0 does not own (AMD APM vol. 2 15.25). */
static void dom0_build_p2m(struct domain *d, const struct e820_map *host)
{
	static struct range_set map;
	u64 top = MAX(GB(4), ALIGN_UP(e820_top(host), GB(1)));

	d->paging = paging_mode_for(TESS_PAGING_HAP, &d->paging_mode);
	if (p2m_init(&d->p2m))
		panic("dom0: no memory for its nested page table\n");
	int rc = 0;

	range_set_init(&map);
	rc |= range_set_add(&map, 0, top);
	for (unsigned int i = 0; i < host_ram.count; i++)
		rc |= range_set_remove(&map, host_ram.r[i].start, host_ram.r[i].end);
	for (unsigned int i = 0; i < d->ram.count; i++)
		rc |= range_set_add(&map, d->ram.r[i].start, d->ram.r[i].end);
	if (rc)
		panic("dom0: the memory map has too many pieces to describe\n");
	for (unsigned int i = 0; i < map.count; i++)
		if (p2m_map(&d->p2m, map.r[i].start, map.r[i].start,
				    map.r[i].end - map.r[i].start, P2M_RWX))
			panic("dom0: no memory for its nested page table\n");
	log_info("dom0: %s identity map 0-0x%lx in %u ranges, hypervisor and pool "
		 "memory left out\n", d->paging->name, top, map.count);
}

static void dom0_log_e820(const struct e820_map *m)
{
	for (unsigned int i = 0; i < m->count; i++)
		log_info("dom0: e820 %016lx-%016lx %s\n", m->e[i].addr,
			 m->e[i].addr + m->e[i].size - 1, e820_type_name(m->e[i].type));
}

/* Lowest kernel_alignment-aligned address >= 16 MiB where size fits in dom0 RAM. */
static u64 dom0_place_kernel(const struct domain *d, const struct linux_image *li)
{
	for (unsigned int i = 0; i < d->ram.count; i++) {
		u64 a = ALIGN_UP(MAX(d->ram.r[i].start, KERNEL_LOAD_MIN), li->alignment);

		if (a + li->init_size <= d->ram.r[i].end && a + li->init_size <= GB(4))
			return a;
	}
	return 0;
}

/* Highest page-aligned place for the initrd below its limit, clear of the kernel. */
static u64 dom0_place_initrd(const struct domain *d, const struct linux_image *li,
			     u64 size, u64 k_start, u64 k_end)
{
	u64 limit = MIN((u64)li->initrd_addr_max + 1, GB(4));

	for (int i = (int)d->ram.count - 1; i >= 0; i--) {
		u64 end = MIN(d->ram.r[i].end, limit), a;

		if (end < size)
			continue;
		a = ALIGN_DOWN(end - size, PAGE_SIZE);
		if (a < k_end && a + size > k_start)
			a = ALIGN_DOWN(k_start - size, PAGE_SIZE);
		if (a >= d->ram.r[i].start && a >= BOOT_DATA_END && a + size <= end)
			return a;
	}
	return 0;
}

/* The RSDP dom0 should use: the firmware's own if it can be found, else a copy. */
static u64 dom0_find_rsdp(const struct boot_info *bi)
{
	if (!bi->rsdp_len)
		return 0;
	for (u64 pa = 0xe0000; pa < 0x100000; pa += 16)
		if (!memcmp(phys_to_virt(pa), bi->rsdp, MIN(bi->rsdp_len, 20u)))
			return pa;
	memcpy(phys_to_virt(BOOT_RSDP_PA), bi->rsdp, bi->rsdp_len);
	return BOOT_RSDP_PA;
}

static void dom0_write_boot_tables(void)
{
	u64 *gdt = phys_to_virt(BOOT_GDT_PA), *pml4 = phys_to_virt(BOOT_PML4_PA);
	u64 *pdpt = phys_to_virt(BOOT_PDPT_PA), *pd = phys_to_virt(BOOT_PD_PA);

	memset(gdt, 0, BOOT_PARAMS_PA - BOOT_GDT_PA);
	gdt[2] = 0x00af9a000000ffffull; /* 0x10: __BOOT_CS, 64-bit */
	gdt[3] = 0x00cf92000000ffffull; /* 0x18: __BOOT_DS */
	pml4[0] = BOOT_PDPT_PA | PTE_P | PTE_W;
	for (int i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD_PA + i * PAGE_SIZE) | PTE_P | PTE_W;
	for (u64 i = 0; i < 4 * PT_ENTRIES; i++)
		pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS;
}

static void dom0_build_cmdline(const struct boot_info *bi, const struct linux_image *li,
			       unsigned int limit_vcpus)
{
	char *cmd = phys_to_virt(BOOT_CMDLINE_PA);
	u64 max = MIN((u64)li->cmdline_size + 1, (u64)DOM0_CMDLINE_MAX);
	int n;

	/* Dom0 only tries to start the CPUs it may have (Linux nr_cpus=). */
	if (limit_vcpus)
		n = snprintf(cmd, max, "%s nr_cpus=%u", bi->modules[0].cmdline, limit_vcpus);
	else
		n = snprintf(cmd, max, "%s", bi->modules[0].cmdline);
	if ((u64)n >= max)
		log_warn("dom0: command line cut to %lu bytes\n", max - 1);
}

static void dom0_check_boot_area(const struct domain *d)
{
	for (u64 pa = BOOT_GDT_PA; pa < BOOT_DATA_END; pa += PAGE_SIZE)
		if (!range_set_contains(&d->ram, pa))
			panic("dom0: boot data page 0x%lx is not RAM\n", pa);
}

static void dom0_load_kernel(struct domain *d, struct boot_info *bi, struct linux_image *li,
			     u64 *entry)
{
	const struct boot_module *k = &bi->modules[0];
	const struct boot_module *rd = bi->nr_modules > 1 ? &bi->modules[1] : NULL;
	u64 rd_size = rd ? rd->end - rd->start : 0, kaddr, rdaddr = 0;
	struct linux_boot_args args = { .cmdline_pa = BOOT_CMDLINE_PA, .e820 = &d->e820 };
	const char *err;

	if (linux_parse_image(phys_to_virt(k->start), k->end - k->start, li, &err))
		panic("dom0: first module is not a usable Linux kernel: %s\n", err);
	kaddr = dom0_place_kernel(d, li);
	if (!kaddr)
		panic("dom0: no room for the kernel (%lu MiB needed)\n", li->init_size >> 20);
	memcpy(phys_to_virt(kaddr), phys_to_virt(k->start + li->pm_offset), li->pm_size);
	if (rd_size) {
		rdaddr = dom0_place_initrd(d, li, rd_size, kaddr, kaddr + li->init_size);
		if (!rdaddr)
			panic("dom0: no room for the initrd (%lu bytes)\n", rd_size);
		memcpy(phys_to_virt(rdaddr), phys_to_virt(rd->start), rd_size);
	}
	args.initrd_pa = rdaddr;
	args.initrd_size = rd_size;
	args.rsdp_pa = dom0_find_rsdp(bi);
	if (linux_build_boot_params(phys_to_virt(BOOT_PARAMS_PA), phys_to_virt(k->start), li,
				    &args))
		panic("dom0: its memory map has too many entries\n");
	*entry = kaddr + 0x200; /* startup_64 (boot.rst: 64-bit boot protocol) */
	log_info("dom0: kernel (boot protocol %u.%02u) at 0x%lx, %lu MiB reserved; initrd at "
		 "0x%lx (%lu bytes); RSDP 0x%lx\n", li->version >> 8, li->version & 0xff, kaddr,
		 li->init_size >> 20, rdaddr, rd_size, args.rsdp_pa);
}

static struct vcpu *dom0_create_boot_vcpu(struct domain *d, u64 entry)
{
	struct vcpu *v = domain_create_vcpu(d, 0, cpus[0]);
	const char *why;
	struct vcpu_boot_state s = {
		.cs = { .sel = 0x10, .attr = 0xa9b, .limit = 0xffffffff },
		.ds = { .sel = 0x18, .attr = 0xc93, .limit = 0xffffffff },
		.tr = { .attr = 0x8b, .limit = 0x67 },
		.ldtr = { .attr = 0x82 },
		.gdt_base = BOOT_GDT_PA, .gdt_limit = 4 * 8 - 1,
		.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG,
		.cr3 = BOOT_PML4_PA,
		.cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA,
		.rflags = 2,
		.rip = entry,
	};

	if (!v)
		panic("dom0: no memory for vCPU0\n");
	s.es = s.ss = s.ds;
	v->regs.gpr[GPR_RSI] = BOOT_PARAMS_PA;
	if (vcpu_load_state(v, &s, &why))
		panic("dom0: vCPU0: %s\n", why);
	return v;
}

struct vcpu *dom0_build(struct boot_info *bi, const struct hv_options *o)
{
	struct domain *d = &dom0_storage;
	struct linux_image li;
	u64 entry, bytes;
	unsigned int limit = 0;

	if (bi->nr_modules < 1)
		panic("dom0: no kernel: GRUB needs 'module2 /boot/vmlinuz ...'\n");
	memcpy(d->name, "dom0", 5);
	domain_register_dom0(d);
	dom0_release_low_memory();
	bytes = dom0_pick_size(o);
	dom0_take_ram(d, bytes);
	d->scratch_pa = mm_alloc_page();
	if (!d->scratch_pa || e820_build_dom0(&bi->mmap, &d->ram, &dom0_e820_tmp))
		panic("dom0: cannot build its memory map\n");
	d->e820 = dom0_e820_tmp;
	dom0_log_e820(&d->e820);
	dom0_build_p2m(d, &bi->mmap);
	dom0_check_boot_area(d);
	d->max_vcpus = nr_cpus;
	if (o->dom0_max_vcpus && o->dom0_max_vcpus < nr_cpus)
		d->max_vcpus = limit = o->dom0_max_vcpus;
	dom0_write_boot_tables();
	dom0_load_kernel(d, bi, &li, &entry);
	dom0_build_cmdline(bi, &li, limit);
	d->vcpus_started = 1;
	log_info("dom0: %lu MiB RAM, %u vCPUs\n", range_set_total(&d->ram) >> 20, d->max_vcpus);
	log_info("dom0: command line '%s'\n", (const char *)phys_to_virt(BOOT_CMDLINE_PA));
	return dom0_create_boot_vcpu(d, entry);
}
