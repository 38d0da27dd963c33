/* SPDX-License-Identifier: MIT */
/*
 * Defined domains: one XML file each, STATE_DIR/domains/NAME.xml (default
 * /var/lib/tessera/domains), in domxml_format's normal form. Files are
 * written to a temporary name, flushed to disk and renamed, then the
 * directory is flushed, so a crash leaves the old or the new definition,
 * never half of one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tess.h"

#define XML_SUFFIX ".xml"

static int store_dir(char *out, size_t size)
{
	int n = snprintf(out, size, "%s/domains", tess_state_dir());

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int store_path(const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/domains/%s" XML_SUFFIX, tess_state_dir(), name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool store_exists(const char *name)
{
	char path[TESS_PATH_MAX];

	return store_path(name, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

int store_load(const char *name, struct domxml *d)
{
	char path[TESS_PATH_MAX], err[DOMXML_ERR_MAX];

	if (store_path(name, path, sizeof(path)) < 0)
		return tess_error("domain name '%s' makes too long a path", name), -1;
	if (domxml_parse_file(path, d, err, sizeof(err)) < 0)
		return tess_error("stored definition: %s", err), -1;
	/* A file copied by hand under another name would be two domains. */
	if (strcmp(d->name, name)) {
		tess_error("%s defines domain '%s', not '%s': rename it to %s.xml", path,
			   d->name, name, d->name);
		domxml_free(d);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so the rename itself is on disk. */
static void sync_parent(const char *path)
{
	char dir[TESS_PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int store_write_file(const char *path, const struct domxml *d)
{
	char tmp[TESS_PATH_MAX + 32];
	char *xml = domxml_format(d);
	int fd, r;

	if (!xml)
		return -ENOMEM;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(xml);
		return -errno;
	}
	r = write_all(fd, xml, strlen(xml));
	free(xml);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	sync_parent(path);
	return 0;
}

int store_save(const struct domxml *d)
{
	char dir[TESS_PATH_MAX], path[TESS_PATH_MAX];
	int r;

	if (store_dir(dir, sizeof(dir)) < 0 || store_path(d->name, path, sizeof(path)) < 0)
		return tess_error("state directory path too long"), -1;
	if ((r = make_dirs(dir, false)) < 0)
		return tess_error("cannot create %s: %s", dir, strerror(-r)), -1;
	if ((r = store_write_file(path, d)) < 0)
		return tess_error("cannot write %s: %s (the old definition, if any, is "
				  "unchanged)", path, strerror(-r)), -1;
	return 0;
}

int store_remove(const char *name)
{
	char path[TESS_PATH_MAX];

	if (store_path(name, path, sizeof(path)) < 0)
		return -1;
	if (unlink(path) < 0)
		return tess_error("cannot remove %s: %s", path, strerror(errno)), -1;
	sync_parent(path);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NAME.xml with a name that tess could have written (no temporaries). */
static char *store_entry_name(const char *file)
{
	size_t len = strlen(file), slen = strlen(XML_SUFFIX);

	if (len <= slen || len - slen >= TESS_NAME_MAX || strcmp(file + len - slen, XML_SUFFIX))
		return NULL;
	if (strspn(file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
		return NULL;
	return strndup(file, len - slen);
}

char **store_names(size_t *n)
{
	char dir[TESS_PATH_MAX];
	char **names = NULL;
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*n = 0;
	if (store_dir(dir, sizeof(dir)) < 0 || !(d = opendir(dir)))
		return NULL;
	while ((e = readdir(d))) {
		char *name = store_entry_name(e->d_name);

		if (!name)
			continue;
		if (*n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));

			if (!grown) {
				free(name);
				break;
			}
			names = grown;
		}
		names[(*n)++] = name;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

void store_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
