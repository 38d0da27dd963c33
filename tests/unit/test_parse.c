/* Unit tests for hypervisor/lib/parse.c (parse_u64). */
#include <tess/lib.h>

#include "tu.h"

struct ok { const char *s; u64 v; unsigned int used; };

static const struct ok good[] = {
	{ "0", 0, 1 },
	{ "7", 7, 1 },
	{ "00", 0, 2 },
	{ "1234567890", 1234567890, 10 },
	{ "18446744073709551615", 18446744073709551615ull, 20 },
	{ "0x0", 0, 3 },
	{ "0xff", 0xff, 4 },
	{ "0XfF", 0xff, 4 },
	{ "0xDEADbeef", 0xdeadbeef, 10 },
	{ "0xffffffffffffffff", ~0ull, 18 },
	{ "0x0000000000000000000001", 1, 24 },  /* leading zeros never overflow */
	{ "000000000000000000000000042", 42, 27 },
	{ "12abc", 12, 2 },                     /* stops at a non-digit */
	{ "0x1g", 1, 3 },
	{ "99 ", 99, 2 },
	{ "0b1", 0, 1 },                        /* no binary prefix */
	{ "1M", 1, 1 },
	{ "0x10M", 16, 4 },
};

static void parse_valid(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++) {
		const char *end = NULL;
		u64 v = 0x5555;
		int rc = parse_u64(good[i].s, &end, &v);

		if (rc || v != good[i].v || end != good[i].s + good[i].used)
			tu_fail(__FILE__, __LINE__, "'%s': rc %d value 0x%llx used %td", good[i].s,
				rc, (unsigned long long)v, end ? end - good[i].s : -1);
	}
}

static void parse_null_end(void)
{
	u64 v = 0;

	CHECK_EQ(parse_u64("4096", NULL, &v), 0);
	CHECK_EQ(v, 4096);
}

static void parse_invalid(void)
{
	static const char *const bad[] = {
		"", "x", "-1", "+1", " 1", "\t1", "0x", "0xg", "0x 1", "a", "ff", ".5",
		"18446744073709551616",        /* 2^64 */
		"18446744073709551620",
		"99999999999999999999",
		"184467440737095516150",
		"0x10000000000000000",         /* 2^64 */
		"0xffffffffffffffff0",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *end = (const char *)0x1;
		u64 v = 0x5555;
		int rc = parse_u64(bad[i], &end, &v);

		if (rc != -1 || v != 0x5555 || end != (const char *)0x1)
			tu_fail(__FILE__, __LINE__, "'%s': rc %d value 0x%llx (must fail untouched)",
				bad[i], rc, (unsigned long long)v);
	}
}

static const struct tu_case cases[] = {
	TU_CASE(parse_valid),
	TU_CASE(parse_null_end),
	TU_CASE(parse_invalid),
};

TU_MAIN("parse", cases)
