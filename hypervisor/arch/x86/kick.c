/*
 * Cross-CPU kicks (DESIGN D6). The sender leaves a request in the target
 * CPU's mailbox and sends it an NMI: NMIs cannot be masked by the guest,
 * and both children and dom0 intercept them, so the target leaves guest
 * mode at once wherever it is. Two NMIs that arrive together merge into
 * one (SDM vol. 3 6.7.1), so a kick can hide an NMI of dom0's that came at
 * the same moment; that NMI is lost.
 */
#include <tess/kick.h>
#include <tess/lapic.h>
#include <tess/percpu.h>
#include <tess/x86.h>

volatile u64 host_nmi_count;

void kick_cpu(struct percpu *c)
{
	__atomic_store_n(&c->kick_request, 1, __ATOMIC_SEQ_CST);
	lapic_send_ipi(c->apic_id, ICR_DM_NMI << ICR_DM_SHIFT);
}

bool kick_taken(void)
{
	return __atomic_exchange_n(&this_cpu()->kick_request, 0, __ATOMIC_SEQ_CST);
}

/*
 * STGI lets the pending NMI in through the host IDT (exc_2 counts it and
 * returns); CLGI closes the door again (AMD APM vol. 2 15.17). Retry a few
 * times in case the CPU looks for it only after a later instruction.
 */
void kick_take_nmi(void)
{
	u64 before = host_nmi_count;

	for (int i = 0; i < 16 && host_nmi_count == before; i++)
		asm volatile("stgi; pause; clgi" ::: "memory");
}

void kick_defer_dom0_nmi(void)
{
	this_cpu()->dom0_nmi = 1;
}

bool kick_dom0_nmi_pending(void)
{
	return __atomic_exchange_n(&this_cpu()->dom0_nmi, 0, __ATOMIC_SEQ_CST);
}
