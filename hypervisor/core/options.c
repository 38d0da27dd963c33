/* Hypervisor command-line parsing (see tess/options.h). */
#include <tess/lib.h>
#include <tess/options.h>

#define OPT_WORD_MAX 128

void options_defaults(struct hv_options *o)
{
	o->console_com1 = true;
	o->loglvl = LOG_INFO;
	o->dom0_mem = 0;
	o->dom0_max_vcpus = 0;
	o->paging_shadow = false;
}

static int size_suffix_shift(char c)
{
	switch (c) {
	case 'B': case 'b': return 0;
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	case 'T': case 't': return 40;
	default: return -1;
	}
}

/*
 * The unit, if any, is always the last character, so "0x40000000B" is
 * 1 GiB and not a hex number ending in the digit B.
 */
int parse_size(const char *s, u64 *bytes)
{
	char num[32];
	size_t len = strlen(s);
	int shift = len ? size_suffix_shift(s[len - 1]) : -1;
	const char *end;
	u64 v;

	if (shift >= 0)
		len--;
	else
		shift = 10; /* bare numbers are KiB, as for Xen's dom0_mem= */
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_u64(num, &end, &v) || *end || (v << shift) >> shift != v)
		return -1;
	*bytes = v << shift;
	return 0;
}

static int parse_loglvl(const char *v)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	if (!strcmp(v, "all"))
		return LOG_DEBUG;
	if (!strcmp(v, "warning"))
		return LOG_WARN;
	return -1;
}

static void options_apply(const char *name, const char *value, struct hv_options *o,
			  options_report_fn report)
{
	u64 n;

	if (!strcmp(name, "console")) {
		if (value && !strcmp(value, "com1"))
			o->console_com1 = true;
		else if (value && !strcmp(value, "none"))
			o->console_com1 = false;
		else
			report(OPTION_MALFORMED, name, value);
	} else if (!strcmp(name, "loglvl")) {
		int l = value ? parse_loglvl(value) : -1;

		if (l < 0)
			report(OPTION_MALFORMED, name, value);
		else
			o->loglvl = l;
	} else if (!strcmp(name, "dom0_mem")) {
		if (!value || parse_size(value, &n) || n < MB(16))
			report(OPTION_MALFORMED, name, value);
		else
			o->dom0_mem = n;
	} else if (!strcmp(name, "dom0_max_vcpus")) {
		const char *end;

		if (!value || parse_u64(value, &end, &n) || *end || n == 0 ||
		    n > DOM0_MAX_VCPUS_LIMIT)
			report(OPTION_MALFORMED, name, value);
		else
			o->dom0_max_vcpus = (unsigned int)n;
	} else if (!strcmp(name, "paging")) {
		if (value && (!strcmp(value, "hap") || !strcmp(value, "shadow")))
			o->paging_shadow = !strcmp(value, "shadow");
		else
			report(OPTION_MALFORMED, name, value);
	} else {
		report(OPTION_UNKNOWN, name, value);
	}
}

/*
 * Split off one whitespace-separated word. *too_long is set when it did
 * not fit: such a word is reported, never applied cut short.
 */
static const char *options_next_word(const char *p, char *word, bool *too_long)
{
	unsigned int n = 0;

	*too_long = false;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && *p != ' ' && *p != '\t') {
		if (n + 1 < OPT_WORD_MAX)
			word[n++] = *p;
		else
			*too_long = true;
		p++;
	}
	word[n] = '\0';
	return p;
}

void options_parse(const char *cmdline, struct hv_options *o, options_report_fn report)
{
	char word[OPT_WORD_MAX];
	const char *p = cmdline;
	bool first = true, too_long;

	while (*(p = options_next_word(p, word, &too_long)) || word[0]) {
		char *eq = strchr(word, '=');

		if (too_long) {
			if (eq)
				*eq = '\0';
			report(OPTION_MALFORMED, word, "(longer than the limit)");
			first = false;
			if (!*p)
				break;
			continue;
		}

		/* Some loaders put the image path first; it is not an option. */
		if (first && word[0] == '/') {
			first = false;
			continue;
		}
		first = false;
		if (eq)
			*eq = '\0';
		options_apply(word, eq ? eq + 1 : NULL, o, report);
		if (!*p)
			break;
	}
}
