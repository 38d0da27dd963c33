/*
 * A child's I/O ports. There are no devices but COM1 (0x3f8-0x3ff, the
 * 16550A model of core/uart16550.c on the console rings) and the keyboard
 * controller's pulse-reset command (0xfe to port 0x64, how PCs reboot).
 * Every other port behaves as an empty ISA bus: reads return all ones,
 * writes go nowhere, so a guest probing for hardware finds none.
 */
#include <tess/child_io.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/log.h>
#include <tess/uart.h>

#define COM1_BASE 0x3f8
#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe

static void uart_tx(void *ctx, u8 byte)
{
	struct console *c = ctx;

	spin_lock(&c->lock);
	console_ring_put(&c->out, &byte, 1, true);
	spin_unlock(&c->lock);
}

static bool uart_rx_peek(void *ctx, u8 *byte)
{
	struct console *c = ctx;
	bool any;

	spin_lock(&c->lock);
	any = c->in.head != c->in.tail;
	if (any)
		*byte = c->in.buf[c->in.tail % CONSOLE_RING_SIZE];
	spin_unlock(&c->lock);
	return any;
}

static void uart_rx_take(void *ctx)
{
	struct console *c = ctx;
	u8 discard;

	spin_lock(&c->lock);
	console_ring_get(&c->in, &discard, 1);
	spin_unlock(&c->lock);
}

/* One byte-wide access to COM1; wider accesses reach consecutive registers. */
static u32 child_com1(struct domain *d, unsigned int offset, bool in, u8 value)
{
	const struct uart_io io = { uart_tx, uart_rx_peek, uart_rx_take, &d->console };

	spin_lock(&d->uart_lock);
	if (in)
		value = uart_read(&d->uart, offset, &io);
	else
		uart_write(&d->uart, offset, value, &io);
	spin_unlock(&d->uart_lock);
	return value;
}

static u32 child_port_access(struct domain *d, u16 port, bool in, u32 value, u8 size)
{
	u32 result = 0;

	for (u8 i = 0; i < size; i++) {
		u16 p = (u16)(port + i);
		u8 byte = (u8)(value >> (8 * i));

		if (p >= COM1_BASE && p < COM1_BASE + UART_NR_REGS)
			byte = (u8)child_com1(d, p - COM1_BASE, in, byte);
		else if (in)
			byte = 0xff; /* nothing answers on an empty bus */
		result |= (u32)byte << (8 * i);
	}
	return result;
}

/* IN to AL/AX keeps the rest of RAX; IN to EAX clears bits 63:32 (SDM vol. 1 3.4.1.1). */
static void child_io_set_rax(struct vcpu *v, u32 value, u8 size)
{
	u64 *rax = &v->regs.gpr[GPR_RAX];

	if (size == 4)
		*rax = value;
	else if (size == 2)
		*rax = (*rax & ~0xffffull) | (value & 0xffff);
	else
		*rax = (*rax & ~0xffull) | (value & 0xff);
}

bool child_io(struct vcpu *v, const struct vm_exit *e, struct tess_run_exit *out)
{
	struct domain *d = v->dom;
	u32 value = (u32)v->regs.gpr[GPR_RAX];

	if (e->io.string) {
		/* INS/OUTS: no device needs them; stop the guest rather than guess. */
		log_warn("domain: dom%u string I/O on port 0x%x is not supported\n", d->id,
			 e->io.port);
		domain_stop(d, TESS_DOMSTATE_CRASHED, TESS_CRASH_UNHANDLED);
		out->reason = TESS_EXIT_CRASHED;
		out->detail = TESS_CRASH_UNHANDLED;
		return true;
	}
	hvm->advance_rip(v, e->insn_len);
	if (!e->io.in && e->io.port == KBC_COMMAND && (value & 0xff) == KBC_PULSE_RESET) {
		domain_stop(d, TESS_DOMSTATE_SHUTDOWN, TESS_SHUTDOWN_REBOOT);
		out->reason = TESS_EXIT_SHUTDOWN;
		out->detail = TESS_SHUTDOWN_REBOOT;
		return true;
	}
	value = child_port_access(d, e->io.port, e->io.in, value, e->io.size);
	if (e->io.in)
		child_io_set_rax(v, value, e->io.size);
	return false;
}
