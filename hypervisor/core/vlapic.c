/* The x2APIC model (see tess/vlapic.h; register map: SDM vol. 3 table 10-6). */
#include <tess/lib.h>
#include <tess/vlapic.h>

#define REG_ID 0x02
#define REG_VERSION 0x03
#define REG_TPR 0x08
#define REG_PPR 0x0a
#define REG_EOI 0x0b
#define REG_LDR 0x0d
#define REG_SVR 0x0f
#define REG_ISR0 0x10
#define REG_TMR0 0x18
#define REG_IRR0 0x20
#define REG_ESR 0x28
#define REG_LVT_CMCI 0x2f
#define REG_ICR 0x30
#define REG_LVT_TIMER 0x32
#define REG_LVT_ERROR 0x37
#define REG_TMICT 0x38
#define REG_TMCCT 0x39
#define REG_TDCR 0x3e
#define REG_SELF_IPI 0x3f

#define SVR_ENABLE (1u << 8)
#define SVR_WRITABLE 0x11ffu     /* vector, enable, EOI-broadcast suppression */
#define VERSION_VALUE 0x00050014u /* version 0x14, max LVT entry 5 */
#define ICR_RESERVED 0x00000000fff33000ull /* bits 12-13, 16-17, 20-31 */
#define ICR_SHORTHAND(v) (((v) >> 18) & 3)
#define ICR_DELIVERY(v) (((v) >> 8) & 7)

static const u32 lvt_writable[LVT_COUNT] = {
	[LVT_TIMER] = 0x000700ff,   /* vector, mask, mode */
	[LVT_THERMAL] = 0x000107ff, [LVT_PMC] = 0x000107ff,
	[LVT_LINT0] = 0x0001a7ff, [LVT_LINT1] = 0x0001a7ff,
	[LVT_ERROR] = 0x000100ff, [LVT_CMCI] = 0x000107ff,
};

void vlapic_reset(struct vlapic *l, u32 id)
{
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->svr = 0xff;
	for (int i = 0; i < LVT_COUNT; i++)
		l->lvt[i] = LVT_MASKED;
}

static int bits_highest(const u32 *bits)
{
	for (int w = 7; w >= 0; w--) {
		u32 v = __atomic_load_n(&bits[w], __ATOMIC_ACQUIRE);

		if (v)
			return w * 32 + 31 - __builtin_clz(v);
	}
	return -1;
}

static u32 vlapic_ppr(const struct vlapic *l)
{
	int isrv = bits_highest(l->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

void vlapic_set_irr(struct vlapic *l, u8 vector)
{
	if (vector < 16) {
		l->esr |= 1u << 6; /* received illegal vector */
		return;
	}
	__atomic_or_fetch(&l->irr[vector / 32], 1u << (vector % 32), __ATOMIC_RELEASE);
}

int vlapic_pending(const struct vlapic *l)
{
	int v = bits_highest(l->irr);

	if (v < 0 || !(l->svr & SVR_ENABLE))
		return -1;
	return ((u32)v & 0xf0) > (vlapic_ppr(l) & 0xf0) ? v : -1;
}

void vlapic_accept(struct vlapic *l, u8 vector)
{
	__atomic_and_fetch(&l->irr[vector / 32], ~(1u << (vector % 32)), __ATOMIC_ACQ_REL);
	l->isr[vector / 32] |= 1u << (vector % 32);
}

static void vlapic_eoi(struct vlapic *l)
{
	int v = bits_highest(l->isr);

	if (v >= 0)
		l->isr[v / 32] &= ~(1u << (v % 32));
}

static bool vlapic_deadline_mode(const struct vlapic *l)
{
	return ((l->lvt[LVT_TIMER] >> LVT_TIMER_MODE_SHIFT) & 3) == LVT_TIMER_TSC_DEADLINE;
}

bool vlapic_timer_check(struct vlapic *l, u64 now)
{
	if (!vlapic_deadline_mode(l) || !l->tsc_deadline || now < l->tsc_deadline)
		return false;
	l->tsc_deadline = 0; /* the deadline MSR reads 0 once it fired (SDM 10.5.4.1) */
	if (!(l->lvt[LVT_TIMER] & LVT_MASKED))
		vlapic_set_irr(l, l->lvt[LVT_TIMER] & 0xff);
	return true;
}

bool vlapic_extint_enabled(const struct vlapic *l)
{
	u32 lint0 = l->lvt[LVT_LINT0];

	return !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == 7; /* delivery mode ExtINT */
}

u64 vlapic_wake_tsc(const struct vlapic *l)
{
	return l->tsc_deadline;
}

int vlapic_msr_read(const struct vlapic *l, u32 msr, u64 *value)
{
	u32 reg = msr - VLAPIC_MSR_FIRST;

	if (msr == MSR_TSC_DEADLINE) {
		*value = l->tsc_deadline;
		return 0;
	}
	if (msr < VLAPIC_MSR_FIRST || msr > VLAPIC_MSR_LAST)
		return -1;
	if (reg >= REG_ISR0 && reg < REG_ISR0 + 8)
		*value = l->isr[reg - REG_ISR0];
	else if (reg >= REG_TMR0 && reg < REG_TMR0 + 8)
		*value = l->tmr[reg - REG_TMR0];
	else if (reg >= REG_IRR0 && reg < REG_IRR0 + 8)
		*value = __atomic_load_n(&l->irr[reg - REG_IRR0], __ATOMIC_ACQUIRE);
	else if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR)
		*value = l->lvt[LVT_TIMER + (reg - REG_LVT_TIMER)];
	else {
		switch (reg) {
		case REG_ID: *value = l->id; break;
		case REG_VERSION: *value = VERSION_VALUE; break;
		case REG_TPR: *value = l->tpr; break;
		case REG_PPR: *value = vlapic_ppr(l); break;
		case REG_LDR: *value = ((l->id >> 4) << 16) | (1u << (l->id & 0xf)); break;
		case REG_SVR: *value = l->svr; break;
		case REG_ESR: *value = l->esr; break;
		case REG_LVT_CMCI: *value = l->lvt[LVT_CMCI]; break;
		case REG_ICR: *value = l->icr; break;
		case REG_TMICT: *value = l->tmict; break;
		case REG_TMCCT: *value = 0; break; /* counting modes do not run */
		case REG_TDCR: *value = l->tdcr; break;
		default: return -1; /* EOI and SELF IPI are write-only */
		}
	}
	return 0;
}

#define ICR_DM_FIXED 0
#define ICR_DM_LOWEST 1
#define ICR_DM_NMI 4
#define ICR_DM_INIT 5
#define ICR_DM_SIPI 6
#define ICR_LEVEL_ASSERT (1ull << 14)
#define ICR_TRIGGER_LEVEL (1ull << 15)
#define X2APIC_BROADCAST 0xffffffffu

/* The model's delivery mode for an ICR value; -1 for those it drops (SMI). */
static int vlapic_icr_mode(u64 v)
{
	switch (ICR_DELIVERY(v)) {
	case ICR_DM_FIXED:
	case ICR_DM_LOWEST: /* physical destinations only: the named CPU */
		return VLAPIC_IPI_FIXED;
	case ICR_DM_NMI:
		return VLAPIC_IPI_NMI;
	case ICR_DM_INIT:
		/* INIT level de-assert only resynchronises arbitration IDs (10.6.1) */
		if ((v & ICR_TRIGGER_LEVEL) && !(v & ICR_LEVEL_ASSERT))
			return -1;
		return VLAPIC_IPI_INIT;
	case ICR_DM_SIPI:
		return VLAPIC_IPI_SIPI;
	default:
		return -1;
	}
}

/*
 * A write to the ICR. A fixed IPI to itself is delivered here; everything
 * else goes to the caller in *ipi. Shorthands: 1 self, 2 all including
 * self, 3 all excluding self; in x2APIC mode a destination of 0xffffffff
 * is a broadcast (SDM vol. 3 10.12.9).
 */
static int vlapic_write_icr(struct vlapic *l, u64 v, struct vlapic_ipi *ipi)
{
	u32 shorthand = ICR_SHORTHAND(v), dest = (u32)(v >> 32);
	int mode = vlapic_icr_mode(v);
	bool self, others;

	if (v & ICR_RESERVED)
		return -1;
	l->icr = v;
	if (mode < 0)
		return 0;
	self = shorthand == 1 || shorthand == 2 ||
	       (shorthand == 0 && (dest == l->id || dest == X2APIC_BROADCAST));
	others = shorthand == 2 || shorthand == 3 || (shorthand == 0 && dest != l->id);
	if (self && mode == VLAPIC_IPI_FIXED)
		vlapic_set_irr(l, (u8)v);
	if (!others && (!self || mode == VLAPIC_IPI_FIXED))
		return 0;
	ipi->valid = true;
	ipi->mode = (u8)mode;
	ipi->all_but_self = others && (shorthand != 0 || dest == X2APIC_BROADCAST);
	ipi->include_self = self && mode != VLAPIC_IPI_FIXED;
	ipi->dest = others ? dest : l->id;
	ipi->vector = (u8)v;
	return 0;
}

static int vlapic_write_lvt(struct vlapic *l, enum vlapic_lvt i, u64 v)
{
	if (v >> 32)
		return -1;
	l->lvt[i] = (u32)v & lvt_writable[i];
	if (!(l->svr & SVR_ENABLE))
		l->lvt[i] |= LVT_MASKED; /* a disabled APIC keeps every LVT masked */
	return 0;
}

static int vlapic_write_svr(struct vlapic *l, u64 v)
{
	if (v & ~(u64)SVR_WRITABLE)
		return -1;
	l->svr = (u32)v;
	if (!(l->svr & SVR_ENABLE))
		for (int i = 0; i < LVT_COUNT; i++)
			l->lvt[i] |= LVT_MASKED;
	return 0;
}

int vlapic_msr_write(struct vlapic *l, u32 msr, u64 v, struct vlapic_ipi *ipi)
{
	u32 reg = msr - VLAPIC_MSR_FIRST;

	ipi->valid = false;
	if (msr == MSR_TSC_DEADLINE) {
		l->tsc_deadline = v;
		return 0;
	}
	if (msr < VLAPIC_MSR_FIRST || msr > VLAPIC_MSR_LAST)
		return -1;
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR)
		return vlapic_write_lvt(l, LVT_TIMER + (reg - REG_LVT_TIMER), v);
	switch (reg) {
	case REG_TPR: if (v > 0xff) return -1; l->tpr = (u32)v; return 0;
	case REG_EOI: if (v) return -1; vlapic_eoi(l); return 0;
	case REG_SVR: return vlapic_write_svr(l, v);
	case REG_ESR: if (v) return -1; l->esr = 0; return 0;
	case REG_LVT_CMCI: return vlapic_write_lvt(l, LVT_CMCI, v);
	case REG_ICR: return vlapic_write_icr(l, v, ipi);
	case REG_TMICT: if (v >> 32) return -1; l->tmict = (u32)v; return 0;
	case REG_TDCR: if (v & ~0xbull) return -1; l->tdcr = (u32)v; return 0;
	case REG_SELF_IPI: if (v > 0xff) return -1; vlapic_set_irr(l, (u8)v); return 0;
	default: return -1; /* read-only or reserved */
	}
}
