/* SPDX-License-Identifier: MIT */
/*
 * The /dev/tessera interface between the dom0 control module
 * (pv-drivers/dom0) and libctrl, the only program that opens the device.
 *
 * Copyright (c) 2026 The Tessera authors.
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software, to deal in it without restriction, subject to the
 * condition that this notice is kept in all copies. THE SOFTWARE IS PROVIDED
 * "AS IS", WITHOUT WARRANTY OF ANY KIND.
 */
#ifndef TESSERA_PUBLIC_DOM0_IOCTL_H
#define TESSERA_PUBLIC_DOM0_IOCTL_H

#include "hypercall.h"

#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define TESS_DEVICE_PATH "/dev/tessera"

/*
 * TESS_IOCTL_HYPERCALL: make hypercall nr with arg[0..3]. If buf is not 0,
 * the module copies buf_len bytes (<= TESS_BUF_MAX) between the user buffer
 * and a physically contiguous kernel bounce buffer (in before the call if
 * buf_dir has TESS_BUF_IN, out after it if TESS_BUF_OUT) and puts the
 * bounce buffer's guest-physical address into arg[buf_arg]. result is RAX.
 * The ioctl itself fails only for bad ioctl arguments (EFAULT, EINVAL) and
 * for TESS_HC_VCPU_RUN, which must go through TESS_IOCTL_RUN.
 */
#define TESS_BUF_IN  1u
#define TESS_BUF_OUT 2u
struct tess_ioctl_hypercall {
	tess_u64 nr;
	tess_u64 arg[4];
	tess_u64 buf;        /* user address, or 0 */
	tess_u32 buf_len;
	tess_u32 buf_arg;    /* 0..3 */
	tess_u32 buf_dir;    /* TESS_BUF_IN | TESS_BUF_OUT */
	tess_u32 pad;
	tess_s64 result;     /* out */
};

/*
 * TESS_IOCTL_RUN: run vCPU vcpu of domain domid from the calling thread
 * (the root scheduler: the vCPU runs only inside this call). The module
 * handles these exits itself and runs the vCPU again: TESS_EXIT_INTERRUPTED
 * (dom0 takes the interrupt first), TESS_EXIT_TIMER (it arms a timer for
 * the child's deadline, whose interrupt ends the child's run in time),
 * TESS_EXIT_WAKE (it wakes the threads of the vCPUs named), and
 * TESS_EXIT_HALTED (it sleeps until the deadline, if any, or until
 * another vCPU, console input, a pause or a destroy wakes it). A vCPU
 * other than 0 that has no state yet waits like a halted one, for the
 * INIT and SIPI its BSP sends. It returns 0 with exit filled in for the
 * other exits (shutdown, crashed, paused), -1/EINTR with exit.reason =
 * TESS_EXIT_INTERRUPTED when a signal is pending, and -1/errno for a
 * hypercall error (e.g. ENOENT, EBUSY).
 */
struct tess_ioctl_run {
	tess_u32 domid;
	tess_u32 vcpu;
	struct tess_run_exit exit; /* out */
};

#define TESS_IOCTL_MAGIC 'T'
#define TESS_IOCTL_HYPERCALL _IOWR(TESS_IOCTL_MAGIC, 1, struct tess_ioctl_hypercall)
#define TESS_IOCTL_RUN       _IOWR(TESS_IOCTL_MAGIC, 2, struct tess_ioctl_run)

#endif /* TESSERA_PUBLIC_DOM0_IOCTL_H */
