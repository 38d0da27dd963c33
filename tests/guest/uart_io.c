/* SPDX-License-Identifier: MIT */
/*
 * uart_io: COM1 (0x3f8) is a 16550A, found the way Linux's 8250 driver
 * finds one at a basic level: the scratch register keeps 0x55 and 0xaa,
 * the divisor latch (LCR.DLAB) keeps DLL/DLM, FCR = 0x07 makes IIR bits
 * 6-7 read 11, and in loopback (MCR bit 4) a byte written to THR comes
 * back from RBR with LSR.DR set. Then a line goes out byte by byte, each
 * after LSR.THRE: it must reach the console ring (the runner checks that
 * "uart_io: hello through COM1" is in tess-run's output).
 */
#include "guest.h"

GUEST_TEST(uart_io);

#define COM1 0x3f8
#define UART_RBR 0      /* DLAB=0, read */
#define UART_THR 0      /* DLAB=0, write */
#define UART_DLL 0      /* DLAB=1 */
#define UART_IER 1
#define UART_DLM 1      /* DLAB=1 */
#define UART_IIR 2      /* read */
#define UART_FCR 2      /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07   /* enable, clear RX and TX */
#define IIR_FIFOS 0xc0
#define MCR_LOOP 0x10
#define MCR_DTR_RTS 0x03
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define POLL_LIMIT 100000

static uint8_t reg_in(unsigned int off)
{
	return inb((uint16_t)(COM1 + off));
}

static void reg_out(unsigned int off, uint8_t v)
{
	outb((uint16_t)(COM1 + off), v);
}

static void check_scratch(void)
{
	static const uint8_t pattern[] = { 0x55, 0xaa };
	uint8_t got;

	for (unsigned int i = 0; i < sizeof(pattern); i++) {
		reg_out(UART_SCR, pattern[i]);
		got = reg_in(UART_SCR);
		guest_check(got == pattern[i], "SCR wrote %#x, read %#x", pattern[i], got);
	}
}

static void check_divisor(void)
{
	uint8_t lcr = reg_in(UART_LCR), dll, dlm, old_dll, old_dlm;

	reg_out(UART_LCR, lcr | LCR_DLAB);
	old_dll = reg_in(UART_DLL);
	old_dlm = reg_in(UART_DLM);
	reg_out(UART_DLL, 0x0c);        /* 9600 baud */
	reg_out(UART_DLM, 0x5a);
	dll = reg_in(UART_DLL);
	dlm = reg_in(UART_DLM);
	guest_check(dll == 0x0c && dlm == 0x5a,
		    "divisor latch wrote DLL 0x0c DLM 0x5a, read DLL %#x DLM %#x", dll, dlm);
	reg_out(UART_DLL, old_dll);
	reg_out(UART_DLM, old_dlm);
	dll = reg_in(UART_DLL);
	dlm = reg_in(UART_DLM);
	guest_check(dll == old_dll && dlm == old_dlm,
		    "divisor not restored: DLL %#x DLM %#x, expected %#x %#x",
		    dll, dlm, old_dll, old_dlm);
	reg_out(UART_LCR, lcr & (uint8_t)~LCR_DLAB);
	guest_check(reg_in(UART_LCR) == (lcr & (uint8_t)~LCR_DLAB),
		    "LCR reads %#x after leaving DLAB, expected %#x", reg_in(UART_LCR),
		    lcr & (uint8_t)~LCR_DLAB);
	guest_printf("uart_io: divisor latch was DLL %#x DLM %#x", old_dll, old_dlm);
}

static void check_fifo(void)
{
	uint8_t iir;

	reg_out(UART_FCR, FCR_ENABLE_CLEAR);
	iir = reg_in(UART_IIR);
	guest_check((iir & IIR_FIFOS) == IIR_FIFOS,
		    "IIR %#x after FCR=0x07: bits 6-7 are not 11 (not a 16550A)", iir);
	guest_printf("uart_io: IIR %#x with FIFOs on: 16550A", iir);
}

static void check_loopback(void)
{
	uint8_t mcr = reg_in(UART_MCR), lsr, rbr;

	reg_out(UART_MCR, MCR_LOOP);
	reg_out(UART_THR, 0xa5);
	lsr = reg_in(UART_LSR);
	guest_check(lsr & LSR_DR, "loopback: LSR %#x, DR not set after a THR write", lsr);
	rbr = reg_in(UART_RBR);
	guest_check(rbr == 0xa5, "loopback: RBR %#x, expected 0xa5", rbr);
	lsr = reg_in(UART_LSR);
	guest_check(!(lsr & LSR_DR), "loopback: LSR %#x, DR still set after reading RBR",
		    lsr);
	reg_out(UART_MCR, mcr & (uint8_t)~MCR_LOOP);
	guest_check(!(reg_in(UART_MCR) & MCR_LOOP), "MCR.LOOP still set after clearing it");
}

static void uart_putc(char ch)
{
	unsigned int n = 0;

	while (!(reg_in(UART_LSR) & LSR_THRE))
		if (++n == POLL_LIMIT)
			guest_fail("LSR.THRE never set (LSR %#x)", reg_in(UART_LSR));
	reg_out(UART_THR, (uint8_t)ch);
}

int test_main(uint64_t mem)
{
	static const char line[] = "uart_io: hello through COM1\n";

	(void)mem;
	reg_out(UART_IER, 0);            /* polling: no interrupts */
	reg_out(UART_LCR, LCR_8N1);
	check_scratch();
	check_divisor();
	check_fifo();
	check_loopback();
	reg_out(UART_MCR, MCR_DTR_RTS);

	for (const char *p = line; *p; p++)
		uart_putc(*p);
	return 0;
}
