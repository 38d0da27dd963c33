/* SPDX-License-Identifier: MIT */
/*
 * tess-run: run freestanding test kernels (tests/guest) as child domains.
 *
 *   tess-run [--mem MiB] [--name N] [--count N] [--expect EXIT]
 *            [--power-button-after MS[,MS...]] KERNEL.elf
 *
 * For each child (one thread each): create it, load the kernel, run vCPU 0
 * until an exit that ends it, print its console output prefixed "[name] ",
 * print "TESS-RUN: <name> exit=<...>" and its exit counters, destroy it.
 * SIGINT or SIGTERM stops every child (exit=interrupted) and destroys it.
 * Afterwards the pool's free pages must be back to what they were before.
 * See usage() in options.c for the exit status.
 *
 * This file: the device, the signals, the runner threads and the summary.
 * options.c reads the command line, child.c is one child's life.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tess-run.h"

atomic_int stop_requested;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

void out(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

/* ---- the device ---------------------------------------------------------- */

/* Open /dev/tessera and note the pool's free pages; 0, or -1 (said). */
static int open_device(tess_handle **h, struct tess_physinfo *before)
{
	if (tess_open(h) < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return -1;
	}
	if (tess_physinfo(*h, before) < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		tess_close(*h);
		return -1;
	}
	return 0;
}

/* ---- signals ------------------------------------------------------------- */

static void on_wake(int sig)
{
	(void)sig;   /* only interrupts the RUN ioctl */
}

/* No SA_RESTART: an interrupted RUN ioctl returns EINTR. */
static void set_handler(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* SIGINT/SIGTERM are taken by the main thread (sigtimedwait), which then
 * wakes the runner threads with SIGUSR1 so their RUN calls return.  Call
 * before starting the threads: they inherit the signal mask. */
static void take_stop_signals(sigset_t *stopset)
{
	sigset_t wakeset;

	sigemptyset(stopset);
	sigaddset(stopset, SIGINT);
	sigaddset(stopset, SIGTERM);
	pthread_sigmask(SIG_BLOCK, stopset, NULL);
	/* A shell without job control starts background commands with SIGINT
	 * ignored; the runner must still stop on it (it is only waited for). */
	set_handler(SIGINT, SIG_DFL);
	set_handler(SIGTERM, SIG_DFL);
	set_handler(SIGUSR1, on_wake);
	sigemptyset(&wakeset);
	sigaddset(&wakeset, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &wakeset, NULL);
}

/* ---- the runner threads -------------------------------------------------- */

static void start_children(struct child *children, const struct opts *o, tess_handle *h)
{
	unsigned i;
	int err;

	for (i = 0; i < o->count; i++) {
		struct child *c = &children[i];

		c->o = o;
		c->h = h;
		c->index = i;
		make_child_name(o, i, c->name, sizeof(c->name));
		err = pthread_create(&c->thread, NULL, child_main, c);
		if (err) {
			out("TESS-RUN: %s error: cannot start a thread: %s\n", c->name,
			    strerror(err));
			atomic_store(&c->done, 1);
			c->thread = 0;
		}
	}
}

/* How many children still run; once a stop was requested, each is woken. */
static unsigned wake_alive_children(struct child *children, unsigned count)
{
	unsigned i, alive = 0;

	for (i = 0; i < count; i++) {
		if (atomic_load(&children[i].done))
			continue;
		alive++;
		if (atomic_load(&stop_requested) && children[i].thread)
			pthread_kill(children[i].thread, SIGUSR1);
	}
	return alive;
}

/* Until every child is done, take SIGINT/SIGTERM as a request to stop. */
static void wait_for_children(struct child *children, unsigned count,
			      const sigset_t *stopset)
{
	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		int sig = sigtimedwait(stopset, NULL, &ts);

		if (sig == SIGINT || sig == SIGTERM) {
			if (!atomic_exchange(&stop_requested, 1))
				out("TESS-RUN: %s received, stopping the children\n",
				    sig == SIGINT ? "SIGINT" : "SIGTERM");
		}
		if (!wake_alive_children(children, count))
			break;
	}
}

/* Join the threads; the number of children that failed. */
static unsigned join_children(struct child *children, unsigned count)
{
	unsigned i, failed = 0;

	for (i = 0; i < count; i++) {
		if (children[i].thread)
			pthread_join(children[i].thread, NULL);
		if (!children[i].ok)
			failed++;
	}
	return failed;
}

/* ---- the summary --------------------------------------------------------- */

/* Are the pool's free pages what they were before the children? */
static int pool_back_to_baseline(tess_handle *h, const struct tess_physinfo *before)
{
	struct tess_physinfo after;

	if (tess_physinfo(h, &after) < 0) {
		out("TESS-RUN: error: %s\n", tess_last_error());
		return 0;
	}
	if (after.free_pages == before->free_pages) {
		out("TESS-RUN: pool back to baseline (%" PRIu64 " pages)\n",
		    (uint64_t)after.free_pages);
		return 1;
	}
	out("TESS-RUN: error: pool has %" PRIu64 " free pages, %" PRIu64
	    " before the children (%+" PRId64 ")\n", (uint64_t)after.free_pages,
	    (uint64_t)before->free_pages,
	    (int64_t)(after.free_pages - before->free_pages));
	return 0;
}

/* The last line, and the exit status. */
static int report_result(unsigned failed, unsigned count, int pool_ok)
{
	if (failed || !pool_ok) {
		out("TESS-RUN: FAIL (%u of %u child(ren) failed%s)\n", failed, count,
		    pool_ok ? "" : "; pool not back to baseline");
		return 1;
	}
	out("TESS-RUN: PASS (%u child(ren))\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .mem_bytes = 4ull << 20, .count = 1 };
	struct tess_physinfo before;
	struct child *children;
	sigset_t stopset;
	unsigned failed;
	tess_handle *h;
	int pool_ok;

	parse_options(argc, argv, &o);
	/* Check the file before touching the hypervisor. */
	if (!kernel_file_ok(&o))
		return 2;
	if (open_device(&h, &before) < 0)
		return 3;
	out("TESS-RUN: %s: %u child(ren) of %" PRIu64 " MiB; pool has %" PRIu64 " free pages\n",
	    o.kernel, o.count, o.mem_bytes >> 20, (uint64_t)before.free_pages);
	take_stop_signals(&stopset);

	children = calloc(o.count, sizeof(*children));
	if (!children) {
		fprintf(stderr, "%s: error: out of memory\n", prog);
		tess_close(h);
		return 1;
	}
	start_children(children, &o, h);
	wait_for_children(children, o.count, &stopset);
	failed = join_children(children, o.count);
	pool_ok = pool_back_to_baseline(h, &before);
	tess_close(h);
	free(children);
	return report_result(failed, o.count, pool_ok);
}
