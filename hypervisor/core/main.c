/*
 * The boot CPU's path from the Multiboot2 entry to running dom0:
 * console, boot information, options, CPU checks, memory, CPUs, dom0.
 */
#include <public/tessera.h>
#include <tess/acpi.h>
#include <tess/cpu.h>
#include <tess/dom0.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/lapic.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mb2.h>
#include <tess/mm.h>
#include <tess/options.h>
#include <tess/paging.h>
#include <tess/percpu.h>
#include <tess/serial.h>
#include <tess/smp.h>
#include <tess/time.h>
#include <tess/traps.h>

#define MBI_MAX_LEN MB(1)

extern char boot_stack[];
static struct boot_info boot_info;
static struct hv_options options;
static struct acpi_cpus acpi_cpus;

/*
 * A string only the hypervisor's image holds. Tests look for it through
 * dom0 to show that dom0 cannot read hypervisor memory.
 */
__attribute__((used)) static const char isolation_marker[] = "TESSERA-ISOLATION-MARKER-5ec7e7";

static void report_option(enum option_problem what, const char *name, const char *value)
{
	if (what == OPTION_UNKNOWN)
		log_warn("options: unknown option '%s' ignored\n", name);
	else
		log_warn("options: malformed value for %s: '%s'; using the default\n", name,
			 value ? value : "(none)");
}

static const void *acpi_map_identity(u64 pa, u64 len, void *opaque)
{
	(void)opaque;
	/* Firmware tables sit below 4 GiB, which the boot page tables map. */
	return pa + len <= GB(4) ? phys_to_virt(pa) : NULL;
}

static struct percpu *bsp_setup(void)
{
	struct percpu *c = (struct percpu *)boot_stack;

	c->index = 0;
	c->canary = PERCPU_CANARY;
	cpus[0] = c;
	nr_cpus = 1;
	return c;
}

static void boot_parse(u32 magic, u32 mbi_pa)
{
	const char *err;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("boot: not started by a Multiboot2 loader (magic 0x%x)\n", magic);
	if (mb2_parse(phys_to_virt(mbi_pa), mbi_pa, MBI_MAX_LEN, &boot_info, &err))
		panic("boot: bad Multiboot2 information: %s\n", err);
	options_defaults(&options);
	options_parse(boot_info.cmdline, &options, report_option);
	log_set_console(options.console_com1, options.loglvl);
	log_info("boot: command line '%s', %u modules\n", boot_info.cmdline,
		 boot_info.nr_modules);
}

static void boot_cpus(struct percpu *bsp)
{
	bsp->apic_id = lapic_id();
	if (hvm->cpu_init(bsp))
		panic("boot: cannot enable %s on the boot CPU\n", hvm->name);
	if (acpi_find_cpus(boot_info.rsdp, boot_info.rsdp_len, acpi_map_identity, NULL,
			   &acpi_cpus)) {
		log_warn("smp: no usable ACPI MADT; only the boot CPU runs\n");
		return;
	}
	smp_boot_aps(&acpi_cpus);
}

__noreturn void hv_main(u32 magic, u32 mbi_pa)
{
	struct percpu *bsp = bsp_setup();
	struct vcpu *v0;
	const char *why = "";

	serial_init();
	traps_init_cpu();
	log_info("Tessera hypervisor starting (interface %u.%u)\n", TESS_INTERFACE_VERSION_MAJOR,
		 TESS_INTERFACE_VERSION_MINOR);
	boot_parse(magic, mbi_pa);
	cpu_detect(&boot_cpu);
	cpu_report(&boot_cpu);
	hvm = hvm_select(&boot_cpu, &why);
	if (!hvm)
		panic("boot: cannot run: %s\n", why);
	paging_mode_init(options.paging_shadow);
	mm_init(&boot_info);
	mm_build_hv_tables();
	mm_relocate_modules(&boot_info);
	time_calibrate();
	time_init_wallclock();
	boot_cpus(bsp);
	v0 = dom0_build(&boot_info, &options);
	dom0_smp_init();
	mm_release_boot_data(&boot_info);
	log_info("mem: isolation marker at 0x%lx\n", (u64)isolation_marker);
	log_info("mm: %lu MiB free for child domains\n", (frames.nfree << PAGE_SHIFT) >> 20);
	log_info("dom0: starting vCPU0 on CPU0 with %s and %s paging\n", hvm->name,
		 dom0->paging->name);
	bsp->vcpu = v0;
	vcpu_run_loop(v0);
}
