/* SPDX-License-Identifier: MIT */
/* Verbs about definitions: validate, define, undefine, dumpxml. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "tess.h"

/* The one positional argument of a verb without options of its own. */
static int parse_def(const char *path, struct domxml *d)
{
	char err[DOMXML_ERR_MAX];

	if (domxml_parse_file(path, d, err, sizeof(err)) < 0)
		return tess_error("%s", err);
	return 0;
}

int cmd_validate(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "validate", argc, argv, 1, NULL, NULL, NULL, false);
	const char *path = i < 0 ? NULL : argv[i];
	struct domxml d;

	if (i < 0)
		return -i;
	if (parse_def(path, &d))
		return TESS_FAIL;
	printf("%s: valid definition of domain '%s'\n", path, d.name);
	domxml_free(&d);
	return TESS_OK;
}

/* A redefinition keeps the UUID; a new name must not take another's UUID. */
static int define_identity(struct tess_cli *cli, struct domxml *d)
{
	struct tess_domain_info info;
	struct domref other;
	struct domxml old;
	char uuid[37];

	if (store_exists(d->name)) {
		if (store_load(d->name, &old) < 0)
			return TESS_FAIL;
		if (d->uuid_given && memcmp(old.uuid, d->uuid, 16)) {
			tess_uuid_str(old.uuid, uuid);
			domxml_free(&old);
			return tess_error("domain '%s' is already defined with UUID %s; undefine "
					  "it first to change its UUID", d->name, uuid);
		}
		memcpy(d->uuid, old.uuid, 16);
		d->uuid_given = true;
		domxml_free(&old);
		return 0;
	}
	/* A running transient domain of that name becomes persistent: keep its UUID. */
	if (domains_find_running(cli, d->name, NULL, &info) == 1) {
		if (d->uuid_given && memcmp(info.uuid, d->uuid, 16)) {
			tess_uuid_str(info.uuid, uuid);
			return tess_error("domain '%s' is running with UUID %s; the definition "
					  "gives another", d->name, uuid);
		}
		memcpy(d->uuid, info.uuid, 16);
		d->uuid_given = true;
		return 0;
	}
	if (!d->uuid_given) {
		uuid_generate_random(d->uuid);
		d->uuid_given = true;
		return 0;
	}
	tess_uuid_str(d->uuid, uuid);
	if (domains_resolve_quiet(cli, uuid, &other) == 0 && strcmp(other.name, d->name))
		return tess_error("UUID %s is already used by domain '%s'", uuid, other.name);
	return 0;
}

int cmd_define(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "define", argc, argv, 1, NULL, NULL, NULL, false);
	const char *path = i < 0 ? NULL : argv[i];
	struct domxml d;
	int rc;

	if (i < 0)
		return -i;
	if (parse_def(path, &d))
		return TESS_FAIL;
	/* Running domains count too, when the hypervisor is there. */
	tess_try_hv(cli);
	rc = define_identity(cli, &d);
	if (!rc)
		rc = store_save(&d) < 0 ? TESS_FAIL : TESS_OK;
	if (!rc)
		printf("Domain '%s' defined from %s\n", d.name, path);
	domxml_free(&d);
	return rc;
}

int cmd_undefine(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "undefine", argc, argv, 1, NULL, NULL, NULL, false);
	const char *what = i < 0 ? NULL : argv[i];
	struct domref r;

	if (i < 0)
		return -i;
	tess_try_hv(cli);
	if (domains_resolve(cli, what, &r) < 0)
		return TESS_FAIL;
	if (!r.defined)
		return tess_error("domain '%s' has no stored definition (tess list --all "
				  "shows the defined ones)", r.name);
	if (store_remove(r.name) < 0)
		return TESS_FAIL;
	printf("Domain '%s' has been undefined%s\n", r.name,
	       r.running ? " (it keeps running until it ends)" : "");
	return TESS_OK;
}

int cmd_dumpxml(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "dumpxml", argc, argv, 1, NULL, NULL, NULL, false);
	const char *what = i < 0 ? NULL : argv[i];
	char path[TESS_PATH_MAX], *xml;
	struct domref r;
	struct domxml d;
	int rc;

	if (i < 0)
		return -i;
	tess_try_hv(cli);
	if (domains_resolve(cli, what, &r) < 0)
		return TESS_FAIL;
	/* A running child: the definition it was started from. */
	if (r.running && runner_xml_path(r.name, path, sizeof(path)) == 0 &&
	    access(path, R_OK) == 0)
		rc = parse_def(path, &d);
	else if (r.defined)
		rc = store_load(r.name, &d) < 0 ? TESS_FAIL : TESS_OK;
	else
		return tess_error("domain '%s' has no XML definition (it was not started by "
				  "tess)", r.name);
	if (rc)
		return rc;
	xml = domxml_format(&d);
	domxml_free(&d);
	if (!xml)
		return tess_error("out of memory");
	fputs(xml, stdout);
	free(xml);
	return TESS_OK;
}
