/* SPDX-License-Identifier: MIT */
/*
 * Checks against the machine before a child is created (tess create,
 * tess start): its files are there and readable, its memory fits in the
 * hypervisor's free pool, the paging mode it asks for is offered, its name
 * and UUID are not in use. Each failure says what to do about it; nothing
 * has been created when they fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tess.h"

static int check_file(const char *what, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tess_error("%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return tess_error("%s %s: not a regular, non-empty file", what, path);
	}
	close(fd);
	return 0;
}

static int check_host(struct tess_cli *cli, const struct domxml *d)
{
	struct tess_physinfo pi;
	uint64_t free_bytes;

	if (tess_physinfo(cli->h, &pi) < 0)
		return tess_error("%s", tess_last_error());
	if (d->paging == TESS_PAGING_SHADOW && !(pi.paging_modes & TESS_PHYS_SHADOW))
		return tess_error("domain '%s' asks for shadow paging (<hap state='off'/>), "
				  "which this hypervisor does not offer", d->name);
	/* Nested paging asked for where there is none: the hypervisor runs the
	 * domain on shadow paging, as every domain there (tess info says so). */
	free_bytes = (uint64_t)pi.free_pages * pi.page_size;
	if (d->memory_bytes > free_bytes)
		return tess_error("domain '%s' needs %" PRIu64 " MiB of memory; the hypervisor's "
				  "pool has %" PRIu64 " MiB free (tess host-info)", d->name,
				  d->memory_bytes >> 20, free_bytes >> 20);
	return 0;
}

static int check_unused(struct tess_cli *cli, const struct domxml *d)
{
	struct tess_domain_info info;
	char uuid[37];
	int r;

	if ((r = domains_find_running(cli, d->name, NULL, &info)) != 0)
		return r < 0 ? TESS_FAIL
			     : tess_error("domain '%s' is already running (id %u)", d->name,
					  info.domid);
	if ((r = domains_find_running(cli, NULL, d->uuid, &info)) != 0) {
		tess_uuid_str(d->uuid, uuid);
		return r < 0 ? TESS_FAIL
			     : tess_error("UUID %s is in use by running domain '%.*s' (id %u)",
					  uuid, TESS_NAME_MAX - 1, info.name, info.domid);
	}
	return 0;
}

int checks_before_start(struct tess_cli *cli, const struct domxml *d)
{
	if (check_file("kernel", d->kernel))
		return TESS_FAIL;
	if (d->initrd && check_file("initrd", d->initrd))
		return TESS_FAIL;
	if (check_unused(cli, d) || check_host(cli, d))
		return TESS_FAIL;
	return 0;
}
