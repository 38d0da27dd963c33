/*
 * The vendor ops table: SVM today, VMX later, chosen once at boot. Common
 * code calls only these and never tests which vendor is in use (compare
 * Xen's hvm_function_table and bhyve's vmm_ops).
 */
#ifndef TESS_HVM_H
#define TESS_HVM_H

#include <tess/cpu.h>
#include <tess/exit.h>
#include <tess/vcpu.h>

struct percpu;

/* How a vCPU is set up: dom0's passthrough vCPUs, or a child's. */
struct vcpu_config {
	u64 slat_root;     /* nested page table root; 0: none (shadow paging) */
	bool passthrough;  /* dom0: real interrupts, I/O ports and most MSRs */
};

struct hvm_ops {
	const char *name;
	const char *slat_name;  /* "NPT" or "EPT" */
	bool (*supported)(const struct cpu_features *f, const char **why);
	int (*cpu_init)(struct percpu *c);
	int (*vcpu_init)(struct vcpu *v, const struct vcpu_config *cfg);
	void (*vcpu_free)(struct vcpu *v);
	void (*vcpu_load_state)(struct vcpu *v, const struct vcpu_boot_state *s);
	void (*vcpu_run)(struct vcpu *v, struct vm_exit *exit);
	void (*advance_rip)(struct vcpu *v, unsigned int len);
	void (*inject_exception)(struct vcpu *v, u8 vector, bool has_error, u32 error);
	void (*get_paging)(struct vcpu *v, struct vcpu_paging *p);
	void (*flush_tlb)(struct vcpu *v); /* guest TLB, at next entry */
	/* The paging registers the CPU runs the guest with (shadow paging: not
	 * the guest's own view); flushes the guest TLB. */
	void (*set_paging_hw)(struct vcpu *v, u64 cr0, u64 cr3, u64 cr4, u64 efer);
	void (*set_cr2)(struct vcpu *v, u64 cr2);
	/* Is the guest inside an STI/MOV SS interrupt shadow? */
	bool (*intr_shadow)(struct vcpu *v);
	/* Could the guest take an external interrupt now (IF=1, no shadow, no event queued)? */
	bool (*intr_allowed)(struct vcpu *v);
	/* Queue an NMI; false if another event is queued for this entry. */
	bool (*inject_nmi)(struct vcpu *v);
	/*
	 * Offer vector (or nothing, -1) as a virtual interrupt that the CPU
	 * delivers by itself once the guest can take it, with no exit.
	 */
	void (*virq_set)(struct vcpu *v, int vector);
	/* After an exit: did the guest take the vector offered? */
	bool (*virq_taken)(struct vcpu *v);
	/* The guest's IA32_PAT (with nested paging it lives in the vendor state). */
	u64 (*get_pat)(struct vcpu *v);
	void (*set_pat)(struct vcpu *v, u64 pat);
	void (*dump)(struct vcpu *v, int level);
};

extern const struct hvm_ops *hvm;
extern const struct hvm_ops svm_ops;
extern const struct hvm_ops vmx_ops;

/* Pick the vendor for this CPU; NULL with *why set if none works. */
const struct hvm_ops *hvm_select(const struct cpu_features *f, const char **why);

#endif
