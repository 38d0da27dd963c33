/* SPDX-License-Identifier: MIT */
/*
 * units.c: libvirt's scaled integers, <memory unit='MiB'>256</memory>.
 *
 * The rules are libvirt's, so a definition means the same to both: no unit
 * is KiB; b, byte, bytes are bytes; a letter of K M G T P E alone or with
 * "iB" is a power of 1024, with "B" a power of 1000; letters in any case.
 * The number is plain decimal digits, which is all libvirt's schema allows
 * (no sign, no spaces).  Every step is checked for overflow: a definition
 * asking for 2^64 bytes must fail, not wrap to a small size.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

const char dx_unit_names[] =
	"b, bytes, KB, KiB, MB, MiB, GB, GiB, TB, TiB, PB, PiB, EB, EiB (KiB when none)";

enum dx_num dx_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	unsigned d;

	if (!s || !*s)
		return DX_NUM_BAD;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return DX_NUM_BAD;
		d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return DX_NUM_OVERFLOW;
		x = x * 10 + d;
	}
	*v = x;
	return DX_NUM_OK;
}

static bool power(uint64_t base, unsigned exp, uint64_t *out)
{
	uint64_t x = 1;

	while (exp--) {
		if (x > UINT64_MAX / base)
			return false;
		x *= base;
	}
	*out = x;
	return true;
}

enum dx_num dx_unit_scale(const char *unit, uint64_t *scale)
{
	const char *p;

	if (!unit) {
		*scale = 1024;
		return DX_NUM_OK;
	}
	if (!strcasecmp(unit, "b") || !strcasecmp(unit, "byte") || !strcasecmp(unit, "bytes")) {
		*scale = 1;
		return DX_NUM_OK;
	}
	p = unit[0] ? strchr("kmgtpe", unit[0] | 0x20) : NULL;
	if (!p)
		return DX_NUM_BAD_UNIT;
	if (!unit[1] || !strcasecmp(unit + 1, "iB"))
		return power(1024, (unsigned)(p - "kmgtpe") + 1, scale) ? DX_NUM_OK
									  : DX_NUM_OVERFLOW;
	if (!strcasecmp(unit + 1, "B"))
		return power(1000, (unsigned)(p - "kmgtpe") + 1, scale) ? DX_NUM_OK
									  : DX_NUM_OVERFLOW;
	return DX_NUM_BAD_UNIT;
}

enum dx_num dx_scaled(const char *num, const char *unit, uint64_t *bytes)
{
	uint64_t v, scale;
	enum dx_num rc = dx_unit_scale(unit, &scale);

	if (rc != DX_NUM_OK)
		return rc;
	rc = dx_parse_u64(num, &v);
	if (rc != DX_NUM_OK)
		return rc;
	if (v && scale > UINT64_MAX / v)
		return DX_NUM_OVERFLOW;
	*bytes = v * scale;
	return DX_NUM_OK;
}
