/*
 * IPIs between a child's vCPUs. A fixed vector goes into the target's IRR;
 * NMI, INIT and SIPI are flags the target takes before its next entry.
 * Then the target must notice (DESIGN D5, D6):
 *  - its thread sleeps in dom0 (v->halted): the sender's run ends with
 *    TESS_EXIT_WAKE naming it, and dom0's module wakes that thread;
 *  - it runs on another CPU: that CPU is kicked with an NMI;
 *  - otherwise it looks at its events before it enters the guest again.
 * The sender writes the event and then reads v->halted; the target writes
 * v->halted and then looks for events; a full fence on both sides means at
 * least one of them sees the other (child_run.c, child_try_sleep()).
 */
#include <tess/child_ipi.h>
#include <tess/domain.h>
#include <tess/log.h>
#include <tess/fpu.h>
#include <tess/hvm.h>
#include <tess/kick.h>
#include <tess/percpu.h>

static void child_ipi_mark(struct vcpu *t, const struct vlapic_ipi *ipi)
{
	switch (ipi->mode) {
	case VLAPIC_IPI_FIXED:
		vlapic_set_irr(&t->lapic, ipi->vector);
		break;
	case VLAPIC_IPI_NMI:
		__atomic_store_n(&t->nmi_pending, 1, __ATOMIC_SEQ_CST);
		break;
	case VLAPIC_IPI_INIT:
		__atomic_store_n(&t->init_pending, 1, __ATOMIC_SEQ_CST);
		break;
	case VLAPIC_IPI_SIPI:
		t->sipi_vector = ipi->vector;
		__atomic_store_n(&t->sipi_pending, 1, __ATOMIC_SEQ_CST);
		break;
	}
}

static void child_vcpu_notify(struct vcpu *from, struct vcpu *t)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the event, then halted */
	if (t == from)
		return;
	if (t->halted) {
		from->wake_vcpus |= 1ull << t->id;
		return;
	}
	child_kick_vcpu(t);
}

static bool child_ipi_targets(const struct vcpu *from, const struct vcpu *t,
			      const struct vlapic_ipi *ipi)
{
	if (t == from)
		return ipi->include_self;
	return ipi->all_but_self || t->lapic.id == ipi->dest;
}

void child_ipi_send(struct vcpu *from, const struct vlapic_ipi *ipi)
{
	struct domain *d = from->dom;

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *t = d->vcpus[i];

		if (!t || !child_ipi_targets(from, t, ipi))
			continue;
		child_ipi_mark(t, ipi);
		child_vcpu_notify(from, t);
	}
}

static bool child_event_take(volatile u32 *flag)
{
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE) &&
	       __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST);
}

/*
 * INIT puts the vCPU in wait-for-SIPI with its APIC reset (x2APIC mode
 * stays on; SDM vol. 3 10.4.7.3); a SIPI starts a waiting vCPU in real
 * mode at vector:0000 and is ignored otherwise (8.4.4.1). An NMI is
 * injected as soon as no other event is queued.
 */
void child_events_take(struct vcpu *v)
{
	if (child_event_take(&v->init_pending)) {
		vlapic_reset(&v->lapic, v->id);
		v->state = VCPU_WAIT_FOR_SIPI;
		v->hlt = false;
		v->nmi_pending = 0;
	}
	if (child_event_take(&v->sipi_pending) && v->state == VCPU_WAIT_FOR_SIPI) {
		const char *why;

		if (vcpu_set_real_mode(v, v->sipi_vector, &why)) {
			log_warn("domain: dom%u vCPU%u cannot start: %s\n", v->dom->id, v->id, why);
			domain_stop(v->dom, TESS_DOMSTATE_CRASHED, TESS_CRASH_BAD_STATE);
			return;
		}
		fpu_init_state(&v->fpu);
		v->state = VCPU_RUNNING;
		v->initialised = true;
	}
	if (v->state == VCPU_RUNNING && v->nmi_pending && hvm->inject_nmi(v)) {
		v->nmi_pending = 0;
		v->hlt = false;
	}
}

void child_kick_vcpu(struct vcpu *t)
{
	struct percpu *c = __atomic_load_n(&t->pcpu, __ATOMIC_ACQUIRE);

	if (t->running && c && c != this_cpu())
		kick_cpu(c);
}

void child_kick_running(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpus[i])
			child_kick_vcpu(d->vcpus[i]);
}
