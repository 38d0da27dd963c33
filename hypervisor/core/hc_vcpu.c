/*
 * vCPU hypercalls: set a child vCPU's start state, and RUN it from a dom0
 * thread (DESIGN D5: the hypervisor has no scheduler; a child vCPU runs
 * only inside this call, on the CPU that made it).
 */
#include <tess/child.h>
#include <tess/domain.h>
#include <tess/fpu.h>
#include <tess/hvm.h>
#include <tess/log.h>
#include <tess/hypercall.h>
#include <tess/lib.h>
#include <tess/x86.h>

#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
/* CF PF AF ZF SF TF IF DF OF AC ID, and the always-one bit 1 */
#define RFLAGS_ALLOWED 0x240fd7ull

static struct vcpu *child_vcpu(u64 domid, u64 vcpu)
{
	struct domain *d;

	if (domid == 0 || domid >= DOMAIN_MAX)
		return NULL;
	d = domain_find((unsigned int)domid);
	if (!d || vcpu >= d->max_vcpus)
		return NULL;
	return d->vcpus[vcpu];
}

static void vcpu_state_long64(struct vcpu_boot_state *s, u64 cr3)
{
	s->cs = (struct seg){ .sel = 0x08, .attr = 0xa9b, .limit = 0xffffffff };
	s->ds = (struct seg){ .sel = 0x10, .attr = 0xc93, .limit = 0xffffffff };
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = cr3;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->efer = EFER_LME | EFER_LMA | EFER_NXE;
}

static void vcpu_state_prot32(struct vcpu_boot_state *s)
{
	s->cs = (struct seg){ .sel = 0x08, .attr = 0xc9b, .limit = 0xffffffff };
	s->ds = (struct seg){ .sel = 0x10, .attr = 0xc93, .limit = 0xffffffff };
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
}

static int vcpu_state_check(const struct tess_vcpu_state *r, const struct domain *d)
{
	if (r->mode != TESS_VCPU_MODE_LONG64 && r->mode != TESS_VCPU_MODE_PROT32)
		return -TESS_EINVAL;
	if (r->rflags & ~RFLAGS_ALLOWED)
		return -TESS_EINVAL;
	/* The top-level table must be in its RAM (memory_bytes >= 2 MiB). */
	if (r->mode == TESS_VCPU_MODE_LONG64 &&
	    ((r->cr3 & 0xfff) || r->cr3 > d->memory_bytes - PAGE_SIZE))
		return -TESS_EINVAL;
	if (r->mode == TESS_VCPU_MODE_PROT32 && ((r->rip | r->rsp) >> 32))
		return -TESS_EINVAL; /* 32-bit code has 32-bit addresses */
	return 0;
}

s64 hc_vcpu_set_state(struct vcpu *v, const u64 *a)
{
	struct tess_vcpu_state r;
	struct vcpu_boot_state s;
	const char *why;
	struct vcpu *t;
	s64 rc;

	if (hc_copy_from(v, a[0], &r, sizeof(r)))
		return -TESS_EFAULT;
	spin_lock(&domains_lock);
	t = child_vcpu(r.domid, r.vcpu);
	rc = !t ? -TESS_ENOENT : t->running ? -TESS_EBUSY : vcpu_state_check(&r, t->dom);
	if (!rc) {
		memset(&s, 0, sizeof(s));
		if (r.mode == TESS_VCPU_MODE_LONG64)
			vcpu_state_long64(&s, r.cr3);
		else
			vcpu_state_prot32(&s);
		s.es = s.ss = s.ds;
		s.tr = (struct seg){ .attr = 0x8b, .limit = 0x67 };
		s.ldtr = (struct seg){ .attr = 0x82 };
		s.rflags = r.rflags | 2;
		s.rip = r.rip;
		memset(&t->regs, 0, sizeof(t->regs));
		t->regs.gpr[GPR_RSP] = r.rsp;
		t->regs.gpr[GPR_RDI] = r.rdi;
		t->regs.gpr[GPR_RSI] = r.rsi;
		fpu_init_state(&t->fpu);
		vlapic_reset(&t->lapic, t->id);
		t->hlt = false;
		t->init_pending = t->sipi_pending = t->nmi_pending = 0;
		t->state = VCPU_RUNNING;
		t->initialised = vcpu_load_state(t, &s, &why) == 0;
		if (!t->initialised) {
			log_warn("domain: dom%u vCPU%u: %s\n", t->dom->id, t->id, why);
			rc = -TESS_ENOMEM;
		}
	}
	spin_unlock(&domains_lock);
	return rc;
}

/*
 * a0 = domid, a1 = vcpu, a2 = where the exit goes (struct tess_run_exit),
 * a3 = the TSC deadline dom0 has a timer armed for (0: none). A vCPU with no
 * state may run only while it waits for a SIPI (an AP not started yet).
 */
s64 hc_vcpu_run(struct vcpu *v, const u64 *a)
{
	struct tess_run_exit out;
	struct vcpu *t;
	s64 rc = 0;

	if (!hc_buffer_ok(v, a[2], sizeof(out)))
		return -TESS_EFAULT;
	spin_lock(&domains_lock);
	t = child_vcpu(a[0], a[1]);
	if (!t)
		rc = -TESS_ENOENT;
	else if (!t->initialised && t->state != VCPU_WAIT_FOR_SIPI)
		rc = -TESS_EINVAL;
	else if (__atomic_exchange_n(&t->running, 1, __ATOMIC_ACQUIRE))
		rc = -TESS_EBUSY; /* another dom0 thread runs it */
	spin_unlock(&domains_lock);
	if (rc)
		return rc;
	child_run(v, t, a[3], &out);
	__atomic_store_n(&t->running, 0, __ATOMIC_RELEASE);
	return hc_copy_to(v, a[2], &out, sizeof(out));
}
