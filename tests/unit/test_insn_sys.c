/*
 * Unit tests for hypervisor/core/insn.c's decoder of the instructions shadow
 * paging intercepts (MOV CR, CLTS, LMSW, SMSW, INVLPG) and its effective
 * addresses.
 */
#include <tess/insn.h>

#include "tu.h"

#define M64 INSN_MODE_64
#define M32 INSN_MODE_32
#define M16 INSN_MODE_16

static struct insn_sys decode_ok(const u8 *b, unsigned int n, enum insn_mode mode)
{
	struct insn_sys in;

	CHECK_EQ(insn_decode_sys(b, n, mode, &in), 0);
	return in;
}

static void sys_mov_cr(void)
{
	static const u8 to_cr3[] = { 0x0f, 0x22, 0xd8 };          /* mov %rax,%cr3 */
	static const u8 from_cr0[] = { 0x0f, 0x20, 0xc1 };        /* mov %cr0,%rcx */
	static const u8 r15_cr4[] = { 0x41, 0x0f, 0x22, 0xe7 };   /* mov %r15,%cr4 */
	static const u8 cr8_rex[] = { 0x44, 0x0f, 0x20, 0xc0 };   /* mov %cr8,%rax */
	static const u8 cr8_lock[] = { 0xf0, 0x0f, 0x20, 0xc0 };  /* AMD: lock mov %cr0 = %cr8 */
	static const u8 mod0[] = { 0x0f, 0x22, 0x18 };            /* mod bits ignored: %rax,%cr3 */
	struct insn_sys in;

	in = decode_ok(to_cr3, sizeof(to_cr3), M64);
	CHECK_EQ(in.op, INSN_MOV_TO_CR);
	CHECK_EQ(in.cr, 3);
	CHECK_EQ(in.reg, 0);
	CHECK_EQ(in.size, 8);
	CHECK_EQ(in.len, 3);
	in = decode_ok(from_cr0, sizeof(from_cr0), M32);
	CHECK_EQ(in.op, INSN_MOV_FROM_CR);
	CHECK_EQ(in.cr, 0);
	CHECK_EQ(in.reg, 1);
	CHECK_EQ(in.size, 4);
	in = decode_ok(r15_cr4, sizeof(r15_cr4), M64);
	CHECK_EQ(in.cr, 4);
	CHECK_EQ(in.reg, 15);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(decode_ok(cr8_rex, sizeof(cr8_rex), M64).cr, 8);
	CHECK_EQ(decode_ok(cr8_lock, sizeof(cr8_lock), M32).cr, 8);
	in = decode_ok(mod0, sizeof(mod0), M64);
	CHECK_EQ(in.cr, 3);
	CHECK(!in.has_mem);
}

static void sys_clts_lmsw_smsw(void)
{
	static const u8 clts[] = { 0x0f, 0x06 };
	static const u8 lmsw_ax[] = { 0x0f, 0x01, 0xf0 };
	static const u8 smsw_eax[] = { 0x0f, 0x01, 0xe0 };
	static const u8 smsw_mem[] = { 0x0f, 0x01, 0x20 };        /* smsw (%rax) */
	struct insn_sys in;

	in = decode_ok(clts, sizeof(clts), M64);
	CHECK_EQ(in.op, INSN_CLTS);
	CHECK_EQ(in.len, 2);
	in = decode_ok(lmsw_ax, sizeof(lmsw_ax), M16);
	CHECK_EQ(in.op, INSN_LMSW);
	CHECK_EQ(in.reg, 0);
	CHECK(!in.has_mem);
	in = decode_ok(smsw_eax, sizeof(smsw_eax), M32);
	CHECK_EQ(in.op, INSN_SMSW);
	CHECK_EQ(in.size, 4);
	in = decode_ok(smsw_mem, sizeof(smsw_mem), M64);
	CHECK(in.has_mem);
	CHECK_EQ(in.size, 2);
}

static void sys_invlpg_addresses(void)
{
	static const u8 rax[] = { 0x0f, 0x01, 0x38 };                     /* invlpg (%rax) */
	static const u8 rsp8[] = { 0x0f, 0x01, 0x7c, 0x24, 0x08 };        /* invlpg 8(%rsp) */
	static const u8 rip[] = { 0x0f, 0x01, 0x3d, 0x10, 0, 0, 0 };      /* invlpg 0x10(%rip) */
	static const u8 fs[] = { 0x64, 0x0f, 0x01, 0x38 };                /* invlpg %fs:(%rax) */
	static const u8 idx[] = { 0x42, 0x0f, 0x01, 0x7c, 0x8b, 0xf8 };   /* -8(%rbx,%r9,4) */
	static const u8 a32[] = { 0x67, 0x0f, 0x01, 0x38 };               /* invlpg (%eax) */
	static const u8 bx16[] = { 0x0f, 0x01, 0x3f };                    /* invlpg [bx] */
	u64 gpr[16] = { 0 };
	struct insn_sys in;

	gpr[0] = 0xffff888000123456ull;
	gpr[3] = 0x1000;
	gpr[4] = 0x7ffc0000;
	gpr[9] = 0x10;
	in = decode_ok(rax, sizeof(rax), M64);
	CHECK_EQ(in.op, INSN_INVLPG);
	CHECK(in.has_mem);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(insn_mem_address(&in.mem, gpr, 0), gpr[0]);
	in = decode_ok(rsp8, sizeof(rsp8), M64);
	CHECK_EQ(in.len, 5);
	CHECK_EQ(insn_mem_address(&in.mem, gpr, 0), 0x7ffc0008);
	in = decode_ok(rip, sizeof(rip), M64);
	CHECK(in.mem.rip_relative);
	CHECK_EQ(insn_mem_address(&in.mem, gpr, 0x400007), 0x400017);
	CHECK_EQ(decode_ok(fs, sizeof(fs), M64).mem.seg, 0x64);
	in = decode_ok(idx, sizeof(idx), M64);
	CHECK_EQ(in.len, 6);
	CHECK_EQ(insn_mem_address(&in.mem, gpr, 0), 0x1000 + 0x40 - 8);
	in = decode_ok(a32, sizeof(a32), M64);
	CHECK_EQ(insn_mem_address(&in.mem, gpr, 0), 0x00123456);
	in = decode_ok(bx16, sizeof(bx16), M16);
	CHECK_EQ(insn_mem_address(&in.mem, gpr, 0), 0x1000);
}

static void sys_rejects(void)
{
	static const u8 swapgs[] = { 0x0f, 0x01, 0xf8 };     /* 0F 01 /7 with mod 3 */
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 };
	static const u8 mov_dr[] = { 0x0f, 0x23, 0xc0 };
	static const u8 short_mov[] = { 0x0f, 0x22 };
	static const u8 short_sib[] = { 0x0f, 0x01, 0x7c, 0x24 };
	static const u8 nop[] = { 0x90 };
	struct insn_sys in;

	CHECK_EQ(insn_decode_sys(swapgs, sizeof(swapgs), M64, &in), -1);
	CHECK_EQ(insn_decode_sys(vmmcall, sizeof(vmmcall), M64, &in), -1);
	CHECK_EQ(insn_decode_sys(mov_dr, sizeof(mov_dr), M64, &in), -1);
	CHECK_EQ(insn_decode_sys(short_mov, sizeof(short_mov), M64, &in), -1);
	CHECK_EQ(insn_decode_sys(short_sib, sizeof(short_sib), M64, &in), -1);
	CHECK_EQ(insn_decode_sys(nop, sizeof(nop), M64, &in), -1);
	CHECK_EQ(insn_decode_sys(nop, 0, M64, &in), -1);
}

static const struct tu_case cases[] = {
	TU_CASE(sys_mov_cr),
	TU_CASE(sys_clts_lmsw_smsw),
	TU_CASE(sys_invlpg_addresses),
	TU_CASE(sys_rejects),
};

TU_MAIN("insn_sys", cases)
