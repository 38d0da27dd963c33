/* Unit tests for hypervisor/core/insn.c (MOV decoder for MMIO emulation). */
#include <tess/insn.h>

#include "tu.h"

/* The tables below leave trailing expectation fields at zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct vec {
	const char *what;
	enum insn_mode mode;
	u8 n;
	u8 b[16];
	/* expected decode */
	u8 len, size, reg;
	bool write, imm_present, high;
	u64 imm;
};

#define M64 INSN_MODE_64
#define M32 INSN_MODE_32
#define M16 INSN_MODE_16
#define W true
#define R false

static const struct vec good[] = {
	/* Linux xAPIC write: mov %eax,0xffffffffff5fd300 (SIB, no base, disp32) */
	{ "xapic write", M64, 7, { 0x89, 0x04, 0x25, 0x00, 0xd3, 0x5f, 0xff }, 7, 4, 0, W },
	{ "mov %esi,(%rax)", M64, 2, { 0x89, 0x30 }, 2, 4, 6, W },
	{ "mov %r8d,(%rax)", M64, 3, { 0x44, 0x89, 0x00 }, 3, 4, 8, W },
	{ "mov %r15,(%r15)", M64, 3, { 0x4d, 0x89, 0x3f }, 3, 8, 15, W },
	{ "movl $0x12345678,0x300(%rdx)", M64, 10,
	  { 0xc7, 0x82, 0x00, 0x03, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 },
	  10, 4, 0, W, true, false, 0x12345678 },
	{ "movq $-0x80000000,(%rax)", M64, 7, { 0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80 },
	  7, 8, 0, W, true, false, 0xffffffff80000000ull },
	{ "movq $0x7fffffff,(%rax)", M64, 7, { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f },
	  7, 8, 0, W, true, false, 0x7fffffff },
	{ "movl $-1,(%rax) (no extension)", M64, 6, { 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff },
	  6, 4, 0, W, true, false, 0xffffffff },
	{ "movb $0xab,(%rax)", M64, 3, { 0xc6, 0x00, 0xab }, 3, 1, 0, W, true, false, 0xab },
	{ "movb $0xff,(%r8)", M64, 4, { 0x41, 0xc6, 0x00, 0xff }, 4, 1, 0, W, true, false, 0xff },
	{ "movw $0x1234,(%rax)", M64, 5, { 0x66, 0xc7, 0x00, 0x34, 0x12 },
	  5, 2, 0, W, true, false, 0x1234 },
	{ "movw $0x8000,(%rax)", M64, 5, { 0x66, 0xc7, 0x00, 0x00, 0x80 },
	  5, 2, 0, W, true, false, 0x8000 },
	{ "mov (%rdi),%eax", M64, 2, { 0x8b, 0x07 }, 2, 4, 0, R },
	{ "mov 0x10(%rdi),%rax", M64, 4, { 0x48, 0x8b, 0x47, 0x10 }, 4, 8, 0, R },
	{ "mov 0x8(%rsp),%r9", M64, 5, { 0x4c, 0x8b, 0x4c, 0x24, 0x08 }, 5, 8, 9, R },
	{ "mov (%rsp),%eax", M64, 3, { 0x8b, 0x04, 0x24 }, 3, 4, 0, R },
	{ "mov (%r12),%eax", M64, 4, { 0x41, 0x8b, 0x04, 0x24 }, 4, 4, 0, R },
	{ "mov 0x0(%rbp),%eax", M64, 3, { 0x8b, 0x45, 0x00 }, 3, 4, 0, R },
	{ "mov 0x12345678(%rax,%rcx,8),%edx", M64, 7,
	  { 0x8b, 0x94, 0xc8, 0x78, 0x56, 0x34, 0x12 }, 7, 4, 2, R },
	{ "mov 0x0(,%rax,1),%ecx", M64, 7, { 0x8b, 0x0c, 0x05, 0, 0, 0, 0 }, 7, 4, 1, R },
	{ "mov 0x100(%rip),%eax", M64, 6, { 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 }, 6, 4, 0, R },
	{ "mov %ah,(%rax)", M64, 2, { 0x88, 0x20 }, 2, 1, 4, W, false, true },
	{ "mov %bh,(%rax)", M64, 2, { 0x88, 0x38 }, 2, 1, 7, W, false, true },
	{ "mov %spl,(%rax)", M64, 3, { 0x40, 0x88, 0x20 }, 3, 1, 4, W },
	{ "mov %al,(%rax)", M64, 2, { 0x88, 0x00 }, 2, 1, 0, W },
	{ "mov (%rsi),%bh", M64, 2, { 0x8a, 0x3e }, 2, 1, 7, R, false, true },
	{ "mov (%rsi),%r11b", M64, 3, { 0x44, 0x8a, 0x1e }, 3, 1, 11, R },
	{ "mov %cx,(%rax)", M64, 3, { 0x66, 0x89, 0x08 }, 3, 2, 1, W },
	{ "REX.W beats 0x66", M64, 4, { 0x66, 0x48, 0x89, 0x00 }, 4, 8, 0, W },
	{ "mov %gs:0x28,%rax", M64, 9,
	  { 0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00 }, 9, 8, 0, R },
	{ "cs: mov %eax,(%rax)", M64, 3, { 0x2e, 0x89, 0x00 }, 3, 4, 0, W },
	{ "addr32 mov %eax,(%eax)", M64, 3, { 0x67, 0x89, 0x00 }, 3, 4, 0, W },
	{ "movabs %eax,moffs64", M64, 9, { 0xa3, 0, 0xd3, 0x5f, 0xff, 0xff, 0xff, 0xff, 0xff },
	  9, 4, 0, W },
	{ "movabs moffs64,%rax", M64, 10, { 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 8, 0, R },
	{ "movabs %al,moffs64", M64, 9, { 0xa2, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 1, 0, W },
	{ "movabs moffs64,%al", M64, 9, { 0xa0, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 1, 0, R },
	{ "addr32 mov %eax,moffs32", M64, 6, { 0x67, 0xa3, 1, 2, 3, 4 }, 6, 4, 0, W },
	{ "mov %ax,moffs64", M64, 10, { 0x66, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 2, 0, W },
	{ "13 prefixes (15 bytes)", M64, 15,
	  { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	    0x89, 0x00 }, 15, 4, 0, W },

	/* 32-bit mode */
	{ "32: xapic write", M32, 7, { 0x89, 0x04, 0x25, 0x00, 0xd3, 0x5f, 0xff }, 7, 4, 0, W },
	{ "32: mov %eax,disp32", M32, 6, { 0x89, 0x05, 0x00, 0x03, 0xe0, 0xfe }, 6, 4, 0, W },
	{ "32: mov %cx,(%eax)", M32, 3, { 0x66, 0x89, 0x08 }, 3, 2, 1, W },
	{ "32: mov %eax,moffs32", M32, 5, { 0xa3, 0x00, 0x03, 0xe0, 0xfe }, 5, 4, 0, W },
	{ "32: addr16 mov %eax,moffs16", M32, 4, { 0x67, 0xa3, 0x34, 0x12 }, 4, 4, 0, W },
	{ "32: addr16 mov %eax,(%bx)", M32, 3, { 0x67, 0x89, 0x07 }, 3, 4, 0, W },
	{ "32: addr16 mov %eax,disp16", M32, 5, { 0x67, 0x89, 0x06, 0x34, 0x12 }, 5, 4, 0, W },
	{ "32: movl $imm,0x300(%edx)", M32, 10,
	  { 0xc7, 0x82, 0x00, 0x03, 0x00, 0x00, 0x78, 0x56, 0x34, 0x92 },
	  10, 4, 0, W, true, false, 0x92345678 },
	{ "32: mov %dh,(%eax)", M32, 2, { 0x88, 0x30 }, 2, 1, 6, W, false, true },

	/* 16-bit mode */
	{ "16: mov %ax,(%bx)", M16, 2, { 0x89, 0x07 }, 2, 2, 0, W },
	{ "16: mov %eax,(%bx)", M16, 3, { 0x66, 0x89, 0x07 }, 3, 4, 0, W },
	{ "16: mov %dx,disp16", M16, 4, { 0x89, 0x16, 0x34, 0x12 }, 4, 2, 2, W },
	{ "16: mov 0x10(%bx),%ax", M16, 3, { 0x8b, 0x47, 0x10 }, 3, 2, 0, R },
	{ "16: mov 0x1234(%bx),%ax", M16, 4, { 0x8b, 0x87, 0x34, 0x12 }, 4, 2, 0, R },
	{ "16: mov (%bp,%si) via disp8", M16, 3, { 0x8b, 0x42, 0x00 }, 3, 2, 0, R },
	{ "16: movw $0xabcd,disp16", M16, 6, { 0xc7, 0x06, 0x34, 0x12, 0xcd, 0xab },
	  6, 2, 0, W, true, false, 0xabcd },
	{ "16: movl $imm32,disp16", M16, 9,
	  { 0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 },
	  9, 4, 0, W, true, false, 0x12345678 },
	{ "16: mov %ax,moffs16", M16, 3, { 0xa3, 0x34, 0x12 }, 3, 2, 0, W },
	{ "16: addr32 mov %ax,moffs32", M16, 6, { 0x67, 0xa3, 1, 2, 3, 4 }, 6, 2, 0, W },
	{ "16: addr32 mov %ax,disp32 via SIB", M16, 8,
	  { 0x67, 0x89, 0x04, 0x25, 0x00, 0x03, 0xe0, 0xfe }, 8, 2, 0, W },
};

static bool check_vec(const struct vec *v, unsigned int avail, const char *note)
{
	struct insn_mov m;
	int rc = insn_decode_mov(v->b, avail, v->mode, &m);

	if (rc != 0 || m.len != v->len || m.size != v->size || m.is_write != v->write ||
	    m.has_imm != v->imm_present || (v->imm_present && m.imm != v->imm) ||
	    (!v->imm_present && m.reg != v->reg) || m.high_byte != v->high) {
		tu_fail(__FILE__, __LINE__,
			"%s (%s): rc %d len %u size %u write %d imm %d/0x%llx reg %u high %d",
			v->what, note, rc, m.len, m.size, m.is_write, m.has_imm,
			(unsigned long long)m.imm, m.reg, m.high_byte);
		return false;
	}
	return true;
}

static void insn_valid_encodings(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++)
		check_vec(&good[i], good[i].n, "exact");
}

static void insn_trailing_bytes_ignored(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++) {
		struct vec v = good[i];

		memset(v.b + v.n, 0x89, sizeof(v.b) - v.n); /* junk after it */
		check_vec(&v, sizeof(v.b), "trailing bytes");
	}
}

/* Every proper prefix of a valid MOV is truncated: -1, never a read past. */
static void insn_truncated(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++) {
		for (unsigned int n = 0; n < good[i].n; n++) {
			u8 *copy = malloc(n ? n : 1);
			struct insn_mov m;
			int rc;

			memcpy(copy, good[i].b, n);
			rc = insn_decode_mov(copy, n, good[i].mode, &m);
			free(copy);
			if (rc != -1) {
				tu_fail(__FILE__, __LINE__, "%s truncated to %u bytes: rc %d len %u",
					good[i].what, n, rc, m.len);
				break;
			}
		}
	}
}

struct bad {
	const char *what;
	enum insn_mode mode;
	u8 n;
	u8 b[16];
};

static const struct bad bad[] = {
	{ "mov %eax,%eax (mod=3)", M64, 2, { 0x89, 0xc0 } },
	{ "mov %ecx,%eax 8b (mod=3)", M64, 2, { 0x8b, 0xc1 } },
	{ "mov %al,%bl (mod=3)", M64, 2, { 0x88, 0xc3 } },
	{ "mov $imm,%eax c7 /0 mod=3", M64, 6, { 0xc7, 0xc0, 1, 2, 3, 4 } },
	{ "movb $imm,%al c6 /0 mod=3", M64, 3, { 0xc6, 0xc0, 1 } },
	{ "c7 /1 is not MOV", M64, 6, { 0xc7, 0x08, 1, 2, 3, 4 } },
	{ "c6 /7 is not MOV", M64, 3, { 0xc6, 0x38, 1 } },
	{ "add %eax,(%rax)", M64, 2, { 0x01, 0x00 } },
	{ "movzbl (%rax),%eax", M64, 3, { 0x0f, 0xb6, 0x00 } },
	{ "mov %es,(%rax) 8c", M64, 2, { 0x8c, 0x00 } },
	{ "mov (%rax),%es 8e", M64, 2, { 0x8e, 0x00 } },
	{ "lea (%rax),%eax", M64, 2, { 0x8d, 0x00 } },
	{ "inc (%rax) ff", M64, 2, { 0xff, 0x00 } },
	{ "nop", M64, 1, { 0x90 } },
	{ "movs", M64, 1, { 0xa5 } },
	{ "mov $imm,%eax b8", M64, 5, { 0xb8, 1, 2, 3, 4 } },
	{ "only prefixes", M64, 4, { 0x66, 0x67, 0xf3, 0x2e } },
	{ "only REX", M64, 1, { 0x48 } },
	{ "two REX prefixes", M64, 4, { 0x48, 0x48, 0x89, 0x00 } },
	{ "32: 0x40 is inc, not REX", M32, 3, { 0x40, 0x89, 0x00 } },
	{ "32: mod=3", M32, 2, { 0x89, 0xd8 } },
	{ "16: mod=3", M16, 2, { 0x89, 0xd8 } },
	{ "14 prefixes: 16 bytes", M64, 16,
	  { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
	    0x2e, 0x89, 0x00 } },
	{ "15 prefixes", M64, 16,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x89 } },
	{ "moffs longer than 15 bytes", M64, 16,
	  { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8 } },
};

static void insn_rejects(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		u8 *copy = malloc(bad[i].n);
		struct insn_mov m;
		int rc;

		memcpy(copy, bad[i].b, bad[i].n);
		rc = insn_decode_mov(copy, bad[i].n, bad[i].mode, &m);
		free(copy);
		if (rc != -1)
			tu_fail(__FILE__, __LINE__, "%s: rc %d len %u", bad[i].what, rc, m.len);
	}
}

static void insn_empty(void)
{
	struct insn_mov m;
	u8 b = 0x89;

	CHECK_EQ(insn_decode_mov(&b, 0, M64, &m), -1);
	CHECK_EQ(insn_decode_mov(&b, 0, M32, &m), -1);
	CHECK_EQ(insn_decode_mov(&b, 0, M16, &m), -1);
}

static void insn_output_cleared(void)
{
	struct insn_mov m;
	static const u8 st[] = { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 };
	static const u8 ld[] = { 0x8b, 0x38 };

	memset(&m, 0xff, sizeof(m));
	CHECK_EQ(insn_decode_mov(st, sizeof(st), M64, &m), 0);
	CHECK_EQ(m.reg, 0);
	CHECK(!m.high_byte);
	memset(&m, 0xff, sizeof(m));
	CHECK_EQ(insn_decode_mov(ld, sizeof(ld), M64, &m), 0);
	CHECK(!m.has_imm);
	CHECK_EQ(m.imm, 0);
	CHECK_EQ(m.reg, 7);
}

static const struct tu_case cases[] = {
	TU_CASE(insn_valid_encodings),
	TU_CASE(insn_trailing_bytes_ignored),
	TU_CASE(insn_truncated),
	TU_CASE(insn_rejects),
	TU_CASE(insn_empty),
	TU_CASE(insn_output_cleared),
};

TU_MAIN("insn", cases)
