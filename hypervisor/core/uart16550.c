/*
 * An emulated 16550A UART (see tess/uart.h), written from the National
 * Semiconductor PC16550D data sheet's register descriptions.
 *
 * Modelled:
 *   - DLAB (LCR bit 7) switching offsets 0/1 to DLL/DLM; LCR, SCR, DLL,
 *     DLM plain read/write storage.
 *   - THR writes go straight to io->tx: the transmitter is infinitely
 *     fast, so LSR.THRE and LSR.TEMT always read 1.
 *   - RBR reads consume one byte of console input (0 when none waits);
 *     LSR.DR is set while a byte waits (io->rx_peek, not consuming).
 *   - Interrupts, highest priority first as in the data sheet's IIR table:
 *       receiver line status (0x06): never, no error is ever raised;
 *       received data available (0x04): IER bit 0 and LSR.DR; cleared
 *         only by draining the input (a level condition);
 *       THR empty (0x02): IER bit 1 and the thre_pending latch. The latch
 *         is set by a THR write (the byte leaves at once, so the register
 *         is empty again) and when IER bit 1 goes from 0 to 1 while THR is
 *         empty; it is cleared by an IIR read that reports it. Writing THR
 *         also clears it on real hardware, but our THR is empty again the
 *         same instant, so the net effect of a THR write is "armed";
 *       modem status (0x00): never, MSR's delta bits stay 0 (the modem
 *         lines never change outside loopback; in loopback the deltas are
 *         not modelled either);
 *       none (0x01).
 *     IIR bits 6-7 read 11 while FCR bit 0 (FIFO enable) is set; bits 4-5
 *     always read 0.
 *   - FCR (write only; offset 2 reads IIR): bit 0 enables the "FIFOs",
 *     the other bits are only stored (with bit 0 clear the write disables
 *     the FIFOs, as on the chip). There is no real FIFO: the RX/TX reset
 *     bits only drop a byte held in loopback, never the console input.
 *   - MSR outside loopback: DCD|DSR|CTS (0xb0), a connected modem. In
 *     loopback (MCR bit 4) the data sheet connects DTR->DSR, RTS->CTS,
 *     OUT1->RI and OUT2->DCD, so MSR bits 4-7 mirror MCR bits 1,0,2,3.
 *   - Loopback: THR writes go to a one-byte receive holding register
 *     instead of io->tx (a second write before the first is read
 *     overwrites it, as a 16450-style overrun would), RBR/LSR.DR see only
 *     that register, and the console input is left alone (the receiver's
 *     input is disconnected). Leaving loopback drops an unread byte so a
 *     probe byte never turns into console input.
 *   - The interrupt line: on PCs the chip's INTR pin reaches the PIC only
 *     while the OUT2 output pin is active, so uart_irq_pending() is false
 *     unless MCR.OUT2 is set. In loopback the data sheet forces the OUT2
 *     pin inactive, so the line is also off there (the IIR still shows the
 *     condition, for polling drivers).
 *   - IER bits 4-7 and MCR bits 5-7 read as 0; LSR/MSR writes are ignored;
 *     offsets beyond 7 read 0xff (open bus) and ignore writes.
 *
 * How Linux's 8250 driver (drivers/tty/serial/8250/8250_port.c,
 * autoconfig() and autoconfig_16550a()) ends up calling this a 16550A:
 *   1. IER existence test: writes 0 and 0x0f to IER and reads back the low
 *      nibble exactly -- IER stores bits 0-3.
 *   2. Loopback test (skipped for the standard COM ports, UPF_SKIP_TEST):
 *      MCR = LOOP|OUT2|RTS must make MSR bits 4-7 read 1001 (DCD, CTS) --
 *      the loopback mirroring above.
 *   3. Writes EFR (offset 2 with LCR=0xbf), which lands in our FCR (FIFOs
 *      off), then FCR = 0x01 and reads IIR: bits 6-7 = 11 selects the
 *      16550A branch (00 = 8250/16450, 01 = unknown, 10 = buggy 16550).
 *   4. autoconfig_16550a() then rules out later parts, each by a register
 *      we do not have:
 *      - EFR probes read offset 2 with LCR=0x80 and with LCR=0xbf and want
 *        0 for a 16650/16850-style EFR; we return the IIR, whose bits 6-7
 *        are set with the FIFOs on (and bit 0 is set when idle), so never 0;
 *      - the NatSemi check reads offset 2 with LCR=0xe0 (its EXCR1) and
 *        looks for a copy of MCR.LOOP in bit 4; our IIR bit 4 is always 0;
 *      - the TI16750 check sets FCR bit 5 (64-byte FIFO) with and without
 *        DLAB and wants IIR bit 5 to follow; ours is always 0, which is
 *        also why FCR bit 5 is never reflected anywhere;
 *      - the XScale check wants IER bit 6 (UUE) to stick; IER bits 4-7 are
 *        never stored;
 *      - size_fifo() counts how many bytes written in loopback can be read
 *        back, wanting 64 for a "U6" 16550A; the one-byte loopback holding
 *        register gives 1.
 *   So the port stays PORT_16550A (16-byte FIFO, tx_loadsz 16). Later, in
 *   serial8250_do_startup(), the THRE re-assertion test (IER=THRI, read
 *   IIR, IER=0, IER=THRI, read IIR) and the TXEN test both need enabling
 *   IER.THRI to raise a THR-empty interrupt each time: that is the 0->1
 *   arming rule above, so no UART_BUG_THRE/UART_BUG_TXEN workaround is
 *   enabled.
 */
#include <tess/uart.h>

#define UART_READ_OPEN_BUS 0xff

void uart_init(struct uart16550 *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->scr = 0;
	/* The divisor is undefined after reset; start at 115200 baud. */
	u->dll = 1;
	u->dlm = 0;
	u->fcr = 0;
	u->thre_pending = false;
	u->loop_full = false;
	u->loop_byte = 0;
}

static bool uart_loopback(const struct uart16550 *u)
{
	return u->mcr & UART_MCR_LOOP;
}

static bool uart_dlab(const struct uart16550 *u)
{
	return u->lcr & UART_LCR_DLAB;
}

/* Is a received byte waiting (LSR.DR)? Does not consume it. */
static bool uart_rx_ready(const struct uart16550 *u, const struct uart_io *io)
{
	u8 byte;

	if (uart_loopback(u))
		return u->loop_full;
	return io && io->rx_peek && io->rx_peek(io->ctx, &byte);
}

static u8 uart_read_rbr(struct uart16550 *u, const struct uart_io *io)
{
	u8 byte = 0;

	if (uart_loopback(u)) {
		if (!u->loop_full)
			return 0;
		u->loop_full = false;
		return u->loop_byte;
	}
	if (!io || !io->rx_peek || !io->rx_peek(io->ctx, &byte))
		return 0;
	if (io->rx_take)
		io->rx_take(io->ctx);
	return byte;
}

/* The interrupt identification (IIR bits 0-3) of the highest source. */
static u8 uart_iir_id(const struct uart16550 *u, const struct uart_io *io)
{
	if ((u->ier & UART_IER_RDI) && uart_rx_ready(u, io))
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

static u8 uart_msr(const struct uart16550 *u)
{
	u8 msr = 0;

	if (!uart_loopback(u))
		return UART_MSR_CONNECTED;
	if (u->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

u8 uart_read(struct uart16550 *u, unsigned int offset, const struct uart_io *io)
{
	u8 id;

	switch (offset) {
	case UART_RBR:
		return uart_dlab(u) ? u->dll : uart_read_rbr(u, io);
	case UART_IER:
		return uart_dlab(u) ? u->dlm : u->ier;
	case UART_IIR:
		id = uart_iir_id(u, io);
		/* Reading IIR clears a THR-empty interrupt it reports. */
		if (id == UART_IIR_THRI)
			u->thre_pending = false;
		return id | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFOS : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (uart_rx_ready(u, io) ? UART_LSR_DR : 0);
	case UART_MSR:
		return uart_msr(u);
	case UART_SCR:
		return u->scr;
	default:
		return UART_READ_OPEN_BUS;
	}
}

static void uart_write_thr(struct uart16550 *u, u8 value, const struct uart_io *io)
{
	if (uart_loopback(u)) {
		u->loop_byte = value;
		u->loop_full = true;
	} else if (io && io->tx) {
		io->tx(io->ctx, value);
	}
	/* The byte is gone at once: THR is empty again, so re-arm. */
	u->thre_pending = true;
}

static void uart_write_fcr(struct uart16550 *u, u8 value)
{
	bool enable = value & UART_FCR_ENABLE;

	/*
	 * Switching the FIFOs on or off, or an RX FIFO reset (which only
	 * counts with bit 0 set), empties the receive side: here that is
	 * just the loopback byte.
	 */
	if (enable != !!(u->fcr & UART_FCR_ENABLE) ||
	    (enable && (value & UART_FCR_CLEAR_RX)))
		u->loop_full = false;
	if (enable)
		u->fcr = value & (UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIG_MASK);
	else
		u->fcr = 0;
}

void uart_write(struct uart16550 *u, unsigned int offset, u8 value,
		const struct uart_io *io)
{
	switch (offset) {
	case UART_THR:
		if (uart_dlab(u))
			u->dll = value;
		else
			uart_write_thr(u, value, io);
		break;
	case UART_IER:
		if (uart_dlab(u)) {
			u->dlm = value;
			break;
		}
		value &= UART_IER_MASK;
		/* Enabling the THR-empty interrupt while THR is empty raises it. */
		if ((value & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thre_pending = true;
		u->ier = value;
		break;
	case UART_FCR:
		uart_write_fcr(u, value);
		break;
	case UART_LCR:
		u->lcr = value;
		break;
	case UART_MCR:
		value &= UART_MCR_MASK;
		if (!(value & UART_MCR_LOOP))
			u->loop_full = false;
		u->mcr = value;
		break;
	case UART_SCR:
		u->scr = value;
		break;
	default:
		/* LSR and MSR are read only; nothing lives beyond offset 7. */
		break;
	}
}

bool uart_irq_pending(const struct uart16550 *u, const struct uart_io *io)
{
	if (!(u->mcr & UART_MCR_OUT2) || uart_loopback(u))
		return false;
	return uart_iir_id(u, io) != UART_IIR_NO_INT;
}
