/*
 * Dom0's CPU start-up. Dom0 owns the real LAPICs, but while any CPU is
 * still parked its LAPIC page is mapped read-only, so each write traps:
 * the hypervisor decodes the MOV, emulates INIT and STARTUP IPIs (a SIPI
 * releases the parked CPU into dom0 in real mode at the vector, Intel SDM
 * vol. 3 section 9.4.4) and forwards every other write to the real LAPIC.
 */
#include <tess/domain.h>
#include <tess/guest_insn.h>
#include <tess/hvm.h>
#include <tess/insn.h>
#include <tess/lapic.h>
#include <tess/log.h>
#include <tess/percpu.h>
#include <tess/smp.h>
#include <tess/spinlock.h>
#include <tess/time.h>

#define X86_GP 13
#define SHORTHAND_NONE 0
#define SHORTHAND_SELF 1
#define SHORTHAND_ALL 2
#define SHORTHAND_OTHERS 3

static spinlock_t dom0_smp_lock;
static u64 dom0_lapic_page;  /* 0: not protected */
static bool sipi_armed[MAX_CPUS];

static void dom0_smp_maybe_unprotect(void);

void dom0_smp_init(void)
{
	dom0_lapic_page = lapic_base();
	if (nr_cpus > 1) {
		p2m_map(&dom0->p2m, dom0_lapic_page, dom0_lapic_page, PAGE_SIZE, P2M_R);
		dom0_smp_maybe_unprotect(); /* dom0_max_vcpus=1 */
	} else {
		dom0_lapic_page = 0;
	}
}

bool dom0_lapic_protected(u64 gpa)
{
	return dom0_lapic_page && (gpa & PAGE_MASK) == dom0_lapic_page;
}

static unsigned int parked_cpus(void)
{
	unsigned int n = 0;

	for (unsigned int i = 1; i < nr_cpus; i++)
		n += !cpus[i]->vcpu;
	return n;
}

/* Once every dom0 vCPU runs and no CPU is parked, stop trapping. */
static void dom0_smp_maybe_unprotect(void)
{
	if (dom0->vcpus_started < dom0->max_vcpus || !dom0_lapic_page)
		return;
	if (parked_cpus()) {
		log_info("smp: %u parked CPU(s) stay outside dom0; its LAPIC writes stay "
			 "trapped so it cannot start them outside the hypervisor\n",
			 parked_cpus());
		return;
	}
	p2m_map(&dom0->p2m, dom0_lapic_page, dom0_lapic_page, PAGE_SIZE, P2M_RWX);
	log_info("smp: all %u dom0 vCPUs run; LAPIC page writable\n", dom0->vcpus_started);
	dom0_lapic_page = 0;
}

static void dom0_start_vcpu_on(struct percpu *c, u8 vector)
{
	struct vcpu *v;
	const char *why;

	if (c->vcpu || !sipi_armed[c->index])
		return; /* SIPI outside wait-for-SIPI is ignored, as on hardware */
	if (dom0->vcpus_started >= dom0->max_vcpus) {
		log_info("smp: SIPI to APIC %u ignored: dom0_max_vcpus=%u reached\n",
			 c->apic_id, dom0->max_vcpus);
		return;
	}
	v = domain_create_vcpu(dom0, dom0->vcpus_started, c);
	if (!v) {
		log_err("smp: no memory for dom0 vCPU%u\n", dom0->vcpus_started);
		return;
	}
	if (vcpu_set_real_mode(v, vector, &why))
		panic("smp: dom0 vCPU%u cannot start: %s\n", v->id, why);
	dom0->vcpus_started++;
	sipi_armed[c->index] = false;
	c->vcpu = v;
	__atomic_store_n(&c->park_request, PARK_START_DOM0_VCPU, __ATOMIC_RELEASE);
	/* The NMI can race with the parked CPU going to sleep: repeat until seen. */
	for (int tries = 0; tries < 100 && !__atomic_load_n(&c->park_ack, __ATOMIC_ACQUIRE);
	     tries++) {
		lapic_send_ipi(c->apic_id, ICR_DM_NMI << ICR_DM_SHIFT);
		for (int i = 0; i < 100 && !c->park_ack; i++)
			udelay(100);
	}
	log_info("smp: dom0 vCPU%u started on CPU%u at SIPI vector 0x%x\n", v->id, c->index,
		 vector);
	dom0_smp_maybe_unprotect();
}

static void dom0_ipi_one(struct percpu *c, u32 mode, u32 lo)
{
	if (mode == ICR_DM_INIT) {
		if (!(lo & ICR_LEVEL_ASSERT))
			return; /* INIT level de-assert: nothing to do */
		if (c->vcpu)
			log_warn("smp: INIT to running dom0 vCPU%u ignored (CPU hotplug is not "
				 "supported)\n", c->vcpu->id);
		else
			sipi_armed[c->index] = true;
	} else {
		dom0_start_vcpu_on(c, lo & 0xff);
	}
}

static bool dom0_ipi_targets(struct percpu *c, u32 shorthand, u32 dest, struct vcpu *from)
{
	switch (shorthand) {
	case SHORTHAND_NONE: return c->apic_id == dest;
	case SHORTHAND_SELF: return c == from->pcpu;
	case SHORTHAND_ALL: return true;
	default: return c != from->pcpu;
	}
}

void dom0_icr_write(struct vcpu *v, u32 lo, u32 dest, bool x2apic)
{
	u32 mode = (lo >> ICR_DM_SHIFT) & 7;
	u32 shorthand = (lo >> ICR_SHORTHAND_SHIFT) & 3;

	if (mode != ICR_DM_INIT && mode != ICR_DM_STARTUP) {
		if (x2apic)
			wrmsr(0x830, (u64)dest << 32 | lo);
		else
			lapic_write(LAPIC_ICR_LO, lo);
		return;
	}
	spin_lock(&dom0_smp_lock);
	for (unsigned int i = 0; i < nr_cpus; i++)
		if (dom0_ipi_targets(cpus[i], shorthand, dest, v) && cpus[i] != v->pcpu)
			dom0_ipi_one(cpus[i], mode, lo);
	spin_unlock(&dom0_smp_lock);
}

void dom0_lapic_write(struct vcpu *v, u64 gpa)
{
	struct insn_mov m;
	u8 bytes[INSN_MAX_LEN];
	unsigned int n;
	enum insn_mode mode;
	u32 val, off = gpa & 0xfff;

	if (guest_fetch_insn(v, bytes, &n, &mode) || insn_decode_mov(bytes, n, mode, &m) ||
	    !m.is_write || m.size != 4 || (off & 0xf)) {
		log_err("smp: dom0 vCPU%u: undecodable LAPIC write at offset 0x%x; #GP\n", v->id,
			off);
		hvm->inject_exception(v, X86_GP, true, 0);
		return;
	}
	val = m.has_imm ? (u32)m.imm : (u32)v->regs.gpr[m.reg];
	if (off == LAPIC_ICR_LO)
		dom0_icr_write(v, val, lapic_read(LAPIC_ICR_HI) >> 24, false);
	else
		lapic_write(off, val);
	hvm->advance_rip(v, m.len);
}
