/* Fetching the instruction a vCPU is about to execute. */
#ifndef TESS_GUEST_INSN_H
#define TESS_GUEST_INSN_H

#include <tess/insn.h>
#include <tess/vcpu.h>

/* Linear address -> guest-physical through the guest's own page tables. */
int guest_linear_to_gpa(struct vcpu *v, const struct vcpu_paging *p, u64 la, u64 *gpa);
/* Up to 15 bytes at CS:RIP; *len is how many could be read (>= 1). */
int guest_fetch_insn(struct vcpu *v, u8 *buf, unsigned int *len, enum insn_mode *mode);

#endif
