/* SPDX-License-Identifier: MIT */
/*
 * tess-boot: boot a Linux bzImage as a child domain (libctrl's Linux domain
 * builder) and be its console.
 *
 *   tess-boot [--mem MiB] [--vcpus N] [--name N] [--cmdline S] [--log FILE]
 *             [--mark TEXT] [--timeout S] [--no-socket] [--uuid U]
 *             [--paging hap|shadow] [--on-poweroff A] [--on-reboot A]
 *             [--on-crash A] [--daemon] KERNEL [INITRD]
 *
 * Creates the domain, loads the kernel with tess_load_linux(), runs each
 * vCPU on its own thread (vcpus.c) and pumps the console from the main
 * thread (console.c): output to stdout and the console log, stdin to the
 * child's COM1 (Ctrl-] detaches a terminal), and serves the console socket
 * /run/tessera/NAME.sock for tess-console (attach.c). When the child ends it prints
 *   TESS-BOOT: <name> exit=poweroff|reboot|crashed:<reason>|timeout|interrupted
 *   TESS-BOOT: <name> stats ...
 * does what --on-poweroff/--on-reboot/--on-crash say (lifecycle.c), at the
 * end destroys the domain and checks that the pool's free pages are back to
 * where they were. --timeout (or SIGINT/SIGTERM) stops the vCPU threads with
 * a signal. Exit status 0 for poweroff or reboot, 1 otherwise. With
 * --daemon it is the runner of `tess create`/`tess start` (daemon.c): it
 * exits 0 once the child is built and runs it in the background.
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
#include <uuid/uuid.h>

#include "console-sock.h"
#include "tess-boot.h"

#define LOG_DIR "/var/log/tessera"

static char default_log[256];

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
"  --uuid U       domain UUID (default: a random one)\n"
"  --paging M     hap (nested paging, default) or shadow\n"
"  --on-poweroff A, --on-reboot A, --on-crash A\n"
"                 what to do when the child powers off, reboots or crashes:\n"
"                 destroy, restart (the same definition in a new domain) or\n"
"                 preserve (keep it until SIGTERM); defaults destroy, destroy,\n"
"                 destroy\n"
"  --daemon       build the child, then run it in the background (the runner\n"
"                 of 'tess create'): exit 0 once built; the runner logs to\n"
"                 LOGDIR/NAME.runner.log and writes " CONSOLE_RUN_DIR "/NAME.run\n"
"SIGUSR2 asks the child to reboot (ACPI power button, then restart).\n"
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

static int parse_action(const char *opt, const char *arg, int *out)
{
	static const char *const names[] = { [ACT_DESTROY] = "destroy",
		[ACT_RESTART] = "restart", [ACT_PRESERVE] = "preserve" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(arg, names[i])) {
			*out = i;
			return 0;
		}
	fprintf(stderr, "tess-boot: %s %s: destroy, restart or preserve expected\n", opt, arg);
	return -1;
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
	case 'u':
		if (uuid_parse(arg, o->uuid) < 0 || uuid_is_null(o->uuid)) {
			fprintf(stderr, "tess-boot: --uuid %s: a UUID other than all zero "
				"expected\n", arg);
			return -1;
		}
		return 0;
	case 'p':
		if (!strcmp(arg, "hap") || !strcmp(arg, "shadow")) {
			o->paging = strcmp(arg, "hap") ? TESS_PAGING_SHADOW : TESS_PAGING_HAP;
			return 0;
		}
		fprintf(stderr, "tess-boot: --paging %s: hap or shadow expected\n", arg);
		return -1;
	case 'P': return parse_action("--on-poweroff", arg, &o->on_poweroff);
	case 'R': return parse_action("--on-reboot", arg, &o->on_reboot);
	case 'C': return parse_action("--on-crash", arg, &o->on_crash);
	case 'D': o->daemon = 1; return 0;
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
		{ "uuid", required_argument, NULL, 'u' },
		{ "paging", required_argument, NULL, 'p' },
		{ "on-poweroff", required_argument, NULL, 'P' },
		{ "on-reboot", required_argument, NULL, 'R' },
		{ "on-crash", required_argument, NULL, 'C' },
		{ "daemon", no_argument, NULL, 'D' },
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

/* Before the vCPUs run: the handle, the pool baseline, the socket, the child. */
static int prepare(struct boot *b, struct tess_physinfo *before, int *others)
{
	struct opts *o = (struct opts *)b->o;

	if (tess_open(&b->h) < 0 || (*others = life_other_domains(b->h)) < 0 ||
	    tess_physinfo(b->h, before) < 0 ||
	    (uuid_is_null(o->uuid) && tess_uuid_random(o->uuid) < 0)) {
		fprintf(stderr, "tess-boot: %s\n", tess_last_error());
		return -1;
	}
	/* Before the domain exists: a name already served is refused here. */
	if (!o->no_socket && attach_open(b) < 0)
		return -1;
	return life_build(b);
}

int main(int argc, char **argv)
{
	struct tess_physinfo before;
	struct opts o;
	struct boot b;
	int others = 0, rc;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	memset(&b, 0, sizeof(b));
	b.o = &o;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	life_install_signals();
	if (prepare(&b, &before, &others) < 0 || (o.daemon && daemon_detach(&b) < 0)) {
		if (b.domid)
			tess_domain_destroy(b.h, b.domid);
		attach_close(b.attach);
		tess_close(b.h);
		fflush(stdout);
		return 1;
	}
	rc = life_run(&b, &before, others);
	attach_close(b.attach);
	if (o.daemon)
		runstate_remove(&b);
	fflush(stdout);
	tess_close(b.h);
	return rc;
}
