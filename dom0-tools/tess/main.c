/* SPDX-License-Identifier: MIT */
/*
 * tess: manage Tessera domains from dom0, with the verbs of virsh and xl.
 *
 *   tess VERB [ARGS]        tess help [VERB]        tess --version
 *
 * The verb table below is the single list of verbs: dispatch, `tess help`,
 * the bash completion (`tess help --verbs`) and the man page check in the
 * test suite all read it. A domain may be named by id, UUID or name.
 * Exit status 0 on success, 1 on failure ("error: ..." on stderr), 2 on a
 * usage error.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tess.h"

#define DOMAIN "DOMAIN"   /* id, UUID or name */

static const struct tess_verb verbs[] = {
	{ "create", cmd_create, "FILE", "create and start a domain from an XML definition "
	  "without defining it", NULL, VERB_HV },
	{ "define", cmd_define, "FILE", "define (or redefine) a domain from an XML definition; "
	  "it is kept under " TESS_STATE_DIR_DEFAULT "/domains", NULL, 0 },
	{ "undefine", cmd_undefine, DOMAIN, "remove a domain's definition (a running domain "
	  "keeps running)", NULL, 0 },
	{ "start", cmd_start, DOMAIN, "start a defined domain", NULL, VERB_HV },
	{ "list", cmd_list, "[--all] [--json]", "list running domains (with --all also the "
	  "defined ones that are shut off)",
	  "  --all     also defined domains that are not running\n"
	  "  --json    machine-readable output (docs/cli.md)\n", VERB_HV },
	{ "info", cmd_info, DOMAIN " [--json]", "state, memory, vCPUs, paging mode, uptime and "
	  "exit counts of a domain", "  --json    machine-readable output (docs/cli.md)\n",
	  VERB_HV },
	{ "console", cmd_console, DOMAIN " [--timeout S]", "attach to a running domain's "
	  "console (Ctrl-] detaches)",
	  "  --timeout S  detach after S seconds (exit status 3); for scripts, with\n"
	  "               input from a pipe\n"
	  "Exit status: 0 when the child ended or on Ctrl-], 1 on errors, 3 after\n"
	  "--timeout, 128+N after signal N (tess-console(1)).\n", VERB_HV },
	{ "shutdown", cmd_shutdown, DOMAIN " [--timeout S [--force]]", "ask a domain to power "
	  "off (ACPI power button)",
	  "  --timeout S  wait up to S seconds for it to power off\n"
	  "  --force      destroy it if it has not powered off by then\n", VERB_HV },
	{ "reboot", cmd_reboot, DOMAIN, "ask a domain to reboot (power button, then restart)",
	  NULL, VERB_HV },
	{ "destroy", cmd_destroy, DOMAIN, "stop a domain at once and free its memory", NULL,
	  VERB_HV },
	{ "pause", cmd_pause, DOMAIN, "stop running a domain's vCPUs", NULL, VERB_HV },
	{ "unpause", cmd_unpause, DOMAIN, "run a paused domain again", NULL, VERB_HV },
	{ "dumpxml", cmd_dumpxml, DOMAIN, "print a domain's XML definition", NULL, 0 },
	{ "dmesg", cmd_dmesg, "[--clear]", "print the hypervisor's log",
	  "  --clear   empty the log after printing it\n", VERB_HV },
	{ "host-info", cmd_host_info, "[--json]", "CPUs, memory, free pool and features of "
	  "the machine", "  --json    machine-readable output (docs/cli.md)\n", VERB_HV },
	{ "validate", cmd_validate, "FILE", "check an XML definition without creating "
	  "anything", NULL, 0 },
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

const struct tess_verb *tess_verb_find(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void help_all(FILE *f)
{
	fprintf(f, "usage: tess VERB [ARGS]   (tess help VERB for one verb)\n"
		"Manage Tessera domains from dom0. DOMAIN is an id, a UUID or a name.\n\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nMan pages: tess(1), tess-VERB(1). Exit status: 0 ok, 1 error, "
		"2 usage.\n");
}

static void help_verb(FILE *f, const struct tess_verb *v)
{
	fprintf(f, "usage: tess %s %s\n%s.\n", v->name, v->args, v->summary);
	if (v->options)
		fprintf(f, "\n%s", v->options);
	fprintf(f, "See tess-%s(1).\n", v->name);
}

static int cmd_help(int argc, char **argv)
{
	const struct tess_verb *v;

	if (argc < 2) {
		help_all(stdout);
		return TESS_OK;
	}
	if (!strcmp(argv[1], "--verbs")) {      /* for the bash completion */
		for (size_t i = 0; i < NVERBS; i++)
			printf("%s\n", verbs[i].name);
		return TESS_OK;
	}
	v = tess_verb_find(argv[1]);
	if (!v) {
		tess_error("unknown verb '%s' (tess help lists them)", argv[1]);
		return TESS_USAGE;
	}
	help_verb(stdout, v);
	return TESS_OK;
}

int tess_getopt(struct tess_cli *cli, const char *verb, int argc, char **argv, int nargs,
		const struct option *extra, int (*on_opt)(int c, const char *arg, void *ctx),
		void *ctx, bool json_ok)
{
	const struct tess_verb *v = tess_verb_find(verb);
	struct option lo[16];
	size_t n = 0;
	int c;

	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	if (json_ok)
		lo[n++] = (struct option){ "json", no_argument, NULL, 'j' };
	for (; extra && extra->name && n < 15; extra++)
		lo[n++] = *extra;
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'h') {
			help_verb(stdout, v);
			exit(TESS_OK);
		}
		if (c == 'j') {
			cli->json = true;
			continue;
		}
		if (c == '?' || c == ':')
			return -tess_usage_error(verb, "bad option '%s'", argv[optind - 1]);
		if (!on_opt || on_opt(c, optarg, ctx) < 0)
			return -TESS_USAGE;
	}
	if (argc - optind != nargs)
		return -tess_usage_error(verb, argc - optind > nargs ? "too many arguments"
								     : "missing argument");
	/* Only now: help and usage errors work without the hypervisor. */
	if ((v->flags & VERB_HV) && tess_open(&cli->h) < 0)
		return -tess_error("%s", tess_last_error());
	return optind;
}

int main(int argc, char **argv)
{
	struct tess_cli cli = { 0 };
	const struct tess_verb *v;
	int rc;

	if (argc < 2) {
		help_all(stderr);
		return TESS_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("tess %s (Tessera ABI %u.%u)\n", PACKAGE_VERSION,
		       TESS_INTERFACE_VERSION >> 16, TESS_INTERFACE_VERSION & 0xffff);
		return TESS_OK;
	}
	v = tess_verb_find(argv[1]);
	if (!v) {
		tess_error("unknown verb '%s' (tess help lists them)", argv[1]);
		return TESS_USAGE;
	}
	rc = v->run(&cli, argc - 1, argv + 1);
	tess_close(cli.h);
	return rc;
}
