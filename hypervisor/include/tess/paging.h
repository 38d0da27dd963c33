/*
 * Per-domain physical-to-machine map (p2m) behind a paging-mode ops table.
 * Nested paging (NPT today) is the only mode so far; shadow paging will be
 * a second implementation of the same table.
 */
#ifndef TESS_PAGING_H
#define TESS_PAGING_H

#include <tess/pt.h>
#include <tess/types.h>

#define P2M_R (1u << 0)
#define P2M_W (1u << 1)
#define P2M_X (1u << 2)
#define P2M_RWX (P2M_R | P2M_W | P2M_X)

struct p2m {
	struct pt_ctx pt;
	const struct paging_ops *ops;
};

struct paging_ops {
	const char *name;
	int (*init)(struct p2m *p);
	int (*map)(struct p2m *p, u64 gpa, u64 spa, u64 size, unsigned int perms);
	int (*unmap)(struct p2m *p, u64 gpa, u64 size);
	/* 0 with *spa and *perms, or -1 if gpa is not mapped. */
	int (*lookup)(struct p2m *p, u64 gpa, u64 *spa, unsigned int *perms);
	u64 (*root)(struct p2m *p); /* what the vendor loads (nested CR3) */
	void (*destroy)(struct p2m *p); /* free every table */
};

extern const struct paging_ops npt_paging_ops;

#endif
