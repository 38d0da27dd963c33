/* Building and supervising dom0. */
#ifndef TESS_DOM0_H
#define TESS_DOM0_H

#include <tess/mb2.h>
#include <tess/options.h>
#include <tess/exit.h>

struct vcpu;

/* Create dom0 from the Multiboot2 modules; returns its vCPU0, ready to run. */
struct vcpu *dom0_build(struct boot_info *bi, const struct hv_options *o);
/* Nested page fault in dom0: protected memory, MMIO, or the trapped LAPIC. */
void dom0_handle_npf(struct vcpu *v, const struct vm_exit *e);

#endif
