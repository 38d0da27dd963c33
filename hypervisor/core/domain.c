/* The domain table, guest memory access, and vCPU objects. */
#include <tess/domain.h>
#include <tess/fpu.h>
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>
#include <tess/percpu.h>

struct domain *dom0;
spinlock_t domains_lock;
static struct domain *domains[DOMAIN_MAX];

void domain_register_dom0(struct domain *d)
{
	d->id = 0;
	d->passthrough = true;
	d->state = TESS_DOMSTATE_RUNNING;
	domains[0] = d;
	dom0 = d;
}

struct domain *domain_find(unsigned int domid)
{
	return domid < DOMAIN_MAX ? domains[domid] : NULL;
}

unsigned int domain_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < DOMAIN_MAX; i++)
		n += domains[i] != NULL;
	return n;
}

unsigned int domain_list(u32 *ids, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < DOMAIN_MAX && n < max; i++)
		if (domains[i])
			ids[n++] = i;
	return n;
}

/* Free slot for a new domain; 0 when the table is full (slot 0 is dom0's). */
unsigned int domain_alloc_slot(struct domain *d)
{
	for (unsigned int i = 1; i < DOMAIN_MAX; i++) {
		if (!domains[i]) {
			domains[i] = d;
			d->id = i;
			return i;
		}
	}
	return 0;
}

void domain_free_slot(struct domain *d)
{
	if (d->id && d->id < DOMAIN_MAX && domains[d->id] == d)
		domains[d->id] = NULL;
}

/* Machine address of gpa in d's RAM: 0 with *spa, or -1 if it is not d's RAM. */
int domain_gpa_to_spa(struct domain *d, u64 gpa, u64 *spa)
{
	unsigned int perms;

	/* RAM only: reading MMIO on a guest's behalf could have side effects. */
	if (!range_set_contains(&d->ram, gpa))
		return -1;
	return p2m_lookup(&d->p2m, gpa, spa, &perms, NULL);
}

int domain_read_gpa(struct domain *d, u64 gpa, void *buf, u64 len)
{
	u8 *out = buf;
	u64 spa;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & 0xfff));

		if (domain_gpa_to_spa(d, gpa, &spa))
			return -1;
		memcpy(out, phys_to_virt(spa), chunk);
		out += chunk, gpa += chunk, len -= chunk;
	}
	return 0;
}

int domain_write_gpa(struct domain *d, u64 gpa, const void *buf, u64 len)
{
	const u8 *in = buf;
	u64 spa;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & 0xfff));

		if (domain_gpa_to_spa(d, gpa, &spa))
			return -1;
		memcpy(phys_to_virt(spa), in, chunk);
		in += chunk, gpa += chunk, len -= chunk;
	}
	return 0;
}

struct vcpu *domain_create_vcpu(struct domain *d, unsigned int id, struct percpu *c)
{
	struct vcpu_config cfg = { .passthrough = d->passthrough };
	u64 pages = ALIGN_UP(sizeof(struct vcpu), PAGE_SIZE) >> PAGE_SHIFT;
	u64 pa;
	struct vcpu *v;

	if (id >= DOMAIN_MAX_VCPUS)
		return NULL;
	pa = mm_alloc_pages(pages, 1);
	if (!pa)
		return NULL;
	v = phys_to_virt(pa);
	v->dom = d;
	v->id = id;
	v->pcpu = c;
	v->state = VCPU_RUNNING;
	fpu_init_state(&v->fpu);
	vlapic_reset(&v->lapic, id);
	cfg.slat_root = d->paging->slat_root(d);
	if (d->paging->vcpu_init(v)) {
		mm_free_pages(pa, pages);
		return NULL;
	}
	if (hvm->vcpu_init(v, &cfg)) {
		d->paging->vcpu_free(v);
		mm_free_pages(pa, pages);
		return NULL;
	}
	d->vcpus[id] = v;
	return v;
}

void domain_free_vcpu(struct vcpu *v)
{
	u64 pages = ALIGN_UP(sizeof(struct vcpu), PAGE_SIZE) >> PAGE_SHIFT;

	v->dom->vcpus[v->id] = NULL;
	v->dom->paging->vcpu_free(v);
	hvm->vcpu_free(v);
	mm_free_pages(virt_to_phys(v), pages);
}

void vcpu_get_paging(struct vcpu *v, struct vcpu_paging *p)
{
	hvm->get_paging(v, p);
	v->dom->paging->guest_view(v, p);
}

int vcpu_load_state(struct vcpu *v, const struct vcpu_boot_state *s, const char **why)
{
	hvm->vcpu_load_state(v, s);
	return v->dom->paging->load_state(v, s, why);
}

/* State after INIT + SIPI (Intel SDM vol. 3 table 9-1; AMD APM vol. 2 14.1.3). */
int vcpu_set_real_mode(struct vcpu *v, u8 vector, const char **why)
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
	return vcpu_load_state(v, &s, why);
}
