/* SPDX-License-Identifier: MIT */
/*
 * Naming domains: an argument is a domain id, a UUID or a name, tried in
 * that order (as virsh does) among the domains the hypervisor runs and the
 * defined ones. A running domain and a definition are the same domain when
 * their names match.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "tess.h"

/* Every running domain's info (dom0 included); count, or -1 (printed). */
static int running_all(struct tess_cli *cli, struct tess_domain_info *out, size_t max)
{
	uint32_t ids[TESS_MAX_DOMAINS];
	int n = tess_domain_list(cli->h, ids, TESS_MAX_DOMAINS), k = 0;

	if (n < 0)
		return tess_error("%s", tess_last_error()), -1;
	for (int i = 0; i < n && i < TESS_MAX_DOMAINS && (size_t)k < max; i++)
		if (tess_domain_info(cli->h, ids[i], &out[k]) == 0)
			k++;   /* a domain destroyed meanwhile is skipped */
	return k;
}

int domains_find_running(struct tess_cli *cli, const char *name, const uint8_t *uuid,
			 struct tess_domain_info *out)
{
	struct tess_domain_info all[TESS_MAX_DOMAINS];
	int n;

	if (!cli->h)
		return 0;
	n = running_all(cli, all, TESS_MAX_DOMAINS);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if ((name && !strncmp(all[i].name, name, TESS_NAME_MAX)) ||
		    (uuid && !memcmp(all[i].uuid, uuid, 16))) {
			*out = all[i];
			return 1;
		}
	}
	return 0;
}

static bool parse_domid(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return false;
	v = strtoul(s, &end, 10);
	*id = (uint32_t)v;
	return true;
}

static void ref_from_info(struct domref *r, const struct tess_domain_info *info)
{
	memset(r, 0, sizeof(*r));
	r->running = true;
	r->info = *info;
	snprintf(r->name, sizeof(r->name), "%.*s", TESS_NAME_MAX - 1, info->name);
	memcpy(r->uuid, info->uuid, 16);
	r->defined = store_exists(r->name);
}

int domains_ref_running(struct tess_cli *cli, uint32_t domid, struct domref *out)
{
	struct tess_domain_info info;

	if (tess_domain_info(cli->h, domid, &info) < 0)
		return -1;
	ref_from_info(out, &info);
	return 0;
}

/* A defined domain whose stored UUID is uuid; 1 found (r filled), 0 not. */
static int defined_by_uuid(const uint8_t uuid[16], struct domref *r)
{
	size_t n;
	char **names = store_names(&n);
	char err[DOMXML_ERR_MAX], path[TESS_PATH_MAX];
	int found = 0;

	for (size_t i = 0; i < n && !found; i++) {
		struct domxml d;

		if (store_path(names[i], path, sizeof(path)) < 0 ||
		    domxml_parse_file(path, &d, err, sizeof(err)) < 0)
			continue;
		if (!memcmp(d.uuid, uuid, 16)) {
			memset(r, 0, sizeof(*r));
			snprintf(r->name, sizeof(r->name), "%s", d.name);
			memcpy(r->uuid, d.uuid, 16);
			r->defined = true;
			found = 1;
		}
		domxml_free(&d);
	}
	store_names_free(names, n);
	return found;
}

static int resolve_defined(const char *name, struct domref *r)
{
	struct domxml d;

	if (strlen(name) >= TESS_NAME_MAX || !store_exists(name))
		return 0;
	if (store_load(name, &d) < 0)
		return -1;
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", d.name);
	memcpy(r->uuid, d.uuid, 16);
	r->defined = true;
	domxml_free(&d);
	return 1;
}

static int resolve(struct tess_cli *cli, const char *what, struct domref *out, bool quiet)
{
	struct tess_domain_info info;
	uint8_t uuid[16];
	uint32_t id;
	int r;

	if (cli->h && parse_domid(what, &id) && domains_ref_running(cli, id, out) == 0)
		return 0;
	if (uuid_parse(what, uuid) == 0) {
		if ((r = domains_find_running(cli, NULL, uuid, &info)) > 0) {
			ref_from_info(out, &info);
			return 0;
		}
		if (r == 0 && defined_by_uuid(uuid, out))
			return 0;
		if (r < 0)
			return -1;
	}
	if ((r = domains_find_running(cli, what, NULL, &info)) > 0) {
		ref_from_info(out, &info);
		return 0;
	}
	if (r == 0 && (r = resolve_defined(what, out)) > 0)
		return 0;
	if (r == 0 && !quiet)
		tess_error("no domain '%s' (not an id, UUID or name of a running or defined "
			   "domain; tess list --all shows them)", what);
	return -1;
}

const char *domains_state_name(const struct domref *r)
{
	if (!r->running)
		return "shut off";
	switch (r->info.state) {
	case TESS_DOMSTATE_CREATED: return "created";
	case TESS_DOMSTATE_RUNNING: return "running";
	case TESS_DOMSTATE_PAUSED: return "paused";
	case TESS_DOMSTATE_SHUTDOWN: return "shutdown";
	case TESS_DOMSTATE_CRASHED: return "crashed";
	default: return "unknown";
	}
}

int domains_resolve(struct tess_cli *cli, const char *what, struct domref *out)
{
	return resolve(cli, what, out, false);
}

int domains_resolve_quiet(struct tess_cli *cli, const char *what, struct domref *out)
{
	return resolve(cli, what, out, true);
}
