/* SPDX-License-Identifier: MIT */
/*
 * model.c: what an element of the schema allows, read from the RelaxNG
 * schema itself so that the schema stays the one source of names.
 *
 * libxml2's RelaxNG validator reports most mistakes as "Invalid sequence in
 * interleave" on the parent, which tells a user nothing.  structure.c
 * therefore walks the definition first with what this file derives: for a
 * schema <element>, the child elements and attributes it allows (following
 * <ref>/<define>), which of them must be there and which may repeat, and
 * what its text and its attributes' values may be.  The derivation is
 * conservative: anything under a <choice> counts as optional, so that
 * structure.c never refuses what the schema accepts; the RelaxNG validation
 * that follows catches what this leaves out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlregexp.h>

#include "internal.h"

enum { OPT = 1, REP = 2 };
#define MAX_REF_DEPTH 16        /* our schema nests refs three deep */

bool dx_is(const xmlNode *node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && !strcmp((const char *)node->name, name);
}

/* An attribute's value in the schema, without copying (the schema is ours). */
static const char *prop(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* The next <attribute> pattern among siblings, from n on. */
static const xmlNode *dx_next_attr(const xmlNode *n)
{
	while (n && !dx_is(n, "attribute"))
		n = n->next;
	return n;
}

static const xmlNode *define_of(const xmlNode *ref)
{
	const char *want = prop(ref, "name");
	const xmlNode *d;

	if (!want || !ref->doc)
		return NULL;
	for (d = xmlDocGetRootElement(ref->doc)->children; d; d = d->next)
		if (dx_is(d, "define") && prop(d, "name") && !strcmp(prop(d, "name"), want))
			return d;
	return NULL;
}

static int add_use(struct dx_use *uses, size_t *n, size_t max, const xmlNode *p, unsigned fl)
{
	const char *name = prop(p, "name");

	if (!name || *n >= max)
		return -1;
	uses[*n] = (struct dx_use){ p, name, !(fl & OPT), (fl & REP) != 0 };
	(*n)++;
	return 0;
}

static int add_value(struct dx_values *v, const xmlNode *p)
{
	if (v->n >= DX_MAX_VALUES)
		return -1;
	v->pat[v->n++] = p;
	return 0;
}

static int gather(const xmlNode *p, unsigned fl, struct dx_model *m, int depth,
		  const xmlNode *inst);

static int gather_list(const xmlNode *p, unsigned fl, struct dx_model *m, int depth,
		       const xmlNode *inst)
{
	for (; p; p = p->next)
		if (p->type == XML_ELEMENT_NODE && gather(p, fl, m, depth, inst))
			return -1;
	return 0;
}

/*
 * A <choice> branch that the instance's attributes rule out: one that
 * requires an attribute (directly: <disk>'s <attribute name="type"><value>
 * file</value>) which the instance lacks or gives another value.  Ruling
 * branches out is what lets <disk type='file'> be held to the file branch.
 */
static bool ruled_out(const xmlNode *branch, const xmlNode *inst)
{
	const xmlNode *a = dx_is(branch, "attribute") ? branch : NULL;
	struct dx_values v;
	xmlChar *val;
	bool out;

	if (!inst)
		return false;
	if (!a && (dx_is(branch, "group") || dx_is(branch, "interleave")))
		for (a = branch->children; a && !dx_is(a, "attribute"); a = a->next)
			;
	for (; a; a = branch == a ? NULL : dx_next_attr(a->next)) {
		if (!prop(a, "name") || dx_attr_values(a, &v))
			continue;
		val = xmlGetNoNsProp(inst, (const xmlChar *)prop(a, "name"));
		out = !val || !dx_value_ok(&v, (const char *)val);
		xmlFree(val);
		if (out)
			return true;
	}
	return false;
}

/* Drop from names[] every name that is not required in tmp. */
static void keep_required(const struct dx_model *tmp, const char **names, size_t *n)
{
	size_t i, j, k = 0;
	bool req;

	for (i = 0; i < *n; i++) {
		req = false;
		for (j = 0; j < tmp->nkids; j++)
			req |= tmp->kids[j].required && !strcmp(tmp->kids[j].name, names[i]);
		for (j = 0; j < tmp->nattrs; j++)
			req |= tmp->attrs[j].required && !strcmp(tmp->attrs[j].name, names[i]);
		if (req)
			names[k++] = names[i];
	}
	*n = k;
}

static void required_names(const struct dx_model *tmp, const char **names, size_t *n)
{
	size_t j;

	*n = 0;
	for (j = 0; j < tmp->nkids; j++)
		if (tmp->kids[j].required)
			names[(*n)++] = tmp->kids[j].name;
	for (j = 0; j < tmp->nattrs; j++)
		if (tmp->attrs[j].required)
			names[(*n)++] = tmp->attrs[j].name;
}

static void mark_required(struct dx_use *uses, size_t from, size_t to, const char **names,
			  size_t n)
{
	size_t i, j;

	for (i = from; i < to; i++)
		for (j = 0; j < n; j++)
			if (!strcmp(uses[i].name, names[j]))
				uses[i].required = true;
}

/*
 * <choice>: the branches the instance does not rule out (all, if it rules
 * out every one: the attribute check reports that).  What they add is
 * optional, except a name every one of them requires.
 */
static int gather_choice(const xmlNode *p, unsigned fl, struct dx_model *m, int depth,
			 const xmlNode *inst)
{
	const char *req[DX_MAX_KIDS + DX_MAX_ATTRS];
	size_t nreq = 0, branches = 0, kids0 = m->nkids, attrs0 = m->nattrs;
	const xmlNode *b;
	struct dx_model *tmp = calloc(1, sizeof(*tmp));
	bool any = false;

	if (!tmp)
		return -1;
	for (b = p->children; b; b = b->next)
		any |= b->type == XML_ELEMENT_NODE && !ruled_out(b, inst);
	for (b = p->children; b; b = b->next) {
		if (b->type != XML_ELEMENT_NODE || (any && ruled_out(b, inst)))
			continue;
		memset(tmp, 0, sizeof(*tmp));
		if (gather(b, fl & ~OPT, tmp, depth, inst) || gather(b, fl | OPT, m, depth, inst)) {
			free(tmp);
			return -1;
		}
		if (branches++ == 0)
			required_names(tmp, req, &nreq);
		else
			keep_required(tmp, req, &nreq);
	}
	free(tmp);
	if (!(fl & OPT)) {
		mark_required(m->kids, kids0, m->nkids, req, nreq);
		mark_required(m->attrs, attrs0, m->nattrs, req, nreq);
	}
	return 0;
}

/* One pattern of an element's content; child <element>s are not entered. */
static int gather(const xmlNode *p, unsigned fl, struct dx_model *m, int depth,
		  const xmlNode *inst)
{
	const xmlNode *d;

	if (depth > MAX_REF_DEPTH)
		return -1;
	if (dx_is(p, "element"))
		return add_use(m->kids, &m->nkids, DX_MAX_KIDS, p, fl);
	if (dx_is(p, "attribute"))
		return add_use(m->attrs, &m->nattrs, DX_MAX_ATTRS, p, fl);
	if (dx_is(p, "choice"))
		return gather_choice(p, fl, m, depth, inst);
	if (dx_is(p, "optional"))
		return gather_list(p->children, fl | OPT, m, depth, inst);
	if (dx_is(p, "zeroOrMore"))
		return gather_list(p->children, fl | OPT | REP, m, depth, inst);
	if (dx_is(p, "oneOrMore"))
		return gather_list(p->children, fl | REP, m, depth, inst);
	if (dx_is(p, "group") || dx_is(p, "interleave"))
		return gather_list(p->children, fl, m, depth, inst);
	if (dx_is(p, "ref")) {
		d = define_of(p);
		return d ? gather_list(d->children, fl, m, depth + 1, inst) : -1;
	}
	if (dx_is(p, "text")) {
		m->text.any_text = true;
		return 0;
	}
	if (dx_is(p, "value") || dx_is(p, "data"))
		return add_value(&m->text, p);
	if (dx_is(p, "empty") || dx_is(p, "notAllowed"))
		return 0;
	return -1;      /* a construct this file does not read */
}

int dx_model_of(const xmlNode *const *pats, size_t n, const xmlNode *inst,
		struct dx_model *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		/* Over several patterns nothing is surely required. */
		if (gather_list(pats[i]->children, n > 1 ? OPT : 0, m, 0, inst))
			return -1;
	}
	return 0;
}

int dx_model_start(xmlDocPtr rng, struct dx_model *m)
{
	const xmlNode *s;

	memset(m, 0, sizeof(*m));
	for (s = xmlDocGetRootElement(rng)->children; s; s = s->next)
		if (dx_is(s, "start"))
			return gather_list(s->children, 0, m, 0, NULL);
	return -1;
}

int dx_attr_values(const xmlNode *attr_pat, struct dx_values *v)
{
	struct dx_model m;
	const xmlNode *k;

	memset(v, 0, sizeof(*v));
	for (k = attr_pat->children; k && k->type != XML_ELEMENT_NODE; k = k->next)
		;
	if (!k) {               /* <attribute name="x"/> holds any text */
		v->any_text = true;
		return 0;
	}
	memset(&m, 0, sizeof(m));
	if (gather_list(attr_pat->children, 0, &m, 0, NULL) || m.nkids || m.nattrs)
		return -1;
	*v = m.text;
	return 0;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* RelaxNG's built-in "token": equal once white space is collapsed. */
static bool token_equal(const char *a, const char *b)
{
	for (;;) {
		while (is_space(*a))
			a++;
		while (is_space(*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && *b && !is_space(*a) && *a == *b) {
			a++;
			b++;
		}
		if ((*a && !is_space(*a)) || (*b && !is_space(*b)))
			return false;
	}
}

static bool pattern_ok(const char *pattern, const char *s)
{
	xmlRegexpPtr re = xmlRegexpCompile((const xmlChar *)pattern);
	int rc;

	if (!re)
		return true;    /* unreadable here: RelaxNG validation decides */
	rc = xmlRegexpExec(re, (const xmlChar *)s);
	xmlRegFreeRegexp(re);
	return rc != 0;
}

/* <data type="string"> with <param name="pattern">s; other types pass. */
static bool data_ok(const xmlNode *data, const char *s)
{
	const char *type = prop(data, "type");
	const xmlNode *p;
	bool ok = true;

	if (!type || strcmp(type, "string"))
		return true;
	for (p = data->children; p && ok; p = p->next) {
		const char *name = dx_is(p, "param") ? prop(p, "name") : NULL;
		xmlChar *pat;

		if (!name || strcmp(name, "pattern"))
			continue;
		pat = xmlNodeGetContent(p);
		ok = !pat || pattern_ok((const char *)pat, s);
		xmlFree(pat);
	}
	return ok;
}

static bool value_ok(const xmlNode *value, const char *s)
{
	xmlChar *want = xmlNodeGetContent(value);
	const char *type = prop(value, "type");
	bool ok;

	if (!want)
		return true;
	ok = type && !strcmp(type, "string") ? !strcmp((const char *)want, s)
					     : token_equal((const char *)want, s);
	xmlFree(want);
	return ok;
}

bool dx_value_ok(const struct dx_values *v, const char *s)
{
	size_t i;

	if (v->any_text)
		return true;
	if (v->n == 0) {        /* no text at all: white space only */
		while (is_space(*s))
			s++;
		return !*s;
	}
	for (i = 0; i < v->n; i++)
		if (dx_is(v->pat[i], "value") ? value_ok(v->pat[i], s) : data_ok(v->pat[i], s))
			return true;
	return false;
}

/* "a", "a or b", "a, b or c" */
static void join(char *buf, size_t size, size_t i, size_t n, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", word);
}

/* One <data>'s first pattern, as "text matching P". */
static void pattern_words(const xmlNode *data, char *buf, size_t size)
{
	const xmlNode *p;
	xmlChar *pat;

	for (p = data->children; p; p = p->next)
		if (dx_is(p, "param") && prop(p, "name") && !strcmp(prop(p, "name"), "pattern")) {
			pat = xmlNodeGetContent(p);
			snprintf(buf, size, "text matching %s", pat ? (const char *)pat : "?");
			xmlFree(pat);
			return;
		}
}

void dx_value_list(const struct dx_values *v, char *buf, size_t size)
{
	size_t i;

	buf[0] = '\0';
	if (v->n == 1 && dx_is(v->pat[0], "data")) {
		pattern_words(v->pat[0], buf, size);
		return;
	}
	for (i = 0; i < v->n; i++)
		if (!dx_is(v->pat[i], "value"))
			return;
	for (i = 0; i < v->n; i++) {
		xmlChar *w = xmlNodeGetContent(v->pat[i]);

		join(buf, size, i, v->n, w ? (const char *)w : "");
		xmlFree(w);
	}
}

/* ---- where an element may stand ---- */

#define MAX_PARENTS 8

struct parents {
	size_t n;
	const char *name[MAX_PARENTS];
};

static void add_parent(struct parents *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->name[i], name))
			return;
	if (ps->n < MAX_PARENTS)
		ps->name[ps->n++] = name;
}

static void parents_above(const xmlNode *p, struct parents *ps, int depth);

/* Every <ref name=define> in the schema below n stands where the define goes. */
static void refs_to(const xmlNode *n, const char *define, struct parents *ps, int depth)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (dx_is(n, "ref") && prop(n, "name") && !strcmp(prop(n, "name"), define))
			parents_above(n, ps, depth + 1);
		refs_to(n->children, define, ps, depth);
	}
}

static void parents_above(const xmlNode *p, struct parents *ps, int depth)
{
	if (depth > MAX_REF_DEPTH)
		return;
	for (p = p->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
		if (dx_is(p, "element")) {
			add_parent(ps, prop(p, "name") ? prop(p, "name") : "?");
			return;
		}
		if (dx_is(p, "define")) {
			if (prop(p, "name"))
				refs_to(xmlDocGetRootElement(p->doc), prop(p, "name"), ps, depth);
			return;
		}
	}
}

static void find_elements(const xmlNode *n, const char *name, struct parents *ps)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (dx_is(n, "element") && prop(n, "name") && !strcmp(prop(n, "name"), name))
			parents_above(n, ps, 0);
		find_elements(n->children, name, ps);
	}
}

void dx_parents_of(xmlDocPtr rng, const char *name, char *buf, size_t size)
{
	struct parents ps = { 0 };
	char word[80];
	size_t i;

	buf[0] = '\0';
	find_elements(xmlDocGetRootElement(rng), name, &ps);
	for (i = 0; i < ps.n; i++) {
		snprintf(word, sizeof(word), "<%s>", ps.name[i]);
		join(buf, size, i, ps.n, word);
	}
}
