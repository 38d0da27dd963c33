/*
 * Starting the hypervisor on every CPU (INIT-SIPI-SIPI, Intel SDM vol. 3
 * section 9.4.4 / AMD APM vol. 2 section 16.3.2) and parking the APs.
 * A parked CPU halts with interrupts off; an NMI wakes it to look at its
 * request word.
 */
#include <tess/hvm.h>
#include <tess/lapic.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/percpu.h>
#include <tess/smp.h>
#include <tess/time.h>
#include <tess/traps.h>
#include <tess/trampoline.h>

struct percpu *cpus[MAX_CPUS];
unsigned int nr_cpus;
static volatile u32 ap_checked_in;
extern const char hv_gdt_ptr[];

static void smp_load_hv_gdt(void)
{
	asm volatile("lgdt (%0)\n\t"
		     "pushq $0x08\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\tmovw $0x10, %%ax\n\t"
		     "movw %%ax, %%ds\n\tmovw %%ax, %%es\n\tmovw %%ax, %%ss\n\t"
		     "xorw %%ax, %%ax\n\tmovw %%ax, %%fs\n\tmovw %%ax, %%gs"
		     : : "r"(hv_gdt_ptr) : "rax", "memory");
}

static __noreturn void ap_entry(void)
{
	struct percpu *c = this_cpu();

	smp_load_hv_gdt();
	traps_init_cpu();
	if (hvm->cpu_init(c)) {
		log_err("smp: CPU%u could not enable %s; it stays off\n", c->index, hvm->name);
		cpu_halt_forever();
	}
	__atomic_store_n(&ap_checked_in, 1, __ATOMIC_RELEASE);
	log_info("smp: CPU%u (APIC %u) parked\n", c->index, c->apic_id);
	smp_park();
}

static struct percpu *smp_alloc_cpu(u32 apic_id)
{
	u64 stack = mm_alloc_pages(STACK_SIZE / PAGE_SIZE, STACK_SIZE / PAGE_SIZE);
	struct percpu *c;

	if (!stack)
		return NULL;
	c = phys_to_virt(stack);
	c->index = nr_cpus;
	c->apic_id = apic_id;
	c->canary = PERCPU_CANARY;
	return c;
}

static bool smp_wait_checkin(u64 us)
{
	for (u64 i = 0; i < us / 100; i++) {
		if (__atomic_load_n(&ap_checked_in, __ATOMIC_ACQUIRE))
			return true;
		udelay(100);
	}
	return ap_checked_in;
}

static bool smp_start_ap(struct percpu *c)
{
	u64 *t_cr3 = (u64 *)(TRAMPOLINE_PA + (trampoline_cr3 - trampoline_start));
	u64 *t_stack = (u64 *)(TRAMPOLINE_PA + (trampoline_stack - trampoline_start));
	u64 *t_entry = (u64 *)(TRAMPOLINE_PA + (trampoline_entry - trampoline_start));

	*t_cr3 = mm_hv_cr3();
	*t_stack = (u64)c + STACK_SIZE;
	*t_entry = (u64)ap_entry;
	ap_checked_in = 0;
	lapic_send_ipi(c->apic_id, ICR_DM_INIT << ICR_DM_SHIFT | ICR_LEVEL_ASSERT |
				   ICR_TRIGGER_LEVEL);
	udelay(10000);
	for (int i = 0; i < 2 && !ap_checked_in; i++) {
		lapic_send_ipi(c->apic_id, ICR_DM_STARTUP << ICR_DM_SHIFT |
					   TRAMPOLINE_SIPI_VECTOR);
		if (smp_wait_checkin(i == 0 ? 200 : 1000000))
			return true;
	}
	return smp_wait_checkin(1000000);
}

void smp_boot_aps(const struct acpi_cpus *list)
{
	u32 self = lapic_id();

	frame_reserve(&frames, TRAMPOLINE_PA >> PAGE_SHIFT, 1);
	memcpy(phys_to_virt(TRAMPOLINE_PA), trampoline_start,
	       trampoline_end - trampoline_start);
	for (unsigned int i = 0; i < list->count; i++) {
		struct percpu *c;

		if (list->apic_id[i] == self)
			continue;
		if (nr_cpus == MAX_CPUS) {
			log_warn("smp: more than %u CPUs; the rest stay off\n", MAX_CPUS);
			break;
		}
		c = smp_alloc_cpu(list->apic_id[i]);
		if (!c || !smp_start_ap(c)) {
			log_err("smp: CPU with APIC id %u did not start\n", list->apic_id[i]);
			if (c)
				mm_free_pages((u64)c, STACK_SIZE / PAGE_SIZE);
			continue;
		}
		cpus[nr_cpus++] = c;
	}
	frame_free(&frames, TRAMPOLINE_PA >> PAGE_SHIFT, 1);
	log_info("smp: %u CPUs under the hypervisor\n", nr_cpus);
}

void smp_park(void)
{
	struct percpu *c = this_cpu();

	for (;;) {
		if (__atomic_load_n(&c->park_request, __ATOMIC_ACQUIRE) == PARK_START_DOM0_VCPU) {
			c->park_request = PARK_NONE;
			__atomic_store_n(&c->park_ack, 1, __ATOMIC_RELEASE);
			vcpu_run_loop(c->vcpu);
		}
		asm volatile("hlt" ::: "memory"); /* IF=0: only an NMI gets us out */
	}
}
