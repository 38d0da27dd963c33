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

const u32 msr_intercept_list[] = { MSR_APIC_BASE, MSR_X2APIC_ICR };
const unsigned int msr_intercept_count = ARRAY_SIZE(msr_intercept_list);

int msr_read(struct vcpu *v, u32 index, u64 *value)
{
	if (v->dom != dom0)
		return -1;
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
		return -1;
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
