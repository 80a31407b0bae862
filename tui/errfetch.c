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
	size_t	 next_host;	/* where errfetch_pump() goes on */
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
	free(ef);
}

/* Ask for the codes of host's jobs in error whose code is not known. */
void
errfetch_host(struct errfetch *ef, struct model *m, size_t host)
{
	const struct model_host *h = model_host(m, host);

	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nrows && ef->n < ERRFETCH_MAX; i++) {
		struct model_row *row = h->rows[i];
		unsigned st = model_row_state(row);
		struct action_req *req;

		if (row->err != MODEL_ERR_NONE || row->vanished || model_row_stale(m, row) ||
		    (st != BITS_STATE_ERROR && st != BITS_STATE_TRANSIENT_ERROR))
			continue;
		req = action_req_new(ACTION_GET_ERROR, host, row->id, row->name);
		ef->inflight[ef->n].host = host;
		ef->inflight[ef->n].job_id = xstrdup(row->id);
		model_set_row_error(m, host, row->id, MODEL_ERR_FETCHING, 0);
		ef->inflight[ef->n].id = ef->submit(ef->arg, req);
		ef->n++;
	}
}

/* Fill the free places, host after host from where the last call stopped. */
void
errfetch_pump(struct errfetch *ef, struct model *m)
{
	size_t n = model_nhosts(m);

	for (size_t i = 0; i < n && ef->n < ERRFETCH_MAX; i++) {
		errfetch_host(ef, m, ef->next_host);
		if (ef->n < ERRFETCH_MAX)
			ef->next_host = (ef->next_host + 1) % n;
	}
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
