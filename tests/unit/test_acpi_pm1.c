/*
 * Host unit tests for a child's ACPI PM1a registers and power button
 * (hypervisor/core/acpi_pm1.c), and for the SCI they raise on the 8259
 * pair (hypervisor/core/pic8259.c) the way core/child_io.c wires them.
 */
#include <tess/acpi_pm1.h>
#include <tess/pic.h>

#include "tu.h"

#define STS_LO 0x600
#define STS_HI 0x601
#define EN_LO 0x602
#define EN_HI 0x603
#define CNT_LO 0x604
#define CNT_HI 0x605

static u16 rd16(const struct acpi_pm1 *pm, u16 port)
{
	return (u16)(acpi_pm1_read(pm, port) | acpi_pm1_read(pm, (u16)(port + 1)) << 8);
}

static void wr16(struct acpi_pm1 *pm, u16 port, u16 v)
{
	acpi_pm1_write(pm, port, (u8)v);
	acpi_pm1_write(pm, (u16)(port + 1), (u8)(v >> 8));
}

static void reset_state_and_ports(void)
{
	struct acpi_pm1 pm;

	acpi_pm1_reset(&pm);
	CHECK_EQ(rd16(&pm, STS_LO), 0);
	CHECK_EQ(rd16(&pm, EN_LO), 0);
	CHECK_EQ(rd16(&pm, CNT_LO), 0x0001);     /* SCI_EN: always in ACPI mode */
	CHECK(!acpi_pm1_sci(&pm));
	CHECK(!acpi_pm1_port(0x5ff) && acpi_pm1_port(STS_LO) && acpi_pm1_port(CNT_HI));
	CHECK(!acpi_pm1_port(0x606));
	CHECK_EQ(acpi_pm1_read(&pm, 0x606), 0xff);
	wr16(&pm, CNT_LO, 0x0000);               /* SCI_EN is the hardware's */
	CHECK_EQ(rd16(&pm, CNT_LO), 0x0001);
}

static void enable_bits_kept(void)
{
	struct acpi_pm1 pm;

	acpi_pm1_reset(&pm);
	wr16(&pm, EN_LO, 0xffff);
	CHECK_EQ(rd16(&pm, EN_LO), 0x4721);      /* reserved bits dropped */
	acpi_pm1_write(&pm, EN_HI, 0x00);        /* one byte leaves the other alone */
	CHECK_EQ(rd16(&pm, EN_LO), 0x0021);
	wr16(&pm, EN_LO, ACPI_PM1_PWRBTN);
	CHECK_EQ(rd16(&pm, EN_LO), ACPI_PM1_PWRBTN);
}

/* A press sets PWRBTN_STS even when disabled; no SCI until it is enabled. */
static void press_without_enable(void)
{
	struct acpi_pm1 pm;

	acpi_pm1_reset(&pm);
	acpi_pm1_press_power_button(&pm);
	CHECK_EQ(rd16(&pm, STS_LO), ACPI_PM1_PWRBTN);
	CHECK(!acpi_pm1_sci(&pm));
	wr16(&pm, EN_LO, 0x0020);                /* GBL_EN only: still nothing */
	CHECK(!acpi_pm1_sci(&pm));
	wr16(&pm, EN_LO, 0x0020 | ACPI_PM1_PWRBTN); /* the held status now raises it */
	CHECK(acpi_pm1_sci(&pm));
	wr16(&pm, EN_LO, 0);
	CHECK(!acpi_pm1_sci(&pm));
	CHECK_EQ(rd16(&pm, STS_LO), ACPI_PM1_PWRBTN); /* disabling does not clear */
}

/* Status bits: write 1 to clear, 0 leaves them; the SCI follows. */
static void write_one_to_clear(void)
{
	struct acpi_pm1 pm;

	acpi_pm1_reset(&pm);
	wr16(&pm, EN_LO, ACPI_PM1_PWRBTN);
	acpi_pm1_press_power_button(&pm);
	CHECK(acpi_pm1_sci(&pm));
	wr16(&pm, STS_LO, 0x0000);
	wr16(&pm, STS_LO, (u16)~ACPI_PM1_PWRBTN); /* every other bit */
	CHECK_EQ(rd16(&pm, STS_LO), ACPI_PM1_PWRBTN);
	CHECK(acpi_pm1_sci(&pm));
	acpi_pm1_press_power_button(&pm);        /* a second press merges with it */
	acpi_pm1_write(&pm, STS_HI, 0x01);       /* PWRBTN_STS is bit 0 of the high byte */
	CHECK_EQ(rd16(&pm, STS_LO), 0);
	CHECK(!acpi_pm1_sci(&pm));
	wr16(&pm, STS_LO, 0xffff);               /* clearing a clear status is harmless */
	CHECK_EQ(rd16(&pm, STS_LO), 0);
	acpi_pm1_press_power_button(&pm);        /* the next press raises it again */
	CHECK(acpi_pm1_sci(&pm));
}

static void s5_request(void)
{
	CHECK(acpi_pm1_s5_requested(CNT_LO, 0x3400, 2));
	CHECK(acpi_pm1_s5_requested(CNT_LO, 0x3401, 4));
	CHECK(acpi_pm1_s5_requested(CNT_HI, 0x34, 1));
	CHECK(!acpi_pm1_s5_requested(CNT_LO, 0x1400, 2)); /* no SLP_EN */
	CHECK(!acpi_pm1_s5_requested(CNT_LO, 0x2c00, 2)); /* S3 */
	CHECK(!acpi_pm1_s5_requested(CNT_LO, 0x34, 1));   /* low byte only */
	CHECK(!acpi_pm1_s5_requested(STS_LO, 0x3400, 2));
	CHECK(!acpi_pm1_s5_requested(0x606, 0x3400, 2));
}

/*
 * Linux's 8259 set-up (bases 0x30/0x38, IRQ 9 the only one unmasked, level-
 * or edge-triggered) and PM1a with the power button enabled.
 */
static void sci_setup(struct pic_pair *p, struct acpi_pm1 *pm, bool level)
{
	acpi_pm1_reset(pm);
	wr16(pm, EN_LO, ACPI_PM1_PWRBTN);
	pic_reset(p);
	pic_write(p, 0x20, 0x11); pic_write(p, 0x21, 0x30);
	pic_write(p, 0x21, 0x04); pic_write(p, 0x21, 0x01);
	pic_write(p, 0xa0, 0x11); pic_write(p, 0xa1, 0x38);
	pic_write(p, 0xa1, 0x02); pic_write(p, 0xa1, 0x01);
	pic_write(p, 0x4d1, level ? 0x02 : 0x00); /* ELCR: IRQ 9 */
	pic_write(p, 0x21, 0xfb);                  /* the cascade only */
	pic_write(p, 0xa1, 0xfd);                  /* IRQ 9 only */
}

/* What child_io.c does before each entry: drive IRQ 9 with the SCI. */
static void sample(struct pic_pair *p, const struct acpi_pm1 *pm)
{
	pic_set_irq(p, ACPI_SCI_IRQ, acpi_pm1_sci(pm));
}

static void eoi_slave_and_master(struct pic_pair *p)
{
	pic_write(p, 0xa0, 0x61);                  /* specific EOI, IRQ 9 */
	pic_write(p, 0x20, 0x62);                  /* specific EOI, cascade */
}

/*
 * Level-triggered (as Linux sets it): a press until the status is cleared
 * keeps requesting, even across an EOI (no lost press), and once cleared
 * nothing more arrives (no storm).
 */
static void sci_level_on_pic(void)
{
	struct acpi_pm1 pm;
	struct pic_pair p;

	sci_setup(&p, &pm, true);
	sample(&p, &pm);
	CHECK_EQ(pic_peek(&p), -1);
	acpi_pm1_press_power_button(&pm);
	sample(&p, &pm);
	CHECK_EQ(pic_ack(&p), 0x39);
	sample(&p, &pm);
	CHECK_EQ(pic_peek(&p), -1);                /* in service */
	eoi_slave_and_master(&p);
	sample(&p, &pm);
	CHECK_EQ(pic_peek(&p), 0x39);              /* still asserted: asked again */
	CHECK_EQ(pic_ack(&p), 0x39);
	wr16(&pm, STS_LO, ACPI_PM1_PWRBTN);        /* the handler clears the status */
	sample(&p, &pm);
	eoi_slave_and_master(&p);
	sample(&p, &pm);
	CHECK_EQ(pic_peek(&p), -1);
	CHECK_EQ(pic_read(&p, 0xa0) & 0x02, 0);    /* IRR: the line is down */
	acpi_pm1_press_power_button(&pm);          /* the next press comes through */
	sample(&p, &pm);
	CHECK_EQ(pic_ack(&p), 0x39);
}

/* Edge-triggered (ELCR clear): one request per press, none repeated. */
static void sci_edge_on_pic(void)
{
	struct acpi_pm1 pm;
	struct pic_pair p;

	sci_setup(&p, &pm, false);
	acpi_pm1_press_power_button(&pm);
	sample(&p, &pm);
	CHECK_EQ(pic_ack(&p), 0x39);
	eoi_slave_and_master(&p);
	sample(&p, &pm);
	CHECK_EQ(pic_peek(&p), -1);                /* no new edge while it stays up */
	wr16(&pm, STS_LO, ACPI_PM1_PWRBTN);
	sample(&p, &pm);
	acpi_pm1_press_power_button(&pm);
	sample(&p, &pm);
	CHECK_EQ(pic_ack(&p), 0x39);               /* the next press is a new edge */
}

static const struct tu_case cases[] = {
	TU_CASE(reset_state_and_ports),
	TU_CASE(enable_bits_kept),
	TU_CASE(press_without_enable),
	TU_CASE(write_one_to_clear),
	TU_CASE(s5_request),
	TU_CASE(sci_level_on_pic),
	TU_CASE(sci_edge_on_pic),
};

TU_MAIN("acpi_pm1", cases)
