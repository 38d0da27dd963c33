/*
 * Common MSR policy. Dom0 keeps the real APIC: reads pass through, but it
 * may not move the APIC base (the write-protected page is how the
 * hypervisor sees INIT/SIPI) and x2APIC ICR writes go through the same
 * start-up check as xAPIC ones (Intel SDM vol. 3 section 10.12.9).
 */
#include <tess/child_ipi.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/log.h>
#include <tess/msr.h>
#include <tess/smp.h>
#include <tess/vlapic.h>
#include <tess/x86.h>

#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

const u32 msr_intercept_list[] = { MSR_APIC_BASE, MSR_X2APIC_ICR };
const unsigned int msr_intercept_count = ARRAY_SIZE(msr_intercept_list);

#define MSR_PAT 0x277
/* AMD's interrupt pending message register (BKDG for family 0Fh, MSRC001_0055) */
#define MSR_K8_INT_PENDING_MSG 0xc0010055
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_DEFAULT 0xfee00000ull

/*
 * A child's MSRs: its x2APIC (already enabled, as firmware leaves it for
 * x2APIC guests) and the TSC deadline (Intel SDM vol. 3 10.12, 10.5.4.1).
 * Everything else raises #GP.
 */
/* Every PAT entry must name a memory type: UC, WC, WT, WP, WB or UC- (SDM vol. 3 11.12.2). */
static bool msr_pat_valid(u64 pat)
{
	for (int i = 0; i < 8; i++) {
		u8 type = (u8)(pat >> (8 * i));

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

static int msr_child(struct vcpu *v, u32 index, u64 *value, bool write)
{
	struct vlapic_ipi ipi;

	if (index == MSR_K8_INT_PENDING_MSG && !write) {
		*value = 0; /* no C1E: Linux reads it on family 0Fh parts with erratum 400 */
		return 0;
	}
	if (index == MSR_PAT) {
		if (!write)
			*value = hvm->get_pat(v);
		else if (!msr_pat_valid(*value))
			return -1;
		else
			hvm->set_pat(v, *value);
		return 0;
	}
	if (index == MSR_APIC_BASE) {
		u64 base = APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD |
			   (v->id == 0 ? APIC_BASE_BSP : 0);

		if (!write)
			*value = base;
		return write && *value != base ? -1 : 0; /* it cannot be moved or turned off */
	}
	if (!write)
		return vlapic_msr_read(&v->lapic, index, value);
	if (vlapic_msr_write(&v->lapic, index, *value, &ipi))
		return -1;
	if (ipi.valid)
		child_ipi_send(v, &ipi);
	return 0;
}

/*
 * EFER, for every domain: SVME stays hidden (the vendor keeps it set under
 * the guest), LMA is the CPU's to change, and the paging mode sees the
 * write (shadow paging keeps the guest's own value).
 */
static int msr_efer_write(struct vcpu *v, u64 value)
{
	const char *why = NULL;

	if (value & EFER_SVME)
		return -1;
	switch (v->dom->paging->efer_write(v, value, &why)) {
	case PAGING_DONE:
		return 0;
	case PAGING_FAIL:
		log_err("msr: dom%u vCPU%u: EFER 0x%lx: %s\n", v->dom->id, v->id, value, why);
		return -1;
	default:
		return -1;
	}
}

int msr_read(struct vcpu *v, u32 index, u64 *value)
{
	if (index == MSR_EFER) {
		struct vcpu_paging p;

		vcpu_get_paging(v, &p);
		*value = p.efer;
		return 0;
	}
	if (v->dom != dom0)
		return msr_child(v, index, value, false);
	switch (index) {
	case MSR_APIC_BASE:
	case MSR_X2APIC_ICR:
		*value = rdmsr(index);
		return 0;
	default:
		return -1;
	}
}

int msr_write(struct vcpu *v, u32 index, u64 value)
{
	if (index == MSR_EFER)
		return msr_efer_write(v, value);
	if (v->dom != dom0)
		return msr_child(v, index, &value, true);
	switch (index) {
	case MSR_APIC_BASE:
		if ((value ^ rdmsr(MSR_APIC_BASE)) & APIC_BASE_ADDR_MASK) {
			log_warn("msr: dom0 vCPU%u tried to move its APIC base to 0x%lx\n",
				 v->id, (u64)(value & APIC_BASE_ADDR_MASK));
			return -1;
		}
		wrmsr(MSR_APIC_BASE, value);
		return 0;
	case MSR_X2APIC_ICR:
		dom0_icr_write(v, (u32)value, (u32)(value >> 32), true);
		return 0;
	default:
		return -1;
	}
}
