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

/*
 * What a child must not see: features whose state or MSRs it does not have
 * (machine check, MTRRs, performance counters, thermal and power control),
 * state not switched yet (XSAVE and AVX, TSC_AUX for RDTSCP), and MONITOR.
 * Bit positions: Intel SDM vol. 2 CPUID, AMD APM vol. 3 appendix E.
 */
#define CHILD_HIDE_1_ECX ((1u << 3) | (1u << 4) | (1u << 6) | (1u << 7) | (1u << 8) | \
			  (1u << 15) | (1u << 18) | (1u << 26) | (1u << 27) | (1u << 28))
#define CHILD_HIDE_1_EDX ((1u << 7) | (1u << 12) | (1u << 14) | (1u << 21) | (1u << 22) | \
			  (1u << 29) | (1u << 31))
#define CHILD_HIDE_81_ECX ((1u << 3) | (1u << 9) | (1u << 10) | (1u << 12) | (1u << 13) | \
			   (1u << 23) | (1u << 24) | (1u << 28))
#define CHILD_HIDE_81_EDX (1u << 27) /* RDTSCP */

static void cpuid_child(u32 leaf, struct cpuid_regs *r)
{
	switch (leaf) {
	case 1:
		r->ecx &= ~CHILD_HIDE_1_ECX;
		r->edx &= ~CHILD_HIDE_1_EDX;
		r->ecx |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE;
		break;
	case 6: /* thermal and power: only ARAT, the APIC timer runs in deep C-states */
		memset(r, 0, sizeof(*r));
		r->eax = 1u << 2;
		break;
	case 7: /* AVX2, AVX-512 and friends need XSAVE state we do not switch */
		r->ebx &= ~((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) |
			    (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
		break;
	case 0xa: /* architectural performance monitoring */
	case 0xd: /* XSAVE state components */
		memset(r, 0, sizeof(*r));
		break;
	case 0x80000001:
		r->ecx &= ~CHILD_HIDE_81_ECX;
		r->edx &= ~CHILD_HIDE_81_EDX;
		break;
	}
}

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
		break;
	case 0x80000001:
		r->ecx &= ~CPUID81_ECX_SVM;
		break;
	case 0x8000000a:
		memset(r, 0, sizeof(*r));
		break;
	}
	if (!d->passthrough)
		cpuid_child(leaf, r);
}
