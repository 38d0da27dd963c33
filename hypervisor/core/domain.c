/* Domain and vCPU objects. */
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/percpu.h>

struct domain *dom0;

int domain_read_gpa(struct domain *d, u64 gpa, void *buf, u64 len)
{
	u8 *out = buf;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & 0xfff));
		u64 spa;
		unsigned int perms;

		/* RAM only: reading MMIO on a guest's behalf could have side effects. */
		if (!range_set_contains(&d->ram, gpa) ||
		    d->p2m.ops->lookup(&d->p2m, gpa, &spa, &perms))
			return -1;
		memcpy(out, phys_to_virt(spa), chunk);
		out += chunk, gpa += chunk, len -= chunk;
	}
	return 0;
}

struct vcpu *domain_create_vcpu(struct domain *d, unsigned int id, struct percpu *c)
{
	u64 pa;
	struct vcpu *v;

	if (id >= DOMAIN_MAX_VCPUS)
		return NULL;
	pa = mm_alloc_page();
	if (!pa)
		return NULL;
	v = phys_to_virt(pa);
	v->dom = d;
	v->id = id;
	v->pcpu = c;
	v->state = VCPU_RUNNING;
	if (hvm->vcpu_init(v, d->p2m.ops->root(&d->p2m))) {
		mm_free_pages(pa, 1);
		return NULL;
	}
	d->vcpus[id] = v;
	return v;
}

/* State after INIT + SIPI (Intel SDM vol. 3 table 9-1; AMD APM vol. 2 14.1.3). */
void vcpu_set_real_mode(struct vcpu *v, u8 vector)
{
	struct vcpu_boot_state s = {
		.cs = { .sel = (u16)(vector << 8), .attr = 0x9b, .limit = 0xffff,
			.base = (u64)vector << 12 },
		.ds = { .attr = 0x93, .limit = 0xffff },
		.tr = { .attr = 0x8b, .limit = 0xffff },
		.ldtr = { .attr = 0x82, .limit = 0xffff },
		.gdt_limit = 0xffff,
		.idt_limit = 0xffff,
		.cr0 = CR0_ET | CR0_NW | CR0_CD,
		.rflags = 2,
		.rip = 0,
	};

	s.es = s.ss = s.fs = s.gs = s.ds;
	memset(&v->regs, 0, sizeof(v->regs));
	hvm->vcpu_load_state(v, &s);
}
