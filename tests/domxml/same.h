/* SPDX-License-Identifier: MIT */
/*
 * same.h: field-by-field equality of two struct domxml, for the round-trip
 * tests (the unit test, domxml-check, the fuzzer).  A header of static
 * functions so that each test program, built its own way, takes it whole.
 */
#ifndef DOMXML_TEST_SAME_H
#define DOMXML_TEST_SAME_H

#include <stdio.h>
#include <string.h>

#include "domxml.h"

static inline bool domxml_same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* True when equal; otherwise why names the first field that differs. */
static inline bool domxml_same(const struct domxml *a, const struct domxml *b, char *why,
			       size_t size)
{
	const char *field = NULL;

	if (a->type != b->type)
		field = "type";
	else if (strncmp(a->name, b->name, sizeof(a->name)))
		field = "name";
	else if (a->uuid_given != b->uuid_given || memcmp(a->uuid, b->uuid, sizeof(a->uuid)))
		field = "uuid";
	else if (a->memory_bytes != b->memory_bytes)
		field = "memory_bytes";
	else if (a->vcpus != b->vcpus)
		field = "vcpus";
	else if (!domxml_same_str(a->kernel, b->kernel))
		field = "kernel";
	else if (!domxml_same_str(a->initrd, b->initrd))
		field = "initrd";
	else if (!domxml_same_str(a->cmdline, b->cmdline))
		field = "cmdline";
	else if (!domxml_same_str(a->title, b->title))
		field = "title";
	else if (!domxml_same_str(a->description, b->description))
		field = "description";
	else if (a->paging != b->paging)
		field = "paging";
	else if (a->on_poweroff != b->on_poweroff || a->on_reboot != b->on_reboot ||
		 a->on_crash != b->on_crash)
		field = "on_*";
	else if (a->console != b->console)
		field = "console";
	if (field)
		snprintf(why, size, "%s differs", field);
	return field == NULL;
}

#endif
