/* Virtual CPUs. */
#ifndef TESS_VCPU_H
#define TESS_VCPU_H

#include <tess/exit.h>
#include <tess/shadow.h>
#include <tess/vlapic.h>
#include <tess/types.h>

/* General registers in x86 encoding order (ModRM reg numbers). */
enum gpr { GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	   GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15 };

struct guest_regs {
	u64 gpr[16];
};

enum vcpu_state {
	VCPU_WAIT_FOR_SIPI, /* after INIT, as on real hardware */
	VCPU_RUNNING,
	VCPU_STOPPED,
};

/* A segment in vendor-neutral form (attributes as in the VMCB packing). */
struct seg {
	u16 sel;
	u16 attr;  /* bits 0-7: type,S,DPL,P; bits 8-11: AVL,L,D/B,G */
	u32 limit;
	u64 base;
};

/* Architectural register state to start a vCPU with. */
struct vcpu_boot_state {
	struct seg cs, ds, es, ss, fs, gs, tr, ldtr;
	u64 gdt_base, idt_base;
	u16 gdt_limit, idt_limit;
	u64 cr0, cr3, cr4, efer, rflags, rip;
};

/* What the instruction fetcher needs to walk the guest's page tables. */
struct vcpu_paging {
	u64 cr0, cr3, cr4, efer;
	u64 cs_base;
	bool cs_long, cs_db;
	u8 cpl;
	u64 rip;
};

struct domain;
struct percpu;

/* FXSAVE image (AMD APM vol. 2 section 11.4.4; Intel SDM vol. 1 10.5). */
struct fpu_state {
	u8 data[512];
} __aligned(16);

struct vcpu {
	struct fpu_state fpu;   /* first: the page-aligned vcpu keeps it aligned */
	struct domain *dom;
	unsigned int id;
	struct guest_regs regs; /* RAX..R15; RSP/RIP/RFLAGS live in vendor state */
	void *arch;             /* vendor state, e.g. the VMCB */
	u64 arch_pa;
	struct percpu *pcpu;
	enum vcpu_state state;
	bool passthrough;       /* dom0's: shares the machine's devices */
	bool initialised;       /* has a register state (SET_STATE done) */
	bool hlt;               /* executed HLT and not woken yet */
	int virq_vector;        /* the virtual interrupt offered to a child, or -1 */
	bool virq_from_pic;     /* ... from the 8259 (INTA when taken), else the vLAPIC */
	volatile bool halted;   /* its dom0 thread sleeps (HLT or waiting for SIPI) */
	volatile u32 running;   /* inside a RUN call on some CPU */
	/* Events from other vCPUs, taken before its next entry (child_ipi.c). */
	volatile u32 init_pending, sipi_pending, nmi_pending;
	volatile u8 sipi_vector;
	/* During one RUN: halted vCPUs to wake, and the deadline dom0 has a timer for. */
	u64 wake_vcpus;
	u64 armed_tsc;
	struct vlapic lapic;    /* children: the emulated x2APIC */
	struct shadow_vcpu shadow; /* shadow paging: the guest's paging registers and its tree */
	u64 exits[EXIT_REASON_MAX];
	/* The last exits of a child vCPU, printed when it crashes. */
	struct vcpu_exit_trace { u32 reason; u64 rip, info1, info2; } trace[8];
	unsigned int trace_pos;
	u64 last_npf_gpa, last_npf_rip; /* to catch a fault that repeats forever */
	u32 npf_repeats;
};

/* The guest's own view of its paging registers (whatever the paging mode). */
void vcpu_get_paging(struct vcpu *v, struct vcpu_paging *p);
/* Give v a register state: vendor state and paging mode; -1 with *why if
 * the paging mode cannot run it. */
int vcpu_load_state(struct vcpu *v, const struct vcpu_boot_state *s, const char **why);

/* Run v on this CPU forever (dom0 vCPUs). */
__noreturn void vcpu_run_loop(struct vcpu *v);

#endif
