/*
 * Dom0's nested page faults. Dom0 is identity mapped, so a fault means one
 * of: it touched memory that is not its own (hypervisor or pool): the page
 * is backed by a scratch page, so reads see no hypervisor data and writes
 * land nowhere, and dom0 runs on; MMIO above the initial map: mapped
 * identity on demand; a write to its LAPIC while CPUs start: emulated.
 */
#include <tess/dom0.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/reboot.h>
#include <tess/smp.h>

#define NPF_LOG_FIRST 16
#define NPF_REPEAT_LIMIT 1000

static void dom0_npf_protected(struct domain *d, u64 page, const struct vm_exit *e)
{
	u64 n = ++d->protected_faults;

	/* The first few in full, then every power of two, so a scan cannot flood. */
	if (n <= NPF_LOG_FIRST || !(n & (n - 1)))
		log_warn("npt: dom0 access to protected 0x%lx (rip 0x%lx): redirected to "
			 "scratch page [%lu so far]\n", e->npf.gpa, e->rip, n);
	if (p2m_map(&d->p2m, page, d->scratch_pa, PAGE_SIZE, P2M_RWX))
		panic("npt: out of memory mapping dom0's scratch page\n");
}

/*
 * Only the flush-and-retry path can make no progress; a fault that comes
 * back at the same address from the same instruction a thousand times in a
 * row is a bug, not a stale TLB entry.
 */
static void dom0_npf_repeat_check(struct vcpu *v, const struct vm_exit *e)
{
	if (v->last_npf_gpa != e->npf.gpa || v->last_npf_rip != e->rip) {
		v->last_npf_gpa = e->npf.gpa;
		v->last_npf_rip = e->rip;
		v->npf_repeats = 0;
		return;
	}
	if (++v->npf_repeats < NPF_REPEAT_LIMIT)
		return;
	log_err("npt: dom0 vCPU%u faults at 0x%lx forever (rip 0x%lx)\n", v->id, e->npf.gpa,
		e->rip);
	hvm->dump(v, LOG_ERROR);
	machine_reboot();
}

void dom0_handle_npf(struct vcpu *v, const struct vm_exit *e)
{
	struct domain *d = v->dom;
	u64 page = e->npf.gpa & PAGE_MASK;

	if (e->npf.write && dom0_lapic_protected(e->npf.gpa)) {
		dom0_lapic_write(v, e->npf.gpa);
		return;
	}
	spin_lock(&d->p2m_lock);
	if (range_set_contains(&host_ram, page) && !range_set_contains(&d->ram, page))
		dom0_npf_protected(d, page, e);
	else if (!e->npf.present && p2m_map(&d->p2m, page, page, PAGE_SIZE, P2M_RWX))
		panic("npt: out of memory mapping MMIO 0x%lx for dom0\n", page);
	else if (e->npf.present)
		dom0_npf_repeat_check(v, e); /* allowed now: a stale entry; flush */
	spin_unlock(&d->p2m_lock);
	hvm->flush_tlb(v);
}
