/* SPDX-License-Identifier: MIT */
/*
 * tess-boot's vCPU threads: each runs one vCPU inside TESS_IOCTL_RUN until
 * the child ends (every vCPU sees the shutdown: the module wakes them), the
 * domain is gone, or tess-boot stops it (KICK_SIGNAL makes RUN return
 * EINTR). Threads of APs first sleep in RUN until vCPU 0 starts them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tess-boot.h"

#define PAUSED_POLL_NS 100000000L

static void *vcpu_thread_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct timespec poll = { 0, PAUSED_POLL_NS };
	int err;

	for (;;) {
		if (atomic_load(&t->b->stop)) {
			t->err = -EINTR;
			break;
		}
		memset(&t->ex, 0, sizeof(t->ex));
		err = tess_vcpu_run(t->b->h, t->b->domid, t->vcpu, &t->ex);
		if (err == -EINTR)
			continue;   /* a kick: stop is checked above */
		if (!err && t->ex.reason == TESS_EXIT_PAUSED) {
			nanosleep(&poll, NULL); /* paused from elsewhere: wait for unpause */
			continue;
		}
		t->err = err;
		break;          /* shutdown, crash, or an error */
	}
	atomic_store(&t->done, 1);
	return NULL;
}

int vcpus_start(struct boot *b)
{
	sigset_t block, old;
	int err = 0;

	b->threads = calloc(b->o->vcpus, sizeof(*b->threads));
	if (!b->threads)
		return -ENOMEM;
	/* Only the vCPU threads take the kick; only main takes SIGINT, SIGTERM
	 * and SIGUSR2. Main blocks the kick after a first start: unblock it
	 * for the threads a restart creates. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	sigemptyset(&block);
	sigaddset(&block, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &block, NULL);
	for (uint32_t i = 0; i < b->o->vcpus && !err; i++) {
		struct vcpu_thread *t = &b->threads[i];

		t->b = b;
		t->vcpu = i;
		err = -pthread_create(&t->tid, NULL, vcpu_thread_main, t);
		t->started = !err;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sigemptyset(&block);
	sigaddset(&block, KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	if (err)
		atomic_store(&b->stop, 1);
	return err;
}

int vcpus_all_done(const struct boot *b)
{
	for (uint32_t i = 0; i < b->o->vcpus; i++)
		if (b->threads[i].started && !atomic_load(&b->threads[i].done))
			return 0;
	return 1;
}

void vcpus_kick(struct boot *b)
{
	for (uint32_t i = 0; i < b->o->vcpus; i++)
		if (b->threads[i].started && !atomic_load(&b->threads[i].done))
			pthread_kill(b->threads[i].tid, KICK_SIGNAL);
}

/* The thread whose exit describes the end: vCPU 0's, unless another saw a stop. */
static const struct vcpu_thread *vcpus_verdict(const struct boot *b)
{
	for (uint32_t i = 0; i < b->o->vcpus; i++) {
		const struct vcpu_thread *t = &b->threads[i];

		if (t->started && !t->err && (t->ex.reason == TESS_EXIT_SHUTDOWN ||
					      t->ex.reason == TESS_EXIT_CRASHED))
			return t;
	}
	return &b->threads[0];
}

int vcpus_join(struct boot *b, const char *why, char *exit_str, size_t size)
{
	const struct vcpu_thread *t;

	for (uint32_t i = 0; i < b->o->vcpus; i++)
		if (b->threads[i].started)
			pthread_join(b->threads[i].tid, NULL);
	t = vcpus_verdict(b);
	if (why)
		for (uint32_t i = 0; i < b->o->vcpus; i++)
			if (b->threads[i].started && b->threads[i].err == -EINTR)
				printf("TESS-BOOT: %s vCPU%u stopped (%s) after an exit at rip 0x%llx\n",
				       b->o->name, i, why,
				       (unsigned long long)b->threads[i].ex.rip);
	if (why && t->err == -EINTR) {
		snprintf(exit_str, size, "%s", why);
		return 1;
	}
	if (!t->started || t->err < 0) {
		snprintf(exit_str, size, "error:%s", t->started ? tess_strerror(t->err)
							       : "pthread_create");
		return 1;
	}
	tess_describe_exit(&t->ex, exit_str, size);
	return !(t->ex.reason == TESS_EXIT_SHUTDOWN &&
		 (t->ex.detail == TESS_SHUTDOWN_POWEROFF || t->ex.detail == TESS_SHUTDOWN_REBOOT));
}
