/* SPDX-License-Identifier: MIT */
/*
 * internal.h: what the files of libdomxml share.  Not installed, not part of
 * the API (that is domxml.h).
 *
 * A parse runs in stages, each in its own file, each stopping at the first
 * error it finds:
 *   parse.c      bytes -> libxml2 document (well-formedness, limits)
 *   structure.c  document -> names, places, counts and enumerated values,
 *                against the schema's own patterns (model.c), with
 *                suggestions (names.c)
 *   schema.c     document -> RelaxNG validation against the embedded schema
 *   check.c      document -> struct domxml, the values (units.c)
 *   devices.c    <devices>: duplicates, then what is not supported yet
 * err.c words the one-line message, locate.c finds the line and column.
 */
#ifndef DOMXML_INTERNAL_H
#define DOMXML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "domxml.h"

/* One parse: the input, the message buffer, the documents. */
struct dx_ctx {
	const char *file;       /* the name messages give */
	const char *src;        /* the definition's bytes */
	size_t srclen;
	char *err;              /* caller's buffer */
	size_t errlen;
	bool failed;            /* the first error is kept, later ones dropped */
	bool fresh;             /* the last dx_err worded the message: a hint may follow */
	bool cut;               /* the message filled errlen */
	xmlDocPtr doc;          /* the definition */
	xmlDocPtr rng;          /* the schema, as a document */
};

/* ---- err.c: "WHAT at FILE:LINE:COL[; HINT]" ---- */

/* A user-supplied string cut to fit in a message, control bytes shown as '?'. */
struct dx_clip {
	char s[96];
};
const char *dx_clip(struct dx_clip *c, const char *s);

/* Record "WHAT at LOC" for node (an xmlNode or xmlAttr); returns -1. */
int dx_err(struct dx_ctx *c, const void *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same at a known line and column (col 0: unknown; line 0: no place). */
int dx_err_at(struct dx_ctx *c, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Append "; HINT" to the message just recorded; returns -1. */
int dx_hint(struct dx_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "FILE:LINE:COL" of node, for a second place in a hint. */
const char *dx_where(struct dx_ctx *c, const void *node, char *buf, size_t size);

/* ---- locate.c: line and column of a node in the source ---- */

struct dx_pos {
	unsigned line, col;     /* 1-based; col 0 when only the line is known */
};
struct dx_pos dx_locate(const struct dx_ctx *c, const void *node);
struct dx_pos dx_pos_of_offset(const char *src, size_t len, size_t off);
size_t dx_doctype_offset(const char *src, size_t len);

/* ---- parse.c ---- */
int dx_read(struct dx_ctx *c);          /* c->src -> c->doc */

/* ---- schema.c: the embedded schema ---- */
extern const unsigned char dx_rng_data[];   /* rng-data.c, generated */
extern const size_t dx_rng_size;
int dx_schema_load(struct dx_ctx *c);   /* -> c->rng */
int dx_schema_validate(struct dx_ctx *c);

/* ---- model.c: what a schema <element> allows ---- */

#define DX_MAX_KIDS 48
#define DX_MAX_ATTRS 24
#define DX_MAX_VALUES 24

/* The <value>/<data>/<text/> patterns one text or attribute value may match. */
struct dx_values {
	bool any_text;          /* <text/>: anything goes */
	size_t n;
	const xmlNode *pat[DX_MAX_VALUES];
};

struct dx_use {                 /* one place a child element or attribute may go */
	const xmlNode *pat;     /* its <element> or <attribute> in the schema */
	const char *name;
	bool required;          /* not under optional/zeroOrMore/choice */
	bool repeat;            /* under zeroOrMore/oneOrMore */
};

struct dx_model {
	size_t nkids, nattrs;
	struct dx_use kids[DX_MAX_KIDS];
	struct dx_use attrs[DX_MAX_ATTRS];
	struct dx_values text;  /* what the element's own text may be */
};

/* The model of the union of the schema elements pats[0..n-1], for the
 * document element inst (its attributes pick <choice> branches; NULL: no
 * instance); -1 when the schema uses something model.c does not read. */
int dx_model_of(const xmlNode *const *pats, size_t n, const xmlNode *inst,
		struct dx_model *m);
/* The model of the schema's <start>: its kids are the allowed roots. */
int dx_model_start(xmlDocPtr rng, struct dx_model *m);
/* The values an <attribute> pattern allows. */
int dx_attr_values(const xmlNode *attr_pat, struct dx_values *v);
/* Whether s is one of the values; an unreadable pattern counts as a match
 * (RelaxNG validation decides then). */
bool dx_value_ok(const struct dx_values *v, const char *s);
/* "a, b or c" of the <value>s, or "text matching P" of one <data>, for a
 * hint; "" for anything else. */
void dx_value_list(const struct dx_values *v, char *buf, size_t size);
/* Names of the schema elements that may hold an element called name. */
void dx_parents_of(xmlDocPtr rng, const char *name, char *buf, size_t size);

/* ---- names.c: did you mean ---- */
unsigned dx_distance(const char *a, const char *b);
/* The candidate nearest to s, if near enough to be a likely typo, else NULL. */
const char *dx_suggest(const char *s, const char *const *cands, size_t n);

/* ---- structure.c ---- */

/* Element children one element may have (256 devices is plenty): the cap
 * keeps libxml2's RelaxNG validation, which slows and grows with long
 * interleaves, and devices.c's duplicate search small. */
#define DX_MAX_CHILDREN 256
int dx_structure(struct dx_ctx *c);

/* ---- units.c: libvirt's scaled integers ---- */

enum dx_num { DX_NUM_OK, DX_NUM_BAD, DX_NUM_BAD_UNIT, DX_NUM_OVERFLOW };
enum dx_num dx_parse_u64(const char *digits, uint64_t *v);
enum dx_num dx_unit_scale(const char *unit, uint64_t *scale);
enum dx_num dx_scaled(const char *num, const char *unit, uint64_t *bytes);
extern const char dx_unit_names[];      /* for hints */

/* ---- check.c, devices.c ---- */
int dx_check(struct dx_ctx *c, struct domxml *d);
int dx_devices(struct dx_ctx *c, const xmlNode *devices, struct domxml *d);

/* Small helpers over a document whose shape the schema already checked. */
const xmlNode *dx_child(const xmlNode *parent, const char *name);
const xmlNode *dx_next(const xmlNode *node, const char *name);
bool dx_is(const xmlNode *node, const char *name);

#endif /* DOMXML_INTERNAL_H */
