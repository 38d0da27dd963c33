// SPDX-License-Identifier: GPL-2.0
/*
 * TESS_IOCTL_RUN: the root scheduler's loop for one child vCPU (DESIGN D5).
 * The calling thread is the vCPU. The module handles what the hypervisor
 * hands back and runs the vCPU again:
 *  - INTERRUPTED: dom0 has taken its interrupt by now; reschedule if due.
 *  - TIMER: the child's deadline comes before the timer armed for it: arm
 *    an hrtimer on this CPU, whose interrupt ends the child's run in time.
 *  - WAKE: this vCPU sent an IPI to halted ones: wake their threads.
 *  - HALTED: sleep until the deadline (if any) or a wake-up.
 * Threads of halted vCPUs sleep on one wait queue per domain id, each with
 * a bit per vCPU; a wake-up that comes before the sleep is kept in the bit.
 */
#define pr_fmt(fmt) "tessera: " fmt

#include <linux/bitops.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include <public/tessera.h>
#include <public/hypercall.h>
#include <public/dom0_ioctl.h>

#include "tessera.h"

struct tess_dom_wait {
	wait_queue_head_t wq;
	unsigned long wake[BITS_TO_LONGS(TESS_MAX_VCPUS)];
};

static struct tess_dom_wait tess_waits[TESS_MAX_DOMAINS];

/* The hrtimer a RUN call arms for its vCPU's deadline (TESS_EXIT_TIMER). */
struct tess_run_timer {
	struct hrtimer timer;
	u64 tsc;	/* the deadline it stands for */
	int cpu;	/* it interrupts this CPU only */
};

void tess_run_init(void)
{
	for (int i = 0; i < TESS_MAX_DOMAINS; i++)
		init_waitqueue_head(&tess_waits[i].wq);
}

void tess_wake_vcpus(u64 domid, u64 mask)
{
	struct tess_dom_wait *w;

	if (domid >= TESS_MAX_DOMAINS || !mask)
		return;
	w = &tess_waits[domid];
	for (int i = 0; i < TESS_MAX_VCPUS; i++)
		if (mask & (1ull << i))
			set_bit(i, w->wake);
	wake_up_interruptible_all(&w->wq);
}

void tess_wake_reset(u64 domid)
{
	if (domid < TESS_MAX_DOMAINS)
		bitmap_zero(tess_waits[domid].wake, TESS_MAX_VCPUS);
}

/* Nanoseconds from now until TSC value deadline (0 if past or no TSC rate). */
static u64 tess_tsc_to_ns(u64 deadline)
{
	u64 now = rdtsc_ordered();

	if (deadline <= now || !tsc_khz)
		return 0;
	/* ns = cycles * 10^6 / kHz; split so the product cannot overflow. */
	return mul_u64_u32_div(deadline - now, 1000000u, tsc_khz);
}

/*
 * Sleep until woken, until the TSC deadline (0: none) or until a signal.
 * Returns -EINTR for a signal, 0 otherwise.
 */
static int tess_sleep(u32 domid, u32 vcpu, u64 deadline)
{
	struct tess_dom_wait *w = &tess_waits[domid];
	long rc;

	if (deadline) {
		u64 ns = tess_tsc_to_ns(deadline);

		if (!ns)
			return 0;
		rc = wait_event_interruptible_hrtimeout(w->wq, test_and_clear_bit(vcpu, w->wake),
							ns_to_ktime(ns));
	} else {
		rc = wait_event_interruptible(w->wq, test_and_clear_bit(vcpu, w->wake));
	}
	return rc == -ERESTARTSYS ? -EINTR : 0;
}

static enum hrtimer_restart tess_timer_fired(struct hrtimer *t)
{
	return HRTIMER_NORESTART; /* its interrupt already ended the child's run */
}

/*
 * Arm (or move) the timer to the deadline, on the CPU we run on. It fires a
 * little after the deadline (1/64 + 20 us): the hrtimer's clock and the
 * TSC are converted with a rounded rate, and a timer that fired before the
 * TSC got there would only make the hypervisor ask again at once.
 */
#define TESS_TIMER_MARGIN_NS 20000ull
static void tess_timer_arm(struct tess_run_timer *rt, u64 deadline)
{
	u64 ns = tess_tsc_to_ns(deadline);

	ns += ns / 64 + TESS_TIMER_MARGIN_NS;

	hrtimer_cancel(&rt->timer);
	rt->tsc = deadline;
	rt->cpu = smp_processor_id();
	hrtimer_start(&rt->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_PINNED);
}

/* The deadline the armed timer stands for, re-armed here if we moved CPU. */
static u64 tess_timer_armed(struct tess_run_timer *rt)
{
	if (!hrtimer_active(&rt->timer))
		return 0;
	if (rt->cpu != smp_processor_id())
		tess_timer_arm(rt, rt->tsc);
	return rt->tsc;
}

/* One RUN hypercall, on one CPU from the timer check to the return. */
static long tess_run_once(struct tess_ioctl_run *run, struct tess_run_exit *exit,
			  struct tess_run_timer *rt)
{
	long rc;

	memset(exit, 0, sizeof(*exit));
	preempt_disable();
	rc = tess_vmmcall(TESS_HC_VCPU_RUN, run->domid, run->vcpu, virt_to_phys(exit),
			  tess_timer_armed(rt));
	if (rc == 0 && exit->reason == TESS_EXIT_TIMER)
		tess_timer_arm(rt, exit->deadline_tsc);
	preempt_enable();
	return rc;
}

/*
 * Handle an exit the module deals with itself. Returns 1 to run again, 0
 * to return the exit to user space, -EINTR for a pending signal.
 */
static int tess_run_handle(struct tess_ioctl_run *run, struct tess_run_exit *exit)
{
	switch (exit->reason) {
	case TESS_EXIT_INTERRUPTED:
	case TESS_EXIT_TIMER:
		break;
	case TESS_EXIT_WAKE:
		tess_wake_vcpus(run->domid, exit->wake_vcpus);
		break;
	case TESS_EXIT_HALTED:
		if (tess_sleep(run->domid, run->vcpu, exit->deadline_tsc))
			return -EINTR;
		return 1;
	case TESS_EXIT_SHUTDOWN:
	case TESS_EXIT_CRASHED:
		tess_wake_vcpus(run->domid, ~0ull); /* the others see it and return */
		return 0;
	default:
		return 0;
	}
	if (signal_pending(current))
		return -EINTR;
	cond_resched();
	return 1;
}

long tess_ioctl_run(void __user *uarg)
{
	struct tess_ioctl_run __user *urun = uarg;
	struct tess_ioctl_run run;
	struct tess_run_exit *exit;
	struct tess_run_timer rt = { 0 };
	long ret;
	int again;

	if (copy_from_user(&run, urun, sizeof(run)))
		return -EFAULT;
	if (run.domid >= TESS_MAX_DOMAINS || run.vcpu >= TESS_MAX_VCPUS)
		return -ENOENT;
	exit = kzalloc(sizeof(*exit), GFP_KERNEL);
	if (!exit)
		return -ENOMEM;
	hrtimer_init_on_stack(&rt.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	rt.timer.function = tess_timer_fired;

	do {
		ret = tess_run_once(&run, exit, &rt);
		if (ret < 0)
			goto out;	/* hypercall errors are Linux errnos */
		again = tess_run_handle(&run, exit);
	} while (again > 0);
	ret = again;
	if (ret == -EINTR)
		exit->reason = TESS_EXIT_INTERRUPTED;
	if (copy_to_user(&urun->exit, exit, sizeof(*exit)))
		ret = -EFAULT;
out:
	hrtimer_cancel(&rt.timer);
	destroy_hrtimer_on_stack(&rt.timer);
	kfree(exit);
	return ret;
}
