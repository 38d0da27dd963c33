/*
 * Creating and destroying child domains. Memory comes from the pool in
 * 2 MiB chunks, zeroed, and is mapped at guest-physical 0 with 2 MiB nested
 * entries (fewer TLB misses, DESIGN D3). Destroy gives back every frame:
 * chunks, page tables, VMCBs, vCPUs and the domain itself.
 */
#include <tess/cpu.h>
#include <tess/child_ipi.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/mm.h>

#define CHUNK_PAGES (CHUNK_SIZE >> PAGE_SHIFT)

unsigned int domain_alloc_slot(struct domain *d);
void domain_free_slot(struct domain *d);
void domain_free_vcpu(struct vcpu *v);

static u64 domain_struct_pages(void)
{
	return ALIGN_UP(sizeof(struct domain), PAGE_SIZE) >> PAGE_SHIFT;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* A name is 1-63 characters of [A-Za-z0-9_.-] and NUL-terminated in its field. */
static bool domain_name_valid(const char *name)
{
	unsigned int n = 0;

	while (n < TESS_NAME_MAX && name[n]) {
		if (!name_char_ok(name[n]))
			return false;
		n++;
	}
	return n > 0 && n < TESS_NAME_MAX;
}

static int domain_check_unique(const struct tess_domain_create *req)
{
	for (unsigned int id = 0; id < DOMAIN_MAX; id++) {
		struct domain *o = domain_find(id);

		if (!o)
			continue;
		if (!strcmp(o->name, req->name) || !memcmp(o->uuid, req->uuid, 16))
			return -TESS_EEXIST;
	}
	return 0;
}

static int domain_check_request(const struct tess_domain_create *req)
{
	static const u8 zero_uuid[16];

	if (!domain_name_valid(req->name) || !memcmp(req->uuid, zero_uuid, 16))
		return -TESS_EINVAL;
	if (!req->memory_bytes || req->memory_bytes % CHUNK_SIZE)
		return -TESS_EINVAL;
	if (!req->max_vcpus || req->max_vcpus > DOMAIN_MAX_VCPUS)
		return -TESS_ERANGE;
	if (req->paging != TESS_PAGING_HAP && req->paging != TESS_PAGING_SHADOW)
		return -TESS_EINVAL;
	return domain_check_unique(req);
}

static void domain_free_memory(struct domain *d)
{
	for (u64 i = 0; i < d->nr_chunks; i++)
		if (d->chunks[i])
			mm_free_pages(d->chunks[i], CHUNK_PAGES);
	if (d->chunks)
		mm_free_pages(virt_to_phys(d->chunks), d->chunks_pages);
	d->chunks = NULL;
	d->nr_chunks = 0;
}

/* Take the chunks from the pool and map them at GPA 0 upwards. */
static int domain_alloc_memory(struct domain *d, u64 bytes)
{
	u64 n = bytes / CHUNK_SIZE;

	if (n > (frames.nfree / CHUNK_PAGES))
		return -TESS_ENOMEM;
	d->chunks_pages = ALIGN_UP(n * sizeof(u64), PAGE_SIZE) >> PAGE_SHIFT;
	d->chunks = phys_to_virt(mm_alloc_pages(d->chunks_pages, 1));
	if (!d->chunks)
		return -TESS_ENOMEM;
	for (u64 i = 0; i < n; i++) {
		u64 pa = mm_alloc_pages(CHUNK_PAGES, CHUNK_PAGES); /* zeroed */

		if (!pa)
			return -TESS_ENOMEM;
		d->chunks[i] = pa;
		d->nr_chunks = i + 1;
		if (p2m_map(&d->p2m, i * CHUNK_SIZE, pa, CHUNK_SIZE, P2M_RWX))
			return -TESS_ENOMEM;
	}
	d->memory_bytes = bytes;
	range_set_add(&d->ram, 0, bytes);
	return 0;
}

static void domain_teardown(struct domain *d)
{
	for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
		if (d->vcpus[i])
			domain_free_vcpu(d->vcpus[i]);
	domain_free_memory(d);
	p2m_destroy(&d->p2m);
	mm_free_pages(virt_to_phys(d), domain_struct_pages());
}

static int domain_build(struct domain *d, const struct tess_domain_create *req)
{
	int rc;

	memcpy(d->name, req->name, TESS_NAME_MAX);
	memcpy(d->uuid, req->uuid, 16);
	d->state = TESS_DOMSTATE_CREATED;
	uart_init(&d->uart);
	pic_reset(&d->pic);
	rtc_cmos_reset(&d->rtc);
	acpi_pm1_reset(&d->pm1);
	d->max_vcpus = req->max_vcpus;
	d->paging = paging_mode_for(req->paging, &d->paging_mode);
	if (p2m_init(&d->p2m))
		return -TESS_ENOMEM;
	rc = domain_alloc_memory(d, req->memory_bytes);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = domain_create_vcpu(d, i, NULL);

		if (!v)
			return -TESS_ENOMEM;
		if (i > 0) {
			/* APs wait for their SIPI, as after power-on (SDM vol. 3 8.4.1) */
			v->state = VCPU_WAIT_FOR_SIPI;
			v->halted = true;
		}
	}
	return 0;
}

int domain_create_child(const struct tess_domain_create *req, unsigned int *domid)
{
	u64 pa;
	struct domain *d;
	int rc = domain_check_request(req);

	if (rc)
		return rc;
	pa = mm_alloc_pages(domain_struct_pages(), 1);
	if (!pa)
		return -TESS_ENOMEM;
	d = phys_to_virt(pa);
	if (!domain_alloc_slot(d)) {
		mm_free_pages(pa, domain_struct_pages());
		return -TESS_ENOSPC;
	}
	rc = domain_build(d, req);
	if (rc) {
		log_warn("domain: cannot create '%s' with %lu MiB: %s (pool has %lu MiB free)\n",
			 req->name, req->memory_bytes >> 20,
			 rc == -TESS_ENOMEM ? "out of memory" : "error",
			 (frames.nfree << PAGE_SHIFT) >> 20);
		domain_free_slot(d);
		domain_teardown(d);
		return rc;
	}
	*domid = d->id;
	log_info("domain: created dom%u '%s': %lu MiB, %u vCPUs, %s\n", d->id, d->name,
		 d->memory_bytes >> 20, d->max_vcpus, d->paging->name);
	return 0;
}

int domain_destroy_child(struct domain *d)
{
	for (unsigned int i = 0; i < DOMAIN_MAX_VCPUS; i++)
		if (d->vcpus[i] && d->vcpus[i]->running)
			return -TESS_EBUSY; /* its runner must return from RUN first */
	log_info("domain: destroyed dom%u '%s'\n", d->id, d->name);
	domain_free_slot(d);
	domain_teardown(d);
	return 0;
}

void domain_stop(struct domain *d, u32 state, u32 reason)
{
	if (d->state == TESS_DOMSTATE_SHUTDOWN || d->state == TESS_DOMSTATE_CRASHED)
		return;
	d->state = state;
	d->shutdown_reason = reason;
	child_kick_running(d); /* its other vCPUs stop at once */
	log_info("domain: dom%u '%s' %s (reason %u)\n", d->id, d->name,
		 state == TESS_DOMSTATE_CRASHED ? "crashed" : "shut down", reason);
}
