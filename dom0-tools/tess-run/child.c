/* SPDX-License-Identifier: MIT */
/*
 * tess-run: one child's life, run on its own thread.  Create the domain, load
 * the kernel, run vCPU 0 until an exit that ends it (pressing its power
 * button meanwhile with --power-button-after, button.c), print its console
 * output prefixed "[name] ", its exit, its exit counters and whether it
 * passed, then destroy it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tess-run.h"

#define CONSOLE_CHUNK 4096

/* How the RUN loop ended. */
enum run_end {
	RUN_ENDED,     /* the child ended; c->exit_str says how */
	RUN_STOPPED,   /* a signal stopped it first */
	RUN_FAILED,    /* the RUN call failed */
};

/* ---- exits --------------------------------------------------------------- */

/* Does exit string (e.g. "crashed:bad-gpa gpa=0x1000") match --expect? */
static int exit_matches(const char *exit_str, const char *expect)
{
	size_t n = strcspn(exit_str, " ");

	if (strcmp(expect, "crashed") == 0)
		return strncmp(exit_str, "crashed:", 8) == 0;
	return strlen(expect) == n && strncmp(exit_str, expect, n) == 0;
}

/* ---- console ------------------------------------------------------------- */

/* Does the line hold "TESS-GUEST: PASS <test>" (with a test name)? */
static int names_a_passed_test(const char *line)
{
	static const char pass[] = "TESS-GUEST: PASS ";
	const char *p = strstr(line, pass);

	return p && p[sizeof(pass) - 1] && p[sizeof(pass) - 1] != ' ';
}

static void console_line(struct child *c)
{
	c->line[c->line_len] = '\0';
	if (c->line_len && c->line[c->line_len - 1] == '\r')
		c->line[--c->line_len] = '\0';
	if (strstr(c->line, "TESS-GUEST: FAIL"))
		c->saw_fail = 1;
	if (names_a_passed_test(c->line))
		c->saw_pass = 1;
	out("[%s] %s\n", c->name, c->line);
	c->line_len = 0;
}

static void console_feed(struct child *c, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			console_line(c);
			continue;
		}
		if (c->line_len == sizeof(c->line) - 1)
			console_line(c);   /* over-long line: split it */
		c->line[c->line_len++] = buf[i];
	}
}

/* Read everything the child has written so far. */
static void console_drain(struct child *c, uint32_t domid, int final)
{
	char buf[CONSOLE_CHUNK];
	int n, rounds = 0;

	while ((n = tess_console_read(c->h, domid, buf, sizeof(buf))) > 0) {
		console_feed(c, buf, (size_t)n);
		if (++rounds > 4096)
			break;   /* a child writing as fast as we read */
	}
	if (n < 0)
		out("TESS-RUN: %s warning: %s\n", c->name, tess_last_error());
	if (final && c->line_len)
		console_line(c);
}

/* ---- create and load ----------------------------------------------------- */

/* The new domain's id, or -1 (said on stdout). */
static int create_domain(struct child *c)
{
	uint8_t uuid[16];
	int domid, err;

	err = tess_uuid_random(uuid);
	if (err < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		return -1;
	}
	domid = tess_domain_create(c->h, c->name, uuid, c->o->mem_bytes, 1, c->o->paging);
	if (domid < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		return -1;
	}
	out("TESS-RUN: %s created domain %d (%" PRIu64 " MiB)\n", c->name, domid,
	    c->o->mem_bytes >> 20);
	return domid;
}

static int load_kernel(struct child *c, int domid)
{
	const struct opts *o = c->o;

	if (tess_load_test_kernel(c->h, (uint32_t)domid, o->kernel, o->mem_bytes, NULL) < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		return -1;
	}
	return 0;
}

/* ---- run and report ------------------------------------------------------ */

/* Run vCPU 0 until the child ends, a signal stops it or RUN fails. */
static enum run_end run_until_end(struct child *c, int domid)
{
	struct tess_run_exit ex;
	int err;

	for (;;) {
		if (atomic_load(&stop_requested)) {
			snprintf(c->exit_str, sizeof(c->exit_str), "interrupted");
			return RUN_STOPPED;
		}
		memset(&ex, 0, sizeof(ex));
		err = tess_vcpu_run(c->h, (uint32_t)domid, 0, &ex);
		console_drain(c, (uint32_t)domid, 0);
		if (err == -EINTR)
			continue;   /* stop_requested is checked above */
		if (err < 0) {
			out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
			snprintf(c->exit_str, sizeof(c->exit_str), "error:%s",
				 tess_strerror(err));
			return RUN_FAILED;
		}
		tess_describe_exit(&ex, c->exit_str, sizeof(c->exit_str));
		/* Every exit RUN returns with ends the child (the module loops
		 * over interrupts and timed halts itself). */
		return RUN_ENDED;
	}
}

static void print_stats(struct child *c, int domid)
{
	struct tess_exit_stats st;

	if (tess_domain_stats(c->h, (uint32_t)domid, &st) == 0)
		out("TESS-RUN: %s stats cpuid=%" PRIu64 " msr=%" PRIu64 " hypercall=%" PRIu64
		    " npf=%" PRIu64 " hlt=%" PRIu64 " intr=%" PRIu64 " io=%" PRIu64
		    " other=%" PRIu64 "\n", c->name,
		    st.count[TESS_STAT_CPUID], st.count[TESS_STAT_MSR],
		    st.count[TESS_STAT_HYPERCALL], st.count[TESS_STAT_NPF],
		    st.count[TESS_STAT_HLT], st.count[TESS_STAT_INTR],
		    st.count[TESS_STAT_IO], st.count[TESS_STAT_OTHER]);
	else
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
}

/*
 * A crashed or stopped child cannot have printed its PASS line, and one
 * expected to reboot (e.g. by the keyboard controller's reset) is ended by
 * that very exit before it could: the expected exit is its result.
 */
static int pass_line_needed(const char *expect)
{
	return !(expect && (strncmp(expect, "crashed", 7) == 0 ||
			    strcmp(expect, "reboot") == 0 ||
			    strcmp(expect, "interrupted") == 0));
}

/* Did a child that ended (or was stopped) pass?  Says why not, per check. */
static int child_passed(const struct child *c, int stopped)
{
	const char *expect = c->o->expect;
	int ok = 1;

	if (stopped && !expect) {
		out("TESS-RUN: %s FAIL: stopped by a signal before it ended\n", c->name);
		ok = 0;
	} else if (expect && !exit_matches(c->exit_str, expect)) {
		out("TESS-RUN: %s FAIL: exit=%s, expected %s\n", c->name, c->exit_str,
		    expect);
		ok = 0;
	}
	if (c->saw_fail) {
		out("TESS-RUN: %s FAIL: the guest printed TESS-GUEST: FAIL\n", c->name);
		ok = 0;
	}
	if (pass_line_needed(expect) && !c->saw_pass) {
		out("TESS-RUN: %s FAIL: no 'TESS-GUEST: PASS <test>' line on its console\n",
		    c->name);
		ok = 0;
	}
	return ok;
}

static void run_and_report(struct child *c, int domid)
{
	enum run_end end;

	if (button_start(c, (uint32_t)domid) < 0)
		return;
	end = run_until_end(c, domid);
	button_stop(c);
	console_drain(c, (uint32_t)domid, 1);
	out("TESS-RUN: %s exit=%s\n", c->name, c->exit_str);
	print_stats(c, domid);
	if (end != RUN_FAILED)
		c->ok = child_passed(c, end == RUN_STOPPED) & button_pressed_ok(c);
}

/* ---- destroy ------------------------------------------------------------- */

static void destroy_domain(struct child *c, int domid)
{
	if (tess_domain_destroy(c->h, (uint32_t)domid) < 0) {
		out("TESS-RUN: %s error: %s\n", c->name, tess_last_error());
		c->ok = 0;
	} else {
		out("TESS-RUN: %s destroyed domain %d\n", c->name, domid);
	}
}

void *child_main(void *arg)
{
	struct child *c = arg;
	int domid;

	c->ok = 0;
	snprintf(c->exit_str, sizeof(c->exit_str), "none");
	domid = create_domain(c);
	if (domid >= 0) {
		if (load_kernel(c, domid) == 0)
			run_and_report(c, domid);
		destroy_domain(c, domid);
	}
	atomic_store(&c->done, 1);
	return NULL;
}
