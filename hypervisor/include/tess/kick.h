/*
 * Cross-CPU kicks (DESIGN D6): a request in the target CPU's mailbox, then
 * an NMI. An NMI with a request is the hypervisor's; one without belongs to
 * dom0 and is given back to it.
 */
#ifndef TESS_KICK_H
#define TESS_KICK_H

#include <tess/types.h>

struct percpu;
struct vcpu;

/* Make CPU c leave the child it runs (at once, or at its next entry). */
void kick_cpu(struct percpu *c);
/* After an NMI exit: was it a kick (the request is taken)? */
bool kick_taken(void);
/* NMIs the host took (entry.S counts them in exc_2). */
extern volatile u64 host_nmi_count;
/*
 * An NMI exit leaves the NMI pending while GIF is clear: take it in the
 * host (its handler only counts it) so nobody else sees it.
 */
void kick_take_nmi(void);
/* An NMI that was not a kick and must reach dom0 on this CPU. */
void kick_defer_dom0_nmi(void);
bool kick_dom0_nmi_pending(void);

#endif
