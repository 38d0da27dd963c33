/* SPDX-License-Identifier: MIT */
/*
 * domxml.h: Tessera domain definitions (a subset of libvirt's domain XML).
 *
 * A definition is parsed with libxml2 (no network, no entity expansion, no
 * DTD loading), validated against Tessera's RelaxNG schema
 * (dom0-tools/domxml/tessera-domain.rng, built into the library), and then
 * checked for what a schema cannot say (units, ranges, UUID syntax through
 * libuuid, duplicate device targets, devices that are not supported yet).
 * See docs/xml.md for the reference.
 *
 * Errors are one line naming the place:
 *     "unknown element <vcpus> at guest.xml:6:3; did you mean <vcpu>?"
 *     "missing element <name> in <domain> at guest.xml:1:1"
 *     "bad unit 'MiBs' at guest.xml:4:11; expected one of b, bytes, KB, KiB, ..."
 * i.e. "WHAT at FILE:LINE:COL[; HINT]", FILE as given to the parser.
 *
 * The functions do not touch the machine: checks against it (kernel file
 * readable, memory free, name in use) belong to the caller.
 */
#ifndef DOMXML_H
#define DOMXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/hypercall.h"   /* TESS_NAME_MAX, TESS_MAX_VCPUS, TESS_PAGING_* */

#define DOMXML_ERR_MAX 512       /* error buffer size the callers use */
#define DOMXML_MAX_BYTES (1u << 20)  /* a definition larger than 1 MiB is refused */

/* <domain type='...'>: 'xen' is the portable spelling (libvirt's schema
 * accepts it), 'tessera' our own (libvirt's virt-xml-validate refuses it). */
enum domxml_type { DOMXML_TYPE_XEN, DOMXML_TYPE_TESSERA };

/* on_poweroff / on_reboot / on_crash */
enum domxml_action { DOMXML_ACTION_DESTROY, DOMXML_ACTION_RESTART, DOMXML_ACTION_PRESERVE };

struct domxml {
	enum domxml_type type;
	char name[TESS_NAME_MAX];    /* [A-Za-z0-9_.-], 1..TESS_NAME_MAX-1 bytes */
	uint8_t uuid[16];
	bool uuid_given;             /* false: uuid is all zero, the caller makes one
				      * (an all-zero <uuid> counts as not given) */
	uint64_t memory_bytes;       /* <memory>, a multiple of TESS_MEM_ALIGN */
	uint32_t vcpus;              /* <vcpu>, 1..TESS_MAX_VCPUS */
	char *kernel;                /* <os><kernel>: absolute path (malloc'd) */
	char *initrd;                /* <os><initrd>: absolute path, or NULL */
	char *cmdline;               /* <os><cmdline>, or NULL */
	char *title;                 /* <title> (one line), or NULL */
	char *description;           /* <description>, or NULL */
	uint32_t paging;             /* <features><hap state='on|off'/>: TESS_PAGING_HAP (default) or _SHADOW */
	enum domxml_action on_poweroff;  /* default destroy */
	enum domxml_action on_reboot;    /* default restart */
	enum domxml_action on_crash;     /* default destroy */
	bool console;                /* <devices><console type='pty'/> present */
};

/*
 * Parse and check the definition in path. Returns 0 with *d filled (free it
 * with domxml_free), or -1 with *d zeroed and a one-line message in err
 * (errlen bytes, DOMXML_ERR_MAX is enough). A file that cannot be read
 * gives "cannot read FILE: REASON".
 */
int domxml_parse_file(const char *path, struct domxml *d, char *err, size_t errlen);

/* The same on a buffer; name stands for the file in messages. */
int domxml_parse_memory(const char *buf, size_t len, const char *name, struct domxml *d,
			char *err, size_t errlen);

/*
 * The definition as XML in the normal form dumpxml shows and define stores:
 * every element written, memory in KiB, the UUID in its 36-character form
 * (all zero if not given). Parsing the result gives back an equal struct.
 * Returns a malloc'd NUL-terminated string, or NULL when out of memory.
 */
char *domxml_format(const struct domxml *d);

/* Free what domxml_parse_* allocated and zero *d (NULL is ignored). */
void domxml_free(struct domxml *d);

/* "destroy", "restart", "preserve" */
const char *domxml_action_name(enum domxml_action a);

#endif /* DOMXML_H */
