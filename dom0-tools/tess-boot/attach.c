/* SPDX-License-Identifier: MIT */
/*
 * tess-boot's console socket (like xl console / virsh console): a UNIX
 * stream socket RUN_DIR/NAME.sock (default /run/tessera, mode 0600) that
 * tess-console attaches to; the protocol is in console-sock.h.
 *
 * One client at a time; a second one gets a one-line refusal and is closed.
 * The child's output is queued for the client in a bounded buffer and sent
 * with non-blocking writes; a client that cannot keep up (the queue is full)
 * is dropped, never the output to stdout and the log. What the client sends
 * goes into console.c's pending input, and is read only while that has
 * room, so nothing is dropped. The socket is removed at exit; a stale one
 * (no tess-boot answers on it) is replaced, a live one is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "console-sock.h"
#include "tess-boot.h"

#define QUEUE_MAX (64 * 1024)  /* output queued for a client, bytes */
#define FINISH_MS 2000         /* at the end, how long a client may take to drain */

struct attach {
	struct boot *b;
	int listen_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;                 /* the socket we bound, so we unlink only ours */
	ino_t ino;
	int client;                /* -1: none */
	int client_out_dead;       /* the client stopped reading (EPIPE): no more output */
	char *queue;               /* escaped output not sent yet */
	size_t nqueue;
};

static void note(struct attach *a, const char *what)
{
	printf("\nTESS-BOOT: %s console client %s\n", a->b->o->name, what);
	fflush(stdout);
}

static void client_close(struct attach *a, const char *why)
{
	if (a->client < 0)
		return;
	close(a->client);
	a->client = -1;
	a->client_out_dead = 0;
	a->nqueue = 0;
	if (why)
		note(a, why);
}

/* Send what the queue holds without blocking; a dead peer stops output. */
static void client_flush(struct attach *a)
{
	size_t off = 0;
	ssize_t n;

	while (a->client >= 0 && !a->client_out_dead && off < a->nqueue) {
		n = send(a->client, a->queue + off, a->nqueue - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			/* The peer is gone for output; read its last input, then close. */
			a->client_out_dead = 1;
			off = a->nqueue;
		}
	}
	memmove(a->queue, a->queue + off, a->nqueue - off);
	a->nqueue -= off;
}

static void queue_text(struct attach *a, const char *text)
{
	size_t n = strlen(text);

	if (a->nqueue + n <= QUEUE_MAX) {
		memcpy(a->queue + a->nqueue, text, n);
		a->nqueue += n;
	}
}

/* Is a tess-boot answering on path? 1 yes, 0 no (stale), < 0 -errno. */
static int sock_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	r = r == 0 ? 1 : errno == ECONNREFUSED ? 0 : -errno;
	close(fd);
	return r;
}

/* Remove a stale socket at path; refuse a live one or something else. */
static int clear_old(const char *name, const char *path)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "tess-boot: %s: %s exists and is not a socket; not touching it "
			"(--no-socket runs without one)\n", name, path);
		return -EEXIST;
	}
	r = sock_alive(path);
	if (r > 0) {
		fprintf(stderr, "tess-boot: %s: console socket %s is in use: another tess-boot "
			"runs '%s' (tess-console %s attaches to it)\n", name, path, name, name);
		return -EADDRINUSE;
	}
	if (r < 0) {
		fprintf(stderr, "tess-boot: %s: cannot check console socket %s: %s\n", name, path,
			strerror(-r));
		return r;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		r = -errno;
		fprintf(stderr, "tess-boot: %s: cannot remove stale console socket %s: %s\n",
			name, path, strerror(errno));
		return r;
	}
	return 0;
}

static int listen_on(struct attach *a)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = a->b->o->name;
	struct stat st;
	mode_t old;
	int r;

	a->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->listen_fd < 0) {
		r = -errno;
		goto fail;
	}
	memcpy(sa.sun_path, a->path, strlen(a->path) + 1);
	old = umask(0177);                 /* the socket is born 0600 */
	r = bind(a->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (r == -EADDRINUSE) {            /* another tess-boot won the race */
		fprintf(stderr, "tess-boot: %s: console socket %s is in use: another "
			"tess-boot runs '%s'\n", name, a->path, name);
		return r;
	}
	if (r < 0)
		goto fail;
	if (chmod(a->path, 0600) < 0 || stat(a->path, &st) < 0 || listen(a->listen_fd, 4) < 0) {
		r = -errno;
		unlink(a->path);
		goto fail;
	}
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	return 0;
fail:
	fprintf(stderr, "tess-boot: %s: console socket %s: %s\n", name, a->path, strerror(-r));
	return r;
}

int attach_open(struct boot *b)
{
	const char *name = b->o->name, *dir = console_run_dir();
	struct attach *a = calloc(1, sizeof(*a));
	int r;

	if (!a || !(a->queue = malloc(QUEUE_MAX))) {
		free(a);
		fprintf(stderr, "tess-boot: out of memory\n");
		return -ENOMEM;
	}
	a->b = b;
	a->listen_fd = a->client = -1;
	if (console_sock_path(a->path, sizeof(a->path), name) < 0) {
		fprintf(stderr, "tess-boot: %s: console socket path %s/%s.sock is too long\n",
			name, dir, name);
		r = -ENAMETOOLONG;
	} else if ((r = make_dirs(dir, false)) < 0) {
		fprintf(stderr, "tess-boot: %s: cannot create %s: %s\n", name, dir, strerror(-r));
	} else if ((r = clear_old(name, a->path)) == 0) {
		r = listen_on(a);
	}
	if (r < 0) {
		if (a->listen_fd >= 0)
			close(a->listen_fd);
		free(a->queue);
		free(a);
		return r;
	}
	b->attach = a;
	return 0;
}

/* Take every waiting connection: the first becomes the client, others are refused. */
static void accept_clients(struct attach *a)
{
	char line[CONSOLE_LINE_MAX];
	int fd;

	if (a->listen_fd < 0)
		return;
	while ((fd = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (a->client >= 0) {
			snprintf(line, sizeof(line), CONSOLE_HELLO_BUSY "%s: another client is "
				 "attached to this console\n", a->b->o->name);
			/* A new socket's buffer takes one line; if not, it only sees the close. */
			(void)!send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
			note(a, "refused (one is attached already)");
			continue;
		}
		a->client = fd;
		a->client_out_dead = 0;
		a->nqueue = 0;
		snprintf(line, sizeof(line), CONSOLE_HELLO_OK "%s %u\n", a->b->o->name,
			 a->b->domid);
		queue_text(a, line);
		note(a, "attached");
	}
}

int attach_pollfds(struct attach *a, struct pollfd *p, int want_input)
{
	int n = 0;

	if (!a)
		return 0;
	p[n++] = (struct pollfd){ .fd = a->listen_fd, .events = POLLIN }; /* -1: ignored */
	if (a->client >= 0) {
		short ev = (short)((want_input ? POLLIN : 0) |
				   (a->nqueue && !a->client_out_dead ? POLLOUT : 0));

		/* With no events a hung-up peer would still wake poll: leave it out. */
		p[n++] = (struct pollfd){ .fd = ev ? a->client : -1, .events = ev };
	}
	return n;
}

void attach_service(struct attach *a)
{
	if (!a)
		return;
	accept_clients(a);
	client_flush(a);
}

size_t attach_input(struct attach *a, char *buf, size_t room)
{
	ssize_t n;

	if (!a || a->client < 0 || !room)
		return 0;
	n = recv(a->client, buf, room, MSG_DONTWAIT);
	if (n > 0)
		return (size_t)n;
	if (n == 0 || errno == ECONNRESET)
		client_close(a, "detached");
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		client_close(a, "gone");
	return 0;
}

void attach_output(struct attach *a, const char *buf, size_t n)
{
	size_t need = n;

	if (!a || a->client < 0 || a->client_out_dead)
		return;
	for (size_t i = 0; i < n; i++)
		need += (unsigned char)buf[i] == CONSOLE_ESC;
	if (a->nqueue + need > QUEUE_MAX)
		client_flush(a);
	if (a->nqueue + need > QUEUE_MAX) {
		client_close(a, "dropped: it does not keep up with the output");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		a->queue[a->nqueue++] = buf[i];
		if ((unsigned char)buf[i] == CONSOLE_ESC)
			a->queue[a->nqueue++] = (char)CONSOLE_ESC;
	}
	client_flush(a);
}

void attach_finish(struct attach *a, const char *exit_str)
{
	char line[CONSOLE_LINE_MAX];
	double end = 1e3 * boot_now() + FINISH_MS;

	if (!a)
		return;
	/* No new clients from here on. */
	attach_close_listener(a);
	if (a->client < 0)
		return;
	if (exit_str) {
		snprintf(line, sizeof(line), "%cEND exit=%s\n", CONSOLE_ESC, exit_str);
		if (a->nqueue + strlen(line) > QUEUE_MAX)
			client_flush(a);
		queue_text(a, line);
	}
	client_flush(a);
	while (a->nqueue && !a->client_out_dead) {
		struct pollfd p = { .fd = a->client, .events = POLLOUT };
		double left = end - 1e3 * boot_now();

		if (left <= 0)
			break;
		poll(&p, 1, (int)left + 1);
		client_flush(a);
	}
	client_close(a, NULL);
}

void attach_close_listener(struct attach *a)
{
	struct stat st;

	if (!a || a->listen_fd < 0)
		return;
	/* Unlink first, so no one connects to a socket that nobody accepts on. */
	if (stat(a->path, &st) == 0 && st.st_dev == a->dev && st.st_ino == a->ino)
		unlink(a->path);
	close(a->listen_fd);
	a->listen_fd = -1;
}

void attach_close(struct attach *a)
{
	if (!a)
		return;
	attach_close_listener(a);
	client_close(a, NULL);
	free(a->queue);
	free(a);
}
