/* Hypercall dispatch (public numbers in public/tessera.h). */
#ifndef TESS_HYPERCALL_H
#define TESS_HYPERCALL_H

#include <tess/types.h>

struct vcpu;

/* Returns the value for the caller's RAX: >= 0 or a negative errno. */
s64 hypercall_dispatch(struct vcpu *v, u64 nr, u8 cpl);

#endif
