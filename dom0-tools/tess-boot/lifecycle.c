/* SPDX-License-Identifier: MIT */
/*
 * The runner's life cycle: build the child (create + load), run it until it
 * ends, then do what its definition says for that end (on_poweroff,
 * on_reboot, on_crash: destroy, restart or preserve), and at the very end
 * destroy it and check that the pool got its memory back.
 *
 * Signals: SIGINT/SIGTERM stop the child for good (tess destroy); SIGUSR2
 * asks it to reboot (tess reboot): the runner presses the child's ACPI
 * power button and restarts it when it powers off, as libvirt does for a
 * guest that has no reboot request of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tess-boot.h"

#define PUMP_MS 20
#define PRESERVE_POLL_MS 200
/* A reboot request makes a poweroff a restart only this long after the
 * button press, so a guest that ignored the button is not restarted by a
 * poweroff much later. */
#define REBOOT_REQUEST_S 600.0

static volatile sig_atomic_t got_term, got_reboot;

static void on_term(int sig) { (void)sig; got_term = 1; }
static void on_reboot_req(int sig) { (void)sig; got_reboot = 1; }
static void on_kick(int sig) { (void)sig; }

void life_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_kick;           /* no SA_RESTART: RUN fails with EINTR */
	sigaction(KICK_SIGNAL, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_reboot_req;
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGHUP, SIG_IGN);           /* a runner outlives the terminal */
	signal(SIGPIPE, SIG_IGN);
}

int life_other_domains(tess_handle *h)
{
	uint32_t ids[TESS_MAX_DOMAINS];
	int n = tess_domain_list(h, ids, TESS_MAX_DOMAINS);

	return n < 0 ? -1 : n - 1;
}

int life_build(struct boot *b)
{
	const struct opts *o = b->o;
	int domid;

	b->created = boot_now();
	domid = tess_domain_create(b->h, o->name, o->uuid, o->mem_bytes, o->vcpus, o->paging);
	if (domid < 0) {
		printf("TESS-BOOT: %s error: %s\n", o->name, tess_last_error());
		return domid;
	}
	b->domid = (uint32_t)domid;
	printf("TESS-BOOT: %s created domain %d (%" PRIu64 " MiB, %u vCPUs)\n", o->name, domid,
	       o->mem_bytes >> 20, o->vcpus);
	fflush(stdout);
	if (tess_load_linux(b->h, b->domid, o->kernel, o->initrd, o->cmdline, o->mem_bytes,
			    o->vcpus) < 0) {
		int err = -EINVAL;

		printf("TESS-BOOT: %s error: %s\n", o->name, tess_last_error());
		tess_domain_destroy(b->h, b->domid);
		b->domid = 0;
		return err;
	}
	return 0;
}

/* SIGUSR2: press the power button and remember to come back. */
static void life_reboot_request(struct boot *b)
{
	got_reboot = 0;
	if (tess_domain_power_button(b->h, b->domid) < 0) {
		printf("\nTESS-BOOT: %s reboot request failed: %s\n", b->o->name,
		       tess_last_error());
	} else {
		b->fake_reboot_until = boot_now() + REBOOT_REQUEST_S;
		printf("\nTESS-BOOT: %s reboot requested: power button pressed\n", b->o->name);
	}
	fflush(stdout);
}

/* Run the loaded child until it ends, the timeout or a signal. */
static int life_run_once(struct boot *b, char *exit_str, size_t size)
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
		if (got_reboot && !why)
			life_reboot_request(b);
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
	err = vcpus_join(b, why, exit_str, size);
	free(b->threads);
	b->threads = NULL;
	return err;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The definition's action for how the child ended ("exit=" text). */
static int life_action(const struct boot *b, const char *exit_str)
{
	if (got_term)
		return ACT_DESTROY;
	if (starts_with(exit_str, "poweroff"))
		return boot_now() < b->fake_reboot_until ? ACT_RESTART : b->o->on_poweroff;
	if (starts_with(exit_str, "reboot"))
		return b->o->on_reboot;
	if (starts_with(exit_str, "crashed"))
		return b->o->on_crash;
	return ACT_DESTROY;      /* timeout, interrupted, error */
}

/* preserve: keep the ended domain for inspection until SIGINT/SIGTERM. */
static void life_preserve(struct boot *b)
{
	struct timespec poll = { 0, PRESERVE_POLL_MS * 1000000L };

	printf("TESS-BOOT: %s preserved (domain %u kept until destroyed)\n", b->o->name,
	       b->domid);
	fflush(stdout);
	while (!got_term)
		nanosleep(&poll, NULL);
}

/* restart: the same definition in a new domain. 0, or < 0 if it failed. */
static int life_restart(struct boot *b)
{
	if (tess_domain_destroy(b->h, b->domid) < 0) {
		printf("TESS-BOOT: %s error: %s\n", b->o->name, tess_last_error());
		return -EIO;
	}
	printf("TESS-BOOT: %s destroyed domain %u; restarting\n", b->o->name, b->domid);
	b->fake_reboot_until = 0;
	b->restarts++;
	atomic_store(&b->stop, 0);
	if (life_build(b) < 0)
		return -EIO;
	if (b->o->daemon)
		runstate_write(b, getpid());
	return 0;
}

int life_run(struct boot *b, const struct tess_physinfo *before, int others)
{
	char exit_str[256];
	int rc, act;

	for (;;) {
		rc = life_run_once(b, exit_str, sizeof(exit_str));
		printf("\nTESS-BOOT: %s exit=%s\n", b->o->name, exit_str);
		fflush(stdout);
		print_stats(b, "stats");
		act = life_action(b, exit_str);
		if (act == ACT_PRESERVE)
			life_preserve(b);
		if (act != ACT_RESTART)
			break;
		if (life_restart(b) < 0) {
			/* The failed build destroyed what it made: nothing to finish. */
			attach_finish(b->attach, "error:restart failed");
			return 1;
		}
	}
	attach_finish(b->attach, exit_str);
	return life_finish(b, before, others, rc);
}

/*
 * Destroy the domain and check the pool; returns rc, or 1 on a problem.
 * The free count must be back where it was, unless other children existed
 * before or exist now (their memory comes and goes): then it is reported.
 */
int life_finish(struct boot *b, const struct tess_physinfo *before, int others_before, int rc)
{
	struct tess_physinfo after;
	int others_after;

	if (tess_domain_destroy(b->h, b->domid) < 0) {
		printf("TESS-BOOT: %s error: %s\n", b->o->name, tess_last_error());
		return 1;
	}
	printf("TESS-BOOT: %s destroyed domain %u\n", b->o->name, b->domid);
	others_after = life_other_domains(b->h);
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
