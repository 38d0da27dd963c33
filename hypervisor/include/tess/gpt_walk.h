/*
 * Guest page-table walker: translate a guest-virtual address through the
 * guest's own page tables the way the CPU would, with its faults and its
 * accessed/dirty updates (AMD APM vol. 2, chapter 5 "Page Translation and
 * Protection"; Intel SDM vol. 3A, 4.3-4.8). Pure: guest memory is reached
 * only through struct gpt_mem, so the same code serves the instruction
 * fetcher, shadow paging (docs/shadow-paging.md) and the host unit tests.
 *
 * Modes: paging off (identity), 32-bit (2 levels, 4 MiB pages with
 * CR4.PSE), PAE (3 levels) and long mode (4 levels, 1 GiB/2 MiB/4 KiB).
 * Not modelled: 5-level paging (LA57: GPT_UNSUPPORTED), SMEP/SMAP,
 * protection keys, and PSE-36 address bits above 4 GiB in 32-bit mode.
 */
#ifndef TESS_GPT_WALK_H
#define TESS_GPT_WALK_H

#include <tess/types.h>

/* Guest-physical memory as the walker sees it; sizes are 4 or 8 bytes. */
struct gpt_mem {
	void *ctx;
	/* 0 with *val, or -1 when gpa is not guest RAM. */
	int (*read)(void *ctx, u64 gpa, unsigned int size, u64 *val);
	/* Replace old by new at gpa atomically: 0 done, 1 the entry changed
	 * meanwhile (the walk starts again), -1 not guest RAM. */
	int (*cmpxchg)(void *ctx, u64 gpa, unsigned int size, u64 old, u64 new);
};

/* The guest's paging state. */
struct gpt_regs {
	u64 cr0, cr3, cr4, efer;
	unsigned int maxphyaddr;   /* physical address width the guest sees (CPUID 0x80000008) */
};

/* What is being done (combinable). */
#define GPT_ACC_WRITE 1u
#define GPT_ACC_USER  2u           /* CPL 3 */
#define GPT_ACC_FETCH 4u

/* Effective rights of a translation (every level combined). */
#define GPT_PERM_W  1u
#define GPT_PERM_U  2u
#define GPT_PERM_NX 4u

/* #PF error code bits (AMD APM vol. 2, 8.4.2). */
#define GPT_PFEC_P    (1u << 0)    /* protection violation (else: not present) */
#define GPT_PFEC_W    (1u << 1)
#define GPT_PFEC_U    (1u << 2)
#define GPT_PFEC_RSV  (1u << 3)
#define GPT_PFEC_ID   (1u << 4)

enum gpt_status {
	GPT_OK = 0,
	GPT_PF,                    /* #PF: res->pf_ec holds the error code, CR2 = gva */
	GPT_GP,                    /* non-canonical address: #GP(0), not #PF */
	GPT_BAD_GPA,               /* a table (or an A/D update) is outside guest RAM */
	GPT_RETRY,                 /* tables kept changing under the walk: run again */
	GPT_UNSUPPORTED,           /* a paging mode the walker does not model */
};

#define GPT_MAX_LEVELS 4

struct gpt_result {
	u64 gpa;                   /* the translation of gva */
	u64 page_size;             /* of the guest's leaf (4 KiB when paging is off) */
	unsigned int perms;        /* GPT_PERM_* */
	u32 pf_ec;                 /* when GPT_PF */
	int levels;                /* entries read, root level first */
	u64 entry_gpa[GPT_MAX_LEVELS];
	u64 entry[GPT_MAX_LEVELS]; /* as read (before A/D were set) */
};

/*
 * Translate gva for the access kinds in access. With set_ad, a successful
 * walk sets the accessed bit of every entry used and, for a write, the
 * dirty bit of the leaf, as the CPU would; a failing walk changes nothing.
 */
enum gpt_status gpt_walk(const struct gpt_mem *m, const struct gpt_regs *r, u64 gva,
			 unsigned int access, bool set_ad, struct gpt_result *res);

#endif
