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
}

int parse_size(const char *s, u64 *bytes)
{
	const char *end;
	u64 v, shift = 10;

	if (parse_u64(s, &end, &v))
		return -1;
	switch (*end) {
	case 'B': case 'b': shift = 0; end++; break;
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end || (v << shift) >> shift != v)
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
	} else {
		report(OPTION_UNKNOWN, name, value);
	}
}

/* Split one whitespace-separated word into name and optional value. */
static const char *options_next_word(const char *p, char *word)
{
	unsigned int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && *p != ' ' && *p != '\t') {
		if (n + 1 < OPT_WORD_MAX)
			word[n++] = *p;
		p++;
	}
	word[n] = '\0';
	return p;
}

void options_parse(const char *cmdline, struct hv_options *o, options_report_fn report)
{
	char word[OPT_WORD_MAX];
	const char *p = cmdline;
	bool first = true;

	while (*(p = options_next_word(p, word)) || word[0]) {
		char *eq = strchr(word, '=');

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
