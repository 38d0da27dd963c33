/* Resetting the machine. */
#ifndef TESS_REBOOT_H
#define TESS_REBOOT_H

__attribute__((noreturn)) void machine_reboot(void);

#endif
