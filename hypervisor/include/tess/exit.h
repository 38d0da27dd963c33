/*
 * The vendor-neutral exit record. SVM (and later VMX) translate their exit
 * codes into this, and common code handles it (compare bhyve's vm_exit).
 */
#ifndef TESS_EXIT_H
#define TESS_EXIT_H

#include <tess/paging.h>
#include <tess/types.h>

enum exit_reason {
	EXIT_NONE,          /* handled inside the vendor code; just re-enter */
	EXIT_CPUID,
	EXIT_MSR_READ,
	EXIT_MSR_WRITE,
	EXIT_HYPERCALL,
	EXIT_NPF,           /* nested page fault */
	EXIT_SHUTDOWN,      /* triple fault */
	EXIT_INIT,
	EXIT_INTR,          /* physical interrupt */
	EXIT_NMI,           /* physical NMI, already taken by the host (kick.c) */
	EXIT_HLT,
	EXIT_IO,            /* IN/OUT; the next RIP comes with it (APM 15.10.2) */
	EXIT_INTR_WINDOW,   /* the guest can take the interrupt we hold for it */
	EXIT_VIRT_INSN,     /* VMRUN, VMLOAD, STGI, ...: the guest gets #UD */
	EXIT_INVALID,       /* the vendor refused the guest state */
	EXIT_CR_ACCESS,     /* shadow paging: MOV to/from CR0/CR3/CR4, CLTS, LMSW, SMSW */
	EXIT_INVLPG,        /* shadow paging: the address is decoded by common code */
	EXIT_PAGE_FAULT,    /* shadow paging: a #PF on the shadow tree */
	EXIT_UNKNOWN,
	EXIT_REASON_MAX
};

struct vm_exit {
	enum exit_reason reason;
	u64 rip;
	unsigned int insn_len; /* for instructions with a known length */
	union {
		struct { u32 leaf, subleaf; } cpuid;
		struct { u32 index; u64 value; } msr;
		struct { u64 gpa; bool write, fetch, present; } npf;
		struct { u16 port; bool in, string; u8 size; } io;
		struct { u8 cr; bool write; } cr;
		struct { u64 addr; u32 error_code; } pf;
		struct { u64 code, info1, info2; } raw;
	};
};

const char *exit_reason_name(enum exit_reason r);

struct vcpu;
/* Handlers every kind of domain shares (core/exit.c). */
void exit_do_cpuid(struct vcpu *v, const struct vm_exit *e);
void exit_do_msr_read(struct vcpu *v, const struct vm_exit *e);
void exit_do_msr_write(struct vcpu *v, const struct vm_exit *e);
void exit_do_hypercall(struct vcpu *v, const struct vm_exit *e);
void exit_do_virt_insn(struct vcpu *v, const struct vm_exit *e);

/*
 * The paging events of shadow paging (core/paging_exit.c): decoded and
 * handed to the domain's paging mode. PAGING_P2M_MISS fills *npf for the
 * caller's nested-page-fault handler; PAGING_FAIL sets *why.
 */
enum paging_result paging_exit(struct vcpu *v, const struct vm_exit *e, struct vm_exit *npf,
			       const char **why);

#endif
