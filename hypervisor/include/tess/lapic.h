/* The host's local APIC in xAPIC mode (Intel SDM vol. 3 chapter 10). */
#ifndef TESS_LAPIC_H
#define TESS_LAPIC_H

#include <tess/types.h>

#define LAPIC_ID 0x020
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_DM_SHIFT 8
#define ICR_DM_FIXED 0
#define ICR_DM_NMI 4
#define ICR_DM_INIT 5
#define ICR_DM_STARTUP 6
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND_SHIFT 18

u64 lapic_base(void);
u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 value);
u32 lapic_id(void);
/* Send an IPI to one APIC id and wait until the APIC accepted it. */
void lapic_send_ipi(u32 apic_id, u32 icr_lo);

#endif
