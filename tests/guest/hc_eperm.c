/* SPDX-License-Identifier: MIT */
/*
 * hc_eperm: a child may not make dom0 calls (-TESS_EPERM, and nothing is
 * written to its buffers), unknown call numbers are -TESS_ENOSYS, and a
 * console buffer outside its RAM is -TESS_EFAULT.
 *
 * Arguments name a domain that does not exist (NODOM) wherever a domain is
 * taken, so that a hypervisor that wrongly ran a call harms nobody and
 * still answers something other than -TESS_EPERM. DOMAIN_DESTROY names
 * dom0 itself.
 */
#include "guest.h"

GUEST_TEST(hc_eperm);

#define NODOM 0x7fefu
#define FILL 0xa5

static uint8_t buf[4096] __attribute__((aligned(4096)));
static struct tess_domain_create create;  /* all zero: invalid */
static struct tess_vcpu_state vstate;

static void expect(const char *what, long got, long want)
{
	if (got != want)
		guest_check_fail("%s returned %ld, expected %ld", what, got, want);
}

int test_main(uint64_t mem)
{
	static const char msg[] = "hc_eperm: a console write from RAM\n";
	const long eperm = -TESS_EPERM;

	memset(buf, FILL, sizeof(buf));
	vstate.domid = NODOM;

	expect("PHYSINFO", hypercall1(TESS_HC_PHYSINFO, GPA(buf)), eperm);
	expect("LOG_READ", hypercall3(TESS_HC_LOG_READ, GPA(buf), 64, 0), eperm);
	expect("DOMAIN_CREATE", hypercall1(TESS_HC_DOMAIN_CREATE, GPA(&create)), eperm);
	expect("DOMAIN_DESTROY(0)", hypercall1(TESS_HC_DOMAIN_DESTROY, TESS_DOMID_DOM0), eperm);
	expect("DOMAIN_PAUSE", hypercall1(TESS_HC_DOMAIN_PAUSE, NODOM), eperm);
	expect("DOMAIN_UNPAUSE", hypercall1(TESS_HC_DOMAIN_UNPAUSE, NODOM), eperm);
	expect("DOMAIN_INFO", hypercall2(TESS_HC_DOMAIN_INFO, NODOM, GPA(buf)), eperm);
	expect("DOMAIN_LIST", hypercall2(TESS_HC_DOMAIN_LIST, GPA(buf), 16), eperm);
	expect("MEMORY_COPY_IN",
	       hypercall4(TESS_HC_MEMORY_COPY_IN, NODOM, 0x100000, GPA(buf), 16), eperm);
	expect("VCPU_SET_STATE", hypercall1(TESS_HC_VCPU_SET_STATE, GPA(&vstate)), eperm);
	expect("VCPU_RUN", hypercall3(TESS_HC_VCPU_RUN, NODOM, 0, GPA(buf)), eperm);
	expect("DOMAIN_STATS", hypercall2(TESS_HC_DOMAIN_STATS, NODOM, GPA(buf)), eperm);
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != FILL) {
			guest_check_fail("a refused call wrote into its buffer (byte %lu)",
					 (unsigned long)i);
			break;
		}
	guest_check(create.domid == 0, "DOMAIN_CREATE wrote domid %u", create.domid);

	expect("call 9999", hypercall0(9999), -TESS_ENOSYS);
	expect("call TESS_HC_COUNT", hypercall0(TESS_HC_COUNT), -TESS_ENOSYS);
	/* The number is all of RAX: 2^32 is not TESS_HC_VERSION. */
	expect("call 1<<32", hypercall0(1ull << 32), -TESS_ENOSYS);

	expect("CONSOLE_WRITE at 0x80000000",
	       hypercall3(TESS_HC_CONSOLE_WRITE, TESS_DOMID_SELF, 0x80000000ull, 16),
	       -TESS_EFAULT);
	/* A buffer that starts in RAM and runs past its end. */
	if (mem >= 0x200000)
		expect("CONSOLE_WRITE across the end of RAM",
		       hypercall3(TESS_HC_CONSOLE_WRITE, TESS_DOMID_SELF, mem - 8, 16),
		       -TESS_EFAULT);
	/* Sanity: the same call with a good buffer works. */
	expect("CONSOLE_WRITE in RAM",
	       hypercall3(TESS_HC_CONSOLE_WRITE, TESS_DOMID_SELF, GPA(msg), sizeof(msg) - 1),
	       (long)sizeof(msg) - 1);
	return 0;
}
