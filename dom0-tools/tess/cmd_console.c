/* SPDX-License-Identifier: MIT */
/*
 * tess console DOMAIN: attach to a running child's console. The runner
 * serves it on RUN_DIR/NAME.sock; tess-console (dom0-tools/tess-console)
 * is the client, so this verb names the domain and hands over to it:
 * Ctrl-] detaches, the child keeps running. --timeout S (for scripts) ends
 * the attachment after S seconds, exit status 3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "tess.h"

static int console_opt(int c, const char *arg, void *ctx)
{
	double s;

	(void)c;
	if (tess_parse_seconds(arg, &s) < 0)
		return tess_usage_error("console", "--timeout %s: seconds expected", arg), -1;
	*(const char **)ctx = arg;
	return 0;
}

int cmd_console(struct tess_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { { "timeout", required_argument, NULL, 't' },
					     { NULL, 0, NULL, 0 } };
	const char *timeout = NULL;
	int i = tess_getopt(cli, "console", argc, argv, 1, lo, console_opt, &timeout, false);
	char prog[TESS_PATH_MAX];
	struct domref r;

	if (i < 0)
		return -i;
	if (domains_resolve(cli, argv[i], &r) < 0)
		return TESS_FAIL;
	if (!r.running)
		return tess_error("domain '%s' is not running", r.name);
	if (r.info.domid == 0)
		return tess_error("dom0's console is the machine's serial port, not a "
				  "Tessera console");
	tess_close(cli->h);
	cli->h = NULL;
	tess_sibling_program("tess-console", prog, sizeof(prog));
	fflush(stdout);
	if (timeout)
		execlp(prog, "tess-console", "--timeout", timeout, r.name, (char *)NULL);
	else
		execlp(prog, "tess-console", r.name, (char *)NULL);
	return tess_error("cannot run %s: %s", prog, strerror(errno));
}
