/* SPDX-License-Identifier: MIT */
/* tess, the dom0 command line of Tessera: shared declarations. */
#ifndef TESS_CLI_H
#define TESS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "domxml.h"
#include "tessctrl.h"

#define TESS_STATE_DIR_DEFAULT "/var/lib/tessera"
#define TESS_STATE_DIR_ENV     "TESS_STATE_DIR"   /* for tests and other roots */
#define TESS_LOG_DIR           "/var/log/tessera"
#define TESS_PATH_MAX          4096

/* Exit statuses */
#define TESS_OK    0
#define TESS_FAIL  1
#define TESS_USAGE 2

struct tess_cli {
	tess_handle *h;          /* opened for verbs that need the hypervisor */
	bool json;
};

/* A verb: `tess NAME ...` */
struct tess_verb {
	const char *name;
	int (*run)(struct tess_cli *cli, int argc, char **argv);
	const char *args;        /* "FILE", "NAME [--timeout S [--force]]" */
	const char *summary;     /* one line */
	const char *options;     /* option lines for help, or NULL */
	unsigned flags;
};
#define VERB_HV 1u               /* opens /dev/tessera before running */

/* util.c */
/* "error: ..." on stderr; returns TESS_FAIL. */
int tess_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tess_usage_error(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tess_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *tess_state_dir(void);
/* Parse seconds (> 0, at most a day); 0 or -1. */
int tess_parse_seconds(const char *s, double *out);
double tess_now(void);          /* CLOCK_MONOTONIC seconds */
void tess_sleep_ms(int ms);
void tess_uuid_str(const uint8_t uuid[16], char out[37]);
/* mkdir -p (0755) for path, or for its directory with parent_only; 0 or
 * -errno (tess-boot/util.c, shared with the runner). */
int make_dirs(const char *path, bool parent_only);
const char *tess_paging_name(uint32_t paging);
/* The program next to this one (dir of /proc/self/exe, or its build-tree
 * sibling ../NAME/NAME), else NAME for a PATH search. */
void tess_sibling_program(const char *name, char *out, size_t size);

/* store.c: defined domains, STATE_DIR/domains/NAME.xml */
int store_path(const char *name, char *out, size_t size);
bool store_exists(const char *name);
/* Load a stored definition; 0, or -1 with a message printed. */
int store_load(const char *name, struct domxml *d);
/* Write d atomically (temporary file, fsync, rename); 0 or -1 (printed). */
int store_save(const struct domxml *d);
int store_remove(const char *name);
/* Names of the stored definitions, sorted; *n set; free with store_names_free. */
char **store_names(size_t *n);
void store_names_free(char **names, size_t n);
/* Write d as XML to path atomically; 0 or -errno. */
int store_write_file(const char *path, const struct domxml *d);

/* domains.c: what the hypervisor runs, what is defined, and naming. */
struct domref {
	char name[TESS_NAME_MAX];
	uint8_t uuid[16];
	bool running;            /* exists in the hypervisor: info is valid */
	bool defined;            /* has a stored definition */
	struct tess_domain_info info;
};
/* Resolve a domain id, UUID or name (in that order, as virsh does) among
 * running and defined domains; 0, or -1 with an error printed. */
int domains_resolve(struct tess_cli *cli, const char *what, struct domref *out);
/* The same without the "no domain" message (errors are still printed). */
int domains_resolve_quiet(struct tess_cli *cli, const char *what, struct domref *out);
/* The running domain named name / with this uuid; 1 found, 0 not, -1 error. */
int domains_find_running(struct tess_cli *cli, const char *name, const uint8_t *uuid,
			 struct tess_domain_info *out);
/* The running domain domid; 0, or -1 if it does not exist (no message). */
int domains_ref_running(struct tess_cli *cli, uint32_t domid, struct domref *out);
const char *domains_state_name(const struct domref *r);

/* runner.c: the runner process (tess-boot --daemon) of a child. */
struct runstate {
	pid_t pid;
	uint32_t domid;
	long long started;       /* epoch seconds */
	unsigned restarts;
};
/* Start the runner of d; 0 with *domid, or -1 with the error printed. */
int runner_start(const struct domxml *d, uint32_t *domid);
/* RUN_DIR/NAME.run of a live runner: 1 (filled), 0 (none or stale), -1. */
int runner_state(const char *name, struct runstate *rs);
/* Path of the transient definition a running child was started from. */
int runner_xml_path(const char *name, char *out, size_t size);
void runner_log_path(const char *name, char *out, size_t size);

/* checks.c: before anything is created */
int checks_before_start(struct tess_cli *cli, const struct domxml *d);

/* json.c: a small JSON writer to stdout (keys in the order written) */
struct json;
struct json *json_begin(void);
void json_end(struct json *j);
void json_obj(struct json *j, const char *key);      /* key NULL inside arrays */
void json_arr(struct json *j, const char *key);
void json_close(struct json *j);                     /* the innermost object/array */
void json_str(struct json *j, const char *key, const char *val);  /* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, long long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);

/* The verbs (cmd_*.c) */
int cmd_validate(struct tess_cli *, int, char **);
int cmd_define(struct tess_cli *, int, char **);
int cmd_undefine(struct tess_cli *, int, char **);
int cmd_dumpxml(struct tess_cli *, int, char **);
int cmd_create(struct tess_cli *, int, char **);
int cmd_start(struct tess_cli *, int, char **);
int cmd_shutdown(struct tess_cli *, int, char **);
int cmd_reboot(struct tess_cli *, int, char **);
int cmd_destroy(struct tess_cli *, int, char **);
int cmd_pause(struct tess_cli *, int, char **);
int cmd_unpause(struct tess_cli *, int, char **);
int cmd_list(struct tess_cli *, int, char **);
int cmd_info(struct tess_cli *, int, char **);
int cmd_host_info(struct tess_cli *, int, char **);
int cmd_dmesg(struct tess_cli *, int, char **);
int cmd_console(struct tess_cli *, int, char **);

/* main.c */
const struct tess_verb *tess_verb_find(const char *name);
/* Options and arguments of a verb: getopt_long over argv with the given long
 * options (plus --help, and --json when json_ok, which sets cli->json),
 * exactly nargs arguments after them; then, for a VERB_HV verb, opens the
 * hypervisor. Returns the index of the first argument, or minus the exit
 * status after a message (usage error, or no hypervisor). */
struct option;
int tess_getopt(struct tess_cli *cli, const char *verb, int argc, char **argv, int nargs,
		const struct option *extra, int (*on_opt)(int c, const char *arg, void *ctx),
		void *ctx, bool json_ok);
/* For verbs that work without it: open the hypervisor if there is one. */
void tess_try_hv(struct tess_cli *cli);

#endif
