/* The AP start-up trampoline (arch/x86/boot/trampoline.S). */
#ifndef TESS_TRAMPOLINE_H
#define TESS_TRAMPOLINE_H

/* A page below 1 MiB, used only while the hypervisor starts its APs. */
#define TRAMPOLINE_PA 0x10000
#define TRAMPOLINE_SIPI_VECTOR (TRAMPOLINE_PA >> 12)

#ifndef __ASSEMBLER__
extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_cr3[], trampoline_stack[], trampoline_entry[];
#endif

#endif
