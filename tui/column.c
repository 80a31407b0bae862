#include "config.h"

#include "tui/column.h"

#include <stdio.h>

#include "src/action.h"
#include "src/bits_job.h"
#include "tui/fmt.h"
#include "tui/model.h"

/* Short priority names for the PRI column, indexed by enum bits_priority. */
static const char *const column_pri[BITS_PRIORITY_COUNT] = { "FORE", "HIGH", "NORM", "LOW" };

/* A set number property, or a fallback. */
static uint64_t
column_u64(const struct bits_u64 *v, uint64_t dflt)
{
	return v->p == BITS_SET ? v->v : dflt;
}

/* HOST: the host's display name. */
static void
column_text_host(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	(void)now;
	snprintf(buf, len, "%s", model_host(m, row->host)->name);
}

/* STATE: the job state, or what overrides it (pending action, gone, stale). */
static void
column_text_state(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	/* A stale row keeps its last known state (the gutter and its colour mark it stale). */
	(void)now;
	if (row->pending > 0)
		snprintf(buf, len, "pending %s", action_kind_name(row->pending_kind));
	else if (row->vanished)
		snprintf(buf, len, "gone");
	else if (model_row_stalled(m, row))
		snprintf(buf, len, "STALLED");
	else
		snprintf(buf, len, "%s", bits_state_name(model_row_state(row)));
}

/* TYPE: down or up, for jobs created here (the BITS provider does not list the type). */
static void
column_text_type(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	(void)m;
	(void)now;
	if (row->type >= 0)
		snprintf(buf, len, "%s", row->type == BITS_TYPE_DOWNLOAD ? "down" : "up");
}

/* PRI: the short priority name. */
static void
column_text_pri(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	const struct bits_job *j = row->job;

	(void)m;
	(void)now;
	if (j->priority.p == BITS_SET && j->priority.v < BITS_PRIORITY_COUNT)
		snprintf(buf, len, "%s", column_pri[j->priority.v]);
}

/* PROGRESS: the percentage (the table draws a bar before it). */
static void
column_text_progress(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	double pct;

	(void)m;
	(void)now;
	if (model_row_percent(row, &pct))
		snprintf(buf, len, "%3.0f%%", pct);
	else
		snprintf(buf, len, "?");
}

/* BYTES: done/total. */
static void
column_text_bytes(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	const struct bits_job *j = row->job;
	char a[FMT_BUFSZ], b[FMT_BUFSZ];

	(void)m;
	(void)now;
	snprintf(buf, len, "%s/%s", fmt_size(a, sizeof a, column_u64(&j->bytes_transferred, 0)),
	    bits_job_size_known(j) ? fmt_size(b, sizeof b, j->bytes_total.v) : "?");
}

/* RATE: bytes per second between the last two polls, for a job transferring. */
static void
column_text_rate(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	double rate;

	(void)now;
	if (model_row_rate(m, row, &rate))
		fmt_rate(buf, len, rate);
}

/* ETA: time left at the current rate, "?" while a transfer has no rate yet. */
static void
column_text_eta(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	uint64_t secs;

	(void)now;
	if (model_row_eta_shown(m, row, &secs))
		fmt_eta(buf, len, secs);
	else if (model_row_transferring(m, row))
		snprintf(buf, len, "?");
}

/* FILES: done/total. */
static void
column_text_files(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	const struct bits_job *j = row->job;

	(void)m;
	(void)now;
	snprintf(buf, len, "%llu/%llu", (unsigned long long)column_u64(&j->files_transferred, 0),
	    (unsigned long long)column_u64(&j->files_total, 0));
}

/* ERR: the transient error count. */
static void
column_text_err(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	(void)m;
	(void)now;
	snprintf(buf, len, "%llu", (unsigned long long)column_u64(&row->job->transient_error_count, 0));
}

/* ERROR: the short name of the job's error code (GetError), "..." while it is asked. */
static void
column_text_error(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	(void)m;
	(void)now;
	if (row->err == MODEL_ERR_KNOWN)
		fmt_hresult_short(buf, len, row->err_code);
	else if (row->err == MODEL_ERR_FETCHING)
		snprintf(buf, len, "...");
}

/* AGE: time since the job was created. */
static void
column_text_age(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	uint64_t secs;

	(void)m;
	if (model_row_age(row, now, &secs))
		fmt_age(buf, len, secs);
}

/* OWNER: the job's owner (sanitized). */
static void
column_text_owner(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	(void)m;
	(void)now;
	snprintf(buf, len, "%s", row->owner);
}

/* NAME: the job's display name (sanitized). */
static void
column_text_name(char *buf, size_t len, const struct model *m, const struct model_row *row,
    int64_t now)
{
	(void)m;
	(void)now;
	snprintf(buf, len, "%s", row->name);
}

/* HOST key: the host name (the view sorts hosts by a cached order instead). */
static void
column_key_host(const struct model *m, const struct model_row *row, struct column_key *k)
{
	k->text = model_host(m, row->host)->name;
}

/* STATE key: the state number. */
static void
column_key_state(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = model_row_state(row);
}

/* TYPE key: the type, unknown first. */
static void
column_key_type(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = row->type;
}

/* PRI key: the priority number (absent sorts last). */
static void
column_key_pri(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = (double)column_u64(&row->job->priority, BITS_PRIORITY_COUNT);
}

/* PROGRESS key: the percentage, unknown lowest. */
static void
column_key_progress(const struct model *m, const struct model_row *row, struct column_key *k)
{
	double pct;

	(void)m;
	k->num = model_row_percent(row, &pct) ? pct : -1;
}

/* BYTES key: the total size, unknown lowest. */
static void
column_key_bytes(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = bits_job_size_known(row->job) ? (double)row->job->bytes_total.v : -1;
}

/* RATE key: the rate shown, none lowest. */
static void
column_key_rate(const struct model *m, const struct model_row *row, struct column_key *k)
{
	double rate;

	k->num = model_row_rate(m, row, &rate) ? rate : -1;
}

/* ETA key: seconds left; unknown sorts after every known one. */
static void
column_key_eta(const struct model *m, const struct model_row *row, struct column_key *k)
{
	uint64_t eta;

	k->num = model_row_eta_shown(m, row, &eta) ? (double)eta : 1e300;
}

/* FILES key: the file count. */
static void
column_key_files(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = (double)column_u64(&row->job->files_total, 0);
}

/* ERR key: the transient error count. */
static void
column_key_err(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = (double)column_u64(&row->job->transient_error_count, 0);
}

/* ERROR key: the short name (jobs without a known code sort first). */
static void
column_key_error(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = row->err == MODEL_ERR_KNOWN ? (double)row->err_code : -1;
}

/* AGE key: creation time ascending (older first). */
static void
column_key_age(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->num = (double)column_u64(&row->job->creation_time, 0);
}

/* OWNER key: the owner text. */
static void
column_key_owner(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->text = row->owner;
}

/* NAME key: the name text. */
static void
column_key_name(const struct model *m, const struct model_row *row, struct column_key *k)
{
	(void)m;
	k->text = row->name;
}

static const struct column column_table[MODEL_COL_COUNT] = {
#define X(e, t, w, a, k, d, tx, ky) [e] = { t, w, a, k, d, tx, ky },
	MODEL_COLUMNS(X)
#undef X
};
_Static_assert(sizeof column_table / sizeof column_table[0] == MODEL_COL_COUNT, "one row per column");

/* The column col. */
const struct column *
column_get(enum model_col col)
{
	return &column_table[(unsigned)col < MODEL_COL_COUNT ? col : MODEL_COL_HOST];
}

/* Title of a column. */
const char *
column_title(enum model_col col)
{
	return (unsigned)col < MODEL_COL_COUNT ? column_table[col].title : "?";
}
