/*
 * Console hypercalls. A child writes its output and reads its input
 * (domid TESS_DOMID_SELF or its own id); dom0 reads a child's output and
 * writes its input. Data moves in small pieces through the stack.
 */
#include <tess/domain.h>
#include <tess/hypercall.h>
#include <tess/log.h>

#define CONSOLE_PIECE 256

/* The domain whose console a call touches, or NULL (with *err). */
static struct domain *console_target(struct vcpu *v, u64 domid, int *err)
{
	struct domain *d;

	*err = -TESS_ENOENT;
	if (v->dom != dom0) {
		if (domid != TESS_DOMID_SELF && domid != v->dom->id) {
			*err = -TESS_EPERM;
			return NULL;
		}
		return v->dom;
	}
	if (domid == TESS_DOMID_SELF || domid == 0) {
		*err = -TESS_EINVAL; /* dom0's console is the real serial port */
		return NULL;
	}
	d = domain_find((unsigned int)MIN(domid, (u64)DOMAIN_MAX));
	return d;
}

static s64 console_write_locked(struct vcpu *v, struct domain *d, u64 gpa, u64 len)
{
	struct console_ring *r = v->dom == dom0 ? &d->console.in : &d->console.out;
	u8 piece[CONSOLE_PIECE];
	u64 done = 0;

	while (done < len) {
		u64 n = MIN((u64)CONSOLE_PIECE, len - done), put;

		if (hc_copy_from(v, gpa + done, piece, n))
			return -TESS_EFAULT;
		spin_lock(&d->console.lock);
		put = console_ring_put(r, piece, n, r == &d->console.out);
		spin_unlock(&d->console.lock);
		done += put;
		if (put < n)
			break; /* the child's input is full: dom0 sends the rest later */
	}
	return (s64)done;
}

static s64 console_read_locked(struct vcpu *v, struct domain *d, u64 gpa, u64 len)
{
	struct console_ring *r = v->dom == dom0 ? &d->console.out : &d->console.in;
	u8 piece[CONSOLE_PIECE];
	u64 done = 0;

	while (done < len) {
		u64 n;

		spin_lock(&d->console.lock);
		n = console_ring_get(r, piece, MIN((u64)CONSOLE_PIECE, len - done));
		spin_unlock(&d->console.lock);
		if (!n)
			break;
		if (hc_copy_to(v, gpa + done, piece, n))
			return -TESS_EFAULT; /* checked before: cannot happen */
		done += n;
	}
	return (s64)done;
}

typedef s64 (*console_op)(struct vcpu *v, struct domain *d, u64 gpa, u64 len);

/* Check the buffer, find the console, and run op on it. */
static s64 console_call(struct vcpu *v, const u64 *a, console_op op)
{
	struct domain *d;
	int err;
	s64 rc;

	if (a[2] > TESS_BUF_MAX)
		return -TESS_E2BIG;
	if (!hc_buffer_ok(v, a[1], a[2]))
		return -TESS_EFAULT;
	if (v->dom != dom0) /* a running child cannot go away under us */
		return (d = console_target(v, a[0], &err)) ? op(v, d, a[1], a[2]) : err;
	spin_lock(&domains_lock);
	d = console_target(v, a[0], &err);
	rc = d ? op(v, d, a[1], a[2]) : err;
	spin_unlock(&domains_lock);
	return rc;
}

s64 hc_console_write(struct vcpu *v, const u64 *a)
{
	return console_call(v, a, console_write_locked);
}

s64 hc_console_read(struct vcpu *v, const u64 *a)
{
	return console_call(v, a, console_read_locked);
}

s64 hc_shutdown(struct vcpu *v, const u64 *a)
{
	switch (a[0]) {
	case TESS_SHUTDOWN_POWEROFF:
	case TESS_SHUTDOWN_REBOOT:
		domain_stop(v->dom, TESS_DOMSTATE_SHUTDOWN, (u32)a[0]);
		return 0;
	case TESS_SHUTDOWN_CRASH:
		domain_stop(v->dom, TESS_DOMSTATE_CRASHED, TESS_SHUTDOWN_CRASH);
		return 0;
	default:
		return -TESS_EINVAL;
	}
}
