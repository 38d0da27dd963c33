/* Hypercalls that report on the machine: version, physinfo, log. */
#include <tess/cpu.h>
#include <tess/domain.h>
#include <tess/paging.h>
#include <tess/hvm.h>
#include <tess/hypercall.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/percpu.h>
#include <tess/spinlock.h>

s64 hc_version(struct vcpu *v, const u64 *a)
{
	(void)v, (void)a;
	return TESS_INTERFACE_VERSION;
}

s64 hc_physinfo(struct vcpu *v, const u64 *a)
{
	struct tess_physinfo pi;

	memset(&pi, 0, sizeof(pi));
	pi.nr_cpus = nr_cpus;
	pi.paging_modes = paging_modes_offered();
	pi.total_pages = range_set_total(&host_ram) >> PAGE_SHIFT;
	pi.free_pages = frames.nfree;
	pi.dom0_pages = range_set_total(&dom0->ram) >> PAGE_SHIFT;
	pi.page_size = PAGE_SIZE;
	spin_lock(&domains_lock);
	pi.nr_domains = domain_count();
	spin_unlock(&domains_lock);
	memcpy(pi.vendor, hvm->name, MIN(strlen(hvm->name), sizeof(pi.vendor) - 1));
	return hc_copy_to(v, a[0], &pi, sizeof(pi));
}

/* a0 = buffer, a1 = size, a2 = flags: the newest a1 bytes of the log. */
s64 hc_log_read(struct vcpu *v, const u64 *a)
{
	static char buf[LOG_RING_SIZE];
	static spinlock_t lock;
	u64 n;
	int rc;

	if (a[1] > TESS_BUF_MAX)
		return -TESS_E2BIG;
	if (a[2] & ~(u64)TESS_LOG_CLEAR)
		return -TESS_EINVAL;
	if (!hc_buffer_ok(v, a[0], a[1]))
		return -TESS_EFAULT;
	spin_lock(&lock);
	n = log_ring_read(buf, a[1]);
	rc = hc_copy_to(v, a[0], buf, n);
	if (!rc && (a[2] & TESS_LOG_CLEAR))
		log_ring_clear();
	spin_unlock(&lock);
	return rc ? rc : (s64)n;
}
