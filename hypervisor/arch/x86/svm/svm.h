/* Private interfaces of the SVM vendor code. */
#ifndef TESS_SVM_SVM_H
#define TESS_SVM_SVM_H

#include <tess/exit.h>
#include <tess/vcpu.h>

#include "vmcb.h"

void svm_enter(u64 vmcb_pa, struct guest_regs *regs, u64 host_state_pa);
/* Fill exit from the VMCB; EXIT_NONE if handled here (SVM-private MSRs). */
void svm_translate_exit(struct vcpu *v, struct vmcb *vmcb, struct vm_exit *exit);

#endif
