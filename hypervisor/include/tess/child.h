/* Running a child vCPU on behalf of a dom0 RUN call. */
#ifndef TESS_CHILD_H
#define TESS_CHILD_H

#include <public/hypercall.h>
#include <tess/vcpu.h>

/*
 * Run child vCPU v on this CPU in place of dom0's vCPU host until an exit
 * that dom0 must see (halt, physical interrupt, shutdown, crash, pause).
 */
/* armed_tsc: the deadline dom0 has a timer for (0: none); see TESS_EXIT_TIMER. */
void child_run(struct vcpu *host, struct vcpu *v, u64 armed_tsc, struct tess_run_exit *out);

#endif
