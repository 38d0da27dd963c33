/* SPDX-License-Identifier: MIT */
/* Verbs that change a domain's life: create, start, shutdown, reboot,
 * destroy, pause, unpause. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "console-sock.h"
#include "tess.h"

#define POLL_MS 200
#define DESTROY_WAIT_S 30.0   /* a runner stops its vCPUs and frees the memory */

/* A running domain other than dom0, named by what; 0 or TESS_FAIL. */
static int running_child(struct tess_cli *cli, const char *what, struct domref *r)
{
	if (domains_resolve(cli, what, r) < 0)
		return TESS_FAIL;
	if (!r->running)
		return tess_error("domain '%s' is not running", r->name);
	if (r->info.domid == 0)
		return tess_error("dom0 cannot be managed with this verb");
	return 0;
}

/* Checks, the transient copy of the definition, the runner. */
static int start_child(struct tess_cli *cli, const struct domxml *d, const char *from)
{
	char path[TESS_PATH_MAX];
	uint32_t domid;
	int r;

	if (checks_before_start(cli, d))
		return TESS_FAIL;
	if (runner_xml_path(d->name, path, sizeof(path)) < 0)
		return tess_error("run directory path too long");
	make_dirs(console_run_dir(), false);
	if ((r = store_write_file(path, d)) < 0)
		return tess_error("cannot write %s: %s", path, strerror(-r));
	if (runner_start(d, &domid) < 0) {
		unlink(path);
		return TESS_FAIL;
	}
	printf("Domain '%s' started from %s (id %u)\n", d->name, from, domid);
	return TESS_OK;
}

int cmd_create(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "create", argc, argv, 1, NULL, NULL, NULL, false);
	const char *path = i < 0 ? NULL : argv[i];
	char err[DOMXML_ERR_MAX];
	struct domref other;
	struct domxml d;
	char uuid[37];
	int rc;

	if (i < 0)
		return -i;
	if (domxml_parse_file(path, &d, err, sizeof(err)) < 0)
		return tess_error("%s", err);
	rc = TESS_FAIL;
	if (store_exists(d.name)) {
		tess_error("domain '%s' is defined: 'tess start %s' starts it; create needs a "
			   "name of its own", d.name, d.name);
		goto out;
	}
	if (!d.uuid_given)
		uuid_generate_random(d.uuid);
	d.uuid_given = true;
	tess_uuid_str(d.uuid, uuid);
	if (domains_resolve_quiet(cli, uuid, &other) == 0) {
		tess_error("UUID %s is already used by domain '%s'", uuid, other.name);
		goto out;
	}
	rc = start_child(cli, &d, path);
out:
	domxml_free(&d);
	return rc;
}

int cmd_start(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "start", argc, argv, 1, NULL, NULL, NULL, false);
	const char *what = i < 0 ? NULL : argv[i];
	struct domref r;
	struct domxml d;
	int rc;

	if (i < 0)
		return -i;
	if (domains_resolve(cli, what, &r) < 0)
		return TESS_FAIL;
	if (r.running)
		return tess_error("domain '%s' is already running (id %u)", r.name, r.info.domid);
	if (!r.defined || store_load(r.name, &d) < 0)
		return TESS_FAIL;
	rc = start_child(cli, &d, "its definition");
	domxml_free(&d);
	return rc;
}

/* Wait until domain domid no longer runs (gone, or ended and preserved). */
static bool wait_ended(struct tess_cli *cli, uint32_t domid, double seconds)
{
	double end = tess_now() + seconds;
	struct tess_domain_info info;

	for (;;) {
		if (tess_domain_info(cli->h, domid, &info) < 0 ||
		    info.state == TESS_DOMSTATE_SHUTDOWN || info.state == TESS_DOMSTATE_CRASHED)
			return true;
		if (tess_now() >= end)
			return false;
		tess_sleep_ms(POLL_MS);
	}
}

/* Wait until domain domid is gone (destroyed by its runner). */
static bool wait_gone(struct tess_cli *cli, uint32_t domid, double seconds)
{
	double end = tess_now() + seconds;
	struct tess_domain_info info;

	while (tess_domain_info(cli->h, domid, &info) == 0) {
		if (tess_now() >= end)
			return false;
		tess_sleep_ms(POLL_MS);
	}
	return true;
}

/* Stop a child for good: through its runner, else directly. */
static int destroy_child(struct tess_cli *cli, const struct domref *r)
{
	struct runstate rs;
	uint32_t domid = r->info.domid;

	if (runner_state(r->name, &rs) == 1 && rs.domid == domid &&
	    kill(rs.pid, SIGTERM) == 0) {
		if (wait_gone(cli, domid, DESTROY_WAIT_S))
			return 0;
		tess_warn("the runner (pid %ld) of '%s' did not finish in %.0f s; destroying "
			  "the domain directly", (long)rs.pid, r->name, DESTROY_WAIT_S);
	}
	/* No runner (or a stuck one): a paused domain has no vCPU inside RUN. */
	tess_domain_pause(cli->h, domid);
	if (tess_domain_destroy(cli->h, domid) < 0)
		return tess_error("%s", tess_last_error());
	return 0;
}

struct shutdown_opts {
	double timeout;
	bool force;
};

static int shutdown_opt(int c, const char *arg, void *ctx)
{
	struct shutdown_opts *o = ctx;

	if (c == 'f') {
		o->force = true;
		return 0;
	}
	if (tess_parse_seconds(arg, &o->timeout) < 0)
		return tess_usage_error("shutdown", "--timeout %s: seconds expected", arg), -1;
	return 0;
}

/* How the domain ended after the power button (it may have crashed instead,
 * or on_poweroff=restart may have brought it back already). */
static int shutdown_report(struct tess_cli *cli, const struct domref *r)
{
	struct tess_domain_info info;

	if (tess_domain_info(cli->h, r->info.domid, &info) == 0 &&
	    info.state == TESS_DOMSTATE_CRASHED)
		return tess_error("domain '%s' crashed instead of shutting down (kept: "
				  "on_crash=preserve)", r->name);
	printf("Domain '%s' has shut down\n", r->name);
	if (domains_find_running(cli, r->name, NULL, &info) == 1 && info.domid != r->info.domid)
		printf("Domain '%s' was started again (id %u): on_poweroff=restart\n", r->name,
		       info.domid);
	return TESS_OK;
}

int cmd_shutdown(struct tess_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct shutdown_opts o = { 0, false };
	struct domref r;
	int i = tess_getopt(cli, "shutdown", argc, argv, 1, lo, shutdown_opt, &o, false);

	if (i < 0)
		return -i;
	if (o.force && !o.timeout)
		return tess_usage_error("shutdown", "--force needs --timeout S");
	if (running_child(cli, argv[i], &r))
		return TESS_FAIL;
	if (tess_domain_power_button(cli->h, r.info.domid) < 0)
		return tess_error("%s", tess_last_error());
	if (!o.timeout) {
		printf("Domain '%s' is being shut down\n", r.name);
		return TESS_OK;
	}
	if (wait_ended(cli, r.info.domid, o.timeout))
		return shutdown_report(cli, &r);
	if (!o.force)
		return tess_error("domain '%s' did not shut down within %g s (--force destroys "
				  "it then)", r.name, o.timeout);
	if (destroy_child(cli, &r))
		return TESS_FAIL;
	printf("Domain '%s' did not shut down within %g s: destroyed\n", r.name, o.timeout);
	return TESS_OK;
}

int cmd_reboot(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "reboot", argc, argv, 1, NULL, NULL, NULL, false);
	const char *what = i < 0 ? NULL : argv[i];
	struct runstate rs;
	struct domref r;

	if (i < 0)
		return -i;
	if (running_child(cli, what, &r))
		return TESS_FAIL;
	if (runner_state(r.name, &rs) != 1 || rs.domid != r.info.domid)
		return tess_error("domain '%s' has no runner to restart it (it was not started "
				  "by tess)", r.name);
	if (kill(rs.pid, SIGUSR2) < 0)
		return tess_error("cannot signal the runner (pid %ld): %s", (long)rs.pid,
				  strerror(errno));
	printf("Domain '%s' is being rebooted\n", r.name);
	return TESS_OK;
}

int cmd_destroy(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "destroy", argc, argv, 1, NULL, NULL, NULL, false);
	const char *what = i < 0 ? NULL : argv[i];
	struct domref r;

	if (i < 0)
		return -i;
	if (running_child(cli, what, &r) || destroy_child(cli, &r))
		return TESS_FAIL;
	printf("Domain '%s' destroyed\n", r.name);
	return TESS_OK;
}

static int pause_verb(struct tess_cli *cli, const char *verb, int argc, char **argv,
		      int (*fn)(tess_handle *, uint32_t), const char *done)
{
	int i = tess_getopt(cli, verb, argc, argv, 1, NULL, NULL, NULL, false);
	const char *what = i < 0 ? NULL : argv[i];
	struct domref r;

	if (i < 0)
		return -i;
	if (running_child(cli, what, &r))
		return TESS_FAIL;
	if (fn(cli->h, r.info.domid) < 0)
		return tess_error("%s", tess_last_error());
	printf("Domain '%s' %s\n", r.name, done);
	return TESS_OK;
}

int cmd_pause(struct tess_cli *cli, int argc, char **argv)
{
	return pause_verb(cli, "pause", argc, argv, tess_domain_pause, "paused");
}

int cmd_unpause(struct tess_cli *cli, int argc, char **argv)
{
	return pause_verb(cli, "unpause", argc, argv, tess_domain_unpause, "unpaused");
}
