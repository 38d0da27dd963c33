/* SPDX-License-Identifier: MIT */
/*
 * tess-boot: boot a Linux bzImage as a child domain (libctrl's Linux domain
 * builder) and show its console.
 *
 *   tess-boot [--mem MiB] [--name N] [--cmdline S] [--timeout S] KERNEL [INITRD]
 *
 * Creates a 1-vCPU domain, loads the kernel with tess_load_linux(), runs
 * vCPU 0 on a thread and copies the child's console output to stdout every
 * 50 ms from the main thread (TESS_IOCTL_RUN only returns for exits that end
 * the child, so the RUN thread itself could drain the console only at the
 * end). Then prints
 *   TESS-BOOT: <name> exit=poweroff|reboot|crashed:<reason>|timeout|interrupted
 *   TESS-BOOT: <name> stats ...
 * destroys the domain and checks that the pool's free pages are back to
 * where they were. --timeout (or SIGINT/SIGTERM) stops the RUN thread with a
 * signal. Exit status 0 for poweroff or reboot, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tessctrl.h"

#define DRAIN_MS 50
#define KICK_SIGNAL SIGUSR1

struct opts {
	uint64_t mem_bytes;
	const char *name, *cmdline, *kernel, *initrd;
	double timeout;          /* seconds, 0: none */
};

struct runner {
	tess_handle *h;
	uint32_t domid;
	atomic_int stop, done;
	int err;                 /* RUN's error, 0 if it ended with an exit */
	struct tess_run_exit ex;
};

static volatile sig_atomic_t got_term;

static void on_term(int sig) { (void)sig; got_term = 1; }
static void on_kick(int sig) { (void)sig; }

static void usage(FILE *f)
{
	fprintf(f,
"usage: tess-boot [--mem MiB] [--name N] [--cmdline S] [--timeout S] KERNEL [INITRD]\n"
"Boot a Linux bzImage (and initramfs) as a 1-vCPU child and print its console.\n"
"  --mem MiB      child memory, a multiple of 2 (default 256)\n"
"  --name N       domain name (default linux)\n"
"  --cmdline S    kernel command line (tsc_early_khz=, noapic and a serial\n"
"                 console are added unless given)\n"
"  --timeout S    stop and destroy the child after S seconds\n"
"Prints 'TESS-BOOT: <name> exit=...' when the child ends.\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long mib;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_bytes = 256ull << 20;
	o->name = "linux";
	o->cmdline = "";
	while ((c = getopt_long(argc, argv, "m:n:c:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			errno = 0;
			mib = strtoull(optarg, &end, 10);
			if (errno || *end || mib == 0 || mib % 2 || mib > (1ull << 24)) {
				fprintf(stderr, "tess-boot: --mem %s: a multiple of 2 MiB expected\n",
					optarg);
				return -1;
			}
			o->mem_bytes = mib << 20;
			break;
		case 'n': o->name = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 't':
			o->timeout = strtod(optarg, &end);
			if (*end || o->timeout <= 0) {
				fprintf(stderr, "tess-boot: --timeout %s: seconds expected\n", optarg);
				return -1;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return -1;
	}
	o->kernel = argv[optind];
	o->initrd = argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the RUN thread -------------------------------------------------------- */

static void *run_thread(void *arg)
{
	struct runner *r = arg;
	int err;

	for (;;) {
		if (atomic_load(&r->stop)) {
			r->err = -EINTR;
			break;
		}
		memset(&r->ex, 0, sizeof(r->ex));
		err = tess_vcpu_run(r->h, r->domid, 0, &r->ex);
		if (err == -EINTR)
			continue;   /* a kick: stop is checked above */
		r->err = err;
		break;          /* every exit RUN returns ends the child */
	}
	atomic_store(&r->done, 1);
	return NULL;
}

/* ---- console and exits ------------------------------------------------------- */

static void drain(tess_handle *h, uint32_t domid)
{
	char buf[4096];
	int n, rounds = 0;

	while ((n = tess_console_read(h, domid, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		if (++rounds > 256)
			break;
	}
	fflush(stdout);
}

static void print_stats(tess_handle *h, const char *name, uint32_t domid)
{
	struct tess_exit_stats st;

	if (tess_domain_stats(h, domid, &st) < 0) {
		printf("TESS-BOOT: %s error: %s\n", name, tess_last_error());
		return;
	}
	printf("TESS-BOOT: %s stats cpuid=%" PRIu64 " msr=%" PRIu64 " hypercall=%" PRIu64
	       " npf=%" PRIu64 " hlt=%" PRIu64 " intr=%" PRIu64 " io=%" PRIu64
	       " other=%" PRIu64 "\n", name,
	       st.count[TESS_STAT_CPUID], st.count[TESS_STAT_MSR],
	       st.count[TESS_STAT_HYPERCALL], st.count[TESS_STAT_NPF],
	       st.count[TESS_STAT_HLT], st.count[TESS_STAT_INTR],
	       st.count[TESS_STAT_IO], st.count[TESS_STAT_OTHER]);
}

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
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_kick;           /* no SA_RESTART: RUN fails with EINTR */
	sigaction(KICK_SIGNAL, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Run the loaded child until it ends, the timeout or a signal. "exit=" text
 * in exit_str; returns 0 if it powered off or rebooted. */
static int run_child(tess_handle *h, uint32_t domid, const struct opts *o, char *exit_str,
		     size_t size)
{
	struct runner r;
	struct timespec tick = { 0, DRAIN_MS * 1000000L };
	pthread_t t;
	sigset_t block, old;
	double deadline = o->timeout ? now() + o->timeout : 0;
	const char *why = NULL;
	int err;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.domid = domid;
	/* Only the RUN thread takes the kick; only main takes SIGINT/SIGTERM. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	err = pthread_create(&t, NULL, run_thread, &r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		snprintf(exit_str, size, "error:pthread_create");
		return 1;
	}
	sigemptyset(&block);
	sigaddset(&block, KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &block, NULL);

	while (!atomic_load(&r.done)) {
		nanosleep(&tick, NULL);
		drain(h, domid);
		if (!why && got_term)
			why = "interrupted";
		if (!why && deadline && now() >= deadline)
			why = "timeout";
		if (why) {
			atomic_store(&r.stop, 1);
			pthread_kill(t, KICK_SIGNAL);   /* again each tick until it stops */
		}
	}
	pthread_join(t, NULL);
	drain(h, domid);
	if (why && r.err == -EINTR) {
		snprintf(exit_str, size, "%s", why);
		return 1;
	}
	if (r.err < 0) {
		snprintf(exit_str, size, "error:%s", tess_strerror(r.err));
		return 1;
	}
	tess_describe_exit(&r.ex, exit_str, size);
	return !(r.ex.reason == TESS_EXIT_SHUTDOWN &&
		 (r.ex.detail == TESS_SHUTDOWN_POWEROFF || r.ex.detail == TESS_SHUTDOWN_REBOOT));
}

int main(int argc, char **argv)
{
	struct tess_physinfo before, after;
	struct opts o;
	tess_handle *h;
	uint8_t uuid[16];
	char exit_str[160];
	int domid, err, rc = 1;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	install_signals();
	err = tess_open(&h);
	if (err < 0) {
		fprintf(stderr, "tess-boot: %s\n", tess_last_error());
		return 1;
	}
	if (tess_physinfo(h, &before) < 0 || random_uuid(uuid) < 0) {
		fprintf(stderr, "tess-boot: %s\n", tess_last_error());
		tess_close(h);
		return 1;
	}
	domid = tess_domain_create(h, o.name, uuid, o.mem_bytes, 1, TESS_PAGING_HAP);
	if (domid < 0) {
		printf("TESS-BOOT: %s error: %s\n", o.name, tess_last_error());
		tess_close(h);
		return 1;
	}
	printf("TESS-BOOT: %s created domain %d (%" PRIu64 " MiB)\n", o.name, domid,
	       o.mem_bytes >> 20);
	fflush(stdout);
	if (tess_load_linux(h, (uint32_t)domid, o.kernel, o.initrd, o.cmdline, o.mem_bytes, 1) < 0) {
		printf("TESS-BOOT: %s error: %s\n", o.name, tess_last_error());
	} else {
		rc = run_child(h, (uint32_t)domid, &o, exit_str, sizeof(exit_str));
		printf("\nTESS-BOOT: %s exit=%s\n", o.name, exit_str);
		print_stats(h, o.name, (uint32_t)domid);
	}
	if (tess_domain_destroy(h, (uint32_t)domid) < 0) {
		printf("TESS-BOOT: %s error: %s\n", o.name, tess_last_error());
		rc = 1;
	} else {
		printf("TESS-BOOT: %s destroyed domain %d\n", o.name, domid);
	}
	if (tess_physinfo(h, &after) < 0) {
		printf("TESS-BOOT: error: %s\n", tess_last_error());
		rc = 1;
	} else if (after.free_pages == before.free_pages) {
		printf("TESS-BOOT: pool back to baseline (%" PRIu64 " pages)\n",
		       (uint64_t)after.free_pages);
	} else {
		printf("TESS-BOOT: pool NOT back to baseline: %" PRIu64 " free pages, %" PRIu64
		       " before\n", (uint64_t)after.free_pages, (uint64_t)before.free_pages);
		rc = 1;
	}
	fflush(stdout);
	tess_close(h);
	return rc;
}
