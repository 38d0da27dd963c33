/*
 * Shared by the libctrl self-checks: PASS/FAIL lines and a fake child that
 * records what a loader writes (no /dev/tessera needed). Define
 * CHECK_PREFIX (e.g. "libctrl/") before including.
 */
#ifndef LIBCTRL_CHECK_COMMON_H
#define LIBCTRL_CHECK_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int failures, passes;

static void result(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: " CHECK_PREFIX "%s\n", name);
		passes++;
		return;
	}
	printf("FAIL: " CHECK_PREFIX "%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

/* ---- fake child ---------------------------------------------------------- */

struct fake {
	unsigned char *ram;
	uint64_t size;
	unsigned writes, states;
	struct tess_vcpu_state st;
	int oob;
};

static int fake_copy_in(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct fake *f = ctx;

	f->writes++;
	if (len > TESS_BUF_MAX || gpa > f->size || f->size - gpa < len) {
		f->oob = 1;
		return -EFAULT;
	}
	memcpy(f->ram + gpa, buf, len);
	return 0;
}

static int fake_set_state(void *ctx, const struct tess_vcpu_state *st)
{
	struct fake *f = ctx;

	f->states++;
	f->st = *st;
	return 0;
}

static const struct tess_loader_ops fake_ops = { fake_copy_in, fake_set_state };

static void fake_init(struct fake *f, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->size = size;
	f->ram = calloc(1, size);
	if (!f->ram)
		abort();
}

#endif
