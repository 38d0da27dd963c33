/*
 * Machine reset: the PCI reset control register at 0xcf9 (Intel ICH/PIIX
 * data sheets), then the keyboard controller's pulse-reset command 0xfe,
 * then a triple fault as the last resort.
 */
#include <tess/log.h>
#include <tess/reboot.h>
#include <tess/time.h>
#include <tess/x86.h>

void machine_reboot(void)
{
	log_err("reboot: resetting the machine\n");
	outb(0xcf9, 0x02);
	udelay(50);
	outb(0xcf9, 0x06);
	udelay(100000);
	outb(0x64, 0xfe);
	udelay(100000);
	{
		struct { u16 limit; u64 base; } __packed null_idt = { 0, 0 };

		asm volatile("lidt %0; int3" : : "m"(null_idt));
	}
	cpu_halt_forever();
}
