/* SPDX-License-Identifier: MIT */
/*
 * spin: a long busy loop with interrupts off and no HLT, so the vCPU never
 * leaves of its own accord for about a second (2e9 TSC ticks). Every
 * physical interrupt meanwhile ends dom0's RUN call with
 * TESS_EXIT_INTERRUPTED and dom0 must run it again; the runner checks the
 * domain's exit stats (TESS_STAT_INTR > 0) and that it still PASSes.
 * The loop stores to memory so that it cannot be optimised away, and
 * checks the TSC never goes backwards.
 */
#include "guest.h"

GUEST_TEST(spin);

#define SPIN_TICKS 2000000000ull

static volatile uint64_t sink[64];

int test_main(uint64_t mem)
{
	uint64_t start, end, now, prev, iters = 0, backwards = 0;

	(void)mem;
	start = rdtsc();
	end = start + SPIN_TICKS;
	prev = start;
	guest_printf("spin: busy loop with interrupts off from tsc %#lx until %#lx",
		     (unsigned long)start, (unsigned long)end);
	do {
		sink[iters & 63] += iters;
		iters++;
		now = rdtsc();
		if (now < prev)
			backwards++;
		prev = now;
	} while (now < end);
	guest_printf("spin: %lu loop iterations in %lu TSC ticks",
		     (unsigned long)iters, (unsigned long)(now - start));
	guest_check(backwards == 0, "the TSC went backwards %lu times",
		    (unsigned long)backwards);
	guest_check(iters > 1, "only %lu loop iterations", (unsigned long)iters);
	return 0;
}
