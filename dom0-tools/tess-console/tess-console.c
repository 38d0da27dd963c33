/* SPDX-License-Identifier: MIT */
/*
 * tess-console: attach to a running child's console, like xl console or
 * virsh console.
 *
 *   tess-console [--timeout S] NAME
 *
 * Connects to the console socket /run/tessera/NAME.sock that the child's
 * tess-boot serves (protocol: tess-boot/console-sock.h), then copies stdin
 * to the child's console input and its output to stdout. From a terminal,
 * stdin is put in raw mode and Ctrl-] detaches (the child keeps running).
 * From a pipe or file, stdin is sent until EOF and output is printed until
 * tess-boot closes the socket or --timeout expires.
 *
 * Exit status: 0 when the child ended (tess-boot sent its end record and
 * closed the socket) or on Ctrl-]; 3 when --timeout expired; 1 on errors
 * ("tess-console: error: ..." on stderr); 2 on bad usage; 128+N after
 * signal N (SIGINT, SIGTERM, SIGHUP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../tess-boot/console-sock.h"

#define ESCAPE_KEY 0x1d         /* Ctrl-] */
#define HELLO_WAIT_S 30.0       /* without --timeout: how long tess-boot may take to answer */
#define INPUT_MAX 4096
#define NAME_MAX_LEN 63         /* TESS_NAME_MAX - 1 */

#define EXIT_ENDED 0
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_TIMEOUT 3

static struct {
	const char *name;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	double deadline;        /* CLOCK_MONOTONIC seconds; 0: none */
	double timeout;
	int sock;
	int tty;                /* stdin is a terminal, now in raw mode */
	struct termios saved;
	int stdin_open;
	char in[INPUT_MAX];     /* stdin bytes not sent yet */
	size_t nin;
	int esc_state;          /* 0 data, 1 after 0xff, 2 in the end record */
	char end[CONSOLE_LINE_MAX];
	size_t nend;
	int ended;              /* the end record is complete */
	int midline;            /* the last byte written to stdout was not '\n' */
} g = { .sock = -1 };

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void restore_tty(void)
{
	if (g.tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &g.saved);
	g.tty = 0;
}

/* A message on stderr, on a line of its own even after the child's output. */
static void say(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (g.midline)
		fputc('\n', stderr);
	g.midline = 0;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((noreturn)) leave(int code)
{
	restore_tty();
	if (g.sock >= 0)
		close(g.sock);
	exit(code);
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	restore_tty();
	fflush(stdout);
	if (g.midline)
		fputc('\n', stderr);
	fputs("tess-console: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	leave(EXIT_ERROR);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: tess-console [--timeout S] NAME\n"
"Attach to the console of the running child NAME (started by tess-boot),\n"
"through the socket %s/NAME.sock.\n"
"  --timeout S  detach after S seconds (exit status 3)\n"
"  --help       this text\n"
"From a terminal: raw mode, keys go to the child, Ctrl-] detaches (the\n"
"child keeps running). Otherwise stdin is sent until EOF and the output is\n"
"printed until the child ends or --timeout expires.\n"
"One client at a time: a second one is refused.\n"
"Exit status: 0 the child ended or Ctrl-] detached, 3 timeout, 1 error,\n"
"2 usage.\n", CONSOLE_RUN_DIR);
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	return n && n <= NAME_MAX_LEN &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static void parse_opts(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "t:h", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			g.timeout = strtod(optarg, &end);
			if (errno || *end || !*optarg || !(g.timeout > 0)) {
				fprintf(stderr, "tess-console: error: --timeout %s: seconds "
					"expected\n", optarg);
				exit(EXIT_USAGE);
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		exit(EXIT_USAGE);
	}
	g.name = argv[optind];
	if (!valid_name(g.name)) {
		fprintf(stderr, "tess-console: error: %s: not a domain name (1 to %d characters "
			"of [A-Za-z0-9_.-])\n", g.name, NAME_MAX_LEN);
		exit(EXIT_USAGE);
	}
}

static void do_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (console_sock_path(g.path, sizeof(g.path), g.name) < 0)
		die("%s/%s.sock: path too long", console_run_dir(), g.name);
	memcpy(sa.sun_path, g.path, strlen(g.path) + 1);
	g.sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g.sock < 0)
		die("socket: %s", strerror(errno));
	while (connect(g.sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR && !got_signal)
			continue;
		if (errno == ENOENT || errno == ECONNREFUSED)
			die("no console for %s: is it running? (no tess-boot serves %s)", g.name,
			    g.path);
		die("cannot connect to %s: %s", g.path, strerror(errno));
	}
	if (fcntl(g.sock, F_SETFL, fcntl(g.sock, F_GETFL) | O_NONBLOCK) < 0)
		die("fcntl: %s", strerror(errno));
}

/* Milliseconds until t (CLOCK_MONOTONIC seconds), at least 0; -1 if t is 0. */
static int ms_until(double t)
{
	double left;

	if (!t)
		return -1;
	left = t - now();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static void check_signal(void)
{
	if (got_signal) {
		int sig = got_signal;

		restore_tty();
		say("tess-console: %s, detached from %s", strsignal(sig), g.name);
		leave(128 + sig);
	}
}

static void __attribute__((noreturn)) timed_out(void)
{
	restore_tty();
	say("tess-console: --timeout %g s expired, detached from %s (it keeps running)",
	    g.timeout, g.name);
	leave(EXIT_TIMEOUT);
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die("writing the output: %s", strerror(errno));
		g.midline = buf[w - 1] != '\n';
		buf += w;
		n -= (size_t)w;
	}
}

/*
 * Read tess-boot's first line into line (NUL-terminated, no '\n'); what
 * came after it goes to rest/nrest.
 */
static void read_hello(char *line, char *rest, size_t *nrest)
{
	double hello_deadline = now() + HELLO_WAIT_S;
	size_t n = 0;

	if (g.deadline && g.deadline < hello_deadline)
		hello_deadline = g.deadline;
	for (;;) {
		struct pollfd p = { .fd = g.sock, .events = POLLIN };
		char *nl = memchr(line, '\n', n);
		ssize_t r;

		if (nl) {
			*nrest = n - (size_t)(nl + 1 - line);
			memcpy(rest, nl + 1, *nrest);
			*nl = '\0';
			return;
		}
		if (n == CONSOLE_LINE_MAX - 1)
			die("%s: not a tess-boot console socket (no greeting line)", g.path);
		if (poll(&p, 1, ms_until(hello_deadline)) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		check_signal();
		if (now() >= hello_deadline) {
			if (g.deadline && now() >= g.deadline)
				timed_out();
			die("no answer from tess-boot on %s within %.0f s", g.path, HELLO_WAIT_S);
		}
		r = recv(g.sock, line + n, CONSOLE_LINE_MAX - 1 - n, 0);
		if (r == 0)
			die("tess-boot closed %s before answering", g.path);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			die("reading %s: %s", g.path, strerror(errno));
		if (r > 0)
			n += (size_t)r;
	}
}

static void hello(char *rest, size_t *nrest)
{
	char line[CONSOLE_LINE_MAX];
	const char *p;

	read_hello(line, rest, nrest);
	if (!strncmp(line, CONSOLE_HELLO_BUSY, strlen(CONSOLE_HELLO_BUSY)))
		die("%s", line + strlen(CONSOLE_HELLO_BUSY));
	if (strncmp(line, CONSOLE_HELLO_OK, strlen(CONSOLE_HELLO_OK)))
		die("%s: unexpected greeting '%.80s'", g.path, line);
	p = line + strlen(CONSOLE_HELLO_OK);
	say("tess-console: connected to %s (domain %s)%s", g.name,
	    strchr(p, ' ') ? strchr(p, ' ') + 1 : "?",
	    isatty(STDIN_FILENO) ? "; Ctrl-] detaches" : "");
}

/* Child output from the socket: undo the 0xff escaping, catch the end record. */
static void output(const char *buf, size_t n)
{
	char out[8192];
	size_t nout = 0;

	for (size_t i = 0; i < n && !g.ended; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (nout + 2 > sizeof(out)) {
			write_all(STDOUT_FILENO, out, nout);
			nout = 0;
		}
		switch (g.esc_state) {
		case 0:
			if (c == CONSOLE_ESC)
				g.esc_state = 1;
			else
				out[nout++] = (char)c;
			break;
		case 1:
			if (c == CONSOLE_ESC_END) {
				g.esc_state = 2;
				g.end[g.nend++] = (char)c;
			} else {
				/* 0xff 0xff is one 0xff; anything else is passed on as is */
				out[nout++] = (char)CONSOLE_ESC;
				if (c != CONSOLE_ESC)
					out[nout++] = (char)c;
				g.esc_state = 0;
			}
			break;
		default:
			if (c == '\n' || g.nend == sizeof(g.end) - 1) {
				g.end[g.nend] = '\0';
				g.ended = 1;
			} else {
				g.end[g.nend++] = (char)c;
			}
		}
	}
	write_all(STDOUT_FILENO, out, nout);
}

static void __attribute__((noreturn)) the_end(void)
{
	const char *how = g.end;

	if (!strncmp(how, "END ", 4))
		how += 4;
	restore_tty();
	say("tess-console: %s ended (%s)", g.name, how);
	leave(EXIT_ENDED);
}

static void read_socket(void)
{
	char buf[4096];
	ssize_t n;

	for (int rounds = 0; rounds < 16 && !g.ended; rounds++) {
		n = recv(g.sock, buf, sizeof(buf), 0);
		if (n > 0) {
			output(buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0 && errno != ECONNRESET)
			die("reading %s: %s", g.path, strerror(errno));
		die("tess-boot closed the console of %s without the child ending (this "
		    "client was too slow, or tess-boot stopped)", g.name);
	}
	if (g.ended)
		the_end();
}

static void send_input(void)
{
	ssize_t n;

	if (!g.nin)
		return;
	n = send(g.sock, g.in, g.nin, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		/* The runner went away: the read side says how. */
		g.nin = 0;
		return;
	}
	memmove(g.in, g.in + n, g.nin - (size_t)n);
	g.nin -= (size_t)n;
}

/* Ctrl-]: send what was typed before it (for up to a second), then leave. */
static void __attribute__((noreturn)) detach(void)
{
	double until = now() + 1.0;

	while (g.nin && now() < until) {
		struct pollfd p = { .fd = g.sock, .events = POLLOUT };

		poll(&p, 1, ms_until(until));
		send_input();
	}
	restore_tty();
	say("tess-console: detached from %s (it keeps running)", g.name);
	leave(EXIT_ENDED);
}

static void read_stdin(void)
{
	ssize_t n = read(STDIN_FILENO, g.in + g.nin, sizeof(g.in) - g.nin);
	char *esc;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF: keep printing (a hung-up terminal: nothing left to do). */
		g.stdin_open = 0;
		if (g.tty)
			detach();
		return;
	}
	if (g.tty && (esc = memchr(g.in + g.nin, ESCAPE_KEY, (size_t)n))) {
		g.nin += (size_t)(esc - (g.in + g.nin));
		detach();
	}
	g.nin += (size_t)n;
}

static void raw_tty(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &g.saved))
		return;
	raw = g.saved;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR; /* our own messages keep their line ends */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		g.tty = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;    /* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	char rest[CONSOLE_LINE_MAX];
	size_t nrest = 0;

	parse_opts(argc, argv);
	install_signals();
	if (g.timeout)
		g.deadline = now() + g.timeout;
	do_connect();
	hello(rest, &nrest);
	raw_tty();
	g.stdin_open = 1;
	output(rest, nrest);
	if (g.ended)
		the_end();
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = g.sock, .events = (short)(POLLIN | (g.nin ? POLLOUT : 0)) },
			{ .fd = g.stdin_open && g.nin < sizeof(g.in) ? STDIN_FILENO : -1,
			  .events = POLLIN },
		};

		if (poll(p, 2, ms_until(g.deadline)) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		check_signal();
		if (p[1].revents)
			read_stdin();
		send_input();
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			read_socket();
		if (g.deadline && now() >= g.deadline)
			timed_out();
	}
}
