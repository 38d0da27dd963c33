/*
 * Reading guest instructions without decode assists: CS:RIP translated by
 * the domain's paging mode (guest_translate.c), the bytes read through
 * domain_read_gpa().
 */
#include <tess/domain.h>
#include <tess/paging.h>
#include <tess/guest_insn.h>
#include <tess/hvm.h>
#include <tess/x86.h>

int guest_linear_to_gpa(struct vcpu *v, const struct vcpu_paging *p, u64 la, u64 *gpa)
{
	struct gpt_result res;

	/* Rights are not checked again: the guest already made this fetch. */
	if (v->dom->paging->translate(v, p, la, 0, &res) != GPT_OK)
		return -1;
	*gpa = res.gpa;
	return 0;
}

int guest_fetch_insn(struct vcpu *v, u8 *buf, unsigned int *len, enum insn_mode *mode)
{
	struct vcpu_paging p;
	u64 la;

	vcpu_get_paging(v, &p);
	if (!(p.cr0 & CR0_PE))
		*mode = INSN_MODE_16;
	else if ((p.efer & EFER_LMA) && p.cs_long)
		*mode = INSN_MODE_64;
	else
		*mode = p.cs_db ? INSN_MODE_32 : INSN_MODE_16;
	la = *mode == INSN_MODE_64 ? p.rip : (p.cs_base + p.rip) & 0xffffffff;
	*len = 0;
	while (*len < INSN_MAX_LEN) {
		u64 gpa, chunk = MIN((u64)(INSN_MAX_LEN - *len), PAGE_SIZE - (la & 0xfff));

		if (guest_linear_to_gpa(v, &p, la, &gpa) ||
		    domain_read_gpa(v->dom, gpa, buf + *len, chunk))
			break;
		*len += chunk;
		la += chunk;
	}
	return *len ? 0 : -1;
}
