/* SPDX-License-Identifier: MIT */
/*
 * A small JSON writer for --json (RFC 8259): objects and arrays nested up
 * to JSON_DEPTH, strings escaped (control characters as \u00XX, bytes
 * >= 0x80 passed through: names are ASCII, paths are the user's own UTF-8).
 * Output is two-space indented, keys in the order written, so the shapes
 * documented in docs/cli.md stay stable.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tess.h"

#define JSON_DEPTH 8

struct json {
	int depth;
	bool first[JSON_DEPTH + 1];
	char close[JSON_DEPTH + 1];
};

static void json_indent(int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", stdout);
}

static void json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* Separator, indentation and "key": for the next value. */
static void json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		putchar(',');
	j->first[j->depth] = false;
	putchar('\n');
	json_indent(j->depth);
	if (key) {
		json_string(key);
		fputs(": ", stdout);
	}
}

static void json_open(struct json *j, const char *key, char open, char close)
{
	json_key(j, key);
	putchar(open);
	if (j->depth < JSON_DEPTH) {
		j->depth++;
		j->first[j->depth] = true;
		j->close[j->depth] = close;
	}
}

struct json *json_begin(void)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		abort();   /* 100 bytes: nothing sensible to do without them */
	j->first[0] = true;
	putchar('{');
	j->depth = 1;
	j->first[1] = true;
	j->close[1] = '}';
	return j;
}

void json_close(struct json *j)
{
	if (j->depth == 0)
		return;
	if (!j->first[j->depth]) {
		putchar('\n');
		json_indent(j->depth - 1);
	}
	putchar(j->close[j->depth]);
	j->depth--;
}

void json_end(struct json *j)
{
	while (j->depth > 0)
		json_close(j);
	putchar('\n');
	fflush(stdout);
	free(j);
}

void json_obj(struct json *j, const char *key) { json_open(j, key, '{', '}'); }
void json_arr(struct json *j, const char *key) { json_open(j, key, '[', ']'); }

void json_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	if (val)
		json_string(val);
	else
		fputs("null", stdout);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	json_key(j, key);
	printf("%" PRIu64, val);
}

void json_i64(struct json *j, const char *key, long long val)
{
	json_key(j, key);
	printf("%lld", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", stdout);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", stdout);
}
