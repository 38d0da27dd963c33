/* SPDX-License-Identifier: GPL-2.0 */
/* tessera.ko internals shared by its files. */
#ifndef TESSERA_DOM0_H
#define TESSERA_DOM0_H

#include <linux/types.h>

long tess_vmmcall(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3);
long tess_ioctl_run(void __user *uarg);
/* Wake the RUN threads of domid's vCPUs in mask (they look for events). */
void tess_wake_vcpus(u64 domid, u64 mask);
/* Forget stale wake-ups of a new domain id. */
void tess_wake_reset(u64 domid);
void tess_run_init(void);

#endif
