/* Host xAPIC access through its MMIO page (identity mapped). */
#include <tess/lapic.h>
#include <tess/mm.h>
#include <tess/x86.h>

u64 lapic_base(void)
{
	return rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull;
}

u32 lapic_read(u32 reg)
{
	return *(volatile u32 *)phys_to_virt(lapic_base() + reg);
}

void lapic_write(u32 reg, u32 value)
{
	*(volatile u32 *)phys_to_virt(lapic_base() + reg) = value;
}

u32 lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_send_ipi(u32 apic_id, u32 icr_lo)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & ICR_DELIVERY_PENDING); i++)
		cpu_relax();
}
