/* I/O ports of a child domain. */
#ifndef TESS_CHILD_IO_H
#define TESS_CHILD_IO_H

#include <public/hypercall.h>
#include <tess/exit.h>

struct domain;
struct vcpu;

/*
 * Handle an IN/OUT of a child: COM1 (a 16550A on the domain's console
 * rings), the 8259 pair, the CMOS RTC, the keyboard controller's reset
 * command, the ACPI PM1a blocks, pvpanic, and an empty ISA bus everywhere
 * else. Returns true when the run ends (out filled).
 */
bool child_io(struct vcpu *v, const struct vm_exit *e, struct tess_run_exit *out);
/*
 * The PIC's vector for vCPU v if it should take one now (COM1's line is
 * sampled first, as console input may have arrived), else -1. With take,
 * the PIC acknowledges it (INTA).
 */
int child_pic_vector(struct vcpu *v, bool take);
/*
 * Press the domain's ACPI power button: PWRBTN_STS is set and, while the
 * guest has PWRBTN_EN set, the SCI (IRQ 9) is asserted until the guest
 * clears the status. Kicks vCPU 0 if it runs on another CPU; a sleeping
 * vCPU 0 must be woken by dom0 (as after console input).
 */
void child_power_button(struct domain *d);

#endif
