/* Host unit tests for the x2APIC model (hypervisor/core/vlapic.c). */
#include <tess/vlapic.h>

#include "tu.h"

#define MSR(reg) (VLAPIC_MSR_FIRST + (reg))
#define ID 0x02
#define VERSION 0x03
#define TPR 0x08
#define PPR 0x0a
#define EOI 0x0b
#define LDR 0x0d
#define SVR 0x0f
#define ISR0 0x10
#define IRR0 0x20
#define ESR 0x28
#define ICR 0x30
#define LVT_T 0x32
#define SELF_IPI 0x3f

static struct vlapic_ipi ipi;

static u64 rd(struct vlapic *l, u32 reg)
{
	u64 v = 0xdead;

	CHECK_EQ(vlapic_msr_read(l, MSR(reg), &v), 0);
	return v;
}

static void wr(struct vlapic *l, u32 reg, u64 v)
{
	CHECK_EQ(vlapic_msr_write(l, MSR(reg), v, &ipi), 0);
}

static void enabled(struct vlapic *l, u32 id)
{
	vlapic_reset(l, id);
	wr(l, SVR, 0x1ff);
}

static void reset_values(void)
{
	struct vlapic l;

	vlapic_reset(&l, 0x23);
	CHECK_EQ(rd(&l, ID), 0x23);
	CHECK_EQ(rd(&l, VERSION) & 0xff, 0x14);
	CHECK_EQ((rd(&l, VERSION) >> 16) & 0xff, 5);
	CHECK_EQ(rd(&l, SVR), 0xff);
	CHECK_EQ(rd(&l, LVT_T), 1u << 16);
	/* x2APIC logical id: cluster (id >> 4) in 31:16, bit (id & 15) below */
	CHECK_EQ(rd(&l, LDR), (2u << 16) | (1u << 3));
}

static void bad_accesses(void)
{
	struct vlapic l;
	u64 v;

	vlapic_reset(&l, 0);
	CHECK_EQ(vlapic_msr_read(&l, MSR(0x01), &v), -1);      /* reserved */
	CHECK_EQ(vlapic_msr_read(&l, MSR(EOI), &v), -1);       /* write-only */
	CHECK_EQ(vlapic_msr_read(&l, MSR(SELF_IPI), &v), -1);
	CHECK_EQ(vlapic_msr_write(&l, MSR(ID), 5, &ipi), -1);  /* read-only */
	CHECK_EQ(vlapic_msr_write(&l, MSR(PPR), 0, &ipi), -1);
	CHECK_EQ(vlapic_msr_write(&l, MSR(EOI), 1, &ipi), -1); /* EOI takes 0 only */
	CHECK_EQ(vlapic_msr_write(&l, MSR(TPR), 0x100, &ipi), -1);
	CHECK_EQ(vlapic_msr_write(&l, MSR(SVR), 0x2000, &ipi), -1);
	CHECK_EQ(vlapic_msr_write(&l, MSR(ICR), 1u << 12, &ipi), -1);
	CHECK_EQ(vlapic_msr_read(&l, 0x900, &v), -1);          /* outside the range */
	CHECK_EQ(vlapic_msr_write(&l, 0x7ff, 0, &ipi), -1);
}

static void disabled_apic_delivers_nothing(void)
{
	struct vlapic l;

	vlapic_reset(&l, 0);
	wr(&l, SELF_IPI, 0x40);
	CHECK_EQ(vlapic_pending(&l), -1);       /* SVR.8 clear */
	wr(&l, SVR, 0x1ff);
	CHECK_EQ(vlapic_pending(&l), 0x40);
	wr(&l, LVT_T, 0x40);                    /* unmasking needs the APIC on */
	CHECK_EQ(rd(&l, LVT_T), 0x40);
	wr(&l, SVR, 0xff);
	CHECK_EQ(rd(&l, LVT_T), 0x40 | (1u << 16)); /* disabling masks every LVT */
}

static void priority_and_eoi(void)
{
	struct vlapic l;

	enabled(&l, 0);
	wr(&l, SELF_IPI, 0x45);
	wr(&l, TPR, 0x50);
	CHECK_EQ(vlapic_pending(&l), -1);       /* class 4 <= TPR class 5 */
	CHECK_EQ(rd(&l, IRR0 + 2) & (1u << 5), 1u << 5); /* 0x45 = word 2, bit 5 */
	wr(&l, TPR, 0);
	CHECK_EQ(vlapic_pending(&l), 0x45);
	vlapic_accept(&l, 0x45);
	CHECK_EQ(rd(&l, ISR0 + 2), 1u << 5);
	CHECK_EQ(rd(&l, PPR), 0x40);
	wr(&l, SELF_IPI, 0x44);                 /* same class as in service: held */
	CHECK_EQ(vlapic_pending(&l), -1);
	wr(&l, SELF_IPI, 0x60);                 /* higher class: preempts */
	CHECK_EQ(vlapic_pending(&l), 0x60);
	vlapic_accept(&l, 0x60);
	wr(&l, EOI, 0);                         /* ends 0x60, the highest */
	CHECK_EQ(rd(&l, ISR0 + 3), 0);
	CHECK_EQ(rd(&l, ISR0 + 2), 1u << 5);
	wr(&l, EOI, 0);
	CHECK_EQ(vlapic_pending(&l), 0x44);
}

static void illegal_vector_sets_esr(void)
{
	struct vlapic l;

	enabled(&l, 0);
	wr(&l, SELF_IPI, 0x05);
	CHECK_EQ(vlapic_pending(&l), -1);
	CHECK(rd(&l, ESR) != 0);
	wr(&l, ESR, 0);
	CHECK_EQ(rd(&l, ESR), 0);
}

static void icr_self_and_others(void)
{
	struct vlapic l;

	enabled(&l, 2);
	wr(&l, ICR, (2ull << 32) | 0x51);       /* fixed, to its own id */
	CHECK(!ipi.valid);
	CHECK_EQ(vlapic_pending(&l), 0x51);
	wr(&l, ICR, (7ull << 32) | 0x52);       /* another vCPU: for the caller */
	CHECK(ipi.valid && !ipi.all_but_self && ipi.dest == 7 && ipi.vector == 0x52);
	wr(&l, ICR, (3u << 18) | 0x53);         /* all but self */
	CHECK(ipi.valid && ipi.all_but_self && ipi.vector == 0x53);
	CHECK_EQ(rd(&l, IRR0 + 2) & (1u << 19), 0);
	wr(&l, ICR, (2u << 18) | 0x54);         /* all including self */
	CHECK(ipi.valid && ipi.all_but_self && !ipi.include_self);
	CHECK_EQ(rd(&l, IRR0 + 2) & (1u << 20), 1u << 20);
	wr(&l, ICR, (0xffffffffull << 32) | 0x55); /* x2APIC broadcast: everyone */
	CHECK(ipi.valid && ipi.all_but_self && ipi.mode == VLAPIC_IPI_FIXED);
	CHECK_EQ(rd(&l, IRR0 + 2) & (1u << 21), 1u << 21);
}

/* INIT, SIPI and NMI go to the caller (even to itself); SMI is dropped. */
static void icr_other_modes(void)
{
	struct vlapic l;

	enabled(&l, 2);
	wr(&l, ICR, (1ull << 32) | (5u << 8) | (1u << 14) | (1u << 15)); /* INIT assert */
	CHECK(ipi.valid && ipi.mode == VLAPIC_IPI_INIT && ipi.dest == 1 && !ipi.all_but_self &&
	      !ipi.include_self);
	wr(&l, ICR, (1ull << 32) | (5u << 8) | (1u << 15));  /* INIT de-assert: nothing */
	CHECK(!ipi.valid);
	wr(&l, ICR, (1ull << 32) | (6u << 8) | 0x9a);        /* SIPI, page 0x9a */
	CHECK(ipi.valid && ipi.mode == VLAPIC_IPI_SIPI && ipi.vector == 0x9a && ipi.dest == 1);
	wr(&l, ICR, (1u << 18) | (4u << 8));                 /* NMI to self */
	CHECK(ipi.valid && ipi.mode == VLAPIC_IPI_NMI && ipi.include_self && !ipi.all_but_self &&
	      ipi.dest == 2);
	wr(&l, ICR, (3u << 18) | (4u << 8));                 /* NMI to all others */
	CHECK(ipi.valid && ipi.mode == VLAPIC_IPI_NMI && ipi.all_but_self && !ipi.include_self);
	wr(&l, ICR, (1ull << 32) | (2u << 8));               /* SMI: dropped */
	CHECK(!ipi.valid);
	CHECK_EQ(vlapic_pending(&l), -1);                    /* none became a fixed vector */
}

static void deadline_timer(void)
{
	struct vlapic l;
	u64 v;

	enabled(&l, 0);
	wr(&l, LVT_T, 0x40 | (2u << 17));       /* TSC-deadline mode, unmasked */
	CHECK_EQ(vlapic_msr_write(&l, MSR_TSC_DEADLINE, 1000, &ipi), 0);
	CHECK_EQ(vlapic_wake_tsc(&l), 1000);
	CHECK(!vlapic_timer_check(&l, 999));
	CHECK_EQ(vlapic_pending(&l), -1);
	CHECK(vlapic_timer_check(&l, 1000));
	CHECK_EQ(vlapic_pending(&l), 0x40);
	CHECK_EQ(vlapic_msr_read(&l, MSR_TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 0);                         /* reads 0 once fired */
	CHECK(!vlapic_timer_check(&l, 5000));   /* fires once */
}

static void deadline_timer_masked_or_other_mode(void)
{
	struct vlapic l;

	enabled(&l, 0);
	wr(&l, LVT_T, 0x40 | (1u << 16) | (2u << 17)); /* masked */
	vlapic_msr_write(&l, MSR_TSC_DEADLINE, 10, &ipi);
	CHECK(vlapic_timer_check(&l, 20));
	CHECK_EQ(vlapic_pending(&l), -1);
	wr(&l, LVT_T, 0x40);                    /* one-shot mode: deadline kept, no fire */
	vlapic_msr_write(&l, MSR_TSC_DEADLINE, 10, &ipi);
	CHECK(!vlapic_timer_check(&l, 20));
	CHECK_EQ(vlapic_wake_tsc(&l), 10);
	CHECK_EQ(vlapic_pending(&l), -1);
}

static const struct tu_case cases[] = {
	TU_CASE(reset_values),
	TU_CASE(bad_accesses),
	TU_CASE(disabled_apic_delivers_nothing),
	TU_CASE(priority_and_eoi),
	TU_CASE(illegal_vector_sets_esr),
	TU_CASE(icr_self_and_others),
	TU_CASE(icr_other_modes),
	TU_CASE(deadline_timer),
	TU_CASE(deadline_timer_masked_or_other_mode),
};

TU_MAIN("vlapic", cases)
