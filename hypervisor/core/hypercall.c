/*
 * Hypercall dispatch: one table, deny by default, each entry flagged for
 * the callers it serves (DESIGN D9; compare ACRN's dispatch flags). Calls
 * from guest user mode (CPL > 0) are refused before anything else.
 */
#include <tess/domain.h>
#include <tess/hypercall.h>

#define HC_DOM0 (1u << 0)   /* the control domain */
#define HC_CHILD (1u << 1)  /* any child domain */
#define HC_ANY (HC_DOM0 | HC_CHILD)

struct hypercall_entry {
	hypercall_fn fn;
	unsigned int callers;
};

static const struct hypercall_entry hypercall_table[TESS_HC_COUNT] = {
	[TESS_HC_VERSION] = { hc_version, HC_ANY },
	[TESS_HC_PHYSINFO] = { hc_physinfo, HC_DOM0 },
	[TESS_HC_LOG_READ] = { hc_log_read, HC_DOM0 },
	[TESS_HC_DOMAIN_CREATE] = { hc_domain_create, HC_DOM0 },
	[TESS_HC_DOMAIN_DESTROY] = { hc_domain_destroy, HC_DOM0 },
	[TESS_HC_DOMAIN_PAUSE] = { hc_domain_pause, HC_DOM0 },
	[TESS_HC_DOMAIN_UNPAUSE] = { hc_domain_unpause, HC_DOM0 },
	[TESS_HC_DOMAIN_INFO] = { hc_domain_info, HC_DOM0 },
	[TESS_HC_DOMAIN_LIST] = { hc_domain_list, HC_DOM0 },
	[TESS_HC_MEMORY_COPY_IN] = { hc_memory_copy_in, HC_DOM0 },
	[TESS_HC_VCPU_SET_STATE] = { hc_vcpu_set_state, HC_DOM0 },
	[TESS_HC_VCPU_RUN] = { hc_vcpu_run, HC_DOM0 },
	[TESS_HC_CONSOLE_WRITE] = { hc_console_write, HC_ANY },
	[TESS_HC_CONSOLE_READ] = { hc_console_read, HC_ANY },
	[TESS_HC_DOMAIN_STATS] = { hc_domain_stats, HC_DOM0 },
	[TESS_HC_SHUTDOWN] = { hc_shutdown, HC_CHILD },
	[TESS_HC_DOMAIN_POWER_BUTTON] = { hc_domain_power_button, HC_DOM0 },
	[TESS_HC_DOMAIN_PAGING_STATS] = { hc_domain_paging_stats, HC_DOM0 },
};

s64 hypercall_dispatch(struct vcpu *v, u64 nr, const u64 *args, u8 cpl)
{
	const struct hypercall_entry *e;
	unsigned int caller = v->dom == dom0 ? HC_DOM0 : HC_CHILD;

	if (nr >= TESS_HC_COUNT || !hypercall_table[nr].fn)
		return -TESS_ENOSYS;
	if (cpl != 0)
		return -TESS_EPERM; /* only the guest kernel may call */
	e = &hypercall_table[nr];
	if (!(e->callers & caller))
		return -TESS_EPERM;
	return e->fn(v, args);
}

bool hc_buffer_ok(struct vcpu *v, u64 gpa, u64 len)
{
	if (len > TESS_BUF_MAX || gpa + len < gpa)
		return false;
	for (u64 p = gpa & PAGE_MASK; p < gpa + len; p += PAGE_SIZE)
		if (!range_set_contains(&v->dom->ram, p))
			return false;
	return true;
}

int hc_copy_from(struct vcpu *v, u64 gpa, void *buf, u64 len)
{
	if (!hc_buffer_ok(v, gpa, len) || domain_read_gpa(v->dom, gpa, buf, len))
		return -TESS_EFAULT;
	return 0;
}

int hc_copy_to(struct vcpu *v, u64 gpa, const void *buf, u64 len)
{
	if (!hc_buffer_ok(v, gpa, len) || domain_write_gpa(v->dom, gpa, buf, len))
		return -TESS_EFAULT;
	return 0;
}
