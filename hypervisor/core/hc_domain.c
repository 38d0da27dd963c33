/* Domain management hypercalls (dom0 only; the table checks the caller). */
#include <tess/child_io.h>
#include <tess/child_ipi.h>
#include <tess/domain.h>
#include <tess/hypercall.h>
#include <tess/lib.h>
#include <tess/log.h>

/* A child domain by id, or NULL; dom0 is not a valid target here. */
static struct domain *child_find(u64 domid)
{
	if (domid == 0 || domid >= DOMAIN_MAX)
		return NULL;
	return domain_find((unsigned int)domid);
}

s64 hc_domain_create(struct vcpu *v, const u64 *a)
{
	struct tess_domain_create req;
	unsigned int domid = 0;
	int rc;

	if (hc_copy_from(v, a[0], &req, sizeof(req)))
		return -TESS_EFAULT;
	spin_lock(&domains_lock);
	rc = domain_create_child(&req, &domid);
	spin_unlock(&domains_lock);
	if (rc)
		return rc;
	req.domid = domid;
	if (hc_copy_to(v, a[0], &req, sizeof(req)))
		return -TESS_EFAULT; /* the domain exists; its id is the return value */
	return domid;
}

s64 hc_domain_destroy(struct vcpu *v, const u64 *a)
{
	struct domain *d;
	int rc;

	(void)v;
	if (a[0] == 0)
		return -TESS_EINVAL;
	spin_lock(&domains_lock);
	d = child_find(a[0]);
	rc = d ? domain_destroy_child(d) : -TESS_ENOENT;
	spin_unlock(&domains_lock);
	return rc;
}

static s64 domain_set_paused(u64 domid, bool pause)
{
	struct domain *d;
	s64 rc = 0;

	spin_lock(&domains_lock);
	d = child_find(domid);
	if (!d)
		rc = -TESS_ENOENT;
	else if (pause && (d->state == TESS_DOMSTATE_RUNNING || d->state == TESS_DOMSTATE_CREATED)) {
		d->state = TESS_DOMSTATE_PAUSED;
		child_kick_running(d); /* running vCPUs stop now, not at their next exit */
	}
	else if (!pause && d->state == TESS_DOMSTATE_PAUSED)
		d->state = TESS_DOMSTATE_RUNNING;
	else
		rc = -TESS_EBUSY; /* already in that state, or stopped */
	spin_unlock(&domains_lock);
	return rc;
}

s64 hc_domain_pause(struct vcpu *v, const u64 *a)
{
	(void)v;
	return domain_set_paused(a[0], true);
}

s64 hc_domain_unpause(struct vcpu *v, const u64 *a)
{
	(void)v;
	return domain_set_paused(a[0], false);
}

/*
 * a0 = domid: press the child's ACPI power button, as `virsh shutdown`
 * does: the guest is asked, not forced, and decides itself whether and
 * how to power off. Dom0 (0 or TESS_DOMID_SELF) has no such button: its
 * ACPI is the machine's own. A running or paused child takes the press
 * (a paused one sees it when unpaused); one that never ran, or has
 * stopped, cannot act on it.
 */
s64 hc_domain_power_button(struct vcpu *v, const u64 *a)
{
	struct domain *d;
	s64 rc = 0;

	(void)v;
	if (a[0] == 0 || a[0] == TESS_DOMID_SELF)
		return -TESS_EINVAL;
	spin_lock(&domains_lock);
	d = child_find(a[0]);
	if (!d)
		rc = -TESS_ENOENT;
	else if (d->state != TESS_DOMSTATE_RUNNING && d->state != TESS_DOMSTATE_PAUSED)
		rc = -TESS_EBUSY;
	else {
		child_power_button(d);
		log_info("domain: dom%u '%s': power button pressed\n", d->id, d->name);
	}
	spin_unlock(&domains_lock);
	return rc;
}

s64 hc_domain_info(struct vcpu *v, const u64 *a)
{
	struct tess_domain_info info;
	struct domain *d;

	memset(&info, 0, sizeof(info));
	spin_lock(&domains_lock);
	d = a[0] < DOMAIN_MAX ? domain_find((unsigned int)a[0]) : NULL;
	if (d) {
		info.domid = d->id;
		info.state = d->state;
		info.shutdown_reason = d->shutdown_reason;
		info.max_vcpus = d->max_vcpus;
		info.paging = d->paging_mode;
		info.memory_bytes = d->passthrough ? range_set_total(&d->ram) : d->memory_bytes;
		memcpy(info.uuid, d->uuid, sizeof(info.uuid));
		memcpy(info.name, d->name, sizeof(info.name));
	}
	spin_unlock(&domains_lock);
	if (!d)
		return -TESS_ENOENT;
	return hc_copy_to(v, a[1], &info, sizeof(info));
}

s64 hc_domain_list(struct vcpu *v, const u64 *a)
{
	u32 ids[DOMAIN_MAX];
	unsigned int n;

	if (a[1] > TESS_BUF_MAX / sizeof(u32))
		return -TESS_E2BIG;
	spin_lock(&domains_lock);
	n = domain_list(ids, (unsigned int)MIN(a[1], (u64)DOMAIN_MAX));
	spin_unlock(&domains_lock);
	if (hc_copy_to(v, a[0], ids, n * sizeof(u32)))
		return -TESS_EFAULT;
	return n;
}

static unsigned int stat_index(enum exit_reason r)
{
	switch (r) {
	case EXIT_CPUID: return TESS_STAT_CPUID;
	case EXIT_MSR_READ: case EXIT_MSR_WRITE: return TESS_STAT_MSR;
	case EXIT_HYPERCALL: return TESS_STAT_HYPERCALL;
	case EXIT_NPF: return TESS_STAT_NPF;
	case EXIT_HLT: return TESS_STAT_HLT;
	case EXIT_INTR: return TESS_STAT_INTR;
	case EXIT_IO: return TESS_STAT_IO;
	default: return TESS_STAT_OTHER;
	}
}

static void stats_add_exits(struct vcpu *t, void *out)
{
	struct tess_exit_stats *st = out;

	for (unsigned int r = 1; r < EXIT_REASON_MAX; r++)
		st->count[stat_index(r)] += t->exits[r];
}

static void stats_add_paging(struct vcpu *t, void *out)
{
	t->dom->paging->stats(t, out);
}

/*
 * The counters of domain a[0] (dom0 included), summed over its vCPUs by add
 * under domains_lock, copied to a[1].
 */
static s64 hc_domain_sum(struct vcpu *v, const u64 *a, void (*add)(struct vcpu *, void *),
			 void *out, u64 size)
{
	struct domain *d;

	memset(out, 0, size);
	spin_lock(&domains_lock);
	d = a[0] < DOMAIN_MAX ? domain_find((unsigned int)a[0]) : NULL;
	for (unsigned int i = 0; d && i < DOMAIN_MAX_VCPUS; i++)
		if (d->vcpus[i])
			add(d->vcpus[i], out);
	spin_unlock(&domains_lock);
	return d ? hc_copy_to(v, a[1], out, size) : -TESS_ENOENT;
}

s64 hc_domain_stats(struct vcpu *v, const u64 *a)
{
	struct tess_exit_stats st;

	return hc_domain_sum(v, a, stats_add_exits, &st, sizeof(st));
}

/* a0 = domid (dom0 included), a1 = where struct tess_shadow_stats goes. */
s64 hc_domain_paging_stats(struct vcpu *v, const u64 *a)
{
	struct tess_shadow_stats st;

	return hc_domain_sum(v, a, stats_add_paging, &st, sizeof(st));
}

/* a0 = domid, a1 = destination GPA in it, a2 = source GPA in dom0, a3 = length. */
s64 hc_memory_copy_in(struct vcpu *v, const u64 *a)
{
	u8 piece[512];
	struct domain *d;
	s64 rc = 0;

	if (a[3] > TESS_BUF_MAX)
		return -TESS_E2BIG;
	if (!hc_buffer_ok(v, a[2], a[3]))
		return -TESS_EFAULT;
	spin_lock(&domains_lock);
	d = child_find(a[0]);
	if (!d)
		rc = -TESS_ENOENT;
	else if (a[1] + a[3] < a[1] || a[1] + a[3] > d->memory_bytes)
		rc = -TESS_EFAULT;
	for (u64 done = 0; !rc && done < a[3]; done += sizeof(piece)) {
		u64 n = MIN((u64)sizeof(piece), a[3] - done);

		if (hc_copy_from(v, a[2] + done, piece, n) ||
		    domain_write_gpa(d, a[1] + done, piece, n))
			rc = -TESS_EFAULT;
	}
	spin_unlock(&domains_lock);
	return rc ? rc : (s64)a[3];
}
