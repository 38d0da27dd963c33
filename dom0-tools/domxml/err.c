/* SPDX-License-Identifier: MIT */
/*
 * err.c: the one-line error message, "WHAT at FILE:LINE:COL[; HINT]".
 *
 * The definition comes from outside, so everything taken from it (names,
 * values, the file name) is cut short and stripped of control bytes before
 * it reaches a message: the caller prints the message as one line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/*
 * End s after its first len bytes, minus a character those bytes end in the
 * middle of, so that a cut message stays valid UTF-8.
 */
static void cut_utf8(char *s, size_t len)
{
	size_t i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
		lead = (unsigned char)s[i - 1];
		need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (i - 1 + need > len)
			len = i - 1;
	}
	s[len] = '\0';
}

/* Control bytes (a newline from a value, say) would break the one line. */
static void scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

const char *dx_clip(struct dx_clip *c, const char *s)
{
	size_t n;

	if (!s)
		s = "";
	n = strlen(s);
	if (n < sizeof(c->s)) {
		memcpy(c->s, s, n + 1);
	} else {
		memcpy(c->s, s, sizeof(c->s));
		cut_utf8(c->s, sizeof(c->s) - 4);
		strcat(c->s, "...");
	}
	scrub(c->s);
	return c->s;
}

static void append(struct dx_ctx *c, const char *fmt, va_list ap)
{
	size_t used = strlen(c->err);
	int n;

	if (c->cut || used + 1 >= c->errlen)
		return;
	n = vsnprintf(c->err + used, c->errlen - used, fmt, ap);
	if (n > 0 && (size_t)n >= c->errlen - used) {
		cut_utf8(c->err, c->errlen - 1);
		c->cut = true;  /* a cut message takes no more: it stays a prefix */
	}
}

static void append_fmt(struct dx_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(c, fmt, ap);
	va_end(ap);
}

/* Line 0: a message about the whole input ("cannot read ...") has no place. */
static void place(struct dx_ctx *c, unsigned line, unsigned col)
{
	struct dx_clip f;

	if (!line)
		return;
	if (col)
		append_fmt(c, " at %s:%u:%u", dx_clip(&f, c->file), line, col);
	else
		append_fmt(c, " at %s:%u", dx_clip(&f, c->file), line);
}

/* Only the first error is worded: the later ones follow from it. */
static int start(struct dx_ctx *c, const char *fmt, va_list ap)
{
	c->fresh = false;
	if (c->failed || !c->err || c->errlen == 0)
		return -1;
	c->err[0] = '\0';
	c->cut = false;
	append(c, fmt, ap);
	c->fresh = true;
	return 0;
}

int dx_err_at(struct dx_ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	int fresh;

	va_start(ap, fmt);
	fresh = start(c, fmt, ap) == 0;
	va_end(ap);
	if (fresh) {
		place(c, line, col);
		scrub(c->err);
	}
	c->failed = true;
	return -1;
}

int dx_err(struct dx_ctx *c, const void *node, const char *fmt, ...)
{
	struct dx_pos p = dx_locate(c, node);
	va_list ap;
	int fresh;

	va_start(ap, fmt);
	fresh = start(c, fmt, ap) == 0;
	va_end(ap);
	if (fresh) {
		place(c, p.line, p.col);
		scrub(c->err);
	}
	c->failed = true;
	return -1;
}

/* A hint belongs to the message just worded, never to an earlier one. */
int dx_hint(struct dx_ctx *c, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!c->fresh)
		return -1;
	c->fresh = false;
	used = strlen(c->err);
	append_fmt(c, "; ");
	va_start(ap, fmt);
	append(c, fmt, ap);
	va_end(ap);
	scrub(c->err + used);
	return -1;
}

const char *dx_where(struct dx_ctx *c, const void *node, char *buf, size_t size)
{
	struct dx_pos p = dx_locate(c, node);
	struct dx_clip f;

	snprintf(buf, size, "%s:%u:%u", dx_clip(&f, c->file), p.line, p.col);
	return buf;
}
