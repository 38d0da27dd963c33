/* Unit tests for hypervisor/core/uart16550.c (the emulated 16550A COM1). */
#include <tess/uart.h>

#include "tu.h"

/* A fake console: an input queue and a log of transmitted bytes. */
struct fake_console {
	u8 in[64];
	unsigned int in_head, in_tail;
	u8 out[1024];
	unsigned int out_len;
	unsigned int peeks, takes;
};

static struct fake_console con;

static void fake_tx(void *ctx, u8 byte)
{
	struct fake_console *c = ctx;

	if (c->out_len < sizeof(c->out))
		c->out[c->out_len] = byte;
	c->out_len++;
}

static bool fake_rx_peek(void *ctx, u8 *byte)
{
	struct fake_console *c = ctx;

	c->peeks++;
	if (c->in_head == c->in_tail)
		return false;
	*byte = c->in[c->in_head];
	return true;
}

static void fake_rx_take(void *ctx)
{
	struct fake_console *c = ctx;

	c->takes++;
	if (c->in_head != c->in_tail)
		c->in_head++;
}

static const struct uart_io io = {
	.tx = fake_tx,
	.rx_peek = fake_rx_peek,
	.rx_take = fake_rx_take,
	.ctx = &con,
};

static void input(const char *s)
{
	while (*s)
		con.in[con.in_tail++] = (u8)*s++;
}

static unsigned int input_left(void)
{
	return con.in_tail - con.in_head;
}

static struct uart16550 uart;

static void setup(void)
{
	memset(&con, 0, sizeof(con));
	memset(&uart, 0x5a, sizeof(uart));
	uart_init(&uart);
}

static u8 rd(unsigned int off)
{
	return uart_read(&uart, off, &io);
}

static void wr(unsigned int off, u8 v)
{
	uart_write(&uart, off, v, &io);
}

static bool irq(void)
{
	return uart_irq_pending(&uart, &io);
}

static void uart_reset_state(void)
{
	setup();
	CHECK_EQ(rd(UART_IER), 0);
	CHECK_EQ(rd(UART_IIR), 0x01);
	CHECK_EQ(rd(UART_LCR), 0);
	CHECK_EQ(rd(UART_MCR), 0);
	CHECK_EQ(rd(UART_LSR), 0x60);
	CHECK_EQ(rd(UART_MSR), 0xb0);
	CHECK(!uart.thre_pending);
	CHECK(!uart.loop_full);
	CHECK(!irq());
	CHECK_EQ(con.out_len, 0);
}

static void uart_dlab_divisor_roundtrip(void)
{
	setup();
	wr(UART_IER, 0x05);
	wr(UART_LCR, 0x83); /* DLAB, 8N1 */
	wr(UART_DLL, 0x0c);
	wr(UART_DLM, 0x01);
	CHECK_EQ(rd(UART_DLL), 0x0c);
	CHECK_EQ(rd(UART_DLM), 0x01);
	CHECK_EQ(rd(UART_LCR), 0x83);
	/* Divisor writes neither transmit nor touch IER. */
	CHECK_EQ(con.out_len, 0);
	wr(UART_LCR, 0x03);
	CHECK_EQ(rd(UART_IER), 0x05);
	CHECK_EQ(rd(UART_LCR), 0x03);
	/* With DLAB clear, offsets 0/1 are THR and IER again. */
	wr(UART_THR, 'z');
	wr(UART_IER, 0x00);
	CHECK_EQ(con.out_len, 1);
	CHECK_EQ(con.out[0], 'z');
	CHECK_EQ(rd(UART_IER), 0x00);
	wr(UART_LCR, 0x80);
	CHECK_EQ(rd(UART_DLL), 0x0c);
	CHECK_EQ(rd(UART_DLM), 0x01);
	/* Reading DLL with input waiting must not consume it. */
	input("q");
	CHECK_EQ(rd(UART_DLL), 0x0c);
	CHECK_EQ(input_left(), 1);
	CHECK_EQ(con.takes, 0);
}

static void uart_scr_roundtrip(void)
{
	static const u8 vals[] = { 0x00, 0xff, 0x55, 0xaa, 0x01, 0x80 };

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(vals); i++) {
		wr(UART_SCR, vals[i]);
		CHECK_EQ(rd(UART_SCR), vals[i]);
	}
	/* DLAB does not bank SCR. */
	wr(UART_LCR, 0x80);
	wr(UART_SCR, 0x3c);
	wr(UART_LCR, 0x00);
	CHECK_EQ(rd(UART_SCR), 0x3c);
}

static void uart_tx_reaches_console(void)
{
	const char *msg = "Linux version\r\n";

	setup();
	wr(UART_LCR, 0x03);
	for (const char *p = msg; *p; p++) {
		CHECK_EQ(rd(UART_LSR) & 0x60, 0x60); /* always ready */
		wr(UART_THR, (u8)*p);
	}
	CHECK_EQ(con.out_len, strlen(msg));
	CHECK(con.out_len == strlen(msg) && !memcmp(con.out, msg, strlen(msg)));
	CHECK_EQ(rd(UART_LSR), 0x60);
	/* All 256 byte values pass through unchanged. */
	con.out_len = 0;
	for (unsigned int b = 0; b < 256; b++)
		wr(UART_THR, (u8)b);
	CHECK_EQ(con.out_len, 256);
	for (unsigned int b = 0; b < 256 && b < con.out_len; b++)
		if (con.out[b] != b)
			tu_fail(__FILE__, __LINE__, "byte %u came out as 0x%02x", b, con.out[b]);
}

static void uart_rx_dr_and_consume(void)
{
	setup();
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
	input("ab");
	CHECK_EQ(rd(UART_LSR), 0x61);
	CHECK_EQ(rd(UART_LSR), 0x61);
	CHECK(con.peeks > 0);
	CHECK_EQ(con.takes, 0); /* LSR only peeks */
	CHECK_EQ(input_left(), 2);
	CHECK_EQ(rd(UART_RBR), 'a');
	CHECK_EQ(input_left(), 1);
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	CHECK_EQ(rd(UART_RBR), 'b');
	CHECK_EQ(input_left(), 0);
	CHECK_EQ(con.takes, 2);
	CHECK_EQ(rd(UART_LSR), 0x60);
	CHECK_EQ(rd(UART_RBR), 0);
	CHECK_EQ(con.takes, 2); /* nothing to take */
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
	/* A NUL byte is data too: DR tells it apart from "none". */
	con.in[con.in_tail++] = 0;
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	CHECK_EQ(rd(UART_RBR), 0);
	CHECK_EQ(con.takes, 3);
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
}

static void uart_iir_priority_rx_over_thre(void)
{
	setup();
	input("x");
	wr(UART_IER, UART_IER_RDI | UART_IER_THRI); /* arms THRE */
	CHECK(uart.thre_pending);
	/* RX outranks THRE, and reading IIR does not clear either. */
	CHECK_EQ(rd(UART_IIR), 0x04);
	CHECK_EQ(rd(UART_IIR), 0x04);
	CHECK(uart.thre_pending);
	CHECK_EQ(input_left(), 1);
	/* Consuming the byte clears RX; the latched THRE shows next. */
	CHECK_EQ(rd(UART_RBR), 'x');
	CHECK_EQ(rd(UART_IIR), 0x02);
	/* ...and reading IIR while it is the reported source clears it. */
	CHECK_EQ(rd(UART_IIR), 0x01);
	CHECK(!uart.thre_pending);
	/* Writing THR re-arms it (the transmitter empties at once). */
	wr(UART_THR, '!');
	CHECK_EQ(rd(UART_IIR), 0x02);
	CHECK_EQ(rd(UART_IIR), 0x01);
	/* New input while THRE is pending: RX shows, THRE stays latched. */
	wr(UART_THR, '?');
	input("y");
	CHECK_EQ(rd(UART_IIR), 0x04);
	CHECK_EQ(rd(UART_RBR), 'y');
	CHECK_EQ(rd(UART_IIR), 0x02);
	CHECK_EQ(rd(UART_IIR), 0x01);
}

static void uart_ier_masking(void)
{
	setup();
	/* IER bits 4-7 do not exist. */
	wr(UART_IER, 0xff);
	CHECK_EQ(rd(UART_IER), 0x0f);
	wr(UART_IER, 0x00);
	CHECK_EQ(rd(UART_IER), 0x00);
	(void)rd(UART_IIR);

	/* A latched THRE is invisible while IER bit 1 is clear. */
	wr(UART_THR, 'a');
	CHECK(uart.thre_pending);
	CHECK_EQ(rd(UART_IIR), 0x01);
	CHECK(uart.thre_pending); /* not reported, so not cleared */
	/* Waiting input is invisible while IER bit 0 is clear. */
	input("b");
	CHECK_EQ(rd(UART_IIR), 0x01);
	wr(UART_IER, UART_IER_RDI);
	CHECK_EQ(rd(UART_IIR), 0x04);
	/* Line status and modem status enables raise nothing. */
	CHECK_EQ(rd(UART_RBR), 'b');
	uart.thre_pending = false;
	wr(UART_IER, UART_IER_RLSI | UART_IER_MSI);
	CHECK_EQ(rd(UART_IIR), 0x01);

	/* Enabling THRI (0 -> 1) while THR is empty raises THRE... */
	wr(UART_IER, UART_IER_THRI);
	CHECK_EQ(rd(UART_IIR), 0x02);
	CHECK_EQ(rd(UART_IIR), 0x01);
	/* ...but rewriting IER with THRI already set does not. */
	wr(UART_IER, UART_IER_THRI | UART_IER_RDI);
	CHECK_EQ(rd(UART_IIR), 0x01);
	/* Off and on again does. */
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_THRI);
	CHECK_EQ(rd(UART_IIR), 0x02);
}

static void uart_out2_gating(void)
{
	setup();
	wr(UART_IER, UART_IER_THRI);
	CHECK(!irq()); /* MCR.OUT2 clear: line gated */
	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	CHECK(!irq());
	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	CHECK(irq());
	CHECK(irq()); /* asking does not acknowledge */
	CHECK_EQ(rd(UART_IIR), 0x02);
	CHECK(!irq());
	wr(UART_THR, 'a');
	CHECK(irq());
	wr(UART_IER, 0);
	CHECK(!irq()); /* masked by IER */
	wr(UART_IER, UART_IER_RDI);
	CHECK(!irq());
	input("k");
	CHECK(irq());
	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	CHECK(!irq()); /* OUT2 dropped */
	wr(UART_MCR, UART_MCR_OUT2);
	CHECK(irq());
	CHECK_EQ(rd(UART_RBR), 'k');
	CHECK(!irq());
	/* The line follows the input level without any register access. */
	input("m");
	CHECK(irq());
	/* A NULL io is tolerated: nothing to receive, nothing to send. */
	CHECK(!uart_irq_pending(&uart, NULL));
	uart_write(&uart, UART_THR, 'n', NULL);
	CHECK_EQ(uart_read(&uart, UART_RBR, NULL), 0);
}

static void uart_loopback_echo(void)
{
	setup();
	input("c"); /* console input must stay untouched in loopback */
	wr(UART_MCR, UART_MCR_LOOP);
	CHECK_EQ(rd(UART_MCR), UART_MCR_LOOP);
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
	wr(UART_THR, 0x5a);
	CHECK_EQ(con.out_len, 0); /* not transmitted */
	CHECK_EQ(rd(UART_LSR), 0x61);
	CHECK_EQ(rd(UART_RBR), 0x5a);
	CHECK_EQ(rd(UART_LSR), 0x60);
	CHECK_EQ(rd(UART_RBR), 0);
	CHECK_EQ(input_left(), 1);
	CHECK_EQ(con.takes, 0);
	/* One-byte holding register: the last byte written wins. */
	wr(UART_THR, 1);
	wr(UART_THR, 2);
	CHECK_EQ(rd(UART_RBR), 2);
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);

	/* MSR mirrors MCR: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	wr(UART_MCR, UART_MCR_LOOP);
	CHECK_EQ(rd(UART_MSR), 0x00);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	CHECK_EQ(rd(UART_MSR), 0x20);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	CHECK_EQ(rd(UART_MSR), 0x10);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
	CHECK_EQ(rd(UART_MSR), 0x40);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	CHECK_EQ(rd(UART_MSR), 0x80);
	wr(UART_MCR, UART_MCR_LOOP | 0x0a); /* Linux's loopback test */
	CHECK_EQ(rd(UART_MSR) & 0xf0, 0x90);
	wr(UART_MCR, 0xff);
	CHECK_EQ(rd(UART_MCR), 0x1f);
	CHECK_EQ(rd(UART_MSR), 0xf0);

	/* Interrupts: the IIR shows RX data, but the PC line is off. */
	wr(UART_IER, UART_IER_RDI);
	wr(UART_THR, 'L');
	CHECK_EQ(rd(UART_IIR), 0x04);
	CHECK(!irq());

	/* Leaving loopback: an unread probe byte does not leak out. */
	wr(UART_MCR, UART_MCR_OUT2);
	CHECK_EQ(rd(UART_MSR), 0xb0);
	CHECK(irq()); /* now the real input 'c' */
	CHECK_EQ(rd(UART_RBR), 'c');
	CHECK_EQ(rd(UART_RBR), 0);
	CHECK_EQ(con.out_len, 0);
	wr(UART_THR, 'T');
	CHECK_EQ(con.out_len, 1);
	CHECK_EQ(con.out[0], 'T');
	/* The unread loopback byte was dropped, not just hidden. */
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_THR, 'P');
	wr(UART_MCR, 0);
	wr(UART_MCR, UART_MCR_LOOP);
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(rd(UART_RBR), 0);
}

static void uart_fifo_bits_in_iir(void)
{
	setup();
	CHECK_EQ(rd(UART_IIR), 0x01);
	wr(UART_FCR, 0x01);
	CHECK_EQ(rd(UART_IIR), 0xc1);
	wr(UART_FCR, 0x87); /* enable, resets, 8-byte trigger */
	CHECK_EQ(rd(UART_IIR), 0xc1); /* FCR is write only: IIR reads back */
	CHECK_EQ(uart.fcr, 0x81);     /* resets self-clear */
	wr(UART_FCR, 0x21); /* 16750 64-byte bit: never reflected */
	CHECK_EQ(rd(UART_IIR), 0xc1);
	wr(UART_IER, UART_IER_THRI);
	CHECK_EQ(rd(UART_IIR), 0xc2);
	wr(UART_FCR, 0x06); /* bit 0 clear: FIFOs off */
	CHECK_EQ(rd(UART_IIR), 0x01);
	CHECK_EQ(uart.fcr, 0);
	/* FCR is at offset 2 whatever DLAB says. */
	wr(UART_LCR, 0x80);
	wr(UART_FCR, 0x01);
	wr(UART_LCR, 0x00);
	CHECK_EQ(rd(UART_IIR), 0xc1);
	/* FIFO resets never drop console input. */
	input("r");
	wr(UART_FCR, 0x07);
	wr(UART_FCR, 0x00);
	wr(UART_FCR, 0x01);
	CHECK_EQ(input_left(), 1);
	CHECK_EQ(rd(UART_RBR), 'r');
	/* ...but an RX reset does empty the loopback holding register. */
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_THR, 'h');
	wr(UART_FCR, 0x03);
	CHECK_EQ(rd(UART_LSR) & UART_LSR_DR, 0);
	wr(UART_THR, 'i');
	wr(UART_FCR, 0x05); /* TX reset only: the byte stays */
	CHECK_EQ(rd(UART_RBR), 'i');
}

static void uart_bad_offsets_and_readonly(void)
{
	struct uart16550 before;
	static const unsigned int bad[] = { 8, 9, 15, 0x100, 0x3f8, ~0u };

	setup();
	wr(UART_IER, 0x03);
	wr(UART_SCR, 0x42);
	wr(UART_MCR, UART_MCR_OUT2);
	wr(UART_FCR, 0x01);
	before = uart;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		wr(bad[i], 0xff);
		wr(bad[i], 0x00);
		CHECK_EQ(rd(bad[i]), 0xff);
	}
	CHECK(!memcmp(&before, &uart, sizeof(uart)));
	/* LSR and MSR ignore writes. */
	wr(UART_LSR, 0x00);
	wr(UART_LSR, 0xff);
	CHECK_EQ(rd(UART_LSR), 0x60);
	wr(UART_MSR, 0x00);
	wr(UART_MSR, 0x0f);
	CHECK_EQ(rd(UART_MSR), 0xb0);
	CHECK(!memcmp(&before, &uart, sizeof(uart)));
	CHECK_EQ(con.out_len, 0);
	CHECK_EQ(con.takes, 0);
}

/*
 * The 8250 driver's port types that matter here (only the names are
 * Linux's; the probe below is a re-statement of the register accesses
 * the driver makes, in order, for a COM port).
 */
enum probed_type {
	PROBED_NONE, PROBED_8250, PROBED_UNKNOWN, PROBED_16550, PROBED_16550A,
	PROBED_16650, PROBED_16850, PROBED_NS16550A, PROBED_16750,
	PROBED_XSCALE, PROBED_U6_16550A,
};

/* Count the bytes a loopback "FIFO" holds, as the driver's size_fifo(). */
static unsigned int probe_fifo_size(void)
{
	u8 lcr = rd(UART_LCR), mcr, fcr, dll, dlm;
	unsigned int n;

	wr(UART_LCR, 0);
	fcr = rd(UART_FCR); /* reads the IIR, as the driver does */
	mcr = rd(UART_MCR);
	wr(UART_FCR, 0x07);
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_LCR, 0x80);
	dll = rd(UART_DLL);
	dlm = rd(UART_DLM);
	wr(UART_DLL, 1);
	wr(UART_DLM, 0);
	wr(UART_LCR, 0x03);
	for (n = 0; n < 256; n++)
		wr(UART_THR, (u8)n);
	for (n = 0; n < 256 && (rd(UART_LSR) & UART_LSR_DR); n++)
		(void)rd(UART_RBR);
	wr(UART_FCR, fcr);
	wr(UART_MCR, mcr);
	wr(UART_LCR, 0x80);
	wr(UART_DLL, dll);
	wr(UART_DLM, dlm);
	wr(UART_LCR, lcr);
	return n;
}

static enum probed_type probe_16550a_family(unsigned int *fifo_bytes)
{
	u8 s1, s2, ier;

	/* An EFR visible with DLAB set (ST16C650V1)? */
	wr(UART_LCR, 0x80);
	if (rd(2) == 0)
		return PROBED_16650;
	/* An EFR visible with LCR = 0xbf (16C650V2, 16C850, ...)? */
	wr(UART_LCR, 0xbf);
	if (rd(2) == 0)
		return PROBED_16850;
	/* National Semiconductor: bank 2's EXCR1 echoes MCR.LOOP? */
	wr(UART_LCR, 0);
	s1 = rd(UART_MCR);
	wr(UART_LCR, 0xe0);
	s2 = rd(2);
	if (!((s1 ^ s2) & UART_MCR_LOOP)) {
		wr(UART_LCR, 0);
		wr(UART_MCR, s1 ^ UART_MCR_LOOP);
		wr(UART_LCR, 0xe0);
		s2 = rd(2);
		wr(UART_LCR, 0);
		wr(UART_MCR, s1);
		if ((s1 ^ s2) & UART_MCR_LOOP)
			return PROBED_NS16550A;
	}
	/* TI16750: IIR bit 5 follows FCR bit 5 only with DLAB set. */
	wr(UART_LCR, 0);
	wr(UART_FCR, 0x21);
	s1 = rd(UART_IIR) >> 5;
	wr(UART_FCR, 0x01);
	wr(UART_LCR, 0x80);
	wr(UART_FCR, 0x21);
	s2 = rd(UART_IIR) >> 5;
	wr(UART_FCR, 0x01);
	wr(UART_LCR, 0);
	if (s1 == 6 && s2 == 7)
		return PROBED_16750;
	/* XScale: IER bit 6 (UUE) sticks? */
	ier = rd(UART_IER);
	wr(UART_IER, ier & ~0x40);
	if (!(rd(UART_IER) & 0x40)) {
		wr(UART_IER, ier | 0x40);
		if (rd(UART_IER) & 0x40)
			return PROBED_XSCALE;
	}
	wr(UART_IER, ier);
	*fifo_bytes = probe_fifo_size();
	if (*fifo_bytes == 64)
		return PROBED_U6_16550A;
	return PROBED_16550A;
}

static enum probed_type probe_like_linux(bool skip_loop_test, unsigned int *fifo_bytes)
{
	enum probed_type type = PROBED_NONE;
	u8 save_ier, save_mcr, save_lcr, a, b;

	*fifo_bytes = 0;
	/* IER existence test. */
	save_ier = rd(UART_IER);
	wr(UART_IER, 0);
	a = rd(UART_IER) & 0x0f;
	wr(UART_IER, 0x0f);
	b = rd(UART_IER) & 0x0f;
	wr(UART_IER, save_ier);
	if (a != 0 || b != 0x0f)
		return PROBED_NONE;
	save_mcr = rd(UART_MCR);
	save_lcr = rd(UART_LCR);
	/* Loopback test: LOOP|OUT2|RTS must read back DCD|CTS. */
	if (!skip_loop_test) {
		wr(UART_MCR, UART_MCR_LOOP | 0x0a);
		a = rd(UART_MSR) & 0xf0;
		wr(UART_MCR, save_mcr);
		if (a != 0x90)
			return PROBED_NONE;
	}
	/* Clear a possible EFR, then turn the FIFOs on and look at IIR. */
	wr(UART_LCR, 0xbf);
	wr(2, 0);
	wr(UART_LCR, 0);
	wr(UART_FCR, 0x01);
	switch (rd(UART_IIR) >> 6) {
	case 0:
		type = PROBED_8250; /* (8250 vs 16450 by SCR; not needed) */
		break;
	case 1:
		type = PROBED_UNKNOWN;
		break;
	case 2:
		type = PROBED_16550;
		break;
	case 3:
		type = probe_16550a_family(fifo_bytes);
		break;
	}
	wr(UART_LCR, save_lcr);
	/* Reset: restore MCR, clear and disable the FIFOs, drain RX. */
	wr(UART_MCR, save_mcr);
	wr(UART_FCR, 0x01);
	wr(UART_FCR, 0x07);
	wr(UART_FCR, 0x00);
	(void)rd(UART_RBR);
	wr(UART_IER, 0);
	return type;
}

static void uart_linux_identifies_16550a(void)
{
	unsigned int fifo_bytes;
	u8 iir1, iir2, lsr;

	for (int skip = 0; skip < 2; skip++) {
		setup();
		CHECK_EQ(probe_like_linux(skip, &fifo_bytes), PROBED_16550A);
		CHECK_EQ(fifo_bytes, 1);
		CHECK_EQ(con.out_len, 0); /* probing printed nothing */
		CHECK(!uart.loop_full);
		CHECK_EQ(rd(UART_MCR), 0);
		CHECK_EQ(rd(UART_LCR), 0);
		CHECK_EQ(rd(UART_IER), 0);
	}
	/* Probing with the firmware's settings in place restores them. */
	setup();
	wr(UART_LCR, 0x03);
	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	CHECK_EQ(probe_like_linux(false, &fifo_bytes), PROBED_16550A);
	CHECK_EQ(rd(UART_LCR), 0x03);
	CHECK_EQ(rd(UART_MCR), 0x0b);
	CHECK_EQ(con.out_len, 0);

	/*
	 * Startup: the driver then enables THRI twice around an IER=0 and
	 * expects the THR-empty interrupt each time (else UART_BUG_THRE),
	 * and expects it with TEMT set (else UART_BUG_TXEN).
	 */
	wr(UART_FCR, 0x81);
	wr(UART_IER, UART_IER_THRI);
	iir1 = rd(UART_IIR);
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_THRI);
	iir2 = rd(UART_IIR);
	wr(UART_IER, 0);
	CHECK_EQ(iir1 & 0x0f, 0x02);
	CHECK_EQ(iir2 & 0x0f, 0x02);
	wr(UART_IER, UART_IER_THRI);
	lsr = rd(UART_LSR);
	iir1 = rd(UART_IIR);
	wr(UART_IER, 0);
	CHECK(lsr & UART_LSR_TEMT);
	CHECK_EQ(iir1 & UART_IIR_NO_INT, 0);
	CHECK_EQ(iir1, 0xc2);
}

/* The interrupt-driven flow of the 8250 driver's transmit path. */
static void uart_linux_tx_irq_flow(void)
{
	const char *msg = "0123456789abcdefXYZ"; /* 19 bytes: two loads */
	unsigned int sent = 0, irqs = 0;

	setup();
	wr(UART_LCR, 0x03);
	wr(UART_FCR, 0x81);
	wr(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	wr(UART_IER, UART_IER_RDI | UART_IER_RLSI);
	CHECK(!irq());
	/* start_tx: enable THRI and wait for the interrupt. */
	wr(UART_IER, UART_IER_RDI | UART_IER_RLSI | UART_IER_THRI);
	while (irq() && irqs < 10) {
		u8 iir = rd(UART_IIR);

		irqs++;
		if (iir & UART_IIR_NO_INT)
			break;
		if ((rd(UART_LSR) & UART_LSR_THRE) && (iir & 0x0f) == 0x02) {
			/* up to a FIFO load (16) per interrupt */
			for (int n = 0; n < 16 && msg[sent]; n++)
				wr(UART_THR, (u8)msg[sent++]);
			if (!msg[sent])
				wr(UART_IER, UART_IER_RDI | UART_IER_RLSI); /* stop_tx */
		}
	}
	CHECK_EQ(sent, strlen(msg));
	CHECK_EQ(con.out_len, strlen(msg));
	CHECK(con.out_len == strlen(msg) && !memcmp(con.out, msg, strlen(msg)));
	CHECK_EQ(irqs, 2);
	CHECK(!irq());
	/* Input raises the line; reading RBR until !DR lowers it. */
	input("ls\r");
	CHECK(irq());
	CHECK_EQ(rd(UART_IIR), 0xc4);
	for (int n = 0; n < 8 && (rd(UART_LSR) & UART_LSR_DR); n++)
		(void)rd(UART_RBR);
	CHECK_EQ(con.takes, 3);
	CHECK(!irq());
	CHECK_EQ(rd(UART_IIR), 0xc1);
}

static const struct tu_case cases[] = {
	TU_CASE(uart_reset_state),
	TU_CASE(uart_dlab_divisor_roundtrip),
	TU_CASE(uart_scr_roundtrip),
	TU_CASE(uart_tx_reaches_console),
	TU_CASE(uart_rx_dr_and_consume),
	TU_CASE(uart_iir_priority_rx_over_thre),
	TU_CASE(uart_ier_masking),
	TU_CASE(uart_out2_gating),
	TU_CASE(uart_loopback_echo),
	TU_CASE(uart_fifo_bits_in_iir),
	TU_CASE(uart_bad_offsets_and_readonly),
	TU_CASE(uart_linux_identifies_16550a),
	TU_CASE(uart_linux_tx_irq_flow),
};

TU_MAIN("uart", cases)
