/* Exception handling for the hypervisor itself. */
#ifndef TESS_TRAPS_H
#define TESS_TRAPS_H

#include <tess/types.h>

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

/* Build the IDT (once) and load it on this CPU. */
void traps_init_cpu(void);
void trap_handler(struct trap_frame *f);

#endif
