/* Log ring and console output (see tess/log.h). */
#include <stdarg.h>
#include <tess/lib.h>
#include <tess/log.h>
#include <tess/serial.h>
#include <tess/spinlock.h>

static char log_ring[LOG_RING_SIZE];
static u64 log_head; /* bytes ever written */
static u64 log_tail; /* bytes cleared by a reader (tess dmesg --clear) */
static spinlock_t log_lock;
static bool log_console = true;
static int log_console_level = LOG_INFO;

void log_set_console(bool enabled, int level)
{
	log_console = enabled;
	log_console_level = level;
}

static void log_ring_put(const char *s, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		log_ring[(log_head + i) % LOG_RING_SIZE] = s[i];
	log_head += len;
}

u64 log_ring_read(char *buf, u64 len)
{
	u64 avail, n;

	spin_lock(&log_lock);
	avail = MIN(log_head - log_tail, (u64)LOG_RING_SIZE);
	n = MIN(len, avail);
	for (u64 i = 0; i < n; i++) /* the newest n bytes, oldest first */
		buf[i] = log_ring[(log_head - n + i) % LOG_RING_SIZE];
	spin_unlock(&log_lock);
	return n;
}

void log_ring_clear(void)
{
	spin_lock(&log_lock);
	log_tail = log_head;
	spin_unlock(&log_lock);
}

static void log_vprintf(int level, const char *fmt, va_list ap)
{
	static const char letters[] = "EWID";
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "(tess) %c ", letters[level & 3]);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	spin_lock(&log_lock);
	log_ring_put(line, n);
	if (log_console && level <= log_console_level)
		serial_write(line, n);
	spin_unlock(&log_lock);
}

void log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_ERROR, fmt, ap);
	va_end(ap);
	log_printf(LOG_ERROR, "panic: this CPU stops here\n");
	cpu_halt_forever();
}
