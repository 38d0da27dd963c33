/*
 * The two cascaded 8259A interrupt controllers of a PC (Intel 8259A data
 * sheet; slave on master input 2), as pure logic. Modelled: the ICW1-ICW4
 * initialisation, IMR (OCW1), non-specific and specific EOI (OCW2), IRR/ISR
 * reads (OCW3), auto-EOI, edge and level triggering (the ELCR ports
 * 0x4d0/0x4d1). Fixed priorities only: rotation and special mask mode are
 * accepted and ignored. A child's PIC output reaches its vCPU 0 through
 * LINT0 in ExtINT mode (virtual-wire mode, MP specification 1.4 3.6.2.2).
 */
#ifndef TESS_PIC_H
#define TESS_PIC_H

#include <tess/types.h>

struct pic8259 {
	u8 irr, isr, imr;
	u8 base;          /* vector of IRQ 0 (ICW2) */
	u8 elcr;          /* 1 = level-triggered */
	u8 lines;         /* current input levels */
	u8 init_step;     /* 0: not initialising; 2..4: next ICW expected */
	bool icw4_needed, single, auto_eoi, read_isr;
};

struct pic_pair {
	struct pic8259 chip[2]; /* 0: master (0x20), 1: slave (0xa0) */
};

void pic_reset(struct pic_pair *p);
/* Ports 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1; false if not a PIC port. */
bool pic_port(u16 port);
u8 pic_read(struct pic_pair *p, u16 port);
void pic_write(struct pic_pair *p, u16 port, u8 value);
/* Drive input irq (0-15) to level. */
void pic_set_irq(struct pic_pair *p, unsigned int irq, bool level);
/* Is the master's INT output asserted? */
bool pic_output(const struct pic_pair *p);
/* INTA: the vector for the CPU, with IRR -> ISR; -1 if nothing pending. */
int pic_ack(struct pic_pair *p);
/* The vector an INTA now would give, changing nothing; -1 if none. */
int pic_peek(const struct pic_pair *p);

#endif
