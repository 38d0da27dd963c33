/* Just enough ACPI to find the CPUs (ACPI 6.4 sections 5.2.5-5.2.12). */
#ifndef TESS_ACPI_H
#define TESS_ACPI_H

#include <tess/types.h>

#define ACPI_MAX_CPUS 256

struct acpi_cpus {
	unsigned int count;
	u32 apic_id[ACPI_MAX_CPUS]; /* enabled processors, in MADT order */
};

/* Map len bytes of physical memory at pa for reading; NULL if not allowed. */
typedef const void *(*acpi_map_fn)(u64 pa, u64 len, void *opaque);

/*
 * Walk RSDP -> XSDT (or RSDT) -> MADT and list the enabled local APICs.
 * rsdp is a copy of the RSDP (from Multiboot2). 0 on success, -1 if the
 * tables are missing or fail their checksums.
 */
int acpi_find_cpus(const u8 *rsdp, unsigned int rsdp_len, acpi_map_fn map, void *opaque,
		   struct acpi_cpus *out);
/* Valid RSDP at p (signature and checksums). */
bool acpi_rsdp_valid(const u8 *p, unsigned int len);

#endif
