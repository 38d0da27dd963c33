/*
 * CPUID policy. Dom0 sees the real CPU, plus the hypervisor bit and
 * Tessera's leaves, minus the virtualization extensions it must not use:
 * SVM (Fn8000_0001_ECX[2], leaf 8000_000A; AMD APM vol. 3 appendix E) and
 * VMX (leaf 1 ECX[5]; Intel SDM vol. 2 CPUID).
 */
#include <public/tessera.h>
#include <tess/cpuid.h>
#include <tess/domain.h>
#include <tess/lib.h>
#include <tess/x86.h>

#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID81_ECX_SVM (1u << 2)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static void cpuid_hypervisor_leaf(u32 leaf, struct cpuid_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (leaf == TESS_CPUID_LEAF_BASE) {
		r->eax = TESS_CPUID_LEAF_MAX;
		memcpy(&r->ebx, TESS_CPUID_SIGNATURE, 4);
		memcpy(&r->ecx, TESS_CPUID_SIGNATURE + 4, 4);
		memcpy(&r->edx, TESS_CPUID_SIGNATURE + 8, 4);
	} else if (leaf == TESS_CPUID_LEAF_VERSION) {
		r->eax = TESS_INTERFACE_VERSION;
	}
}

void cpuid_policy(struct domain *d, u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	if (leaf >= TESS_CPUID_LEAF_BASE && leaf <= TESS_CPUID_LEAF_BASE + 0xff) {
		cpuid_hypervisor_leaf(leaf, r);
		return;
	}
	cpuid_count(leaf, subleaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
	switch (leaf) {
	case 1:
		r->ecx = (r->ecx & ~CPUID1_ECX_VMX) | CPUID1_ECX_HYPERVISOR;
		/* A child's APIC is the emulated x2APIC with the TSC-deadline timer. */
		if (!d->passthrough)
			r->ecx |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE;
		break;
	case 0x80000001:
		r->ecx &= ~CPUID81_ECX_SVM;
		break;
	case 0x8000000a:
		memset(r, 0, sizeof(*r));
		break;
	}
}
