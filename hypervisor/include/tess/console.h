/*
 * Per-domain console: the guest's output waiting for dom0, and dom0's
 * input waiting for the guest. Bytes that do not fit are dropped and
 * counted, oldest output first, so a chatty guest cannot block anything.
 */
#ifndef TESS_CONSOLE_H
#define TESS_CONSOLE_H

#include <tess/spinlock.h>
#include <tess/types.h>

#define CONSOLE_RING_SIZE 4096

struct console_ring {
	u8 buf[CONSOLE_RING_SIZE];
	u64 head, tail;   /* bytes ever written / read */
	u64 dropped;
};

struct console {
	spinlock_t lock;
	struct console_ring out;  /* guest -> dom0 */
	struct console_ring in;   /* dom0 -> guest */
};

/*
 * Append len bytes; returns how many were stored. When full, drop_oldest
 * makes room (output: the newest text matters), else it stops (input).
 */
u64 console_ring_put(struct console_ring *r, const u8 *data, u64 len, bool drop_oldest);
u64 console_ring_get(struct console_ring *r, u8 *data, u64 len);

#endif
