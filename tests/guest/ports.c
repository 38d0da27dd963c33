/* SPDX-License-Identifier: MIT */
/*
 * ports: a port no device answers reads as all ones at every width (an
 * empty ISA bus) and takes writes without effect; the guest goes on.
 * The ports are ones a PC has devices on (PIT, system control, COM2, the
 * PICs' masks as reset, POST code, LPT1, PCI configuration) that Tessera
 * does not emulate for a child. (The CMOS RTC at 0x70/0x71 is emulated:
 * see rtc.c.)
 */
#include "guest.h"

GUEST_TEST(ports);

/* IN to AL keeps RAX bits 8-63: the emulation must merge, not overwrite. */
static uint64_t inb_keep_rax(uint16_t port, uint64_t rax)
{
	asm volatile("inb %w1, %b0" : "+a"(rax) : "d"(port) : "memory");
	return rax;
}

int test_main(uint64_t mem)
{
	static const uint16_t unused[] = {
		0x61, 0x40, 0x21, 0xa1, 0x2f8, 0x2fd, 0x80, 0x378, 0xcf8, 0xcfc,
	};
	uint64_t rax;

	(void)mem;
	for (unsigned int i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
		uint16_t p = unused[i];
		uint8_t b = inb(p);
		uint16_t w = inw(p);
		uint32_t l = inl(p);

		guest_check(b == 0xff, "inb %#x returned %#x, expected 0xff", p, b);
		guest_check(w == 0xffff, "inw %#x returned %#x, expected 0xffff", p, w);
		guest_check(l == 0xffffffffu, "inl %#x returned %#x, expected 0xffffffff", p, l);
	}
	guest_printf("ports: %u unused ports read all ones at 1, 2 and 4 bytes",
		     (unsigned int)(sizeof(unused) / sizeof(unused[0])));

	rax = inb_keep_rax(0x61, 0x1122334455667700ull);
	guest_check(rax == 0x11223344556677ffull, "inb 0x61 left RAX %#lx, expected "
		    "0x11223344556677ff", (unsigned long)rax);

	/* POST code and COM2's scratch register: both go nowhere. */
	outb(0x80, 0x42);
	outb(0x2ff, 0x5a);
	guest_check(inb(0x80) == 0xff, "inb 0x80 after outb 0x42 returned %#x", inb(0x80));
	guest_check(inb(0x2ff) == 0xff, "inb 0x2ff after outb 0x5a returned %#x", inb(0x2ff));
	guest_printf("ports: outb 0x80 and 0x2ff ignored");
	return 0;
}
