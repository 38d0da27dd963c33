/* MOV instruction decoder for MMIO emulation (see tess/insn.h). */
#include <tess/insn.h>
#include <tess/lib.h>

struct insn_prefixes {
	bool opsize;  /* 0x66 */
	bool addrsize; /* 0x67 */
	u8 rex;       /* 0 if none */
	unsigned int len;
};

static bool insn_is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

static int insn_prefixes(const u8 *b, unsigned int avail, enum insn_mode mode,
			 struct insn_prefixes *p)
{
	memset(p, 0, sizeof(*p));
	while (p->len < avail && insn_is_legacy_prefix(b[p->len])) {
		p->opsize |= b[p->len] == 0x66;
		p->addrsize |= b[p->len] == 0x67;
		p->len++;
	}
	/* REX only counts right before the opcode (SDM vol. 2 section 2.2.1). */
	if (mode == INSN_MODE_64 && p->len < avail && (b[p->len] & 0xf0) == 0x40)
		p->rex = b[p->len++];
	return p->len < avail ? 0 : -1;
}

static unsigned int insn_addr_size(enum insn_mode mode, bool addrsize)
{
	if (mode == INSN_MODE_64)
		return addrsize ? 4 : 8;
	if (mode == INSN_MODE_32)
		return addrsize ? 2 : 4;
	return addrsize ? 4 : 2;
}

static u8 insn_op_size(enum insn_mode mode, const struct insn_prefixes *p)
{
	if (mode == INSN_MODE_64 && (p->rex & 0x08))
		return 8;
	if (mode == INSN_MODE_16)
		return p->opsize ? 4 : 2;
	return p->opsize ? 2 : 4;
}

/* Length of ModRM + SIB + displacement; -1 for a register operand. */
static int insn_modrm_len(const u8 *b, unsigned int avail, unsigned int addr_size)
{
	u8 mod = b[0] >> 6, rm = b[0] & 7;
	int len = 1;

	if (mod == 3)
		return -1;
	if (addr_size == 2) {
		if (mod == 1)
			return len + 1;
		if (mod == 2 || (mod == 0 && rm == 6))
			return len + 2;
		return len;
	}
	if (rm == 4) {
		if (avail < 2)
			return -1;
		len++;
		if (mod == 0 && (b[1] & 7) == 5)
			return len + 4;
	}
	if (mod == 1)
		return len + 1;
	if (mod == 2 || (mod == 0 && rm == 5))
		return len + 4;
	return len;
}

static u64 insn_read_imm(const u8 *b, unsigned int n, u8 size)
{
	u64 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (u64)b[i] << (8 * i);
	/* imm32 with a 64-bit operand is sign-extended (SDM vol. 2, MOV). */
	if (size == 8 && n == 4 && (v & 0x80000000u))
		v |= 0xffffffff00000000ull;
	return v;
}

static int insn_decode_moffs(u8 op, const struct insn_prefixes *p, unsigned int avail,
			     enum insn_mode mode, struct insn_mov *out)
{
	unsigned int asz = insn_addr_size(mode, p->addrsize);

	out->len = p->len + 1 + asz;
	out->is_write = op >= 0xa2;
	out->size = (op & 1) ? insn_op_size(mode, p) : 1;
	out->reg = 0;
	return out->len <= avail ? 0 : -1;
}

int insn_decode_mov(const u8 *b, unsigned int avail, enum insn_mode mode,
		    struct insn_mov *out)
{
	struct insn_prefixes p;
	unsigned int imm_len = 0;
	u8 op;
	int mlen;

	memset(out, 0, sizeof(*out));
	avail = MIN(avail, (unsigned int)INSN_MAX_LEN);
	if (insn_prefixes(b, avail, mode, &p))
		return -1;
	op = b[p.len];
	if (op >= 0xa0 && op <= 0xa3)
		return insn_decode_moffs(op, &p, avail, mode, out);
	if (op != 0x88 && op != 0x89 && op != 0x8a && op != 0x8b &&
	    op != 0xc6 && op != 0xc7)
		return -1;
	if (p.len + 2 > avail)
		return -1;
	mlen = insn_modrm_len(&b[p.len + 1], avail - p.len - 1,
			      insn_addr_size(mode, p.addrsize));
	if (mlen < 0)
		return -1;
	out->size = (op & 1) ? insn_op_size(mode, &p) : 1;
	out->is_write = op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7;
	out->reg = ((b[p.len + 1] >> 3) & 7) | ((p.rex & 0x04) ? 8 : 0);
	out->high_byte = out->size == 1 && !p.rex && out->reg >= 4 && out->reg < 8;
	if (op == 0xc6 || op == 0xc7) {
		if ((b[p.len + 1] >> 3) & 7)
			return -1; /* only /0 is MOV */
		imm_len = MIN(out->size, (u8)4);
		out->has_imm = true;
		out->reg = 0;
		out->high_byte = false;
	}
	out->len = p.len + 1 + mlen + imm_len;
	if (out->len > avail)
		return -1;
	if (imm_len)
		out->imm = insn_read_imm(&b[p.len + 1 + mlen], imm_len, out->size);
	return 0;
}
