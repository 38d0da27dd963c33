/*
 * Shadow paging state of one vCPU (arch/x86/shadow*.c, docs/shadow-paging.md).
 *
 * Each vCPU has its own shadow tree: the tables the CPU really walks, built
 * on demand from the guest's tables and the domain's p2m. The tree caches
 * leaf translations only (intermediate entries allow everything; the
 * combined rights sit in the leaves), so it behaves like the vCPU's TLB and
 * follows the TLB's rules: MOV CR3 drops the non-global translations,
 * INVLPG one page, a CR4.PGE/CR0.PG/CR0.WP/EFER.NXE change everything.
 */
#ifndef TESS_SHADOW_H
#define TESS_SHADOW_H

#include <public/hypercall.h>
#include <tess/paging.h>
#include <tess/types.h>

/*
 * Tables come from a pool each vCPU gets when it is created and keeps until
 * it is destroyed, so a domain's shadow memory is fixed and charged when it
 * is created, and the pool for children does not move while guests run.
 * A tree that would outgrow it is dropped and refilled.
 */
#define SHADOW_POOL_PAGES 512

struct shadow_vcpu {
	u64 cr0, cr3, cr4, efer;  /* the guest's own values, which it reads back */
	u64 root;                 /* the shadow top-level table the CPU uses; 0 before the first load */
	unsigned int levels;      /* 4: long-mode guest; 3: PAE tree for a guest with paging off */
	u64 tables;               /* shadow tables in use, the root included */
	u64 pool_pa;              /* SHADOW_POOL_PAGES contiguous pages; 0 before vcpu_init */
	u32 pool_free;            /* entries in free_pages */
	u16 free_pages[SHADOW_POOL_PAGES]; /* page indices in the pool not in use */
	u64 last_fault_va, last_fault_rip; /* to catch a fault that repeats forever */
	u32 fault_repeats;
	struct tess_shadow_stats stats;
};

#endif

/* ---- The shadow tree (arch/x86/shadow_tree.c) ---- */

/* Available bits of non-leaf shadow entries (ignored by the CPU, APM vol. 2 5.4.1). */
#define SH_SPLIT     (1ull << 9)  /* below: pieces of one larger guest page (INVLPG drops all) */
#define SH_NONGLOBAL (1ull << 10) /* below: translations a MOV CR3 drops */

/* The vCPU's pool: 0, or -1 without memory; freed with the tree. */
int shadow_pool_init(struct shadow_vcpu *sv);
void shadow_pool_free(struct shadow_vcpu *sv);
/* Free any tree and start an empty one of levels (4 or 3); -1 without memory. */
int shadow_tree_reset(struct shadow_vcpu *sv, unsigned int levels);
void shadow_tree_free(struct shadow_vcpu *sv);
/* Drop every translation, or with keep_global what MOV CR3 drops: those
 * without the global bit. Frees tables, allocates none. */
void shadow_tree_drop(struct shadow_vcpu *sv, bool keep_global);
/* What INVLPG va drops: its translation, or every piece of a split guest page. */
void shadow_tree_zap(struct shadow_vcpu *sv, u64 va);
/* Install leaf (a complete entry) for va at level 1 (4 KiB) or 2 (2 MiB);
 * split_level: the level whose entry to mark SH_SPLIT, 0 for none. -1 without memory. */
int shadow_tree_set_leaf(struct shadow_vcpu *sv, u64 va, unsigned int level, u64 leaf,
			 unsigned int split_level);

/* ---- Faults and INVLPG (arch/x86/shadow_fault.c) ---- */
struct vcpu;
struct vm_exit;
enum paging_result shadow_page_fault(struct vcpu *v, u64 gva, u32 error_code,
				     struct vm_exit *npf, const char **why);
void shadow_invlpg(struct vcpu *v, u64 gva, bool all);
