/*
 * Reading guest instructions without decode assists. Walks the guest's
 * page tables (AMD APM vol. 2 section 5.3 long mode, 5.2 legacy) reading
 * each entry through domain_read_gpa(), so a guest can never make the
 * hypervisor read memory that is not the guest's own RAM.
 */
#include <tess/domain.h>
#include <tess/guest_insn.h>
#include <tess/hvm.h>
#include <tess/pt.h>
#include <tess/x86.h>

static int guest_walk_long(struct vcpu *v, u64 cr3, u64 la, u64 *gpa)
{
	u64 table = cr3 & PTE_ADDR;

	for (int level = 4; level >= 1; level--) {
		u64 e;
		unsigned int idx = (la >> PT_LEVEL_SHIFT(level)) & 511;

		if (domain_read_gpa(v->dom, table + idx * 8, &e, 8) || !(e & PTE_P))
			return -1;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			u64 size = PT_PAGE_SIZE(level);

			*gpa = (e & PTE_ADDR & ~(size - 1)) | (la & (size - 1));
			return 0;
		}
		table = e & PTE_ADDR;
	}
	return -1;
}

static int guest_walk_32(struct vcpu *v, u64 cr3, bool pse, u64 la, u64 *gpa)
{
	u32 pde, pte;

	if (domain_read_gpa(v->dom, (cr3 & 0xfffff000) + ((la >> 22) & 1023) * 4, &pde, 4) ||
	    !(pde & PTE_P))
		return -1;
	if (pse && (pde & PTE_PS)) {
		*gpa = (pde & 0xffc00000) | (la & 0x3fffff);
		return 0;
	}
	if (domain_read_gpa(v->dom, (pde & 0xfffff000) + ((la >> 12) & 1023) * 4, &pte, 4) ||
	    !(pte & PTE_P))
		return -1;
	*gpa = (pte & 0xfffff000) | (la & 0xfff);
	return 0;
}

static int guest_walk_pae(struct vcpu *v, u64 cr3, u64 la, u64 *gpa)
{
	u64 pdpte, e, table;

	if (domain_read_gpa(v->dom, (cr3 & 0xffffffe0) + ((la >> 30) & 3) * 8, &pdpte, 8) ||
	    !(pdpte & PTE_P))
		return -1;
	table = pdpte & PTE_ADDR;
	if (domain_read_gpa(v->dom, table + ((la >> 21) & 511) * 8, &e, 8) || !(e & PTE_P))
		return -1;
	if (e & PTE_PS) {
		*gpa = (e & PTE_ADDR & ~(MB(2) - 1)) | (la & (MB(2) - 1));
		return 0;
	}
	if (domain_read_gpa(v->dom, (e & PTE_ADDR) + ((la >> 12) & 511) * 8, &e, 8) ||
	    !(e & PTE_P))
		return -1;
	*gpa = (e & PTE_ADDR) | (la & 0xfff);
	return 0;
}

int guest_linear_to_gpa(struct vcpu *v, const struct vcpu_paging *p, u64 la, u64 *gpa)
{
	if (!(p->cr0 & CR0_PG)) {
		*gpa = la;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return (p->cr4 & CR4_LA57) ? -1 : guest_walk_long(v, p->cr3, la, gpa);
	if (p->cr4 & CR4_PAE)
		return guest_walk_pae(v, p->cr3, la, gpa);
	return guest_walk_32(v, p->cr3, p->cr4 & CR4_PSE, la & 0xffffffff, gpa);
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
