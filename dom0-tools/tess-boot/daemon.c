/* SPDX-License-Identifier: MIT */
/*
 * The runner in the background (--daemon, what `tess create` and
 * `tess start` use) and its state file.
 *
 * tess-boot builds the child in the foreground, so every error before the
 * child exists reaches the caller's terminal and exit status; only then it
 * forks. The parent records the runner and exits 0; the child (the runner)
 * leaves the session, reads nothing and writes its own messages to
 * LOG_DIR/NAME.runner.log. The console stays in the console log and on the
 * console socket.
 *
 * RUN_DIR/NAME.run (next to the console socket) says who runs the domain:
 *   pid=<runner pid>
 *   domid=<current domain id>
 *   started=<seconds since the epoch when that domain was created>
 *   restarts=<how many times on_reboot/on_crash restarted it>
 * written atomically (rename), removed when the runner ends, together with
 * RUN_DIR/NAME.xml, the definition `tess` started the child from. `tess`
 * reads it for info (uptime) and to signal the runner (destroy, reboot).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console-sock.h"
#include "tess-boot.h"

static int runstate_path(const struct boot *b, char *buf, size_t size, const char *suffix)
{
	int n = snprintf(buf, size, "%s/%s.run%s", console_run_dir(), b->o->name, suffix);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int runstate_write(const struct boot *b, pid_t pid)
{
	char path[512], tmp[520];
	FILE *f;
	int r;

	if (runstate_path(b, path, sizeof(path), "") < 0 ||
	    runstate_path(b, tmp, sizeof(tmp), ".tmp") < 0)
		return -ENAMETOOLONG;
	if ((r = make_dirs(path, true)) < 0)
		return r;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "pid=%ld\ndomid=%u\nstarted=%lld\nrestarts=%u\n", (long)pid, b->domid,
		(long long)time(NULL), b->restarts);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

void runstate_remove(const struct boot *b)
{
	char path[512];

	if (runstate_path(b, path, sizeof(path), "") == 0)
		unlink(path);
	/* The definition tess started the child from (RUN_DIR/NAME.xml). */
	if (snprintf(path, sizeof(path), "%s/%s.xml", console_run_dir(), b->o->name) <
	    (int)sizeof(path))
		unlink(path);
}

/* stdin from /dev/null, stdout and stderr appended to the runner log. */
static int daemon_redirect(const struct boot *b)
{
	char path[512];
	int in, out;

	if (snprintf(path, sizeof(path), "%s", b->o->log_path ? b->o->log_path : "") >=
	    (int)sizeof(path) - 16)
		return -ENAMETOOLONG;
	if (b->o->log_path) {
		char *dot = strrchr(path, '.');

		strcpy(dot && !strchr(dot, '/') ? dot : path + strlen(path), ".runner.log");
	} else {
		strcpy(path, "/dev/null");
	}
	make_dirs(path, true);
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (in < 0 || out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(out, STDERR_FILENO) < 0)
		return -errno;
	close(in);
	close(out);
	return 0;
}

int daemon_detach(struct boot *b)
{
	int gate[2];
	pid_t pid;
	char c;
	int r;

	fflush(stdout);
	fflush(stderr);
	if (pipe2(gate, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		printf("TESS-BOOT: %s error: fork: %s\n", b->o->name, strerror(errno));
		return -errno;
	}
	if (pid > 0) {
		/* The state file exists before the runner runs the child (whose
		 * end removes it), and before `tess` gets our exit status. */
		r = runstate_write(b, pid);
		close(gate[1]);
		if (r < 0)
			printf("TESS-BOOT: %s warning: state file: %s\n", b->o->name, strerror(-r));
		printf("TESS-BOOT: %s runner pid %ld runs domain %u\n", b->o->name, (long)pid,
		       b->domid);
		fflush(stdout);
		_exit(0);
	}
	close(gate[1]);
	while (read(gate[0], &c, 1) < 0 && errno == EINTR)
		;
	close(gate[0]);
	setsid();
	if (daemon_redirect(b) < 0) {
		/* No runner log: still let go of the caller's pipe and terminal. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		for (int fd = 0; fd <= 2 && null >= 0; fd++)
			dup2(null, fd);
	}
	printf("TESS-BOOT: %s runner pid %ld, domain %u\n", b->o->name, (long)getpid(),
	       b->domid);
	fflush(stdout);
	return 0;
}
