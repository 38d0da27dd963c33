/* SPDX-License-Identifier: MIT */
/*
 * parse.c: the definition's bytes to a libxml2 document.
 *
 * The bytes come from outside, so libxml2 runs with no network
 * (XML_PARSE_NONET), no entity substitution, no DTD loading and no DTD
 * attribute defaults, and a DOCTYPE is refused outright the moment the
 * parser meets it: with no DTD no entity can be declared, so no entity can
 * expand (no "billion laughs") and every element in the tree stands in the
 * source, which locate.c relies on.
 *
 * Definitions are UTF-8: a NUL byte (UTF-16, UCS-4, binary junk) or an
 * encoding declaration naming anything else is refused before libxml2
 * sees the bytes, and libxml2 is told to ignore the declaration
 * (XML_PARSE_IGNORE_ENC), so it never asks a converter library (ICU, iconv)
 * for anything; the static tess binary links a stub in ICU's place.
 */
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "internal.h"

#define READ_OPTIONS (XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES)

/* The first error libxml2 raises is the one that explains the others. */
static void on_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr p = data;
	struct dx_ctx *c = p->_private;
	char msg[DOMXML_ERR_MAX];
	size_t n;

	if (!e || e->level < XML_ERR_ERROR || c->failed)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "XML error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	dx_err_at(c, e->line > 0 ? (unsigned)e->line : 0, e->int2 > 0 ? (unsigned)e->int2 : 0,
		  "%s", msg);
}

/* SAX internalSubset: called at "<!DOCTYPE name ...", before any declaration. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr p = data;
	struct dx_ctx *c = p->_private;
	struct dx_pos at = dx_pos_of_offset(c->src, c->srclen,
					    dx_doctype_offset(c->src, c->srclen));

	(void)name;
	(void)ext;
	(void)sys;
	dx_err_at(c, at.line, at.col, "DOCTYPE not allowed");
	dx_hint(c, "a definition needs no DTD");
	xmlStopParser(p);
}

static int refuse_nul(struct dx_ctx *c)
{
	const char *nul = memchr(c->src, '\0', c->srclen);
	struct dx_pos p;

	if (!nul)
		return 0;
	p = dx_pos_of_offset(c->src, c->srclen, (size_t)(nul - c->src));
	dx_err_at(c, p.line, p.col, "NUL byte");
	return dx_hint(c, "definitions are UTF-8 text");
}

/* The value of encoding="..." in an XML declaration at the start, if any. */
static bool declared_encoding(const char *s, size_t len, const char **val, size_t *vlen)
{
	const char *end, *e, *q;

	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		s += 3;
		len -= 3;
	}
	if (len < 6 || memcmp(s, "<?xml", 5) || !s[5] || !strchr(" \t\r\n", s[5]))
		return false;
	end = memchr(s, '>', len);
	if (!end)
		return false;
	for (e = s; e + 8 < end && memcmp(e, "encoding", 8); e++)
		;
	if (e + 8 >= end)
		return false;
	for (e += 8; e < end && *e && strchr(" \t\r\n=", *e); e++)
		;
	if (e >= end || (*e != '"' && *e != '\''))
		return false;
	q = memchr(e + 1, *e, (size_t)(end - e - 1));
	if (!q)
		return false;
	*val = e + 1;
	*vlen = (size_t)(q - e - 1);
	return true;
}

static int refuse_encoding(struct dx_ctx *c)
{
	const char *val;
	size_t vlen;
	struct dx_clip q;
	char name[32];
	struct dx_pos p;

	if (!declared_encoding(c->src, c->srclen, &val, &vlen))
		return 0;
	if ((vlen == 5 && !strncasecmp(val, "UTF-8", 5)) ||
	    (vlen == 4 && !strncasecmp(val, "UTF8", 4)))
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)(vlen < 31 ? vlen : 31), val);
	p = dx_pos_of_offset(c->src, c->srclen, (size_t)(val - c->src));
	dx_err_at(c, p.line, p.col, "encoding '%s' not supported", dx_clip(&q, name));
	return dx_hint(c, "write definitions in UTF-8");
}

int dx_read(struct dx_ctx *c)
{
	xmlParserCtxtPtr p;

	if (refuse_nul(c) || refuse_encoding(c))
		return -1;
	p = xmlNewParserCtxt();
	if (!p)
		return dx_err_at(c, 0, 0, "out of memory");
	p->_private = c;
	p->sax->serror = on_error;
	p->sax->internalSubset = on_doctype;
	c->doc = xmlCtxtReadMemory(p, c->src, (int)c->srclen, c->file, NULL, READ_OPTIONS);
	if (!c->failed && (!c->doc || !p->wellFormed || !p->nsWellFormed))
		dx_err_at(c, 0, 0, "malformed XML");
	xmlFreeParserCtxt(p);
	if (c->failed && c->doc) {
		xmlFreeDoc(c->doc);
		c->doc = NULL;
	}
	return c->failed ? -1 : 0;
}
