/*
 * Per-CPU data lives at the bottom of each CPU's 16 KiB stack, so any code
 * can find its CPU from RSP without relying on segment bases, which VMRUN
 * and VMLOAD would change.
 */
#ifndef TESS_PERCPU_H
#define TESS_PERCPU_H

#include <tess/types.h>
#include <tess/x86.h>

#define STACK_SIZE 0x4000
#define MAX_CPUS 64
#define PERCPU_CANARY 0x7e55e7a5u

struct vcpu;

enum park_request {
	PARK_NONE = 0,
	PARK_START_DOM0_VCPU, /* leave the park and run `vcpu` */
};

struct percpu {
	unsigned int index;        /* 0 = the boot CPU */
	u32 apic_id;
	u64 hsave_pa;              /* host save area (VM_HSAVE_PA) */
	u64 host_state_pa;         /* VMCB-format area for VMSAVE/VMLOAD of host state */
	struct vcpu *vcpu;         /* vCPU this CPU runs */
	volatile u32 park_request; /* written by another CPU, then an NMI */
	volatile u32 park_ack;
	volatile u32 kick_request;  /* kick.c: set by another CPU, then an NMI */
	volatile u32 dom0_nmi;      /* kick.c: an NMI of dom0's to give it back */
	u32 canary;
};

static inline struct percpu *this_cpu(void)
{
	return (struct percpu *)(read_rsp() & ~(u64)(STACK_SIZE - 1));
}

extern struct percpu *cpus[MAX_CPUS];
extern unsigned int nr_cpus;

#endif
