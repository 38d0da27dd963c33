/* Linux boot protocol helpers (see tess/linux_boot.h). */
#include <tess/lib.h>
#include <tess/linux_boot.h>

static u16 rd16(const u8 *p, u64 off) { return (u16)(p[off] | p[off + 1] << 8); }
static u32 rd32(const u8 *p, u64 off) { return rd16(p, off) | (u32)rd16(p, off + 2) << 16; }
static u64 rd64(const u8 *p, u64 off) { return rd32(p, off) | (u64)rd32(p, off + 4) << 32; }
static void wr32(u8 *p, u64 off, u32 v) { memcpy(p + off, &v, 4); }
static void wr64(u8 *p, u64 off, u64 v) { memcpy(p + off, &v, 8); }

static u64 linux_header_end(const u8 *img)
{
	/* The setup header runs from 0x1f1 to the target of the jump at 0x200. */
	return LINUX_HDR_JUMP + 2 + img[LINUX_HDR_JUMP + 1];
}

int linux_parse_image(const u8 *img, u64 size, struct linux_image *li, const char **err)
{
	u32 setup_sects;

	memset(li, 0, sizeof(*li));
	if (size < 0x1000 || rd16(img, LINUX_HDR_BOOT_FLAG) != 0xaa55 ||
	    memcmp(img + LINUX_HDR_MAGIC, "HdrS", 4)) {
		*err = "not a bzImage (no 'HdrS' setup header)";
		return -1;
	}
	li->version = rd16(img, LINUX_HDR_VERSION);
	if (li->version < LINUX_MIN_VERSION) {
		*err = "boot protocol older than 2.12 (no 64-bit entry)";
		return -1;
	}
	if (!(rd16(img, LINUX_HDR_XLOADFLAGS) & LINUX_XLF_KERNEL_64)) {
		*err = "kernel has no 64-bit entry point";
		return -1;
	}
	if (!img[LINUX_HDR_RELOCATABLE]) {
		*err = "kernel is not relocatable";
		return -1;
	}
	if (linux_header_end(img) > LINUX_BP_E820_TABLE) {
		*err = "setup header too long";
		return -1;
	}
	setup_sects = img[LINUX_HDR_SETUP_SECTS] ? img[LINUX_HDR_SETUP_SECTS] : 4;
	li->pm_offset = (u64)(setup_sects + 1) * 512;
	if (li->pm_offset >= size) {
		*err = "truncated kernel image";
		return -1;
	}
	li->pm_size = size - li->pm_offset;
	li->init_size = MAX((u64)rd32(img, LINUX_HDR_INIT_SIZE), li->pm_size);
	li->alignment = rd32(img, LINUX_HDR_KERNEL_ALIGNMENT);
	if (li->alignment < MB(2) || (li->alignment & (li->alignment - 1)))
		li->alignment = MB(2);
	li->pref_address = rd64(img, LINUX_HDR_PREF_ADDRESS);
	li->initrd_addr_max = rd32(img, LINUX_HDR_INITRD_ADDR_MAX);
	li->cmdline_size = rd32(img, LINUX_HDR_CMDLINE_SIZE);
	li->above_4g = rd16(img, LINUX_HDR_XLOADFLAGS) & LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
	return 0;
}

int linux_build_boot_params(u8 *bp, const u8 *img, const struct linux_image *li,
			    const struct linux_boot_args *a)
{
	const struct e820_map *m = a->e820;

	if (m->count > LINUX_BP_E820_MAX)
		return -1;
	memset(bp, 0, LINUX_BP_SIZE);
	memcpy(bp + LINUX_HDR_START, img + LINUX_HDR_START,
	       linux_header_end(img) - LINUX_HDR_START);
	bp[LINUX_HDR_TYPE_OF_LOADER] = 0xff; /* undefined loader id */
	bp[LINUX_HDR_LOADFLAGS] |= LINUX_LOADED_HIGH;
	wr32(bp, LINUX_HDR_CMD_LINE_PTR, (u32)a->cmdline_pa);
	wr32(bp, LINUX_BP_EXT_CMD_LINE_PTR, (u32)(a->cmdline_pa >> 32));
	wr32(bp, LINUX_HDR_RAMDISK_IMAGE, (u32)a->initrd_pa);
	wr32(bp, LINUX_BP_EXT_RAMDISK_IMAGE, (u32)(a->initrd_pa >> 32));
	wr32(bp, LINUX_HDR_RAMDISK_SIZE, (u32)a->initrd_size);
	wr32(bp, LINUX_BP_EXT_RAMDISK_SIZE, (u32)(a->initrd_size >> 32));
	if (li->version >= 0x020e) /* acpi_rsdp_addr exists from 2.14 */
		wr64(bp, LINUX_BP_ACPI_RSDP, a->rsdp_pa);
	bp[LINUX_BP_E820_ENTRIES] = (u8)m->count;
	for (unsigned int i = 0; i < m->count; i++)
		memcpy(bp + LINUX_BP_E820_TABLE + 20 * i, &m->e[i], 20);
	return 0;
}
