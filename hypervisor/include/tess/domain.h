/* Domains: dom0, and the child domains dom0 creates with hypercalls. */
#ifndef TESS_DOMAIN_H
#define TESS_DOMAIN_H

#include <public/hypercall.h>
#include <tess/acpi_pm1.h>
#include <tess/console.h>
#include <tess/e820.h>
#include <tess/paging.h>
#include <tess/range.h>
#include <tess/spinlock.h>
#include <tess/pic.h>
#include <tess/rtc_cmos.h>
#include <tess/uart.h>
#include <tess/vcpu.h>

struct percpu;

#define DOMAIN_MAX_VCPUS TESS_MAX_VCPUS
#define DOMAIN_MAX TESS_MAX_DOMAINS /* slots, dom0 included */
#define CHUNK_SIZE MB(2)

struct domain {
	unsigned int id;
	char name[TESS_NAME_MAX];
	u8 uuid[16];
	u32 state;                   /* TESS_DOMSTATE_* */
	u32 shutdown_reason;         /* TESS_SHUTDOWN_* or TESS_CRASH_* */
	u32 paging_mode;             /* TESS_PAGING_* */
	bool passthrough;            /* dom0 */
	struct p2m p2m;
	const struct paging_ops *paging; /* nested or shadow (paging.h) */
	struct range_set ram;        /* guest-physical RAM; dom0: machine addresses */
	struct e820_map e820;        /* what dom0 is told */
	u64 memory_bytes;
	u64 *chunks;                 /* machine address of each 2 MiB chunk */
	u64 nr_chunks;
	u64 chunks_pages;            /* pages holding the chunks array */
	unsigned int max_vcpus;
	unsigned int vcpus_started;
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
	struct console console;
	struct uart16550 uart;       /* children: COM1 on the console rings (IRQ 4) */
	struct pic_pair pic;         /* children: the 8259 pair, feeding vCPU 0's LINT0 */
	struct rtc_cmos rtc;         /* children: the CMOS RTC at 0x70/0x71 */
	struct acpi_pm1 pm1;         /* children: the ACPI PM1a registers (SCI on IRQ 9) */
	spinlock_t dev_lock;         /* uart, pic, rtc and pm1 */
	u64 scratch_pa;              /* stands in for memory the domain may not touch */
	u64 protected_faults;
	u64 crash_gpa;
	spinlock_t p2m_lock;
};

extern struct domain *dom0;

/* Machine address of gpa in d's RAM: 0 with *spa, or -1 if it is not d's RAM. */
int domain_gpa_to_spa(struct domain *d, u64 gpa, u64 *spa);
/* Read/write len bytes of the domain's RAM at gpa; -1 if any byte is not its RAM. */
int domain_read_gpa(struct domain *d, u64 gpa, void *buf, u64 len);
int domain_write_gpa(struct domain *d, u64 gpa, const void *buf, u64 len);
/* A vCPU of d that runs on CPU c; NULL when out of memory. */
struct vcpu *domain_create_vcpu(struct domain *d, unsigned int id, struct percpu *c);
/* Put v in real mode at vector:0000, as a SIPI does; -1 (*why) if its
 * paging mode has no memory for it. */
int vcpu_set_real_mode(struct vcpu *v, u8 vector, const char **why);

/* The domain table (dom0 in slot 0). Callers hold domains_lock. */
extern spinlock_t domains_lock;
void domain_register_dom0(struct domain *d);
struct domain *domain_find(unsigned int domid);
unsigned int domain_count(void);
unsigned int domain_list(u32 *ids, unsigned int max);

/* Child lifecycle (core/domain_child.c). Return 0 or a negative TESS_E*. */
int domain_create_child(const struct tess_domain_create *req, unsigned int *domid);
int domain_destroy_child(struct domain *d);
/* Mark a child stopped: state SHUTDOWN or CRASHED, with its reason. */
void domain_stop(struct domain *d, u32 state, u32 reason);

#endif
