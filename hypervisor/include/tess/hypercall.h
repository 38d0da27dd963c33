/* Hypercall dispatch (public numbers in public/hypercall.h). */
#ifndef TESS_HYPERCALL_H
#define TESS_HYPERCALL_H

#include <public/hypercall.h>
#include <tess/types.h>

struct vcpu;

/* Arguments a0..a3 (RDI, RSI, RDX, R10); returns RAX: >= 0 or -TESS_E*. */
typedef s64 (*hypercall_fn)(struct vcpu *v, const u64 *a);

s64 hypercall_dispatch(struct vcpu *v, u64 nr, const u64 *args, u8 cpl);

/* Copy between hypervisor memory and the caller's RAM; -TESS_EFAULT if not its RAM. */
int hc_copy_from(struct vcpu *v, u64 gpa, void *buf, u64 len);
int hc_copy_to(struct vcpu *v, u64 gpa, const void *buf, u64 len);
/* Every byte of [gpa, gpa+len) is RAM of the caller (and len is sane). */
bool hc_buffer_ok(struct vcpu *v, u64 gpa, u64 len);

/* Handlers, by area (core/hc_*.c). */
s64 hc_version(struct vcpu *v, const u64 *a);
s64 hc_physinfo(struct vcpu *v, const u64 *a);
s64 hc_log_read(struct vcpu *v, const u64 *a);
s64 hc_domain_create(struct vcpu *v, const u64 *a);
s64 hc_domain_destroy(struct vcpu *v, const u64 *a);
s64 hc_domain_pause(struct vcpu *v, const u64 *a);
s64 hc_domain_unpause(struct vcpu *v, const u64 *a);
s64 hc_domain_info(struct vcpu *v, const u64 *a);
s64 hc_domain_list(struct vcpu *v, const u64 *a);
s64 hc_domain_stats(struct vcpu *v, const u64 *a);
s64 hc_domain_paging_stats(struct vcpu *v, const u64 *a);
s64 hc_domain_power_button(struct vcpu *v, const u64 *a);
s64 hc_memory_copy_in(struct vcpu *v, const u64 *a);
s64 hc_vcpu_set_state(struct vcpu *v, const u64 *a);
s64 hc_vcpu_run(struct vcpu *v, const u64 *a);
s64 hc_console_write(struct vcpu *v, const u64 *a);
s64 hc_console_read(struct vcpu *v, const u64 *a);
s64 hc_shutdown(struct vcpu *v, const u64 *a);

#endif
