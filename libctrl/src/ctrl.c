/* SPDX-License-Identifier: MIT */
/* libctrl: /dev/tessera handle and one wrapper per hypercall. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "public/dom0_ioctl.h"
#include "internal.h"

int tess_open(tess_handle **out)
{
	tess_handle *h;
	int fd, err;

	if (!out)
		return tess__fail(-EINVAL, "open", "no handle pointer given");
	*out = NULL;
	fd = open(TESS_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT || err == -ENXIO || err == -ENODEV)
			return tess__fail(err, "open", "%s: %s (is tessera.ko loaded, and is this "
					  "dom0 under the Tessera hypervisor?)",
					  TESS_DEVICE_PATH, strerror(-err));
		if (err == -EPERM || err == -EACCES)
			return tess__fail(err, "open", "%s: %s (needs root / CAP_SYS_ADMIN)",
					  TESS_DEVICE_PATH, strerror(-err));
		return tess__fail(err, "open", "%s: %s", TESS_DEVICE_PATH, strerror(-err));
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		return tess__fail(-ENOMEM, "open", "out of memory");
	}
	h->fd = fd;
	*out = h;
	return 0;
}

void tess_close(tess_handle *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

long tess_hypercall(tess_handle *h, unsigned nr, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3, void *buf, uint32_t buf_len,
		    unsigned buf_arg, unsigned buf_dir)
{
	struct tess_ioctl_hypercall hc;

	if (!h)
		return -EBADF;
	memset(&hc, 0, sizeof(hc));
	hc.nr = nr;
	hc.arg[0] = a0;
	hc.arg[1] = a1;
	hc.arg[2] = a2;
	hc.arg[3] = a3;
	hc.buf = (uint64_t)(uintptr_t)buf;
	hc.buf_len = buf ? buf_len : 0;
	hc.buf_arg = buf ? buf_arg : 0;
	hc.buf_dir = buf ? buf_dir : 0;
	if (ioctl(h->fd, TESS_IOCTL_HYPERCALL, &hc) < 0)
		return -errno;
	return (long)hc.result;
}

int tess_hypercall_raw(struct tess_handle *h, uint64_t nr, const uint64_t args[4],
		       void *buf, uint32_t buf_len, uint32_t buf_arg, uint32_t buf_dir,
		       int64_t *result)
{
	struct tess_ioctl_hypercall hc;
	int i;

	if (!h)
		return -EBADF;
	memset(&hc, 0, sizeof(hc));
	hc.nr = nr;
	for (i = 0; i < 4; i++)
		hc.arg[i] = args ? args[i] : 0;
	hc.buf = (uint64_t)(uintptr_t)buf;
	hc.buf_len = buf_len;
	hc.buf_arg = buf_arg;
	hc.buf_dir = buf_dir;
	if (ioctl(h->fd, TESS_IOCTL_HYPERCALL, &hc) < 0)
		return -errno;
	if (result)
		*result = hc.result;
	return 0;
}

/* One hypercall; on a negative result records "op: <what>: strerror (ENAME)". */
static long call(tess_handle *h, const char *op, const char *what, unsigned nr,
		 uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		 void *buf, size_t len, unsigned buf_arg, unsigned dir)
{
	long r;

	if (!h)
		return tess__fail(-EBADF, op, "no handle (tess_open first)");
	if (len > TESS_BUF_MAX)
		return tess__fail(-E2BIG, op, "buffer of %zu bytes exceeds TESS_BUF_MAX (%u)",
				  len, TESS_BUF_MAX);
	r = tess_hypercall(h, nr, a0, a1, a2, a3, buf, (uint32_t)len, buf_arg, dir);
	if (r < 0) {
		int e = (int)r;
		const char *why;

		switch (-e) {
		case EPERM:  why = "not permitted for this domain"; break;
		case ENOENT: why = "no such domain"; break;
		case EBUSY:  why = "busy (vCPU running, or domain in the wrong state)"; break;
		case EFAULT: why = "buffer not in the caller's or target's RAM"; break;
		case ERANGE: why = "vCPU or size out of range"; break;
		case ENOSYS: why = "hypercall not implemented by this hypervisor"; break;
		case ENOMEM: why = "not enough memory in the pool"; break;
		default:     why = strerror(-e); break;
		}
		if (r < -4095)
			e = -EIO;
		return tess__fail(e, op, "%s%s%s", what ? what : "", what ? ": " : "", why);
	}
	return r;
}

int tess_version(tess_handle *h, uint32_t *version)
{
	long r = call(h, "version", NULL, TESS_HC_VERSION, 0, 0, 0, 0, NULL, 0, 0, 0);

	if (r < 0)
		return (int)r;
	if (version)
		*version = (uint32_t)r;
	return (int)r;
}

int tess_physinfo(tess_handle *h, struct tess_physinfo *info)
{
	long r;

	if (!info)
		return tess__fail(-EINVAL, "physinfo", "no output structure");
	memset(info, 0, sizeof(*info));
	r = call(h, "physinfo", NULL, TESS_HC_PHYSINFO, 0, 0, 0, 0,
		 info, sizeof(*info), 0, TESS_BUF_OUT);
	return r < 0 ? (int)r : 0;
}

int tess_log_read(tess_handle *h, char *buf, size_t size, int clear)
{
	long r;

	if (!buf || !size)
		return tess__fail(-EINVAL, "log_read", "no buffer");
	if (size > TESS_BUF_MAX)
		size = TESS_BUF_MAX;
	r = call(h, "log_read", NULL, TESS_HC_LOG_READ, 0, size, clear ? TESS_LOG_CLEAR : 0, 0,
		 buf, size, 0, TESS_BUF_OUT);
	return (int)r;
}

static int valid_name(const char *name, const char **why)
{
	size_t i, n = strlen(name);

	if (n == 0) {
		*why = "is empty";
		return 0;
	}
	if (n >= TESS_NAME_MAX) {
		*why = "is longer than 63 bytes";
		return 0;
	}
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
			*why = "has a character outside [A-Za-z0-9_.-]";
			return 0;
		}
	}
	return 1;
}

/* Is a domain called name known? (for a precise EEXIST message) */
static int name_in_use(tess_handle *h, const char *name)
{
	uint32_t ids[256];
	struct tess_domain_info info;
	long n, i;

	n = tess_hypercall(h, TESS_HC_DOMAIN_LIST, 0, 256, 0, 0, ids, sizeof(ids), 0,
			   TESS_BUF_OUT);
	if (n < 0)
		return 0;
	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++) {
		memset(&info, 0, sizeof(info));
		if (tess_hypercall(h, TESS_HC_DOMAIN_INFO, ids[i], 0, 0, 0, &info,
				   sizeof(info), 1, TESS_BUF_OUT) < 0)
			continue;
		info.name[TESS_NAME_MAX - 1] = '\0';
		if (strcmp(info.name, name) == 0)
			return 1;
	}
	return 0;
}

int tess_domain_create(tess_handle *h, const char *name, const uint8_t uuid[16],
		       uint64_t memory_bytes, uint32_t max_vcpus, uint32_t paging)
{
	static const uint8_t zero[16];
	struct tess_domain_create dc;
	const char *why;
	long r;

	if (!name)
		return tess__fail(-EINVAL, "domain_create", "no name given");
	if (!valid_name(name, &why))
		return tess__fail(-EINVAL, "domain_create", "name '%s' %s", name, why);
	if (!uuid || memcmp(uuid, zero, 16) == 0)
		return tess__fail(-EINVAL, "domain_create", "'%s': UUID is missing or all zero",
				  name);
	if (memory_bytes == 0 || memory_bytes % TESS_MEM_ALIGN)
		return tess__fail(-EINVAL, "domain_create",
				  "'%s': memory %llu bytes is not a positive multiple of 2 MiB",
				  name, (unsigned long long)memory_bytes);
	if (max_vcpus < 1 || max_vcpus > TESS_MAX_VCPUS)
		return tess__fail(-ERANGE, "domain_create", "'%s': max_vcpus %u not in 1..%u",
				  name, max_vcpus, TESS_MAX_VCPUS);
	if (paging != TESS_PAGING_HAP && paging != TESS_PAGING_SHADOW)
		return tess__fail(-EINVAL, "domain_create", "'%s': unknown paging mode %u",
				  name, paging);

	memset(&dc, 0, sizeof(dc));
	memcpy(dc.uuid, uuid, 16);
	memcpy(dc.name, name, strlen(name) + 1);
	dc.memory_bytes = memory_bytes;
	dc.max_vcpus = max_vcpus;
	dc.paging = paging;
	r = tess_hypercall(h, TESS_HC_DOMAIN_CREATE, 0, 0, 0, 0, &dc, sizeof(dc), 0,
			   TESS_BUF_IN | TESS_BUF_OUT);
	if (r >= 0)
		return (int)r;
	switch (-r) {
	case EEXIST:
		if (name_in_use(h, name))
			return tess__fail((int)r, "domain_create", "name '%s' already in use", name);
		return tess__fail((int)r, "domain_create", "'%s': UUID already in use", name);
	case ENOMEM:
		return tess__fail((int)r, "domain_create",
				  "'%s': not enough free memory in the pool for %llu MiB",
				  name, (unsigned long long)(memory_bytes >> 20));
	case EINVAL:
		return tess__fail((int)r, "domain_create", "'%s': the hypervisor refused the "
				  "arguments (name, memory, vCPUs or paging mode)", name);
	case ERANGE:
		return tess__fail((int)r, "domain_create", "'%s': %u vCPUs or %llu bytes out of range",
				  name, max_vcpus, (unsigned long long)memory_bytes);
	case EPERM:
		return tess__fail((int)r, "domain_create", "not permitted (not dom0?)");
	default:
		return tess__fail(r < -4095 ? -EIO : (int)r, "domain_create", "'%s': %s", name,
				  strerror((int)-r));
	}
}

static int domid_call(tess_handle *h, const char *op, unsigned nr, uint32_t domid)
{
	char what[32];
	long r;

	snprintf(what, sizeof(what), "domain %u", domid);
	r = call(h, op, what, nr, domid, 0, 0, 0, NULL, 0, 0, 0);
	return r < 0 ? (int)r : 0;
}

int tess_domain_destroy(tess_handle *h, uint32_t domid)
{
	return domid_call(h, "domain_destroy", TESS_HC_DOMAIN_DESTROY, domid);
}

int tess_domain_pause(tess_handle *h, uint32_t domid)
{
	return domid_call(h, "domain_pause", TESS_HC_DOMAIN_PAUSE, domid);
}

int tess_domain_unpause(tess_handle *h, uint32_t domid)
{
	return domid_call(h, "domain_unpause", TESS_HC_DOMAIN_UNPAUSE, domid);
}

int tess_domain_power_button(tess_handle *h, uint32_t domid)
{
	const char *op = "domain_power_button";
	long r;

	if (!h)
		return tess__fail(-EBADF, op, "no handle (tess_open first)");
	r = tess_hypercall(h, TESS_HC_DOMAIN_POWER_BUTTON, domid, 0, 0, 0, NULL, 0, 0, 0);
	if (r >= 0)
		return 0;
	switch (-r) {
	case EINVAL:
		return tess__fail((int)r, op, "domain %u: dom0 has no virtual power button "
				  "(its ACPI hardware is the machine's)", domid);
	case ENOENT:
		return tess__fail((int)r, op, "domain %u: no such domain", domid);
	case EBUSY:
		return tess__fail((int)r, op, "domain %u: not running or paused (never started, "
				  "or already shut down)", domid);
	case ENOSYS:
		return tess__fail((int)r, op, "the hypervisor has no power-button call "
				  "(interface older than 0.3)");
	case EPERM:
		return tess__fail((int)r, op, "not permitted (not dom0?)");
	default:
		return tess__fail(r < -4095 ? -EIO : (int)r, op, "domain %u: %s", domid,
				  strerror((int)-r));
	}
}

int tess_domain_info(tess_handle *h, uint32_t domid, struct tess_domain_info *info)
{
	char what[32];
	long r;

	if (!info)
		return tess__fail(-EINVAL, "domain_info", "no output structure");
	snprintf(what, sizeof(what), "domain %u", domid);
	memset(info, 0, sizeof(*info));
	r = call(h, "domain_info", what, TESS_HC_DOMAIN_INFO, domid, 0, 0, 0,
		 info, sizeof(*info), 1, TESS_BUF_OUT);
	info->name[TESS_NAME_MAX - 1] = '\0';
	return r < 0 ? (int)r : 0;
}

int tess_domain_list(tess_handle *h, uint32_t *ids, size_t max)
{
	size_t cap = TESS_BUF_MAX / sizeof(uint32_t);

	if (max > cap)
		max = cap;
	if (!ids)
		max = 0;
	return (int)call(h, "domain_list", NULL, TESS_HC_DOMAIN_LIST, 0, max, 0, 0,
			 max ? ids : NULL, max * sizeof(uint32_t), 0, TESS_BUF_OUT);
}

/* A dom0 call that fills one output structure about domid. */
static int domain_counters(tess_handle *h, const char *op, unsigned nr, uint32_t domid,
			   void *out, size_t size)
{
	char what[32];
	long r;

	if (!out)
		return tess__fail(-EINVAL, op, "no output structure");
	snprintf(what, sizeof(what), "domain %u", domid);
	memset(out, 0, size);
	r = call(h, op, what, nr, domid, 0, 0, 0, out, size, 1, TESS_BUF_OUT);
	return r < 0 ? (int)r : 0;
}

int tess_domain_stats(tess_handle *h, uint32_t domid, struct tess_exit_stats *stats)
{
	return domain_counters(h, "domain_stats", TESS_HC_DOMAIN_STATS, domid, stats,
			       sizeof(*stats));
}

int tess_domain_paging_stats(tess_handle *h, uint32_t domid, struct tess_shadow_stats *stats)
{
	return domain_counters(h, "domain_paging_stats", TESS_HC_DOMAIN_PAGING_STATS, domid,
			       stats, sizeof(*stats));
}

int tess_memory_copy_in(tess_handle *h, uint32_t domid, uint64_t gpa,
			const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t done = 0;

	if (!buf && len)
		return tess__fail(-EINVAL, "memory_copy_in", "no source buffer");
	if (gpa + len < gpa)
		return tess__fail(-ERANGE, "memory_copy_in", "domain %u: GPA range wraps", domid);
	while (done < len) {
		size_t n = len - done;
		char what[96];
		long r;

		if (n > TESS_BUF_MAX)
			n = TESS_BUF_MAX;
		snprintf(what, sizeof(what), "domain %u GPA 0x%llx+0x%zx", domid,
			 (unsigned long long)(gpa + done), n);
		r = call(h, "memory_copy_in", what, TESS_HC_MEMORY_COPY_IN, domid, gpa + done,
			 0, n, (void *)(uintptr_t)(p + done), n, 2, TESS_BUF_IN);
		if (r < 0)
			return (int)r;
		done += n;
	}
	return 0;
}

int tess_vcpu_set_state(tess_handle *h, const struct tess_vcpu_state *st)
{
	struct tess_vcpu_state copy;
	char what[48];
	long r;

	if (!st)
		return tess__fail(-EINVAL, "vcpu_set_state", "no state given");
	copy = *st;
	snprintf(what, sizeof(what), "domain %u vCPU %u", st->domid, st->vcpu);
	r = call(h, "vcpu_set_state", what, TESS_HC_VCPU_SET_STATE, 0, 0, 0, 0,
		 &copy, sizeof(copy), 0, TESS_BUF_IN);
	return r < 0 ? (int)r : 0;
}

int tess_vcpu_run(tess_handle *h, uint32_t domid, uint32_t vcpu, struct tess_run_exit *exit)
{
	struct tess_ioctl_run run;
	int err;

	if (!h)
		return tess__fail(-EBADF, "vcpu_run", "no handle (tess_open first)");
	memset(&run, 0, sizeof(run));
	run.domid = domid;
	run.vcpu = vcpu;
	if (ioctl(h->fd, TESS_IOCTL_RUN, &run) == 0) {
		if (exit)
			*exit = run.exit;
		return 0;
	}
	err = -errno;
	if (exit)
		*exit = run.exit;
	switch (-err) {
	case EINTR:
		if (exit)
			exit->reason = TESS_EXIT_INTERRUPTED;
		return tess__fail(err, "vcpu_run", "domain %u vCPU %u: interrupted by a signal",
				  domid, vcpu);
	case ENOENT:
		return tess__fail(err, "vcpu_run", "domain %u: no such domain", domid);
	case EBUSY:
		return tess__fail(err, "vcpu_run", "domain %u vCPU %u: already running, or the "
				  "domain is not runnable", domid, vcpu);
	case ERANGE:
		return tess__fail(err, "vcpu_run", "domain %u: vCPU %u out of range", domid, vcpu);
	default:
		return tess__fail(err, "vcpu_run", "domain %u vCPU %u: %s", domid, vcpu,
				  strerror(-err));
	}
}

int tess_console_read(tess_handle *h, uint32_t domid, void *buf, size_t len)
{
	char what[32];

	if (!buf || !len)
		return tess__fail(-EINVAL, "console_read", "no buffer");
	if (len > TESS_BUF_MAX)
		len = TESS_BUF_MAX;
	snprintf(what, sizeof(what), "domain %u", domid);
	return (int)call(h, "console_read", what, TESS_HC_CONSOLE_READ, domid, 0, len, 0,
			 buf, len, 1, TESS_BUF_OUT);
}

int tess_console_write(tess_handle *h, uint32_t domid, const void *buf, size_t len)
{
	char what[32];

	if (!buf && len)
		return tess__fail(-EINVAL, "console_write", "no buffer");
	if (len > TESS_BUF_MAX)
		len = TESS_BUF_MAX;
	snprintf(what, sizeof(what), "domain %u", domid);
	return (int)call(h, "console_write", what, TESS_HC_CONSOLE_WRITE, domid, 0, len, 0,
			 (void *)(uintptr_t)buf, len, 1, TESS_BUF_IN);
}

int tess_uuid_random(uint8_t uuid[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return tess__fail(-errno, "uuid", "/dev/urandom: %s", strerror(errno));
	n = read(fd, uuid, 16);
	close(fd);
	if (n != 16)
		return tess__fail(-EIO, "uuid", "/dev/urandom: short read");
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);   /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	return 0;
}
