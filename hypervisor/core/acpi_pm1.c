/*
 * The ACPI PM1a registers of a child (see tess/acpi_pm1.h). Sections are
 * those of ACPI 6.5.
 *
 * PM1a_STS (4.8.3.1.1): status bits are set by hardware and cleared only
 * by software writing 1 to them; writing 0 leaves them alone. The only
 * event this platform has is the fixed power button (4.8.2.2.1), so
 * PWRBTN_STS is the only bit that is ever set.
 * PM1a_EN (4.8.3.1.2): keeps the defined enable bits (TMR, GBL, PWRBTN,
 * SLPBTN, RTC, PCIEXP_WAKE_DIS), because ACPICA reads an enable bit back
 * after setting it and gives up on the event if it does not stick.
 * The SCI is asserted while any event has both its status and its enable
 * bit set ("while PWRBTN_EN and PWRBTN_STS are both set, an interrupt event
 * is raised"), and stays asserted until software clears the status: a
 * level, so no press is lost and an acknowledged one does not fire again.
 * PM1a_CNT (4.8.3.2.1): SCI_EN always reads 1. It is the hardware's bit
 * (OSPM preserves it), and with no SMI_CMD port in the FADT the platform
 * is always in ACPI mode, so every event goes to the SCI. SLP_TYP (bits
 * 10-12) with SLP_EN (bit 13) enters a sleep state; only S5, the DSDT's
 * _S5 package {5, 5}, is offered.
 */
#include <tess/acpi_pm1.h>

#define PM1_EN_OFF 2
#define PM1_EVT_LEN 4
#define PM1_CNT_LEN 2
/* TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN, PCIEXP_WAKE_DIS */
#define PM1_EN_BITS 0x4721
/* The enable bits that raise an SCI (PCIEXP_WAKE_DIS only gates wakes). */
#define PM1_SCI_EVENTS 0x0721
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000
#define PM1_CNT_SLP_TYP_SHIFT 10
#define SLP_TYP_S5 5

void acpi_pm1_reset(struct acpi_pm1 *pm)
{
	pm->sts = 0;
	pm->en = 0;
}

bool acpi_pm1_port(u16 port)
{
	return (port >= ACPI_PM1A_EVT && port < ACPI_PM1A_EVT + PM1_EVT_LEN) ||
	       (port >= ACPI_PM1A_CNT && port < ACPI_PM1A_CNT + PM1_CNT_LEN);
}

enum pm1_reg { PM1_STS, PM1_EN, PM1_CNT };

/* The 16-bit register an ACPI port belongs to, and the byte's shift in it. */
static enum pm1_reg pm1_decode(u16 port, unsigned int *shift)
{
	*shift = 8u * (port & 1);
	if (port >= ACPI_PM1A_CNT)
		return PM1_CNT;
	return port - ACPI_PM1A_EVT >= PM1_EN_OFF ? PM1_EN : PM1_STS;
}

u8 acpi_pm1_read(const struct acpi_pm1 *pm, u16 port)
{
	unsigned int shift;

	if (!acpi_pm1_port(port))
		return 0xff;
	switch (pm1_decode(port, &shift)) {
	case PM1_STS:
		return (u8)(pm->sts >> shift);
	case PM1_EN:
		return (u8)(pm->en >> shift);
	default:
		return (u8)(PM1_CNT_SCI_EN >> shift);
	}
}

void acpi_pm1_write(struct acpi_pm1 *pm, u16 port, u8 value)
{
	unsigned int shift;

	if (!acpi_pm1_port(port))
		return;
	switch (pm1_decode(port, &shift)) {
	case PM1_STS: /* write 1 to clear */
		pm->sts &= (u16)~((u32)value << shift);
		break;
	case PM1_EN:
		pm->en = (u16)(((pm->en & ~(0xffu << shift)) | (u32)value << shift) & PM1_EN_BITS);
		break;
	default: /* PM1a_CNT: a sleep request is taken by acpi_pm1_s5_requested() */
		break;
	}
}

void acpi_pm1_press_power_button(struct acpi_pm1 *pm)
{
	pm->sts |= ACPI_PM1_PWRBTN;
}

bool acpi_pm1_sci(const struct acpi_pm1 *pm)
{
	return (pm->sts & pm->en & PM1_SCI_EVENTS) != 0;
}

bool acpi_pm1_s5_requested(u16 port, u32 value, u8 size)
{
	u32 cnt;

	if (port == ACPI_PM1A_CNT && size >= 2)
		cnt = value & 0xffff;
	else if (port == ACPI_PM1A_CNT + 1 && size == 1)
		cnt = (value & 0xff) << 8;
	else
		return false;
	return (cnt & PM1_CNT_SLP_EN) &&
	       ((cnt >> PM1_CNT_SLP_TYP_SHIFT) & 7) == SLP_TYP_S5;
}
