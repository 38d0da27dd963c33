/* SPDX-License-Identifier: MIT */
/* libctrl internals shared by its source files and its self-check. */
#ifndef TESSCTRL_INTERNAL_H
#define TESSCTRL_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "tessctrl.h"

struct tess_handle {
	int fd;
};

/* Record "op: <formatted detail> (ENAME)" as the thread's last error and
 * return err (a negative errno). */
int tess__fail(int err, const char *op, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "EEXIST" for -EEXIST / EEXIST, "E<n>" for unknown numbers. */
const char *tess__errno_name(int err);

/*
 * Where the loader puts things: tess_load_test_kernel() uses the device,
 * the self-check a fake child. Both callbacks return 0 or a negative errno
 * (having recorded the message).
 */
struct tess_loader_ops {
	int (*copy_in)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	int (*set_state)(void *ctx, const struct tess_vcpu_state *st);
};

/* Check image (size bytes, called name in messages) and, if ops is not NULL,
 * load it into a child of memory_bytes through ops. domid goes into the vCPU
 * state. */
int tess__load_image(const void *image, size_t size, const char *name,
		     uint32_t domid, uint64_t memory_bytes, uint64_t *entry,
		     const struct tess_loader_ops *ops, void *ctx);

#endif /* TESSCTRL_INTERNAL_H */
