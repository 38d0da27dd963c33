/*
 * Decoder for the instructions the hypervisor emulates (AMD APM vol. 3 /
 * Intel SDM vol. 2). TCG's SVM has no decode assists, so the hypervisor
 * finds lengths and operands itself:
 *  - the MOVs a guest uses to access MMIO (88, 89, 8A, 8B, C6 /0, C7 /0,
 *    A0-A3); their address comes with the nested page fault;
 *  - the control-register instructions and INVLPG that shadow paging
 *    intercepts, whose memory operand (INVLPG) is computed here.
 */
#ifndef TESS_INSN_H
#define TESS_INSN_H

#include <tess/types.h>

#define INSN_MAX_LEN 15

enum insn_mode {
	INSN_MODE_16 = 16, /* real mode or 16-bit protected mode code */
	INSN_MODE_32 = 32, /* 32-bit protected mode or compatibility mode */
	INSN_MODE_64 = 64, /* 64-bit mode */
};

struct insn_mov {
	u8 len;          /* whole instruction, prefixes included */
	bool is_write;   /* memory is the destination */
	u8 size;         /* operand size in bytes: 1, 2, 4 or 8 */
	bool has_imm;    /* source is imm (stores only) */
	u64 imm;         /* already sign-extended to size */
	u8 reg;          /* register operand 0-15 (RAX..R15) */
	bool high_byte;  /* reg 4-7 mean AH, CH, DH, BH (byte op, no REX) */
};

/* 0 on success; -1 if the bytes are not a MOV to or from memory. */
int insn_decode_mov(const u8 *bytes, unsigned int avail, enum insn_mode mode,
		    struct insn_mov *out);

/* A memory operand: disp + base + index * scale (+ next RIP), in addr_size bytes. */
struct insn_mem {
	s8 base, index;  /* register numbers 0-15, -1 for none */
	u8 scale;        /* 1, 2, 4 or 8 */
	u8 addr_size;    /* 2, 4 or 8 */
	bool rip_relative;
	u8 seg;          /* segment override prefix byte (0x64 = FS, ...), 0 for none */
	u64 disp;        /* sign-extended */
};

/* The effective address (offset in its segment) of m. */
u64 insn_mem_address(const struct insn_mem *m, const u64 *gpr, u64 next_rip);

/* The instructions shadow paging intercepts (docs/shadow-paging.md). */
enum insn_sys_op {
	INSN_MOV_TO_CR,   /* 0F 22 /r */
	INSN_MOV_FROM_CR, /* 0F 20 /r */
	INSN_CLTS,        /* 0F 06 */
	INSN_LMSW,        /* 0F 01 /6 */
	INSN_SMSW,        /* 0F 01 /4 */
	INSN_INVLPG,      /* 0F 01 /7, memory operand only */
};

struct insn_sys {
	enum insn_sys_op op;
	u8 len;
	u8 cr;           /* MOV CR: the control register */
	u8 reg;          /* the register operand (MOV CR; LMSW/SMSW register form) */
	u8 size;         /* operand size in bytes */
	bool has_mem;    /* LMSW, SMSW or INVLPG with a memory operand */
	struct insn_mem mem;
};

/* 0 on success; -1 if the bytes are none of enum insn_sys_op. */
int insn_decode_sys(const u8 *bytes, unsigned int avail, enum insn_mode mode,
		    struct insn_sys *out);

#endif
