/* Host unit tests for the 8259A pair (hypervisor/core/pic8259.c). */
#include <string.h>
#include <tess/pic.h>

#include "tu.h"

/* The sequence Linux's init_8259A() uses: edge, cascade, ICW4, bases 0x30/0x38. */
static void linux_init(struct pic_pair *p)
{
	pic_write(p, 0x21, 0xff);
	pic_write(p, 0xa1, 0xff);
	pic_write(p, 0x20, 0x11); /* ICW1: init, ICW4 needed */
	pic_write(p, 0x21, 0x30); /* ICW2: vector base */
	pic_write(p, 0x21, 0x04); /* ICW3: slave on IR2 */
	pic_write(p, 0x21, 0x01); /* ICW4: 8086 mode */
	pic_write(p, 0xa0, 0x11);
	pic_write(p, 0xa1, 0x38);
	pic_write(p, 0xa1, 0x02);
	pic_write(p, 0xa1, 0x01);
	pic_write(p, 0x21, 0xfb); /* everything masked but the cascade */
	pic_write(p, 0xa1, 0xff);
}

static void reset_and_masks(void)
{
	struct pic_pair p;

	pic_reset(&p);
	CHECK_EQ(pic_read(&p, 0x21), 0xff);
	CHECK_EQ(pic_read(&p, 0xa1), 0xff);
	pic_set_irq(&p, 4, true);
	CHECK(!pic_output(&p));                 /* masked */
	linux_init(&p);
	CHECK_EQ(pic_read(&p, 0x21), 0xfb);
	CHECK(!pic_port(0x40) && pic_port(0x20) && pic_port(0x4d1));
}

static void edge_irq_ack_eoi(void)
{
	struct pic_pair p;

	pic_reset(&p);
	linux_init(&p);
	pic_write(&p, 0x21, 0xeb);              /* unmask IRQ 4 */
	pic_set_irq(&p, 4, true);
	CHECK(pic_output(&p));
	CHECK_EQ(pic_read(&p, 0x20), 1u << 4);  /* IRR by default */
	CHECK_EQ(pic_ack(&p), 0x34);
	CHECK(!pic_output(&p));                 /* in service, request taken */
	pic_write(&p, 0x20, 0x0b);              /* OCW3: read ISR */
	CHECK_EQ(pic_read(&p, 0x20), 1u << 4);
	pic_write(&p, 0x20, 0x20);              /* non-specific EOI */
	CHECK_EQ(pic_read(&p, 0x20), 0);
	CHECK(!pic_output(&p));                 /* the line is still high: no new edge */
	pic_set_irq(&p, 4, false);
	pic_set_irq(&p, 4, true);
	CHECK(pic_output(&p));
	CHECK_EQ(pic_ack(&p), 0x34);           /* the new edge */
}

static void level_irq_follows_line(void)
{
	struct pic_pair p;

	pic_reset(&p);
	linux_init(&p);
	pic_write(&p, 0x4d0, 0x20);             /* IRQ 5 level-triggered */
	CHECK_EQ(pic_read(&p, 0x4d0), 0x20);
	pic_write(&p, 0x4d0, 0x07);             /* IRQ 0-2 cannot be level */
	CHECK_EQ(pic_read(&p, 0x4d0), 0);
	pic_write(&p, 0x4d0, 0x20);
	pic_write(&p, 0x21, 0xdb);
	pic_set_irq(&p, 5, true);
	CHECK_EQ(pic_ack(&p), 0x35);
	pic_write(&p, 0x20, 0x65);              /* specific EOI for IRQ 5 */
	CHECK(pic_output(&p));                  /* line still high: requested again */
	pic_set_irq(&p, 5, false);
	CHECK(!pic_output(&p));
}

static void priority_and_nesting(void)
{
	struct pic_pair p;

	pic_reset(&p);
	linux_init(&p);
	pic_write(&p, 0x21, 0x00);
	pic_set_irq(&p, 6, true);
	pic_set_irq(&p, 3, true);
	CHECK_EQ(pic_ack(&p), 0x33);            /* IRQ 3 before IRQ 6 */
	CHECK(!pic_output(&p));                 /* 6 is lower than 3 in service */
	pic_set_irq(&p, 1, true);
	CHECK(pic_output(&p));                  /* 1 is higher: nests */
	CHECK_EQ(pic_ack(&p), 0x31);
	pic_write(&p, 0x20, 0x20);              /* ends 1 */
	pic_write(&p, 0x20, 0x20);              /* ends 3 */
	CHECK_EQ(pic_ack(&p), 0x36);
}

static void cascade(void)
{
	struct pic_pair p;

	pic_reset(&p);
	linux_init(&p);
	pic_write(&p, 0xa1, 0xfe);              /* unmask IRQ 8 */
	pic_set_irq(&p, 8, true);
	CHECK(pic_output(&p));
	CHECK_EQ(pic_ack(&p), 0x38);
	pic_write(&p, 0xa1, 0xf0);              /* unmask IRQ 8-11 */
	pic_set_irq(&p, 10, true);              /* a second slave request meanwhile */
	pic_write(&p, 0xa0, 0x20);              /* EOI slave (ends 8) */
	pic_write(&p, 0x20, 0x20);              /* EOI master (ends cascade) */
	CHECK(pic_output(&p));                  /* 10 must not be lost */
	CHECK_EQ(pic_ack(&p), 0x3a);
}

/* pic_peek says what INTA would give, and changes nothing. */
static void peek_matches_ack(void)
{
	struct pic_pair p, before;

	pic_reset(&p);
	linux_init(&p);
	CHECK_EQ(pic_peek(&p), -1);
	pic_write(&p, 0x21, 0xe0);              /* unmask IRQ 0-4 (2: cascade) */
	pic_write(&p, 0xa1, 0xfe);              /* and IRQ 8 */
	pic_set_irq(&p, 4, true);
	pic_set_irq(&p, 8, true);
	before = p;
	CHECK_EQ(pic_peek(&p), 0x38);           /* slave via IRQ 2 beats IRQ 4 */
	CHECK(!memcmp(&before, &p, sizeof(p)));
	CHECK_EQ(pic_ack(&p), 0x38);
	CHECK_EQ(pic_peek(&p), -1);             /* IRQ 4 waits below IRQ 2 in service */
	pic_write(&p, 0xa0, 0x20);
	pic_write(&p, 0x20, 0x20);
	CHECK_EQ(pic_peek(&p), 0x34);
	CHECK_EQ(pic_ack(&p), 0x34);
}

static void auto_eoi_and_reinit(void)
{
	struct pic_pair p;

	pic_reset(&p);
	pic_write(&p, 0x20, 0x13);              /* single, ICW4 */
	pic_write(&p, 0x21, 0x40);
	pic_write(&p, 0x21, 0x03);              /* ICW4: auto-EOI */
	pic_write(&p, 0x21, 0x00);
	pic_set_irq(&p, 7, true);
	CHECK_EQ(pic_ack(&p), 0x47);
	pic_write(&p, 0x20, 0x0b);
	CHECK_EQ(pic_read(&p, 0x20), 0);        /* nothing in service */
	CHECK_EQ(pic_ack(&p), -1);
	pic_set_irq(&p, 9, true);               /* out-of-range inputs are harmless */
	pic_set_irq(&p, 99, true);
}

static const struct tu_case cases[] = {
	TU_CASE(reset_and_masks),
	TU_CASE(edge_irq_ack_eoi),
	TU_CASE(level_irq_follows_line),
	TU_CASE(priority_and_nesting),
	TU_CASE(cascade),
	TU_CASE(peek_matches_ack),
	TU_CASE(auto_eoi_and_reinit),
};

TU_MAIN("pic", cases)
