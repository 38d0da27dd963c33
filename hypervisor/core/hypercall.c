/*
 * Hypercall dispatch: one table, deny by default, each entry flagged for
 * the callers it serves (DESIGN D9). Only the version query exists yet.
 */
#include <public/hypercall.h>
#include <tess/domain.h>
#include <tess/hypercall.h>


#define HC_DOM0 (1u << 0)
#define HC_ANY (1u << 1)

struct hypercall_entry {
	s64 (*fn)(struct vcpu *v);
	unsigned int callers;
};

static s64 hc_version(struct vcpu *v)
{
	(void)v;
	return TESS_INTERFACE_VERSION;
}

static const struct hypercall_entry hypercall_table[] = {
	[TESS_HC_VERSION] = { hc_version, HC_ANY },
};

s64 hypercall_dispatch(struct vcpu *v, u64 nr, u8 cpl)
{
	const struct hypercall_entry *e;

	if (nr >= ARRAY_SIZE(hypercall_table) || !hypercall_table[nr].fn)
		return -TESS_ENOSYS;
	if (cpl != 0)
		return -TESS_EPERM; /* only the guest kernel may call */
	e = &hypercall_table[nr];
	if (!(e->callers & HC_ANY) && !((e->callers & HC_DOM0) && v->dom == dom0))
		return -TESS_EPERM;
	return e->fn(v);
}
