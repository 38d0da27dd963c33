/*
 * The paging events a mode without nested paging intercepts (AMD APM vol. 2
 * 15.8: CR accesses, 15.12: exceptions, INVLPG), for dom0 and children
 * alike. Without decode assists the instruction is fetched and decoded here
 * (insn.c), and the domain's paging mode does the rest.
 */
#include <tess/domain.h>
#include <tess/guest_insn.h>
#include <tess/hvm.h>
#include <tess/x86.h>

#define X86_GP 13

/*
 * The linear address is known here in 64-bit mode without an FS or GS
 * override, where segment bases are zero (APM vol. 2 4.12); otherwise the
 * mode drops every translation, which INVLPG is allowed to do.
 */
static enum paging_result paging_invlpg(struct vcpu *v, const struct insn_sys *in,
					enum insn_mode mode, const struct vcpu_paging *p)
{
	bool known = mode == INSN_MODE_64 && in->mem.seg != 0x64 && in->mem.seg != 0x65;
	u64 la = insn_mem_address(&in->mem, v->regs.gpr, p->rip + in->len);

	v->dom->paging->invlpg(v, la, !known);
	return PAGING_DONE;
}

static u64 paging_reg_read(struct vcpu *v, u8 reg, u8 size)
{
	u64 val = v->regs.gpr[reg];

	return size == 8 ? val : size == 4 ? (u32)val : (u16)val;
}

/* MOV to a 32-bit register zero-extends into the whole register (APM vol. 1 3.1.2.3). */
static void paging_reg_write(struct vcpu *v, u8 reg, u8 size, u64 val)
{
	u64 *r = &v->regs.gpr[reg];

	if (size == 2)
		*r = (*r & ~0xffffull) | (u16)val;
	else
		*r = size == 4 ? (u32)val : val;
}

static enum paging_result paging_cr_insn(struct vcpu *v, const struct insn_sys *in,
					 const char **why)
{
	const struct paging_ops *ops = v->dom->paging;
	u64 cr0 = in->op >= INSN_CLTS ? ops->cr_read(v, 0) : 0;

	switch (in->op) {
	case INSN_MOV_TO_CR:
		return ops->cr_write(v, in->cr, paging_reg_read(v, in->reg, in->size), why);
	case INSN_MOV_FROM_CR:
		paging_reg_write(v, in->reg, in->size, ops->cr_read(v, in->cr));
		return PAGING_DONE;
	case INSN_CLTS:
		return ops->cr_write(v, 0, cr0 & ~CR0_TS, why);
	case INSN_LMSW: /* sets PE but never clears it; MP, EM, TS from the operand */
		return ops->cr_write(v, 0, (cr0 & ~0xeull) | (v->regs.gpr[in->reg] & 0xf), why);
	case INSN_SMSW:
		paging_reg_write(v, in->reg, in->size, in->size == 2 ? (u16)cr0 : cr0);
		return PAGING_DONE;
	default:
		*why = "an instruction shadow paging does not emulate";
		return PAGING_FAIL;
	}
}

static enum paging_result paging_insn(struct vcpu *v, const struct vm_exit *e, const char **why)
{
	struct vcpu_paging p;
	enum insn_mode mode;
	struct insn_sys in;
	u8 bytes[INSN_MAX_LEN];
	unsigned int n;
	enum paging_result r;

	vcpu_get_paging(v, &p);
	if (guest_fetch_insn(v, bytes, &n, &mode) || insn_decode_sys(bytes, n, mode, &in)) {
		*why = "an intercepted instruction it could not decode";
		return PAGING_FAIL;
	}
	if ((e->reason == EXIT_INVLPG) != (in.op == INSN_INVLPG)) {
		*why = "an instruction that does not match its intercept";
		return PAGING_FAIL;
	}
	if (in.op == INSN_INVLPG)
		r = paging_invlpg(v, &in, mode, &p);
	else if (in.has_mem) {
		*why = "LMSW or SMSW with a memory operand, which shadow paging does not emulate";
		return PAGING_FAIL;
	} else if (e->reason == EXIT_CR_ACCESS && in.op <= INSN_MOV_FROM_CR && in.cr != e->cr.cr) {
		*why = "an instruction that does not match its intercept";
		return PAGING_FAIL;
	} else {
		r = paging_cr_insn(v, &in, why);
	}
	if (r == PAGING_GP)
		hvm->inject_exception(v, X86_GP, true, 0);
	else if (r == PAGING_DONE)
		hvm->advance_rip(v, in.len);
	return r == PAGING_GP ? PAGING_DONE : r;
}

enum paging_result paging_exit(struct vcpu *v, const struct vm_exit *e, struct vm_exit *npf,
			       const char **why)
{
	if (e->reason == EXIT_PAGE_FAULT)
		return v->dom->paging->page_fault(v, e->pf.addr, e->pf.error_code, npf, why);
	return paging_insn(v, e, why);
}
