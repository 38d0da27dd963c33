/*
 * A child vCPU's local APIC in x2APIC mode, emulated through MSRs
 * 0x800-0x8ff (Intel SDM vol. 3 chapter 10, 10.12 for x2APIC). Pure
 * logic: time comes in as a TSC value, so it is host-testable.
 * Supported: ID, version, TPR/PPR, EOI, LDR, SVR, ISR/TMR/IRR, ESR, ICR
 * (fixed, lowest-priority as fixed, NMI, INIT and SIPI), the LVT entries, SELF IPI, and the TSC-deadline timer.
 * The one-shot and periodic timer modes keep their registers but never
 * fire yet.
 */
#ifndef TESS_VLAPIC_H
#define TESS_VLAPIC_H

#include <tess/types.h>

#define VLAPIC_MSR_FIRST 0x800
#define VLAPIC_MSR_LAST 0x8ff
#define MSR_TSC_DEADLINE 0x6e0

enum vlapic_lvt { LVT_TIMER, LVT_THERMAL, LVT_PMC, LVT_LINT0, LVT_LINT1, LVT_ERROR,
		  LVT_CMCI, LVT_COUNT };

#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_TSC_DEADLINE 2u

struct vlapic {
	u32 id;
	u32 tpr, svr, esr;
	u32 lvt[LVT_COUNT];
	u32 tmict, tdcr;
	u64 icr;
	u32 irr[8];  /* 256-bit vectors as the eight 32-bit registers */
	u32 isr[8];
	u32 tmr[8];
	u64 tsc_deadline;
};

/* ICR delivery modes the model acts on (SDM vol. 3 10.6.1). */
enum vlapic_ipi_mode { VLAPIC_IPI_FIXED, VLAPIC_IPI_NMI, VLAPIC_IPI_INIT, VLAPIC_IPI_SIPI };

/*
 * An IPI the vLAPIC cannot deliver itself: to other vCPUs (all_but_self, or
 * the x2APIC id dest, 0xffffffff meaning all of them), or an NMI, INIT or
 * SIPI to anyone, itself included (include_self).
 */
struct vlapic_ipi {
	bool valid;
	bool all_but_self;
	bool include_self;
	u8 mode;     /* enum vlapic_ipi_mode */
	u32 dest;
	u8 vector;   /* fixed: the vector; SIPI: the start page */
};

void vlapic_reset(struct vlapic *l, u32 id);
/* 0 if handled; -1 means the guest gets #GP(0), as on hardware. */
int vlapic_msr_read(const struct vlapic *l, u32 msr, u64 *value);
int vlapic_msr_write(struct vlapic *l, u32 msr, u64 value, struct vlapic_ipi *ipi);
/* Make vector pending (safe against the owner's concurrent accept). */
void vlapic_set_irr(struct vlapic *l, u8 vector);
/* The vector to deliver now, or -1: APIC enabled and above PPR's class. */
int vlapic_pending(const struct vlapic *l);
/* The CPU took vector: IRR -> ISR. */
void vlapic_accept(struct vlapic *l, u8 vector);
/* Fire the TSC-deadline timer if now >= deadline; true if it fired. */
bool vlapic_timer_check(struct vlapic *l, u64 now);
/* LINT0 unmasked in ExtINT mode: the 8259 PIC's output is this CPU's INTR. */
bool vlapic_extint_enabled(const struct vlapic *l);
/* TSC value at which a halted vCPU must run again (0: none). */
u64 vlapic_wake_tsc(const struct vlapic *l);

#endif
