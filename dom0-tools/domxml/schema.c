/* SPDX-License-Identifier: MIT */
/*
 * schema.c: RelaxNG validation against tessera-domain.rng, which the build
 * embeds in the library (rng-data.c) so that no file on the machine can
 * change what a definition may say.
 *
 * structure.c has already given the precise message for most mistakes; the
 * validation here is the full check behind it (order inside <os>, the
 * pairing of attributes inside a <choice>, libvirt's patterns on device
 * attributes).  libxml2 reports a failure as a cascade that ends at the
 * root ("Element domain failed to validate content"): the most specific
 * report, the first one on the deepest node, is the one worth showing.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "internal.h"

int dx_schema_load(struct dx_ctx *c)
{
	c->rng = xmlReadMemory((const char *)dx_rng_data, (int)dx_rng_size, "tessera-domain.rng",
			       NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	return c->rng ? 0 : dx_err_at(c, 0, 0, "internal error: embedded schema unreadable");
}

/* The report to keep from libxml2's cascade. */
struct pick {
	int code;
	const xmlNode *node;
	int depth;
	char msg[DOMXML_ERR_MAX];
	char str1[64];          /* the names libxml2's message is about */
	char str2[64];
	bool have;
};

static int depth_of(const xmlNode *n)
{
	int d = 0;

	for (; n; n = n->parent)
		d++;
	return d;
}

static void on_error(void *data, xmlErrorPtr e)
{
	struct pick *p = data;
	const xmlNode *n = e ? e->node : NULL;
	int d = depth_of(n);
	size_t len;

	if (!e || e->level < XML_ERR_ERROR || (p->have && d <= p->depth))
		return;
	p->have = true;
	p->code = e->code;
	p->node = n;
	p->depth = d;
	snprintf(p->msg, sizeof(p->msg), "%s", e->message ? e->message : "schema violation");
	len = strlen(p->msg);
	while (len > 0 && (p->msg[len - 1] == '\n' || p->msg[len - 1] == ' '))
		p->msg[--len] = '\0';
	snprintf(p->str1, sizeof(p->str1), "%s", e->str1 ? e->str1 : "");
	snprintf(p->str2, sizeof(p->str2), "%s", e->str2 ? e->str2 : "");
}

/* libxml2's words for "a child failed": no news once the child is named. */
static bool says_nothing(int code)
{
	return code == XML_RELAXNG_ERR_CONTENTVALID || code == XML_RELAXNG_ERR_INTERSEQ ||
	       code == XML_RELAXNG_ERR_INTEREXTRA || code == XML_RELAXNG_ERR_ATTRVALID;
}

/* libxml2 names either the element or its parent: the element, then. */
static const xmlNode *named(const xmlNode *n, const char *name)
{
	const xmlNode *k;

	if (!strcmp((const char *)n->name, name))
		return n;
	for (k = n->children; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, name))
			return k;
	return n;
}

/* Word the picked report like the rest of our messages. */
static int report(struct dx_ctx *c, const struct pick *p)
{
	const xmlNode *n = p->node ? p->node : xmlDocGetRootElement(c->doc);
	const xmlAttr *a;
	struct dx_clip q;

	switch (p->code) {
	case XML_RELAXNG_ERR_ELEMNAME:  /* "Expecting element str1, got str2" */
		n = named(n, p->str2);
		dx_err(c, n, "unexpected element <%s>", (const char *)n->name);
		return dx_hint(c, "expected <%s> here", dx_clip(&q, p->str1));
	case XML_RELAXNG_ERR_NOELEM:
		return dx_err(c, n, "missing element <%s> in <%s>", dx_clip(&q, p->str1),
			      (const char *)n->name);
	case XML_RELAXNG_ERR_INVALIDATTR:
		a = xmlHasNsProp(n, (const xmlChar *)p->str1, NULL);
		return dx_err(c, a ? (const void *)a : (const void *)n,
			      "attribute '%s' not allowed here in <%s>", dx_clip(&q, p->str1),
			      (const char *)n->name);
	default:
		dx_err(c, n, "<%s> does not match the schema", (const char *)n->name);
		return says_nothing(p->code) ? -1 : dx_hint(c, "%s", dx_clip(&q, p->msg));
	}
}

int dx_schema_validate(struct dx_ctx *c)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt((const char *)dx_rng_data,
								 (int)dx_rng_size);
	xmlRelaxNGValidCtxtPtr vc = NULL;
	xmlRelaxNGPtr schema = NULL;
	struct pick p = { 0 };
	int rc = -1;

	if (!pc)
		return dx_err_at(c, 0, 0, "out of memory");
	xmlRelaxNGSetParserStructuredErrors(pc, on_error, &p);
	schema = xmlRelaxNGParse(pc);
	if (!schema) {
		dx_err_at(c, 0, 0, "internal error: embedded schema does not compile");
		goto out;
	}
	vc = xmlRelaxNGNewValidCtxt(schema);
	if (!vc) {
		dx_err_at(c, 0, 0, "out of memory");
		goto out;
	}
	xmlRelaxNGSetValidStructuredErrors(vc, on_error, &p);
	rc = xmlRelaxNGValidateDoc(vc, c->doc);
	if (rc != 0)
		rc = p.have ? report(c, &p) : dx_err(c, xmlDocGetRootElement(c->doc),
						      "definition does not match the schema");
out:
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pc);
	return rc;
}
