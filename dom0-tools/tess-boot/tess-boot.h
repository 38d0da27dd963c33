/* SPDX-License-Identifier: MIT */
/* tess-boot internals: options, the vCPU threads, the console pump, the
 * console socket. */
#ifndef TESS_BOOT_H
#define TESS_BOOT_H

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tessctrl.h"

#define KICK_SIGNAL SIGUSR1

struct opts {
	uint64_t mem_bytes;
	uint32_t vcpus;
	const char *name, *cmdline, *kernel, *initrd;
	const char *log_path;    /* console log; NULL: none */
	const char *mark;        /* report time and exits when the console shows it */
	double timeout;          /* seconds, 0: none */
	int no_socket;           /* --no-socket: no console socket for tess-console */
	uint8_t uuid[16];        /* --uuid, else random */
	uint32_t paging;         /* --paging: TESS_PAGING_* */
	int on_poweroff, on_reboot, on_crash;  /* ACT_*: what the runner does then */
	int daemon;              /* --daemon: detach once the child is built */
};

/* What the runner does when the child powers off, reboots or crashes
 * (the on_poweroff, on_reboot and on_crash of a domain definition). */
enum { ACT_DESTROY, ACT_RESTART, ACT_PRESERVE };

/* One thread per vCPU, each inside TESS_IOCTL_RUN (the root scheduler). */
struct vcpu_thread {
	struct boot *b;
	uint32_t vcpu;
	pthread_t tid;
	int started;
	int err;                 /* RUN's error, 0 if it ended with an exit */
	struct tess_run_exit ex;
	atomic_int done;
};

struct boot {
	tess_handle *h;
	uint32_t domid;
	const struct opts *o;
	atomic_int stop;         /* timeout or signal: threads give up */
	double created;          /* CLOCK_MONOTONIC seconds just before the create call */
	double started;          /* ... just before the vCPU threads start */
	struct vcpu_thread *threads;
	struct attach *attach;   /* the console socket; NULL with --no-socket */
	double fake_reboot_until; /* a reboot was asked for: until then, a poweroff restarts */
	unsigned restarts;
};

/* lifecycle.c: build, run, apply the on_* actions, restart, destroy. */
void life_install_signals(void);
/* Create the domain (b->domid) and load the kernel; < 0 after a message. */
int life_build(struct boot *b);
/* Run until the child ends for good; destroys it. Exit status for main. */
int life_run(struct boot *b, const struct tess_physinfo *before, int others);
/* Destroy b->domid and check the pool; returns rc, or 1 on a problem. */
int life_finish(struct boot *b, const struct tess_physinfo *before, int others_before, int rc);
/* Domains other than dom0 that exist now (-1 on error). */
int life_other_domains(tess_handle *h);

/* daemon.c: --daemon and the runner's state file RUN_DIR/NAME.run. */
/* Fork: the parent records the runner, prints its pid and exits 0; the
 * child returns 0 with stdin on /dev/null and stdout, stderr on the
 * runner log. < 0 if the fork failed. */
int daemon_detach(struct boot *b);
/* Write RUN_DIR/NAME.run (pid, domid, start time, restarts); 0 or < 0. */
int runstate_write(const struct boot *b, pid_t pid);
void runstate_remove(const struct boot *b);

/* util.c */
double boot_now(void);   /* CLOCK_MONOTONIC, in seconds */
/* mkdir -p (0755) for path, or with parent_only for the directory part of path. */
int make_dirs(const char *path, bool parent_only);

/* vcpus.c */
int vcpus_start(struct boot *b);
int vcpus_all_done(const struct boot *b);
void vcpus_kick(struct boot *b);
/* Join them; the exit that ended the child ("exit=" text); 0 if poweroff/reboot. */
int vcpus_join(struct boot *b, const char *why, char *exit_str, size_t size);

/* console.c */
struct console_pump;
struct console_pump *console_open(struct boot *b, int *err);
/* Copy output to stdout and the log, input from stdin; wait up to ms. */
void console_pump(struct console_pump *c, int ms);
void console_close(struct console_pump *c);
void print_stats(struct boot *b, const char *what);

/* attach.c: the console socket RUN_DIR/NAME.sock (console-sock.h). Every
 * function but attach_open takes a NULL attach (no socket) and does nothing. */
#define ATTACH_NFDS 2
/* Listen on the socket (b->attach); < 0 with a message on stderr. */
int attach_open(struct boot *b);
/* Fill up to ATTACH_NFDS pollfds; want_input: room for client input. */
int attach_pollfds(struct attach *a, struct pollfd *p, int want_input);
/* After poll: take new connections, send queued output (never blocks). */
void attach_service(struct attach *a);
/* Read client input into buf (up to room bytes); returns the bytes read. */
size_t attach_input(struct attach *a, char *buf, size_t room);
/* Child output for the client; a client that cannot keep up is dropped. */
void attach_output(struct attach *a, const char *buf, size_t n);
/* The child ended: stop listening, send the rest and the end record
 * (exit_str; NULL: none) within a bounded time, close the client. */
void attach_finish(struct attach *a, const char *exit_str);
/* Remove the socket (only if it is still ours) and stop listening. */
void attach_close_listener(struct attach *a);
void attach_close(struct attach *a);

#endif
