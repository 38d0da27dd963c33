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

/* Writing a child through /dev/tessera (loader.c); messages start with op. */
struct tess__dev_ctx {
	tess_handle *h;
	uint32_t domid;
	const char *name;
	const char *op;
};
extern const struct tess_loader_ops tess__dev_ops;

/* Check image (size bytes, called name in messages) and, if ops is not NULL,
 * load it into a child of memory_bytes through ops. domid goes into the vCPU
 * state. */
int tess__load_image(const void *image, size_t size, const char *name,
		     uint32_t domid, uint64_t memory_bytes, uint64_t *entry,
		     const struct tess_loader_ops *ops, void *ctx);


/* Read a whole regular file of at most max bytes into a malloc'd buffer;
 * messages start with op. */
int tess__read_file(const char *op, const char *path, uint64_t max, unsigned char **out,
		    size_t *outlen);

/* The Linux builder's inputs, all in memory (files already read). */
struct tess_linux_args {
	const void *kernel;
	size_t kernel_size;
	const char *kernel_name;
	const void *initrd;        /* NULL: none */
	size_t initrd_size;
	const char *initrd_name;
	const char *cmdline;       /* the caller's; NULL is "" */
	uint64_t memory_bytes;
	uint32_t nr_vcpus;
	uint32_t tsc_khz;          /* 0: add no tsc_early_khz= */
};

/* Where tess__load_linux put things (filled even when ops is NULL). */
struct tess_linux_layout {
	uint64_t kernel_pa, kernel_end;   /* [kernel_pa, kernel_pa + init_size) */
	uint64_t initrd_pa, initrd_size;
	uint64_t entry;
	uint32_t boot_version;
	size_t cmdline_len;
};

/* Check everything, then (if ops is not NULL) write the child through ops:
 * kernel, initrd, boot tables, ACPI tables, then vCPU 0's state. */
int tess__load_linux(const struct tess_linux_args *a, uint32_t domid,
		     const struct tess_loader_ops *ops, void *ctx,
		     struct tess_linux_layout *out);

/* Build the child's command line into buf (size bytes). Returns its length,
 * or -E2BIG if it does not fit. */
int tess__linux_cmdline(char *buf, size_t size, const char *cmdline, uint32_t tsc_khz);

#endif /* TESSCTRL_INTERNAL_H */
