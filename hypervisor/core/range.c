/* Sorted, merged sets of address ranges (see tess/range.h). */
#include <tess/range.h>

void range_set_init(struct range_set *s)
{
	s->count = 0;
}

static void range_set_delete_at(struct range_set *s, unsigned int i)
{
	for (; i + 1 < s->count; i++)
		s->r[i] = s->r[i + 1];
	s->count--;
}

static int range_set_insert_at(struct range_set *s, unsigned int i,
			       u64 start, u64 end)
{
	if (s->count == RANGE_SET_MAX)
		return -1;
	for (unsigned int j = s->count; j > i; j--)
		s->r[j] = s->r[j - 1];
	s->r[i].start = start;
	s->r[i].end = end;
	s->count++;
	return 0;
}

int range_set_add(struct range_set *s, u64 start, u64 end)
{
	unsigned int i = 0;

	if (start >= end)
		return 0;
	while (i < s->count && s->r[i].end < start)
		i++;
	/* Touching an existing range: grow it in place, even when the set is full. */
	if (i < s->count && s->r[i].start <= end) {
		s->r[i].start = MIN(s->r[i].start, start);
		s->r[i].end = MAX(s->r[i].end, end);
	} else if (range_set_insert_at(s, i, start, end)) {
		return -1;
	}
	/* Merge the new range with every following range it touches. */
	while (i + 1 < s->count && s->r[i + 1].start <= s->r[i].end) {
		s->r[i].start = MIN(s->r[i].start, s->r[i + 1].start);
		s->r[i].end = MAX(s->r[i].end, s->r[i + 1].end);
		range_set_delete_at(s, i + 1);
	}
	return 0;
}

int range_set_remove(struct range_set *s, u64 start, u64 end)
{
	if (start >= end)
		return 0;
	for (unsigned int i = 0; i < s->count; i++) {
		struct range *r = &s->r[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			/* Split: keep [r->start, start) and [end, r->end). */
			u64 tail = r->end;

			if (s->count == RANGE_SET_MAX)
				return -1; /* leave the set as it was */
			r->end = start;
			return range_set_insert_at(s, i + 1, end, tail);
		}
		if (r->start < start) {
			r->end = start;
		} else if (r->end > end) {
			r->start = end;
		} else {
			range_set_delete_at(s, i);
			i--;
		}
	}
	return 0;
}

bool range_set_contains(const struct range_set *s, u64 addr)
{
	for (unsigned int i = 0; i < s->count; i++)
		if (addr >= s->r[i].start && addr < s->r[i].end)
			return true;
	return false;
}

bool range_set_overlaps(const struct range_set *s, u64 start, u64 end)
{
	if (start >= end)
		return false;
	for (unsigned int i = 0; i < s->count; i++)
		if (s->r[i].start < end && start < s->r[i].end)
			return true;
	return false;
}

u64 range_set_total(const struct range_set *s)
{
	u64 total = 0;

	for (unsigned int i = 0; i < s->count; i++)
		total += s->r[i].end - s->r[i].start;
	return total;
}
