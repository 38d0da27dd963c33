/*
 * Handling of dom0's exits: one handler per reason, looked up in a table.
 * A reason without a handler is fatal, and for dom0 that means the
 * machine, which is logged and reset. The exit_do_* handlers are shared
 * with children (core/child_run.c).
 */
#include <tess/cpuid.h>
#include <tess/dom0.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/hypercall.h>
#include <tess/kick.h>
#include <tess/log.h>
#include <tess/msr.h>
#include <tess/reboot.h>

#define X86_UD 6
#define X86_GP 13

typedef void (*exit_handler_fn)(struct vcpu *v, const struct vm_exit *e);

static __noreturn void exit_fatal(struct vcpu *v, const struct vm_exit *e, const char *what)
{
	log_err("exit: dom%u vCPU%u: %s (exit %s, code 0x%lx) at rip 0x%lx\n", v->dom->id,
		v->id, what, exit_reason_name(e->reason), e->raw.code, e->rip);
	hvm->dump(v, LOG_ERROR);
	/* Only dom0 exists so far, and the machine cannot run without it. */
	machine_reboot();
}

void exit_do_cpuid(struct vcpu *v, const struct vm_exit *e)
{
	struct cpuid_regs r;

	cpuid_policy(v->dom, e->cpuid.leaf, e->cpuid.subleaf, &r);
	v->regs.gpr[GPR_RAX] = r.eax;
	v->regs.gpr[GPR_RBX] = r.ebx;
	v->regs.gpr[GPR_RCX] = r.ecx;
	v->regs.gpr[GPR_RDX] = r.edx;
	hvm->advance_rip(v, e->insn_len);
}

void exit_do_msr_read(struct vcpu *v, const struct vm_exit *e)
{
	u64 val;

	if (msr_read(v, e->msr.index, &val)) {
		hvm->inject_exception(v, X86_GP, true, 0);
		return;
	}
	v->regs.gpr[GPR_RAX] = (u32)val;
	v->regs.gpr[GPR_RDX] = val >> 32;
	hvm->advance_rip(v, e->insn_len);
}

void exit_do_msr_write(struct vcpu *v, const struct vm_exit *e)
{
	if (msr_write(v, e->msr.index, e->msr.value)) {
		hvm->inject_exception(v, X86_GP, true, 0);
		return;
	}
	hvm->advance_rip(v, e->insn_len);
}

void exit_do_hypercall(struct vcpu *v, const struct vm_exit *e)
{
	const u64 *r = v->regs.gpr;
	u64 args[4] = { r[GPR_RDI], r[GPR_RSI], r[GPR_RDX], r[GPR_R10] };
	struct vcpu_paging p;

	hvm->get_paging(v, &p);
	/* Step over VMMCALL first: RUN re-enters dom0 only after the child's run. */
	hvm->advance_rip(v, e->insn_len);
	v->regs.gpr[GPR_RAX] = (u64)hypercall_dispatch(v, r[GPR_RAX], args, p.cpl);
}

static void exit_npf(struct vcpu *v, const struct vm_exit *e)
{
	dom0_handle_npf(v, e);
}

/* Shadow paging's events; a p2m miss is a nested page fault in all but name. */
static void exit_paging(struct vcpu *v, const struct vm_exit *e)
{
	struct vm_exit npf = *e;
	const char *why = "";

	switch (paging_exit(v, e, &npf, &why)) {
	case PAGING_P2M_MISS:
		dom0_handle_npf(v, &npf);
		break;
	case PAGING_FAIL:
		exit_fatal(v, e, why);
	default:
		break;
	}
}

static void exit_shutdown(struct vcpu *v, const struct vm_exit *e)
{
	exit_fatal(v, e, "triple fault");
}

static void exit_init(struct vcpu *v, const struct vm_exit *e)
{
	(void)e;
	log_warn("exit: dom%u vCPU%u received INIT; ignored (CPU hotplug is not supported)\n",
		 v->dom->id, v->id);
}

void exit_do_virt_insn(struct vcpu *v, const struct vm_exit *e)
{
	(void)e;
	hvm->inject_exception(v, X86_UD, false, 0); /* SVM is hidden: #UD as on a CPU without it */
}

static void exit_nothing(struct vcpu *v, const struct vm_exit *e)
{
	(void)v, (void)e;
}

/* Dom0's NMI: a kick that arrived after its child had left, or dom0's own. */
static void exit_dom0_nmi(struct vcpu *v, const struct vm_exit *e)
{
	(void)e;
	if (!kick_taken() && !hvm->inject_nmi(v))
		kick_defer_dom0_nmi(); /* an event is queued: next entry */
}

static const exit_handler_fn exit_handlers[EXIT_REASON_MAX] = {
	[EXIT_CPUID] = exit_do_cpuid,
	[EXIT_MSR_READ] = exit_do_msr_read,
	[EXIT_MSR_WRITE] = exit_do_msr_write,
	[EXIT_HYPERCALL] = exit_do_hypercall,
	[EXIT_NPF] = exit_npf,
	[EXIT_SHUTDOWN] = exit_shutdown,
	[EXIT_INIT] = exit_init,
	[EXIT_INTR] = exit_nothing,
	[EXIT_NMI] = exit_dom0_nmi,
	[EXIT_VIRT_INSN] = exit_do_virt_insn,
	[EXIT_CR_ACCESS] = exit_paging,
	[EXIT_INVLPG] = exit_paging,
	[EXIT_PAGE_FAULT] = exit_paging,
};

static const char *const exit_names[EXIT_REASON_MAX] = {
	"none", "cpuid", "msr-read", "msr-write", "hypercall", "npf", "shutdown",
	"init", "intr", "nmi", "hlt", "io", "intr-window", "virt-insn", "invalid-state",
	"cr-access", "invlpg", "page-fault", "unknown",
};

const char *exit_reason_name(enum exit_reason r)
{
	return r < EXIT_REASON_MAX ? exit_names[r] : "?";
}

void vcpu_run_loop(struct vcpu *v)
{
	struct vm_exit e;

	for (;;) {
		/* An NMI a child's run took in dom0's name (child_run.c). */
		if (kick_dom0_nmi_pending() && !hvm->inject_nmi(v))
			kick_defer_dom0_nmi();
		hvm->vcpu_run(v, &e);
		v->exits[e.reason]++;
		if (e.reason >= EXIT_REASON_MAX || !exit_handlers[e.reason])
			exit_fatal(v, &e, "unhandled exit");
		exit_handlers[e.reason](v, &e);
	}
}
