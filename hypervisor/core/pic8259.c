/* The 8259A pair (see tess/pic.h; ICW/OCW formats: Intel 8259A data sheet). */
#include <tess/lib.h>
#include <tess/pic.h>

#define ICW1_INIT 0x10
#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define OCW3_SELECT 0x08
#define OCW3_READ_REG 0x02
#define OCW3_READ_ISR 0x01
#define OCW2_EOI 0x20
#define OCW2_SPECIFIC 0x40
#define ICW4_AEOI 0x02
#define CASCADE_IRQ 2

void pic_reset(struct pic_pair *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 2; i++) {
		p->chip[i].imr = 0xff;
		p->chip[i].base = (u8)(0x08 + i * 0x68); /* BIOS default: 0x08, 0x70 */
	}
}

bool pic_port(u16 port)
{
	return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 ||
	       port == 0x4d0 || port == 0x4d1;
}

/* Highest-priority (lowest-numbered) set bit, or -1. */
static int pic_lowest_bit(u8 bits)
{
	return bits ? __builtin_ctz(bits) : -1;
}

/* The IRQ this chip would deliver: unmasked, requested, above any in service. */
static int pic_chip_pending(const struct pic8259 *c)
{
	int req = pic_lowest_bit(c->irr & ~c->imr);
	int svc = pic_lowest_bit(c->isr);

	if (req < 0 || (svc >= 0 && svc <= req))
		return -1;
	return req;
}

/*
 * The slave's output is the master's input 2, and it behaves as a level:
 * a second slave request while the first is still up must not be lost.
 */
static void pic_update_cascade(struct pic_pair *p)
{
	struct pic8259 *m = &p->chip[0];
	u8 bit = 1u << CASCADE_IRQ;

	if (pic_chip_pending(&p->chip[1]) >= 0) {
		m->irr |= bit;
		m->lines |= bit;
	} else {
		m->irr &= (u8)~bit;
		m->lines &= (u8)~bit;
	}
}

static void pic_chip_set(struct pic8259 *c, unsigned int irq, bool level)
{
	u8 bit = (u8)(1u << irq);
	bool was = c->lines & bit;

	c->lines = level ? c->lines | bit : c->lines & ~bit;
	if (c->elcr & bit) /* level: the request follows the line */
		c->irr = level ? c->irr | bit : c->irr & ~bit;
	else if (level && !was) /* edge: a rising edge latches a request */
		c->irr |= bit;
}

void pic_set_irq(struct pic_pair *p, unsigned int irq, bool level)
{
	if (irq >= 16 || irq == CASCADE_IRQ)
		return; /* input 2 is wired to the slave */
	pic_chip_set(&p->chip[irq / 8], irq % 8, level);
	if (irq >= 8)
		pic_update_cascade(p);
}

bool pic_output(const struct pic_pair *p)
{
	return pic_chip_pending(&p->chip[0]) >= 0;
}

static void pic_eoi(struct pic8259 *c, u8 value)
{
	int irq = (value & OCW2_SPECIFIC) ? (value & 7) : pic_lowest_bit(c->isr);

	if (irq >= 0)
		c->isr &= (u8)~(1u << irq);
}

static void pic_write_command(struct pic8259 *c, u8 value)
{
	if (value & ICW1_INIT) {
		c->init_step = 2;
		c->icw4_needed = value & ICW1_IC4;
		c->single = value & ICW1_SNGL;
		c->imr = 0;
		c->isr = 0;
		c->irr &= c->elcr; /* edge requests are forgotten */
		c->auto_eoi = false;
		c->read_isr = false;
	} else if (value & OCW3_SELECT) {
		if (value & OCW3_READ_REG)
			c->read_isr = value & OCW3_READ_ISR;
	} else if (value & OCW2_EOI) {
		pic_eoi(c, value);
	} /* rotation and priority commands are ignored: fixed priority */
}

static void pic_write_data(struct pic8259 *c, u8 value)
{
	switch (c->init_step) {
	case 2:
		c->base = value & 0xf8;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		c->init_step = c->icw4_needed ? 4 : 0; /* cascade wiring is fixed */
		break;
	case 4:
		c->auto_eoi = value & ICW4_AEOI;
		c->init_step = 0;
		break;
	default:
		c->imr = value;
	}
}

u8 pic_read(struct pic_pair *p, u16 port)
{
	struct pic8259 *c = &p->chip[(port & 0x80) ? 1 : 0];

	if (port == 0x4d0 || port == 0x4d1)
		return p->chip[port & 1].elcr;
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

void pic_write(struct pic_pair *p, u16 port, u8 value)
{
	struct pic8259 *c = &p->chip[(port & 0x80) ? 1 : 0];

	if (port == 0x4d0 || port == 0x4d1) {
		/* IRQ 0, 1, 2, 8 and 13 are always edge-triggered on a PC */
		p->chip[port & 1].elcr = value & (port == 0x4d0 ? 0xf8 : 0xde);
		return;
	}
	if (port & 1)
		pic_write_data(c, value);
	else
		pic_write_command(c, value);
	pic_update_cascade(p);
}

/* Take the pending request of chip c: IRR -> ISR (unless auto-EOI). */
static int pic_chip_ack(struct pic8259 *c)
{
	int irq = pic_chip_pending(c);

	if (irq < 0)
		return -1;
	if (!(c->elcr & (1u << irq)))
		c->irr &= (u8)~(1u << irq);
	if (!c->auto_eoi)
		c->isr |= (u8)(1u << irq);
	return irq;
}

int pic_peek(const struct pic_pair *p)
{
	int irq = pic_chip_pending(&p->chip[0]), slave_irq;

	if (irq < 0)
		return -1;
	if (irq != CASCADE_IRQ)
		return p->chip[0].base + irq;
	slave_irq = pic_chip_pending(&p->chip[1]);
	return p->chip[1].base + (slave_irq < 0 ? 7 : slave_irq);
}

int pic_ack(struct pic_pair *p)
{
	int irq = pic_chip_ack(&p->chip[0]);
	int slave_irq;

	if (irq < 0)
		return -1;
	if (irq != CASCADE_IRQ)
		return p->chip[0].base + irq;
	slave_irq = pic_chip_ack(&p->chip[1]);
	pic_update_cascade(p);
	/* A request that vanished before INTA is a spurious IRQ 15 (data sheet). */
	return p->chip[1].base + (slave_irq < 0 ? 7 : slave_irq);
}
