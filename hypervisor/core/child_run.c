/*
 * A child vCPU's run, inside dom0's RUN hypercall. Dom0's x87/SSE state is
 * swapped out for the child's; exits the hypervisor can finish re-enter the
 * child at once; the others end the run with a tess_run_exit for dom0. Any
 * exit without a handler crashes this child, never the hypervisor.
 */
#include <tess/child.h>
#include <tess/child_io.h>
#include <tess/child_ipi.h>
#include <tess/domain.h>
#include <tess/fpu.h>
#include <tess/hvm.h>
#include <tess/kick.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/percpu.h>
#include <tess/x86.h>

static bool child_stopped(const struct domain *d)
{
	return d->state == TESS_DOMSTATE_SHUTDOWN || d->state == TESS_DOMSTATE_CRASHED;
}

static void child_report_stop(const struct domain *d, struct tess_run_exit *out)
{
	out->reason = d->state == TESS_DOMSTATE_CRASHED ? TESS_EXIT_CRASHED : TESS_EXIT_SHUTDOWN;
	out->detail = d->shutdown_reason;
	out->gpa = d->crash_gpa;
}

/* Remember an exit for the crash report (a ring of the last eight). */
static void child_trace(struct vcpu *v, const struct vm_exit *e)
{
	struct vcpu_exit_trace *t = &v->trace[v->trace_pos++ % ARRAY_SIZE(v->trace)];

	t->reason = e->reason;
	t->rip = e->rip;
	t->info1 = e->raw.info1;
	t->info2 = e->raw.info2;
}

static void child_trace_dump(struct vcpu *v)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(v->trace); i++) {
		const struct vcpu_exit_trace *t =
			&v->trace[(v->trace_pos + i) % ARRAY_SIZE(v->trace)];

		log_warn("  earlier exit: %s rip 0x%lx info1 0x%lx info2 0x%lx\n",
			 exit_reason_name(t->reason), t->rip, t->info1, t->info2);
	}
}

static bool child_crash(struct vcpu *v, const struct vm_exit *e, u32 reason,
			struct tess_run_exit *out, const char *what)
{
	struct domain *d = v->dom;

	log_warn("domain: dom%u '%s' vCPU%u: %s at rip 0x%lx (exit %s, code 0x%lx)\n", d->id,
		 d->name, v->id, what, e->rip, exit_reason_name(e->reason), e->raw.code);
	hvm->dump(v, LOG_WARN);
	child_trace_dump(v);
	domain_stop(d, TESS_DOMSTATE_CRASHED, reason);
	child_report_stop(d, out);
	return true;
}

static bool child_npf(struct vcpu *v, const struct vm_exit *e, struct tess_run_exit *out)
{
	char what[96];

	v->dom->crash_gpa = e->npf.gpa;
	snprintf(what, sizeof(what), "%s of guest-physical 0x%lx outside its memory",
		 e->npf.fetch ? "fetch" : e->npf.write ? "write" : "read", e->npf.gpa);
	return child_crash(v, e, range_set_contains(&v->dom->ram, e->npf.gpa)
					 ? TESS_CRASH_UNHANDLED : TESS_CRASH_BAD_GPA, out, what);
}

/* Shadow paging's events; a p2m miss is a nested page fault in all but name. */
static bool child_paging(struct vcpu *v, const struct vm_exit *e, struct tess_run_exit *out)
{
	struct vm_exit npf = *e;
	const char *why = "";

	switch (paging_exit(v, e, &npf, &why)) {
	case PAGING_P2M_MISS:
		return child_npf(v, &npf, out);
	case PAGING_FAIL:
		return child_crash(v, e, TESS_CRASH_UNHANDLED, out, why);
	default:
		return false;
	}
}

/*
 * Before each entry: fire a due timer, then offer the highest pending
 * vector (the vLAPIC's, else the PIC's through LINT0 in ExtINT mode) as a
 * virtual interrupt; the CPU delivers it when the guest can take it.
 */
static void child_offer_interrupt(struct vcpu *v)
{
	int vector;

	vlapic_timer_check(&v->lapic, rdtsc());
	/*
	 * QEMU 7.2's VMRUN drops the interrupt shadow the VMCB carries, so after
	 * an exit inside an STI/MOV SS shadow (a shadow page fault on the next
	 * instruction) an offered vector would arrive inside it. Offer none for
	 * this entry; the vector stays pending until the next exit.
	 */
	if (hvm->intr_shadow(v)) {
		v->virq_vector = -1;
		hvm->virq_set(v, -1);
		return;
	}
	vector = vlapic_pending(&v->lapic);
	v->virq_from_pic = vector < 0;
	if (vector < 0)
		vector = child_pic_vector(v, false);
	v->virq_vector = vector;
	hvm->virq_set(v, vector);
}

/*
 * After an exit, before it is handled: a vector the guest took is now in
 * service (vLAPIC IRR -> ISR, or the PIC's INTA), as the CPU would have
 * done when it delivered it.
 */
static void child_interrupt_taken(struct vcpu *v)
{
	if (v->virq_vector < 0 || !hvm->virq_taken(v))
		return;
	if (v->virq_from_pic)
		child_pic_vector(v, true);
	else
		vlapic_accept(&v->lapic, (u8)v->virq_vector);
	v->virq_vector = -1;
}

/* An interrupt the guest can take now ends a HLT at once. */
static bool child_wakes_now(struct vcpu *v)
{
	return (vlapic_pending(&v->lapic) >= 0 || child_pic_vector(v, false) >= 0) &&
	       hvm->intr_allowed(v);
}

/*
 * Has v nothing to do: waiting for a SIPI, or at HLT with no interrupt it
 * can take and its deadline (*wake, 0 for none) still ahead? (A HLT also
 * ends at a deadline written outside TSC-deadline mode or with IF=0,
 * which hardware would not do; see docs/abi.md.)
 */
static bool child_idle(struct vcpu *v, u64 *wake)
{
	*wake = 0;
	if (v->state == VCPU_WAIT_FOR_SIPI)
		return true;
	if (!v->hlt)
		return false;
	vlapic_timer_check(&v->lapic, rdtsc());
	*wake = vlapic_wake_tsc(&v->lapic);
	if (child_wakes_now(v) || v->nmi_pending || (*wake && rdtsc() >= *wake)) {
		v->hlt = false;
		return false;
	}
	return true;
}

/*
 * If v is idle, its dom0 thread sleeps (TESS_EXIT_HALTED with the deadline
 * to wake at). v->halted is set before the last look for events, so a
 * sender either is seen here or sees v->halted (child_ipi.c).
 */
static bool child_try_sleep(struct vcpu *v, struct tess_run_exit *out)
{
	u64 wake;

	if (!child_idle(v, &wake))
		return false;
	v->halted = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	child_events_take(v);
	if (!child_idle(v, &wake)) {
		v->halted = false;
		return false;
	}
	out->reason = TESS_EXIT_HALTED;
	out->deadline_tsc = wake;
	return true;
}

static bool child_hlt(struct vcpu *v, const struct vm_exit *e, struct tess_run_exit *out)
{
	hvm->advance_rip(v, e->insn_len);
	v->hlt = true;
	return child_try_sleep(v, out);
}

/* An NMI exit: a kick goes on running; any other NMI is dom0's. */
static bool child_nmi(struct tess_run_exit *out)
{
	if (kick_taken())
		return false;
	kick_defer_dom0_nmi();
	out->reason = TESS_EXIT_INTERRUPTED;
	return true;
}

/* Returns true when the run ends and out says why. */
static bool child_handle_exit(struct vcpu *v, const struct vm_exit *e, struct tess_run_exit *out)
{
	switch (e->reason) {
	case EXIT_CPUID:
		exit_do_cpuid(v, e);
		return false;
	case EXIT_MSR_READ:
		exit_do_msr_read(v, e);
		return false;
	case EXIT_MSR_WRITE:
		exit_do_msr_write(v, e);
		return false;
	case EXIT_HYPERCALL:
		exit_do_hypercall(v, e);
		if (child_stopped(v->dom))
			child_report_stop(v->dom, out);
		return child_stopped(v->dom);
	case EXIT_VIRT_INSN:
		exit_do_virt_insn(v, e);
		return false;
	case EXIT_HLT:
		return child_hlt(v, e, out);
	case EXIT_INTR_WINDOW:
		return false; /* not asked for any more; harmless */
	case EXIT_INTR:
	case EXIT_INIT: /* a physical event: back to dom0, which owns the machine */
		out->reason = TESS_EXIT_INTERRUPTED;
		return true;
	case EXIT_NMI:
		return child_nmi(out);
	case EXIT_NPF:
		return child_npf(v, e, out);
	case EXIT_CR_ACCESS:
	case EXIT_INVLPG:
	case EXIT_PAGE_FAULT:
		return child_paging(v, e, out);
	case EXIT_SHUTDOWN:
		return child_crash(v, e, TESS_CRASH_TRIPLE_FAULT, out, "triple fault");
	case EXIT_INVALID:
		return child_crash(v, e, TESS_CRASH_BAD_STATE, out, "invalid vCPU state");
	case EXIT_IO:
		return child_io(v, e, out);
	default:
		return child_crash(v, e, TESS_CRASH_UNHANDLED, out, "unhandled exit");
	}
}

/* Before entering: a stopped, paused or still-sleeping vCPU does not run. */
static bool child_may_enter(struct vcpu *v, struct tess_run_exit *out)
{
	struct domain *d = v->dom;

	if (child_stopped(d)) {
		child_report_stop(d, out);
		return false;
	}
	if (d->state == TESS_DOMSTATE_PAUSED) {
		out->reason = TESS_EXIT_PAUSED;
		return false;
	}
	child_events_take(v);
	if (child_try_sleep(v, out))
		return false;
	v->halted = false;
	if (d->state == TESS_DOMSTATE_CREATED)
		d->state = TESS_DOMSTATE_RUNNING;
	return true;
}

/*
 * Between exits: does the run end here? When the domain stopped or was
 * paused (another vCPU or dom0 kicked us to see it), when this vCPU woke
 * halted ones (dom0 wakes their threads), or when its deadline comes
 * before the timer dom0 has armed for it (dom0 arms one, DESIGN D5).
 */
static bool child_run_ends(struct vcpu *v, struct tess_run_exit *out)
{
	struct domain *d = v->dom;
	u64 wake;

	if (child_stopped(d)) {
		child_report_stop(d, out);
		return true;
	}
	if (d->state == TESS_DOMSTATE_PAUSED) {
		out->reason = TESS_EXIT_PAUSED;
		return true;
	}
	if (v->wake_vcpus) {
		out->reason = TESS_EXIT_WAKE;
		out->wake_vcpus = v->wake_vcpus;
		v->wake_vcpus = 0;
		return true;
	}
	wake = vlapic_wake_tsc(&v->lapic);
	if (wake && (!v->armed_tsc || wake < v->armed_tsc) && wake > rdtsc()) {
		out->reason = TESS_EXIT_TIMER;
		out->deadline_tsc = wake;
		return true;
	}
	return false;
}

void child_run(struct vcpu *host, struct vcpu *v, u64 armed_tsc, struct tess_run_exit *out)
{
	struct vm_exit e;

	memset(out, 0, sizeof(*out));
	v->wake_vcpus = 0;
	v->armed_tsc = armed_tsc;
	__atomic_store_n(&v->pcpu, this_cpu(), __ATOMIC_SEQ_CST); /* then look at events */
	if (!child_may_enter(v, out))
		return;
	e.rip = 0;
	e.raw.code = 0;
	fpu_save(&host->fpu);
	fpu_restore(&v->fpu);
	while (!child_run_ends(v, out)) {
		child_events_take(v);
		child_offer_interrupt(v);
		hvm->vcpu_run(v, &e);
		child_interrupt_taken(v);
		v->exits[e.reason < EXIT_REASON_MAX ? e.reason : EXIT_UNKNOWN]++;
		child_trace(v, &e);
		if (child_handle_exit(v, &e, out))
			break;
	}
	out->rip = e.rip;
	out->vendor_code = e.raw.code;
	fpu_save(&v->fpu);
	fpu_restore(&host->fpu);
}
