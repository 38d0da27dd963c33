/* SPDX-License-Identifier: MIT */
/*
 * tess-dmesg: print the hypervisor's log ring (TESS_HC_LOG_READ, up to
 * 64 KiB, oldest first).
 *
 *   tess-dmesg [--clear]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessctrl.h"

static const char *prog = "tess-dmesg";

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s [--clear]\n"
"Print the Tessera hypervisor log ring (its newest %u bytes, oldest first).\n"
"\n"
"  -c, --clear    clear the ring after reading it\n"
"  -h, --help     this text\n"
"\n"
"Exit status 0 on success, 1 if the read failed, 2 for bad arguments,\n"
"3 if /dev/tessera cannot be opened.\n", prog, TESS_BUF_MAX);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "clear", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char buf[TESS_BUF_MAX];
	tess_handle *h;
	int opt, clear = 0, n, err;

	prog = argv[0] && strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : "tess-dmesg";
	while ((opt = getopt_long(argc, argv, "ch", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			clear = 1;
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
	err = tess_open(&h);
	if (err < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return 3;
	}
	n = tess_log_read(h, buf, sizeof(buf), clear);
	if (n < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		tess_close(h);
		return 1;
	}
	tess_close(h);
	if (n > (int)sizeof(buf))
		n = (int)sizeof(buf);
	if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
		fprintf(stderr, "%s: error: writing the log failed\n", prog);
		return 1;
	}
	if (n > 0 && buf[n - 1] != '\n')
		putchar('\n');
	return fflush(stdout) ? 1 : 0;
}
