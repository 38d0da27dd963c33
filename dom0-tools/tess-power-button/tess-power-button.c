/* SPDX-License-Identifier: MIT */
/*
 * tess-power-button: press a child's ACPI power button from dom0, asking
 * it to shut down, as `virsh shutdown` does (libctrl's
 * tess_domain_power_button; the tess CLI's shutdown verb will call that
 * itself).
 *
 *   tess-power-button DOMID|NAME
 *
 * It returns at once: the child powers off in its own time, or not at all
 * if nothing in it handles the button, and its runner (tess-boot) reports
 * how it ended. Exit status: 0 pressed, 1 refused or no such domain (the
 * message says why), 2 bad arguments, 3 /dev/tessera cannot be used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessctrl.h"

static const char *prog = "tess-power-button";

static int usage(FILE *f, int status)
{
	fprintf(f, "usage: %s DOMID|NAME\n"
		"Press the ACPI power button of a child domain: the guest is asked to shut\n"
		"down (like virsh shutdown) and does so in its own time. Exit status 0 when\n"
		"pressed, 1 if refused, 2 for bad arguments, 3 without /dev/tessera.\n", prog);
	return status;
}

/* A decimal domain id (no sign, no spaces), or -1. */
static long parse_domid(const char *s)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	return (errno || v > UINT32_MAX) ? -1 : (long)v;
}

/* The id of the domain called name, or -ENOENT (said on stderr). */
static long find_by_name(tess_handle *h, const char *name)
{
	struct tess_domain_info info;
	uint32_t ids[TESS_MAX_DOMAINS];
	int n, i;

	n = tess_domain_list(h, ids, TESS_MAX_DOMAINS);
	if (n < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return n;
	}
	for (i = 0; i < n && i < TESS_MAX_DOMAINS; i++)
		if (tess_domain_info(h, ids[i], &info) == 0 && strcmp(info.name, name) == 0)
			return ids[i];
	fprintf(stderr, "%s: error: no domain is called '%s'\n", prog, name);
	return -ENOENT;
}

/* Press it; 0, or < 0 (said on stderr). */
static int press(tess_handle *h, uint32_t domid)
{
	int err = tess_domain_power_button(h, domid);

	if (err < 0)
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
	else
		printf("%s: pressed the power button of domain %u\n", prog, domid);
	return err;
}

int main(int argc, char **argv)
{
	tess_handle *h;
	long domid;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout, 0);
	if (argc != 2 || !argv[1][0] || argv[1][0] == '-')
		return usage(stderr, 2);
	if (tess_open(&h) < 0) {
		fprintf(stderr, "%s: error: %s\n", prog, tess_last_error());
		return 3;
	}
	domid = parse_domid(argv[1]);
	if (domid < 0)
		domid = find_by_name(h, argv[1]);
	err = domid < 0 ? (int)domid : press(h, (uint32_t)domid);
	tess_close(h);
	return err < 0 ? 1 : 0;
}
