/* SPDX-License-Identifier: MIT */
/*
 * forever: never halts, never shuts down. After its start line it loops
 * for ever storing to memory, so only its runner can end it: the system
 * test (children.sh runner-sigint) sends tess-run SIGINT, which must stop
 * the run, destroy the domain and report exit=interrupted. It never
 * prints PASS.
 */
#include "guest.h"

GUEST_TEST(forever);

static volatile uint64_t sink[8192];   /* 64 KiB of .bss */

int test_main(uint64_t mem)
{
	uint64_t i;

	guest_printf("forever: storing to memory until the runner stops me (%lu MiB)",
		     (unsigned long)(mem >> 20));
	for (i = 0;; i++)
		sink[(i * 67) & 8191] += i;
	return 1;   /* not reached */
}
