/* Console rings (see tess/console.h). */
#include <tess/console.h>

u64 console_ring_put(struct console_ring *r, const u8 *data, u64 len, bool drop_oldest)
{
	for (u64 i = 0; i < len; i++) {
		if (r->head - r->tail == CONSOLE_RING_SIZE) {
			if (!drop_oldest)
				return i; /* input: the writer keeps the rest and retries */
			r->dropped++;
			r->tail++;
		}
		r->buf[r->head++ % CONSOLE_RING_SIZE] = data[i];
	}
	return len;
}

u64 console_ring_get(struct console_ring *r, u8 *data, u64 len)
{
	u64 n = 0;

	while (n < len && r->tail != r->head)
		data[n++] = r->buf[r->tail++ % CONSOLE_RING_SIZE];
	return n;
}
