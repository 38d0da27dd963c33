/* SPDX-License-Identifier: MIT */
/*
 * cpuid: the CPUID policy for a child: the hypervisor bit, Tessera's
 * leaves and signature, and no virtualization extensions (SVM, VMX).
 */
#include "guest.h"

GUEST_TEST(cpuid);

int test_main(uint64_t mem)
{
	struct cpuid_regs r;
	uint32_t sig[3];
	char sigstr[13];
	uint32_t ext_max;

	(void)mem;
	r = cpuid(1, 0);
	guest_check(r.ecx & (1u << 31), "leaf 1 ECX %#x: hypervisor bit 31 clear", r.ecx);
	guest_check(!(r.ecx & (1u << 5)), "leaf 1 ECX %#x: VMX bit 5 set", r.ecx);

	r = cpuid(TESS_CPUID_LEAF_BASE, 0);
	sig[0] = r.ebx;
	sig[1] = r.ecx;
	sig[2] = r.edx;
	memcpy(sigstr, sig, 12);
	sigstr[12] = '\0';
	for (int i = 0; i < 12; i++)
		if (sigstr[i] && (sigstr[i] < 0x20 || sigstr[i] > 0x7e))
			sigstr[i] = '?';
	guest_printf("cpuid: leaf %#x: eax %#x signature \"%s\"", TESS_CPUID_LEAF_BASE, r.eax,
		     sigstr);
	guest_check(r.eax >= TESS_CPUID_LEAF_VERSION && r.eax <= TESS_CPUID_LEAF_BASE + 0xff,
		    "leaf %#x EAX %#x, expected %#x..%#x", TESS_CPUID_LEAF_BASE, r.eax,
		    TESS_CPUID_LEAF_VERSION, TESS_CPUID_LEAF_BASE + 0xff);
	guest_check(!memcmp(sig, TESS_CPUID_SIGNATURE, 12),
		    "signature %08x %08x %08x (\"%s\"), expected \"TesseraHV\"", sig[0], sig[1],
		    sig[2], sigstr);

	r = cpuid(TESS_CPUID_LEAF_VERSION, 0);
	guest_check(r.eax == TESS_INTERFACE_VERSION, "leaf %#x EAX %#x, expected %#x",
		    TESS_CPUID_LEAF_VERSION, r.eax, TESS_INTERFACE_VERSION);

	ext_max = cpuid(0x80000000, 0).eax;
	if (ext_max >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		guest_check(!(r.ecx & (1u << 2)), "leaf 0x80000001 ECX %#x: SVM bit 2 set", r.ecx);
	} else {
		guest_printf("cpuid: no leaf 0x80000001 (max extended leaf %#x)", ext_max);
	}
	r = cpuid(0x8000000a, 0);
	guest_check(!r.eax && !r.ebx && !r.ecx && !r.edx,
		    "leaf 0x8000000a %#x %#x %#x %#x, expected all zero", r.eax, r.ebx, r.ecx,
		    r.edx);
	return 0;
}
