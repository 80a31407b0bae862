#include "config.h"

#include "tui/errfetch.h"

#include <stdlib.h>

#include "src/bits_hresult.h"
#include "src/bits_job.h"
#include "src/xalloc.h"
#include "tui/model.h"

/* GetError requests in flight at most: the answers are small, the hosts are busy. */
#define ERRFETCH_MAX 32

struct errfetch_req {
	uint64_t id;
	size_t	 host;
	char	*job_id;
};

struct errfetch {
	actions_submit_fn submit;
	void	*arg;
	struct errfetch_req inflight[ERRFETCH_MAX];
	size_t	 n;
	bool	 all;		/* every failing job's code is wanted, not only ERROR's */
	/* Hosts with codes still to ask once places are free, first in first out
	 * (so that an answer never walks the fleet looking for work). */
	size_t	*queue;		/* ring of nqueue hosts from qhead; capacity nhosts */
	size_t	 qhead, nqueue, nhosts;
	bool	*queued;	/* per host: in the ring */
	uint64_t asked;		/* GetError requests sent so far */
};

/* New fetcher. */
struct errfetch *
errfetch_new(actions_submit_fn submit, void *arg)
{
	struct errfetch *ef = xcalloc(1, sizeof *ef);

	ef->submit = submit;
	ef->arg = arg;
	return ef;
}

/* Free the fetcher (answers still coming are then ignored); NULL is a no-op. */
void
errfetch_free(struct errfetch *ef)
{
	if (ef == NULL)
		return;
	for (size_t i = 0; i < ef->n; i++)
		free(ef->inflight[i].job_id);
	free(ef->queue);
	free(ef->queued);
	free(ef);
}

/* Put host at the end of the ring (once). */
static void
errfetch_enqueue(struct errfetch *ef, const struct model *m, size_t host)
{
	if (ef->queue == NULL) {
		ef->nhosts = model_nhosts(m);
		ef->queue = xcalloc(ef->nhosts ? ef->nhosts : 1, sizeof *ef->queue);
		ef->queued = xcalloc(ef->nhosts ? ef->nhosts : 1, sizeof *ef->queued);
	}
	if (host >= ef->nhosts || ef->queued[host])
		return;
	ef->queued[host] = true;
	ef->queue[(ef->qhead + ef->nqueue++) % ef->nhosts] = host;
}

/*
 * Is row's code to be asked? Its job is in an error state and what is known
 * of its code is not of the job as it is now (a job that stays the same is
 * never asked twice); a job in TRANSIENT_ERROR (BITS retries it by itself,
 * and its code changes with each retry) only when any is set: its row is on
 * the screen, or a view reads every code.
 */
static bool
errfetch_due(const struct model *m, const struct model_row *row, bool any)
{
	unsigned st = model_row_state(row);

	if (st != BITS_STATE_ERROR && st != BITS_STATE_TRANSIENT_ERROR)
		return false;
	if (row->vanished || row->err == MODEL_ERR_FETCHING || model_row_err_current(row) ||
	    model_row_stale(m, row))
		return false;
	return any || st == BITS_STATE_ERROR;
}

/* Ask for row's code. */
static void
errfetch_ask(struct errfetch *ef, struct model *m, struct model_row *row)
{
	struct action_req *req = action_req_new(ACTION_GET_ERROR, row->host, row->id, row->name);

	ef->inflight[ef->n].host = row->host;
	ef->inflight[ef->n].job_id = xstrdup(row->id);
	model_set_row_error(m, row->host, row->id, MODEL_ERR_FETCHING, 0);
	ef->inflight[ef->n].id = ef->submit(ef->arg, req);
	ef->n++;
	ef->asked++;
}

/* Ask for the codes due of host's jobs; the host waits in the ring when places run out. */
void
errfetch_host(struct errfetch *ef, struct model *m, size_t host)
{
	const struct model_host *h = model_host(m, host);

	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nrows; i++) {
		struct model_row *row = h->rows[i];

		if (!errfetch_due(m, row, ef->all))
			continue;
		if (ef->n == ERRFETCH_MAX) {
			errfetch_enqueue(ef, m, host);
			return;
		}
		errfetch_ask(ef, m, row);
	}
}

/* Ask for the codes of these rows (on the screen now) of any error state. */
void
errfetch_rows(struct errfetch *ef, struct model *m, struct model_row *const *rows, size_t n)
{
	for (size_t i = 0; i < n && ef->n < ERRFETCH_MAX; i++)
		if (errfetch_due(m, rows[i], true))
			errfetch_ask(ef, m, rows[i]);
}

/* Every failing job's code wanted (a view reads them all) or only ERROR's. */
void
errfetch_set_all(struct errfetch *ef, struct model *m, bool all)
{
	if (all == ef->all)
		return;
	ef->all = all;
	if (all)
		for (size_t i = 0; i < model_nhosts(m); i++)
			errfetch_enqueue(ef, m, i);
	errfetch_pump(ef, m);
}

/* Fill the free places from the hosts waiting in the ring. */
void
errfetch_pump(struct errfetch *ef, struct model *m)
{
	while (ef->n < ERRFETCH_MAX && ef->nqueue > 0) {
		size_t host = ef->queue[ef->qhead];

		ef->qhead = (ef->qhead + 1) % ef->nhosts;
		ef->nqueue--;
		ef->queued[host] = false;
		errfetch_host(ef, m, host);
	}
}

/* GetError requests sent so far. */
uint64_t
errfetch_asked(const struct errfetch *ef)
{
	return ef->asked;
}

/* Take a GetError answer of ours. */
bool
errfetch_on_result(struct errfetch *ef, struct model *m, const struct action_result *res)
{
	size_t i;

	if (res->kind != ACTION_GET_ERROR)
		return false;
	for (i = 0; i < ef->n && ef->inflight[i].id != res->id; i++)
		;
	if (i == ef->n)
		return false;
	if (res->ok && res->has_error_info)
		model_set_row_error(m, ef->inflight[i].host, ef->inflight[i].job_id, MODEL_ERR_KNOWN,
		    res->error_info.error_code);
	else
		model_set_row_error(m, ef->inflight[i].host, ef->inflight[i].job_id, MODEL_ERR_UNAVAILABLE,
		    res->error.has_code ? res->error.code : BITS_HR_BG_E_ERROR_INFORMATION_UNAVAILABLE);
	free(ef->inflight[i].job_id);
	ef->inflight[i] = ef->inflight[--ef->n];
	return true;
}
