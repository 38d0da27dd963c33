/*
 * Two things per domain (DESIGN D3, docs/shadow-paging.md):
 *  - the p2m, guest-physical -> machine, a table in pt.c's long-mode format
 *    (core/p2m.c). With nested paging the CPU walks it; with shadow paging
 *    only the hypervisor does, to fill the shadows.
 *  - the paging mode, behind struct paging_ops: what the vendor code loads
 *    for the guest, and the guest-side operations. Common code calls the
 *    table and never asks which mode is in use: nested paging (npt.c) or
 *    shadow paging (shadow.c).
 */
#ifndef TESS_PAGING_H
#define TESS_PAGING_H

#include <public/hypercall.h>
#include <tess/gpt_walk.h>
#include <tess/pt.h>
#include <tess/types.h>

#define P2M_R (1u << 0)
#define P2M_W (1u << 1)
#define P2M_X (1u << 2)
#define P2M_RWX (P2M_R | P2M_W | P2M_X)

struct p2m {
	struct pt_ctx pt;
};

/* core/p2m.c. Each returns 0, or -1 (no memory for tables / not mapped). */
int p2m_init(struct p2m *p);
int p2m_map(struct p2m *p, u64 gpa, u64 spa, u64 size, unsigned int perms);
int p2m_unmap(struct p2m *p, u64 gpa, u64 size);
/* 0 with *spa, *perms and the size of the p2m page holding gpa (page_size
 * may be NULL), or -1 if gpa is not mapped. */
int p2m_lookup(struct p2m *p, u64 gpa, u64 *spa, unsigned int *perms, u64 *page_size);
u64 p2m_root(const struct p2m *p);
void p2m_destroy(struct p2m *p); /* free every table */

struct domain;
struct vcpu;
struct vcpu_paging;
struct vcpu_boot_state;
struct vm_exit;

/* What a paging event came to. */
enum paging_result {
	PAGING_DONE,     /* handled (the guest may have been given an exception) */
	PAGING_GP,       /* the write is refused: the guest gets #GP(0), the instruction not done */
	PAGING_P2M_MISS, /* the access is outside the p2m: *npf describes it (MMIO, bad GPA) */
	PAGING_FAIL,     /* cannot go on: *why says what; the domain stops */
};

struct paging_ops {
	const char *name;
	/* The nested root the vendor loads (nested CR3); 0: none, the CPU walks
	 * tables this mode builds, and the guest's paging events below exit. */
	u64 (*slat_root)(struct domain *d);
	/* Guest-virtual -> guest-physical as the guest's own tables say, for
	 * the accesses in access (GPT_ACC_*); the gpt_walk status. */
	enum gpt_status (*translate)(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				     unsigned int access, struct gpt_result *res);
	/* A vCPU gets a register state (boot, SIPI, SET_STATE): 0, or -1 if
	 * this mode cannot run it (*why). */
	int (*load_state)(struct vcpu *v, const struct vcpu_boot_state *s, const char **why);
	int (*vcpu_init)(struct vcpu *v);  /* 0, or -1 without memory */
	void (*vcpu_free)(struct vcpu *v);
	/* Replace the hardware's paging registers in p with the guest's view. */
	void (*guest_view)(struct vcpu *v, struct vcpu_paging *p);
	/* The guest writes EFER (already checked: no SVME). */
	enum paging_result (*efer_write)(struct vcpu *v, u64 efer, const char **why);
	/* Intercepted events (only when slat_root is 0). */
	enum paging_result (*cr_write)(struct vcpu *v, unsigned int cr, u64 val, const char **why);
	u64 (*cr_read)(struct vcpu *v, unsigned int cr);
	void (*invlpg)(struct vcpu *v, u64 gva, bool all);
	enum paging_result (*page_fault)(struct vcpu *v, u64 gva, u32 error_code,
					 struct vm_exit *npf, const char **why);
	/* Per-domain counters (ABI struct tess_shadow_stats), summed by the caller. */
	void (*stats)(struct vcpu *v, struct tess_shadow_stats *sum);
};

extern const struct paging_ops npt_paging_ops;
extern const struct paging_ops shadow_paging_ops;

/* The choice of mode (core/paging_mode.c). */
void paging_mode_init(bool option_shadow);
u32 paging_modes_offered(void);   /* TESS_PHYS_* */
/* The mode a domain asking for requested (TESS_PAGING_*) gets; *mode says which. */
const struct paging_ops *paging_mode_for(u32 requested, u32 *mode);

/* The guest's tables read through its p2m (core/guest_translate.c): rights
 * checked for access, no accessed/dirty bit set. Shared by the modes. */
enum gpt_status guest_translate(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				unsigned int access, struct gpt_result *res);

/* The same walk as the CPU makes for a TLB fill: A/D bits set (shadow.c). */
enum gpt_status guest_walk_fill(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				unsigned int access, struct gpt_result *res);

#endif
