/* SPDX-License-Identifier: MIT */
/*
 * tess-abi-check: every bad input must get exactly the error docs/abi.md
 * promises for it. Table-driven: each case makes one call from dom0 (most
 * through tess_hypercall_raw, so libctrl's own argument checks are not in
 * the way; RUN through tess_vcpu_run, as the ioctl interface demands) and
 * compares the result with the documented one.
 *
 *   tess-abi-check
 *
 * Output: one line per case, "PASS abi/<case>" or
 * "FAIL abi/<case>: got <X>, want <Y>", then a summary line. The domains it
 * creates are destroyed again, and the pool's free pages must be back to
 * the value at the start (case abi/pool-baseline).
 * Exit status: 0 if every case passed, 1 if any failed, 3 if /dev/tessera
 * cannot be used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "public/dom0_ioctl.h"   /* TESS_BUF_IN, TESS_BUF_OUT */
#include "tessctrl.h"

#define MIB (1ull << 20)
#define CHILD_MEM (4 * MIB)        /* the domains the cases work on */
#define HV_IMAGE_GPA 0x200000ull   /* the hypervisor image: never dom0 RAM */
#define MAX_OWN 16

static tess_handle *h;
static unsigned npass, nfail;
static uint32_t own[MAX_OWN];      /* domains this program created */
static unsigned nown;
static uint32_t bad_domid;         /* a domid no domain has */

/* ---- results ------------------------------------------------------------- */

static const char *err_name(long v)
{
	static const struct { int e; const char *n; } names[] = {
		{ TESS_EPERM, "EPERM" }, { TESS_ENOENT, "ENOENT" }, { TESS_E2BIG, "E2BIG" },
		{ TESS_ENOMEM, "ENOMEM" }, { TESS_EFAULT, "EFAULT" }, { TESS_EBUSY, "EBUSY" },
		{ TESS_EEXIST, "EEXIST" }, { TESS_EINVAL, "EINVAL" }, { TESS_ENOSPC, "ENOSPC" },
		{ TESS_ERANGE, "ERANGE" }, { TESS_ENOSYS, "ENOSYS" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (v == -names[i].e)
			return names[i].n;
	return NULL;
}

static void fmt_result(long v, char *buf, size_t size)
{
	const char *n = err_name(v);

	if (n)
		snprintf(buf, size, "%s (%ld)", n, v);
	else if (v >= 0)
		snprintf(buf, size, "%ld (success)", v);
	else
		snprintf(buf, size, "%ld", v);
}

static void report(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS abi/%s\n", name);
		npass++;
	} else {
		printf("FAIL abi/%s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		nfail++;
	}
	fflush(stdout);
}

/* Compare a hypercall result with the documented error (want = -TESS_E*). */
static void expect(const char *name, long got, long want)
{
	char g[48], w[48];

	fmt_result(got, g, sizeof(g));
	fmt_result(want, w, sizeof(w));
	report(name, got == want, "got %s, want %s", g, w);
}

/* ---- calls --------------------------------------------------------------- */

/* One raw hypercall; buf (NULL: none) goes through the bounce buffer as
 * argument buf_arg. Returns RAX, or a marker far below any TESS_E* when the
 * ioctl itself failed (printed as a plain number). */
static long hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	       void *buf, uint32_t len, uint32_t buf_arg, uint32_t dir)
{
	uint64_t args[4] = { a0, a1, a2, a3 };
	int64_t res = 0;
	int err;

	err = tess_hypercall_raw(h, nr, args, buf, buf ? len : 0, buf ? buf_arg : 0,
				 buf ? dir : 0, &res);
	if (err < 0) {
		fprintf(stderr, "tess-abi-check: ioctl for call %" PRIu64 " failed: %s\n", nr,
			strerror(-err));
		return -100000 + err;
	}
	return (long)res;
}

static long physinfo(struct tess_physinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	return hc(TESS_HC_PHYSINFO, 0, 0, 0, 0, pi, sizeof(*pi), 0, TESS_BUF_OUT);
}

static void make_uuid(uint8_t uuid[16], unsigned n)
{
	unsigned i;

	/* Fixed, distinctive, non-zero: 'A','B','I',n then a pattern. */
	uuid[0] = 0xab; uuid[1] = 0x1c; uuid[2] = 0xec; uuid[3] = (uint8_t)n;
	for (i = 4; i < 16; i++)
		uuid[i] = (uint8_t)(0x40 + i * 7 + n);
}

static void fill_create(struct tess_domain_create *dc, const char *name, unsigned uuid_n,
			uint64_t mem, uint32_t vcpus)
{
	memset(dc, 0, sizeof(*dc));
	make_uuid(dc->uuid, uuid_n);
	snprintf(dc->name, sizeof(dc->name), "%s", name);
	dc->memory_bytes = mem;
	dc->max_vcpus = vcpus;
	dc->paging = TESS_PAGING_HAP;
}

static void remember(uint32_t domid)
{
	if (nown < MAX_OWN)
		own[nown++] = domid;
	else
		fprintf(stderr, "tess-abi-check: too many domains to remember\n");
}

static void forget(uint32_t domid)
{
	unsigned i;

	for (i = 0; i < nown; i++)
		if (own[i] == domid) {
			own[i] = own[--nown];
			return;
		}
}

/* DOMAIN_CREATE with a prepared structure; a domain it unexpectedly
 * creates is remembered (and destroyed at the end). */
static long create(struct tess_domain_create *dc)
{
	long r = hc(TESS_HC_DOMAIN_CREATE, 0, 0, 0, 0, dc, sizeof(*dc), 0,
		    TESS_BUF_IN | TESS_BUF_OUT);

	if (r > 0)
		remember((uint32_t)r);
	return r;
}

/* A domain the cases need: created or the program stops (returns 0). */
static uint32_t need_domain(const char *name, unsigned uuid_n)
{
	struct tess_domain_create dc;
	long r;

	fill_create(&dc, name, uuid_n, CHILD_MEM, 1);
	r = create(&dc);
	if (r <= 0) {
		char g[48];

		fmt_result(r, g, sizeof(g));
		report(name, 0, "cannot create the domain the cases need: got %s", g);
		return 0;
	}
	return (uint32_t)r;
}

static long destroy(uint32_t domid)
{
	long r = hc(TESS_HC_DOMAIN_DESTROY, domid, 0, 0, 0, NULL, 0, 0, 0);

	if (r == 0)
		forget(domid);
	return r;
}

static void good_state(struct tess_vcpu_state *st, uint32_t domid)
{
	memset(st, 0, sizeof(*st));
	st->domid = domid;
	st->vcpu = 0;
	st->mode = TESS_VCPU_MODE_LONG64;
	st->rip = 0x100000;
	st->rsp = CHILD_MEM;
	st->rflags = 0x2;
	st->cr3 = TESS_LOADER_PML4;
}

static long set_state(struct tess_vcpu_state *st)
{
	return hc(TESS_HC_VCPU_SET_STATE, 0, 0, 0, 0, st, sizeof(*st), 0, TESS_BUF_IN);
}

/* RUN through libctrl (the hypercall ioctl refuses RUN). */
static long run(uint32_t domid, uint32_t vcpu)
{
	struct tess_run_exit ex;

	memset(&ex, 0, sizeof(ex));
	return tess_vcpu_run(h, domid, vcpu, &ex);
}

/* ---- the cases ----------------------------------------------------------- */

static unsigned char buf[4096];

static void unknown_domid_cases(void)
{
	struct tess_domain_info info;
	struct tess_exit_stats st;
	struct tess_vcpu_state vs;

	expect("destroy-unknown-domid",
	       hc(TESS_HC_DOMAIN_DESTROY, bad_domid, 0, 0, 0, NULL, 0, 0, 0), -TESS_ENOENT);
	expect("pause-unknown-domid",
	       hc(TESS_HC_DOMAIN_PAUSE, bad_domid, 0, 0, 0, NULL, 0, 0, 0), -TESS_ENOENT);
	expect("unpause-unknown-domid",
	       hc(TESS_HC_DOMAIN_UNPAUSE, bad_domid, 0, 0, 0, NULL, 0, 0, 0), -TESS_ENOENT);
	expect("pause-dom0",
	       hc(TESS_HC_DOMAIN_PAUSE, 0, 0, 0, 0, NULL, 0, 0, 0), -TESS_ENOENT);
	expect("unpause-dom0",
	       hc(TESS_HC_DOMAIN_UNPAUSE, 0, 0, 0, 0, NULL, 0, 0, 0), -TESS_ENOENT);
	expect("info-unknown-domid",
	       hc(TESS_HC_DOMAIN_INFO, bad_domid, 0, 0, 0, &info, sizeof(info), 1,
		  TESS_BUF_OUT), -TESS_ENOENT);
	expect("stats-unknown-domid",
	       hc(TESS_HC_DOMAIN_STATS, bad_domid, 0, 0, 0, &st, sizeof(st), 1,
		  TESS_BUF_OUT), -TESS_ENOENT);
	expect("copy-in-unknown-domid",
	       hc(TESS_HC_MEMORY_COPY_IN, bad_domid, 0x100000, 0, 64, buf, 64, 2,
		  TESS_BUF_IN), -TESS_ENOENT);
	good_state(&vs, bad_domid);
	expect("set-state-unknown-domid", set_state(&vs), -TESS_ENOENT);
	expect("run-unknown-domid", run(bad_domid, 0), -ENOENT);
	expect("destroy-dom0",
	       hc(TESS_HC_DOMAIN_DESTROY, 0, 0, 0, 0, NULL, 0, 0, 0), -TESS_EINVAL);
}

static void create_cases(const struct tess_physinfo *start)
{
	struct tess_domain_create dc;
	struct tess_physinfo pi;
	uint64_t pool_bytes, too_big;
	uint32_t dup;
	long r;

	fill_create(&dc, "", 10, CHILD_MEM, 1);
	expect("create-empty-name", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "x", 11, CHILD_MEM, 1);
	memset(dc.name, 'a', sizeof(dc.name));   /* 64 characters, no NUL */
	expect("create-name-64-no-nul", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "abi check", 12, CHILD_MEM, 1);
	expect("create-name-space", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "abi-caf\xc3\xa9", 13, CHILD_MEM, 1);
	expect("create-name-utf8", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "abi-zero-uuid", 14, CHILD_MEM, 1);
	memset(dc.uuid, 0, sizeof(dc.uuid));
	expect("create-zero-uuid", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "abi-mem0", 15, 0, 1);
	expect("create-memory-0", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "abi-mem3", 16, 3 * MIB, 1);
	expect("create-memory-3mib", create(&dc), -TESS_EINVAL);

	fill_create(&dc, "abi-vcpus0", 17, CHILD_MEM, 0);
	expect("create-max-vcpus-0", create(&dc), -TESS_ERANGE);

	fill_create(&dc, "abi-vcpus65", 18, CHILD_MEM, TESS_MAX_VCPUS + 1);
	expect("create-max-vcpus-65", create(&dc), -TESS_ERANGE);

	fill_create(&dc, "abi-paging7", 19, CHILD_MEM, 1);
	dc.paging = 7;   /* neither TESS_PAGING_HAP nor TESS_PAGING_SHADOW */
	expect("create-paging-unknown", create(&dc), -TESS_EINVAL);

	/* More than the pool holds: ENOMEM, and nothing stays allocated. */
	pool_bytes = start->free_pages * (start->page_size ? start->page_size : 4096);
	too_big = (pool_bytes + TESS_MEM_ALIGN - 1) / TESS_MEM_ALIGN * TESS_MEM_ALIGN
		  + TESS_MEM_ALIGN;
	fill_create(&dc, "abi-enomem", 20, too_big, 1);
	expect("create-larger-than-pool", create(&dc), -TESS_ENOMEM);
	r = physinfo(&pi);
	if (r < 0) {
		char g[48];

		fmt_result(r, g, sizeof(g));
		report("create-enomem-pool-unchanged", 0, "PHYSINFO failed: got %s", g);
	} else {
		report("create-enomem-pool-unchanged", pi.free_pages == start->free_pages,
		       "free_pages %" PRIu64 " after the refused create, %" PRIu64 " before",
		       (uint64_t)pi.free_pages, (uint64_t)start->free_pages);
	}

	/* Duplicates of a domain that exists. */
	dup = need_domain("abi-dup", 21);
	if (!dup)
		return;
	fill_create(&dc, "abi-dup", 22, CHILD_MEM, 1);           /* same name */
	expect("create-duplicate-name", create(&dc), -TESS_EEXIST);
	fill_create(&dc, "abi-dup-uuid", 21, CHILD_MEM, 1);      /* same UUID */
	expect("create-duplicate-uuid", create(&dc), -TESS_EEXIST);
	expect("destroy-created-domain", destroy(dup), 0);
}

static void domain_cases(void)
{
	struct tess_vcpu_state vs;
	uint32_t d;

	d = need_domain("abi-target", 30);
	if (!d)
		return;

	/* RUN first: no state has been set yet. */
	expect("run-vcpu-out-of-range", run(d, 1), -ENOENT);
	expect("run-before-set-state", run(d, 0), -EINVAL);

	good_state(&vs, d);
	vs.vcpu = 1;
	expect("set-state-vcpu-out-of-range", set_state(&vs), -TESS_ENOENT);
	good_state(&vs, d);
	vs.mode = 7;
	expect("set-state-bad-mode", set_state(&vs), -TESS_EINVAL);
	good_state(&vs, d);
	vs.rflags = 0x2 | (1u << 17);   /* VM */
	expect("set-state-rflags-vm", set_state(&vs), -TESS_EINVAL);
	good_state(&vs, d);
	vs.cr3 = TESS_LOADER_PML4 + 0x10;
	expect("set-state-cr3-unaligned", set_state(&vs), -TESS_EINVAL);
	good_state(&vs, d);
	vs.cr3 = CHILD_MEM;
	expect("set-state-cr3-beyond-memory", set_state(&vs), -TESS_EINVAL);

	/* COPY_IN: destination outside the domain, wrapping, too long. */
	expect("copy-in-beyond-memory",
	       hc(TESS_HC_MEMORY_COPY_IN, d, CHILD_MEM - 16, 0, 64, buf, 64, 2, TESS_BUF_IN),
	       -TESS_EFAULT);
	expect("copy-in-at-end-of-memory",
	       hc(TESS_HC_MEMORY_COPY_IN, d, CHILD_MEM, 0, 1, buf, 1, 2, TESS_BUF_IN),
	       -TESS_EFAULT);
	expect("copy-in-wrapping",
	       hc(TESS_HC_MEMORY_COPY_IN, d, UINT64_MAX - 0xfff, 0, 0x2000, buf, sizeof(buf),
		  2, TESS_BUF_IN), -TESS_EFAULT);
	expect("copy-in-longer-than-64k",
	       hc(TESS_HC_MEMORY_COPY_IN, d, 0x100000, 0, TESS_BUF_MAX + 1, buf, sizeof(buf),
		  2, TESS_BUF_IN), -TESS_E2BIG);

	/* Pause and unpause in the wrong state. */
	expect("pause-created", hc(TESS_HC_DOMAIN_PAUSE, d, 0, 0, 0, NULL, 0, 0, 0), 0);
	expect("pause-twice", hc(TESS_HC_DOMAIN_PAUSE, d, 0, 0, 0, NULL, 0, 0, 0),
	       -TESS_EBUSY);
	expect("unpause-paused", hc(TESS_HC_DOMAIN_UNPAUSE, d, 0, 0, 0, NULL, 0, 0, 0), 0);
	expect("unpause-running", hc(TESS_HC_DOMAIN_UNPAUSE, d, 0, 0, 0, NULL, 0, 0, 0),
	       -TESS_EBUSY);

	expect("destroy-target-domain", destroy(d), 0);
}

static long power_button(uint64_t domid)
{
	return hc(TESS_HC_DOMAIN_POWER_BUTTON, domid, 0, 0, 0, NULL, 0, 0, 0);
}

/* Run a child that writes S5 to PM1a_CNT at once; 0 if it powered off,
 * else -1 with how it ended (or why it did not run) in why. */
static int run_to_poweroff(uint32_t domid, char *why, size_t size)
{
	static const uint8_t code[] = {
		0x66, 0xba, 0x04, 0x06,   /* mov dx, 0x604: PM1a_CNT */
		0x66, 0xb8, 0x00, 0x34,   /* mov ax, 0x3400: SLP_TYP 5 | SLP_EN */
		0x66, 0xef,               /* out dx, ax */
		0xf4,                     /* hlt: not reached */
	};
	struct tess_vcpu_state vs;
	struct tess_run_exit ex;

	good_state(&vs, domid);
	vs.mode = TESS_VCPU_MODE_PROT32;
	vs.cr3 = 0;
	memset(&ex, 0, sizeof(ex));
	snprintf(why, size, "setting it up failed");
	if (tess_memory_copy_in(h, domid, vs.rip, code, sizeof(code)) < 0 || set_state(&vs) != 0)
		return -1;
	if (tess_vcpu_run(h, domid, 0, &ex) < 0) {
		snprintf(why, size, "%s", tess_last_error());
		return -1;
	}
	tess_describe_exit(&ex, why, size);
	return ex.reason == TESS_EXIT_SHUTDOWN && ex.detail == TESS_SHUTDOWN_POWEROFF ? 0 : -1;
}

/* The power button: a child that is running or paused, never dom0. */
static void power_button_cases(void)
{
	char why[160];
	uint32_t d;

	expect("power-button-dom0", power_button(0), -TESS_EINVAL);
	expect("power-button-self", power_button(TESS_DOMID_SELF), -TESS_EINVAL);
	expect("power-button-unknown-domid", power_button(bad_domid), -TESS_ENOENT);
	d = need_domain("abi-button", 40);
	if (!d)
		return;
	/* The upper bits count: not a press of domain d. */
	expect("power-button-domid-high-bits", power_button((1ull << 32) | d), -TESS_ENOENT);
	expect("power-button-never-run", power_button(d), -TESS_EBUSY);
	expect("power-button-pause", hc(TESS_HC_DOMAIN_PAUSE, d, 0, 0, 0, NULL, 0, 0, 0), 0);
	expect("power-button-paused", power_button(d), 0);
	expect("power-button-unpause", hc(TESS_HC_DOMAIN_UNPAUSE, d, 0, 0, 0, NULL, 0, 0, 0), 0);
	expect("power-button-running", power_button(d), 0);
	report("power-button-child-powers-off", run_to_poweroff(d, why, sizeof(why)) == 0,
	       "the child did not end with exit=poweroff: %s", why);
	expect("power-button-shut-down", power_button(d), -TESS_EBUSY);
	expect("destroy-button-domain", destroy(d), 0);
	expect("power-button-destroyed", power_button(d), -TESS_ENOENT);
}

static void misc_cases(void)
{
	static uint32_t ids[64];

	expect("console-read-dom0",
	       hc(TESS_HC_CONSOLE_READ, 0, 0, 16, 0, buf, 16, 1, TESS_BUF_OUT), -TESS_EINVAL);
	expect("console-write-dom0",
	       hc(TESS_HC_CONSOLE_WRITE, 0, 0, 16, 0, buf, 16, 1, TESS_BUF_IN), -TESS_EINVAL);
	expect("console-read-self",
	       hc(TESS_HC_CONSOLE_READ, TESS_DOMID_SELF, 0, 16, 0, buf, 16, 1, TESS_BUF_OUT),
	       -TESS_EINVAL);
	expect("log-read-larger-than-64k",
	       hc(TESS_HC_LOG_READ, 0, TESS_BUF_MAX + 1, 0, 0, buf, sizeof(buf), 0,
		  TESS_BUF_OUT), -TESS_E2BIG);
	expect("log-read-unknown-flag",
	       hc(TESS_HC_LOG_READ, 0, 64, 0x80, 0, buf, sizeof(buf), 0, TESS_BUF_OUT),
	       -TESS_EINVAL);
	expect("domain-list-count-too-large",
	       hc(TESS_HC_DOMAIN_LIST, 0, TESS_BUF_MAX / sizeof(uint32_t) + 1, 0, 0,
		  ids, sizeof(ids), 0, TESS_BUF_OUT), -TESS_E2BIG);
	expect("unknown-call-count", hc(TESS_HC_COUNT, 0, 0, 0, 0, NULL, 0, 0, 0), -TESS_ENOSYS);
	expect("unknown-call-huge", hc(0x7fffffffull, 0, 0, 0, 0, NULL, 0, 0, 0),
	       -TESS_ENOSYS);
	expect("shutdown-from-dom0",
	       hc(TESS_HC_SHUTDOWN, TESS_SHUTDOWN_POWEROFF, 0, 0, 0, NULL, 0, 0, 0),
	       -TESS_EPERM);
	/* A buffer GPA in the hypervisor image, with no bounce buffer. */
	expect("physinfo-gpa-in-hypervisor",
	       hc(TESS_HC_PHYSINFO, HV_IMAGE_GPA, 0, 0, 0, NULL, 0, 0, 0), -TESS_EFAULT);
}

/* A domid that no domain has (checked against DOMAIN_LIST). */
static int pick_bad_domid(void)
{
	static uint32_t ids[TESS_BUF_MAX / sizeof(uint32_t)];
	uint32_t cand = 4000;
	long n, i;

	n = hc(TESS_HC_DOMAIN_LIST, 0, 256, 0, 0, ids, 256 * sizeof(uint32_t), 0,
	       TESS_BUF_OUT);
	if (n < 0)
		return -1;
	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++)
		if (ids[i] == cand) {
			cand++;
			i = -1;
		}
	bad_domid = cand;
	return 0;
}

int main(int argc, char **argv)
{
	struct tess_physinfo start, end;
	long r;

	if (argc > 1) {
		printf("usage: %s\nCheck that bad hypercall arguments get the errors "
		       "docs/abi.md documents.\nOutput: PASS abi/<case> or FAIL abi/<case>: "
		       "got X, want Y per case.\nExit status 0 if all passed, 1 if any failed, "
		       "3 if /dev/tessera cannot be used.\n", argv[0]);
		return (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) ? 0 : 2;
	}
	if (tess_open(&h) < 0) {
		fprintf(stderr, "tess-abi-check: error: %s\n", tess_last_error());
		return 3;
	}
	r = physinfo(&start);
	if (r < 0 || pick_bad_domid() < 0) {
		fprintf(stderr, "tess-abi-check: error: PHYSINFO or DOMAIN_LIST failed (%ld)\n", r);
		tess_close(h);
		return 3;
	}
	printf("tess-abi-check: pool has %" PRIu64 " free pages; unknown domid %u\n",
	       (uint64_t)start.free_pages, bad_domid);

	unknown_domid_cases();
	create_cases(&start);
	domain_cases();
	power_button_cases();
	misc_cases();

	/* Anything a case created by mistake goes away again. */
	while (nown) {
		uint32_t d = own[0];

		r = destroy(d);
		if (r != 0) {
			char g[48];

			fmt_result(r, g, sizeof(g));
			report("cleanup", 0, "destroying domain %u: got %s", d, g);
			forget(d);
		}
	}
	r = physinfo(&end);
	if (r < 0)
		report("pool-baseline", 0, "PHYSINFO failed (%ld)", r);
	else
		report("pool-baseline", end.free_pages == start.free_pages,
		       "free_pages %" PRIu64 " at the end, %" PRIu64 " at the start",
		       (uint64_t)end.free_pages, (uint64_t)start.free_pages);
	tess_close(h);
	printf("tess-abi-check: %u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
