/* Number parsing shared by the command line and ACPI code. */
#include <tess/lib.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int parse_u64(const char *s, const char **end, u64 *out)
{
	unsigned int base = 10;
	u64 v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p) >= (int)base)
		return -1;
	for (; digit_value(*p) < (int)base; p++) {
		u64 next = v * base + digit_value(*p);

		if (next / base != v)
			return -1; /* overflow */
		v = next;
	}
	*out = v;
	if (end)
		*end = p;
	return 0;
}
