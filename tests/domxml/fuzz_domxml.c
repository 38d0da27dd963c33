/* SPDX-License-Identifier: MIT */
/*
 * fuzz_domxml.c: libFuzzer target for libdomxml (run by run-domxml.sh).
 *
 * Any input: domxml_parse_memory must not crash, leak or read outside its
 * buffers (ASan, UBSan, leak detection), and must either
 *   - fail with a one-line, non-empty message and a zeroed struct, or
 *   - succeed, and then domxml_format's output must parse back to an equal
 *     struct (same.h).
 * Any break of these is an abort, which libFuzzer reports with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "domxml.h"
#include "same.h"

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_domxml: %s\n%s\n", what, detail ? detail : "");
	abort();
}

static bool all_zero(const struct domxml *d)
{
	static const struct domxml zero;

	return !memcmp(d, &zero, sizeof(zero));
}

static void round_trip(const struct domxml *d)
{
	char err[DOMXML_ERR_MAX], why[128];
	struct domxml again;
	char *xml = domxml_format(d);

	if (!xml)
		die("domxml_format returned NULL", NULL);
	if (domxml_parse_memory(xml, strlen(xml), "formatted.xml", &again, err, sizeof(err)))
		die(err, xml);
	if (!domxml_same(d, &again, why, sizeof(why)))
		die(why, xml);
	domxml_free(&again);
	free(xml);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();        /* libxml2's globals, once */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[DOMXML_ERR_MAX];
	struct domxml d;

	memset(err, 'x', sizeof(err));
	if (domxml_parse_memory((const char *)data, size, "fuzz.xml", &d, err, sizeof(err)) == 0) {
		round_trip(&d);
		domxml_free(&d);
		return 0;
	}
	if (!memchr(err, '\0', sizeof(err)))
		die("error message not NUL-terminated", NULL);
	if (!err[0] || strchr(err, '\n'))
		die("error message empty or not one line", err);
	if (!all_zero(&d))
		die("struct not zeroed after an error", err);
	return 0;
}
