/* SPDX-License-Identifier: MIT */
/*
 * structure.c: the definition's elements and attributes against the
 * schema's patterns (model.c), with messages a person can act on:
 *     unknown element <vcpus> at f.xml:6:3; did you mean <vcpu>?
 *     misplaced element <kernel> at f.xml:5:3; it belongs in <os>
 *     unknown attribute 'units' of <memory> at f.xml:4:11; did you mean 'unit'?
 *     duplicate element <name> in <domain> at f.xml:3:3; first at f.xml:2:3
 *     missing element <name> in <domain> at f.xml:1:1
 *     bad value 'of' for attribute 'state' of <hap> at f.xml:9:10; expected on or off
 * It runs before RelaxNG validation, whose own messages mostly say that an
 * interleave failed; what it lets pass, the validation still checks.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define HINT_MAX 256

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/* libxml2 spells a qualified name in two parts; messages want one. */
static const char *qname(const xmlNs *ns, const xmlChar *name, char *buf, size_t size)
{
	struct dx_clip q;

	if (ns && ns->prefix)
		snprintf(buf, size, "%s:%s", (const char *)ns->prefix, (const char *)name);
	else
		snprintf(buf, size, "%s", (const char *)name);
	snprintf(buf, size, "%s", dx_clip(&q, buf));
	return buf;
}

static size_t names_of(const struct dx_use *uses, size_t n, const char **out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = uses[i].name;
	return n;
}

static int unknown_element(struct dx_ctx *c, const xmlNode *n, const xmlNode *parent,
			   const struct dx_model *pm)
{
	const char *cands[DX_MAX_KIDS], *guess;
	char name[128], where[HINT_MAX];
	struct dx_clip ns;

	qname(n->ns, n->name, name, sizeof(name));
	if (n->ns && !n->ns->prefix) {
		dx_err(c, n, "unknown element <%s> in namespace '%s'", name,
		       dx_clip(&ns, (const char *)n->ns->href));
		return dx_hint(c, "Tessera's elements have no namespace");
	}
	if (n->ns)
		return dx_err(c, n, "unknown element <%s>", name);
	dx_parents_of(c->rng, name, where, sizeof(where));
	if (where[0] && parent) {
		dx_err(c, n, "misplaced element <%s>", name);
		return dx_hint(c, "it belongs in %s", where);
	}
	dx_err(c, n, "unknown element <%s>", name);
	guess = dx_suggest(name, cands, names_of(pm->kids, pm->nkids, cands));
	if (guess)
		return dx_hint(c, "did you mean <%s>?", guess);
	if (parent && pm->nkids == 0)
		return dx_hint(c, "<%s> holds no elements", (const char *)parent->name);
	return -1;
}

/* The schema attribute uses that a, by its name, may be. */
static size_t attr_uses(const struct dx_model *m, const xmlAttr *a, const struct dx_use **out)
{
	size_t i, n = 0;

	for (i = 0; i < m->nattrs && !a->ns; i++)
		if (!strcmp(m->attrs[i].name, (const char *)a->name))
			out[n++] = &m->attrs[i];
	return n;
}

static int unknown_attr(struct dx_ctx *c, const xmlNode *n, const xmlAttr *a,
			const struct dx_model *m)
{
	const char *cands[DX_MAX_ATTRS], *guess;
	char name[128];

	qname(a->ns, a->name, name, sizeof(name));
	dx_err(c, a, "unknown attribute '%s' of <%s>", name, (const char *)n->name);
	if (m->nattrs == 0)
		return dx_hint(c, "<%s> takes no attributes", (const char *)n->name);
	guess = dx_suggest(name, cands, names_of(m->attrs, m->nattrs, cands));
	return guess ? dx_hint(c, "did you mean '%s'?", guess) : -1;
}

/* "; did you mean 'x'?" for a near miss, else the list of values. */
static int value_hint(struct dx_ctx *c, const struct dx_values *v, const char *got)
{
	const char *cands[DX_MAX_VALUES], *guess;
	char list[HINT_MAX];
	xmlChar *w[DX_MAX_VALUES];
	size_t i;

	dx_value_list(v, list, sizeof(list));
	if (!list[0])
		return -1;
	if (v->n == 1 && dx_is(v->pat[0], "data"))
		return dx_hint(c, "expected %s", list);
	for (i = 0; i < v->n; i++) {
		w[i] = xmlNodeGetContent(v->pat[i]);
		cands[i] = w[i] ? (const char *)w[i] : "";
	}
	guess = dx_suggest(got, cands, v->n);
	if (guess)
		dx_hint(c, "did you mean '%s'?", guess);
	else
		dx_hint(c, "expected %s", list);
	for (i = 0; i < v->n; i++)
		xmlFree(w[i]);
	return -1;
}

static int attr_value(struct dx_ctx *c, const xmlNode *n, const xmlAttr *a,
		      const struct dx_use *const *uses, size_t nuses)
{
	xmlChar *val = xmlNodeGetContent((const xmlNode *)a);
	struct dx_values v;
	struct dx_clip q;
	size_t i;
	int rc = 0;

	if (!val)
		return dx_err(c, a, "out of memory");
	for (i = 0; i < nuses; i++)
		if (dx_attr_values(uses[i]->pat, &v) || dx_value_ok(&v, (const char *)val))
			goto out;
	dx_err(c, a, "bad value '%s' for attribute '%s' of <%s>", dx_clip(&q, (const char *)val),
	       (const char *)a->name, (const char *)n->name);
	if (nuses == 1)
		value_hint(c, &v, (const char *)val);
	rc = -1;
out:
	xmlFree(val);
	return rc;
}

static bool has_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next)
		if (!a->ns && !strcmp((const char *)a->name, name))
			return true;
	return false;
}

static int check_attrs(struct dx_ctx *c, const xmlNode *n, const struct dx_model *m)
{
	const struct dx_use *uses[DX_MAX_ATTRS];
	const xmlAttr *a;
	size_t i, nuses;

	for (a = n->properties; a; a = a->next) {
		nuses = attr_uses(m, a, uses);
		if (!nuses)
			return unknown_attr(c, n, a, m);
		if (attr_value(c, n, a, uses, nuses))
			return -1;
	}
	for (i = 0; i < m->nattrs; i++)
		if (m->attrs[i].required && !has_attr(n, m->attrs[i].name))
			return dx_err(c, n, "missing attribute '%s' of <%s>", m->attrs[i].name,
				      (const char *)n->name);
	return 0;
}

/* The schema elements among the parent's kids that n, by its name, may be. */
static size_t kid_patterns(const struct dx_model *pm, const xmlNode *n, const xmlNode **pats)
{
	size_t i, j, k = 0;

	for (i = 0; i < pm->nkids && !n->ns; i++) {
		if (strcmp(pm->kids[i].name, (const char *)n->name))
			continue;
		/* Two refs to one define give one pattern twice: once is enough. */
		for (j = 0; j < k && pats[j] != pm->kids[i].pat; j++)
			;
		if (j == k)
			pats[k++] = pm->kids[i].pat;
	}
	return k;
}

/* May an element of this name stand twice?  (Two uses of a name: maybe.) */
static bool repeatable(const struct dx_model *m, const char *name)
{
	size_t i, uses = 0;

	for (i = 0; i < m->nkids; i++)
		if (!strcmp(m->kids[i].name, name) && (m->kids[i].repeat || ++uses > 1))
			return true;
	return false;
}

static int duplicate(struct dx_ctx *c, const xmlNode *parent, const xmlNode *n,
		     const struct dx_model *m)
{
	const xmlNode *s;
	char first[HINT_MAX];

	if (repeatable(m, (const char *)n->name))
		return 0;
	for (s = parent->children; s != n; s = s->next)
		if (s->type == XML_ELEMENT_NODE && !s->ns && xmlStrEqual(s->name, n->name)) {
			dx_where(c, s, first, sizeof(first));
			dx_err(c, n, "duplicate element <%s> in <%s>", (const char *)n->name,
			       (const char *)parent->name);
			return dx_hint(c, "first at %s", first);
		}
	return 0;
}

static int check_element(struct dx_ctx *c, const xmlNode *n, const xmlNode *const *pats,
			 size_t npats);

static int check_text(struct dx_ctx *c, const xmlNode *parent, const xmlNode *t,
		      const struct dx_model *m)
{
	const char *s = (const char *)t->content;
	struct dx_clip q;
	size_t len;

	if (m->text.any_text || m->text.n || !s || blank(s))
		return 0;
	s += strspn(s, " \t\r\n");        /* the words, without the layout */
	for (len = strlen(s); strchr(" \t\r\n", s[len - 1]); len--)
		;
	dx_clip(&q, s);
	if (len < sizeof(q.s) && len < strlen(q.s))
		q.s[len] = '\0';
	return dx_err(c, t, "unexpected text '%s' in <%s>", q.s, (const char *)parent->name);
}

static int check_kids(struct dx_ctx *c, const xmlNode *n, const struct dx_model *m)
{
	const xmlNode *k, *pats[DX_MAX_KIDS];
	size_t np, count = 0;

	for (k = n->children; k; k = k->next) {
		if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
			if (check_text(c, n, k, m))
				return -1;
			continue;
		}
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (++count > DX_MAX_CHILDREN) {
			dx_err(c, k, "too many elements in <%s>", (const char *)n->name);
			return dx_hint(c, "at most %d", DX_MAX_CHILDREN);
		}
		np = kid_patterns(m, k, pats);
		if (!np)
			return unknown_element(c, k, n, m);
		if (duplicate(c, n, k, m) || check_element(c, k, pats, np))
			return -1;
	}
	return 0;
}

/* An element whose text is one of a list (<on_crash>, <type>). */
static int check_value(struct dx_ctx *c, const xmlNode *n, const struct dx_model *m)
{
	xmlChar *val;
	struct dx_clip q;
	int rc = 0;

	if (m->text.any_text || m->text.n == 0)
		return 0;
	val = xmlNodeGetContent(n);
	if (!val)
		return dx_err(c, n, "out of memory");
	if (!dx_value_ok(&m->text, (const char *)val)) {
		rc = dx_err(c, n, "bad value '%s' for <%s>", dx_clip(&q, (const char *)val),
			    (const char *)n->name);
		value_hint(c, &m->text, (const char *)val);
	}
	xmlFree(val);
	return rc;
}

static int check_missing(struct dx_ctx *c, const xmlNode *n, const struct dx_model *m)
{
	const xmlNode *k;
	size_t i;

	for (i = 0; i < m->nkids; i++) {
		if (!m->kids[i].required)
			continue;
		for (k = n->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE && !k->ns &&
			    !strcmp((const char *)k->name, m->kids[i].name))
				break;
		if (!k)
			return dx_err(c, n, "missing element <%s> in <%s>", m->kids[i].name,
				      (const char *)n->name);
	}
	return 0;
}

static int check_element(struct dx_ctx *c, const xmlNode *n, const xmlNode *const *pats,
			 size_t npats)
{
	struct dx_model m;

	if (dx_model_of(pats, npats, n, &m))
		return dx_err(c, n, "internal error: schema pattern for <%s> not understood",
			      (const char *)n->name);
	if (check_attrs(c, n, &m) || check_kids(c, n, &m) || check_value(c, n, &m))
		return -1;
	return check_missing(c, n, &m);
}

int dx_structure(struct dx_ctx *c)
{
	const xmlNode *root = xmlDocGetRootElement(c->doc), *pats[DX_MAX_KIDS];
	struct dx_model start;
	size_t np;

	if (dx_model_start(c->rng, &start))
		return dx_err_at(c, 0, 0, "internal error: schema <start> not understood");
	if (!root)
		return dx_err_at(c, 1, 1, "no root element");
	np = kid_patterns(&start, root, pats);
	if (!np)
		return unknown_element(c, root, NULL, &start);
	return check_element(c, root, pats, np);
}
