/*
 * E820 memory maps: the machine's (from Multiboot2) and the one built for
 * dom0. Types follow the ACPI address range types, which Multiboot2's
 * memory map uses too (ACPI 6.4 section 15.1, Linux boot protocol e820).
 */
#ifndef TESS_E820_H
#define TESS_E820_H

#include <tess/range.h>
#include <tess/types.h>

enum e820_type {
	E820_RAM = 1,
	E820_RESERVED = 2,
	E820_ACPI = 3,
	E820_NVS = 4,
	E820_UNUSABLE = 5,
};

#define E820_MAX 128

struct e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __packed;

struct e820_map {
	unsigned int count;
	struct e820_entry e[E820_MAX];
};

int e820_add(struct e820_map *m, u64 addr, u64 size, u32 type);
/* Sort by address and merge adjacent entries of the same type. */
void e820_normalize(struct e820_map *m);
/* Whole pages of RAM in the map (partial pages at the edges excluded). */
void e820_ram_pages(const struct e820_map *host, struct range_set *out);
/*
 * Dom0's map: the host map with every RAM byte that is not in dom0_ram
 * turned into reserved, so dom0 neither uses it nor places devices there.
 */
int e820_build_dom0(const struct e820_map *host, const struct range_set *dom0_ram,
		    struct e820_map *out);
u64 e820_top(const struct e820_map *m);
const char *e820_type_name(u32 type);

#endif
