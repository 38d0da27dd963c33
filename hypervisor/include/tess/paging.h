/*
 * Two things per domain (DESIGN D3, docs/shadow-paging.md):
 *  - the p2m, guest-physical -> machine, a table in pt.c's long-mode format
 *    (core/p2m.c). With nested paging the CPU walks it; with shadow paging
 *    only the hypervisor does, to fill the shadows.
 *  - the paging mode, behind struct paging_ops: what the vendor code loads
 *    for the guest, and the guest-side operations. Common code calls the
 *    table and never asks which mode is in use. Nested paging (npt.c) is the
 *    only mode so far; shadow paging will be the second.
 */
#ifndef TESS_PAGING_H
#define TESS_PAGING_H

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
/* 0 with *spa and *perms, or -1 if gpa is not mapped. */
int p2m_lookup(struct p2m *p, u64 gpa, u64 *spa, unsigned int *perms);
u64 p2m_root(const struct p2m *p);
void p2m_destroy(struct p2m *p); /* free every table */

struct domain;
struct vcpu;
struct vcpu_paging;

struct paging_ops {
	const char *name;
	/* The nested root the vendor loads (nested CR3), 0 for none. */
	u64 (*slat_root)(struct domain *d);
	/* Guest-virtual -> guest-physical as the guest's own tables say, for
	 * the accesses in access (GPT_ACC_*); the gpt_walk status. */
	enum gpt_status (*translate)(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				     unsigned int access, struct gpt_result *res);
};

extern const struct paging_ops npt_paging_ops;

/* The guest's tables read through its p2m (core/guest_translate.c): rights
 * checked for access, no accessed/dirty bit set. Shared by the modes. */
enum gpt_status guest_translate(struct vcpu *v, const struct vcpu_paging *p, u64 gva,
				unsigned int access, struct gpt_result *res);

#endif
