/*
 * Events between a child's vCPUs: IPIs from its x2APIC (fixed, NMI, INIT,
 * SIPI), and making the target notice them (wake its dom0 thread if it
 * sleeps, kick its CPU if it runs elsewhere).
 */
#ifndef TESS_CHILD_IPI_H
#define TESS_CHILD_IPI_H

#include <tess/vlapic.h>

struct domain;
struct vcpu;

/* Deliver an IPI that from's vLAPIC handed over. */
void child_ipi_send(struct vcpu *from, const struct vlapic_ipi *ipi);
/* Take the NMI, INIT and SIPI that other vCPUs sent v (before an entry). */
void child_events_take(struct vcpu *v);
/* Kick v if it runs on another CPU, so it looks at its events now. */
void child_kick_vcpu(struct vcpu *v);
/* Kick every vCPU of d that runs on another CPU (stop, pause). */
void child_kick_running(struct domain *d);

#endif
