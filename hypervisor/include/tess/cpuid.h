/* The CPUID policy each domain sees. */
#ifndef TESS_CPUID_H
#define TESS_CPUID_H

#include <tess/types.h>

struct domain;

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

void cpuid_policy(struct domain *d, u32 leaf, u32 subleaf, struct cpuid_regs *r);

#endif
