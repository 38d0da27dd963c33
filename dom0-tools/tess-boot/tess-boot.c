/* SPDX-License-Identifier: MIT */
/*
 * tess-boot: boot a Linux bzImage as a child domain (libctrl's Linux domain
 * builder) and be its console.
 *
 *   tess-boot [--mem MiB] [--vcpus N] [--name N] [--cmdline S] [--log FILE]
 *             [--mark TEXT] [--timeout S] [--no-socket] KERNEL [INITRD]
 *
 * Creates the domain, loads the kernel with tess_load_linux(), runs each
 * vCPU on its own thread (vcpus.c) and pumps the console from the main
 * thread (console.c): output to stdout and the console log, stdin to the
 * child's COM1 (Ctrl-] detaches a terminal), and serves the console socket
 * /run/tessera/NAME.sock for tess-console (attach.c). When the child ends it prints
 *   TESS-BOOT: <name> exit=poweroff|reboot|crashed:<reason>|timeout|interrupted
 *   TESS-BOOT: <name> stats ...
 * destroys the domain and checks that the pool's free pages are back to
 * where they were. --timeout (or SIGINT/SIGTERM) stops the vCPU threads with
 * a signal. Exit status 0 for poweroff or reboot, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console-sock.h"
#include "tess-boot.h"

#define PUMP_MS 20
#define LOG_DIR "/var/log/tessera"

static volatile sig_atomic_t got_term;
static char default_log[256];

static void on_term(int sig) { (void)sig; got_term = 1; }
static void on_kick(int sig) { (void)sig; }

static void usage(FILE *f)
{
	fprintf(f,
"usage: tess-boot [options] KERNEL [INITRD]\n"
"Boot a Linux bzImage (and initramfs) as a child and be its console.\n"
"  --mem MiB      child memory, a multiple of 2 (default 256)\n"
"  --vcpus N      virtual CPUs, 1-%u (default 1)\n"
"  --name N       domain name (default linux)\n"
"  --cmdline S    kernel command line (tsc_early_khz=, noapic and a serial\n"
"                 console are added unless given)\n"
"  --log FILE     console log, appended (default " LOG_DIR "/NAME.log;\n"
"                 'none' for no log)\n"
"  --mark TEXT    when the console first shows TEXT, print the time since\n"
"                 the domain was created and its exits by reason\n"
"  --timeout S    stop and destroy the child after S seconds\n"
"  --no-socket    no console socket (tess-console cannot attach)\n"
"stdin goes to the child's console (from a terminal in raw mode: Ctrl-]\n"
"detaches, the child keeps running until it ends or tess-boot gets SIGINT).\n"
"The console is also served on the UNIX socket " CONSOLE_RUN_DIR "/NAME.sock\n"
"(mode 0600): 'tess-console NAME' attaches to it from another terminal, one\n"
"client at a time. tess-boot refuses to start when another tess-boot serves\n"
"that socket, and removes it at exit.\n"
"Prints 'TESS-BOOT: <name> exit=...' when the child ends.\n", TESS_MAX_VCPUS);
}

static int parse_number(const char *opt, const char *arg, unsigned long long max,
			unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 10);
	if (errno || *end || !*arg || *out == 0 || *out > max) {
		fprintf(stderr, "tess-boot: %s %s: a number from 1 to %llu expected\n", opt, arg,
			max);
		return -1;
	}
	return 0;
}

static int parse_opt(int c, const char *arg, struct opts *o)
{
	unsigned long long n;
	char *end;

	switch (c) {
	case 'm':
		if (parse_number("--mem", arg, 1ull << 24, &n) || n % 2) {
			fprintf(stderr, "tess-boot: --mem %s: a multiple of 2 MiB expected\n", arg);
			return -1;
		}
		o->mem_bytes = n << 20;
		return 0;
	case 'v':
		if (parse_number("--vcpus", arg, TESS_MAX_VCPUS, &n))
			return -1;
		o->vcpus = (uint32_t)n;
		return 0;
	case 'n':
		/* The name makes file names (log, socket): keep to libctrl's rule. */
		if (!*arg || strlen(arg) >= TESS_NAME_MAX ||
		    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789_.-") != strlen(arg)) {
			fprintf(stderr, "tess-boot: --name %s: 1 to %d characters of "
				"[A-Za-z0-9_.-] expected\n", arg, TESS_NAME_MAX - 1);
			return -1;
		}
		o->name = arg;
		return 0;
	case 'c': o->cmdline = arg; return 0;
	case 'l': o->log_path = strcmp(arg, "none") ? arg : NULL; return 0;
	case 'k':
		if (!*arg) {
			fprintf(stderr, "tess-boot: --mark: empty text\n");
			return -1;
		}
		o->mark = arg;
		return 0;
	case 't':
		o->timeout = strtod(arg, &end);
		if (*end || o->timeout <= 0) {
			fprintf(stderr, "tess-boot: --timeout %s: seconds expected\n", arg);
			return -1;
		}
		return 0;
	case 'S': o->no_socket = 1; return 0;
	case 'h': usage(stdout); exit(0);
	default: usage(stderr); return -1;
	}
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'v' },
		{ "name", required_argument, NULL, 'n' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "mark", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-socket", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, log_given = 0;

	memset(o, 0, sizeof(*o));
	o->mem_bytes = 256ull << 20;
	o->vcpus = 1;
	o->name = "linux";
	o->cmdline = "";
	while ((c = getopt_long(argc, argv, "m:v:n:c:l:k:t:h", lo, NULL)) != -1) {
		log_given |= c == 'l';
		if (parse_opt(c, optarg, o))
			return -1;
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return -1;
	}
	o->kernel = argv[optind];
	o->initrd = argc - optind == 2 ? argv[optind + 1] : NULL;
	if (!log_given) {
		snprintf(default_log, sizeof(default_log), LOG_DIR "/%s.log", o->name);
		o->log_path = default_log;
	}
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

/* Run the loaded child until it ends, the timeout or a signal. */
static int run_child(struct boot *b, char *exit_str, size_t size)
{
	double deadline = b->o->timeout ? boot_now() + b->o->timeout : 0;
	struct console_pump *con;
	const char *why = NULL;
	int err;

	con = console_open(b, &err);
	if (!con) {
		snprintf(exit_str, size, "error:console log %s: %s", b->o->log_path,
			 strerror(-err));
		return 1;
	}
	b->started = boot_now();
	err = vcpus_start(b);
	while (!vcpus_all_done(b)) {
		console_pump(con, PUMP_MS);
		if (!why && got_term)
			why = "interrupted";
		if (!why && deadline && boot_now() >= deadline)
			why = "timeout";
		if (why || err) {
			atomic_store(&b->stop, 1);
			vcpus_kick(b);     /* again each round until they stop */
		}
	}
	console_close(con);
	return vcpus_join(b, why, exit_str, size);
}

/* Domains other than dom0 that exist now (-1 on error). */
static int other_domains(tess_handle *h)
{
	uint32_t ids[TESS_MAX_DOMAINS];
	int n = tess_domain_list(h, ids, TESS_MAX_DOMAINS);

	return n < 0 ? -1 : n - 1;
}

/*
 * Destroy the domain and check the pool; returns rc, or 1 on a problem.
 * The free count must be back where it was, unless other children existed
 * before or exist now (their memory comes and goes): then it is reported.
 */
static int finish(struct boot *b, const struct tess_physinfo *before, int others_before, int rc)
{
	struct tess_physinfo after;
	int others_after;

	if (tess_domain_destroy(b->h, b->domid) < 0) {
		printf("TESS-BOOT: %s error: %s\n", b->o->name, tess_last_error());
		return 1;
	}
	printf("TESS-BOOT: %s destroyed domain %u\n", b->o->name, b->domid);
	others_after = other_domains(b->h);
	if (tess_physinfo(b->h, &after) < 0 || others_after < 0) {
		printf("TESS-BOOT: error: %s\n", tess_last_error());
		return 1;
	}
	if (others_before || others_after) {
		printf("TESS-BOOT: pool has %" PRIu64 " free pages (%" PRIu64 " before; other "
		       "children ran meanwhile: no baseline check)\n",
		       (uint64_t)after.free_pages, (uint64_t)before->free_pages);
		return rc;
	}
	if (after.free_pages != before->free_pages) {
		printf("TESS-BOOT: pool NOT back to baseline: %" PRIu64 " free pages, %" PRIu64
		       " before\n", (uint64_t)after.free_pages, (uint64_t)before->free_pages);
		return 1;
	}
	printf("TESS-BOOT: pool back to baseline (%" PRIu64 " pages)\n",
	       (uint64_t)after.free_pages);
	return rc;
}

int main(int argc, char **argv)
{
	struct tess_physinfo before;
	struct opts o;
	struct boot b;
	uint8_t uuid[16];
	char exit_str[256];
	int domid, others, rc = 1;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	memset(&b, 0, sizeof(b));
	b.o = &o;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	install_signals();
	if (tess_open(&b.h) < 0 || (others = other_domains(b.h)) < 0 ||
	    tess_physinfo(b.h, &before) < 0 || tess_uuid_random(uuid) < 0) {
		fprintf(stderr, "tess-boot: %s\n", tess_last_error());
		return 1;
	}
	/* Before the domain exists: a name already served is refused here. */
	if (!o.no_socket && attach_open(&b) < 0) {
		tess_close(b.h);
		return 1;
	}
	b.created = boot_now();
	domid = tess_domain_create(b.h, o.name, uuid, o.mem_bytes, o.vcpus, TESS_PAGING_HAP);
	if (domid < 0) {
		printf("TESS-BOOT: %s error: %s\n", o.name, tess_last_error());
		attach_close(b.attach);
		tess_close(b.h);
		return 1;
	}
	b.domid = (uint32_t)domid;
	printf("TESS-BOOT: %s created domain %d (%" PRIu64 " MiB, %u vCPUs)\n", o.name, domid,
	       o.mem_bytes >> 20, o.vcpus);
	fflush(stdout);
	if (tess_load_linux(b.h, b.domid, o.kernel, o.initrd, o.cmdline, o.mem_bytes,
			    o.vcpus) < 0) {
		printf("TESS-BOOT: %s error: %s\n", o.name, tess_last_error());
	} else {
		rc = run_child(&b, exit_str, sizeof(exit_str));
		printf("\nTESS-BOOT: %s exit=%s\n", o.name, exit_str);
		fflush(stdout);
		attach_finish(b.attach, exit_str);
		print_stats(&b, "stats");
	}
	attach_close(b.attach);
	rc = finish(&b, &before, others, rc);
	fflush(stdout);
	free(b.threads);
	tess_close(b.h);
	return rc;
}
