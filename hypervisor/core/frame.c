/* Bitmap frame allocator (see tess/frame.h). */
#include <tess/frame.h>
#include <tess/lib.h>

static bool bit_get(const u64 *bm, u64 i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

static void bit_set(u64 *bm, u64 i, bool v)
{
	if (v)
		bm[i / 64] |= 1ull << (i % 64);
	else
		bm[i / 64] &= ~(1ull << (i % 64));
}

u64 frame_bitmap_bytes(u64 nframes)
{
	return ALIGN_UP(nframes, 64) / 8;
}

void frame_init(struct frame_alloc *fa, u64 *bitmap, u64 nframes)
{
	fa->bitmap = bitmap;
	fa->nframes = nframes;
	fa->nfree = 0;
	memset(bitmap, 0, frame_bitmap_bytes(nframes));
}

bool frame_is_free(const struct frame_alloc *fa, u64 pfn)
{
	return pfn < fa->nframes && bit_get(fa->bitmap, pfn);
}

static void frame_mark(struct frame_alloc *fa, u64 pfn, u64 count, bool free)
{
	for (u64 i = pfn; i < pfn + count && i < fa->nframes; i++) {
		if (bit_get(fa->bitmap, i) == free)
			continue;
		bit_set(fa->bitmap, i, free);
		fa->nfree += free ? 1 : -1;
	}
}

void frame_release(struct frame_alloc *fa, u64 pfn, u64 count)
{
	frame_mark(fa, pfn, count, true);
}

void frame_reserve(struct frame_alloc *fa, u64 pfn, u64 count)
{
	frame_mark(fa, pfn, count, false);
}

void frame_free(struct frame_alloc *fa, u64 pfn, u64 count)
{
	frame_mark(fa, pfn, count, true);
}

static bool frame_run_free(const struct frame_alloc *fa, u64 pfn, u64 count)
{
	for (u64 i = 0; i < count; i++)
		if (!bit_get(fa->bitmap, pfn + i))
			return false;
	return true;
}

u64 frame_alloc_top(struct frame_alloc *fa, u64 count, u64 align, u64 limit_pfn)
{
	u64 limit = MIN(limit_pfn, fa->nframes);

	if (!count || !align || count > limit)
		return FRAME_NONE;
	for (u64 pfn = ALIGN_DOWN(limit - count, align);; pfn -= align) {
		if (frame_run_free(fa, pfn, count)) {
			frame_reserve(fa, pfn, count);
			return pfn;
		}
		if (pfn < align)
			return FRAME_NONE;
	}
}

u64 frame_alloc_bottom(struct frame_alloc *fa, u64 count, u64 align, u64 min_pfn)
{
	if (!count || !align || count > fa->nframes || min_pfn > fa->nframes)
		return FRAME_NONE;
	for (u64 pfn = ALIGN_UP(min_pfn, align); pfn <= fa->nframes - count; pfn += align) {
		if (frame_run_free(fa, pfn, count)) {
			frame_reserve(fa, pfn, count);
			return pfn;
		}
	}
	return FRAME_NONE;
}
