/*
 * Hypervisor log: every message goes to an in-memory ring (for `tess
 * dmesg` later) and, up to the loglvl= level, to the serial console. Each
 * console line starts with "(tess) " and a level letter.
 */
#ifndef TESS_LOG_H
#define TESS_LOG_H

#include <tess/options.h>
#include <tess/types.h>

#define LOG_RING_SIZE (64 * 1024)

void log_set_console(bool enabled, int level);
void log_printf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copy the newest len bytes of the ring (fewer if it holds less), oldest first. */
u64 log_ring_read(char *buf, u64 len);
/* Forget what the ring holds (the console output is not affected). */
void log_ring_clear(void);

#define log_err(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
