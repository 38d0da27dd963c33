/* SPDX-License-Identifier: MIT */
/* Verbs that show things: list, info, host-info, dmesg. The --json shapes
 * are documented in docs/cli.md; keep the two in step. */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tess.h"

#define LOG_CHUNK TESS_BUF_MAX   /* the ring holds at most this much */

static const char *const stat_names[TESS_STAT_COUNT] = {
	[TESS_STAT_CPUID] = "cpuid", [TESS_STAT_MSR] = "msr",
	[TESS_STAT_HYPERCALL] = "hypercall", [TESS_STAT_NPF] = "npf",
	[TESS_STAT_HLT] = "hlt", [TESS_STAT_INTR] = "intr", [TESS_STAT_IO] = "io",
	[TESS_STAT_OTHER] = "other",
};

/* ---- list ---------------------------------------------------------------- */

struct list_row {
	struct domref r;
	struct domxml def;       /* the definition, for shut-off domains */
	bool have_def;
};

/* The keys list and info share (docs/cli.md); def: for a domain not running. */
static void json_domain(struct json *j, const struct domref *r, const struct domxml *def)
{
	char uuid[37];

	tess_uuid_str(r->uuid, uuid);
	if (r->running)
		json_u64(j, "id", r->info.domid);
	else
		json_null(j, "id");
	json_str(j, "name", r->name);
	json_str(j, "uuid", uuid);
	json_str(j, "state", domains_state_name(r));
	json_bool(j, "persistent", r->defined);
	json_u64(j, "memory_bytes", r->running ? r->info.memory_bytes : def->memory_bytes);
	json_u64(j, "vcpus", r->running ? r->info.max_vcpus : def->vcpus);
}

static void list_json_row(struct json *j, const struct list_row *row)
{
	const struct domref *r = &row->r;

	json_obj(j, NULL);
	json_domain(j, r, &row->def);
	json_close(j);
}

static void list_text_row(const struct list_row *row)
{
	char id[16] = "-";

	if (row->r.running)
		snprintf(id, sizeof(id), "%u", row->r.info.domid);
	printf(" %-5s %-24s %s\n", id, row->r.name, domains_state_name(&row->r));
}

static bool list_has_running(const struct list_row *rows, size_t nrun, const char *name)
{
	for (size_t i = 0; i < nrun; i++)
		if (!strcmp(rows[i].r.name, name))
			return true;
	return false;
}

/* Running domains, then (all) the defined ones that are not running. */
static int list_collect(struct tess_cli *cli, bool all, struct list_row *rows, size_t max)
{
	uint32_t ids[TESS_MAX_DOMAINS];
	int n = tess_domain_list(cli->h, ids, TESS_MAX_DOMAINS);
	size_t k = 0, nrun, nnames = 0;
	char **names;

	if (n < 0)
		return tess_error("%s", tess_last_error()), -1;
	for (int i = 0; i < n && i < TESS_MAX_DOMAINS && k < max; i++)
		if (domains_ref_running(cli, ids[i], &rows[k].r) == 0)
			k++;   /* one destroyed meanwhile is left out */
	nrun = k;
	names = all ? store_names(&nnames) : NULL;
	for (size_t i = 0; i < nnames && k < max; i++) {
		struct domref *r = &rows[k].r;

		if (list_has_running(rows, nrun, names[i]))
			continue;
		if (store_load(names[i], &rows[k].def) < 0)
			continue;    /* said why; the others are still listed */
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", rows[k].def.name);
		memcpy(r->uuid, rows[k].def.uuid, 16);
		r->defined = rows[k].have_def = true;
		k++;
	}
	store_names_free(names, nnames);
	return (int)k;
}

/* A verb with one flag option: it sets *(bool *)ctx. */
static int flag_opt(int c, const char *arg, void *ctx)
{
	(void)c;
	(void)arg;
	*(bool *)ctx = true;
	return 0;
}

int cmd_list(struct tess_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { { "all", no_argument, NULL, 'a' },
					     { NULL, 0, NULL, 0 } };
	struct list_row *rows = calloc(2 * TESS_MAX_DOMAINS, sizeof(*rows));
	bool all = false;
	int i = tess_getopt(cli, "list", argc, argv, 0, lo, flag_opt, &all, true), n;
	struct json *j;

	if (!rows)
		return tess_error("out of memory");
	if (i < 0) {
		free(rows);
		return -i;
	}
	n = list_collect(cli, all, rows, 2 * TESS_MAX_DOMAINS);
	if (n >= 0 && cli->json) {
		j = json_begin();
		json_arr(j, "domains");
		for (int k = 0; k < n; k++)
			list_json_row(j, &rows[k]);
		json_end(j);
	} else if (n >= 0) {
		printf(" %-5s %-24s %s\n", "Id", "Name", "State");
		printf("%s\n", "------------------------------------------");
		for (int k = 0; k < n; k++)
			list_text_row(&rows[k]);
	}
	for (int k = 0; k < n; k++)
		if (rows[k].have_def)
			domxml_free(&rows[k].def);
	free(rows);
	return n < 0 ? TESS_FAIL : TESS_OK;
}

/* ---- info ---------------------------------------------------------------- */

/* struct tess_shadow_stats in order, as tess info names them. */
static const char *const shadow_names[] = {
	"faults", "filled", "guest_faults", "outside_p2m", "tables_built", "tables_freed",
	"flushes_cr3", "flushes_all", "invlpg", "cr_accesses",
};
_Static_assert(sizeof(shadow_names) / sizeof(shadow_names[0]) ==
	       sizeof(struct tess_shadow_stats) / sizeof(uint64_t), "one name per counter");

struct info_data {
	struct domref r;
	struct domxml def;
	bool have_def;
	struct tess_exit_stats st;
	bool have_stats;
	struct tess_shadow_stats sh;
	bool have_shadow;
	struct runstate rs;
	bool have_runner;
	char log[TESS_PATH_MAX];
};

static void info_json(const struct info_data *in)
{
	const struct domref *r = &in->r;
	struct json *j = json_begin();
	uint64_t total = 0;

	json_domain(j, r, &in->def);
	json_str(j, "paging", tess_paging_name(r->running ? r->info.paging : in->def.paging));
	if (in->have_runner) {
		json_i64(j, "uptime_seconds", (long long)time(NULL) - in->rs.started);
		json_u64(j, "restarts", in->rs.restarts);
		json_i64(j, "runner_pid", in->rs.pid);
	} else {
		json_null(j, "uptime_seconds");
		json_null(j, "restarts");
		json_null(j, "runner_pid");
	}
	json_str(j, "console_log", in->have_runner ? in->log : NULL);
	if (in->have_stats) {
		json_obj(j, "exits");
		for (int k = 0; k < TESS_STAT_COUNT; k++) {
			json_u64(j, stat_names[k], in->st.count[k]);
			total += in->st.count[k];
		}
		json_u64(j, "total", total);
		json_close(j);
	} else {
		json_null(j, "exits");
	}
	if (in->have_shadow) {
		json_obj(j, "shadow");
		for (size_t k = 0; k < sizeof(shadow_names) / sizeof(shadow_names[0]); k++)
			json_u64(j, shadow_names[k], ((const uint64_t *)&in->sh)[k]);
		json_close(j);
	} else {
		json_null(j, "shadow");
	}
	json_end(j);
}

static void info_text(const struct info_data *in)
{
	const struct domref *r = &in->r;
	uint64_t total = 0;
	char uuid[37];

	tess_uuid_str(r->uuid, uuid);
	if (r->running)
		printf("Id:           %u\n", r->info.domid);
	else
		printf("Id:           -\n");
	printf("Name:         %s\nUUID:         %s\nState:        %s\nPersistent:   %s\n",
	       r->name, uuid, domains_state_name(r), r->defined ? "yes" : "no");
	printf("Memory:       %" PRIu64 " MiB\nvCPUs:        %u\nPaging:       %s\n",
	       (r->running ? r->info.memory_bytes : in->def.memory_bytes) >> 20,
	       r->running ? r->info.max_vcpus : in->def.vcpus,
	       tess_paging_name(r->running ? r->info.paging : in->def.paging));
	if (in->have_runner)
		printf("Uptime:       %lld s\nRestarts:     %u\nRunner pid:   %ld\n"
		       "Console log:  %s\n", (long long)time(NULL) - in->rs.started,
		       in->rs.restarts, (long)in->rs.pid, in->log);
	if (!in->have_stats)
		return;
	printf("Exits:       ");
	for (int k = 0; k < TESS_STAT_COUNT; k++) {
		printf(" %s=%" PRIu64, stat_names[k], in->st.count[k]);
		total += in->st.count[k];
	}
	printf(" total=%" PRIu64 "\n", total);
	if (!in->have_shadow)
		return;
	printf("Shadow:      ");
	for (size_t k = 0; k < sizeof(shadow_names) / sizeof(shadow_names[0]); k++)
		printf(" %s=%" PRIu64, shadow_names[k], ((const uint64_t *)&in->sh)[k]);
	printf("\n");
}

int cmd_info(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "info", argc, argv, 1, NULL, NULL, NULL, true);
	struct info_data in;

	if (i < 0)
		return -i;
	memset(&in, 0, sizeof(in));
	if (domains_resolve(cli, argv[i], &in.r) < 0)
		return TESS_FAIL;
	if (!in.r.running) {
		if (store_load(in.r.name, &in.def) < 0)
			return TESS_FAIL;
		in.have_def = true;
	} else {
		in.have_stats = tess_domain_stats(cli->h, in.r.info.domid, &in.st) == 0;
		in.have_shadow = in.r.info.paging == TESS_PAGING_SHADOW &&
				 tess_domain_paging_stats(cli->h, in.r.info.domid, &in.sh) == 0;
		in.have_runner = runner_state(in.r.name, &in.rs) == 1 &&
				 in.rs.domid == in.r.info.domid;
		runner_log_path(in.r.name, in.log, sizeof(in.log));
	}
	if (cli->json)
		info_json(&in);
	else
		info_text(&in);
	if (in.have_def)
		domxml_free(&in.def);
	return TESS_OK;
}

/* ---- host-info ----------------------------------------------------------- */

int cmd_host_info(struct tess_cli *cli, int argc, char **argv)
{
	int i = tess_getopt(cli, "host-info", argc, argv, 0, NULL, NULL, NULL, true);
	struct tess_physinfo pi;
	uint32_t version;
	struct json *j;

	if (i < 0)
		return -i;
	if (tess_physinfo(cli->h, &pi) < 0 || tess_version(cli->h, &version) < 0)
		return tess_error("%s", tess_last_error());
	if (!cli->json) {
		printf("Vendor:       %.*s\nCPUs:         %u\nPaging:       %s%s%s\n",
		       (int)sizeof(pi.vendor), pi.vendor, pi.nr_cpus,
		       pi.paging_modes & TESS_PHYS_HAP ? "hap" : "",
		       (pi.paging_modes & TESS_PHYS_HAP) && (pi.paging_modes & TESS_PHYS_SHADOW)
			       ? " " : "",
		       pi.paging_modes & TESS_PHYS_SHADOW ? "shadow" :
		       pi.paging_modes ? "" : "none");
		printf("Memory:       %" PRIu64 " MiB\nDom0 memory:  %" PRIu64 " MiB\n"
		       "Free pool:    %" PRIu64 " MiB\nDomains:      %u (dom0 included)\n"
		       "ABI:          %u.%u\n",
		       (uint64_t)pi.total_pages * pi.page_size >> 20,
		       (uint64_t)pi.dom0_pages * pi.page_size >> 20,
		       (uint64_t)pi.free_pages * pi.page_size >> 20, pi.nr_domains,
		       version >> 16, version & 0xffff);
		return TESS_OK;
	}
	j = json_begin();
	char vendor[sizeof(pi.vendor) + 1];

	snprintf(vendor, sizeof(vendor), "%.*s", (int)sizeof(pi.vendor), pi.vendor);
	json_str(j, "vendor", vendor);
	json_u64(j, "cpus", pi.nr_cpus);
	json_obj(j, "paging");
	json_bool(j, "hap", pi.paging_modes & TESS_PHYS_HAP);
	json_bool(j, "shadow", pi.paging_modes & TESS_PHYS_SHADOW);
	json_close(j);
	json_u64(j, "memory_bytes", (uint64_t)pi.total_pages * pi.page_size);
	json_u64(j, "dom0_memory_bytes", (uint64_t)pi.dom0_pages * pi.page_size);
	json_u64(j, "free_bytes", (uint64_t)pi.free_pages * pi.page_size);
	json_u64(j, "domains", pi.nr_domains);
	snprintf(vendor, sizeof(vendor), "%u.%u", version >> 16, version & 0xffff);
	json_str(j, "abi", vendor);
	json_end(j);
	return TESS_OK;
}

/* ---- dmesg --------------------------------------------------------------- */

int cmd_dmesg(struct tess_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = { { "clear", no_argument, NULL, 'c' },
					     { NULL, 0, NULL, 0 } };
	bool clear = false;
	int i = tess_getopt(cli, "dmesg", argc, argv, 0, lo, flag_opt, &clear, false), n;
	char *buf;

	if (i < 0)
		return -i;
	buf = malloc(LOG_CHUNK);
	if (!buf)
		return tess_error("out of memory");
	n = tess_log_read(cli->h, buf, LOG_CHUNK, clear);
	if (n >= 0)
		fwrite(buf, 1, (size_t)n, stdout);
	free(buf);
	return n < 0 ? tess_error("%s", tess_last_error()) : TESS_OK;
}
