/* SPDX-License-Identifier: MIT */
/*
 * check.c: the values of a definition whose shape the schema has accepted,
 * into struct domxml.  These are the rules a schema cannot word well
 * (sizes with units, UUIDs, the name's alphabet) and Tessera's own limits
 * (2 MiB memory granules, TESS_MAX_VCPUS, no ballooning).  Where libvirt's
 * schema is stricter than ours on a value (numbers are bare digits, paths
 * and titles are one line), the rule here is at least as strict, so that a
 * definition we accept with type='xen' validates with libvirt too.
 */
#define _GNU_SOURCE             /* strdup */
#include <inttypes.h>
#include <string.h>

#include <uuid/uuid.h>

#include "internal.h"

#define PATH_LIMIT 4096         /* Linux's PATH_MAX, with the NUL */

const xmlNode *dx_next(const xmlNode *n, const char *name)
{
	for (; n; n = n->next)
		if (dx_is(n, name) && !n->ns)
			return n;
	return NULL;
}

const xmlNode *dx_child(const xmlNode *parent, const char *name)
{
	return parent ? dx_next(parent->children, name) : NULL;
}

/* An element's or attribute's text; NULL (reported) only when out of memory. */
static char *text_of(struct dx_ctx *c, const void *node)
{
	char *s = (char *)xmlNodeGetContent((const xmlNode *)node);

	if (!s)
		dx_err(c, node, "out of memory");
	return s;
}

/* A value the schema lists (a token): compare it without the white space. */
static bool token_is(const char *s, const char *want)
{
	size_t n = strlen(want);

	s += strspn(s, " \t\r\n");
	return !strncmp(s, want, n) && s[n + strspn(s + n, " \t\r\n")] == '\0';
}

static int check_type(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlAttr *a = xmlHasNsProp(root, (const xmlChar *)"type", NULL);
	char *t = a ? text_of(c, a) : NULL;

	if (!t)
		return -1;
	d->type = token_is(t, "tessera") ? DOMXML_TYPE_TESSERA : DOMXML_TYPE_XEN;
	xmlFree(t);
	return 0;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.' || ch == '-';
}

/* The name becomes a file name in dom0: only a safe alphabet, never . or .. */
static int name_rule(struct dx_ctx *c, const xmlNode *n, const char *s)
{
	struct dx_clip q;
	size_t i, len = strlen(s);

	if (len == 0)
		return dx_err(c, n, "empty <name>");
	if (len >= TESS_NAME_MAX) {
		dx_err(c, n, "name too long");
		return dx_hint(c, "at most %d bytes", TESS_NAME_MAX - 1);
	}
	for (i = 0; i < len && name_char(s[i]); i++)
		;
	if (i < len || !strcmp(s, ".") || !strcmp(s, "..")) {
		dx_err(c, n, "bad name '%s'", dx_clip(&q, s));
		return dx_hint(c, "use letters, digits, '_', '.' and '-' (not . or ..)");
	}
	return 0;
}

static int check_name(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlNode *n = dx_child(root, "name");
	char *s = text_of(c, n);
	int rc;

	if (!s)
		return -1;
	rc = name_rule(c, n, s);
	if (!rc)
		memcpy(d->name, s, strlen(s) + 1);
	xmlFree(s);
	return rc;
}

/* The nil UUID means none, as in RFC 4122: format writes it for "not given". */
static int check_uuid(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlNode *n = dx_child(root, "uuid");
	struct dx_clip q;
	char *s;
	int rc = 0;

	if (!n)
		return 0;
	s = text_of(c, n);
	if (!s)
		return -1;
	if (uuid_parse(s, d->uuid)) {
		rc = dx_err(c, n, "malformed UUID '%s'", dx_clip(&q, s));
		dx_hint(c, "expected the form 4dea22b3-1d52-d8f3-2516-782e98ab3fa0");
		memset(d->uuid, 0, sizeof(d->uuid));
	}
	d->uuid_given = !rc && !uuid_is_null(d->uuid);
	xmlFree(s);
	return rc;
}

/* <title> (held to libvirt's rule: one line, not empty) or <description>:
 * free text, kept for dumpxml. */
static int check_text(struct dx_ctx *c, const xmlNode *root, const char *name, bool one_line,
		      char **out)
{
	const xmlNode *n = dx_child(root, name);
	char *s;
	int rc = 0;

	if (!n)
		return 0;
	s = text_of(c, n);
	if (!s)
		return -1;
	if (one_line && (!*s || strchr(s, '\n'))) {
		rc = dx_err(c, n, "bad <%s>", name);
		dx_hint(c, "one line, not empty");
	} else if (!(*out = strdup(s))) {
		rc = dx_err(c, n, "out of memory");
	}
	xmlFree(s);
	return rc;
}

/* <memory> or <currentMemory>: a scaled size, in bytes. */
static int size_of(struct dx_ctx *c, const xmlNode *n, uint64_t *bytes)
{
	const xmlAttr *ua = xmlHasNsProp(n, (const xmlChar *)"unit", NULL);
	char *num = text_of(c, n), *unit = ua ? text_of(c, ua) : NULL;
	struct dx_clip q;
	int rc = -1;

	if (!num || (ua && !unit))
		goto out;
	switch (dx_scaled(num, unit, bytes)) {
	case DX_NUM_OK:
		rc = 0;
		break;
	case DX_NUM_BAD_UNIT:
		dx_err(c, ua, "bad unit '%s'", dx_clip(&q, unit));
		dx_hint(c, "expected one of %s", dx_unit_names);
		break;
	case DX_NUM_BAD:
		dx_err(c, n, "bad size '%s' in <%s>", dx_clip(&q, num), (const char *)n->name);
		dx_hint(c, "expected digits, as in <memory unit='MiB'>256</memory>");
		break;
	case DX_NUM_OVERFLOW:
		dx_err(c, n, "<%s> too large", (const char *)n->name);
		dx_hint(c, "it does not fit in 64 bits of bytes");
		break;
	}
out:
	xmlFree(num);
	xmlFree(unit);
	return rc;
}

static int check_memory(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlNode *n = dx_child(root, "memory"), *cur = dx_child(root, "currentMemory");
	uint64_t b, cb, down;

	if (size_of(c, n, &b))
		return -1;
	if (b == 0) {
		dx_err(c, n, "zero <memory>");
		return dx_hint(c, "give at least 2 MiB");
	}
	if (b % TESS_MEM_ALIGN) {
		down = b - b % TESS_MEM_ALIGN;
		dx_err(c, n, "memory not a multiple of 2 MiB");
		return dx_hint(c, "%" PRIu64 " bytes given; Tessera hands out memory in 2 MiB "
			       "chunks (%" PRIu64 " KiB would do)",
			       b, (down ? down : TESS_MEM_ALIGN) / 1024);
	}
	if (cur && size_of(c, cur, &cb))
		return -1;
	if (cur && cb != b) {
		dx_err(c, cur, "ballooning not supported yet");
		return dx_hint(c, "<currentMemory> must equal <memory> or be left out");
	}
	d->memory_bytes = b;
	return 0;
}

static int check_vcpu(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlNode *n = dx_child(root, "vcpu");
	struct dx_clip q;
	uint64_t v = 0;
	char *s;
	int rc = 0;

	d->vcpus = 1;           /* libvirt's default */
	if (!n)
		return 0;
	s = text_of(c, n);
	if (!s)
		return -1;
	if (dx_parse_u64(s, &v) == DX_NUM_BAD || v < 1 || v > TESS_MAX_VCPUS) {
		rc = dx_err(c, n, "vcpu count '%s' out of range", dx_clip(&q, s));
		dx_hint(c, "expected a number from 1 to %d", TESS_MAX_VCPUS);
	}
	d->vcpus = (uint32_t)v;
	xmlFree(s);
	return rc;
}

/* libvirt's absFilePath: "/" and at least one more character, one line. */
static int path_rule(struct dx_ctx *c, const xmlNode *n, const char *s)
{
	struct dx_clip q;

	if (s[0] != '/') {
		dx_err(c, n, "%s path '%s' not absolute", (const char *)n->name, dx_clip(&q, s));
		return dx_hint(c, "start it with /");
	}
	if (!s[1])
		return dx_err(c, n, "%s path '/' names no file", (const char *)n->name);
	if (strpbrk(s, "\r\n"))
		return dx_err(c, n, "%s path spans lines", (const char *)n->name);
	if (strlen(s) >= PATH_LIMIT) {
		dx_err(c, n, "%s path too long", (const char *)n->name);
		return dx_hint(c, "at most %d bytes", PATH_LIMIT - 1);
	}
	return 0;
}

/* An optional string of <os>; a path when is_path. */
static int os_string(struct dx_ctx *c, const xmlNode *os, const char *name, bool is_path,
		     char **out)
{
	const xmlNode *n = dx_child(os, name);
	char *s;

	if (!n)
		return 0;
	s = text_of(c, n);
	if (!s || (is_path && path_rule(c, n, s))) {
		xmlFree(s);
		return -1;
	}
	*out = strdup(s);
	xmlFree(s);
	return *out ? 0 : dx_err(c, n, "out of memory");
}

static int check_os(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlNode *os = dx_child(root, "os");

	if (os_string(c, os, "kernel", true, &d->kernel) ||
	    os_string(c, os, "initrd", true, &d->initrd) ||
	    os_string(c, os, "cmdline", false, &d->cmdline))
		return -1;
	return 0;
}

static int check_features(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	const xmlNode *hap = dx_child(dx_child(root, "features"), "hap");
	const xmlAttr *st = hap ? xmlHasNsProp(hap, (const xmlChar *)"state", NULL) : NULL;
	char *s;

	d->paging = TESS_PAGING_HAP;    /* <hap/> alone means on, as in libvirt */
	if (!st)
		return 0;
	s = text_of(c, st);
	if (!s)
		return -1;
	if (token_is(s, "off"))
		d->paging = TESS_PAGING_SHADOW;
	xmlFree(s);
	return 0;
}

/* libvirt's rename-restart and coredump-* have no Tessera meaning yet. */
static int action(struct dx_ctx *c, const xmlNode *root, const char *name,
		  enum domxml_action *a)
{
	static const enum domxml_action all[] = { DOMXML_ACTION_DESTROY, DOMXML_ACTION_RESTART,
						  DOMXML_ACTION_PRESERVE };
	const xmlNode *n = dx_child(root, name);
	struct dx_clip q;
	char *s;
	size_t i;

	if (!n)
		return 0;
	s = text_of(c, n);
	if (!s)
		return -1;
	for (i = 0; i < 3 && !token_is(s, domxml_action_name(all[i])); i++)
		;
	if (i < 3)
		*a = all[i];
	else {
		dx_err(c, n, "unsupported action '%s' for <%s>", dx_clip(&q, s), name);
		dx_hint(c, "use destroy, restart or preserve");
	}
	xmlFree(s);
	return i < 3 ? 0 : -1;
}

static int check_actions(struct dx_ctx *c, const xmlNode *root, struct domxml *d)
{
	d->on_poweroff = DOMXML_ACTION_DESTROY;
	d->on_reboot = DOMXML_ACTION_RESTART;
	d->on_crash = DOMXML_ACTION_DESTROY;
	if (action(c, root, "on_poweroff", &d->on_poweroff) ||
	    action(c, root, "on_reboot", &d->on_reboot) ||
	    action(c, root, "on_crash", &d->on_crash))
		return -1;
	return 0;
}

int dx_check(struct dx_ctx *c, struct domxml *d)
{
	const xmlNode *root = xmlDocGetRootElement(c->doc), *devices;

	if (check_type(c, root, d) || check_name(c, root, d) || check_uuid(c, root, d) ||
	    check_text(c, root, "title", true, &d->title) ||
	    check_text(c, root, "description", false, &d->description) || check_memory(c, root, d) || check_vcpu(c, root, d) ||
	    check_os(c, root, d) || check_features(c, root, d) || check_actions(c, root, d))
		return -1;
	devices = dx_child(root, "devices");
	return devices ? dx_devices(c, devices, d) : 0;
}
