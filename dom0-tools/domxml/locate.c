/* SPDX-License-Identifier: MIT */
/*
 * locate.c: the line and column of a node, for error messages.
 *
 * libxml2 2.9 keeps only a line number per element (and for a start tag
 * that spans lines, the line where it ends), no column and nothing for
 * attributes.  So the source is scanned again: start tags, end tags,
 * comments, processing instructions and CDATA sections come in the source
 * in the same order as the document's nodes, so walking both together finds
 * the exact byte where a node starts.  Text is what lies between tokens.
 *
 * This runs only on a document libxml2 has accepted (well-formed, UTF-8,
 * no DOCTYPE, so no entity can add elements the source does not show).
 * Should the two ever disagree, the node's libxml2 line is given without a
 * column rather than a wrong place.  Only error paths call this, so a walk
 * from the start per call costs nothing that matters.
 */
#define _GNU_SOURCE
#include <string.h>

#include "internal.h"

enum tok { T_EOF, T_STAG, T_ETAG, T_COMMENT, T_PI, T_CDATA, T_BAD };

struct token {
	enum tok kind;
	size_t start, end;      /* '<' .. just after '>' */
	size_t name, namelen;   /* a start tag's element name */
	bool empty;             /* <x/> */
};

struct scan {
	const char *s;
	size_t len, pos;
};

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static bool at(const struct scan *sc, size_t pos, const char *lit)
{
	size_t n = strlen(lit);

	return pos <= sc->len && sc->len - pos >= n && !memcmp(sc->s + pos, lit, n);
}

/* Offset just past the first lit at or after pos, or 0 if there is none. */
static size_t past(const struct scan *sc, size_t pos, const char *lit)
{
	const char *hit;

	if (pos > sc->len)
		return 0;
	hit = memmem(sc->s + pos, sc->len - pos, lit, strlen(lit));
	return hit ? (size_t)(hit - sc->s) + strlen(lit) : 0;
}

static size_t skip_space(const struct scan *sc, size_t pos)
{
	while (pos < sc->len && is_space(sc->s[pos]))
		pos++;
	return pos;
}

static size_t name_end(const struct scan *sc, size_t pos)
{
	while (pos < sc->len && !is_space(sc->s[pos]) && sc->s[pos] != '/' &&
	       sc->s[pos] != '>' && sc->s[pos] != '=')
		pos++;
	return pos;
}

/*
 * One attribute at pos (after white space): its name span, and the offset
 * after its quoted value.  0 when the tag ends here or is broken.
 */
static size_t attribute(const struct scan *sc, size_t pos, size_t *name, size_t *namelen)
{
	size_t p = name_end(sc, pos);
	char quote;

	if (p == pos)
		return 0;
	*name = pos;
	*namelen = p - pos;
	p = skip_space(sc, p);
	if (p >= sc->len || sc->s[p] != '=')
		return 0;
	p = skip_space(sc, p + 1);
	if (p >= sc->len || (sc->s[p] != '"' && sc->s[p] != '\''))
		return 0;
	quote = sc->s[p];
	p++;
	while (p < sc->len && sc->s[p] != quote)
		p++;
	return p < sc->len ? p + 1 : 0;
}

/* The rest of a start tag after its name: attributes, then > or />. */
static void start_tag_end(const struct scan *sc, struct token *t)
{
	size_t p = t->name + t->namelen, name, namelen;

	for (;;) {
		p = skip_space(sc, p);
		if (at(sc, p, ">") || at(sc, p, "/>")) {
			t->empty = sc->s[p] == '/';
			t->end = p + (t->empty ? 2 : 1);
			return;
		}
		p = attribute(sc, p, &name, &namelen);
		if (!p) {
			t->kind = T_BAD;
			return;
		}
	}
}

/* The XML declaration is no node of the document: it is skipped. */
static bool is_xml_decl(const struct scan *sc, size_t pos)
{
	size_t bom = at(sc, 0, "\xEF\xBB\xBF") ? 3 : 0;

	return pos == bom && at(sc, pos, "<?xml") && pos + 5 < sc->len &&
	       is_space(sc->s[pos + 5]);
}

/* Markup that ends with a fixed string: comment, CDATA, PI, end tag. */
static void delimited(struct scan *sc, struct token *t, enum tok kind, const char *close)
{
	t->kind = kind;
	t->end = past(sc, t->start + 1, close);
	if (!t->end)
		t->kind = T_BAD;
}

static void next(struct scan *sc, struct token *t)
{
	const char *lt;

	memset(t, 0, sizeof(*t));
	for (;;) {
		lt = sc->pos < sc->len ? memchr(sc->s + sc->pos, '<', sc->len - sc->pos) : NULL;
		if (!lt) {
			t->kind = T_EOF;
			return;
		}
		t->start = (size_t)(lt - sc->s);
		if (at(sc, t->start, "<!--"))
			delimited(sc, t, T_COMMENT, "-->");
		else if (at(sc, t->start, "<![CDATA["))
			delimited(sc, t, T_CDATA, "]]>");
		else if (at(sc, t->start, "<!"))
			t->kind = T_BAD;
		else if (at(sc, t->start, "<?"))
			delimited(sc, t, T_PI, "?>");
		else if (at(sc, t->start, "</"))
			delimited(sc, t, T_ETAG, ">");
		else {
			t->kind = T_STAG;
			t->name = t->start + 1;
			t->namelen = name_end(sc, t->name) - t->name;
			start_tag_end(sc, t);
		}
		if (t->kind == T_BAD || t->kind == T_EOF)
			return;
		sc->pos = t->end;
		if (!(t->kind == T_PI && is_xml_decl(sc, t->start)))
			return;
	}
}

/* A node's name as the source spells it: prefix:local. */
static bool same_name(const struct scan *sc, size_t pos, size_t len, const xmlNs *ns,
		      const xmlChar *local)
{
	size_t pl = ns && ns->prefix ? strlen((const char *)ns->prefix) : 0;
	size_t ll = strlen((const char *)local);

	if (pl) {
		if (len != pl + 1 + ll || memcmp(sc->s + pos, ns->prefix, pl) ||
		    sc->s[pos + pl] != ':')
			return false;
		pos += pl + 1;
		len -= pl + 1;
	}
	return len == ll && !memcmp(sc->s + pos, local, ll);
}

/* The offset of attribute a's name in the start tag t. */
static bool find_attr(const struct scan *sc, const struct token *t, const xmlAttr *a,
		      size_t *off)
{
	size_t p = t->name + t->namelen, name, namelen;

	for (;;) {
		p = skip_space(sc, p);
		if (p >= t->end)
			return false;
		p = attribute(sc, p, &name, &namelen);
		if (!p)
			return false;
		if (same_name(sc, name, namelen, a->ns, a->name)) {
			*off = name;
			return true;
		}
	}
}

struct walk {
	struct scan sc;
	const xmlNode *target;  /* an xmlNode, or an xmlAttr seen as one */
	bool found;
	size_t off;
};

static bool walk_list(struct walk *w, const xmlNode *n);

static enum tok kind_of(const xmlNode *n)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		return T_STAG;
	case XML_COMMENT_NODE:
		return T_COMMENT;
	case XML_PI_NODE:
		return T_PI;
	case XML_CDATA_SECTION_NODE:
		return T_CDATA;
	default:
		return T_BAD;
	}
}

static bool walk_element(struct walk *w, const xmlNode *n, const struct token *t)
{
	struct token end;

	if (!same_name(&w->sc, t->name, t->namelen, n->ns, n->name))
		return false;
	if (w->target->type == XML_ATTRIBUTE_NODE && w->target->parent == n) {
		w->found = find_attr(&w->sc, t, (const xmlAttr *)w->target, &w->off);
		return w->found;
	}
	if (t->empty)
		return n->children == NULL;
	if (!walk_list(w, n->children) || w->found)
		return w->found;
	next(&w->sc, &end);
	return end.kind == T_ETAG;
}

/* Walk the siblings from n, consuming their tokens; stop at the target. */
static bool walk_list(struct walk *w, const xmlNode *n)
{
	struct token t;

	for (; n && !w->found; n = n->next) {
		if (n->type == XML_TEXT_NODE) {
			if (n == w->target) {
				w->off = skip_space(&w->sc, w->sc.pos);
				w->found = true;
			}
			continue;
		}
		next(&w->sc, &t);
		if (t.kind != kind_of(n))
			return false;
		if (n == w->target) {
			w->off = t.start;
			w->found = true;
		} else if (n->type == XML_ELEMENT_NODE && !walk_element(w, n, &t)) {
			return false;
		}
	}
	return true;
}

/* The source offset of a DOCTYPE in the prolog (parse.c refuses it). */
size_t dx_doctype_offset(const char *src, size_t len)
{
	struct scan sc = { src, len, 0 };
	struct token t;

	do
		next(&sc, &t);
	while (t.kind == T_COMMENT || t.kind == T_PI);
	return t.kind == T_BAD ? t.start : 0;
}

struct dx_pos dx_pos_of_offset(const char *src, size_t len, size_t off)
{
	struct dx_pos p = { 1, 1 };
	size_t i = 0;

	if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
		i = 3;          /* a byte order mark is no column */
	for (; i < off && i < len; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || src[i + 1] != '\n'))) {
			p.line++;
			p.col = 1;
		} else if ((ch & 0xC0) != 0x80 && ch != '\r') {
			p.col++;        /* columns count characters, not bytes */
		}
	}
	return p;
}

static struct dx_pos fallback(const xmlNode *n)
{
	struct dx_pos p = { 0, 0 };
	long line;

	if (n->type == XML_ATTRIBUTE_NODE)
		n = n->parent;
	line = n ? xmlGetLineNo(n) : -1;
	p.line = line > 0 ? (unsigned)line : 0;
	return p;
}

struct dx_pos dx_locate(const struct dx_ctx *c, const void *node)
{
	struct walk w = { { c->src, c->srclen, 0 }, node, false, 0 };

	if (!node || !c->doc)
		return (struct dx_pos){ 0, 0 };
	if (!walk_list(&w, c->doc->children) || !w.found)
		return fallback(node);
	return dx_pos_of_offset(c->src, c->srclen, w.off);
}
