/*
 * SVM exit codes -> the neutral exit record (exit codes: AMD APM vol. 2
 * appendix C). TCG's SVM has no NRIP save, so instruction lengths of the
 * intercepted instructions are known constants: CPUID 0F A2, RDMSR 0F 32,
 * WRMSR 0F 30, VMMCALL 0F 01 D9, HLT F4.
 */
#include <tess/log.h>
#include <tess/x86.h>

#include "svm.h"

#define X86_GP 13

/*
 * Guest view of the SVM MSRs: SVM looks absent and locked off. EFER goes
 * to common code (msr.c), which hides SVME and lets the paging mode see it.
 */
static bool svm_private_msr(struct vcpu *v, struct vmcb *vmcb, bool write)
{
	u32 msr = (u32)v->regs.gpr[GPR_RCX];

	switch (msr) {
	case MSR_VM_CR:
		if (!write) {
			v->regs.gpr[GPR_RAX] = VM_CR_SVMDIS | VM_CR_LOCK;
			v->regs.gpr[GPR_RDX] = 0;
		}
		vmcb->save.rip += 2; /* writes are dropped: the register is "locked" */
		return true;
	case MSR_VM_HSAVE_PA:
		vmcb->ctl.eventinj = X86_GP | SVM_EVENTINJ_TYPE_EXCEPTION |
				     SVM_EVENTINJ_VALID | SVM_EVENTINJ_ERROR_VALID;
		return true;
	default:
		return false;
	}
}

static void svm_translate_msr(struct vcpu *v, struct vmcb *vmcb, struct vm_exit *exit)
{
	bool write = vmcb->ctl.exitinfo1 & 1;

	if (svm_private_msr(v, vmcb, write)) {
		exit->reason = EXIT_NONE;
		return;
	}
	exit->reason = write ? EXIT_MSR_WRITE : EXIT_MSR_READ;
	exit->insn_len = 2;
	exit->msr.index = (u32)v->regs.gpr[GPR_RCX];
	exit->msr.value = (v->regs.gpr[GPR_RDX] << 32) | (u32)v->regs.gpr[GPR_RAX];
}

void svm_translate_exit(struct vcpu *v, struct vmcb *vmcb, struct vm_exit *exit)
{
	/* VMEXIT_INVALID is -1; QEMU 7.2 stores it as a 32-bit -1 (0xffffffff). */
	u64 code = (u32)vmcb->ctl.exitcode == (u32)SVM_EXIT_INVALID ? SVM_EXIT_INVALID
								    : vmcb->ctl.exitcode;

	exit->rip = vmcb->save.rip;
	exit->insn_len = 0;
	exit->raw.code = code;
	exit->raw.info1 = vmcb->ctl.exitinfo1;
	exit->raw.info2 = vmcb->ctl.exitinfo2;
	switch (code) {
	case SVM_EXIT_CPUID:
		exit->reason = EXIT_CPUID;
		exit->insn_len = 2;
		exit->cpuid.leaf = (u32)v->regs.gpr[GPR_RAX];
		exit->cpuid.subleaf = (u32)v->regs.gpr[GPR_RCX];
		break;
	case SVM_EXIT_MSR:
		svm_translate_msr(v, vmcb, exit);
		break;
	case SVM_EXIT_VMMCALL:
		exit->reason = EXIT_HYPERCALL;
		exit->insn_len = 3;
		break;
	case SVM_EXIT_NPF:
		exit->reason = EXIT_NPF;
		exit->npf.gpa = vmcb->ctl.exitinfo2;
		exit->npf.present = vmcb->ctl.exitinfo1 & SVM_NPF_PRESENT;
		exit->npf.write = vmcb->ctl.exitinfo1 & SVM_NPF_WRITE;
		exit->npf.fetch = vmcb->ctl.exitinfo1 & SVM_NPF_FETCH;
		break;
	case SVM_EXIT_SHUTDOWN:
		exit->reason = EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_INIT:
		exit->reason = EXIT_INIT;
		break;
	case SVM_EXIT_INTR:
		exit->reason = EXIT_INTR;
		break;
	case SVM_EXIT_NMI:
		exit->reason = EXIT_NMI;
		break;
	case SVM_EXIT_VINTR:
		exit->reason = EXIT_INTR_WINDOW;
		break;
	case SVM_EXIT_IOIO:
		exit->reason = EXIT_IO;
		/* EXITINFO1: TYPE bit 0, STR bit 2, SZ8/16/32 bits 4-6, port 31:16 (APM 15.10.2) */
		exit->io.port = (u16)(vmcb->ctl.exitinfo1 >> 16);
		exit->io.in = vmcb->ctl.exitinfo1 & 1;
		exit->io.string = vmcb->ctl.exitinfo1 & (1u << 2);
		exit->io.size = (vmcb->ctl.exitinfo1 & (1u << 6)) ? 4
			      : (vmcb->ctl.exitinfo1 & (1u << 5)) ? 2 : 1;
		exit->insn_len = (unsigned int)(vmcb->ctl.exitinfo2 - vmcb->save.rip);
		break;
	case SVM_EXIT_HLT:
		exit->reason = EXIT_HLT;
		exit->insn_len = 1;
		break;
	case SVM_EXIT_VMRUN: case SVM_EXIT_VMLOAD: case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI: case SVM_EXIT_CLGI: case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		exit->reason = EXIT_VIRT_INSN;
		break;
	case SVM_EXIT_INVALID:
		exit->reason = EXIT_INVALID;
		break;
	case SVM_EXIT_EXCP_PF: /* EXITINFO1: error code, EXITINFO2: address (APM 15.12.15) */
		exit->reason = EXIT_PAGE_FAULT;
		exit->pf.addr = vmcb->ctl.exitinfo2;
		exit->pf.error_code = (u32)vmcb->ctl.exitinfo1;
		break;
	case SVM_EXIT_INVLPG:
		exit->reason = EXIT_INVLPG;
		break;
	default:
		if (code < SVM_EXIT_CR_WRITE_BASE + 16) { /* CR reads 0x00-0x0f, writes 0x10-0x1f */
			exit->reason = EXIT_CR_ACCESS;
			exit->cr.cr = (u8)(code & 15);
			exit->cr.write = code >= SVM_EXIT_CR_WRITE_BASE;
			break;
		}
		exit->reason = EXIT_UNKNOWN;
	}
}
