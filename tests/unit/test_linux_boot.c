/* Unit tests for hypervisor/core/linux_boot.c (bzImage header, zero page). */
#include <tess/lib.h>
#include <tess/linux_boot.h>

#include "tu.h"

#ifndef TU_VMLINUZ
#define TU_VMLINUZ "cache/linux/vmlinuz"
#endif

#define IMG_SIZE 0x3000u

static u8 *img;
static struct linux_image li;

static void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

/* A synthetic bzImage (exact-size heap block): protocol 2.15, 64-bit. */
static void make_image(void)
{
	free(img);
	img = malloc(IMG_SIZE);
	for (unsigned int i = 0; i < IMG_SIZE; i++)
		img[i] = (u8)(i * 7 + 3);
	memset(img + 0x1f1, 0, 0x268 - 0x1f1);
	img[LINUX_HDR_SETUP_SECTS] = 3;
	put16(img + LINUX_HDR_BOOT_FLAG, 0xaa55);
	img[LINUX_HDR_JUMP] = 0xeb;
	img[LINUX_HDR_JUMP + 1] = 0x66; /* header ends at 0x268 */
	memcpy(img + LINUX_HDR_MAGIC, "HdrS", 4);
	put16(img + LINUX_HDR_VERSION, 0x020f);
	img[LINUX_HDR_LOADFLAGS] = 0x80; /* CAN_USE_HEAP */
	put32(img + LINUX_HDR_CODE32_START, 0x100000);
	put32(img + LINUX_HDR_INITRD_ADDR_MAX, 0x7fffffff);
	put32(img + LINUX_HDR_KERNEL_ALIGNMENT, 0x200000);
	img[LINUX_HDR_RELOCATABLE] = 1;
	put16(img + LINUX_HDR_XLOADFLAGS, LINUX_XLF_KERNEL_64 | LINUX_XLF_CAN_BE_LOADED_ABOVE_4G);
	put32(img + LINUX_HDR_CMDLINE_SIZE, 2047);
	put64(img + LINUX_HDR_PREF_ADDRESS, 0x1000000);
	put32(img + LINUX_HDR_INIT_SIZE, 0x2000000);
}

#define CHECK_PARSE_FAILS(size)                                          \
	do {                                                             \
		const char *err_ = NULL;                                 \
		CHECK_EQ(linux_parse_image(img, (size), &li, &err_), -1); \
		CHECK(err_ != NULL && *err_);                            \
	} while (0)

static void lb_parse_good(void)
{
	const char *err = NULL;

	make_image();
	CHECK_EQ(linux_parse_image(img, IMG_SIZE, &li, &err), 0);
	CHECK_EQ(li.version, 0x020f);
	CHECK_EQ(li.pm_offset, 0x800);
	CHECK_EQ(li.pm_size, IMG_SIZE - 0x800);
	CHECK_EQ(li.init_size, 0x2000000);
	CHECK_EQ(li.alignment, 0x200000);
	CHECK_EQ(li.pref_address, 0x1000000);
	CHECK_EQ(li.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(li.cmdline_size, 2047);
	CHECK(li.above_4g);
}

static void lb_parse_derived_fields(void)
{
	const char *err;

	make_image();
	img[LINUX_HDR_SETUP_SECTS] = 0; /* 0 means 4 */
	put32(img + LINUX_HDR_INIT_SIZE, 0x100); /* smaller than the file part */
	put16(img + LINUX_HDR_XLOADFLAGS, LINUX_XLF_KERNEL_64);
	CHECK_EQ(linux_parse_image(img, IMG_SIZE, &li, &err), 0);
	CHECK_EQ(li.pm_offset, 0xa00);
	CHECK_EQ(li.pm_size, IMG_SIZE - 0xa00);
	CHECK_EQ(li.init_size, IMG_SIZE - 0xa00);
	CHECK(!li.above_4g);

	static const struct { u32 in; u64 out; } al[] = {
		{ 0, MB(2) }, { 0x1000, MB(2) }, { 0x300000, MB(2) },
		{ MB(16), MB(16) }, { MB(2), MB(2) }, { 0x80000000, 0x80000000 },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(al); i++) {
		put32(img + LINUX_HDR_KERNEL_ALIGNMENT, al[i].in);
		CHECK_EQ(linux_parse_image(img, IMG_SIZE, &li, &err), 0);
		CHECK_EQ(li.alignment, al[i].out);
	}
}

static void lb_parse_rejects(void)
{
	make_image();
	CHECK_PARSE_FAILS(0xfff); /* too small */
	CHECK_PARSE_FAILS(0);

	make_image();
	memcpy(img + LINUX_HDR_MAGIC, "HdrZ", 4);
	CHECK_PARSE_FAILS(IMG_SIZE);

	make_image();
	put16(img + LINUX_HDR_BOOT_FLAG, 0x55aa);
	CHECK_PARSE_FAILS(IMG_SIZE);

	make_image();
	put16(img + LINUX_HDR_VERSION, 0x020b);
	CHECK_PARSE_FAILS(IMG_SIZE);
	put16(img + LINUX_HDR_VERSION, 0x0100);
	CHECK_PARSE_FAILS(IMG_SIZE);

	make_image();
	put16(img + LINUX_HDR_XLOADFLAGS, LINUX_XLF_CAN_BE_LOADED_ABOVE_4G);
	CHECK_PARSE_FAILS(IMG_SIZE);

	make_image();
	img[LINUX_HDR_RELOCATABLE] = 0;
	CHECK_PARSE_FAILS(IMG_SIZE);

	make_image();
	img[LINUX_HDR_JUMP + 1] = 0xff; /* header would end at 0x301 */
	CHECK_PARSE_FAILS(IMG_SIZE);

	make_image();
	img[LINUX_HDR_SETUP_SECTS] = 23; /* (23+1)*512 == size: no kernel */
	CHECK_PARSE_FAILS(IMG_SIZE);
	img[LINUX_HDR_SETUP_SECTS] = 255;
	CHECK_PARSE_FAILS(IMG_SIZE);
}

static void lb_parse_min_version(void)
{
	const char *err;

	make_image();
	put16(img + LINUX_HDR_VERSION, LINUX_MIN_VERSION);
	CHECK_EQ(linux_parse_image(img, IMG_SIZE, &li, &err), 0);
	CHECK_EQ(li.version, 0x020c);
}

static void add(struct e820_map *m, u64 a, u64 s, u32 t)
{
	m->e[m->count].addr = a;
	m->e[m->count].size = s;
	m->e[m->count].type = t;
	m->count++;
}

static void lb_boot_params(void)
{
	static struct e820_map m;
	const char *err;
	u8 *bp = malloc(LINUX_BP_SIZE);
	struct linux_boot_args a = {
		.cmdline_pa = 0x123456000ull,
		.initrd_pa = 0x200000000ull,
		.initrd_size = 0x100001000ull,
		.rsdp_pa = 0xf5a40,
		.e820 = &m,
	};

	make_image();
	REQUIRE(linux_parse_image(img, IMG_SIZE, &li, &err) == 0);
	m.count = 0;
	add(&m, 0, 0x9f000, E820_RAM);
	add(&m, 0x9f000, 0x61000, E820_RESERVED);
	add(&m, 0x100000, 0x7ff00000, E820_RAM);
	memset(bp, 0xcc, LINUX_BP_SIZE);
	CHECK_EQ(linux_build_boot_params(bp, img, &li, &a), 0);

	/* Setup header copied, except the fields the loader fills in. */
	CHECK(!memcmp(bp + LINUX_HDR_START, img + LINUX_HDR_START,
		      LINUX_HDR_TYPE_OF_LOADER - LINUX_HDR_START));
	CHECK(!memcmp(bp + LINUX_HDR_CODE32_START, img + LINUX_HDR_CODE32_START, 4));
	CHECK(!memcmp(bp + LINUX_HDR_INITRD_ADDR_MAX, img + LINUX_HDR_INITRD_ADDR_MAX,
		      0x268 - LINUX_HDR_INITRD_ADDR_MAX));
	CHECK(!memcmp(bp + 0x202, "HdrS", 4));
	CHECK_EQ(bp[LINUX_HDR_TYPE_OF_LOADER], 0xff);
	CHECK_EQ(bp[LINUX_HDR_LOADFLAGS], 0x81);
	CHECK_EQ(get32(bp + LINUX_HDR_CMD_LINE_PTR), 0x23456000);
	CHECK_EQ(get32(bp + LINUX_BP_EXT_CMD_LINE_PTR), 0x1);
	CHECK_EQ(get32(bp + LINUX_HDR_RAMDISK_IMAGE), 0);
	CHECK_EQ(get32(bp + LINUX_BP_EXT_RAMDISK_IMAGE), 0x2);
	CHECK_EQ(get32(bp + LINUX_HDR_RAMDISK_SIZE), 0x1000);
	CHECK_EQ(get32(bp + LINUX_BP_EXT_RAMDISK_SIZE), 0x1);
	CHECK_EQ(get64(bp + LINUX_BP_ACPI_RSDP), 0xf5a40);
	CHECK_EQ(bp[LINUX_BP_E820_ENTRIES], 3);
	for (unsigned int i = 0; i < 3; i++) {
		const u8 *e = bp + LINUX_BP_E820_TABLE + 20 * i;

		CHECK_EQ(get64(e), m.e[i].addr);
		CHECK_EQ(get64(e + 8), m.e[i].size);
		CHECK_EQ(get32(e + 16), m.e[i].type);
	}
	/* Everything else is zero: before the header, after it, after e820. */
	for (unsigned int i = 0; i < LINUX_BP_SIZE; i++) {
		bool hdr = i >= LINUX_HDR_START && i < 0x268;
		bool ext = (i >= LINUX_BP_ACPI_RSDP && i < LINUX_BP_ACPI_RSDP + 8) ||
			   (i >= LINUX_BP_EXT_RAMDISK_IMAGE && i < LINUX_BP_EXT_CMD_LINE_PTR + 4) ||
			   i == LINUX_BP_E820_ENTRIES;
		bool e820 = i >= LINUX_BP_E820_TABLE && i < LINUX_BP_E820_TABLE + 60;

		if (!hdr && !ext && !e820 && bp[i]) {
			tu_fail(__FILE__, __LINE__, "zero page byte 0x%x is 0x%02x", i, bp[i]);
			break;
		}
	}
	free(bp);
}

static void lb_boot_params_old_protocol(void)
{
	static struct e820_map m;
	const char *err;
	u8 *bp = malloc(LINUX_BP_SIZE);
	struct linux_boot_args a = { .cmdline_pa = 0x20000, .rsdp_pa = 0xf5a40, .e820 = &m };

	make_image();
	put16(img + LINUX_HDR_VERSION, 0x020d); /* 2.13: no acpi_rsdp_addr */
	REQUIRE(linux_parse_image(img, IMG_SIZE, &li, &err) == 0);
	m.count = 0;
	add(&m, 0, 0x9f000, E820_RAM);
	memset(bp, 0xcc, LINUX_BP_SIZE);
	CHECK_EQ(linux_build_boot_params(bp, img, &li, &a), 0);
	CHECK_EQ(get64(bp + LINUX_BP_ACPI_RSDP), 0);
	CHECK_EQ(get32(bp + LINUX_HDR_CMD_LINE_PTR), 0x20000);
	CHECK_EQ(get32(bp + LINUX_BP_EXT_CMD_LINE_PTR), 0);
	CHECK_EQ(get32(bp + LINUX_HDR_RAMDISK_SIZE), 0);
	CHECK_EQ(bp[LINUX_BP_E820_ENTRIES], 1);

	/* 2.14 exactly has the field. */
	put16(img + LINUX_HDR_VERSION, 0x020e);
	REQUIRE(linux_parse_image(img, IMG_SIZE, &li, &err) == 0);
	CHECK_EQ(linux_build_boot_params(bp, img, &li, &a), 0);
	CHECK_EQ(get64(bp + LINUX_BP_ACPI_RSDP), 0xf5a40);
	free(bp);
}

static void lb_boot_params_e820_limits(void)
{
	static struct e820_map m;
	const char *err;
	u8 *bp = malloc(LINUX_BP_SIZE);
	struct linux_boot_args a = { .e820 = &m };

	make_image();
	REQUIRE(linux_parse_image(img, IMG_SIZE, &li, &err) == 0);
	m.count = 0;
	for (unsigned int i = 0; i < LINUX_BP_E820_MAX; i++)
		add(&m, (u64)i << 30, 1ull << 29, i % 2 ? E820_RAM : E820_RESERVED);
	CHECK_EQ(linux_build_boot_params(bp, img, &li, &a), 0);
	CHECK_EQ(bp[LINUX_BP_E820_ENTRIES], LINUX_BP_E820_MAX);
	CHECK_EQ(get64(bp + LINUX_BP_E820_TABLE + 20 * 127), 127ull << 30);
	CHECK_EQ(get32(bp + LINUX_BP_E820_TABLE + 20 * 127 + 16), E820_RAM);

	m.count = 0;
	CHECK_EQ(linux_build_boot_params(bp, img, &li, &a), 0);
	CHECK_EQ(bp[LINUX_BP_E820_ENTRIES], 0);

	/* More entries than the zero page holds (E820_MAX allows no more,
	 * so fake the count). */
	m.count = LINUX_BP_E820_MAX + 1;
	CHECK_EQ(linux_build_boot_params(bp, img, &li, &a), -1);
	free(bp);
}

static const char *vmlinuz_path(void)
{
	const char *p = getenv("TU_VMLINUZ");

	return p && *p ? p : TU_VMLINUZ;
}

/* The real Debian kernel the system tests boot as dom0. */
static void lb_real_vmlinuz(void)
{
	static struct e820_map m;
	FILE *f = fopen(vmlinuz_path(), "rb");
	const char *err = NULL;
	u8 *buf, *bp;
	long size;

	REQUIRE(f != NULL);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	REQUIRE(size > 0x1000);
	buf = malloc(size);
	REQUIRE(fread(buf, 1, size, f) == (size_t)size);
	fclose(f);
	CHECK_EQ(linux_parse_image(buf, size, &li, &err), 0);
	if (err)
		fprintf(stderr, "  linux_parse_image: %s\n", err);
	CHECK(li.version >= 0x020c);
	CHECK(li.pm_offset < (u64)size);
	CHECK(li.init_size >= li.pm_size);
	CHECK(li.alignment >= MB(2) && !(li.alignment & (li.alignment - 1)));
	CHECK(li.cmdline_size >= 255);
	bp = malloc(LINUX_BP_SIZE);
	m.count = 0;
	add(&m, 0, 0x9f000, E820_RAM);
	struct linux_boot_args a = { .cmdline_pa = 0x10000, .e820 = &m };
	CHECK_EQ(linux_build_boot_params(bp, buf, &li, &a), 0);
	CHECK(!memcmp(bp + LINUX_HDR_MAGIC, "HdrS", 4));
	CHECK_EQ(bp[LINUX_HDR_TYPE_OF_LOADER], 0xff);
	free(bp);
	free(buf);
}

static const struct tu_case cases[] = {
	TU_CASE(lb_parse_good),
	TU_CASE(lb_parse_derived_fields),
	TU_CASE(lb_parse_rejects),
	TU_CASE(lb_parse_min_version),
	TU_CASE(lb_boot_params),
	TU_CASE(lb_boot_params_old_protocol),
	TU_CASE(lb_boot_params_e820_limits),
	TU_CASE(lb_real_vmlinuz), /* must stay last: dropped when absent */
};

int main(void)
{
	size_t n = ARRAY_SIZE(cases);

	if (access(vmlinuz_path(), R_OK)) {
		n--;
		tu_skip("linux_boot", "lb_real_vmlinuz", "no kernel image (not counted)");
	}
	return tu_main("linux_boot", cases, n);
}
