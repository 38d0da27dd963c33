/* SPDX-License-Identifier: MIT */
/*
 * tess-boot's console pump. Output: the child's console ring goes to
 * stdout (while attached) and to the console log (--log, one file per
 * domain, appended). Input: stdin goes to the child's COM1. On a terminal
 * stdin is put in raw mode, so keys such as Ctrl-C reach the guest; Ctrl-]
 * detaches (the terminal is restored, output goes on to the log only, and
 * SIGINT or SIGTERM stops the child). From a pipe, input is sent until EOF.
 * Input the child has no room for yet is kept and sent later (nothing is
 * dropped). --mark TEXT: when the output first shows TEXT, print the time
 * since the domain was created and the exits so far. A client attached to
 * the console socket (attach.c, tess-console) gets the output too, and its
 * input joins stdin's in the same pending buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tess-boot.h"

#define ESCAPE_KEY 0x1d /* Ctrl-] */
#define INPUT_MAX 4096

struct console_pump {
	struct boot *b;
	FILE *log;
	int attached;            /* output to stdout, input from stdin */
	int tty;                 /* stdin is a terminal in raw mode */
	int stdin_open;
	struct termios saved;
	char pending[INPUT_MAX]; /* input the child had no room for yet */
	size_t npending;
	char *window;            /* the tail of the output, to find the mark */
	size_t nwindow;
	int marked;
};

static int console_open_log(struct console_pump *c, const char *path)
{
	time_t t = time(NULL);
	char when[64];

	make_dirs(path, true);
	c->log = fopen(path, "ae");
	if (!c->log)
		return -errno;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(c->log, "\n--- tess-boot: domain %u '%s' created %s ---\n", c->b->domid,
		c->b->o->name, when);
	fflush(c->log);
	return 0;
}

static void console_raw_tty(struct console_pump *c)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &c->saved))
		return;
	raw = c->saved;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR; /* our own messages keep their line ends */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		c->tty = 1;
}

struct console_pump *console_open(struct boot *b, int *err)
{
	struct console_pump *c = calloc(1, sizeof(*c));

	*err = -ENOMEM;
	if (!c)
		return NULL;
	c->b = b;
	/* A runner in the background (--daemon) has no terminal: its stdout
	 * is the runner log, which should not hold the console twice. */
	c->attached = !b->o->daemon;
	c->stdin_open = !b->o->daemon;
	if (b->o->mark && !(c->window = malloc(strlen(b->o->mark) + 4096))) {
		free(c);
		return NULL;
	}
	if (b->o->log_path && (*err = console_open_log(c, b->o->log_path)) < 0) {
		free(c->window);
		free(c);
		return NULL;
	}
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	console_raw_tty(c);
	*err = 0;
	return c;
}

static void console_detach(struct console_pump *c)
{
	if (c->tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &c->saved);
	c->tty = 0;
	c->attached = 0;
	c->stdin_open = 0;
	printf("\nTESS-BOOT: %s detached from the console; the child keeps running%s%s; "
	       "%s%s%sSIGINT or SIGTERM stops it\n", c->b->o->name,
	       c->b->o->log_path ? ", console log " : "",
	       c->b->o->log_path ? c->b->o->log_path : "",
	       c->b->attach ? "'tess-console " : "", c->b->attach ? c->b->o->name : "",
	       c->b->attach ? "' attaches again; " : "");
	fflush(stdout);
}

/* Look for the mark in what came out so far (the window keeps its tail). */
static void console_find_mark(struct console_pump *c, const char *buf, size_t n)
{
	const char *mark = c->b->o->mark;
	size_t mlen = strlen(mark), keep;

	while (n && !c->marked) {
		size_t take = n < 4096 ? n : 4096;

		memcpy(c->window + c->nwindow, buf, take);
		c->nwindow += take;
		buf += take;
		n -= take;
		if (memmem(c->window, c->nwindow, mark, mlen)) {
			c->marked = 1;
			printf("\nTESS-BOOT: %s mark '%s' after %.3f s (%.3f s after the vCPUs "
			       "started)\n", c->b->o->name, mark, boot_now() - c->b->created,
			       boot_now() - c->b->started);
			print_stats(c->b, "mark stats");
			return;
		}
		keep = c->nwindow < mlen ? c->nwindow : mlen - 1;
		memmove(c->window, c->window + c->nwindow - keep, keep);
		c->nwindow = keep;
	}
}

static void console_output(struct console_pump *c)
{
	char buf[4096];
	int n, rounds = 0;

	while ((n = tess_console_read(c->b->h, c->b->domid, buf, sizeof(buf))) > 0) {
		if (c->attached)
			fwrite(buf, 1, (size_t)n, stdout);
		if (c->log)
			fwrite(buf, 1, (size_t)n, c->log);
		attach_output(c->b->attach, buf, (size_t)n);
		if (c->window)
			console_find_mark(c, buf, (size_t)n);
		if (++rounds > 64)
			break;
	}
	fflush(stdout);
	if (c->log)
		fflush(c->log);
}

/* Read what stdin has (up to the room left), stopping at the escape key. */
static void console_read_stdin(struct console_pump *c)
{
	ssize_t n;

	if (!c->stdin_open || c->npending == sizeof(c->pending))
		return;
	n = read(STDIN_FILENO, c->pending + c->npending, sizeof(c->pending) - c->npending);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		c->stdin_open = 0; /* EOF: the child keeps running */
		return;
	}
	if (n < 0)
		return;
	if (c->tty) {
		char *esc = memchr(c->pending + c->npending, ESCAPE_KEY, (size_t)n);

		if (esc) {
			n = esc - (c->pending + c->npending);
			c->npending += (size_t)n;
			console_detach(c);
			return;
		}
	}
	c->npending += (size_t)n;
}

static void console_input(struct console_pump *c)
{
	int n;

	console_read_stdin(c);
	c->npending += attach_input(c->b->attach, c->pending + c->npending,
				    sizeof(c->pending) - c->npending);
	if (!c->npending)
		return;
	n = tess_console_write(c->b->h, c->b->domid, c->pending, c->npending);
	if (n <= 0)
		return; /* full (or gone): keep it for the next round */
	memmove(c->pending, c->pending + n, c->npending - (size_t)n);
	c->npending -= (size_t)n;
}

void console_pump(struct console_pump *c, int ms)
{
	struct pollfd p[1 + ATTACH_NFDS];
	int n = 0, room = c->npending < sizeof(c->pending);

	if (c->stdin_open && room)
		p[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	n += attach_pollfds(c->b->attach, p + n, room);
	poll(p, (nfds_t)n, ms);
	attach_service(c->b->attach);
	console_input(c);
	console_output(c);
}

void console_close(struct console_pump *c)
{
	if (!c)
		return;
	console_output(c);
	if (c->tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &c->saved);
	if (c->log)
		fclose(c->log);
	free(c->window);
	free(c);
}

void print_stats(struct boot *b, const char *what)
{
	struct tess_exit_stats st;

	if (tess_domain_stats(b->h, b->domid, &st) < 0) {
		printf("TESS-BOOT: %s error: %s\n", b->o->name, tess_last_error());
		return;
	}
	printf("TESS-BOOT: %s %s cpuid=%" PRIu64 " msr=%" PRIu64 " hypercall=%" PRIu64
	       " npf=%" PRIu64 " hlt=%" PRIu64 " intr=%" PRIu64 " io=%" PRIu64
	       " other=%" PRIu64 "\n", b->o->name, what,
	       st.count[TESS_STAT_CPUID], st.count[TESS_STAT_MSR],
	       st.count[TESS_STAT_HYPERCALL], st.count[TESS_STAT_NPF],
	       st.count[TESS_STAT_HLT], st.count[TESS_STAT_INTR],
	       st.count[TESS_STAT_IO], st.count[TESS_STAT_OTHER]);
	fflush(stdout);
}
