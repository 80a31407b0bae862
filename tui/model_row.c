#include "config.h"

#include "tui/model.h"

#include "src/bits_job.h"
#include "src/hosterr.h"
#include "src/snapshot.h"
#include "tui/model_impl.h"

/*
 * model_row: what the screens read from one row (state, staleness, progress,
 * rate, ETA, age), all in one place; model.c builds the rows, model_view.c
 * orders them.
 */

/* Job state as a number (BITS_STATE_COUNT when absent). */
unsigned
model_row_state(const struct model_row *row)
{
	const struct bits_u64 *s = &row->job->state;

	return s->p == BITS_SET && s->v < BITS_STATE_COUNT ? (unsigned)s->v : BITS_STATE_COUNT;
}

/* A row whose host's latest poll failed. */
bool
model_row_stale(const struct model *m, const struct model_row *row)
{
	const struct model_host *h = &m->hosts[row->host];

	return !row->vanished && h->last != NULL && h->last != h->good;
}

/* Wall ms of the host's last good poll. */
int64_t
model_row_stale_since(const struct model *m, const struct model_row *row)
{
	const struct model_host *h = &m->hosts[row->host];

	return h->good != NULL ? h->good->polled_at_ms : 0;
}

/* Percent done when the size is known. */
bool
model_row_percent(const struct model_row *row, double *pct)
{
	const struct bits_job *j = row->job;

	if (!bits_job_size_known(j))
		return false;
	if (j->bytes_total.v == 0) {
		/* Nothing to move: done once BITS says so. */
		*pct = model_row_state(row) == BITS_STATE_TRANSFERRED ||
		    model_row_state(row) == BITS_STATE_ACKNOWLEDGED ? 100.0 : 0.0;
		return true;
	}
	*pct = 100.0 * (double)model_u64_or(&j->bytes_transferred, 0) / (double)j->bytes_total.v;
	if (*pct > 100.0)
		*pct = 100.0;
	return true;
}

/* Seconds left at the current rate. */
bool
model_row_eta(const struct model_row *row, uint64_t *secs)
{
	const struct bits_job *j = row->job;
	uint64_t done = model_u64_or(&j->bytes_transferred, 0);

	if (!bits_job_size_known(j))
		return false;
	if (done >= j->bytes_total.v) {
		*secs = 0;
		return true;
	}
	if (row->rate <= 0)
		return false;
	*secs = (uint64_t)((double)(j->bytes_total.v - done) / row->rate + 0.5);
	return true;
}

/* Seconds since creation. */
bool
model_row_age(const struct model_row *row, int64_t now_wall_ms, uint64_t *secs)
{
	time_t created;

	if (row->job->creation_time.p != BITS_SET ||
	    !bits_filetime_to_unix(row->job->creation_time.v, &created))
		return false;
	*secs = now_wall_ms / 1000 > created ? (uint64_t)(now_wall_ms / 1000 - created) : 0;
	return true;
}

/*
 * A row whose numbers are moving now: the job is TRANSFERRING, the row is
 * fresh (not stale, not gone) and polling is not paused. Only such rows show
 * a rate or an ETA.
 */
bool
model_row_transferring(const struct model *m, const struct model_row *row)
{
	return model_row_state(row) == BITS_STATE_TRANSFERRING && !row->vanished && !m->paused &&
	    !model_row_stale(m, row);
}

/* The rate the table shows: only while transferring, once measured. */
bool
model_row_rate(const struct model *m, const struct model_row *row, double *rate)
{
	if (!model_row_transferring(m, row) || row->rate < 0)
		return false;
	*rate = row->rate;
	return true;
}

/* The ETA the table shows: only while transferring at a known rate. */
bool
model_row_eta_shown(const struct model *m, const struct model_row *row, uint64_t *secs)
{
	if (!model_row_transferring(m, row))
		return false;
	return model_row_eta(row, secs);
}

/* The row's host name. */
const char *
model_row_host_name(const struct model *m, const struct model_row *row)
{
	return m->hosts[row->host].name;
}

/* The row's host's config group, "" for none. */
const char *
model_row_group(const struct model *m, const struct model_row *row)
{
	return m->hosts[row->host].group != NULL ? m->hosts[row->host].group : "";
}

/* The row's host's status: "ok", "polling", or the error kind ("auth", "tls" ...). */
const char *
model_row_host_status(const struct model *m, const struct model_row *row)
{
	const struct host_snapshot *s = m->hosts[row->host].last;

	if (s == NULL || s->state == HOST_STATE_PENDING)
		return "polling";
	return s->state == HOST_STATE_OK ? "ok" : hosterr_kind_name(s->error.kind);
}

/* The host's backend name, "" before it was reached. */
const char *
model_row_backend(const struct model *m, const struct model_row *row)
{
	const struct host_snapshot *s = m->hosts[row->host].good;
	const char *name = s != NULL ? host_backend_name(s->backend) : NULL;

	return name != NULL ? name : "";
}

/* A transferring job whose bytes have not moved for the stall time. */
bool
model_row_stalled(const struct model *m, const struct model_row *row)
{
	const struct host_snapshot *s = m->hosts[row->host].good;

	if (model_row_state(row) != BITS_STATE_TRANSFERRING || row->vanished ||
	    model_row_stale(m, row) || s == NULL || m->stall_ms <= 0)
		return false;
	return s->polled_at_ms - row->moved_ms >= m->stall_ms;
}
