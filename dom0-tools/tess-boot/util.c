/* SPDX-License-Identifier: MIT */
/* tess-boot helpers shared by its files: the clock and mkdir -p. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tess-boot.h"

double boot_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int make_dirs(const char *path, bool parent_only)
{
	char buf[4096];
	char *end;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	if (parent_only) {
		end = strrchr(buf, '/');
		if (!end || end == buf)
			return 0;
		*end = '\0';
	}
	for (char *p = buf + 1; ; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		*p = c;
	}
}
