/*
 * Decoder for the MOV instructions a guest uses to access MMIO (AMD APM
 * vol. 3 / Intel SDM vol. 2: opcodes 88, 89, 8A, 8B, C6 /0, C7 /0, A0-A3).
 * TCG's SVM has no decode assists, so the hypervisor must find the length
 * and the register or immediate operand of a faulting MOV itself. The
 * effective address is not computed: the nested page fault reports it.
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

#endif
