/*
 * Multiboot2 boot information (Multiboot2 specification 1.0, section 3.6).
 * The parser copies what the hypervisor needs out of GRUB's structure so
 * GRUB's memory can be reused afterwards.
 */
#ifndef TESS_MB2_H
#define TESS_MB2_H

#include <tess/e820.h>
#include <tess/types.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULES_MAX 8
#define BOOT_RSDP_MAX 64

struct boot_module {
	u64 start;
	u64 end; /* exclusive */
	char cmdline[BOOT_CMDLINE_MAX];
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	struct e820_map mmap;
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned int rsdp_len; /* 0: no ACPI tag */
	u8 rsdp[BOOT_RSDP_MAX];
	u64 mbi_start, mbi_end;
};

/*
 * Parse the information structure at mbi (total size read from its
 * header, never beyond max_len bytes). Returns 0, or a negative value with
 * *err set to a static message.
 */
int mb2_parse(const void *mbi, u64 mbi_pa, u64 max_len, struct boot_info *bi,
	      const char **err);

#endif
