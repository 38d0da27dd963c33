/* SPDX-License-Identifier: MIT */
/*
 * tess-run: the command line, the check of KERNEL.elf before the hypervisor
 * is touched, and the children's names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tess-run.h"

const char *prog = "tess-run";

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [--mem MiB] [--name NAME] [--count N] [--expect EXIT]\n"
"       [--paging hap|shadow] [--power-button-after MS[,MS...]] KERNEL.elf\n"
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
"  --power-button-after MS[,MS...]\n"
"                 press each child's ACPI power button at these times (up to\n"
"                 %d, increasing, 1..%u ms after it starts running); a child\n"
"                 that ends before a press, or whose press fails, fails\n"
"  --paging MODE  hap (nested paging, the default) or shadow; a machine\n"
"                 without nested paging runs every child on shadow paging\n"
"  -h, --help     this text\n"
"\n"
"Output: the child's console as '[name] ...' lines, then\n"
"  TESS-RUN: <name> power button pressed after MS ms   (per press)\n"
"  TESS-RUN: <name> exit=<poweroff|reboot|halted|crashed:<reason>[ gpa=0x..]|paused|\n"
"                         interrupted>\n"
"  TESS-RUN: <name> stats cpuid=.. msr=.. hypercall=.. npf=.. hlt=.. intr=.. io=.. other=..\n"
"  TESS-RUN: <name> destroyed domain <id>\n"
"  TESS-RUN: pool back to baseline (N pages)\n"
"Exit status 0 only if every child ended as --expect says (when given), printed\n"
"'TESS-GUEST: PASS <test>' (not required when a crash, reboot or interrupted\n"
"is expected) and no 'TESS-GUEST: FAIL' line, and the pool's free pages are back\n"
"to the baseline. A child stopped by a signal fails unless --expect interrupted.\n"
"1 if a child failed, 2 for bad arguments or files, 3 if the device is missing.\n",
		prog, MAX_COUNT, MAX_PRESSES, MAX_BUTTON_MS);
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

/* ---- option values ------------------------------------------------------- */

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

static uint64_t parse_mem_bytes(const char *arg)
{
	unsigned long v;

	if (parse_uint(arg, MAX_MEM_MIB, &v) || v == 0 || v % 2)
		die_usage("--mem '%s': want a positive even number of MiB (at most %u)",
			  arg, MAX_MEM_MIB);
	return (uint64_t)v << 20;
}

static const char *parse_name(const char *arg)
{
	const char *p;

	if (!*arg || strlen(arg) > TESS_NAME_MAX - 6)
		die_usage("--name '%s': want 1..%d characters", arg, TESS_NAME_MAX - 6);
	for (p = arg; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.-", *p))
			die_usage("--name '%s': only [A-Za-z0-9_.-] allowed", arg);
	return arg;
}

static unsigned parse_count(const char *arg)
{
	unsigned long v;

	if (parse_uint(arg, MAX_COUNT, &v) || v == 0)
		die_usage("--count '%s': want 1..%d", arg, MAX_COUNT);
	return (unsigned)v;
}

/* --power-button-after MS[,MS...]: 1..MAX_PRESSES increasing times. */
static void parse_presses(const char *arg, struct opts *o)
{
	char buf[256], *tok, *save = NULL;
	unsigned long v, last = 0;

	if (strlen(arg) >= sizeof(buf))
		die_usage("--power-button-after '%s': too long", arg);
	snprintf(buf, sizeof(buf), "%s", arg);
	o->presses = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_uint(tok, MAX_BUTTON_MS, &v) || v <= last)
			die_usage("--power-button-after '%s': want increasing times of 1..%u ms",
				  arg, MAX_BUTTON_MS);
		if (o->presses == MAX_PRESSES)
			die_usage("--power-button-after '%s': at most %d presses", arg,
				  MAX_PRESSES);
		o->press_ms[o->presses++] = (unsigned)v;
		last = v;
	}
	if (!o->presses || arg[0] == ',' || strstr(arg, ",,") || arg[strlen(arg) - 1] == ',')
		die_usage("--power-button-after '%s': want MS[,MS...]", arg);
}

static const char *parse_expect(const char *arg)
{
	if (!valid_expect(arg))
		die_usage("--expect '%s': want poweroff, reboot, halted, crashed, "
			  "crashed:<triple-fault|bad-gpa|unhandled|bad-state|guest> "
			  "or interrupted", arg);
	return arg;
}

static uint32_t parse_paging(const char *arg)
{
	if (!strcmp(arg, "hap"))
		return TESS_PAGING_HAP;
	if (!strcmp(arg, "shadow"))
		return TESS_PAGING_SHADOW;
	die_usage("--paging '%s': want hap or shadow", arg);
	return TESS_PAGING_HAP;
}

/* ---- the command line ---------------------------------------------------- */

static void parse_flags(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "expect", required_argument, NULL, 'e' },
		{ "power-button-after", required_argument, NULL, 'b' },
		{ "paging", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm': o->mem_bytes = parse_mem_bytes(optarg); break;
		case 'n': o->name = parse_name(optarg); break;
		case 'c': o->count = parse_count(optarg); break;
		case 'e': o->expect = parse_expect(optarg); break;
		case 'b': parse_presses(optarg, o); break;
		case 'p': o->paging = parse_paging(optarg); break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "(try '%s --help')\n", prog);
			exit(2);
		}
	}
}

/* Fill *o from the command line.  Exits 0 after --help, 2 on a bad argument. */
void parse_options(int argc, char **argv, struct opts *o)
{
	prog = argv[0] && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : "tess-run";
	parse_flags(argc, argv, o);
	if (optind >= argc)
		die_usage("no KERNEL.elf given");
	if (optind + 1 < argc)
		die_usage("one KERNEL.elf expected, got %d arguments", argc - optind);
	o->kernel = argv[optind];
}

/* ---- the kernel file ----------------------------------------------------- */

/* The whole of a regular file, malloc'd; NULL (said on stderr) if not. */
static unsigned char *read_regular_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	unsigned char *img;

	if (!f) {
		fprintf(stderr, "%s: error: %s: %s\n", prog, path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "%s: error: %s: not a regular file\n", prog, path);
		fclose(f);
		return NULL;
	}
	img = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	if (!img || fread(img, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fprintf(stderr, "%s: error: %s: cannot read it\n", prog, path);
		fclose(f);
		free(img);
		return NULL;
	}
	fclose(f);
	*size = (size_t)sb.st_size;
	return img;
}

/* Is o->kernel a test kernel that fits in o->mem_bytes?  Says why not. */
int kernel_file_ok(const struct opts *o)
{
	unsigned char *img;
	uint64_t entry;
	size_t size;
	int err;

	img = read_regular_file(o->kernel, &size);
	if (!img)
		return 0;
	err = tess_check_test_kernel(img, size, o->kernel, o->mem_bytes, &entry);
	free(img);
	if (err < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return 0;
	}
	return 1;
}

/* ---- children's names ---------------------------------------------------- */

/* The kernel's file name without .elf, other than [A-Za-z0-9_.-] as '_'. */
static void name_from_kernel(const char *kernel, char *base, size_t size)
{
	const char *b = strrchr(kernel, '/');
	size_t n, k;

	b = b ? b + 1 : kernel;
	snprintf(base, size, "%s", b);
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
		snprintf(base, size, "child");
}

/* Child names: NAME, or NAME-i with --count > 1; [A-Za-z0-9_.-] only. */
void make_child_name(const struct opts *o, unsigned i, char *buf, size_t size)
{
	char base[TESS_NAME_MAX];

	if (o->name)
		snprintf(base, sizeof(base), "%s", o->name);
	else
		name_from_kernel(o->kernel, base, sizeof(base));
	if (o->count > 1) {
		base[TESS_NAME_MAX - 5] = '\0';
		snprintf(buf, size, "%s-%u", base, i);
	} else {
		snprintf(buf, size, "%s", base);
	}
}
