/*
 * tu.h: a minimal host unit-test framework for Tessera.
 *
 * Every test case runs in a forked child (with a 10 s alarm), so a crash,
 * a sanitizer report or a hang in one case becomes that case's FAIL line
 * and the remaining cases still run. For each case exactly one line is
 * printed on stdout:
 *     PASS: unit/<file>/<case>
 *     FAIL: unit/<file>/<case>: <why>
 * ("unit" is TU_TIER, see below.)
 * Details of every failed CHECK go to stderr. tu_main() returns 0 when all
 * cases passed and 2 when some failed; any other exit status of a test
 * program means the program itself crashed (run-unit.sh reports that).
 */
#ifndef TU_H
#define TU_H

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TU_CASE_FAILED 3 /* child exit status for a failed CHECK */

/* The tier a program's lines belong to ("PASS: unit/..."); tests/domxml
 * builds with -DTU_TIER='"domxml"'. */
#ifndef TU_TIER
#define TU_TIER "unit"
#endif
#define TU_WHY_MAX 512

static int tu_case_failures;
static int tu_why_fd = -1;
static char tu_why[TU_WHY_MAX];

static inline void __attribute__((format(printf, 3, 4)))
tu_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[TU_WHY_MAX - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "  %s:%d: %s\n", file, line, msg);
	if (tu_case_failures++ == 0)
		snprintf(tu_why, sizeof(tu_why), "%s:%d: %s", file, line, msg);
}

/* Each CHECK records a failure and lets the case go on. */
#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			tu_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);     \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		uint64_t tu_a_ = (uint64_t)(a), tu_b_ = (uint64_t)(b);       \
		if (tu_a_ != tu_b_)                                          \
			tu_fail(__FILE__, __LINE__,                          \
				"CHECK_EQ(%s, %s): 0x%" PRIx64 " != 0x%" PRIx64, \
				#a, #b, tu_a_, tu_b_);                       \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *tu_a_ = (a), *tu_b_ = (b);                       \
		if (!tu_a_ || !tu_b_ || strcmp(tu_a_, tu_b_))                \
			tu_fail(__FILE__, __LINE__,                          \
				"CHECK_STR(%s, %s): \"%s\" != \"%s\"", #a, #b, \
				tu_a_ ? tu_a_ : "(null)",                    \
				tu_b_ ? tu_b_ : "(null)");                   \
	} while (0)

/* Stop the current case right away (e.g. a pointer the rest needs is NULL). */
#define REQUIRE(cond)                                                        \
	do {                                                                 \
		if (!(cond)) {                                               \
			tu_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);   \
			return;                                              \
		}                                                            \
	} while (0)

typedef void (*tu_fn)(void);

struct tu_case {
	const char *name;
	tu_fn fn;
};

#define TU_CASE(name) { #name, name }

/* Run fn in a child; print its line; return 1 if it failed. */
static inline int tu_run_one(const char *file, const struct tu_case *c)
{
	int fds[2], status;
	char why[TU_WHY_MAX] = "";
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds)) {
		printf("FAIL: " TU_TIER "/%s/%s: pipe failed\n", file, c->name);
		return 1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("FAIL: " TU_TIER "/%s/%s: fork failed\n", file, c->name);
		close(fds[0]);
		close(fds[1]);
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		tu_why_fd = fds[1];
		alarm(10);
		c->fn();
		if (tu_case_failures) {
			if (tu_case_failures > 1) {
				size_t l = strlen(tu_why);

				snprintf(tu_why + l, sizeof(tu_why) - l,
					 " (+%d more)", tu_case_failures - 1);
			}
			if (write(tu_why_fd, tu_why, strlen(tu_why)) < 0)
				_exit(TU_CASE_FAILED);
			_exit(TU_CASE_FAILED);
		}
		_exit(0);
	}
	close(fds[1]);
	while (got < (ssize_t)sizeof(why) - 1 &&
	       (n = read(fds[0], why + got, sizeof(why) - 1 - got)) > 0)
		got += n;
	why[got] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		printf("FAIL: " TU_TIER "/%s/%s: waitpid failed\n", file, c->name);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("PASS: " TU_TIER "/%s/%s\n", file, c->name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == TU_CASE_FAILED)
		printf("FAIL: " TU_TIER "/%s/%s: %s\n", file, c->name, why);
	else if (WIFSIGNALED(status))
		printf("FAIL: " TU_TIER "/%s/%s: crashed with signal %d%s\n", file, c->name,
		       WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		printf("FAIL: " TU_TIER "/%s/%s: aborted with exit status %d "
		       "(sanitizer report on stderr)\n",
		       file, c->name, WEXITSTATUS(status));
	return 1;
}

/* Print a note for a case that cannot run here; counts as neither. */
static inline void tu_skip(const char *file, const char *name, const char *why)
{
	printf("SKIP: " TU_TIER "/%s/%s: %s\n", file, name, why);
}

static inline int tu_main(const char *file, const struct tu_case *cases, size_t n)
{
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < n; i++)
		failed += tu_run_one(file, &cases[i]);
	return failed ? 2 : 0;
}

#define TU_MAIN(file, cases) \
	int main(void) { return tu_main(file, cases, sizeof(cases) / sizeof(cases[0])); }

#endif
