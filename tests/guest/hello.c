/* SPDX-License-Identifier: MIT */
/* hello: the console works and TESS_HC_VERSION answers the interface version. */
#include "guest.h"

GUEST_TEST(hello);

int test_main(uint64_t memory_bytes)
{
	static const char greeting[] = "Hello from a Tessera test kernel\n";
	long n, v;

	n = hypercall3(TESS_HC_CONSOLE_WRITE, TESS_DOMID_SELF, GPA(greeting),
		       sizeof(greeting) - 1);
	guest_check(n == (long)sizeof(greeting) - 1,
		    "CONSOLE_WRITE returned %ld, expected %lu", n,
		    (unsigned long)sizeof(greeting) - 1);
	guest_printf("hello: %lu MiB of RAM", (unsigned long)(memory_bytes >> 20));

	v = hypercall0(TESS_HC_VERSION);
	guest_check(v == TESS_INTERFACE_VERSION, "VERSION returned %#lx, expected %#x",
		    v, TESS_INTERFACE_VERSION);
	return 0;
}
