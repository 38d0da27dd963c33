/* SPDX-License-Identifier: MIT */
/*
 * names.c: "did you mean" for a misspelt element, attribute or value.
 *
 * The distance is the optimal string alignment distance (insertions,
 * deletions, substitutions, swaps of two neighbours each cost 1), with
 * ASCII case ignored: "vcpus", "Memory", "memroy" and "units" are each one
 * edit from what was meant.  The candidates come from the schema
 * (model.c), never from a list kept here.
 */
#include <string.h>

#include "internal.h"

#define MAX_LEN 64              /* longer names are no typo of ours */

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned dx_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned rows[3][MAX_LEN + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;

	if (la > MAX_LEN || lb > MAX_LEN)
		return ~0u;
	for (j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			unsigned cost = lower(a[i - 1]) != lower(b[j - 1]);

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* Near enough to be a slip of the keyboard: about one edit in three letters. */
static bool near(unsigned d, const char *s, const char *cand)
{
	size_t l = strlen(s) > strlen(cand) ? strlen(s) : strlen(cand);

	return d != ~0u && (size_t)d * 3 <= l + 1;
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && lower(a[n]) == lower(b[n]))
		n++;
	return n;
}

/* Ties go to the longer common start: 'of' is more likely 'off' than 'on'. */
const char *dx_suggest(const char *s, const char *const *cands, size_t n)
{
	const char *best = NULL;
	unsigned best_d = ~0u, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = dx_distance(s, cands[i]);
		if (!near(d, s, cands[i]))
			continue;
		if (d < best_d ||
		    (d == best_d && common_prefix(s, cands[i]) > common_prefix(s, best))) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}
