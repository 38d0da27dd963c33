/* SPDX-License-Identifier: MIT */
/*
 * A child's runner: `tess-boot --daemon` (dom0-tools/tess-boot), one process
 * per running child holding its vCPU threads, console log and console
 * socket, and applying on_poweroff/on_reboot/on_crash. tess starts it with
 * the definition as options, waits for it to report the child built (or
 * the error), and finds it again through RUN_DIR/NAME.run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console-sock.h"
#include "tess.h"

#define RUNNER "tess-boot"
#define OUTPUT_MAX 8192

void runner_log_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s.log", TESS_LOG_DIR, name);
}

int runner_xml_path(const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s.xml", console_run_dir(), name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* argv for tess-boot --daemon from the definition (strings in bufs). */
static void runner_argv(const struct domxml *d, const char *prog, char bufs[4][48],
			const char **argv)
{
	int n = 0;

	argv[n++] = prog;
	argv[n++] = "--daemon";
	argv[n++] = "--name";
	argv[n++] = d->name;
	tess_uuid_str(d->uuid, bufs[0]);
	argv[n++] = "--uuid";
	argv[n++] = bufs[0];
	snprintf(bufs[1], 48, "%llu", (unsigned long long)(d->memory_bytes >> 20));
	argv[n++] = "--mem";
	argv[n++] = bufs[1];
	snprintf(bufs[2], 48, "%u", d->vcpus);
	argv[n++] = "--vcpus";
	argv[n++] = bufs[2];
	argv[n++] = "--paging";
	argv[n++] = tess_paging_name(d->paging);
	argv[n++] = "--on-poweroff";
	argv[n++] = domxml_action_name(d->on_poweroff);
	argv[n++] = "--on-reboot";
	argv[n++] = domxml_action_name(d->on_reboot);
	argv[n++] = "--on-crash";
	argv[n++] = domxml_action_name(d->on_crash);
	if (d->cmdline) {
		argv[n++] = "--cmdline";
		argv[n++] = d->cmdline;
	}
	argv[n++] = "--";
	argv[n++] = d->kernel;
	if (d->initrd)
		argv[n++] = d->initrd;
	argv[n] = NULL;
}

/* Run tess-boot --daemon with stdout and stderr into out; its exit status. */
static int runner_spawn(const char *const *argv, char *out, size_t size)
{
	int fds[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "tess-boot: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	/* The runner's own process exits once the child is built; the
	 * background runner holds no copy of the pipe (its stdout is its log). */
	while ((n = read(fds[0], out + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (len += (size_t)n) >= size - 1)
			break;
	}
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The most telling line of a failed runner: its last error line. */
static void runner_report(const char *out)
{
	const char *best = NULL, *p = out;

	while (p && *p) {
		const char *e = strstr(p, "error: ");
		const char *nl = strchr(p, '\n');

		if (e && (!nl || e < nl))
			best = e + strlen("error: ");
		else if (!best && (!strncmp(p, "tess-boot: ", 11)))
			best = p + 11;
		p = nl ? nl + 1 : NULL;
	}
	if (best)
		tess_error("%.*s", (int)strcspn(best, "\n"), best);
	else
		tess_error("the runner failed:\n%s", out);
}

int runner_start(const struct domxml *d, uint32_t *domid)
{
	char prog[TESS_PATH_MAX], bufs[4][48], out[OUTPUT_MAX];
	const char *argv[32], *p;
	int rc;

	tess_sibling_program(RUNNER, prog, sizeof(prog));
	runner_argv(d, prog, bufs, argv);
	rc = runner_spawn(argv, out, sizeof(out));
	if (rc < 0)
		return tess_error("cannot start the runner %s: %s", prog, strerror(-rc)), -1;
	if (rc != 0) {
		runner_report(out);
		return -1;
	}
	p = strstr(out, " runs domain ");
	*domid = p ? (uint32_t)strtoul(p + strlen(" runs domain "), NULL, 10) : 0;
	return 0;
}

/* key=value from the state file text. */
static long long runstate_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

/* Is pid a tess-boot (not a recycled pid)? */
static bool runner_alive(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, RUNNER, strlen(RUNNER));
}

int runner_state(const char *name, struct runstate *rs)
{
	char path[TESS_PATH_MAX], text[512];
	size_t n;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s.run", console_run_dir(), name) >=
	    (int)sizeof(path))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	memset(rs, 0, sizeof(*rs));
	rs->pid = (pid_t)runstate_value(text, "pid");
	rs->domid = (uint32_t)runstate_value(text, "domid");
	rs->started = runstate_value(text, "started");
	rs->restarts = (unsigned)runstate_value(text, "restarts");
	return rs->pid > 0 && runner_alive(rs->pid) ? 1 : 0;
}
