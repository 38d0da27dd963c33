/* SPDX-License-Identifier: MIT */
/*
 * The console socket between tess-boot (the child's runner, attach.c) and
 * tess-console: a UNIX stream socket RUN_DIR/NAME.sock, mode 0600.
 *
 * Server to client, first one text line:
 *   "TESS-CONSOLE OK <name> <domid>\n"       attached; the stream follows
 *   "TESS-CONSOLE BUSY <name>: <why>\n"      refused; the server closes
 * then the child's console output, byte for byte, except that a 0xff byte is
 * sent as 0xff 0xff, and 0xff 'E' starts the end record
 *   0xff "END exit=<how the child ended>\n"  (tess-boot's exit= text)
 * after which the server closes. A close without the end record means the
 * server dropped the client (it could not keep up) or tess-boot stopped.
 * Client to server: raw bytes for the child's console input. The server
 * takes EOF from the client as a detach.
 */
#ifndef TESS_CONSOLE_SOCK_H
#define TESS_CONSOLE_SOCK_H

#include <stdio.h>
#include <stdlib.h>

#define CONSOLE_RUN_DIR     "/run/tessera"
/* Overrides CONSOLE_RUN_DIR in both tools (for testing without root). */
#define CONSOLE_RUN_DIR_ENV "TESSERA_RUN_DIR"
#define CONSOLE_HELLO_OK    "TESS-CONSOLE OK "
#define CONSOLE_HELLO_BUSY  "TESS-CONSOLE BUSY "
#define CONSOLE_LINE_MAX    256   /* the hello line, the end record */
#define CONSOLE_ESC         0xff
#define CONSOLE_ESC_END     'E'   /* 0xff "END exit=...\n" */

static inline const char *console_run_dir(void)
{
	const char *d = getenv(CONSOLE_RUN_DIR_ENV);

	return d && *d ? d : CONSOLE_RUN_DIR;
}

/* RUN_DIR/NAME.sock into buf; 0, or -1 if it does not fit a sockaddr_un. */
static inline int console_sock_path(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s.sock", console_run_dir(), name);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

#endif
