/*
 * A child's ACPI fixed-hardware registers (ACPI 6.5 4.8.3), as pure logic:
 * the PM1a event block (PM1a_STS, PM1a_EN) and the PM1a control block
 * (PM1a_CNT) that the Linux builder's FADT names, and the fixed power
 * button (4.8.2.2.1) that dom0 presses. The SCI this raises is a level:
 * acpi_pm1_sci() says whether it is asserted, and the caller drives the
 * 8259's input with it (core/child_io.c).
 */
#ifndef TESS_ACPI_PM1_H
#define TESS_ACPI_PM1_H

#include <tess/types.h>

#define ACPI_PM1A_EVT 0x600 /* PM1a_STS at +0, PM1a_EN at +2, 2 bytes each */
#define ACPI_PM1A_CNT 0x604 /* 2 bytes */
#define ACPI_SCI_IRQ 9      /* the FADT's SCI_INT, an input of the 8259 pair */

#define ACPI_PM1_PWRBTN 0x0100 /* PWRBTN_STS (4.8.3.1.1), PWRBTN_EN (4.8.3.1.2) */

struct acpi_pm1 {
	u16 sts; /* PM1a_STS: only PWRBTN_STS is ever set */
	u16 en;  /* PM1a_EN: the defined enable bits the guest wrote */
};

void acpi_pm1_reset(struct acpi_pm1 *pm);
/* Ports 0x600-0x605; false for any other port. */
bool acpi_pm1_port(u16 port);
/* One byte of the event or control block. */
u8 acpi_pm1_read(const struct acpi_pm1 *pm, u16 port);
void acpi_pm1_write(struct acpi_pm1 *pm, u16 port, u8 value);
/* A press of the fixed power button: PWRBTN_STS is set, whatever PWRBTN_EN says. */
void acpi_pm1_press_power_button(struct acpi_pm1 *pm);
/* Is the SCI asserted (an enabled event has its status bit set)? */
bool acpi_pm1_sci(const struct acpi_pm1 *pm);
/* Does an OUT of size bytes at port write SLP_EN with SLP_TYP 5 (_S5) into PM1a_CNT? */
bool acpi_pm1_s5_requested(u16 port, u32 value, u8 size);

#endif
