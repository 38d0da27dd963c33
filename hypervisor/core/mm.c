/* Machine memory: frame allocator set-up and hypervisor page tables. */
#include <tess/cpu.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/pt.h>
#include <tess/spinlock.h>
#include <tess/x86.h>

#define LIMIT_4G_PFN (GB(4) >> PAGE_SHIFT)

struct frame_alloc frames;
struct range_set host_ram;
static struct range_set boot_busy; /* in use before the allocator exists */
static u64 hv_cr3;
static spinlock_t mm_lock;

/* Highest page-aligned run of len bytes in RAM below 4 GiB that is not busy. */
static u64 mm_find_bitmap_home(u64 len)
{
	static struct range_set free;

	free = host_ram;
	for (unsigned int i = 0; i < boot_busy.count; i++)
		range_set_remove(&free, boot_busy.r[i].start, boot_busy.r[i].end);
	for (int i = (int)free.count - 1; i >= 0; i--) {
		u64 end = MIN(free.r[i].end, GB(4));

		if (end > free.r[i].start && end - free.r[i].start >= len)
			return end - len;
	}
	return 0;
}

void mm_init(const struct boot_info *bi)
{
	u64 top, nframes, bm_bytes, bm_pa;

	e820_ram_pages(&bi->mmap, &host_ram);
	if (!host_ram.count)
		panic("mm: no RAM in the memory map\n");
	top = host_ram.r[host_ram.count - 1].end;
	nframes = top >> PAGE_SHIFT;
	range_set_init(&boot_busy);
	range_set_add(&boot_busy, 0, MB(1)); /* real-mode memory: dom0's later */
	range_set_add(&boot_busy, (u64)_image_start, ALIGN_UP((u64)_image_end, PAGE_SIZE));
	range_set_add(&boot_busy, ALIGN_DOWN(bi->mbi_start, PAGE_SIZE),
		      ALIGN_UP(bi->mbi_end, PAGE_SIZE));
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		range_set_add(&boot_busy, ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
			      ALIGN_UP(bi->modules[i].end, PAGE_SIZE));
	bm_bytes = ALIGN_UP(frame_bitmap_bytes(nframes), PAGE_SIZE);
	bm_pa = mm_find_bitmap_home(bm_bytes);
	if (!bm_pa)
		panic("mm: no room for the frame bitmap (%lu bytes)\n", bm_bytes);
	frame_init(&frames, phys_to_virt(bm_pa), nframes);
	for (unsigned int i = 0; i < host_ram.count; i++)
		frame_release(&frames, host_ram.r[i].start >> PAGE_SHIFT,
			      (host_ram.r[i].end - host_ram.r[i].start) >> PAGE_SHIFT);
	for (unsigned int i = 0; i < boot_busy.count; i++)
		frame_reserve(&frames, boot_busy.r[i].start >> PAGE_SHIFT,
			      (boot_busy.r[i].end - boot_busy.r[i].start) >> PAGE_SHIFT);
	frame_reserve(&frames, bm_pa >> PAGE_SHIFT, bm_bytes >> PAGE_SHIFT);
	log_info("mm: %lu MiB of RAM in %u ranges, top 0x%lx; image 0x%lx-0x%lx; "
		 "%lu MiB free\n", range_set_total(&host_ram) >> 20, host_ram.count, top,
		 (u64)_image_start, (u64)_image_end, (frames.nfree << PAGE_SHIFT) >> 20);
}

u64 mm_alloc_pages(u64 count, u64 align_pages)
{
	u64 pfn;

	spin_lock(&mm_lock);
	pfn = frame_alloc_top(&frames, count, align_pages, LIMIT_4G_PFN);
	spin_unlock(&mm_lock);
	if (pfn == FRAME_NONE)
		return 0;
	memset(phys_to_virt(pfn << PAGE_SHIFT), 0, count << PAGE_SHIFT);
	return pfn << PAGE_SHIFT;
}

u64 mm_alloc_page(void)
{
	return mm_alloc_pages(1, 1);
}

void mm_free_pages(u64 pa, u64 count)
{
	spin_lock(&mm_lock);
	frame_free(&frames, pa >> PAGE_SHIFT, count);
	spin_unlock(&mm_lock);
}

static void *mm_pt_to_virt(u64 pa, void *opaque)
{
	(void)opaque;
	return phys_to_virt(pa);
}

static u64 mm_pt_alloc(void *opaque)
{
	(void)opaque;
	return mm_alloc_page();
}

void mm_build_hv_tables(void)
{
	u64 top = MAX(GB(4), ALIGN_UP(host_ram.r[host_ram.count - 1].end, GB(1)));
	struct pt_ctx c = {
		.table_flags = PTE_P | PTE_W,
		.allow_1g = boot_cpu.page_1g,
		.to_virt = mm_pt_to_virt,
		.alloc_table = mm_pt_alloc,
	};

	c.root = mm_alloc_page();
	if (!c.root || pt_map(&c, 0, 0, top, PTE_P | PTE_W))
		panic("mm: out of memory for the hypervisor page tables\n");
	hv_cr3 = c.root;
	write_cr3(hv_cr3);
	log_info("mm: hypervisor page tables map 0-0x%lx identity\n", top);
}

u64 mm_hv_cr3(void)
{
	return hv_cr3;
}

void mm_relocate_modules(struct boot_info *bi)
{
	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		struct boot_module *m = &bi->modules[i];
		u64 len = m->end - m->start;
		u64 pages = ALIGN_UP(len, PAGE_SIZE) >> PAGE_SHIFT;
		u64 dst = mm_alloc_pages(pages ? pages : 1, 1);

		if (!dst)
			panic("mm: no memory to move module %u (%lu bytes)\n", i, len);
		memcpy(phys_to_virt(dst), phys_to_virt(m->start), len);
		frame_free(&frames, m->start >> PAGE_SHIFT, pages);
		m->start = dst;
		m->end = dst + len;
	}
	frame_free(&frames, bi->mbi_start >> PAGE_SHIFT,
		   (ALIGN_UP(bi->mbi_end, PAGE_SIZE) - ALIGN_DOWN(bi->mbi_start, PAGE_SIZE)) >>
			   PAGE_SHIFT);
}

void mm_release_boot_data(struct boot_info *bi)
{
	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		struct boot_module *m = &bi->modules[i];
		u64 pages = ALIGN_UP(m->end - m->start, PAGE_SIZE) >> PAGE_SHIFT;

		mm_free_pages(m->start, pages ? pages : 1);
		m->start = m->end = 0;
	}
}
