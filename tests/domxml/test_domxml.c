/* SPDX-License-Identifier: MIT */
/*
 * test_domxml.c: unit tests of libdomxml's parts (units, suggestions,
 * locate, the schema model) and of the API's edges (format round trip,
 * message buffer, files).  The broken definitions with their exact
 * messages are in bad/ (run-domxml.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "internal.h"
#include "same.h"
#include "tu.h"

/* ---- units ---- */

struct unit_case {
	const char *num, *unit;
	enum dx_num rc;
	uint64_t bytes;
};

static const struct unit_case unit_cases[] = {
	{ "1", NULL, DX_NUM_OK, 1024 },         /* libvirt's default: KiB */
	{ "1", "b", DX_NUM_OK, 1 },
	{ "1", "byte", DX_NUM_OK, 1 },
	{ "7", "bytes", DX_NUM_OK, 7 },
	{ "1", "BYTES", DX_NUM_OK, 1 },
	{ "1", "KB", DX_NUM_OK, 1000 },
	{ "1", "Kb", DX_NUM_OK, 1000 },
	{ "1", "k", DX_NUM_OK, 1024 },
	{ "1", "K", DX_NUM_OK, 1024 },
	{ "1", "KiB", DX_NUM_OK, 1024 },
	{ "1", "kib", DX_NUM_OK, 1024 },
	{ "1", "MB", DX_NUM_OK, 1000000 },
	{ "1", "M", DX_NUM_OK, 1u << 20 },
	{ "256", "MiB", DX_NUM_OK, 256u << 20 },
	{ "1", "GB", DX_NUM_OK, 1000000000 },
	{ "1", "G", DX_NUM_OK, 1u << 30 },
	{ "2", "GiB", DX_NUM_OK, 2ull << 30 },
	{ "1", "TB", DX_NUM_OK, 1000000000000ull },
	{ "1", "T", DX_NUM_OK, 1ull << 40 },
	{ "1", "TiB", DX_NUM_OK, 1ull << 40 },
	{ "1", "PB", DX_NUM_OK, 1000000000000000ull },
	{ "1", "PiB", DX_NUM_OK, 1ull << 50 },
	{ "15", "EiB", DX_NUM_OK, 15ull << 60 },
	{ "18", "EB", DX_NUM_OK, 18000000000000000000ull },
	{ "007", "b", DX_NUM_OK, 7 },
	{ "18446744073709551615", "b", DX_NUM_OK, UINT64_MAX },
	{ "0", NULL, DX_NUM_OK, 0 },
	{ "16", "EiB", DX_NUM_OVERFLOW, 0 },    /* 2^64 */
	{ "19", "EB", DX_NUM_OVERFLOW, 0 },
	{ "17179869184", "GiB", DX_NUM_OVERFLOW, 0 },
	{ "18014398509481984", NULL, DX_NUM_OVERFLOW, 0 },  /* 2^54 KiB */
	{ "18446744073709551616", "b", DX_NUM_OVERFLOW, 0 },
	{ "99999999999999999999999", "b", DX_NUM_OVERFLOW, 0 },
	{ "", NULL, DX_NUM_BAD, 0 },
	{ " 1", NULL, DX_NUM_BAD, 0 },          /* libvirt's pattern is [0-9]+ */
	{ "1 ", NULL, DX_NUM_BAD, 0 },
	{ "+1", NULL, DX_NUM_BAD, 0 },
	{ "-1", NULL, DX_NUM_BAD, 0 },
	{ "0x10", NULL, DX_NUM_BAD, 0 },
	{ "1.5", "GiB", DX_NUM_BAD, 0 },
	{ "1", "MiBs", DX_NUM_BAD_UNIT, 0 },
	{ "1", "", DX_NUM_BAD_UNIT, 0 },
	{ "1", "iB", DX_NUM_BAD_UNIT, 0 },
	{ "1", "KiBB", DX_NUM_BAD_UNIT, 0 },
	{ "1", "Z", DX_NUM_BAD_UNIT, 0 },
	{ "1", "by", DX_NUM_BAD_UNIT, 0 },
	{ "1", " MiB", DX_NUM_BAD_UNIT, 0 },
};

static void units_table(void)
{
	for (size_t i = 0; i < sizeof(unit_cases) / sizeof(unit_cases[0]); i++) {
		const struct unit_case *u = &unit_cases[i];
		uint64_t bytes = 0xdead;
		enum dx_num rc = dx_scaled(u->num, u->unit, &bytes);

		if (rc != u->rc)
			tu_fail(__FILE__, __LINE__, "'%s' '%s': rc %d, want %d", u->num,
				u->unit ? u->unit : "(none)", rc, u->rc);
		else if (rc == DX_NUM_OK && bytes != u->bytes)
			tu_fail(__FILE__, __LINE__, "'%s' '%s': %llu bytes, want %llu", u->num,
				u->unit ? u->unit : "(none)", (unsigned long long)bytes,
				(unsigned long long)u->bytes);
	}
}

/* ---- suggestions ---- */

static void distance(void)
{
	CHECK_EQ(dx_distance("vcpus", "vcpu"), 1);
	CHECK_EQ(dx_distance("memroy", "memory"), 1);   /* a swap is one edit */
	CHECK_EQ(dx_distance("Memory", "memory"), 0);   /* case is no edit */
	CHECK_EQ(dx_distance("", "abc"), 3);
	CHECK_EQ(dx_distance("kernel", "kernel"), 0);
	CHECK_EQ(dx_distance("on_crash", "oncrash"), 1);
	CHECK_EQ(dx_distance("abc", "xyz"), 3);
}

static void suggest(void)
{
	static const char *const kids[] = { "name", "uuid", "memory", "currentMemory", "vcpu",
					    "os", "on_poweroff", "on_reboot", "on_crash" };
	static const char *const states[] = { "on", "off" };
	char longname[200];

	CHECK_STR(dx_suggest("vcpus", kids, 9), "vcpu");
	CHECK_STR(dx_suggest("nmae", kids, 9), "name");
	CHECK_STR(dx_suggest("currentmemory", kids, 9), "currentMemory");
	CHECK_STR(dx_suggest("on-reboot", kids, 9), "on_reboot");
	CHECK_STR(dx_suggest("of", states, 2), "off");  /* tie: longer common start */
	CHECK(dx_suggest("devices", kids, 9) == NULL);
	CHECK(dx_suggest("zz", kids, 9) == NULL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(dx_suggest(longname, kids, 9) == NULL);
}

/* ---- locate: line and column of nodes ---- */

struct doc {
	struct dx_ctx c;
	char err[DOMXML_ERR_MAX];
};

static bool open_doc(struct doc *d, const char *xml)
{
	memset(d, 0, sizeof(*d));
	d->c = (struct dx_ctx){ .file = "t.xml", .src = xml, .srclen = strlen(xml),
				.err = d->err, .errlen = sizeof(d->err) };
	if (dx_read(&d->c)) {
		tu_fail(__FILE__, __LINE__, "dx_read: %s", d->err);
		return false;
	}
	return true;
}

/* The n-th element (document order, 0 = root) named name. */
static const xmlNode *nth(const xmlNode *n, const char *name, int *k)
{
	const xmlNode *hit;

	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) && (*k)-- == 0)
			return n;
		hit = nth(n->children, name, k);
		if (hit)
			return hit;
	}
	return NULL;
}

static const xmlNode *elem(struct doc *d, const char *name, int k)
{
	return nth(d->c.doc->children, name, &k);
}

#define CHECK_POS(node, want_line, want_col)                                      \
	do {                                                                        \
		struct dx_pos p_ = dx_locate(&d.c, (node));                         \
		if (p_.line != (want_line) || p_.col != (want_col))                 \
			tu_fail(__FILE__, __LINE__, "%s at %u:%u, want %u:%u", #node, \
				p_.line, p_.col, (unsigned)(want_line),             \
				(unsigned)(want_col));                              \
	} while (0)

static void locate_same_line(void)
{
	struct doc d;

	REQUIRE(open_doc(&d, "<a><b/><b x='1' y=\"2\"/><b>t</b></a>"));
	CHECK_POS(elem(&d, "a", 0), 1, 1);
	CHECK_POS(elem(&d, "b", 0), 1, 4);
	CHECK_POS(elem(&d, "b", 1), 1, 8);  /* not the first <b on the line */
	CHECK_POS(elem(&d, "b", 2), 1, 24);
	CHECK_POS(xmlHasProp(elem(&d, "b", 1), (const xmlChar *)"y"), 1, 17);
	CHECK_POS(elem(&d, "b", 2)->children, 1, 27);      /* the text */
	xmlFreeDoc(d.c.doc);
}

static void locate_skips_markup(void)
{
	struct doc d;

	/* A tag inside a comment, CDATA or a value is no tag. */
	REQUIRE(open_doc(&d, "<?xml version='1.0'?>\n<!-- <b> -->\n<a v='>'><![CDATA[<b>]]>"
			     "<?pi <b>?>\n  <b\n     z = '3'/></a>"));
	CHECK_POS(elem(&d, "a", 0), 3, 1);
	CHECK_POS(elem(&d, "b", 0), 4, 3);
	CHECK_POS(xmlHasProp(elem(&d, "b", 0), (const xmlChar *)"z"), 5, 6);
	CHECK_POS(xmlHasProp(elem(&d, "a", 0), (const xmlChar *)"v"), 3, 4);
	xmlFreeDoc(d.c.doc);
}

static void locate_line_endings_and_utf8(void)
{
	struct doc d;

	/* CRLF and a lone CR each end one line; é is one column (two bytes). */
	REQUIRE(open_doc(&d, "\xEF\xBB\xBF<a>\r\n<b>\xC3\xA9</b><c/>\r<d/>\n</a>"));
	CHECK_POS(elem(&d, "a", 0), 1, 1);      /* the byte order mark is no column */
	CHECK_POS(elem(&d, "b", 0), 2, 1);
	CHECK_POS(elem(&d, "c", 0), 2, 9);
	CHECK_POS(elem(&d, "d", 0), 3, 1);
	xmlFreeDoc(d.c.doc);
}

static void locate_text_after_comment(void)
{
	struct doc d;

	REQUIRE(open_doc(&d, "<a><!-- c -->\n   junk<b/></a>"));
	CHECK_POS(elem(&d, "a", 0)->children->next, 2, 4);
	xmlFreeDoc(d.c.doc);
}

/* ---- the schema model: everything is read from tessera-domain.rng ---- */

static bool has_use(const struct dx_use *u, size_t n, const char *name, bool required)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(u[i].name, name) && u[i].required == required)
			return true;
	return false;
}

static void model_of_domain(void)
{
	struct doc d;
	struct dx_model start, m;
	const xmlNode *pat;

	REQUIRE(open_doc(&d, "<x/>"));
	REQUIRE(dx_schema_load(&d.c) == 0);
	REQUIRE(dx_model_start(d.c.rng, &start) == 0);
	REQUIRE(start.nkids == 1);
	CHECK_STR(start.kids[0].name, "domain");
	pat = start.kids[0].pat;
	REQUIRE(dx_model_of(&pat, 1, NULL, &m) == 0);
	CHECK(has_use(m.kids, m.nkids, "name", true));
	CHECK(has_use(m.kids, m.nkids, "memory", true));
	CHECK(has_use(m.kids, m.nkids, "vcpu", false));
	CHECK(has_use(m.kids, m.nkids, "os", true));
	CHECK(has_use(m.kids, m.nkids, "devices", false));
	CHECK(has_use(m.attrs, m.nattrs, "type", true));
	CHECK(!has_use(m.kids, m.nkids, "vcpus", false));
	xmlFreeDoc(d.c.doc);
	xmlFreeDoc(d.c.rng);
}

/* Every <element> of the schema is one model.c can read. */
static int model_all(const xmlNode *n, const xmlNode *inst)
{
	struct dx_model m;
	int bad = 0;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (dx_is(n, "element") && dx_model_of(&n, 1, inst, &m)) {
			tu_fail(__FILE__, __LINE__, "schema element at line %ld not understood",
				xmlGetLineNo(n));
			bad++;
		}
		bad += model_all(n->children, inst);
	}
	return bad;
}

static void model_reads_whole_schema(void)
{
	struct doc d;

	REQUIRE(open_doc(&d, "<disk type='block'/>"));
	REQUIRE(dx_schema_load(&d.c) == 0);
	CHECK_EQ(model_all(xmlDocGetRootElement(d.c.rng), NULL), 0);
	CHECK_EQ(model_all(xmlDocGetRootElement(d.c.rng), xmlDocGetRootElement(d.c.doc)), 0);
	xmlFreeDoc(d.c.doc);
	xmlFreeDoc(d.c.rng);
}

/* <disk type='block'> is held to the block branch of the schema's choice. */
static void model_choice_by_attribute(void)
{
	struct doc d;
	struct dx_model dom, devs, disk, src;
	const xmlNode *pat;
	size_t i;

	REQUIRE(open_doc(&d, "<disk type='block'/>"));
	REQUIRE(dx_schema_load(&d.c) == 0);
	REQUIRE(dx_model_start(d.c.rng, &dom) == 0);
	pat = dom.kids[0].pat;
	REQUIRE(dx_model_of(&pat, 1, NULL, &dom) == 0);
	for (i = 0; i < dom.nkids && strcmp(dom.kids[i].name, "devices"); i++)
		;
	REQUIRE(i < dom.nkids);
	pat = dom.kids[i].pat;
	REQUIRE(dx_model_of(&pat, 1, NULL, &devs) == 0);
	for (i = 0; i < devs.nkids && strcmp(devs.kids[i].name, "disk"); i++)
		;
	REQUIRE(i < devs.nkids);
	pat = devs.kids[i].pat;
	REQUIRE(dx_model_of(&pat, 1, xmlDocGetRootElement(d.c.doc), &disk) == 0);
	CHECK(has_use(disk.kids, disk.nkids, "target", true));     /* in every branch */
	for (i = 0; i < disk.nkids && strcmp(disk.kids[i].name, "source"); i++)
		;
	REQUIRE(i < disk.nkids);
	pat = disk.kids[i].pat;
	REQUIRE(dx_model_of(&pat, 1, NULL, &src) == 0);
	CHECK(has_use(src.attrs, src.nattrs, "dev", true));
	CHECK(!has_use(src.attrs, src.nattrs, "file", true));
	xmlFreeDoc(d.c.doc);
	xmlFreeDoc(d.c.rng);
}

/* ---- the API ---- */

static const char minimal[] =
	"<domain type='xen'><name>m</name><memory unit='MiB'>2</memory>"
	"<os><type>linux</type><kernel>/k</kernel></os></domain>";

static void format_round_trip(void)
{
	struct domxml a = { 0 }, b;
	char err[DOMXML_ERR_MAX], why[64], *xml;

	a.type = DOMXML_TYPE_TESSERA;
	strcpy(a.name, "round.trip-1_x");
	for (int i = 0; i < 16; i++)
		a.uuid[i] = (uint8_t)(i * 17 + 1);
	a.uuid_given = true;
	a.memory_bytes = 6ull << 30;
	a.vcpus = TESS_MAX_VCPUS;
	a.kernel = strdup("/boot/a&b<c>d");
	a.initrd = strdup("/boot/init rd.img");
	/* What XML would change if written plainly: CR, markup, ]]>, spaces. */
	a.cmdline = strdup("  console=ttyS0\r\nquiet a<b>&c ]]> \"q\" 'q' \xC3\xA9\t ");
	a.paging = TESS_PAGING_SHADOW;
	a.on_poweroff = DOMXML_ACTION_PRESERVE;
	a.on_reboot = DOMXML_ACTION_DESTROY;
	a.on_crash = DOMXML_ACTION_RESTART;
	a.console = true;
	REQUIRE(a.kernel && a.initrd && a.cmdline);
	xml = domxml_format(&a);
	REQUIRE(xml);
	if (domxml_parse_memory(xml, strlen(xml), "fmt", &b, err, sizeof(err)))
		tu_fail(__FILE__, __LINE__, "%s\n%s", err, xml);
	else if (!domxml_same(&a, &b, why, sizeof(why)))
		tu_fail(__FILE__, __LINE__, "%s\n%s", why, xml);
	domxml_free(&b);
	domxml_free(&a);
	free(xml);
}

/* No UUID given formats as the nil UUID, which parses back as not given. */
static void format_nil_uuid(void)
{
	struct domxml a, b;
	char err[DOMXML_ERR_MAX], *xml;

	REQUIRE(domxml_parse_memory(minimal, strlen(minimal), "m", &a, err, sizeof(err)) == 0);
	CHECK(!a.uuid_given);
	xml = domxml_format(&a);
	REQUIRE(xml);
	CHECK(strstr(xml, "<uuid>00000000-0000-0000-0000-000000000000</uuid>") != NULL);
	CHECK(strstr(xml, "<memory unit='KiB'>2048</memory>") != NULL);
	REQUIRE(domxml_parse_memory(xml, strlen(xml), "f", &b, err, sizeof(err)) == 0);
	CHECK(!b.uuid_given);
	CHECK(b.vcpus == 1 && b.paging == TESS_PAGING_HAP && !b.console);
	CHECK(b.on_reboot == DOMXML_ACTION_RESTART && b.on_crash == DOMXML_ACTION_DESTROY);
	domxml_free(&a);
	domxml_free(&b);
	free(xml);
}

static void action_names(void)
{
	CHECK_STR(domxml_action_name(DOMXML_ACTION_DESTROY), "destroy");
	CHECK_STR(domxml_action_name(DOMXML_ACTION_RESTART), "restart");
	CHECK_STR(domxml_action_name(DOMXML_ACTION_PRESERVE), "preserve");
	CHECK_STR(domxml_action_name((enum domxml_action)42), "unknown");
}

/* A short buffer gets a cut message, still NUL-terminated, still UTF-8. */
static void error_buffer(void)
{
	static const char bad[] = "<domain type='xen'><n\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9/></domain>";
	char small[32], full[DOMXML_ERR_MAX];
	struct domxml d;
	size_t len;

	memset(small, 'x', sizeof(small));
	CHECK(domxml_parse_memory(bad, strlen(bad), "f.xml", &d, full, sizeof(full)) == -1);
	CHECK_STR(full, "unknown element <n\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9> at f.xml:1:20");
	for (size_t n = 1; n < sizeof(small); n++) {
		memset(small, 'x', sizeof(small));
		CHECK(domxml_parse_memory(bad, strlen(bad), "f.xml", &d, small, n) == -1);
		len = strnlen(small, n);
		CHECK(len < n);
		CHECK(!strncmp(small, full, len));
		CHECK(len == 0 || ((unsigned char)small[len - 1] & 0xC0) != 0xC0);
	}
	/* No buffer at all is allowed. */
	CHECK(domxml_parse_memory(bad, strlen(bad), "f.xml", &d, NULL, 0) == -1);
}

/* Names and values from the input cannot break the one line. */
static void error_one_line(void)
{
	static const char bad[] = "<domain type='xen'><name>a\nb</name><memory>2048</memory>"
				  "<os><type>linux</type><kernel>/k</kernel></os></domain>";
	char err[DOMXML_ERR_MAX];
	struct domxml d;

	CHECK(domxml_parse_memory(bad, strlen(bad), "two\nlines.xml", &d, err, sizeof(err)) == -1);
	CHECK(strchr(err, '\n') == NULL);
	CHECK_STR(err, "bad name 'a?b' at two?lines.xml:1:20; use letters, digits, '_', '.' "
		       "and '-' (not . or ..)");
}

static void too_large(void)
{
	size_t n = DOMXML_MAX_BYTES + 1;
	char *buf = malloc(n), err[DOMXML_ERR_MAX];
	struct domxml d;

	REQUIRE(buf);
	memset(buf, ' ', n);
	memcpy(buf, minimal, strlen(minimal));  /* valid, then white space */
	CHECK(domxml_parse_memory(buf, n, "big.xml", &d, err, sizeof(err)) == -1);
	CHECK_STR(err, "big.xml too large; the limit is 1048576 bytes");
	CHECK(domxml_parse_memory(buf, n - 1, "big.xml", &d, err, sizeof(err)) == 0);
	domxml_free(&d);
	free(buf);
}

static void files(void)
{
	char path[] = "/tmp/domxml-test-XXXXXX", err[DOMXML_ERR_MAX], want[600];
	struct domxml d;
	int fd = mkstemp(path);

	REQUIRE(fd >= 0);
	CHECK(write(fd, minimal, strlen(minimal)) == (ssize_t)strlen(minimal));
	close(fd);
	CHECK(domxml_parse_file(path, &d, err, sizeof(err)) == 0);
	CHECK_STR(d.name, "m");
	CHECK_EQ(d.memory_bytes, 2u << 20);
	domxml_free(&d);
	unlink(path);
	CHECK(domxml_parse_file(path, &d, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "cannot read %s: %s", path, strerror(ENOENT));
	CHECK_STR(err, want);
	CHECK(domxml_parse_file("/tmp", &d, err, sizeof(err)) == -1);
	CHECK_STR(err, "cannot read /tmp: Is a directory");
}

static const struct tu_case cases[] = {
	TU_CASE(units_table),
	TU_CASE(distance),
	TU_CASE(suggest),
	TU_CASE(locate_same_line),
	TU_CASE(locate_skips_markup),
	TU_CASE(locate_line_endings_and_utf8),
	TU_CASE(locate_text_after_comment),
	TU_CASE(model_of_domain),
	TU_CASE(model_reads_whole_schema),
	TU_CASE(model_choice_by_attribute),
	TU_CASE(format_round_trip),
	TU_CASE(format_nil_uuid),
	TU_CASE(action_names),
	TU_CASE(error_buffer),
	TU_CASE(error_one_line),
	TU_CASE(too_large),
	TU_CASE(files),
};

TU_MAIN("lib", cases)
