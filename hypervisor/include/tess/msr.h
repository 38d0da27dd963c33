/* MSR policy common to every vendor. */
#ifndef TESS_MSR_H
#define TESS_MSR_H

#include <tess/types.h>

#define MSR_X2APIC_ICR 0x830

struct vcpu;

/* MSRs whose accesses common code must see (the vendor adds its own). */
extern const u32 msr_intercept_list[];
extern const unsigned int msr_intercept_count;

/* 0 if handled (value filled for reads), -1: the guest gets #GP. */
int msr_read(struct vcpu *v, u32 index, u64 *value);
int msr_write(struct vcpu *v, u32 index, u64 value);

#endif
