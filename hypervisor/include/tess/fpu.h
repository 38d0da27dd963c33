/*
 * x87/SSE state switching between dom0 and a child on the same CPU. The
 * hypervisor itself never touches these registers (-mgeneral-regs-only),
 * so dom0's state stays live until a child is about to run.
 */
#ifndef TESS_FPU_H
#define TESS_FPU_H

#include <tess/vcpu.h>

/* CR4.OSFXSR so FXSAVE/FXRSTOR include the XMM registers. */
void fpu_cpu_init(void);
void fpu_save(struct fpu_state *s);
void fpu_restore(const struct fpu_state *s);
/* The state after FNINIT, with MXCSR at its reset value. */
void fpu_init_state(struct fpu_state *s);

#endif
