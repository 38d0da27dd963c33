/* 16550 UART on COM1 for the hypervisor console. */
#ifndef TESS_SERIAL_H
#define TESS_SERIAL_H

void serial_init(void);
void serial_write(const char *s, unsigned long len);

#endif
