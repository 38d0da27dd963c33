/*
 * A child's I/O ports. There are no devices but COM1 (0x3f8-0x3ff, the
 * 16550A model of core/uart16550.c on the console rings, on IRQ 4), the
 * 8259 pair (core/pic8259.c), the CMOS RTC (0x70/0x71, core/rtc_cmos.c),
 * the keyboard controller's pulse-reset command (0xfe to port 0x64, how
 * PCs reboot), the ACPI PM1a event and control blocks of the builder's
 * FADT (core/acpi_pm1.c: S5 = power off; the power button dom0 presses
 * raises the SCI on IRQ 9) and a pvpanic port (0x505) through which a
 * panicking guest reports its crash.
 * Every other port behaves as an empty ISA bus: reads return all ones,
 * writes go nowhere, so a guest probing for hardware finds none.
 */
#include <tess/acpi_pm1.h>
#include <tess/child_io.h>
#include <tess/child_ipi.h>
#include <tess/domain.h>
#include <tess/hvm.h>
#include <tess/log.h>
#include <tess/rtc_cmos.h>
#include <tess/time.h>
#include <tess/uart.h>

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe
/*
 * pvpanic (QEMU's docs/specs/pvpanic.rst; Linux drivers/misc/pvpanic/),
 * named in the child's DSDT as device QEMU0001 with this one I/O port. A
 * read returns the events the host supports, a write reports events.
 * PANICKED ends the domain as crashed; CRASH_LOADED (a kdump kernel will
 * take over and the guest goes on) is not offered: nothing would be done
 * with it, and a guest must not write it when the read does not show it.
 */
#define PVPANIC_PORT 0x505
#define PVPANIC_PANICKED 0x01
#define PVPANIC_CRASH_LOADED 0x02
#define PVPANIC_EVENTS PVPANIC_PANICKED

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

/*
 * Drive the PIC's inputs from the devices' interrupt levels: COM1 on IRQ 4
 * (console input may have arrived since) and the ACPI SCI on IRQ 9, which
 * stays asserted while an enabled event's status bit is set. Linux makes
 * IRQ 9 level-triggered in the ELCR; as an edge it still latches one
 * request per rising level. The caller holds dev_lock.
 */
static void child_sample_irqs(struct domain *d)
{
	struct uart_io io;

	child_uart_io(d, &io);
	pic_set_irq(&d->pic, COM1_IRQ, uart_irq_pending(&d->uart, &io));
	pic_set_irq(&d->pic, ACPI_SCI_IRQ, acpi_pm1_sci(&d->pm1));
}

/* One byte-wide access to COM1, the PIC or PM1a; the caller holds dev_lock. */
static u8 child_device_byte(struct domain *d, u16 port, bool in, u8 value)
{
	struct uart_io io;

	if (pic_port(port)) {
		if (in)
			return pic_read(&d->pic, port);
		pic_write(&d->pic, port, value);
		return value;
	}
	if (acpi_pm1_port(port)) {
		if (in)
			return acpi_pm1_read(&d->pm1, port);
		acpi_pm1_write(&d->pm1, port, value); /* may change the SCI */
	} else {
		child_uart_io(d, &io);
		if (in)
			value = uart_read(&d->uart, port - COM1_BASE, &io);
		else
			uart_write(&d->uart, port - COM1_BASE, value, &io);
	}
	child_sample_irqs(d);
	return value;
}

static bool child_device_port(u16 port)
{
	return (port >= COM1_BASE && port < COM1_BASE + UART_NR_REGS) || pic_port(port) ||
	       acpi_pm1_port(port);
}

int child_pic_vector(struct vcpu *v, bool take)
{
	struct domain *d = v->dom;
	int vector = -1;

	if (v->id != 0 || !vlapic_extint_enabled(&v->lapic))
		return -1;
	spin_lock(&d->dev_lock);
	child_sample_irqs(d);
	vector = take ? pic_ack(&d->pic) : pic_peek(&d->pic);
	spin_unlock(&d->dev_lock);
	return vector;
}

/*
 * dom0 pressed the power button (ACPI 6.5 4.8.2.2.1). The SCI reaches the
 * PIC now; vCPU 0, which takes the PIC's interrupts, sees it before its
 * next entry. If it runs on another CPU it is kicked so that happens at
 * once; if its dom0 thread sleeps, dom0's module wakes it after this call.
 */
void child_power_button(struct domain *d)
{
	spin_lock(&d->dev_lock);
	acpi_pm1_press_power_button(&d->pm1);
	child_sample_irqs(d);
	spin_unlock(&d->dev_lock);
	if (d->vcpus[0])
		child_kick_vcpu(d->vcpus[0]);
}

static u32 child_port_access(struct domain *d, u16 port, bool in, u32 value, u8 size)
{
	u32 result = 0;

	/* Wider accesses reach consecutive byte ports, as on the ISA bus. */
	for (u8 i = 0; i < size; i++) {
		u16 p = (u16)(port + i);
		u8 byte = (u8)(value >> (8 * i));

		if (child_device_port(p)) {
			spin_lock(&d->dev_lock);
			byte = child_device_byte(d, p, in, byte);
			spin_unlock(&d->dev_lock);
		} else if (rtc_cmos_port(p)) {
			u64 now = time_wall_ns();

			spin_lock(&d->dev_lock);
			if (in)
				byte = rtc_cmos_read(&d->rtc, p, now);
			else
				rtc_cmos_write(&d->rtc, p, byte, now);
			spin_unlock(&d->dev_lock);
		} else if (p == PVPANIC_PORT) {
			byte = in ? PVPANIC_EVENTS : byte; /* a write is handled by child_io() */
		} else if (in) {
			byte = 0xff; /* nothing answers on an empty bus */
		}
		result |= (u32)byte << (8 * i);
	}
	return result;
}

/* Does this OUT write PANICKED into the pvpanic port (at any width)? */
static bool child_pvpanic_panicked(u16 port, u32 value, u8 size)
{
	for (u8 i = 0; i < size; i++)
		if ((u16)(port + i) == PVPANIC_PORT)
			return (value >> (8 * i)) & PVPANIC_PANICKED;
	return false;
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

/* Stop the domain; report how it ended (another vCPU may have stopped it first). */
static bool child_io_stop(struct domain *d, u32 state, u32 reason, struct tess_run_exit *out)
{
	domain_stop(d, state, reason);
	out->reason = d->state == TESS_DOMSTATE_CRASHED ? TESS_EXIT_CRASHED : TESS_EXIT_SHUTDOWN;
	out->detail = d->shutdown_reason;
	return true;
}

static bool child_io_shutdown(struct domain *d, u32 reason, struct tess_run_exit *out)
{
	return child_io_stop(d, TESS_DOMSTATE_SHUTDOWN, reason, out);
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
	if (!e->io.in && acpi_pm1_s5_requested(e->io.port, value, e->io.size))
		return child_io_shutdown(d, TESS_SHUTDOWN_POWEROFF, out);
	if (!e->io.in && child_pvpanic_panicked(e->io.port, value, e->io.size)) {
		log_warn("domain: dom%u '%s' vCPU%u reported a guest panic (pvpanic): crashed\n",
			 d->id, d->name, v->id);
		return child_io_stop(d, TESS_DOMSTATE_CRASHED, TESS_SHUTDOWN_CRASH, out);
	}
	value = child_port_access(d, e->io.port, e->io.in, value, e->io.size);
	if (e->io.in)
		child_io_set_rax(v, value, e->io.size);
	return false;
}
