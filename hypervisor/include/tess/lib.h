/* Freestanding C library subset used by the hypervisor. */
#ifndef TESS_LIB_H
#define TESS_LIB_H

#include <stdarg.h>
#include <tess/types.h>

#ifdef TESS_HOSTED
#include <string.h>
#include <stdio.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#endif

/* Parse an unsigned number (decimal, or hex with 0x). end gets the stop. */
int parse_u64(const char *s, const char **end, u64 *out);

#endif
