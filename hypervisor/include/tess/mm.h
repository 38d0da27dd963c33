/*
 * Hypervisor memory: the machine's frame allocator and the hypervisor's
 * own identity-mapped page tables. Hypervisor allocations come from the
 * top of RAM below 4 GiB (APs load CR3 in 32-bit code); dom0 takes memory
 * from the bottom; the rest is the pool for child domains.
 */
#ifndef TESS_MM_H
#define TESS_MM_H

#include <tess/frame.h>
#include <tess/mb2.h>
#include <tess/range.h>

extern struct frame_alloc frames;
extern struct range_set host_ram; /* whole pages of RAM in the machine */
extern char _image_start[], _image_end[];

static inline void *phys_to_virt(u64 pa) { return (void *)pa; }
static inline u64 virt_to_phys(const void *va) { return (u64)va; }

void mm_init(const struct boot_info *bi);
/* Zeroed, page-aligned; 0 when memory is exhausted. */
u64 mm_alloc_pages(u64 count, u64 align_pages);
u64 mm_alloc_page(void);
void mm_free_pages(u64 pa, u64 count);
/* Identity-map all of the machine and switch this CPU to the new tables. */
void mm_build_hv_tables(void);
u64 mm_hv_cr3(void);
/* Move GRUB's modules to hypervisor memory so low memory is free for dom0. */
void mm_relocate_modules(struct boot_info *bi);
/* Give back GRUB's boot information and the relocated modules. */
void mm_release_boot_data(struct boot_info *bi);

#endif
