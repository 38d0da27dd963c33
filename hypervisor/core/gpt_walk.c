/*
 * Guest page-table walker (see tess/gpt_walk.h). One loop serves the three
 * paging formats, described by tables of levels:
 *   long mode   AMD APM vol. 2, 5.3 (4 levels of 512 8-byte entries;
 *               PDPTE.PS = 1 GiB, PDE.PS = 2 MiB)
 *   PAE         APM vol. 2, 5.2 (a 4-entry PDPT, then 512-entry PD and PT)
 *   32-bit      APM vol. 2, 5.2 (1024 4-byte entries; PDE.PS = 4 MiB with
 *               CR4.PSE)
 * Protection follows APM vol. 2, 5.6 (U/S and R/W of every level, CR0.WP,
 * NX with EFER.NXE), reserved bits 5.3.1/5.2 ("MBZ" fields), the error
 * code 8.4.2, and accessed/dirty bits 5.4.2: the walker sets them only for
 * a translation that succeeds (what the CPU may do on a faulting walk is
 * not architecturally fixed; setting none keeps the guest's tables
 * untouched by a fault the guest will see).
 */
#include <tess/gpt_walk.h>
#include <tess/pt.h>
#include <tess/x86.h>

#define GPT_TRIES 8

struct gpt_level {
	unsigned int shift;        /* of the address bits this level indexes */
	unsigned int index_bits;
	bool large_ok;             /* PS = 1 makes this entry a leaf */
	u64 large_rsvd;            /* bits that must be 0 in such a leaf */
};

struct gpt_format {
	int levels;
	unsigned int esize;        /* entry size in bytes */
	bool pae_root;             /* the first level is PAE's PDPT (no R/W, U/S, A) */
	bool nx;                   /* entries have an NX bit (bit 63) */
	const struct gpt_level *lv;
};

static const struct gpt_level long_levels[] = {
	{ 39, 9, false, 0 },
	{ 30, 9, true, 0x3fffe000ull },    /* 1 GiB: bits 29:13 MBZ */
	{ 21, 9, true, 0x1fe000ull },      /* 2 MiB: bits 20:13 MBZ */
	{ 12, 9, false, 0 },
};
static const struct gpt_level pae_levels[] = {
	{ 30, 2, false, 0 },
	{ 21, 9, true, 0x1fe000ull },
	{ 12, 9, false, 0 },
};
/* 4 MiB leaves: PSE-36 address bits 20:13 are not modelled (held as MBZ). */
static const struct gpt_level legacy_levels[] = {
	{ 22, 10, true, 0x3fe000ull },
	{ 12, 10, false, 0 },
};

static const struct gpt_format fmt_long = { 4, 8, false, true, long_levels };
static const struct gpt_format fmt_pae = { 3, 8, true, true, pae_levels };
static const struct gpt_format fmt_legacy = { 2, 4, false, false, legacy_levels };

/* Address bits of an entry: 12..MAXPHYADDR-1 (12..31 for 4-byte entries). */
static u64 gpt_addr_mask(const struct gpt_format *f, const struct gpt_regs *r)
{
	if (f->esize == 4)
		return 0xfffff000ull;
	return ((1ull << r->maxphyaddr) - 1) & PTE_ADDR;
}

/* Must-be-zero bits of entry e at level i (APM vol. 2, 5.3.1 and 5.2). */
static bool gpt_reserved(const struct gpt_format *f, const struct gpt_regs *r, int i, u64 e)
{
	const struct gpt_level *l = &f->lv[i];
	u64 rsvd = 0;

	if (f->esize == 8) {
		/* Above MAXPHYADDR: up to bit 51 in long mode (62:52 are free for
		 * software there), up to bit 62 in PAE. */
		u64 top = f == &fmt_long ? (1ull << 52) : (1ull << 63);

		rsvd |= (top - 1) & ~((1ull << r->maxphyaddr) - 1);
		if (!(r->efer & EFER_NXE) || (f->pae_root && i == 0))
			rsvd |= PTE_NX;
	}
	if (f->pae_root && i == 0)
		rsvd |= 0x1e6ull;          /* PDPTE bits 2:1 and 8:5 */
	if (f == &fmt_long && i == 0)
		rsvd |= PTE_PS;            /* PML4E.PS */
	if (l->large_ok && (e & PTE_PS) && (f != &fmt_legacy || (r->cr4 & CR4_PSE)))
		rsvd |= l->large_rsvd;
	return (e & rsvd) != 0;
}

static bool gpt_is_leaf(const struct gpt_format *f, const struct gpt_regs *r, int i, u64 e)
{
	if (i == f->levels - 1)
		return true;
	if (!f->lv[i].large_ok || !(e & PTE_PS))
		return false;
	return f != &fmt_legacy || (r->cr4 & CR4_PSE);
}

static enum gpt_status gpt_fault(struct gpt_result *res, const struct gpt_regs *r,
				 unsigned int access, u32 bits)
{
	res->pf_ec = bits;
	if (access & GPT_ACC_WRITE)
		res->pf_ec |= GPT_PFEC_W;
	if (access & GPT_ACC_USER)
		res->pf_ec |= GPT_PFEC_U;
	/* I/D reports fetches when no-execute is on (APM vol. 2, 8.4.2). */
	if ((access & GPT_ACC_FETCH) && (r->efer & EFER_NXE))
		res->pf_ec |= GPT_PFEC_ID;
	return GPT_PF;
}

/* Rights of the whole walk against the access (APM vol. 2, 5.6). */
static bool gpt_allowed(const struct gpt_regs *r, unsigned int perms, unsigned int access)
{
	if ((access & GPT_ACC_USER) && !(perms & GPT_PERM_U))
		return false;
	if ((access & GPT_ACC_WRITE) && !(perms & GPT_PERM_W) &&
	    ((access & GPT_ACC_USER) || (r->cr0 & CR0_WP)))
		return false;
	return !((access & GPT_ACC_FETCH) && (perms & GPT_PERM_NX));
}

/* Set A on every entry used, D on the leaf for a write. */
static enum gpt_status gpt_set_ad(const struct gpt_mem *m, const struct gpt_format *f,
				  const struct gpt_result *res, unsigned int access)
{
	for (int i = 0; i < res->levels; i++) {
		u64 e = res->entry[i], want = e | PTE_A;
		int rc;

		if (f->pae_root && i == 0)
			continue;          /* PDPTEs have no accessed bit in PAE mode */
		if (i == res->levels - 1 && (access & GPT_ACC_WRITE))
			want |= PTE_D;
		if (want == e)
			continue;
		rc = m->cmpxchg(m->ctx, res->entry_gpa[i], f->esize, e, want);
		if (rc)
			return rc > 0 ? GPT_RETRY : GPT_BAD_GPA;
	}
	return GPT_OK;
}

/* The leaf's translation: its frame plus the offset bits below its level. */
static void gpt_leaf(const struct gpt_format *f, const struct gpt_regs *r, int i, u64 e,
		     u64 gva, struct gpt_result *res)
{
	u64 size = 1ull << f->lv[i].shift;

	res->page_size = size;
	res->gpa = (e & gpt_addr_mask(f, r) & ~(size - 1)) | (gva & (size - 1));
}

static u64 gpt_root(const struct gpt_format *f, const struct gpt_regs *r)
{
	if (f->pae_root)
		return r->cr3 & 0xffffffe0ull;
	return r->cr3 & gpt_addr_mask(f, r);
}

static enum gpt_status gpt_walk_once(const struct gpt_mem *m, const struct gpt_format *f,
				     const struct gpt_regs *r, u64 gva, unsigned int access,
				     bool set_ad, struct gpt_result *res)
{
	unsigned int perms = GPT_PERM_W | GPT_PERM_U;
	u64 table = gpt_root(f, r);

	for (int i = 0; i < f->levels; i++) {
		const struct gpt_level *l = &f->lv[i];
		u64 e, idx = (gva >> l->shift) & ((1ull << l->index_bits) - 1);

		res->entry_gpa[i] = table + idx * f->esize;
		if (m->read(m->ctx, res->entry_gpa[i], f->esize, &e))
			return GPT_BAD_GPA;
		res->entry[i] = e;
		res->levels = i + 1;
		if (!(e & PTE_P))
			return gpt_fault(res, r, access, 0);
		if (gpt_reserved(f, r, i, e))
			return gpt_fault(res, r, access, GPT_PFEC_P | GPT_PFEC_RSV);
		if (!(f->pae_root && i == 0)) {
			perms &= (e & PTE_W ? GPT_PERM_W : 0) | (e & PTE_U ? GPT_PERM_U : 0);
			if (f->nx && (r->efer & EFER_NXE) && (e & PTE_NX))
				perms |= GPT_PERM_NX;
		}
		if (gpt_is_leaf(f, r, i, e)) {
			gpt_leaf(f, r, i, e, gva, res);
			break;
		}
		table = e & gpt_addr_mask(f, r);
	}
	res->perms = perms;
	if (!gpt_allowed(r, perms, access))
		return gpt_fault(res, r, access, GPT_PFEC_P);
	return set_ad ? gpt_set_ad(m, f, res, access) : GPT_OK;
}

/* Bits 63:48 copy bit 47 (APM vol. 2, 5.3.1: canonical addresses). */
static bool gpt_canonical(u64 gva)
{
	return (u64)((s64)(gva << 16) >> 16) == gva;
}

static void gpt_clear(struct gpt_result *res)
{
	*res = (struct gpt_result){ 0 };
}

enum gpt_status gpt_walk(const struct gpt_mem *m, const struct gpt_regs *r, u64 gva,
			 unsigned int access, bool set_ad, struct gpt_result *res)
{
	const struct gpt_format *f;
	enum gpt_status st = GPT_RETRY;

	gpt_clear(res);
	if (!(r->cr0 & CR0_PG)) {
		/* Real mode and non-paged protected mode: linear is physical. */
		res->gpa = (r->efer & EFER_LMA) ? gva : gva & 0xffffffffull;
		res->page_size = PAGE_SIZE;
		res->perms = GPT_PERM_W | GPT_PERM_U;
		return GPT_OK;
	}
	if (r->efer & EFER_LMA) {
		if (r->cr4 & CR4_LA57)
			return GPT_UNSUPPORTED;
		if (!gpt_canonical(gva))
			return GPT_GP;
		f = &fmt_long;
	} else {
		f = (r->cr4 & CR4_PAE) ? &fmt_pae : &fmt_legacy;
		gva &= 0xffffffffull;
	}
	for (int t = 0; t < GPT_TRIES && st == GPT_RETRY; t++) {
		gpt_clear(res);
		st = gpt_walk_once(m, f, r, gva, access, set_ad, res);
	}
	return st;
}
