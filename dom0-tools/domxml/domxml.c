/* SPDX-License-Identifier: MIT */
/*
 * domxml.c: the entry points of domxml.h; the stages are in internal.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "internal.h"

const char *domxml_action_name(enum domxml_action a)
{
	switch (a) {
	case DOMXML_ACTION_DESTROY:
		return "destroy";
	case DOMXML_ACTION_RESTART:
		return "restart";
	case DOMXML_ACTION_PRESERVE:
		return "preserve";
	}
	return "unknown";
}

void domxml_free(struct domxml *d)
{
	if (!d)
		return;
	free(d->kernel);
	free(d->initrd);
	free(d->cmdline);
	free(d->title);
	free(d->description);
	memset(d, 0, sizeof(*d));
}

static int stages(struct dx_ctx *c, struct domxml *d)
{
	if (c->srclen > DOMXML_MAX_BYTES)
		return dx_err_at(c, 0, 0, "%s too large; the limit is %u bytes", c->file,
				 DOMXML_MAX_BYTES);
	if (!c->src)
		return dx_err_at(c, 0, 0, "%s: no data", c->file);
	if (dx_read(c) || dx_schema_load(c) || dx_structure(c) || dx_schema_validate(c))
		return -1;
	return dx_check(c, d);
}

int domxml_parse_memory(const char *buf, size_t len, const char *name, struct domxml *d,
			char *err, size_t errlen)
{
	struct dx_ctx c = { .file = name ? name : "(definition)", .src = buf, .srclen = len,
			    .err = err, .errlen = errlen };
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!d)
		return dx_err_at(&c, 0, 0, "no struct domxml to fill");
	memset(d, 0, sizeof(*d));
	xmlInitParser();        /* idempotent; libxml2 wants it before use */
	rc = stages(&c, d);
	xmlFreeDoc(c.doc);
	xmlFreeDoc(c.rng);
	/* libxml2 keeps a copy of its last error: drop it, it is ours to report. */
	xmlResetLastError();
	if (rc) {
		domxml_free(d);
		if (!c.failed)
			dx_err_at(&c, 0, 0, "%s: invalid definition", c.file);
		return -1;
	}
	return 0;
}

/* At most DOMXML_MAX_BYTES + 1 bytes: enough to know the file is too large. */
static char *slurp(const char *path, size_t *len, int *error)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	*error = errno;
	if (!f)
		return NULL;
	buf = malloc(DOMXML_MAX_BYTES + 1);
	if (!buf) {
		*error = ENOMEM;
		fclose(f);
		return NULL;
	}
	errno = 0;
	*len = fread(buf, 1, DOMXML_MAX_BYTES + 1, f);
	*error = errno ? errno : EIO;
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int domxml_parse_file(const char *path, struct domxml *d, char *err, size_t errlen)
{
	struct dx_ctx c = { .file = path ? path : "(null)", .err = err, .errlen = errlen };
	size_t len = 0;
	int error = 0, rc;
	char *buf;

	if (d)
		memset(d, 0, sizeof(*d));
	if (err && errlen)
		err[0] = '\0';
	if (!path)
		return dx_err_at(&c, 0, 0, "no file name");
	buf = slurp(path, &len, &error);
	if (!buf)
		return dx_err_at(&c, 0, 0, "cannot read %s: %s", path, strerror(error));
	rc = domxml_parse_memory(buf, len, path, d, err, errlen);
	free(buf);
	return rc;
}
