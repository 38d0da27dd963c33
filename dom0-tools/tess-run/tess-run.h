/* SPDX-License-Identifier: MIT */
/*
 * tess-run: what its three parts share.
 *
 *   tess-run.c  main: the device, the signals, the runner threads, the summary
 *   options.c   the command line, the kernel file check, the children's names
 *   child.c     one child's life: create, load, run, report, destroy
 *   button.c    the power-button press of --power-button-after
 */
#ifndef TESS_RUN_H
#define TESS_RUN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "tessctrl.h"

#define MAX_COUNT 64
#define MAX_MEM_MIB (64u * 1024u)
#define MAX_BUTTON_MS 600000u
#define MAX_PRESSES 8

struct opts {
	uint64_t mem_bytes;
	const char *name;
	unsigned count;
	const char *expect;
	const char *kernel;
	uint32_t paging;      /* TESS_PAGING_* */
	/* --power-button-after: press times in ms after the start, increasing */
	unsigned press_ms[MAX_PRESSES];
	unsigned presses;
};

/* The power-button thread of one child (button.c). */
struct button {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int started;
	int run_over;         /* the child ended: press no more */
	unsigned pressed;     /* presses made */
	int failed;           /* a press failed (error says why) */
	uint32_t domid;
	char error[256];
};

struct child {
	const struct opts *o;
	tess_handle *h;
	unsigned index;
	pthread_t thread;
	atomic_int done;
	char name[TESS_NAME_MAX];
	/* console line assembly */
	char line[1024];
	size_t line_len;
	int saw_pass, saw_fail;
	struct button button;
	/* outcome */
	char exit_str[128];   /* "poweroff", "crashed:bad-gpa gpa=0x..." ... */
	int ok;
};

/* Set once SIGINT or SIGTERM arrived; the runner threads then stop. */
extern atomic_int stop_requested;

/* One whole line (or lines) to stdout, flushed, not mixed with other threads'. */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* options.c */
extern const char *prog;
void parse_options(int argc, char **argv, struct opts *o);
int kernel_file_ok(const struct opts *o);
void make_child_name(const struct opts *o, unsigned i, char *buf, size_t size);

/* child.c: the runner thread's body; sets c->ok, then c->done */
void *child_main(void *arg);

/* button.c: with --power-button-after, start the thread that presses the
 * child's power button (0, or -1 said on stdout); stop it once the child
 * ended; say whether every press was made (1) or not (0, said on stdout). */
int button_start(struct child *c, uint32_t domid);
void button_stop(struct child *c);
int button_pressed_ok(struct child *c);

#endif
