/*
 * An emulated 16550A UART (PC16550D register model) for child domains'
 * COM1 at I/O ports 0x3f8-0x3ff, IRQ 4 (DESIGN D7): just enough for
 * Linux's 8250 driver as a console and for interactive input.
 *
 * Pure logic: no port I/O, no hypervisor globals. The caller owns the
 * state, decodes the port (offset 0..7 from the base), splits wider
 * accesses into single bytes, and connects the byte streams through
 * struct uart_io. The transmitter is infinitely fast (THR is always
 * empty again by the time the guest looks) and the receiver is the
 * domain's console input ring, peeked for LSR.DR and consumed by RBR
 * reads. See core/uart16550.c for what is and is not modelled.
 */
#ifndef TESS_UART_H
#define TESS_UART_H

#include <tess/types.h>

/* Register offsets from the base port. */
#define UART_RBR 0 /* read, DLAB=0: receiver buffer */
#define UART_THR 0 /* write, DLAB=0: transmitter holding */
#define UART_DLL 0 /* DLAB=1: divisor latch low */
#define UART_IER 1 /* DLAB=0: interrupt enable */
#define UART_DLM 1 /* DLAB=1: divisor latch high */
#define UART_IIR 2 /* read: interrupt identification */
#define UART_FCR 2 /* write: FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status (read only) */
#define UART_MSR 6 /* modem status (read only) */
#define UART_SCR 7 /* scratch */
#define UART_NR_REGS 8

#define UART_IER_RDI 0x01  /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI 0x08  /* modem status */
#define UART_IER_MASK 0x0f /* bits 4-7 are always 0 on a 16550 */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_ID_MASK 0x0f
#define UART_IIR_FIFOS 0xc0 /* both set while FCR bit 0 is set */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_DMA 0x08
#define UART_FCR_TRIG_MASK 0xc0

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08 /* on PCs: gates the UART's interrupt line */
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f /* bits 5-7 are always 0 on a 16550 */

#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80
/* What the guest sees outside loopback: a modem that is connected. */
#define UART_MSR_CONNECTED (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

struct uart_io {            /* callbacks into the domain's console rings */
	void (*tx)(void *ctx, u8 byte);          /* guest wrote a byte to THR */
	bool (*rx_peek)(void *ctx, u8 *byte);    /* is an input byte waiting? (do not consume) */
	void (*rx_take)(void *ctx);              /* consume it */
	void *ctx;
};

struct uart16550 {
	u8 ier;  /* UART_IER_MASK bits only */
	u8 lcr;
	u8 mcr;  /* UART_MCR_MASK bits only */
	u8 scr;
	u8 dll;
	u8 dlm;
	u8 fcr;  /* FIFO enable, DMA mode and RX trigger as last written */
	/*
	 * LSR has no stored bits: THRE and TEMT are always set, DR follows
	 * the receive side, and the error bits (OE/PE/FE/BI/bit 7) are
	 * never raised, so nothing needs latching or clearing.
	 */
	bool thre_pending; /* THR-empty interrupt latch */
	bool loop_full;    /* loopback: a byte waits in loop_byte */
	u8 loop_byte;      /* loopback: the one-byte receive holding register */
};

void uart_init(struct uart16550 *u);
/* offset 0..7 from the base port; size is always 1 byte for this model (wider accesses: caller splits). */
u8 uart_read(struct uart16550 *u, unsigned int offset, const struct uart_io *io);
void uart_write(struct uart16550 *u, unsigned int offset, u8 value, const struct uart_io *io);
/* True when the UART asserts its interrupt line (IRQ4 for COM1), per IER/IIR rules. */
bool uart_irq_pending(const struct uart16550 *u, const struct uart_io *io);

#endif
