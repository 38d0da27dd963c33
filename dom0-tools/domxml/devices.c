/* SPDX-License-Identifier: MIT */
/*
 * devices.c: <devices>.  Tessera runs one console now; disks and network
 * interfaces are accepted by the schema in libvirt's shape, so that a
 * definition written for later is checked now, and then refused by name.
 *
 * Duplicate targets are looked for first, over every device: a definition
 * with two disks on xvda is wrong whatever Tessera supports, and saying so
 * first spares the user a second round.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_KEYS (2 * DX_MAX_CHILDREN)  /* two keys per device at most */

/* One value that must differ between devices of a kind, and where it is. */
struct key {
	const char *kind;       /* "disk target", ...: compared by address */
	char *value;            /* xmlMalloc'd, normalised */
	const void *where;
};

struct keys {
	size_t n;
	struct key k[MAX_KEYS];
};

static const char K_DISK[] = "disk target", K_MAC[] = "interface MAC address",
		  K_NET[] = "interface target", K_PORT[] = "console port";

static bool is_device(const xmlNode *n)
{
	return dx_is(n, "disk") || dx_is(n, "interface") || dx_is(n, "console");
}

static int add_key(struct dx_ctx *c, struct keys *ks, const char *kind, char *value,
		   const void *where)
{
	if (!value)
		return dx_err(c, where, "out of memory");
	ks->k[ks->n++] = (struct key){ kind, value, where };
	return 0;
}

/* The attribute attr of the child element child of n, as a key. */
static int attr_key(struct dx_ctx *c, struct keys *ks, const xmlNode *n, const char *child,
		    const char *attr, const char *kind)
{
	const xmlNode *k = dx_child(n, child);
	const xmlAttr *a = k ? xmlHasNsProp(k, (const xmlChar *)attr, NULL) : NULL;
	char *v;

	if (!a)
		return 0;
	v = (char *)xmlNodeGetContent((const xmlNode *)a);
	if (v && kind == K_MAC)
		for (char *p = v; *p; p++)      /* 00:16:3E and 00:16:3e are one MAC */
			*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	return add_key(c, ks, kind, v, a);
}

/* A console's port, 0 when not given; "07" and "7" are one port. */
static int port_key(struct dx_ctx *c, struct keys *ks, const xmlNode *con, uint64_t *port)
{
	const xmlNode *t = dx_child(con, "target");
	const xmlAttr *a = t ? xmlHasNsProp(t, (const xmlChar *)"port", NULL) : NULL;
	char *v = a ? (char *)xmlNodeGetContent((const xmlNode *)a) : NULL, num[24];
	struct dx_clip q;
	int rc = 0;

	*port = 0;
	if (a && !v)
		return dx_err(c, a, "out of memory");
	if (v && dx_parse_u64(v, port) != DX_NUM_OK) {
		rc = dx_err(c, a, "bad console port '%s'", dx_clip(&q, v));
		dx_hint(c, "expected a number");
	}
	xmlFree(v);
	if (rc)
		return rc;
	snprintf(num, sizeof(num), "%" PRIu64, *port);
	return add_key(c, ks, K_PORT, (char *)xmlStrdup((const xmlChar *)num),
		       a ? (const void *)a : (const void *)con);
}

static int collect(struct dx_ctx *c, const xmlNode *devices, struct keys *ks)
{
	const xmlNode *n;
	size_t count = 0;
	uint64_t port;

	for (n = devices->children; n; n = n->next) {
		if (!is_device(n))
			continue;
		if (++count > DX_MAX_CHILDREN)  /* structure.c saw to that */
			return dx_err(c, n, "internal error: too many devices");
		if ((dx_is(n, "disk") && attr_key(c, ks, n, "target", "dev", K_DISK)) ||
		    (dx_is(n, "interface") && (attr_key(c, ks, n, "mac", "address", K_MAC) ||
					       attr_key(c, ks, n, "target", "dev", K_NET))) ||
		    (dx_is(n, "console") && port_key(c, ks, n, &port)))
			return -1;
	}
	return 0;
}

static int find_duplicate(struct dx_ctx *c, const struct keys *ks)
{
	struct dx_clip q;
	char first[DOMXML_ERR_MAX];
	size_t i, j;

	for (i = 1; i < ks->n; i++)
		for (j = 0; j < i; j++) {
			if (ks->k[i].kind != ks->k[j].kind || strcmp(ks->k[i].value, ks->k[j].value))
				continue;
			dx_where(c, ks->k[j].where, first, sizeof(first));
			dx_err(c, ks->k[i].where, "duplicate %s '%s'", ks->k[i].kind,
			       dx_clip(&q, ks->k[i].value));
			return dx_hint(c, "first at %s", first);
		}
	return 0;
}

/* The one console Tessera has is the child's first UART, ttyS0. */
static int check_console(struct dx_ctx *c, const xmlNode *con, const struct key *port,
			 struct domxml *d)
{
	if (strcmp(port->value, "0")) {
		dx_err(c, port->where, "console port %s not supported yet", port->value);
		return dx_hint(c, "the console is the child's first serial port, port 0");
	}
	if (d->console) {
		dx_err(c, con, "second <console>");
		return dx_hint(c, "only one console is supported yet");
	}
	d->console = true;
	return 0;
}

static int refuse_unsupported(struct dx_ctx *c, const xmlNode *devices, const struct keys *ks,
			      struct domxml *d)
{
	const xmlNode *n;
	size_t k = 0;

	for (n = devices->children; n; n = n->next) {
		if (dx_is(n, "disk")) {
			dx_err(c, n, "unsupported device <disk>");
			return dx_hint(c, "disks are not supported yet");
		}
		if (dx_is(n, "interface")) {
			dx_err(c, n, "unsupported device <interface>");
			return dx_hint(c, "network interfaces are not supported yet");
		}
		if (!dx_is(n, "console"))
			continue;
		while (ks->k[k].kind != K_PORT)  /* each console has its port key */
			k++;
		if (check_console(c, n, &ks->k[k++], d))
			return -1;
	}
	return 0;
}

int dx_devices(struct dx_ctx *c, const xmlNode *devices, struct domxml *d)
{
	struct keys *ks = calloc(1, sizeof(*ks));
	size_t i;
	int rc;

	if (!ks)
		return dx_err(c, devices, "out of memory");
	rc = collect(c, devices, ks);
	if (!rc)
		rc = find_duplicate(c, ks);
	if (!rc)
		rc = refuse_unsupported(c, devices, ks, d);
	for (i = 0; i < ks->n; i++)
		xmlFree(ks->k[i].value);
	free(ks);
	return rc;
}
