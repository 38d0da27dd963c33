/* Unit tests for hypervisor/core/range.c (sorted merged range sets). */
#include <tess/range.h>

#include "tu.h"

/* The set must be sorted, non-empty ranges, neither overlapping nor touching. */
static void check_invariants(const struct range_set *s, const char *where)
{
	for (unsigned int i = 0; i < s->count; i++) {
		if (s->r[i].start >= s->r[i].end)
			tu_fail(__FILE__, __LINE__, "%s: range %u empty or inverted", where, i);
		if (i && s->r[i - 1].end >= s->r[i].start)
			tu_fail(__FILE__, __LINE__, "%s: ranges %u/%u not sorted+separate",
				where, i - 1, i);
	}
}

static void range_init_empty(void)
{
	struct range_set s;

	memset(&s, 0xa5, sizeof(s));
	range_set_init(&s);
	CHECK_EQ(s.count, 0);
	CHECK_EQ(range_set_total(&s), 0);
	CHECK(!range_set_contains(&s, 0));
	CHECK(!range_set_overlaps(&s, 0, ~0ull));
}

static void range_add_basic(void)
{
	struct range_set s;

	range_set_init(&s);
	CHECK_EQ(range_set_add(&s, 0x3000, 0x4000), 0);
	CHECK_EQ(range_set_add(&s, 0x1000, 0x2000), 0);
	CHECK_EQ(range_set_add(&s, 0x8000, 0x9000), 0);
	CHECK_EQ(s.count, 3);
	CHECK_EQ(s.r[0].start, 0x1000);
	CHECK_EQ(s.r[1].start, 0x3000);
	CHECK_EQ(s.r[2].start, 0x8000);
	CHECK_EQ(range_set_total(&s), 0x3000);
	check_invariants(&s, "add_basic");
}

static void range_add_empty_and_inverted(void)
{
	struct range_set s;

	range_set_init(&s);
	CHECK_EQ(range_set_add(&s, 0x1000, 0x1000), 0);
	CHECK_EQ(range_set_add(&s, 0x2000, 0x1000), 0);
	CHECK_EQ(s.count, 0);
	CHECK_EQ(range_set_total(&s), 0);
}

static void range_add_merges_adjacent(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x1000, 0x2000);
	range_set_add(&s, 0x2000, 0x3000); /* touches on the right */
	range_set_add(&s, 0x0, 0x1000);    /* touches on the left */
	CHECK_EQ(s.count, 1);
	CHECK_EQ(s.r[0].start, 0);
	CHECK_EQ(s.r[0].end, 0x3000);
}

static void range_add_merges_overlaps(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x1000, 0x2000);
	range_set_add(&s, 0x3000, 0x4000);
	range_set_add(&s, 0x5000, 0x6000);
	range_set_add(&s, 0x9000, 0xa000);
	/* Bridges the first three, leaves the last one alone. */
	CHECK_EQ(range_set_add(&s, 0x1800, 0x5800), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(s.r[0].start, 0x1000);
	CHECK_EQ(s.r[0].end, 0x6000);
	CHECK_EQ(s.r[1].start, 0x9000);
	/* Contained range: no change. */
	CHECK_EQ(range_set_add(&s, 0x2000, 0x3000), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(range_set_total(&s), 0x6000);
	/* Covers everything. */
	CHECK_EQ(range_set_add(&s, 0, 0x10000), 0);
	CHECK_EQ(s.count, 1);
	CHECK_EQ(s.r[0].start, 0);
	CHECK_EQ(s.r[0].end, 0x10000);
	check_invariants(&s, "merges_overlaps");
}

static void range_add_extremes(void)
{
	struct range_set s;

	range_set_init(&s);
	CHECK_EQ(range_set_add(&s, ~0ull - 0x1000, ~0ull), 0);
	CHECK_EQ(range_set_add(&s, 0, 1), 0);
	CHECK_EQ(s.count, 2);
	CHECK(range_set_contains(&s, 0));
	CHECK(!range_set_contains(&s, 1));
	CHECK(range_set_contains(&s, ~0ull - 1));
	CHECK(!range_set_contains(&s, ~0ull)); /* end is exclusive */
	CHECK_EQ(range_set_total(&s), 0x1001);
}

static void range_contains_boundaries(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x1000, 0x2000);
	CHECK(!range_set_contains(&s, 0xfff));
	CHECK(range_set_contains(&s, 0x1000));
	CHECK(range_set_contains(&s, 0x1fff));
	CHECK(!range_set_contains(&s, 0x2000));
}

static void range_overlaps_boundaries(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x1000, 0x2000);
	CHECK(!range_set_overlaps(&s, 0, 0x1000));      /* touches only */
	CHECK(!range_set_overlaps(&s, 0x2000, 0x3000)); /* touches only */
	CHECK(range_set_overlaps(&s, 0xfff, 0x1001));
	CHECK(range_set_overlaps(&s, 0x1fff, 0x3000));
	CHECK(range_set_overlaps(&s, 0, 0x10000));      /* covers */
	CHECK(range_set_overlaps(&s, 0x1800, 0x1900));  /* inside */
	CHECK(!range_set_overlaps(&s, 0x3000, 0x4000)); /* disjoint */
}

/* BUG: an empty interval [x, x) inside a range is reported as overlapping. */
static void range_overlaps_empty_query(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x1000, 0x2000);
	CHECK(!range_set_overlaps(&s, 0x1800, 0x1800));
	CHECK(!range_set_overlaps(&s, 0x1900, 0x1800)); /* inverted */
}

static void range_remove_split(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x0, 0x10000);
	CHECK_EQ(range_set_remove(&s, 0x4000, 0x5000), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(s.r[0].start, 0);
	CHECK_EQ(s.r[0].end, 0x4000);
	CHECK_EQ(s.r[1].start, 0x5000);
	CHECK_EQ(s.r[1].end, 0x10000);
	CHECK_EQ(range_set_total(&s), 0xf000);
	CHECK(!range_set_contains(&s, 0x4000));
	CHECK(!range_set_contains(&s, 0x4fff));
	CHECK(range_set_contains(&s, 0x5000));
}

static void range_remove_edges_and_multi(void)
{
	struct range_set s;

	range_set_init(&s);
	range_set_add(&s, 0x1000, 0x3000);
	range_set_add(&s, 0x4000, 0x6000);
	range_set_add(&s, 0x7000, 0x9000);
	range_set_add(&s, 0xa000, 0xc000);
	/* Cuts the tail of #0, removes #1 and #2, the head of #3. */
	CHECK_EQ(range_set_remove(&s, 0x2000, 0xb000), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(s.r[0].start, 0x1000);
	CHECK_EQ(s.r[0].end, 0x2000);
	CHECK_EQ(s.r[1].start, 0xb000);
	CHECK_EQ(s.r[1].end, 0xc000);
	check_invariants(&s, "remove_multi");
	/* Exact range removal and removal of nothing. */
	CHECK_EQ(range_set_remove(&s, 0x1000, 0x2000), 0);
	CHECK_EQ(range_set_remove(&s, 0x20000, 0x30000), 0);
	CHECK_EQ(range_set_remove(&s, 0xb800, 0xb000), 0); /* inverted: no-op */
	CHECK_EQ(s.count, 1);
	CHECK_EQ(s.r[0].start, 0xb000);
	CHECK_EQ(s.r[0].end, 0xc000);
	CHECK_EQ(range_set_remove(&s, 0, ~0ull), 0);
	CHECK_EQ(s.count, 0);
}

static void fill(struct range_set *s)
{
	range_set_init(s);
	for (unsigned int i = 0; i < RANGE_SET_MAX; i++)
		range_set_add(s, (u64)i * 0x10000, (u64)i * 0x10000 + 0x1000);
}

static void range_add_full(void)
{
	struct range_set s;

	fill(&s);
	CHECK_EQ(s.count, RANGE_SET_MAX);
	check_invariants(&s, "full");
	/* A disjoint range does not fit. */
	CHECK_EQ(range_set_add(&s, 0x5000, 0x6000), -1);
	CHECK_EQ(range_set_add(&s, (u64)RANGE_SET_MAX * 0x10000, ~0ull), -1);
	CHECK_EQ(s.count, RANGE_SET_MAX);
	CHECK_EQ(range_set_total(&s), RANGE_SET_MAX * 0x1000ull);
	CHECK(!range_set_contains(&s, 0x5000));
	check_invariants(&s, "full after failed add");
	/* Removing whole ranges frees slots again. */
	CHECK_EQ(range_set_remove(&s, 0x0, 0x1000), 0);
	CHECK_EQ(range_set_add(&s, 0x5000, 0x6000), 0);
	CHECK_EQ(s.count, RANGE_SET_MAX);
	check_invariants(&s, "full refilled");
}

/*
 * A split that does not fit must fail without changing the set (BUG:
 * range_set_remove() truncates the range before finding there is no
 * slot for its tail, so [end, old_end) silently disappears).
 */
static void range_remove_full_split_keeps_set(void)
{
	struct range_set s;

	fill(&s);
	CHECK_EQ(range_set_remove(&s, 0x20400, 0x20800), -1);
	CHECK_EQ(s.count, RANGE_SET_MAX);
	CHECK_EQ(range_set_total(&s), RANGE_SET_MAX * 0x1000ull);
	CHECK(range_set_contains(&s, 0x20800));
	CHECK(range_set_contains(&s, 0x20fff));
}

/* Compare against a bitmap model over a small universe. */
static void range_random_model(void)
{
	enum { N = 512 };
	static bool model[N];
	struct range_set s;
	unsigned int seed = 12345;

	range_set_init(&s);
	memset(model, 0, sizeof(model));
	for (int iter = 0; iter < 4000; iter++) {
		seed = seed * 1103515245 + 12345;
		u64 a = (seed >> 8) % N;
		seed = seed * 1103515245 + 12345;
		u64 b = a + (seed >> 8) % 24;
		bool add = (seed >> 20) & 1;

		if (b > N)
			b = N;
		if (add) {
			if (range_set_add(&s, a, b))
				continue;
		} else if (range_set_remove(&s, a, b)) {
			continue;
		}
		for (u64 i = a; i < b; i++)
			model[i] = add;
		check_invariants(&s, "random");
		u64 total = 0;
		for (u64 i = 0; i < N; i++) {
			total += model[i];
			if (range_set_contains(&s, i) != model[i]) {
				tu_fail(__FILE__, __LINE__, "iter %d: contains(%llu) != model",
					iter, (unsigned long long)i);
				return;
			}
		}
		CHECK_EQ(range_set_total(&s), total);
	}
}

static const struct tu_case cases[] = {
	TU_CASE(range_init_empty),
	TU_CASE(range_add_basic),
	TU_CASE(range_add_empty_and_inverted),
	TU_CASE(range_add_merges_adjacent),
	TU_CASE(range_add_merges_overlaps),
	TU_CASE(range_add_extremes),
	TU_CASE(range_contains_boundaries),
	TU_CASE(range_overlaps_boundaries),
	TU_CASE(range_overlaps_empty_query),
	TU_CASE(range_remove_split),
	TU_CASE(range_remove_edges_and_multi),
	TU_CASE(range_add_full),
	TU_CASE(range_remove_full_split_keeps_set),
	TU_CASE(range_random_model),
};

TU_MAIN("range", cases)
