/* SPDX-License-Identifier: MIT */
/* tess helpers: messages, the state directory, time, names of things. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "tess.h"

#define MAX_WAIT_SECONDS 86400.0

/* "PREFIX: message\n" on stderr, after what stdout has. */
static void tess_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tess_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tess_vmsg("error", fmt, ap);
	va_end(ap);
	return TESS_FAIL;
}

int tess_usage_error(const char *verb, const char *fmt, ...)
{
	const struct tess_verb *v = tess_verb_find(verb);
	va_list ap;

	va_start(ap, fmt);
	tess_vmsg("error", fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: tess %s %s\n", verb, v ? v->args : "");
	return TESS_USAGE;
}

void tess_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tess_vmsg("warning", fmt, ap);
	va_end(ap);
}

const char *tess_state_dir(void)
{
	const char *d = getenv(TESS_STATE_DIR_ENV);

	return d && *d ? d : TESS_STATE_DIR_DEFAULT;
}

int tess_parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !(*out > 0) || *out > MAX_WAIT_SECONDS)
		return -1;
	return 0;
}

double tess_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void tess_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void tess_uuid_str(const uint8_t uuid[16], char out[37])
{
	uuid_unparse_lower(uuid, out);
}

const char *tess_paging_name(uint32_t paging)
{
	return paging == TESS_PAGING_SHADOW ? "shadow" : paging == TESS_PAGING_HAP ? "hap"
										    : "unknown";
}

void tess_sibling_program(const char *name, char *out, size_t size)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			/* Installed side by side (the dom0 initramfs: /bin). */
			if (snprintf(out, size, "%s/%s", self, name) < (int)size &&
			    access(out, X_OK) == 0)
				return;
			/* The build tree: dom0-tools/tess/tess, dom0-tools/NAME/NAME. */
			if (snprintf(out, size, "%s/../%s/%s", self, name, name) < (int)size &&
			    access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, size, "%s", name);
}

void tess_try_hv(struct tess_cli *cli)
{
	if (!cli->h && tess_open(&cli->h) < 0)
		cli->h = NULL;
}
