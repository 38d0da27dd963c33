/*
 * CPUs: the hypervisor starts every CPU at boot and parks the APs. Dom0
 * starts its vCPUs the Linux way; its INIT/SIPI IPIs are caught (the LAPIC
 * page is write-protected until all its vCPUs run) and the parked CPU is
 * started in real mode at the SIPI vector (DESIGN D4).
 */
#ifndef TESS_SMP_H
#define TESS_SMP_H

#include <tess/acpi.h>
#include <tess/types.h>

struct vcpu;

/* Start every enabled CPU listed in the MADT and park it. */
void smp_boot_aps(const struct acpi_cpus *cpus);
/* Park the calling AP until it is asked to run a dom0 vCPU. */
__noreturn void smp_park(void);
/* Dom0 wrote its ICR (xAPIC page or x2APIC MSR): emulate INIT/SIPI, forward the rest. */
void dom0_icr_write(struct vcpu *v, u32 lo, u32 dest, bool x2apic);
/* Dom0 wrote its write-protected LAPIC page: decode, emulate, step over. */
void dom0_lapic_write(struct vcpu *v, u64 gpa);
bool dom0_lapic_protected(u64 gpa);
/* Protect dom0's LAPIC page while it brings up its vCPUs. */
void dom0_smp_init(void);

#endif
