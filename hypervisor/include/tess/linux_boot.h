/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst and
 * zero-page.rst): checking a bzImage's setup header and building the
 * boot_params ("zero page") for the 64-bit entry point.
 */
#ifndef TESS_LINUX_BOOT_H
#define TESS_LINUX_BOOT_H

#include <tess/e820.h>
#include <tess/types.h>

#define LINUX_BP_ACPI_RSDP 0x070
#define LINUX_BP_EXT_RAMDISK_IMAGE 0x0c0
#define LINUX_BP_EXT_RAMDISK_SIZE 0x0c4
#define LINUX_BP_EXT_CMD_LINE_PTR 0x0c8
#define LINUX_BP_E820_ENTRIES 0x1e8
#define LINUX_HDR_START 0x1f1
#define LINUX_HDR_SETUP_SECTS 0x1f1
#define LINUX_HDR_BOOT_FLAG 0x1fe
#define LINUX_HDR_JUMP 0x200
#define LINUX_HDR_MAGIC 0x202
#define LINUX_HDR_VERSION 0x206
#define LINUX_HDR_TYPE_OF_LOADER 0x210
#define LINUX_HDR_LOADFLAGS 0x211
#define LINUX_HDR_CODE32_START 0x214
#define LINUX_HDR_RAMDISK_IMAGE 0x218
#define LINUX_HDR_RAMDISK_SIZE 0x21c
#define LINUX_HDR_CMD_LINE_PTR 0x228
#define LINUX_HDR_INITRD_ADDR_MAX 0x22c
#define LINUX_HDR_KERNEL_ALIGNMENT 0x230
#define LINUX_HDR_RELOCATABLE 0x234
#define LINUX_HDR_XLOADFLAGS 0x236
#define LINUX_HDR_CMDLINE_SIZE 0x238
#define LINUX_HDR_PREF_ADDRESS 0x258
#define LINUX_HDR_INIT_SIZE 0x260
#define LINUX_BP_E820_TABLE 0x2d0
#define LINUX_BP_E820_MAX 128
#define LINUX_BP_SIZE 4096

#define LINUX_XLF_KERNEL_64 (1u << 0)
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define LINUX_LOADED_HIGH (1u << 0)
#define LINUX_MIN_VERSION 0x020c /* 2.12: xloadflags and the 64-bit entry */

struct linux_image {
	u32 version;
	u64 pm_offset;      /* file offset of the protected-mode kernel */
	u64 pm_size;        /* its size in the file */
	u64 init_size;      /* memory the kernel needs from its load address */
	u64 alignment;      /* kernel_alignment */
	u64 pref_address;
	u32 initrd_addr_max;
	u32 cmdline_size;   /* without the terminating NUL */
	bool above_4g;      /* initrd and cmdline may live above 4 GiB */
};

/* Check and describe a bzImage. 0, or -1 with *err set. */
int linux_parse_image(const u8 *img, u64 size, struct linux_image *li, const char **err);

struct linux_boot_args {
	u64 cmdline_pa;
	u64 initrd_pa, initrd_size;
	u64 rsdp_pa;        /* 0: let the kernel search for it */
	const struct e820_map *e820;
};

/* Fill the 4 KiB zero page bp from the image's setup header and args. */
int linux_build_boot_params(u8 *bp, const u8 *img, const struct linux_image *li,
			    const struct linux_boot_args *args);

#endif
