/*
 * Common MSR policy. Dom0 keeps the real APIC: reads pass through, but it
 * may not move the APIC base (the write-protected page is how the
 * hypervisor sees INIT/SIPI) and x2APIC ICR writes go through the same
 * start-up check as xAPIC ones (Intel SDM vol. 3 section 10.12.9).
 */
#include <tess/domain.h>
#include <tess/log.h>
#include <tess/msr.h>
#include <tess/smp.h>
#include <tess/x86.h>

#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull
#define MSR_TSC_DEADLINE 0x6e0

const u32 msr_intercept_list[] = { MSR_APIC_BASE, MSR_X2APIC_ICR };
const unsigned int msr_intercept_count = ARRAY_SIZE(msr_intercept_list);

/*
 * A child has no MSRs but the TSC deadline (Intel SDM vol. 3 10.5.4.1):
 * HLT then ends RUN with that deadline so dom0 can sleep until it.
 */
static int msr_child(struct vcpu *v, u32 index, u64 *value, bool write)
{
	if (index != MSR_TSC_DEADLINE)
		return -1;
	if (write)
		v->tsc_deadline = *value;
	else
		*value = v->tsc_deadline;
	return 0;
}

int msr_read(struct vcpu *v, u32 index, u64 *value)
{
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
