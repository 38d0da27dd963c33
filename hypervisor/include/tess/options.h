/* Hypervisor command-line options (Xen-like spellings, see docs). */
#ifndef TESS_OPTIONS_H
#define TESS_OPTIONS_H

#include <tess/types.h>

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

struct hv_options {
	bool console_com1;      /* console=com1 (default) or console=none */
	int loglvl;             /* highest level printed on the console */
	u64 dom0_mem;           /* bytes; 0 = default */
	unsigned int dom0_max_vcpus; /* 0 = every CPU */
	bool paging_shadow;     /* paging=shadow: every domain on shadow paging */
};

#define DOM0_MAX_VCPUS_LIMIT 256

enum option_problem { OPTION_UNKNOWN, OPTION_MALFORMED };

/* value is NULL for a bare word without '='. */
typedef void (*options_report_fn)(enum option_problem what, const char *name,
				  const char *value);

/*
 * Parse cmdline into o (which starts with the defaults). Unknown options
 * and malformed values are reported through report() and ignored, so a
 * typo never stops the machine from booting.
 */
void options_parse(const char *cmdline, struct hv_options *o, options_report_fn report);
void options_defaults(struct hv_options *o);
/* "512M", "1G", "1048576K", "0x40000000B"; bare numbers are KiB. */
int parse_size(const char *s, u64 *bytes);

#endif
