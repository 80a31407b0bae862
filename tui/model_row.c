#include "config.h"

#include "tui/model.h"

#include "src/bits_job.h"
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

/* A fresh row of a job that is transferring. */
bool
model_row_transferring(const struct model *m, const struct model_row *row)
{
	(void)m;
	return model_row_state(row) == BITS_STATE_TRANSFERRING;
}

/* The rate the table shows. */
bool
model_row_rate(const struct model *m, const struct model_row *row, double *rate)
{
	if (!(row->rate > 0 || (row->rate == 0 && model_row_transferring(m, row))))
		return false;
	*rate = row->rate;
	return true;
}

/* The ETA the table shows. */
bool
model_row_eta_shown(const struct model *m, const struct model_row *row, uint64_t *secs)
{
	unsigned st = model_row_state(row);

	(void)m;
	if (st == BITS_STATE_TRANSFERRED || st == BITS_STATE_ACKNOWLEDGED || row->vanished)
		return false;
	return model_row_eta(row, secs);
}
