/* SPDX-License-Identifier: MIT */
/*
 * tess-run: run freestanding test kernels (tests/guest) as child domains.
 *
 *   tess-run [--mem MiB] [--name N] [--count N] [--expect EXIT] KERNEL.elf
 *
 * For each child (one thread each): create it, load the kernel, run vCPU 0
 * until an exit that ends it, print its console output prefixed "[name] ",
 * print "TESS-RUN: <name> exit=<...>" and its exit counters, destroy it.
 * SIGINT or SIGTERM stops every child (exit=interrupted) and destroys it.
 * Afterwards the pool's free pages must be back to what they were before.
 * See usage() for the exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tessctrl.h"

#define MAX_COUNT 64
#define MAX_MEM_MIB (64u * 1024u)
#define CONSOLE_CHUNK 4096

static const char *prog = "tess-run";
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop_requested;

struct opts {
	uint64_t mem_bytes;
	const char *name;
	unsigned count;
	const char *expect;
	const char *kernel;
};

struct child {
	const struct opts *o;
	tess_handle *h;
	unsigned index;
	pthread_t thread;
	atomic_int done;
	char name[TESS_NAME_MAX];
	/* console line assembly */
	char line[1024];
	size_t line_len;
	int saw_pass, saw_fail;
	/* outcome */
	char exit_str[128];   /* "poweroff", "crashed:bad-gpa gpa=0x..." ... */
	int ok;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [--mem MiB] [--name NAME] [--count N] [--expect EXIT] KERNEL.elf\n"
"Run a freestanding test kernel (tests/guest) as Tessera child domain(s).\n"
"\n"
"  --mem MiB      child RAM, a multiple of 2 (default 4)\n"
"  --name NAME    child name (default: the kernel's file name without .elf);\n"
"                 with --count N > 1 the children are NAME-0 .. NAME-<N-1>\n"
"  --count N      run N children at once, one thread each (default 1, max %d)\n"
"  --expect EXIT  the exit each child must end with: poweroff, reboot, halted,\n"
"                 crashed (any crash) or crashed:REASON with REASON one of\n"
"                 triple-fault, bad-gpa, unhandled, bad-state, guest; or\n"
"                 interrupted (stopped by SIGINT/SIGTERM, e.g. Ctrl-C)\n"
"  -h, --help     this text\n"
"\n"
"Output: the child's console as '[name] ...' lines, then\n"
"  TESS-RUN: <name> exit=<poweroff|reboot|halted|crashed:<reason>[ gpa=0x..]|paused|\n"
"                         interrupted>\n"
"  TESS-RUN: <name> stats cpuid=.. msr=.. hypercall=.. npf=.. hlt=.. intr=.. io=.. other=..\n"
"  TESS-RUN: <name> destroyed domain <id>\n"
"  TESS-RUN: pool back to baseline (N pages)\n"
"Exit status 0 only if every child ended as --expect says (when given), printed\n"
"'TESS-GUEST: PASS <test>' (not required when a crash or interrupted is\n"
"expected) and no 'TESS-GUEST: FAIL' line, and the pool's free pages are back\n"
"to the baseline. A child stopped by a signal fails unless --expect interrupted.\n"
"1 if a child failed, 2 for bad arguments or files, 3 if the device is missing.\n",
		prog, MAX_COUNT);
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try '%s --help')\n", prog);
	exit(2);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return (errno || *end || *v > max) ? -1 : 0;
}

static int valid_expect(const char *e)
{
	static const char *const ok[] = {
		"poweroff", "reboot", "halted", "crashed", "crashed:triple-fault",
		"crashed:bad-gpa", "crashed:unhandled", "crashed:bad-state", "crashed:guest",
		"interrupted",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(e, ok[i]) == 0)
			return 1;
	return 0;
}

/* Does exit string (e.g. "crashed:bad-gpa gpa=0x1000") match --expect? */
static int exit_matches(const char *exit_str, const char *expect)
{
	size_t n = strcspn(exit_str, " ");

	if (strcmp(expect, "crashed") == 0)
		return strncmp(exit_str, "crashed:", 8) == 0;
	return strlen(expect) == n && strncmp(exit_str, expect, n) == 0;
}

static void describe_exit(const struct tess_run_exit *e, char *buf, size_t size)
{
	switch (e->reason) {
	case TESS_EXIT_HALTED:
		snprintf(buf, size, "halted");
		break;
	case TESS_EXIT_PAUSED:
		snprintf(buf, size, "paused");
		break;
	case TESS_EXIT_INTERRUPTED:
		snprintf(buf, size, "interrupted");
		break;
	case TESS_EXIT_SHUTDOWN:
		switch (e->detail) {
		case TESS_SHUTDOWN_POWEROFF: snprintf(buf, size, "poweroff"); break;
		case TESS_SHUTDOWN_REBOOT:   snprintf(buf, size, "reboot"); break;
		case TESS_SHUTDOWN_CRASH:    snprintf(buf, size, "crashed:guest"); break;
		default: snprintf(buf, size, "shutdown:%u", e->detail); break;
		}
		break;
	case TESS_EXIT_CRASHED:
		switch (e->detail) {
		case TESS_CRASH_TRIPLE_FAULT:
			snprintf(buf, size, "crashed:triple-fault rip=0x%" PRIx64, e->rip);
			break;
		case TESS_CRASH_BAD_GPA:
			snprintf(buf, size, "crashed:bad-gpa gpa=0x%" PRIx64 " rip=0x%" PRIx64,
				 e->gpa, e->rip);
			break;
		case TESS_CRASH_UNHANDLED:
			snprintf(buf, size, "crashed:unhandled code=0x%" PRIx64 " rip=0x%" PRIx64,
				 e->vendor_code, e->rip);
			break;
		case TESS_CRASH_BAD_STATE:
			snprintf(buf, size, "crashed:bad-state code=0x%" PRIx64, e->vendor_code);
			break;
		case TESS_SHUTDOWN_CRASH:
			snprintf(buf, size, "crashed:guest");
			break;
		default:
			snprintf(buf, size, "crashed:%u rip=0x%" PRIx64, e->detail, e->rip);
			break;
		}
		break;
	default:
		snprintf(buf, size, "unknown-exit:%u", e->reason);
		break;
	}
}

/* ---- console ------------------------------------------------------------- */

static void console_line(struct child *c)
{
	c->line[c->line_len] = '\0';
	if (c->line_len && c->line[c->line_len - 1] == '\r')
		c->line[--c->line_len] = '\0';
	if (strstr(c->line, "TESS-GUEST: FAIL"))
		c->saw_fail = 1;
	{
		const char *p = strstr(c->line, "TESS-GUEST: PASS ");

		if (p && p[17] && p[17] != ' ')
			c->saw_pass = 1;
	}
	out("[%s] %s\n", c->name, c->line);
	c->line_len = 0;
}

static void console_feed(struct child *c, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			console_line(c);
			continue;
		}
		if (c->line_len == sizeof(c->line) - 1)
			console_line(c);   /* over-long line: split it */
		c->line[c->line_len++] = buf[i];
	}
}

/* Read everything the child has written so far. */
static void console_drain(struct child *c, uint32_t domid, int final)
{
	char buf[CONSOLE_CHUNK];
	int n, rounds = 0;

	while ((n = tess_console_read(c->h, domid, buf, sizeof(buf))) > 0) {
		console_feed(c, buf, (size_t)n);
		if (++rounds > 4096)
			break;   /* a child writing as fast as we read */
	}
	if (n < 0)
		out("TESS-RUN: %s warning: %s\n", c->name, tess_last_error());
	if (final && c->line_len)
		console_line(c);
}

/* ---- one child ----------------------------------------------------------- */

static int random_uuid(uint8_t uuid[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, uuid, 16);
	close(fd);
	if (n != 16)
		return -EIO;
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);   /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	return 0;
}

static void *child_main(void *arg)
{
	struct child *c = arg;
	const struct opts *o = c->o;
	struct tess_run_exit ex;
	struct tess_exit_stats st;
	uint8_t uuid[16];
	int domid, err, ended = 0, stopped = 0;

	c->ok = 0;
	snprintf(c->exit_str, sizeof(c->exit_str), "none");
	err = random_uuid(uuid);
	if (err < 0) {
		out("TESS-RUN: %s error: /dev/urandom: %s\n", c->name, strerror(-err));
		goto done;
	}
	domid = tess_domain_create(c->h, c->name, uuid, o->mem_bytes, 1, TESS_PAGING_HAP);
	if (domid < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		goto done;
	}
	out("TESS-RUN: %s created domain %d (%" PRIu64 " MiB)\n", c->name, domid,
	    o->mem_bytes >> 20);
	err = tess_load_test_kernel(c->h, (uint32_t)domid, o->kernel, o->mem_bytes, NULL);
	if (err < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		goto destroy;
	}

	while (!ended) {
		if (atomic_load(&stop_requested)) {
			snprintf(c->exit_str, sizeof(c->exit_str), "interrupted");
			stopped = 1;
			break;
		}
		memset(&ex, 0, sizeof(ex));
		err = tess_vcpu_run(c->h, (uint32_t)domid, 0, &ex);
		console_drain(c, (uint32_t)domid, 0);
		if (err == -EINTR)
			continue;   /* stop_requested is checked above */
		if (err < 0) {
			out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
			snprintf(c->exit_str, sizeof(c->exit_str), "error:%s",
				 tess_strerror(err));
			break;
		}
		describe_exit(&ex, c->exit_str, sizeof(c->exit_str));
		/* Every exit RUN returns with ends the child (the module loops
		 * over interrupts and timed halts itself). */
		ended = 1;
	}
	console_drain(c, (uint32_t)domid, 1);
	out("TESS-RUN: %s exit=%s\n", c->name, c->exit_str);

	if (tess_domain_stats(c->h, (uint32_t)domid, &st) == 0)
		out("TESS-RUN: %s stats cpuid=%" PRIu64 " msr=%" PRIu64 " hypercall=%" PRIu64
		    " npf=%" PRIu64 " hlt=%" PRIu64 " intr=%" PRIu64 " io=%" PRIu64
		    " other=%" PRIu64 "\n", c->name,
		    st.count[TESS_STAT_CPUID], st.count[TESS_STAT_MSR],
		    st.count[TESS_STAT_HYPERCALL], st.count[TESS_STAT_NPF],
		    st.count[TESS_STAT_HLT], st.count[TESS_STAT_INTR],
		    st.count[TESS_STAT_IO], st.count[TESS_STAT_OTHER]);
	else
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());

	if (ended || stopped) {
		/* A crashed or stopped child cannot have printed its PASS line. */
		int no_pass_needed = o->expect && (strncmp(o->expect, "crashed", 7) == 0 ||
						   strcmp(o->expect, "interrupted") == 0);
		int ok = 1;

		if (stopped && !o->expect) {
			out("TESS-RUN: %s FAIL: stopped by a signal before it ended\n", c->name);
			ok = 0;
		} else if (o->expect && !exit_matches(c->exit_str, o->expect)) {
			out("TESS-RUN: %s FAIL: exit=%s, expected %s\n", c->name, c->exit_str,
			    o->expect);
			ok = 0;
		}
		if (c->saw_fail) {
			out("TESS-RUN: %s FAIL: the guest printed TESS-GUEST: FAIL\n", c->name);
			ok = 0;
		}
		if (!no_pass_needed && !c->saw_pass) {
			out("TESS-RUN: %s FAIL: no 'TESS-GUEST: PASS <test>' line on its console\n",
			    c->name);
			ok = 0;
		}
		c->ok = ok;
	}

destroy:
	err = tess_domain_destroy(c->h, (uint32_t)domid);
	if (err < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		c->ok = 0;
	} else {
		out("TESS-RUN: %s destroyed domain %d\n", c->name, domid);
	}
done:
	atomic_store(&c->done, 1);
	return NULL;
}

static void on_wake(int sig)
{
	(void)sig;   /* only interrupts the RUN ioctl */
}

/* Child names: NAME, or NAME-i with --count > 1; [A-Za-z0-9_.-] only. */
static void make_name(const struct opts *o, unsigned i, char *buf, size_t size)
{
	char base[TESS_NAME_MAX];
	size_t k;

	if (o->name) {
		snprintf(base, sizeof(base), "%s", o->name);
	} else {
		const char *b = strrchr(o->kernel, '/');
		size_t n;

		b = b ? b + 1 : o->kernel;
		snprintf(base, sizeof(base), "%s", b);
		n = strlen(base);
		if (n > 4 && strcmp(base + n - 4, ".elf") == 0)
			base[n - 4] = '\0';
		for (k = 0; base[k]; k++) {
			char ch = base[k];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
				base[k] = '_';
		}
		if (!base[0])
			snprintf(base, sizeof(base), "child");
	}
	if (o->count > 1) {
		base[TESS_NAME_MAX - 5] = '\0';
		snprintf(buf, size, "%s-%u", base, i);
	} else {
		snprintf(buf, size, "%s", base);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 4ull << 20, NULL, 1, NULL, NULL };
	struct tess_physinfo before, after;
	struct child *children;
	struct sigaction sa;
	sigset_t stopset, wakeset;
	unsigned long v;
	unsigned i, failed = 0;
	int pool_ok = 0;
	tess_handle *h;
	int opt, err;

	prog = argv[0] && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : "tess-run";
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (parse_uint(optarg, MAX_MEM_MIB, &v) || v == 0 || v % 2)
				die_usage("--mem '%s': want a positive even number of MiB (at most %u)",
					  optarg, MAX_MEM_MIB);
			o.mem_bytes = (uint64_t)v << 20;
			break;
		case 'n': {
			const char *p;

			if (!*optarg || strlen(optarg) > TESS_NAME_MAX - 6)
				die_usage("--name '%s': want 1..%d characters", optarg,
					  TESS_NAME_MAX - 6);
			for (p = optarg; *p; p++)
				if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789_.-", *p))
					die_usage("--name '%s': only [A-Za-z0-9_.-] allowed", optarg);
			o.name = optarg;
			break;
		}
		case 'c':
			if (parse_uint(optarg, MAX_COUNT, &v) || v == 0)
				die_usage("--count '%s': want 1..%d", optarg, MAX_COUNT);
			o.count = (unsigned)v;
			break;
		case 'e':
			if (!valid_expect(optarg))
				die_usage("--expect '%s': want poweroff, reboot, halted, crashed, "
					  "crashed:<triple-fault|bad-gpa|unhandled|bad-state|guest> "
					  "or interrupted", optarg);
			o.expect = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "(try '%s --help')\n", prog);
			return 2;
		}
	}
	if (optind >= argc)
		die_usage("no KERNEL.elf given");
	if (optind + 1 < argc)
		die_usage("one KERNEL.elf expected, got %d arguments", argc - optind);
	o.kernel = argv[optind];

	/* Check the file before touching the hypervisor. */
	{
		FILE *f = fopen(o.kernel, "rb");
		struct stat sb;
		unsigned char *img;
		uint64_t entry;

		if (!f) {
			fprintf(stderr, "%s: error: %s: %s\n", prog, o.kernel, strerror(errno));
			return 2;
		}
		if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
			fprintf(stderr, "%s: error: %s: not a regular file\n", prog, o.kernel);
			fclose(f);
			return 2;
		}
		img = malloc(sb.st_size ? (size_t)sb.st_size : 1);
		if (!img || fread(img, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
			fprintf(stderr, "%s: error: %s: cannot read it\n", prog, o.kernel);
			fclose(f);
			free(img);
			return 2;
		}
		fclose(f);
		err = tess_check_test_kernel(img, (size_t)sb.st_size, o.kernel, o.mem_bytes, &entry);
		free(img);
		if (err < 0) {
			fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
			return 2;
		}
	}

	err = tess_open(&h);
	if (err < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return 3;
	}
	err = tess_physinfo(h, &before);
	if (err < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		tess_close(h);
		return 3;
	}
	out("TESS-RUN: %s: %u child(ren) of %" PRIu64 " MiB; pool has %" PRIu64 " free pages\n",
	    o.kernel, o.count, o.mem_bytes >> 20, (uint64_t)before.free_pages);

	/* SIGINT/SIGTERM are taken by the main thread (sigtimedwait), which then
	 * wakes the runner threads with SIGUSR1 so their RUN calls return. */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGINT);
	sigaddset(&stopset, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stopset, NULL);
	/* A shell without job control starts background commands with SIGINT
	 * ignored; the runner must still stop on it (it is only waited for). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;   /* no SA_RESTART: the ioctl returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&wakeset);
	sigaddset(&wakeset, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &wakeset, NULL);

	children = calloc(o.count, sizeof(*children));
	if (!children) {
		fprintf(stderr, "%s: error: out of memory\n", prog);
		tess_close(h);
		return 1;
	}
	for (i = 0; i < o.count; i++) {
		struct child *c = &children[i];

		c->o = &o;
		c->h = h;
		c->index = i;
		make_name(&o, i, c->name, sizeof(c->name));
		err = pthread_create(&c->thread, NULL, child_main, c);
		if (err) {
			out("TESS-RUN: %s error: cannot start a thread: %s\n", c->name,
			    strerror(err));
			atomic_store(&c->done, 1);
			c->thread = 0;
		}
	}

	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		unsigned alive = 0;
		int sig = sigtimedwait(&stopset, NULL, &ts);

		if (sig == SIGINT || sig == SIGTERM) {
			if (!atomic_exchange(&stop_requested, 1))
				out("TESS-RUN: %s received, stopping the children\n",
				    sig == SIGINT ? "SIGINT" : "SIGTERM");
		}
		for (i = 0; i < o.count; i++) {
			if (atomic_load(&children[i].done))
				continue;
			alive++;
			if (atomic_load(&stop_requested) && children[i].thread)
				pthread_kill(children[i].thread, SIGUSR1);
		}
		if (!alive)
			break;
	}
	for (i = 0; i < o.count; i++) {
		if (children[i].thread)
			pthread_join(children[i].thread, NULL);
		if (!children[i].ok)
			failed++;
	}

	err = tess_physinfo(h, &after);
	if (err < 0) {
		out("TESS-RUN: error: %s\n", tess_last_error());
	} else if (after.free_pages == before.free_pages) {
		out("TESS-RUN: pool back to baseline (%" PRIu64 " pages)\n",
		    (uint64_t)after.free_pages);
		pool_ok = 1;
	} else {
		out("TESS-RUN: error: pool has %" PRIu64 " free pages, %" PRIu64
		    " before the children (%+" PRId64 ")\n", (uint64_t)after.free_pages,
		    (uint64_t)before.free_pages,
		    (int64_t)(after.free_pages - before.free_pages));
	}
	tess_close(h);
	free(children);
	if (failed || !pool_ok)
		out("TESS-RUN: FAIL (%u of %u child(ren) failed%s)\n", failed, o.count,
		    pool_ok ? "" : "; pool not back to baseline");
	else
		out("TESS-RUN: PASS (%u child(ren))\n", o.count);
	return (failed || !pool_ok) ? 1 : 0;
}
