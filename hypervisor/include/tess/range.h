/*
 * Sorted sets of physical address ranges [start, end). Used to describe
 * who owns which memory (dom0 RAM, protected memory) and to build e820
 * tables and nested page tables from them.
 */
#ifndef TESS_RANGE_H
#define TESS_RANGE_H

#include <tess/types.h>

#define RANGE_SET_MAX 128

struct range {
	u64 start;
	u64 end; /* exclusive */
};

struct range_set {
	unsigned int count;
	struct range r[RANGE_SET_MAX];
};

void range_set_init(struct range_set *s);
/* Add [start, end); merges overlapping and adjacent ranges. -1 when full. */
int range_set_add(struct range_set *s, u64 start, u64 end);
/* Remove [start, end) from the set, splitting ranges. -1 when full. */
int range_set_remove(struct range_set *s, u64 start, u64 end);
bool range_set_contains(const struct range_set *s, u64 addr);
/* True if [start, end) intersects any range of the set. */
bool range_set_overlaps(const struct range_set *s, u64 start, u64 end);
u64 range_set_total(const struct range_set *s);

#endif
