/* SPDX-License-Identifier: MIT */
/*
 * domxml-check: run definitions through libdomxml, for the test scripts.
 *
 *   domxml-check FILE            prints "ok" or the error message; exit 0/1
 *   domxml-check --format FILE   prints domxml_format() of the definition
 *   domxml-check --roundtrip FILE  formats, re-parses, compares; exit 0/1
 *   domxml-check --dump FILE     prints the struct's fields on one line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "domxml.h"
#include "same.h"

/* " key=value", control characters as \r, \n, \t or \xHH, NULL as "-". */
static void field(const char *key, const char *s)
{
	printf(" %s=", key);
	if (!s)
		s = "-";
	for (; *s; s++) {
		if (*s == '\r')
			fputs("\\r", stdout);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else if ((unsigned char)*s < 0x20)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
}

static void dump(const struct domxml *d)
{
	char uuid[37] = "-";

	if (d->uuid_given)
		uuid_unparse_lower(d->uuid, uuid);
	printf("type=%s", d->type == DOMXML_TYPE_TESSERA ? "tessera" : "xen");
	field("name", d->name);
	printf(" uuid=%s memory=%llu vcpus=%u", uuid, (unsigned long long)d->memory_bytes,
	       d->vcpus);
	field("kernel", d->kernel);
	field("initrd", d->initrd);
	field("cmdline", d->cmdline);
	printf(" paging=%s on_poweroff=%s on_reboot=%s on_crash=%s console=%s\n",
	       d->paging == TESS_PAGING_SHADOW ? "shadow" : "hap",
	       domxml_action_name(d->on_poweroff), domxml_action_name(d->on_reboot),
	       domxml_action_name(d->on_crash), d->console ? "yes" : "no");
}

static int roundtrip(const struct domxml *d)
{
	char err[DOMXML_ERR_MAX], why[256];
	struct domxml again;
	char *xml = domxml_format(d);
	int rc = 1;

	if (!xml) {
		puts("domxml_format failed");
		return 1;
	}
	if (domxml_parse_memory(xml, strlen(xml), "(formatted)", &again, err, sizeof(err))) {
		printf("formatted definition does not parse: %s\n", err);
	} else if (!domxml_same(d, &again, why, sizeof(why))) {
		printf("formatted definition parses differently: %s\n", why);
	} else {
		puts("ok");
		rc = 0;
	}
	domxml_free(&again);
	free(xml);
	return rc;
}

int main(int argc, char **argv)
{
	char err[DOMXML_ERR_MAX];
	struct domxml d;
	const char *mode = argc == 3 ? argv[1] : "";
	char *xml;
	int rc = 0;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(mode, "--format") &&
				     strcmp(mode, "--roundtrip") && strcmp(mode, "--dump"))) {
		fprintf(stderr, "usage: domxml-check [--format|--roundtrip|--dump] FILE\n");
		return 2;
	}
	if (domxml_parse_file(argv[argc - 1], &d, err, sizeof(err))) {
		puts(err);
		return 1;
	}
	if (!strcmp(mode, "--format")) {
		xml = domxml_format(&d);
		rc = xml ? fputs(xml, stdout) < 0 : 1;
		free(xml);
	} else if (!strcmp(mode, "--dump")) {
		dump(&d);
	} else if (!strcmp(mode, "--roundtrip")) {
		rc = roundtrip(&d);
	} else {
		puts("ok");
	}
	domxml_free(&d);
	return rc;
}
