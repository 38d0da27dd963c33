/*
 * A child's I/O ports. There are no devices but COM1 (0x3f8-0x3ff, the
 * 16550A model of core/uart16550.c on the console rings, on IRQ 4), the
 * 8259 pair (core/pic8259.c), the keyboard controller's pulse-reset
 * command (0xfe to port 0x64, how PCs reboot) and the ACPI sleep control
 * register of the builder's hardware-reduced FADT (S5 = power off).
 * Every other port behaves as an empty ISA bus: reads return all ones,
 * writes go nowhere, so a guest probing for hardware finds none.
 */
#include <tess/child_io.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/log.h>
#include <tess/uart.h>

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe
/* The ACPI sleep control register the child's FADT names (hardware-reduced
 * ACPI, ACPI 6.4 4.8.3.7): SLP_TYP in bits 2-4, SLP_EN in bit 5. */
#define ACPI_SLEEP_CONTROL 0x604
#define ACPI_SLEEP_STATUS 0x605
#define ACPI_SLP_EN 0x20
#define ACPI_SLP_TYP_S5 5

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

static void child_uart_io(struct domain *d, struct uart_io *io)
{
	io->tx = uart_tx;
	io->rx_peek = uart_rx_peek;
	io->rx_take = uart_rx_take;
	io->ctx = &d->console;
}

/* One byte-wide access to COM1 or the PIC; the caller holds dev_lock. */
static u8 child_device_byte(struct domain *d, u16 port, bool in, u8 value)
{
	struct uart_io io;

	if (pic_port(port)) {
		if (in)
			return pic_read(&d->pic, port);
		pic_write(&d->pic, port, value);
		return value;
	}
	child_uart_io(d, &io);
	if (in)
		value = uart_read(&d->uart, port - COM1_BASE, &io);
	else
		uart_write(&d->uart, port - COM1_BASE, value, &io);
	pic_set_irq(&d->pic, COM1_IRQ, uart_irq_pending(&d->uart, &io));
	return value;
}

int child_pic_vector(struct vcpu *v, bool take)
{
	struct domain *d = v->dom;
	struct uart_io io;
	int vector = -1;

	if (v->id != 0 || !vlapic_extint_enabled(&v->lapic))
		return -1;
	child_uart_io(d, &io);
	spin_lock(&d->dev_lock);
	pic_set_irq(&d->pic, COM1_IRQ, uart_irq_pending(&d->uart, &io));
	if (pic_output(&d->pic))
		vector = take ? pic_ack(&d->pic) : 0;
	spin_unlock(&d->dev_lock);
	return vector;
}

static u32 child_port_access(struct domain *d, u16 port, bool in, u32 value, u8 size)
{
	u32 result = 0;

	/* Wider accesses reach consecutive byte ports, as on the ISA bus. */
	for (u8 i = 0; i < size; i++) {
		u16 p = (u16)(port + i);
		u8 byte = (u8)(value >> (8 * i));

		if ((p >= COM1_BASE && p < COM1_BASE + UART_NR_REGS) || pic_port(p)) {
			spin_lock(&d->dev_lock);
			byte = child_device_byte(d, p, in, byte);
			spin_unlock(&d->dev_lock);
		} else if (in) {
			byte = 0xff; /* nothing answers on an empty bus */
		}
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

static bool child_io_shutdown(struct domain *d, u32 reason, struct tess_run_exit *out)
{
	domain_stop(d, TESS_DOMSTATE_SHUTDOWN, reason);
	out->reason = TESS_EXIT_SHUTDOWN;
	out->detail = reason;
	return true;
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
	if (!e->io.in && e->io.port == KBC_COMMAND && (value & 0xff) == KBC_PULSE_RESET)
		return child_io_shutdown(d, TESS_SHUTDOWN_REBOOT, out);
	if (!e->io.in && e->io.port == ACPI_SLEEP_CONTROL && (value & ACPI_SLP_EN) &&
	    ((value >> 2) & 7) == ACPI_SLP_TYP_S5)
		return child_io_shutdown(d, TESS_SHUTDOWN_POWEROFF, out);
	if (e->io.in && e->io.port == ACPI_SLEEP_STATUS) {
		child_io_set_rax(v, 0, e->io.size); /* never asleep, never waking */
		return false;
	}
	value = child_port_access(d, e->io.port, e->io.in, value, e->io.size);
	if (e->io.in)
		child_io_set_rax(v, value, e->io.size);
	return false;
}
