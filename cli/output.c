#include "config.h"

#include "cli/output.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/hosterr.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

/* Names accepted by --format, indexed by enum output_format. */
static const char *const format_names[] = {
	[OUTPUT_TABLE] = "table",
	[OUTPUT_JSON] = "json",
	[OUTPUT_TSV] = "tsv",
};

/* What a host that has not answered says in TSV and table output. */
#define OUTPUT_PENDING_MESSAGE "no answer yet"

int
output_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcasecmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

void
output_format_size(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	const size_t nunits = sizeof units / sizeof units[0];
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", bytes);
		return;
	}
	while (v >= 1024.0 && u + 1 < nunits) {
		v /= 1024.0;
		u++;
	}
	/* 1023.96 KiB would print as "1024.0 KiB": say 1.0 MiB instead */
	if (v >= 1023.95 && u + 1 < nunits) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* The config entry for a snapshot (by its host index, else by position i). */
static const struct host_cfg *
output_host(const struct config *cfg, const struct host_snapshot *snap, size_t i)
{
	if (snap->host < cfg->nhosts)
		return &cfg->hosts[snap->host];
	return i < cfg->nhosts ? &cfg->hosts[i] : NULL;
}

/* The message of a host that has no jobs to show: its error, or "no answer yet". */
static const char *
output_host_message(const struct host_snapshot *snap)
{
	if (snap->state == HOST_STATE_ERROR && snap->error.message != NULL)
		return snap->error.message;
	if (snap->state == HOST_STATE_ERROR)
		return hosterr_kind_status(snap->error.kind);
	return OUTPUT_PENDING_MESSAGE;
}

/* A text property as a JSON string, or null when absent or nil. */
static void
json_text(struct strbuf *sb, const struct bits_text *t)
{
	if (t->p == BITS_SET)
		sanitize_json_append(sb, t->s);
	else
		strbuf_adds(sb, "null");
}

/* An integer property as an exact JSON integer, or null. */
static void
json_u64(struct strbuf *sb, const struct bits_u64 *v)
{
	if (v->p == BITS_SET)
		strbuf_addf(sb, "%" PRIu64, v->v);
	else
		strbuf_adds(sb, "null");
}

/* A byte total: null while BITS does not know it (BG_SIZE_UNKNOWN). */
static void
json_size(struct strbuf *sb, const struct bits_u64 *v)
{
	if (v->p == BITS_SET && v->v != BITS_SIZE_UNKNOWN)
		strbuf_addf(sb, "%" PRIu64, v->v);
	else
		strbuf_adds(sb, "null");
}

/* A boolean property, or null. */
static void
json_bool(struct strbuf *sb, const struct bits_bool *b)
{
	strbuf_adds(sb, b->p != BITS_SET ? "null" : b->v ? "true" : "false");
}

/* Format Unix time t as ISO-8601 UTC into buf (at least 21 bytes). */
static void
output_iso_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A FILETIME as an ISO-8601 UTC string, or null when absent or 0. */
static void
json_time(struct strbuf *sb, const struct bits_u64 *v)
{
	char buf[32];
	time_t t;

	if (v->p == BITS_SET && bits_filetime_to_unix(v->v, &t)) {
		output_iso_time(buf, sizeof buf, t);
		strbuf_addf(sb, "\"%s\"", buf);
	} else
		strbuf_adds(sb, "null");
}

/* An enum property as its name and its code ("state": ..., "state_code": ...). */
static void
json_enum(struct strbuf *sb, const char *key, const struct bits_u64 *v,
    const char *(*name)(uint64_t))
{
	if (v->p == BITS_SET)
		strbuf_addf(sb, "\"%s\": \"%s\", \"%s_code\": %" PRIu64, key, name(v->v), key, v->v);
	else
		strbuf_addf(sb, "\"%s\": null, \"%s_code\": null", key, key);
}

/* One file object of a job. */
static void
json_file(struct strbuf *sb, const struct bits_file *f)
{
	strbuf_adds(sb, "{\"remote_url\": ");
	json_text(sb, &f->remote_url);
	strbuf_adds(sb, ", \"local_file\": ");
	json_text(sb, &f->local_file);
	strbuf_adds(sb, ", \"bytes_total\": ");
	json_size(sb, &f->bytes_total);
	strbuf_adds(sb, ", \"bytes_transferred\": ");
	json_u64(sb, &f->bytes_transferred);
	strbuf_adds(sb, ", \"completed\": ");
	json_bool(sb, &f->completed);
	strbuf_addc(sb, '}');
}

/* One job object, fields in the order of bitstop(1), OUTPUT. */
static void
json_job(struct strbuf *sb, const struct bits_job *j)
{
	size_t i;

	strbuf_adds(sb, "        {\n          \"id\": ");
	json_text(sb, &j->job_id);
	strbuf_adds(sb, ",\n          \"name\": ");
	json_text(sb, &j->display_name);
	strbuf_adds(sb, ",\n          \"description\": ");
	json_text(sb, &j->description);
	strbuf_adds(sb, ",\n          \"owner\": ");
	json_text(sb, &j->owner);
	strbuf_adds(sb, ",\n          ");
	json_enum(sb, "state", &j->state, bits_state_name);
	strbuf_adds(sb, ",\n          ");
	json_enum(sb, "priority", &j->priority, bits_priority_name);
	strbuf_adds(sb, ",\n          \"bytes_total\": ");
	json_size(sb, &j->bytes_total);
	strbuf_adds(sb, ", \"bytes_transferred\": ");
	json_u64(sb, &j->bytes_transferred);
	strbuf_adds(sb, ",\n          \"files_total\": ");
	json_u64(sb, &j->files_total);
	strbuf_adds(sb, ", \"files_transferred\": ");
	json_u64(sb, &j->files_transferred);
	strbuf_adds(sb, ",\n          \"transient_errors\": ");
	json_u64(sb, &j->transient_error_count);
	strbuf_adds(sb, ",\n          \"created\": ");
	json_time(sb, &j->creation_time);
	strbuf_adds(sb, ", \"modified\": ");
	json_time(sb, &j->modification_time);
	strbuf_adds(sb, ", \"completed\": ");
	json_time(sb, &j->completion_time);
	strbuf_adds(sb, ",\n          \"files\": [");
	for (i = 0; i < j->nfiles; i++) {
		strbuf_adds(sb, i > 0 ? ",\n            " : "\n            ");
		json_file(sb, &j->files[i]);
	}
	strbuf_adds(sb, j->nfiles > 0 ? "\n          ]\n        }" : "]\n        }");
}

/* One host object: identity, status, error, latency and jobs. */
static void
json_host(struct strbuf *sb, const struct host_cfg *h, struct host_snapshot *snap)
{
	const char *status = snap->state == HOST_STATE_OK ? "ok" :
	    snap->state == HOST_STATE_ERROR ? "error" : "pending";
	size_t i;

	strbuf_adds(sb, "    {\n      \"host\": ");
	sanitize_json_append(sb, h != NULL ? h->name : "");
	strbuf_adds(sb, ",\n      \"url\": ");
	sanitize_json_append(sb, h != NULL ? h->url : "");
	strbuf_addf(sb, ",\n      \"status\": \"%s\",\n      \"error\": ", status);
	if (snap->state == HOST_STATE_ERROR) {
		strbuf_addf(sb, "{\"kind\": \"%s\", \"code\": ", hosterr_kind_name(snap->error.kind));
		if (snap->error.has_code)
			strbuf_addf(sb, "%" PRIu32, snap->error.code);
		else
			strbuf_adds(sb, "null");
		strbuf_adds(sb, ", \"message\": ");
		sanitize_json_append(sb, output_host_message(snap));
		strbuf_addc(sb, '}');
	} else
		strbuf_adds(sb, "null");
	if (snap->state == HOST_STATE_PENDING)
		strbuf_adds(sb, ",\n      \"latency_ms\": null");
	else
		strbuf_addf(sb, ",\n      \"latency_ms\": %u", snap->latency_ms);
	if (host_backend_name(snap->backend) != NULL)
		strbuf_addf(sb, ",\n      \"backend\": \"%s\"", host_backend_name(snap->backend));
	else
		strbuf_adds(sb, ",\n      \"backend\": null");
	strbuf_adds(sb, ",\n      \"jobs\": [");
	if (snap->state == HOST_STATE_OK) {
		host_snapshot_sort_jobs(snap);
		for (i = 0; i < snap->njobs; i++) {
			strbuf_adds(sb, i > 0 ? ",\n" : "\n");
			json_job(sb, &snap->jobs[i]);
		}
	}
	strbuf_adds(sb, snap->state == HOST_STATE_OK && snap->njobs > 0 ? "\n      ]\n    }" :
	    "]\n    }");
}

/* The whole JSON document. */
static void
output_json(struct strbuf *sb, const struct config *cfg, struct host_snapshot *const *snaps,
    size_t n, time_t generated)
{
	char buf[32];
	size_t i;

	output_iso_time(buf, sizeof buf, generated);
	strbuf_addf(sb, "{\n  \"version\": 1,\n  \"generated\": \"%s\",\n  \"hosts\": [", buf);
	for (i = 0; i < n; i++) {
		strbuf_adds(sb, i > 0 ? ",\n" : "\n");
		json_host(sb, output_host(cfg, snaps[i], i), snaps[i]);
	}
	strbuf_adds(sb, n > 0 ? "\n  ]\n}\n" : "]\n}\n");
}

/* A TSV number column: the value, or "-" when unknown. */
static void
tsv_u64(struct strbuf *sb, const struct bits_u64 *v, bool size)
{
	strbuf_addc(sb, '\t');
	if (v->p == BITS_SET && !(size && v->v == BITS_SIZE_UNKNOWN))
		strbuf_addf(sb, "%" PRIu64, v->v);
	else
		strbuf_addc(sb, '-');
}

/* TSV: a header, one line per job, one ERROR line per failed host (and its reason on err). */
static void
output_tsv(struct strbuf *sb, struct strbuf *eb, const struct config *cfg,
    struct host_snapshot *const *snaps, size_t n)
{
	const struct host_cfg *h;
	const struct bits_job *j;
	size_t i, k;

	strbuf_adds(sb, "host\tstate\tpriority\tbytes_transferred\tbytes_total\t"
	    "files_transferred\tfiles_total\tid\tname\n");
	for (i = 0; i < n; i++) {
		h = output_host(cfg, snaps[i], i);
		if (snaps[i]->state != HOST_STATE_OK) {
			sanitize_tsv_append(sb, h != NULL ? h->name : "");
			strbuf_adds(sb, "\tERROR\t-\t-\t-\t-\t-\t-\t");
			sanitize_tsv_append(sb, output_host_message(snaps[i]));
			strbuf_addc(sb, '\n');
			strbuf_adds(eb, "bitstop: ");
			sanitize_terminal_append(eb, h != NULL ? h->name : "");
			strbuf_adds(eb, ": ");
			sanitize_terminal_append(eb, output_host_message(snaps[i]));
			strbuf_addc(eb, '\n');
			continue;
		}
		host_snapshot_sort_jobs(snaps[i]);
		for (k = 0; k < snaps[i]->njobs; k++) {
			j = &snaps[i]->jobs[k];
			sanitize_tsv_append(sb, h != NULL ? h->name : "");
			strbuf_addf(sb, "\t%s\t%s", j->state.p == BITS_SET ?
			    bits_state_name(j->state.v) : "-", j->priority.p == BITS_SET ?
			    bits_priority_name(j->priority.v) : "-");
			tsv_u64(sb, &j->bytes_transferred, false);
			tsv_u64(sb, &j->bytes_total, true);
			tsv_u64(sb, &j->files_transferred, false);
			tsv_u64(sb, &j->files_total, false);
			strbuf_addc(sb, '\t');
			sanitize_tsv_append(sb, j->job_id.s);
			strbuf_addc(sb, '\t');
			sanitize_tsv_append(sb, j->display_name.s);
			strbuf_addc(sb, '\n');
		}
	}
}

/* Columns of the table; the last (NAME) is not padded. */
enum table_col {
	COL_HOST = 0,
	COL_STATE,
	COL_PRI,
	COL_PROGRESS,
	COL_BYTES,
	COL_FILES,
	COL_NAME,
	COL_COUNT
};

static const char *const table_headers[COL_COUNT] = {
	[COL_HOST] = "HOST",
	[COL_STATE] = "STATE",
	[COL_PRI] = "PRI",
	[COL_PROGRESS] = "PROGRESS",
	[COL_BYTES] = "BYTES",
	[COL_FILES] = "FILES",
	[COL_NAME] = "NAME",
};

/* Numbers are right-aligned, words left-aligned. */
static const bool table_right[COL_COUNT] = {
	[COL_PROGRESS] = true,
	[COL_BYTES] = true,
	[COL_FILES] = true,
};

/* One row: every cell terminal-safe; a failed host's row has only HOST, STATE and NAME. */
struct table_row {
	char	*cell[COL_COUNT];
	bool	 host_row;	/* a host's error line: the message starts at the PRI column */
};

/* Columns a string takes on the terminal (code points; cells are ASCII but hosts may not be). */
static size_t
table_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* The cells of one job's row. */
static void
table_job_row(struct table_row *r, const char *host, const struct bits_job *j)
{
	char done[32], total[32];

	memset(r, 0, sizeof *r);
	r->cell[COL_HOST] = sanitize_terminal(host);
	r->cell[COL_STATE] = xstrdup(j->state.p == BITS_SET ? bits_state_name(j->state.v) : "-");
	r->cell[COL_PRI] = xstrdup(j->priority.p == BITS_SET ?
	    bits_priority_name(j->priority.v) : "-");
	if (bits_job_size_known(j) && j->bytes_total.v > 0 && j->bytes_transferred.p == BITS_SET)
		r->cell[COL_PROGRESS] = xasprintf("%.1f%%", (double)j->bytes_transferred.v * 100.0 /
		    (double)j->bytes_total.v);
	else
		r->cell[COL_PROGRESS] = xstrdup("-");
	if (j->bytes_transferred.p == BITS_SET)
		output_format_size(done, sizeof done, j->bytes_transferred.v);
	else
		strcpy(done, "?");
	if (bits_job_size_known(j))
		output_format_size(total, sizeof total, j->bytes_total.v);
	else
		strcpy(total, "?");
	r->cell[COL_BYTES] = xasprintf("%s/%s", done, total);
	if (j->files_transferred.p == BITS_SET && j->files_total.p == BITS_SET)
		r->cell[COL_FILES] = xasprintf("%" PRIu64 "/%" PRIu64, j->files_transferred.v,
		    j->files_total.v);
	else
		r->cell[COL_FILES] = xstrdup("-");
	r->cell[COL_NAME] = sanitize_terminal(j->display_name.p == BITS_SET ?
	    j->display_name.s : "");
}

/* Append cell s padded to width w (left or right aligned), then the column gap. */
static void
table_cell(struct strbuf *sb, const char *s, size_t w, bool right)
{
	size_t n = table_width(s);

	if (right)
		for (; n < w; n++)
			strbuf_addc(sb, ' ');
	strbuf_adds(sb, s);
	if (!right)
		for (; n < w; n++)
			strbuf_addc(sb, ' ');
	strbuf_adds(sb, "  ");
}

/* Table: aligned columns for people, a line per failed host, and a summary. */
static void
output_table(struct strbuf *sb, const struct config *cfg, struct host_snapshot *const *snaps,
    size_t n)
{
	struct table_row *rows = NULL;
	size_t nrows = 0, i, k, c, w[COL_COUNT], ok = 0, failed = 0, pending = 0, jobs = 0;
	const struct host_cfg *h;

	for (i = 0; i < n; i++) {
		h = output_host(cfg, snaps[i], i);
		if (snaps[i]->state != HOST_STATE_OK) {
			snaps[i]->state == HOST_STATE_ERROR ? failed++ : pending++;
			rows = xreallocarray(rows, nrows + 1, sizeof *rows);
			memset(&rows[nrows], 0, sizeof *rows);
			rows[nrows].host_row = true;
			rows[nrows].cell[COL_HOST] = sanitize_terminal(h != NULL ? h->name : "");
			rows[nrows].cell[COL_STATE] = xstrdup(snaps[i]->state == HOST_STATE_ERROR ?
			    "ERROR" : "PENDING");
			rows[nrows++].cell[COL_NAME] = sanitize_terminal(output_host_message(snaps[i]));
			continue;
		}
		ok++;
		host_snapshot_sort_jobs(snaps[i]);
		rows = xreallocarray(rows, nrows + snaps[i]->njobs, sizeof *rows);
		for (k = 0; k < snaps[i]->njobs; k++, jobs++)
			table_job_row(&rows[nrows++], h != NULL ? h->name : "", &snaps[i]->jobs[k]);
	}
	for (c = 0; c < COL_COUNT; c++)
		w[c] = table_width(table_headers[c]);
	for (i = 0; i < nrows; i++)
		for (c = 0; c < COL_NAME; c++)
			if (rows[i].cell[c] != NULL && table_width(rows[i].cell[c]) > w[c])
				w[c] = table_width(rows[i].cell[c]);
	for (c = 0; c < COL_NAME; c++)
		table_cell(sb, table_headers[c], w[c], table_right[c]);
	strbuf_adds(sb, table_headers[COL_NAME]);
	strbuf_addc(sb, '\n');
	for (i = 0; i < nrows; i++) {
		for (c = 0; c < COL_NAME; c++) {
			if (rows[i].host_row && c >= COL_PRI)
				break;
			table_cell(sb, rows[i].cell[c], w[c], table_right[c]);
		}
		strbuf_adds(sb, rows[i].cell[COL_NAME]);
		strbuf_addc(sb, '\n');
		for (c = 0; c < COL_COUNT; c++)
			free(rows[i].cell[c]);
	}
	free(rows);
	strbuf_addf(sb, "%zu host%s: %zu ok, %zu failed", n, n == 1 ? "" : "s", ok, failed);
	if (pending > 0)
		strbuf_addf(sb, ", %zu not answered", pending);
	strbuf_addf(sb, "; %zu job%s\n", jobs, jobs == 1 ? "" : "s");
}

int
output_write(FILE *out, FILE *err, enum output_format fmt, const struct config *cfg,
    struct host_snapshot *const *snaps, size_t n, time_t generated)
{
	struct strbuf sb, eb;
	int rc = 0;

	strbuf_init(&sb);
	strbuf_init(&eb);
	if (fmt == OUTPUT_JSON)
		output_json(&sb, cfg, snaps, n, generated);
	else if (fmt == OUTPUT_TSV)
		output_tsv(&sb, &eb, cfg, snaps, n);
	else
		output_table(&sb, cfg, snaps, n);
	if (fwrite(sb.s, 1, sb.len, out) != sb.len || fflush(out) != 0)
		rc = -1;
	if (err != NULL && eb.len > 0) {
		fwrite(eb.s, 1, eb.len, err);
		fflush(err);
	}
	strbuf_done(&sb);
	strbuf_done(&eb);
	return rc;
}
