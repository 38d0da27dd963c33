/*
 * The frame allocator owns every whole page of RAM in the machine. Frames
 * start out used; boot code releases the RAM ranges of the memory map and
 * then reserves what is already taken (the image, GRUB's modules). A set
 * bit means the frame is free.
 */
#ifndef TESS_FRAME_H
#define TESS_FRAME_H

#include <tess/types.h>

struct frame_alloc {
	u64 *bitmap;
	u64 nframes;
	u64 nfree;
};

#define FRAME_NONE ((u64)-1)

/* bitmap must hold nframes bits (frame_bitmap_bytes()). */
void frame_init(struct frame_alloc *fa, u64 *bitmap, u64 nframes);
u64 frame_bitmap_bytes(u64 nframes);
void frame_release(struct frame_alloc *fa, u64 pfn, u64 count);
void frame_reserve(struct frame_alloc *fa, u64 pfn, u64 count);
bool frame_is_free(const struct frame_alloc *fa, u64 pfn);
/*
 * Allocate count contiguous frames aligned to align frames, the highest
 * (top) or lowest (bottom) such run below limit_pfn / at or above min_pfn.
 * Returns the first pfn or FRAME_NONE.
 */
u64 frame_alloc_top(struct frame_alloc *fa, u64 count, u64 align, u64 limit_pfn);
u64 frame_alloc_bottom(struct frame_alloc *fa, u64 count, u64 align, u64 min_pfn);
void frame_free(struct frame_alloc *fa, u64 pfn, u64 count);

#endif
