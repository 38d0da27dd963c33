/* SPDX-License-Identifier: MIT */
/*
 * format.c: struct domxml as the XML that dumpxml shows and define stores.
 *
 * Every element is written, defaults included, in libvirt's order, so the
 * stored file says what the domain gets even if a default changes later;
 * memory is in KiB as libvirt writes it.  Strings are escaped so that the
 * parse of the result gives the same struct: '&', '<', '>' as entities,
 * and a carriage return as &#13; because a parser turns a literal one into
 * a newline.
 */
#define _GNU_SOURCE             /* open_memstream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "internal.h"

static void escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '\r':
			fputs("&#13;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* <name>text</name> at the given indent, if text is not NULL. */
static void text_element(FILE *f, const char *indent, const char *name, const char *text)
{
	if (!text)
		return;
	fprintf(f, "%s<%s>", indent, name);
	escaped(f, text);
	fprintf(f, "</%s>\n", name);
}

static void write_ids(FILE *f, const struct domxml *d)
{
	uint8_t nil[16] = { 0 };
	char uuid[37], name[TESS_NAME_MAX];

	/* A caller's struct may lack the NUL: read no further than the array. */
	snprintf(name, sizeof(name), "%.*s", TESS_NAME_MAX - 1, d->name);
	uuid_unparse_lower(d->uuid_given ? d->uuid : nil, uuid);
	text_element(f, "  ", "name", name);
	fprintf(f, "  <uuid>%s</uuid>\n", uuid);
	text_element(f, "  ", "title", d->title);
	text_element(f, "  ", "description", d->description);
	fprintf(f, "  <memory unit='KiB'>%" PRIu64 "</memory>\n", d->memory_bytes / 1024);
	fprintf(f, "  <currentMemory unit='KiB'>%" PRIu64 "</currentMemory>\n",
		d->memory_bytes / 1024);
	fprintf(f, "  <vcpu>%" PRIu32 "</vcpu>\n", d->vcpus);
}

static void write_os(FILE *f, const struct domxml *d)
{
	fputs("  <os>\n    <type arch='x86_64'>linux</type>\n", f);
	text_element(f, "    ", "kernel", d->kernel);
	text_element(f, "    ", "initrd", d->initrd);
	text_element(f, "    ", "cmdline", d->cmdline);
	fputs("  </os>\n", f);
	fprintf(f, "  <features>\n    <hap state='%s'/>\n  </features>\n",
		d->paging == TESS_PAGING_SHADOW ? "off" : "on");
}

static void write_rest(FILE *f, const struct domxml *d)
{
	text_element(f, "  ", "on_poweroff", domxml_action_name(d->on_poweroff));
	text_element(f, "  ", "on_reboot", domxml_action_name(d->on_reboot));
	text_element(f, "  ", "on_crash", domxml_action_name(d->on_crash));
	if (!d->console) {
		fputs("  <devices/>\n", f);
		return;
	}
	fputs("  <devices>\n"
	      "    <console type='pty'>\n"
	      "      <target type='serial' port='0'/>\n"
	      "    </console>\n"
	      "  </devices>\n", f);
}

char *domxml_format(const struct domxml *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok;

	if (!f)
		return NULL;
	fprintf(f, "<domain type='%s'>\n", d->type == DOMXML_TYPE_TESSERA ? "tessera" : "xen");
	write_ids(f, d);
	write_os(f, d);
	write_rest(f, d);
	fputs("</domain>\n", f);
	ok = !ferror(f);
	if (fclose(f) || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}
