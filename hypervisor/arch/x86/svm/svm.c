/*
 * AMD SVM vendor ops (AMD APM vol. 2 chapter 15). Sets up each CPU for
 * VMRUN, builds VMCBs, runs guests and turns exit codes into the neutral
 * exit record. SVM-private MSRs (EFER.SVME, VM_CR, VM_HSAVE_PA) are
 * emulated here so the guest cannot see or disable SVM.
 */
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/msr.h>
#include <tess/fpu.h>
#include <tess/kick.h>
#include <tess/percpu.h>
#include <tess/x86.h>

#include "svm.h"
#include "vmcb.h"

#define SVM_DOM0_ASID 1
#define SVM_CHILD_ASID 2 /* every child entry flushes the TLB (no flush-by-ASID in TCG) */
#define SVM_DEFAULT_PAT 0x0007040600070406ull
#define SVM_V_INTR_MASKING (1u << 24)

/* Permission maps: dom0's pass most MSRs and every port; children's trap all. */
static u64 svm_msrpm_pa, svm_iopm_pa, svm_child_msrpm_pa, svm_child_iopm_pa;

static struct vmcb *vmcb_of(struct vcpu *v)
{
	return v->arch;
}

static bool svm_supported(const struct cpu_features *f, const char **why)
{
	if (!f->svm) {
		*why = "the CPU has no SVM";
		return false;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		*why = "SVM is disabled by the firmware (VM_CR.SVMDIS)";
		return false;
	}
	return true;
}

static int svm_cpu_init(struct percpu *c)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	fpu_cpu_init();
	c->hsave_pa = mm_alloc_page();
	c->host_state_pa = mm_alloc_page();
	if (!c->hsave_pa || !c->host_state_pa)
		return -1;
	wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
	/* Capture FS/GS/TR/LDTR and the syscall MSRs that VMLOAD restores. */
	asm volatile("vmsave %0" : : "a"(c->host_state_pa) : "memory");
	log_info("svm: CPU%u SVM enabled (%s)\n", c->index,
		 boot_cpu.npt ? "NPT available" : "no NPT: shadow paging only");
	return 0;
}

/*
 * MSRs a child may use directly: their values live in the VMCB and VMRUN,
 * #VMEXIT, VMLOAD and VMSAVE switch them (APM vol. 2 15.5.1, 15.5.2).
 */
static const u32 svm_child_direct_msrs[] = {
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR SFMASK */
	0xc0000100, 0xc0000101, 0xc0000102,             /* FS/GS base, kernel GS base */
	0x174, 0x175, 0x176,                            /* SYSENTER CS/ESP/EIP */
};

/* MSR permission map: 2 bits per MSR (APM vol. 2 section 15.11). */
static bool svm_msrpm_pos(u32 msr, u64 *byte, u32 *bit)
{
	u64 base_off;
	u32 b;

	if (msr <= 0x1fff)
		base_off = 0x000, b = msr * 2;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base_off = 0x800, b = (msr - 0xc0000000) * 2;
	else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		base_off = 0x1000, b = (msr - 0xc0010000) * 2;
	else
		return false;
	*byte = base_off + b / 8;
	*bit = b % 8;
	return true;
}

static void svm_msrpm_direct(u8 *pm, u32 msr)
{
	u64 byte;
	u32 bit;

	if (svm_msrpm_pos(msr, &byte, &bit))
		pm[byte] &= (u8)~(3u << bit);
}

static void svm_msrpm_intercept(u8 *pm, u32 msr)
{
	u64 byte;
	u32 bit;

	if (svm_msrpm_pos(msr, &byte, &bit))
		pm[byte] |= (u8)(3u << bit); /* read and write */
}

static int svm_alloc_maps(void)
{
	u8 *pm;

	if (svm_msrpm_pa)
		return 0;
	svm_msrpm_pa = mm_alloc_pages(SVM_MSRPM_SIZE / PAGE_SIZE, 1);
	svm_iopm_pa = mm_alloc_pages(SVM_IOPM_SIZE / PAGE_SIZE, 1);
	if (!svm_msrpm_pa || !svm_iopm_pa)
		return -1;
	pm = phys_to_virt(svm_msrpm_pa);
	for (unsigned int i = 0; i < msr_intercept_count; i++)
		svm_msrpm_intercept(pm, msr_intercept_list[i]);
	svm_msrpm_intercept(pm, MSR_EFER);
	svm_msrpm_intercept(pm, MSR_VM_CR);
	svm_msrpm_intercept(pm, MSR_VM_HSAVE_PA);
	/* dom0's I/O map stays zero: it owns every port. */
	svm_child_msrpm_pa = mm_alloc_pages(SVM_MSRPM_SIZE / PAGE_SIZE, 1);
	svm_child_iopm_pa = mm_alloc_pages(SVM_IOPM_SIZE / PAGE_SIZE, 1);
	if (!svm_child_msrpm_pa || !svm_child_iopm_pa)
		return -1;
	memset(phys_to_virt(svm_child_msrpm_pa), 0xff, SVM_MSRPM_SIZE);
	for (unsigned int i = 0; i < ARRAY_SIZE(svm_child_direct_msrs); i++)
		svm_msrpm_direct(phys_to_virt(svm_child_msrpm_pa), svm_child_direct_msrs[i]);
	memset(phys_to_virt(svm_child_iopm_pa), 0xff, SVM_IOPM_SIZE);
	return 0;
}

static void svm_vcpu_intercepts(struct vmcb *vmcb, bool passthrough)
{
	vmcb->ctl.intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_MSR |
				    SVM_INTERCEPT_SHUTDOWN | SVM_INTERCEPT_INIT |
				    SVM_INTERCEPT_INVLPGA;
	vmcb->ctl.intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
				    SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
				    SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
				    SVM_INTERCEPT_SKINIT;
	if (passthrough) {
		/*
		 * Dom0 is a passthrough partition: physical interrupts go straight
		 * to it (no INTR intercept, V_INTR_MASKING clear), and it owns all
		 * I/O ports. NMIs exit, because a kick (DESIGN D6) can reach a CPU
		 * that is back in dom0; dom0 gets every other NMI re-injected.
		 * VMRUN must be intercepted (APM 15.5.1).
		 */
		vmcb->ctl.intercept_misc1 |= SVM_INTERCEPT_NMI;
		vmcb->ctl.iopm_base_pa = svm_iopm_pa;
		vmcb->ctl.msrpm_base_pa = svm_msrpm_pa;
		vmcb->ctl.asid = SVM_DOM0_ASID;
		return;
	}
	/*
	 * A child: any physical interrupt or NMI ends its run so dom0 takes it
	 * (V_INTR_MASKING keeps the child's IF away from the real one, APM
	 * 15.21.1); HLT, every port and every MSR trap.
	 */
	vmcb->ctl.intercept_misc1 |= SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
				     SVM_INTERCEPT_HLT | SVM_INTERCEPT_IOIO;
	vmcb->ctl.int_ctl = SVM_V_INTR_MASKING;
	vmcb->ctl.iopm_base_pa = svm_child_iopm_pa;
	vmcb->ctl.msrpm_base_pa = svm_child_msrpm_pa;
	vmcb->ctl.asid = SVM_CHILD_ASID;
}

/*
 * Without a nested root the guest runs on shadow tables: its paging
 * registers, #PF and INVLPG exit (APM vol. 2 15.8.1, 15.12, 15.9); CR2 needs
 * no intercept, the VMCB holds the guest's own.
 */
static void svm_shadow_intercepts(struct vmcb *vmcb)
{
	vmcb->ctl.intercept_cr = SVM_INTERCEPT_CR_READ(0) | SVM_INTERCEPT_CR_READ(3) |
				 SVM_INTERCEPT_CR_READ(4) | SVM_INTERCEPT_CR_WRITE(0) |
				 SVM_INTERCEPT_CR_WRITE(3) | SVM_INTERCEPT_CR_WRITE(4);
	vmcb->ctl.intercept_exc |= SVM_INTERCEPT_EXC_PF;
	vmcb->ctl.intercept_misc1 |= SVM_INTERCEPT_INVLPG;
}

static int svm_vcpu_init(struct vcpu *v, const struct vcpu_config *cfg)
{
	struct vmcb *vmcb;

	if (svm_alloc_maps())
		return -1;
	v->arch_pa = mm_alloc_page();
	if (!v->arch_pa)
		return -1;
	v->arch = vmcb = phys_to_virt(v->arch_pa);
	v->passthrough = cfg->passthrough;
	svm_vcpu_intercepts(vmcb, cfg->passthrough);
	vmcb->ctl.tlb_control = SVM_TLB_FLUSH_ALL;
	vmcb->ctl.np_enable = cfg->slat_root ? SVM_NP_ENABLE : 0;
	vmcb->ctl.n_cr3 = cfg->slat_root;
	if (!cfg->slat_root)
		svm_shadow_intercepts(vmcb);
	vmcb->save.g_pat = SVM_DEFAULT_PAT;
	return 0;
}

static void svm_vcpu_free(struct vcpu *v)
{
	if (v->arch_pa)
		mm_free_pages(v->arch_pa, 1);
	v->arch = NULL;
	v->arch_pa = 0;
}

static void svm_set_seg(struct vmcb_seg *d, const struct seg *s)
{
	d->sel = s->sel;
	d->attr = s->attr;
	d->limit = s->limit;
	d->base = s->base;
}

static void svm_vcpu_load_state(struct vcpu *v, const struct vcpu_boot_state *s)
{
	struct vmcb_save *st = &vmcb_of(v)->save;

	svm_set_seg(&st->cs, &s->cs);
	svm_set_seg(&st->ds, &s->ds);
	svm_set_seg(&st->es, &s->es);
	svm_set_seg(&st->ss, &s->ss);
	svm_set_seg(&st->fs, &s->fs);
	svm_set_seg(&st->gs, &s->gs);
	svm_set_seg(&st->tr, &s->tr);
	svm_set_seg(&st->ldtr, &s->ldtr);
	st->gdtr.base = s->gdt_base;
	st->gdtr.limit = s->gdt_limit;
	st->idtr.base = s->idt_base;
	st->idtr.limit = s->idt_limit;
	st->cpl = 0;
	st->cr0 = s->cr0;
	st->cr3 = s->cr3;
	st->cr4 = s->cr4;
	st->efer = s->efer | EFER_SVME; /* VMRUN requires it; hidden from the guest */
	st->rflags = s->rflags;
	st->rip = s->rip;
	st->rsp = v->regs.gpr[GPR_RSP];
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
}

/*
 * An event cut short by the exit is delivered again (APM vol. 2 15.7.2).
 * QEMU 7.2 records an external interrupt whose delivery was intercepted
 * (e.g. a #PF on the stack under shadow paging) as an exception of its
 * vector; injected back as that, VMRUN fails (no exception has a vector
 * above 31), so it goes back as the interrupt it was.
 */
static u64 svm_redeliver(u64 intinfo)
{
	if (!(intinfo & SVM_EVENTINJ_VALID))
		return 0;
	if ((intinfo & SVM_EVENTINJ_TYPE_MASK) == SVM_EVENTINJ_TYPE_EXCEPTION &&
	    (intinfo & 0xff) >= 32)
		intinfo &= ~(SVM_EVENTINJ_TYPE_MASK | SVM_EVENTINJ_ERROR_VALID);
	return intinfo;
}

static void svm_vcpu_run(struct vcpu *v, struct vm_exit *exit)
{
	struct vmcb *vmcb = vmcb_of(v);

	do {
		vmcb->save.rax = v->regs.gpr[GPR_RAX];
		vmcb->save.rsp = v->regs.gpr[GPR_RSP];
		svm_enter(v->arch_pa, &v->regs, v->pcpu->host_state_pa);
		v->regs.gpr[GPR_RAX] = vmcb->save.rax;
		v->regs.gpr[GPR_RSP] = vmcb->save.rsp;
		/* Children share one ASID: flush on every entry (no flush-by-ASID here). */
		vmcb->ctl.tlb_control = v->passthrough ? 0 : SVM_TLB_FLUSH_ALL;
		vmcb->ctl.eventinj = svm_redeliver(vmcb->ctl.exitintinfo);
		if (vmcb->ctl.exitcode == SVM_EXIT_NMI)
			kick_take_nmi(); /* still pending with GIF clear: take it here */
		svm_translate_exit(v, vmcb, exit);
	} while (exit->reason == EXIT_NONE);
}

static void svm_advance_rip(struct vcpu *v, unsigned int len)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->save.rip += len;
	vmcb->ctl.int_state = 0; /* the instruction's interrupt shadow ends */
}

static void svm_inject_exception(struct vcpu *v, u8 vector, bool has_error, u32 error)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->ctl.eventinj = vector | SVM_EVENTINJ_TYPE_EXCEPTION | SVM_EVENTINJ_VALID |
			     (has_error ? SVM_EVENTINJ_ERROR_VALID | (u64)error << 32 : 0);
}

static bool svm_intr_shadow(struct vcpu *v)
{
	return vmcb_of(v)->ctl.int_state & SVM_INT_SHADOW;
}

static bool svm_intr_allowed(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	return (vmcb->save.rflags & RFLAGS_IF) && !(vmcb->ctl.int_state & SVM_INT_SHADOW) &&
	       !(vmcb->ctl.eventinj & SVM_EVENTINJ_VALID);
}

/* NMI through EVENTINJ, type 2, vector 2 (APM 15.20). */
static bool svm_inject_nmi(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	if (vmcb->ctl.eventinj & SVM_EVENTINJ_VALID)
		return false;
	vmcb->ctl.eventinj = SVM_NMI_VECTOR | SVM_EVENTINJ_TYPE_NMI | SVM_EVENTINJ_VALID;
	return true;
}

/*
 * A virtual interrupt (APM vol. 2 15.21.4): V_IRQ with the vector and the
 * highest priority, TPR ignored (the vLAPIC already decided). The CPU
 * delivers it when the guest's IF and interrupt shadow allow, and clears
 * V_IRQ; no exit is needed. Not EVENTINJ: QEMU 7.2's TCG may deliver an
 * EVENTINJ interrupt a second time, at a point where the guest has IF=0.
 */
static void svm_virq_set(struct vcpu *v, int vector)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->ctl.int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO_MASK);
	if (vector < 0)
		return;
	vmcb->ctl.int_vector = (u32)vector;
	vmcb->ctl.int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO_MASK;
}

static bool svm_virq_taken(struct vcpu *v)
{
	return !(vmcb_of(v)->ctl.int_ctl & SVM_V_IRQ);
}

/* With nested paging the guest's PAT is the VMCB's G_PAT (APM 15.25.8). */
static u64 svm_get_pat(struct vcpu *v)
{
	return vmcb_of(v)->save.g_pat;
}

static void svm_set_pat(struct vcpu *v, u64 pat)
{
	vmcb_of(v)->save.g_pat = pat;
}

static void svm_get_paging(struct vcpu *v, struct vcpu_paging *p)
{
	struct vmcb_save *st = &vmcb_of(v)->save;

	p->cr0 = st->cr0;
	p->cr3 = st->cr3;
	p->cr4 = st->cr4;
	p->efer = st->efer & ~EFER_SVME;
	p->cs_base = st->cs.base;
	p->cs_long = st->cs.attr & (1u << 9);
	p->cs_db = st->cs.attr & (1u << 10);
	p->cpl = st->cpl;
	p->rip = st->rip;
}

static void svm_flush_tlb(struct vcpu *v)
{
	vmcb_of(v)->ctl.tlb_control = SVM_TLB_FLUSH_ALL;
}

static void svm_set_paging_hw(struct vcpu *v, u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->save.cr0 = cr0;
	vmcb->save.cr3 = cr3;
	vmcb->save.cr4 = cr4;
	vmcb->save.efer = efer | EFER_SVME;
	vmcb->ctl.tlb_control = SVM_TLB_FLUSH_ALL;
}

static void svm_set_cr2(struct vcpu *v, u64 cr2)
{
	vmcb_of(v)->save.cr2 = cr2;
}

static void svm_dump(struct vcpu *v, int level)
{
	struct vmcb *b = vmcb_of(v);
	const u64 *r = v->regs.gpr;

	log_printf(level, "  exitcode 0x%lx info1 0x%lx info2 0x%lx intinfo 0x%lx\n",
		   b->ctl.exitcode, b->ctl.exitinfo1, b->ctl.exitinfo2, b->ctl.exitintinfo);
	log_printf(level, "  rip %016lx rsp %016lx rflags %08lx cpl %u\n", b->save.rip,
		   b->save.rsp, b->save.rflags, b->save.cpl);
	log_printf(level, "  cs %04x base %lx attr %x  ss %04x  ds %04x\n", b->save.cs.sel,
		   b->save.cs.base, b->save.cs.attr, b->save.ss.sel, b->save.ds.sel);
	log_printf(level, "  cr0 %lx cr2 %lx cr3 %lx cr4 %lx efer %lx\n", b->save.cr0,
		   b->save.cr2, b->save.cr3, b->save.cr4, b->save.efer);
	log_printf(level, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r[GPR_RAX],
		   r[GPR_RBX], r[GPR_RCX], r[GPR_RDX]);
	log_printf(level, "  rsi %016lx rdi %016lx rbp %016lx\n", r[GPR_RSI], r[GPR_RDI],
		   r[GPR_RBP]);
}

const struct hvm_ops svm_ops = {
	.name = "SVM",
	.slat_name = "NPT",
	.supported = svm_supported,
	.cpu_init = svm_cpu_init,
	.vcpu_init = svm_vcpu_init,
	.vcpu_free = svm_vcpu_free,
	.vcpu_load_state = svm_vcpu_load_state,
	.vcpu_run = svm_vcpu_run,
	.advance_rip = svm_advance_rip,
	.inject_exception = svm_inject_exception,
	.get_paging = svm_get_paging,
	.flush_tlb = svm_flush_tlb,
	.set_paging_hw = svm_set_paging_hw,
	.set_cr2 = svm_set_cr2,
	.intr_shadow = svm_intr_shadow,
	.intr_allowed = svm_intr_allowed,
	.inject_nmi = svm_inject_nmi,
	.virq_set = svm_virq_set,
	.virq_taken = svm_virq_taken,
	.get_pat = svm_get_pat,
	.set_pat = svm_set_pat,
	.dump = svm_dump,
};
