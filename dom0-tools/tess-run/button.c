/* SPDX-License-Identifier: MIT */
/*
 * tess-run: --power-button-after MS[,MS...]. While the child's runner thread
 * sits in RUN, a second thread presses the child's ACPI power button
 * (tess_domain_power_button), as `virsh shutdown` would, at each of those
 * times (milliseconds after the run started). A child that ends before a
 * press is due fails: a test kernel given this option waits for its presses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tess-run.h"

/* start + ms on CLOCK_MONOTONIC (the condition variable's clock). */
static struct timespec time_after(const struct timespec *start, unsigned ms)
{
	struct timespec t = *start;

	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Wait until the time comes (1) or the child ends first (0). */
static int wait_until(struct button *b, const struct timespec *until)
{
	int err = 0;

	pthread_mutex_lock(&b->lock);
	while (!b->run_over && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&b->cond, &b->lock, until);
	pthread_mutex_unlock(&b->lock);
	return err == ETIMEDOUT;
}

static void *button_main(void *arg)
{
	struct child *c = arg;
	struct button *b = &c->button;
	struct timespec start, until;
	unsigned i;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < c->o->presses; i++) {
		until = time_after(&start, c->o->press_ms[i]);
		if (!wait_until(b, &until))
			return NULL;
		if (tess_domain_power_button(c->h, b->domid) < 0) {
			snprintf(b->error, sizeof(b->error), "%s", tess_last_error());
			b->failed = 1;
			out("TESS-RUN: %s error: %s\n", c->name, b->error);
			return NULL;
		}
		b->pressed++;
		out("TESS-RUN: %s power button pressed after %u ms\n", c->name, c->o->press_ms[i]);
	}
	return NULL;
}

int button_start(struct child *c, uint32_t domid)
{
	struct button *b = &c->button;
	pthread_condattr_t attr;
	int err;

	if (!c->o->presses)
		return 0;
	b->domid = domid;
	pthread_mutex_init(&b->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cond, &attr);
	pthread_condattr_destroy(&attr);
	err = pthread_create(&b->thread, NULL, button_main, c);
	if (err) {
		out("TESS-RUN: %s error: cannot start the power-button thread: %s\n", c->name,
		    strerror(err));
		return -1;
	}
	b->started = 1;
	return 0;
}

void button_stop(struct child *c)
{
	struct button *b = &c->button;

	if (!b->started)
		return;
	pthread_mutex_lock(&b->lock);
	b->run_over = 1;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->thread, NULL);
	b->started = 0;
}

int button_pressed_ok(struct child *c)
{
	struct button *b = &c->button;

	if (b->pressed == c->o->presses)
		return 1;
	if (b->failed)
		out("TESS-RUN: %s FAIL: pressing its power button failed: %s\n", c->name,
		    b->error);
	else
		out("TESS-RUN: %s FAIL: it ended before power-button press %u of %u (%u ms)\n",
		    c->name, b->pressed + 1, c->o->presses, c->o->press_ms[b->pressed]);
	return 0;
}
