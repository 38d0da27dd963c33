/*
 * Reading guest instructions without decode assists. Translates through
 * the guest's page tables with the guest page-table walker (gpt_walk.c),
 * reading each entry through domain_read_gpa(), so a guest can never make
 * the hypervisor read memory that is not the guest's own RAM.
 */
#include <tess/domain.h>
#include <tess/gpt_walk.h>
#include <tess/guest_insn.h>
#include <tess/hvm.h>
#include <tess/x86.h>

/* The walker's view of guest memory: the domain's RAM, read only. */
static int guest_mem_read(void *ctx, u64 gpa, unsigned int size, u64 *val)
{
	*val = 0;
	return domain_read_gpa(ctx, gpa, val, size) ? -1 : 0;
}

static int guest_mem_no_write(void *ctx, u64 gpa, unsigned int size, u64 old, u64 new)
{
	(void)ctx, (void)gpa, (void)size, (void)old, (void)new;
	return -1;      /* never called: the fetcher walks with set_ad false */
}

/*
 * Translation only: the guest already made this access (the exit came from
 * it), so rights are not checked again and no accessed/dirty bit is set.
 * MAXPHYADDR 52 reports no reserved-bit fault the CPU did not report.
 */
int guest_linear_to_gpa(struct vcpu *v, const struct vcpu_paging *p, u64 la, u64 *gpa)
{
	const struct gpt_mem mem = { v->dom, guest_mem_read, guest_mem_no_write };
	const struct gpt_regs r = { p->cr0, p->cr3, p->cr4, p->efer, 52 };
	struct gpt_result res;

	if (gpt_walk(&mem, &r, la, 0, false, &res) != GPT_OK)
		return -1;
	*gpa = res.gpa;
	return 0;
}

int guest_fetch_insn(struct vcpu *v, u8 *buf, unsigned int *len, enum insn_mode *mode)
{
	struct vcpu_paging p;
	u64 la;

	hvm->get_paging(v, &p);
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
