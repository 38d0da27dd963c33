/* Domains: dom0 for now; children arrive with the control path. */
#ifndef TESS_DOMAIN_H
#define TESS_DOMAIN_H

#include <tess/e820.h>
#include <tess/paging.h>
#include <tess/range.h>
#include <tess/spinlock.h>
#include <tess/vcpu.h>

struct percpu;

#define DOMAIN_MAX_VCPUS 64

struct domain {
	unsigned int id;
	const char *name;
	struct p2m p2m;
	struct range_set ram;        /* guest-physical RAM; dom0: machine addresses */
	struct e820_map e820;        /* what the guest is told */
	unsigned int max_vcpus;
	unsigned int vcpus_started;
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
	u64 scratch_pa;              /* stands in for memory the domain may not touch */
	u64 protected_faults;
	spinlock_t p2m_lock;
};

extern struct domain *dom0;

/* Read len bytes of the domain's RAM at gpa; -1 if any byte is not its RAM. */
int domain_read_gpa(struct domain *d, u64 gpa, void *buf, u64 len);
/* A vCPU of d that runs on CPU c; NULL when out of memory. */
struct vcpu *domain_create_vcpu(struct domain *d, unsigned int id, struct percpu *c);
/* Put v in real mode at vector:0000, as a SIPI does. */
void vcpu_set_real_mode(struct vcpu *v, u8 vector);

#endif
