/* SPDX-License-Identifier: MIT */
/*
 * icu-stub-check: linked -static with libxml2 and dom0-tools/domxml/icu-stub.c
 * (as tess is), shows that the stub does what it says: an encoding libxml2
 * keeps built in still parses, one it would ask ICU for fails cleanly as
 * unsupported.  SCSU is such an encoding: glibc's iconv, which libxml2 asks
 * first, lacks it (linked dynamically against the real ICU, this program
 * parses the SCSU document and fails).  Prints "ok" and exits 0, or says
 * what went wrong.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

static int parse(const char *xml, int *code)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlErrorPtr e = xmlGetLastError();

	*code = e ? e->code : 0;
	xmlFreeDoc(doc);
	xmlResetLastError();
	return doc != NULL;
}

int main(void)
{
	int code;

	xmlInitParser();
	if (!parse("<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>", &code)) {
		printf("built-in ISO-8859-1 failed (error %d)\n", code);
		return 1;
	}
	if (parse("<?xml version='1.0' encoding='SCSU'?><a>\xE9</a>", &code) ||
	    code != XML_ERR_UNSUPPORTED_ENCODING) {
		printf("SCSU (an ICU-only encoding) gave error %d, not unsupported (%d)\n", code,
		       XML_ERR_UNSUPPORTED_ENCODING);
		return 1;
	}
	puts("ok");
	return 0;
}
