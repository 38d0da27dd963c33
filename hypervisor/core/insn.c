/*
 * Decoder for the instructions the hypervisor emulates (see tess/insn.h):
 * MMIO MOVs, and the control-register and INVLPG instructions that shadow
 * paging intercepts.
 */
#include <tess/insn.h>
#include <tess/lib.h>

struct insn_prefixes {
	bool opsize;  /* 0x66 */
	bool addrsize; /* 0x67 */
	bool lock;    /* 0xf0 */
	u8 seg;       /* the last segment override byte, 0 if none */
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

static bool insn_is_seg_prefix(u8 b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

static int insn_prefixes(const u8 *b, unsigned int avail, enum insn_mode mode,
			 struct insn_prefixes *p)
{
	memset(p, 0, sizeof(*p));
	while (p->len < avail && insn_is_legacy_prefix(b[p->len])) {
		p->opsize |= b[p->len] == 0x66;
		p->addrsize |= b[p->len] == 0x67;
		p->lock |= b[p->len] == 0xf0;
		if (insn_is_seg_prefix(b[p->len]))
			p->seg = b[p->len];
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

/* ---- Memory operands (SDM vol. 2 section 2.1.5, tables 2-1 to 2-3) ---- */

static u64 insn_read_disp(const u8 *b, unsigned int n)
{
	u64 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (u64)b[i] << (8 * i);
	if (n && (b[n - 1] & 0x80)) /* displacements are signed */
		v |= ~0ull << (8 * n);
	return v;
}

/* 16-bit addressing: base and index registers by r/m (SDM vol. 2 table 2-1). */
static void insn_mem16(u8 mod, u8 rm, const u8 *disp, struct insn_mem *m)
{
	enum { BX = 3, BP = 5, SI = 6, DI = 7 }; /* register numbers */
	static const s8 base[8] = { BX, BX, BP, BP, SI, DI, BP, BX };
	static const s8 index[8] = { SI, DI, SI, DI, -1, -1, -1, -1 };

	m->base = base[rm];
	m->index = index[rm];
	m->scale = 1;
	if (mod == 0 && rm == 6) {
		m->base = -1;
		m->disp = insn_read_disp(disp, 2);
	} else {
		m->disp = insn_read_disp(disp, mod == 1 ? 1 : mod == 2 ? 2 : 0);
	}
}

/* 32/64-bit addressing with SIB and RIP-relative forms (tables 2-2, 2-3). */
static void insn_mem32(u8 mod, u8 rm, const u8 *after, u8 rex, bool mode64,
		       struct insn_mem *m)
{
	unsigned int disp_len = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	const u8 *disp = after;

	m->index = -1;
	m->scale = 1;
	m->base = (s8)(rm | ((rex & 1) ? 8 : 0));
	if (rm == 4) {
		u8 sib = after[0];
		u8 idx = (u8)(((sib >> 3) & 7) | ((rex & 2) ? 8 : 0));

		disp = after + 1;
		m->scale = (u8)(1u << (sib >> 6));
		m->index = idx == 4 ? -1 : (s8)idx; /* index 100b (no REX.X) means none */
		m->base = (s8)((sib & 7) | ((rex & 1) ? 8 : 0));
		if (mod == 0 && (sib & 7) == 5) {
			m->base = -1;
			disp_len = 4;
		}
	} else if (mod == 0 && rm == 5) {
		m->base = -1;
		m->rip_relative = mode64;
		disp_len = 4;
	}
	m->disp = insn_read_disp(disp, disp_len);
}

static int insn_modrm_mem(const u8 *b, unsigned int avail, enum insn_mode mode,
			  const struct insn_prefixes *p, struct insn_mem *m)
{
	unsigned int asz = insn_addr_size(mode, p->addrsize);
	int len = insn_modrm_len(b, avail, asz);

	if (len < 0 || (unsigned int)len > avail)
		return -1;
	memset(m, 0, sizeof(*m));
	m->addr_size = (u8)asz;
	m->seg = p->seg;
	if (asz == 2)
		insn_mem16(b[0] >> 6, b[0] & 7, b + 1, m);
	else
		insn_mem32(b[0] >> 6, b[0] & 7, b + 1, p->rex, mode == INSN_MODE_64, m);
	return len;
}

u64 insn_mem_address(const struct insn_mem *m, const u64 *gpr, u64 next_rip)
{
	u64 ea = m->disp;

	if (m->rip_relative)
		ea += next_rip;
	if (m->base >= 0)
		ea += gpr[m->base];
	if (m->index >= 0)
		ea += gpr[m->index] * m->scale;
	if (m->addr_size == 2)
		return ea & 0xffff;
	return m->addr_size == 4 ? ea & 0xffffffff : ea;
}

/* ---- 0F 20/22 MOV CR, 0F 06 CLTS, 0F 01 /4 SMSW, /6 LMSW, /7 INVLPG ---- */

static int insn_decode_0f01(const u8 *b, unsigned int avail, enum insn_mode mode,
			    const struct insn_prefixes *p, struct insn_sys *out)
{
	u8 modrm = b[0], sub = (modrm >> 3) & 7;
	int mlen;

	if (sub == 4)
		out->op = INSN_SMSW;
	else if (sub == 6)
		out->op = INSN_LMSW;
	else if (sub == 7 && modrm >> 6 != 3)
		out->op = INSN_INVLPG; /* 0F 01 F8-FF with mod 3 are SWAPGS, RDTSCP, ... */
	else
		return -1;
	if (modrm >> 6 == 3) {
		out->reg = (u8)((modrm & 7) | ((p->rex & 1) ? 8 : 0));
		out->size = insn_op_size(mode, p);
		return 1;
	}
	mlen = insn_modrm_mem(b, avail, mode, p, &out->mem);
	out->has_mem = true;
	out->size = 2; /* LMSW and SMSW to memory move 16 bits */
	return mlen;
}

static int insn_decode_movcr(u8 op, const u8 *b, enum insn_mode mode,
			     const struct insn_prefixes *p, struct insn_sys *out)
{
	/* The r/m field names the GPR whatever mod says (SDM vol. 2, MOV-Control Registers). */
	out->op = op == 0x22 ? INSN_MOV_TO_CR : INSN_MOV_FROM_CR;
	out->reg = (u8)((b[0] & 7) | ((p->rex & 1) ? 8 : 0));
	out->cr = (u8)(((b[0] >> 3) & 7) | ((p->rex & 4) ? 8 : 0));
	if (p->lock)
		out->cr |= 8; /* AMD's alternative encoding of CR8 (APM vol. 3, MOV CRn) */
	out->size = mode == INSN_MODE_64 ? 8 : 4;
	return 1;
}

int insn_decode_sys(const u8 *b, unsigned int avail, enum insn_mode mode,
		    struct insn_sys *out)
{
	struct insn_prefixes p;
	int rest;

	memset(out, 0, sizeof(*out));
	avail = MIN(avail, (unsigned int)INSN_MAX_LEN);
	if (insn_prefixes(b, avail, mode, &p) || p.len + 2 > avail || b[p.len] != 0x0f)
		return -1;
	switch (b[p.len + 1]) {
	case 0x06:
		out->op = INSN_CLTS;
		rest = 0;
		break;
	case 0x01:
	case 0x20:
	case 0x22:
		if (p.len + 3 > avail)
			return -1;
		rest = b[p.len + 1] == 0x01
			       ? insn_decode_0f01(&b[p.len + 2], avail - p.len - 2, mode, &p, out)
			       : insn_decode_movcr(b[p.len + 1], &b[p.len + 2], mode, &p, out);
		if (rest < 0)
			return -1;
		break;
	default:
		return -1;
	}
	out->len = (u8)(p.len + 2 + (unsigned int)rest);
	return out->len <= avail ? 0 : -1;
}
