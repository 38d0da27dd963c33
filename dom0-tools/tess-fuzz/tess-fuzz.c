/* SPDX-License-Identifier: MIT */
/*
 * tess-fuzz: random hypercalls from dom0 through /dev/tessera (libctrl's
 * tess_hypercall_raw), checking that the hypervisor survives, answers with
 * documented results, and leaves the pool and the domain table as it found
 * them.
 *
 *   tess-fuzz [--seed N] [--count N]
 *
 * Safety: dom0 is identity mapped and any GPA inside its RAM is a legitimate
 * buffer, so an argument the hypervisor takes as a GPA is never drawn inside
 * one of dom0's "System RAM" ranges (/sys/firmware/memmap) (the module's
 * bounce buffer is always TESS_BUF_MAX bytes, the most any call writes); and calls that change or read a domain (destroy, pause, unpause,
 * console, copy-in, set-state, power button) never name a domain that
 * existed before the fuzz started (a power-button press of dom0 itself is
 * made: it must always be refused). Deterministic for a seed (xorshift64*).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "public/dom0_ioctl.h"   /* TESS_BUF_IN, TESS_BUF_OUT */
#include "tessctrl.h"

#define MAX_RANGES 128
#define MAX_DOMS 256
#define MAX_FAIL_LINES 20
#define RUN_CALLS 8          /* VCPU_RUN attempts (the ioctl must refuse them) */
#define CHECK_EVERY 1000
#define PROGRESS_EVERY 20000

static const char *prog = "tess-fuzz";

/* ---- PRNG: xorshift64* --------------------------------------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ull ^ 0xd1b54a32d192ed03ull;
	if (!rng_state)
		rng_state = 1;
}

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform-enough value in [0, n) (n > 0). */
static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* ---- dom0's memory map ---------------------------------------------------- */

struct range {
	uint64_t start, end;   /* inclusive */
};

static struct range ram[MAX_RANGES], reserved[MAX_RANGES];
static unsigned nram, nreserved;

static int read_u64_file(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	char buf[64];
	char *end;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return (errno || end == buf) ? -1 : 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int read_memmap(void)
{
	DIR *d = opendir("/sys/firmware/memmap");
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300], type[64];
		struct range r;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/start", de->d_name);
		if (read_u64_file(path, &r.start))
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/end", de->d_name);
		if (read_u64_file(path, &r.end))
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%s/type", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(type, sizeof(type), f))
			type[0] = '\0';
		fclose(f);
		type[strcspn(type, "\n")] = '\0';
		if (strcmp(type, "System RAM") == 0) {
			if (nram < MAX_RANGES)
				ram[nram++] = r;
		} else if (nreserved < MAX_RANGES) {
			reserved[nreserved++] = r;
		}
	}
	closedir(d);
	/* readdir order is not a promise: sort, so a seed draws the same values. */
	qsort(ram, nram, sizeof(ram[0]), range_cmp);
	qsort(reserved, nreserved, sizeof(reserved[0]), range_cmp);
	return nram ? 0 : -1;
}

static int in_ram(uint64_t v)
{
	unsigned i;

	for (i = 0; i < nram; i++)
		if (v >= ram[i].start && v <= ram[i].end)
			return 1;
	return 0;
}

/* ---- argument values ------------------------------------------------------ */

#define HV_IMAGE_START 0x200000ull
#define HV_IMAGE_END   0x230000ull

/* 2^k or 2^k - 1 for a random k < 64. */
static uint64_t draw_power_of_two(void)
{
	unsigned k = (unsigned)rnd_below(64);

	return rnd_below(2) ? (1ull << k) : (1ull << k) - 1;
}

/* An address in the hypervisor image, page aligned half of the time. */
static uint64_t draw_hv_image_addr(void)
{
	uint64_t off = rnd_below(HV_IMAGE_END - HV_IMAGE_START);

	return HV_IMAGE_START + (rnd_below(2) ? off & ~0xfffull : off);
}

/* An address in or at the edge of a reserved range (the pool, ...). */
static uint64_t draw_reserved_addr(void)
{
	const struct range *r;
	uint64_t span;

	if (!nreserved)
		return 0x40000000ull + rnd_below(1ull << 30);
	r = &reserved[rnd_below(nreserved)];
	span = r->end - r->start + 1;
	switch (rnd_below(4)) {
	case 0: return r->start;
	case 1: return r->end - rnd_below(64);         /* runs past the end */
	case 2: return r->start + (rnd_below(span) & ~0xfffull);
	default: return r->start + rnd_below(span);
	}
}

/* The local APIC or the I/O APIC page. */
static uint64_t draw_mmio_addr(void)
{
	return (rnd_below(2) ? 0xfee00000ull : 0xfec00000ull) +
	       (rnd_below(2) ? 0 : rnd_below(0x1000));
}

static uint64_t draw_addr_above_4g(void)
{
	switch (rnd_below(3)) {
	case 0: return (1ull << 32) + (rnd_below(1ull << 32) & ~0xfffull);
	case 1: return 0xfd00000000ull + rnd_below(1ull << 20);
	default: return (1ull << 40) + rnd_below(1ull << 40);
	}
}

/* An address in the last 64 bytes of a page below 4 GiB. */
static uint64_t draw_page_crossing_addr(void)
{
	uint64_t page = rnd_below(1ull << 20) << 12;

	return page + 0x1000 - 1 - rnd_below(64);
}

/* A length at or near the bounce buffer's limits. */
static uint64_t draw_buffer_length(void)
{
	switch (rnd_below(6)) {
	case 0: return TESS_BUF_MAX;
	case 1: return TESS_BUF_MAX + 1;
	case 2: return TESS_BUF_MAX - 1;
	case 3: return 0x1000 + rnd_below(16) - 8;
	case 4: return (uint64_t)TESS_BUF_MAX << rnd_below(20);
	default: return rnd_below(TESS_BUF_MAX + 64);
	}
}

static uint64_t draw_value(void)
{
	switch (rnd_below(16)) {
	case 0:  return 0;
	case 1:  return 1;
	case 2:  return rnd_below(4097);                            /* small ints */
	case 3:  return rnd_below(8) ? rnd_below(71) : TESS_DOMID_SELF;   /* domids */
	case 4:  return draw_power_of_two();
	case 5:  return UINT64_MAX;                                 /* -1 */
	case 6:  return rnd();                                      /* random 64-bit */
	case 7:  return draw_hv_image_addr();
	case 8:
	case 9:  return draw_reserved_addr();
	case 10: return draw_mmio_addr();
	case 11: return draw_addr_above_4g();
	case 12: return draw_page_crossing_addr();
	case 13: return draw_buffer_length();
	case 14: return (1ull << 63) + rnd_below(1ull << 16) - (1ull << 15);   /* huge lengths */
	default: return rnd_below(129);                             /* structure sizes */
	}
}

/* Is argument i of call nr taken as a GPA in the caller (dom0)? Unknown
 * calls: every argument counts (the hypervisor should answer ENOSYS, but
 * nothing in dom0's RAM is offered to it either). */
static int is_gpa_arg(uint64_t nr, unsigned i)
{
	switch (nr) {
	case TESS_HC_VERSION:       return 0;
	case TESS_HC_PHYSINFO:      return i == 0;
	case TESS_HC_LOG_READ:      return i == 0;
	case TESS_HC_DOMAIN_CREATE: return i == 0;
	case TESS_HC_DOMAIN_DESTROY:
	case TESS_HC_DOMAIN_PAUSE:
	case TESS_HC_DOMAIN_UNPAUSE: return 0;
	case TESS_HC_DOMAIN_INFO:   return i == 1;
	case TESS_HC_DOMAIN_LIST:   return i == 0;
	case TESS_HC_MEMORY_COPY_IN: return i == 2;
	case TESS_HC_VCPU_SET_STATE: return i == 0;
	case TESS_HC_VCPU_RUN:      return i == 2;
	case TESS_HC_CONSOLE_WRITE:
	case TESS_HC_CONSOLE_READ:  return i == 1;
	case TESS_HC_DOMAIN_STATS:  return i == 1;
	case TESS_HC_SHUTDOWN:      return 0;
	case TESS_HC_DOMAIN_POWER_BUTTON: return 0;
	default:                    return 1;
	}
}


/* ---- domains -------------------------------------------------------------- */

static uint32_t start_ids[MAX_DOMS];
static int nstart;

static int preexisting(uint64_t domid)
{
	int i;

	if (domid == TESS_DOMID_SELF || (uint32_t)domid == TESS_DOMID_SELF)
		return 1;
	for (i = 0; i < nstart; i++)
		if (domid == start_ids[i] || (uint32_t)domid == start_ids[i])
			return 1;
	return 0;
}

static int list_domains(tess_handle *h, uint32_t *ids, size_t max)
{
	int n = tess_domain_list(h, ids, max);

	if (n > (int)max)
		n = (int)max;
	return n;
}

/* ---- results -------------------------------------------------------------- */

static const struct {
	int code;
	const char *name;
} err_names[] = {
	{ TESS_EPERM, "EPERM" }, { TESS_ENOENT, "ENOENT" }, { TESS_E2BIG, "E2BIG" },
	{ TESS_ENOMEM, "ENOMEM" }, { TESS_EFAULT, "EFAULT" }, { TESS_EBUSY, "EBUSY" },
	{ TESS_EEXIST, "EEXIST" }, { TESS_EINVAL, "EINVAL" }, { TESS_ENOSPC, "ENOSPC" },
	{ TESS_ERANGE, "ERANGE" }, { TESS_ENOSYS, "ENOSYS" },
};
#define NERR (sizeof(err_names) / sizeof(err_names[0]))

static uint64_t err_count[NERR];
static uint64_t ok_results, ioctl_einval, skipped;
static unsigned failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (failures > MAX_FAIL_LINES) {
		if (failures == MAX_FAIL_LINES + 1)
			printf("TESS-FUZZ: (further failures not shown)\n");
		return;
	}
	printf("TESS-FUZZ: FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int err_index(int64_t r)
{
	unsigned i;

	for (i = 0; i < NERR; i++)
		if (r == -err_names[i].code)
			return (int)i;
	return -1;
}

/* ---- one call ------------------------------------------------------------- */

static uint8_t bounce[TESS_BUF_MAX + 16];

struct call {
	uint64_t nr;
	uint64_t a[4];
	int use_buf;
	uint32_t buf_len, buf_arg, buf_dir;
};

static void fill_random(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t v = rnd();

		memcpy(p + i, &v, 8);
	}
	for (; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* Sometimes put a well-formed structure into the bounce buffer, so that the
 * deeper paths (a real create, a real vCPU state) are reached too. */
static void shape_buffer(struct call *c)
{
	if (c->buf_arg != 0 || !(c->buf_dir & TESS_BUF_IN) || rnd_below(4))
		return;
	if (c->nr == TESS_HC_DOMAIN_CREATE && c->buf_len >= sizeof(struct tess_domain_create)) {
		struct tess_domain_create dc;

		memset(&dc, 0, sizeof(dc));
		fill_random(dc.uuid, sizeof(dc.uuid));
		snprintf(dc.name, sizeof(dc.name), "fz%" PRIu64, rnd_below(200));
		dc.memory_bytes = rnd_below(8) ? (rnd_below(4) + 1) * TESS_MEM_ALIGN : draw_value();
		dc.max_vcpus = rnd_below(8) ? (uint32_t)rnd_below(4) + 1 : (uint32_t)rnd_below(70);
		dc.paging = rnd_below(8) ? TESS_PAGING_HAP : (uint32_t)rnd_below(3);
		memcpy(bounce, &dc, sizeof(dc));
	} else if (c->nr == TESS_HC_VCPU_SET_STATE && c->buf_len >= 8) {
		struct tess_vcpu_state st;
		size_t n = c->buf_len < sizeof(st) ? c->buf_len : sizeof(st);

		memcpy(&st, bounce, sizeof(st));
		st.domid = (uint32_t)rnd_below(71);
		st.vcpu = (uint32_t)rnd_below(5);
		st.mode = (uint32_t)rnd_below(3);
		st.rflags = rnd_below(2) ? 2 : st.rflags;
		st.cr3 = rnd_below(2) ? 0x1000 : st.cr3;
		memcpy(bounce, &st, n);
	}
}

/* The call number: force_run makes it VCPU_RUN; otherwise mostly a real
 * call or one just past the last, sometimes any 64-bit number. */
static uint64_t draw_nr(int force_run)
{
	if (force_run)
		return TESS_HC_VCPU_RUN;
	if (rnd_below(64) == 0)
		return rnd_below(2) ? rnd() : (1ull << rnd_below(64)) + rnd_below(3) - 1;
	return rnd_below(TESS_HC_COUNT + 4);
}

/* The four arguments, none that the call takes as a GPA inside dom0's RAM. */
static void draw_args(struct call *c)
{
	unsigned i;
	int tries;

	for (i = 0; i < 4; i++) {
		c->a[i] = draw_value();
		for (tries = 0; is_gpa_arg(c->nr, i) && in_ram(c->a[i]); tries++)
			c->a[i] = tries < 64 ? draw_value() : 0xfee00000ull;
	}
}

/* Is this a power-button press for dom0 itself (always refused, unless a
 * bounce buffer's address replaces a0)? */
static int presses_dom0(const struct call *c)
{
	return c->nr == TESS_HC_DOMAIN_POWER_BUTTON &&
	       (c->a[0] == TESS_DOMID_DOM0 || c->a[0] == TESS_DOMID_SELF);
}

/* Does the call change or read a domain that existed before the fuzz?
 * (A power-button press would ask it to shut down; dom0 has none.) */
static int names_prior_domain(const struct call *c)
{
	switch (c->nr) {
	case TESS_HC_DOMAIN_POWER_BUTTON:
		return !presses_dom0(c) && preexisting(c->a[0]);
	case TESS_HC_DOMAIN_DESTROY:
	case TESS_HC_DOMAIN_PAUSE:
	case TESS_HC_DOMAIN_UNPAUSE:
	case TESS_HC_CONSOLE_WRITE:
	case TESS_HC_CONSOLE_READ:
	case TESS_HC_MEMORY_COPY_IN:
		return preexisting(c->a[0]);
	default:
		return 0;
	}
}

static uint32_t draw_buf_len(void)
{
	switch (rnd_below(4)) {
	case 0: return (uint32_t)rnd_below(129);
	case 1: return (uint32_t)rnd_below(4097);
	case 2: return (uint32_t)rnd_below(TESS_BUF_MAX + 17);
	default: return rnd_below(2) ? TESS_BUF_MAX : TESS_BUF_MAX + 1;
	}
}

/* A bounce buffer: its fields (sometimes out of range) and random contents,
 * sometimes shaped into a well-formed structure. */
static void draw_buffer(struct call *c)
{
	c->buf_len = draw_buf_len();
	c->buf_arg = rnd_below(16) ? (uint32_t)rnd_below(4) : (uint32_t)rnd();
	c->buf_dir = rnd_below(16) ? (uint32_t)rnd_below(4) : (uint32_t)rnd();
	c->use_buf = 1;
	fill_random(bounce, c->buf_len);
	shape_buffer(c);
}

/* VCPU_SET_STATE takes its target domid from the structure: safe only when
 * we put the structure there and it does not name a prior domain. */
static int unsafe_set_state(const struct call *c)
{
	uint32_t domid;

	if (c->nr != TESS_HC_VCPU_SET_STATE || !c->use_buf || c->buf_arg != 0)
		return 0;
	if (!(c->buf_dir & TESS_BUF_IN) || c->buf_len < 4)
		return 1;
	memcpy(&domid, bounce, 4);
	return preexisting(domid);
}

/* Draw a call that is safe to make (skipped draws are counted); force_run:
 * make it a VCPU_RUN, which the ioctl must refuse. */
static void draw_call(struct call *c, int force_run)
{
	for (;;) {
		memset(c, 0, sizeof(*c));
		c->nr = draw_nr(force_run);
		if (c->nr == TESS_HC_VCPU_RUN && !force_run) {
			skipped++;
			continue;
		}
		draw_args(c);
		if (names_prior_domain(c)) {
			skipped++;
			continue;
		}
		if (rnd_below(2))
			draw_buffer(c);
		if (unsafe_set_state(c)) {
			skipped++;
			continue;
		}
		return;
	}
}

static const char *dir_name(uint32_t d)
{
	switch (d) {
	case 0: return "none";
	case TESS_BUF_IN: return "in";
	case TESS_BUF_OUT: return "out";
	case TESS_BUF_IN | TESS_BUF_OUT: return "inout";
	default: return "bad";
	}
}

static void describe(const struct call *c, char *buf, size_t size)
{
	int n = snprintf(buf, size, "nr=%" PRIu64 " a=[0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
			 " 0x%" PRIx64 "]", c->nr, c->a[0], c->a[1], c->a[2], c->a[3]);

	if (c->use_buf && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " buf=%u@a%u/%s", c->buf_len, c->buf_arg,
			 dir_name(c->buf_dir));
}

static uint32_t created[MAX_DOMS];
static unsigned ncreated;

static void do_call(tess_handle *h, uint64_t idx, const struct call *c)
{
	int expect_einval = c->nr == TESS_HC_VCPU_RUN ||
		(c->use_buf && (c->buf_len > TESS_BUF_MAX || c->buf_arg > 3 ||
				(c->buf_dir & ~(TESS_BUF_IN | TESS_BUF_OUT))));
	char what[200];
	int64_t r = 0;
	int err, e;

	err = tess_hypercall_raw(h, c->nr, c->a, c->use_buf ? bounce : NULL,
				 c->use_buf ? c->buf_len : 0, c->use_buf ? c->buf_arg : 0,
				 c->use_buf ? c->buf_dir : 0, &r);
	if (expect_einval) {
		if (err == -EINVAL) {
			ioctl_einval++;
			return;
		}
		describe(c, what, sizeof(what));
		fail("call %" PRIu64 " %s: ioctl returned %d (result %" PRId64
		     "), expected EINVAL from the module", idx, what, err, r);
		return;
	}
	if (err < 0) {
		describe(c, what, sizeof(what));
		fail("call %" PRIu64 " %s: ioctl failed: %s", idx, what, strerror(-err));
		return;
	}
	if (r >= 0) {
		ok_results++;
		if (c->nr == TESS_HC_DOMAIN_CREATE && r > 0 && ncreated < MAX_DOMS)
			created[ncreated++] = (uint32_t)r;
	} else {
		e = err_index(r);
		if (e >= 0) {
			err_count[e]++;
		} else {
			describe(c, what, sizeof(what));
			fail("call %" PRIu64 " %s: undocumented result %" PRId64, idx, what, r);
		}
	}
	/* Results the ABI fixes whatever the arguments. */
	if ((c->nr >= TESS_HC_COUNT && r != -TESS_ENOSYS) ||
	    (c->nr == TESS_HC_VERSION && r != (int64_t)TESS_INTERFACE_VERSION) ||
	    (c->nr == TESS_HC_SHUTDOWN && r != -TESS_EPERM) ||
	    (presses_dom0(c) && !(c->use_buf && c->buf_arg == 0) && r != -TESS_EINVAL)) {
		describe(c, what, sizeof(what));
		fail("call %" PRIu64 " %s: gave %" PRId64 ", expected %s", idx, what, r,
		     c->nr >= TESS_HC_COUNT ? "-ENOSYS (no such call)" :
		     c->nr == TESS_HC_VERSION ? "TESS_INTERFACE_VERSION" :
		     c->nr == TESS_HC_SHUTDOWN ? "-EPERM (SHUTDOWN is for children)" :
		     "-EINVAL (dom0 has no power button)");
	}
}

/* ---- main ----------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [--seed N] [--count N]\n"
"Make N random hypercalls from dom0 (default 100000, seed 1) and check that the\n"
"hypervisor stays up (VERSION every %d calls), gives only documented results,\n"
"and that the pool's free pages and the domain list are unchanged at the end.\n"
"GPA arguments are never inside dom0's System RAM (/sys/firmware/memmap), and\n"
"domains that existed before are never destroyed, paused or written.\n"
"Exit status 0 on PASS, 1 on FAIL, 2 for bad arguments, 3 without the device.\n",
		prog, CHECK_EVERY);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || *end) ? -1 : 0;
}

/* The number given to --name, or -1 with a message. */
static int parse_number_option(const char *name, const char *arg, uint64_t *v)
{
	if (parse_u64(arg, v) == 0)
		return 0;
	fprintf(stderr, "%s: error: --%s '%s': want a number\n", prog, name, arg);
	return -1;
}

#define OPTIONS_OK -1

/* Parse the command line into *seed and *count. Returns OPTIONS_OK, or the exit
 * status (0 after --help, 2 for bad arguments). */
static int parse_options(int argc, char **argv, uint64_t *seed, uint64_t *count)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (parse_number_option("seed", optarg, seed) < 0)
				return 2;
			break;
		case 'c':
			if (parse_number_option("count", optarg, count) < 0)
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "(try '%s --help')\n", prog);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: error: unexpected argument '%s'\n(try '%s --help')\n",
			prog, argv[optind], prog);
		return 2;
	}
	return OPTIONS_OK;
}

/* The pool's free pages and the domains that exist before the fuzz. */
static int take_baseline(tess_handle *h, struct tess_physinfo *before)
{
	if (tess_physinfo(h, before) < 0 || (nstart = list_domains(h, start_ids, MAX_DOMS)) < 0) {
		printf("TESS-FUZZ: FAIL: baseline: %s\n", tess_last_error());
		return -1;
	}
	return 0;
}

static void print_baseline(uint64_t seed, uint64_t count, const struct tess_physinfo *before)
{
	char line[1024];
	size_t len;
	unsigned k;

	len = 0;
	for (k = 0; k < nram && len < sizeof(line); k++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " 0x%" PRIx64 "-0x%" PRIx64,
					ram[k].start, ram[k].end);
	printf("TESS-FUZZ: seed %" PRIu64 ", %" PRIu64 " calls; dom0 System RAM:%s\n", seed,
	       count, line);
	len = 0;
	for (k = 0; k < (unsigned)nstart && len < sizeof(line); k++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %u", start_ids[k]);
	printf("TESS-FUZZ: baseline: %" PRIu64 " free pages, domains:%s\n",
	       (uint64_t)before->free_pages, line);
	fflush(stdout);
}

/* Does the hypervisor still answer VERSION correctly after `done` calls? */
static int hypervisor_answers(tess_handle *h, uint64_t done)
{
	uint32_t v = 0;
	int err = tess_version(h, &v);

	if (err < 0 || v != TESS_INTERFACE_VERSION) {
		fail("after %" PRIu64 " calls: VERSION gave %d (0x%x): %s", done,
		     err, v, err < 0 ? tess_last_error() : "wrong version");
		return 0;
	}
	return 1;
}

struct fuzz_run {
	uint64_t calls;         /* made */
	unsigned runs_done;     /* VCPU_RUN among them */
	int stopped;            /* the hypervisor stopped answering */
	double seconds;
};

/* Make up to count calls (a few of them VCPU_RUN, spread over the run),
 * checking VERSION every CHECK_EVERY calls and after the last. */
static void run_calls(tess_handle *h, uint64_t count, struct fuzz_run *run)
{
	uint64_t run_every = count / RUN_CALLS ? count / RUN_CALLS : 1, i;
	struct timespec t0, t1;

	memset(run, 0, sizeof(*run));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		struct call c;

		draw_call(&c, run->runs_done < RUN_CALLS && i % run_every == run_every / 2);
		if (c.nr == TESS_HC_VCPU_RUN)
			run->runs_done++;
		do_call(h, i, &c);
		if (((i + 1) % CHECK_EVERY == 0 || i + 1 == count) && !hypervisor_answers(h, i + 1)) {
			run->stopped = 1;
			i++;
			break;
		}
		if ((i + 1) % PROGRESS_EVERY == 0) {
			printf("TESS-FUZZ: %" PRIu64 " calls done\n", i + 1);
			fflush(stdout);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	run->calls = i;
	run->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* Destroy what the fuzz created: every domain not in the start list
 * (a create can succeed and still report EFAULT for the write-back). */
static void destroy_leftovers(tess_handle *h)
{
	uint32_t ids[MAX_DOMS];
	unsigned destroyed = 0, k;
	int n = list_domains(h, ids, MAX_DOMS);

	if (n < 0) {
		fail("domain list at the end: %s", tess_last_error());
		return;
	}
	for (k = 0; k < (unsigned)n; k++) {
		if (preexisting(ids[k]))
			continue;
		if (tess_domain_destroy(h, ids[k]) < 0)
			fail("destroying domain %u created by the fuzz: %s", ids[k],
			     tess_last_error());
		else
			destroyed++;
	}
	printf("TESS-FUZZ: %u domain create(s) succeeded; %u left-over domain(s) "
	       "destroyed\n", ncreated, destroyed);
}

/* The pool's free pages and the domain list must be as before the fuzz. */
static void check_final_state(tess_handle *h, const struct tess_physinfo *before)
{
	struct tess_physinfo after;
	uint32_t ids[MAX_DOMS];
	unsigned k;
	int n, same;

	if (tess_physinfo(h, &after) < 0)
		fail("physinfo at the end: %s", tess_last_error());
	else if (after.free_pages != before->free_pages)
		fail("pool has %" PRIu64 " free pages, %" PRIu64 " before the fuzz",
		     (uint64_t)after.free_pages, (uint64_t)before->free_pages);
	n = list_domains(h, ids, MAX_DOMS);
	if (n < 0)
		return;
	same = n == nstart;
	for (k = 0; same && k < (unsigned)n; k++)
		same = ids[k] == start_ids[k];
	if (!same)
		fail("domain list changed: %d domain(s) now, %d before", n, nstart);
}

/* The summary line and the verdict; returns the exit status. */
static int report(const struct fuzz_run *run)
{
	char line[1024];
	size_t len = 0;
	unsigned k;

	line[0] = '\0';
	for (k = 0; k < NERR; k++)
		if (err_count[k] && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s=%" PRIu64,
						len ? " " : "", err_names[k].name, err_count[k]);
	printf("TESS-FUZZ: %" PRIu64 " calls, %" PRIu64 " ok results, errors by code: %s; "
	       "ioctl EINVAL=%" PRIu64 " (VCPU_RUN %u); %" PRIu64 " unsafe draws skipped; "
	       "%.1f s\n", run->calls, ok_results, len ? line : "none", ioctl_einval,
	       run->runs_done, skipped, run->seconds);
	if (failures || run->stopped) {
		printf("TESS-FUZZ: FAIL (%u failure(s)%s)\n", failures,
		       run->stopped ? "; stopped early: the hypervisor stopped answering" : "");
		return 1;
	}
	printf("TESS-FUZZ: PASS\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, count = 100000;
	struct tess_physinfo before;
	struct fuzz_run run;
	tess_handle *h;
	int status;

	prog = argv[0] && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : "tess-fuzz";
	status = parse_options(argc, argv, &seed, &count);
	if (status != OPTIONS_OK)
		return status;
	if (read_memmap() < 0) {
		printf("TESS-FUZZ: FAIL: cannot read dom0's System RAM ranges from "
		       "/sys/firmware/memmap; not fuzzing without them\n");
		return 1;
	}
	if (tess_open(&h) < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return 3;
	}
	if (take_baseline(h, &before) < 0) {
		tess_close(h);
		return 1;
	}
	print_baseline(seed, count, &before);
	rng_seed(seed);
	run_calls(h, count, &run);
	destroy_leftovers(h);
	check_final_state(h, &before);
	if (run.runs_done == 0 && run.calls >= RUN_CALLS * 2)
		fail("no VCPU_RUN call was made");
	tess_close(h);
	return report(&run);
}
