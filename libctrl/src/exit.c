/* Describing a RUN exit in words, for tools and logs (tess_describe_exit). */
#include <inttypes.h>
#include <stdio.h>

#include "tessctrl.h"

static void describe_shutdown(uint32_t detail, char *buf, size_t size)
{
	switch (detail) {
	case TESS_SHUTDOWN_POWEROFF: snprintf(buf, size, "poweroff"); break;
	case TESS_SHUTDOWN_REBOOT:   snprintf(buf, size, "reboot"); break;
	case TESS_SHUTDOWN_CRASH:    snprintf(buf, size, "crashed:guest"); break;
	default: snprintf(buf, size, "shutdown:%u", detail); break;
	}
}

static void describe_crash(const struct tess_run_exit *e, char *buf, size_t size)
{
	switch (e->detail) {
	case TESS_CRASH_TRIPLE_FAULT:
		snprintf(buf, size, "crashed:triple-fault rip=0x%" PRIx64, e->rip);
		break;
	case TESS_CRASH_BAD_GPA:
		snprintf(buf, size, "crashed:bad-gpa gpa=0x%" PRIx64 " rip=0x%" PRIx64,
			 e->gpa, e->rip);
		break;
	case TESS_CRASH_UNHANDLED:
		snprintf(buf, size, "crashed:unhandled code=0x%" PRIx64 " rip=0x%" PRIx64,
			 e->vendor_code, e->rip);
		break;
	case TESS_CRASH_BAD_STATE:
		snprintf(buf, size, "crashed:bad-state code=0x%" PRIx64, e->vendor_code);
		break;
	case TESS_SHUTDOWN_CRASH:
		snprintf(buf, size, "crashed:guest");
		break;
	default:
		snprintf(buf, size, "crashed:%u rip=0x%" PRIx64, e->detail, e->rip);
		break;
	}
}

void tess_describe_exit(const struct tess_run_exit *e, char *buf, size_t size)
{
	switch (e->reason) {
	case TESS_EXIT_HALTED:      snprintf(buf, size, "halted"); break;
	case TESS_EXIT_PAUSED:      snprintf(buf, size, "paused"); break;
	case TESS_EXIT_INTERRUPTED: snprintf(buf, size, "interrupted"); break;
	case TESS_EXIT_WAKE:        snprintf(buf, size, "wake"); break;   /* module-internal */
	case TESS_EXIT_TIMER:       snprintf(buf, size, "timer"); break;  /* module-internal */
	case TESS_EXIT_SHUTDOWN:    describe_shutdown(e->detail, buf, size); break;
	case TESS_EXIT_CRASHED:     describe_crash(e, buf, size); break;
	default: snprintf(buf, size, "unknown-exit:%u", e->reason); break;
	}
}
