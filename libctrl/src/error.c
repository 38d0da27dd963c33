/* SPDX-License-Identifier: MIT */
/* libctrl error reporting: negative errno plus a thread-local message. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define TESS_ERRMSG_MAX 512

static _Thread_local char last_msg[TESS_ERRMSG_MAX];
static _Thread_local int last_err;
static _Thread_local char generic_msg[TESS_ERRMSG_MAX];

static const struct {
	int num;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },   { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },   { EIO, "EIO" },       { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },   { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },   { EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ EFBIG, "EFBIG" },   { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" }, { ENOTTY, "ENOTTY" }, { EOVERFLOW, "EOVERFLOW" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
};

const char *tess__errno_name(int err)
{
	static _Thread_local char buf[16];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].num == err)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int tess__fail(int err, const char *op, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err >= 0)
		err = -EIO;
	n = snprintf(last_msg, sizeof(last_msg), "%s: ", op);
	if (n < 0 || (size_t)n >= sizeof(last_msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(last_msg + n, sizeof(last_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(last_msg);
	snprintf(last_msg + n, sizeof(last_msg) - (size_t)n, " (%s)",
		 tess__errno_name(err));
	last_err = err;
	return err;
}

const char *tess_last_error(void)
{
	return last_msg;
}

const char *tess_strerror(int err)
{
	if (err < 0 && err == last_err && last_msg[0])
		return last_msg;
	if (err >= 0)
		return "success";
	snprintf(generic_msg, sizeof(generic_msg), "%s (%s)", strerror(-err),
		 tess__errno_name(err));
	return generic_msg;
}
