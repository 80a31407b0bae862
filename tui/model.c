#include "config.h"

#include "tui/model.h"

#include <stdlib.h>
#include <string.h>

#include "src/sanitize.h"
#include "src/xalloc.h"
#include "tui/filter.h"
#include "tui/model_impl.h"

#define MODEL_NEW_MS_DEFAULT 5000
#define MODEL_VANISH_MS_DEFAULT 10000
#define MODEL_STALL_MS_DEFAULT (10 * 60 * 1000)

static void host_sum_update(struct model *m, size_t i);

/* New model over nhosts hosts with these display names. */
struct model *
model_new(size_t nhosts, const char *const *names)
{
	struct model *m = xcalloc(1, sizeof *m);

	m->hosts = xcalloc(nhosts ? nhosts : 1, sizeof *m->hosts);
	m->nhosts = nhosts;
	m->host_sum = xcalloc(nhosts ? nhosts : 1, sizeof *m->host_sum);
	m->wrong_hosts = xcalloc(nhosts ? nhosts : 1, sizeof *m->wrong_hosts);
	for (size_t i = 0; i < nhosts; i++) {
		m->hosts[i].name = sanitize_terminal(names[i]);
		m->host_sum[i].hosts_polling = 1;
	}
	m->fleet_sum.hosts_polling = nhosts;
	m->new_ms = MODEL_NEW_MS_DEFAULT;
	m->vanish_ms = MODEL_VANISH_MS_DEFAULT;
	m->stall_ms = MODEL_STALL_MS_DEFAULT;
	m->sort = MODEL_COL_HOST;
	m->view_dirty = true;
	m->next_expiry = INT64_MAX;
	m->host_width = -1;
	return m;
}

/* Drop a row's tombstone copy, if any. */
static void
row_unvanish(struct model_row *row)
{
	if (row->tomb != NULL) {
		bits_job_done(row->tomb);
		free(row->tomb);
		row->tomb = NULL;
	}
}

/* Free a row and what it owns. */
static void
row_free(struct model_row *row)
{
	free(row->id);
	free(row->name);
	free(row->owner);
	row_unvanish(row);
	free(row);
}

/* Free a host's snapshots (last and good may be the same). */
static void
host_free_snaps(struct model_host *h)
{
	if (h->good != h->last)
		host_snapshot_free(h->good);
	host_snapshot_free(h->last);
	h->good = h->last = NULL;
}

/* Free the model, its rows and snapshots; NULL is a no-op. */
void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nhosts; i++) {
		struct model_host *h = &m->hosts[i];

		for (size_t j = 0; j < h->nrows; j++)
			row_free(h->rows[j]);
		free(h->rows);
		host_free_snaps(h);
		free(h->name);
		free(h->group);
	}
	free(m->hosts);
	free(m->filter);
	filter_free(m->compiled);
	free(m->view);
	free(m->host_order[0]);
	free(m->host_order[1]);
	free(m->keys);
	free(m->host_sum);
	model_wrong_free(m);
	for (size_t i = 0; i < m->nnotes; i++)
		free(m->notes[i].id);
	free(m->notes);
	free(m);
}

/* Grace periods for new and vanished rows. */
void
model_set_grace(struct model *m, int64_t new_ms, int64_t vanish_ms)
{
	m->new_ms = new_ms;
	m->vanish_ms = vanish_ms;
	m->next_expiry = INT64_MIN;	/* look again at the next tick */
}

/* Something expires at `at` (monotonic ms): model_tick looks then. */
static void
expire_at(struct model *m, int64_t at)
{
	if (at < m->next_expiry)
		m->next_expiry = at;
}

/* A transferring job whose bytes have not moved for stall_ms is stalled. */
void
model_set_stall(struct model *m, int64_t stall_ms)
{
	m->stall_ms = stall_ms;
	for (size_t i = 0; i < m->nhosts; i++)
		host_sum_update(m, i);
	m->view_dirty = true;
}

/* Polling is paused: rates and ETAs are not current. */
void
model_set_paused(struct model *m, bool paused)
{
	m->paused = paused;
	m->view_dirty = true;
}

/* The config group of host. */
void
model_set_host_group(struct model *m, size_t host, const char *group)
{
	if (host >= m->nhosts)
		return;
	free(m->hosts[host].group);
	m->hosts[host].group = group != NULL ? sanitize_terminal(group) : NULL;
	m->view_dirty = true;
}

/* The error code of (host, id), from GetError. */
void
model_set_row_error(struct model *m, size_t host, const char *id, enum model_err err, uint32_t code)
{
	struct model_row *row = model_find(m, host, id);

	if (row == NULL)
		return;
	/* The key is the job as it was when the code was asked: a change while the
	 * answer was on its way asks again. */
	if (err == MODEL_ERR_FETCHING || row->err != MODEL_ERR_FETCHING) {
		row->err_mod = model_u64_or(&row->job->modification_time, 0);
		row->err_tec = model_u64_or(&row->job->transient_error_count, 0);
		row->err_state = model_row_state(row);
	}
	row->err = err;
	row->err_code = code;
	/* Only an order or a filter that reads the code changes the view; otherwise
	 * the row repaints in place (GetError answers come many times a second on a
	 * large fleet, and each rebuild sorted every row). */
	if (m->sort == MODEL_COL_ERROR || m->filter != NULL)
		m->view_dirty = true;
	model_wrong_host_update(m, host);
}

/* The code in err is of the job as it is now. */
bool
model_row_err_current(const struct model_row *row)
{
	return row->err != MODEL_ERR_NONE && row->err_state == model_row_state(row) &&
	    row->err_mod == model_u64_or(&row->job->modification_time, 0) &&
	    row->err_tec == model_u64_or(&row->job->transient_error_count, 0);
}

/* The order or the filter reads every failing job's code. */
bool
model_reads_codes(const struct model *m)
{
	return m->sort == MODEL_COL_ERROR || filter_reads_code(m->compiled);
}

/* The type of a job created here. */
void
model_note_type(struct model *m, size_t host, const char *id, unsigned type)
{
	struct model_row *row = model_find(m, host, id);

	if (row != NULL) {
		row->type = (int)type;
		return;
	}
	m->notes = xreallocarray(m->notes, m->nnotes + 1, sizeof *m->notes);
	m->notes[m->nnotes].host = host;
	m->notes[m->nnotes].id = xstrdup(id);
	m->notes[m->nnotes++].type = type;
}

/* A new row's type from the notes (and the note dropped), else unknown. */
static int
take_type_note(struct model *m, size_t host, const char *id)
{
	for (size_t i = 0; i < m->nnotes; i++) {
		if (m->notes[i].host == host && strcmp(m->notes[i].id, id) == 0) {
			int type = (int)m->notes[i].type;

			free(m->notes[i].id);
			m->notes[i] = m->notes[--m->nnotes];
			return type;
		}
	}
	return -1;
}

/* JobId of a job ("" when absent). */
static const char *
job_id(const struct bits_job *job)
{
	return job->job_id.p == BITS_SET ? job->job_id.s : "";
}

/* Compare rows by id, for a host's sorted row array. */
static int
row_cmp_id(const void *a, const void *b)
{
	const struct model_row *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* Index of id in a host's sorted rows, or SIZE_MAX. */
static size_t
host_find(const struct model_host *h, const char *id)
{
	size_t lo = 0, hi = h->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, h->rows[mid]->id);

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return SIZE_MAX;
}

/* The same number property in two polls of a job. */
static bool
u64_same(const struct bits_u64 *a, const struct bits_u64 *b)
{
	return a->p == b->p && (a->p != BITS_SET || a->v == b->v);
}

/* The same text property in two polls of a job. */
static bool
text_same(const struct bits_text *a, const struct bits_text *b)
{
	return a->p == b->p && (a->p != BITS_SET || strcmp(a->s, b->s) == 0);
}

/*
 * Refresh a row's display strings and derived rate from a new poll of its job;
 * old is the job's previous poll (NULL when none), whose sanitized strings are
 * kept when the text did not change.
 */
static void
row_update(struct model_row *row, const struct bits_job *old, const struct bits_job *job,
    int64_t polled_ms, bool fresh)
{
	uint64_t bytes = job->bytes_transferred.p == BITS_SET ? job->bytes_transferred.v : 0;

	if (old == NULL || row->name == NULL || !text_same(&old->display_name, &job->display_name)) {
		free(row->name);
		row->name = sanitize_terminal(job->display_name.p == BITS_SET ? job->display_name.s : "");
	}
	if (old == NULL || row->owner == NULL || !text_same(&old->owner, &job->owner)) {
		free(row->owner);
		row->owner = sanitize_terminal(job->owner.p == BITS_SET ? job->owner.s : "");
	}
	/* Stalls: the poll where the bytes last moved; errors: when it entered one. */
	if (old == NULL || bytes != row->bytes)
		row->moved_ms = polled_ms;
	if (model_u64_or(&job->state, 0) == BITS_STATE_ERROR ||
	    model_u64_or(&job->state, 0) == BITS_STATE_TRANSIENT_ERROR) {
		if (old == NULL || (model_u64_or(&old->state, 0) != BITS_STATE_ERROR &&
		    model_u64_or(&old->state, 0) != BITS_STATE_TRANSIENT_ERROR))
			row->err_since_ms = polled_ms;
	} else {
		row->err = MODEL_ERR_NONE;	/* out of error: a new error is fetched anew */
		row->err_since_ms = 0;
	}
	row->job = job;
	if (fresh) {
		row->rate = -1;
	} else if (polled_ms > row->bytes_at_ms) {
		if (bytes >= row->bytes)
			row->rate = (double)(bytes - row->bytes) * 1000.0 /
			    (double)(polled_ms - row->bytes_at_ms);
		else
			row->rate = -1;	/* restarted: no rate until the next poll */
	}
	row->bytes = bytes;
	row->bytes_at_ms = polled_ms;
}

/* Add a host's part of the summary to the fleet's (sign +1) or take it off (-1). */
static void
summary_add(struct model_summary *to, const struct model_summary *h, int sign)
{
	size_t k = sign > 0 ? 1 : (size_t)-1;	/* unsigned wrap-around subtracts */

	to->hosts_ok += k * h->hosts_ok;
	to->hosts_failing += k * h->hosts_failing;
	to->hosts_polling += k * h->hosts_polling;
	to->jobs += k * h->jobs;
	for (int st = 0; st < BITS_STATE_COUNT; st++)
		to->per_state[st] += k * h->per_state[st];
	to->stalled += k * h->stalled;
	to->rate += sign * h->rate;
}

/* Recompute one host's part of the summary. */
static void
host_sum_update(struct model *m, size_t i)
{
	const struct model_host *h = &m->hosts[i];
	struct model_summary *sum = &m->host_sum[i];
	double rate;

	model_wrong_host_update(m, i);
	summary_add(&m->fleet_sum, sum, -1);
	memset(sum, 0, sizeof *sum);
	if (h->last == NULL || h->last->state == HOST_STATE_PENDING)
		sum->hosts_polling = 1;
	else if (h->last->state == HOST_STATE_OK)
		sum->hosts_ok = 1;
	else
		sum->hosts_failing = 1;
	for (size_t j = 0; j < h->nrows; j++) {
		const struct model_row *row = h->rows[j];
		unsigned st = model_row_state(row);

		if (row->vanished)
			continue;
		sum->jobs++;
		if (st < BITS_STATE_COUNT)
			sum->per_state[st]++;
		if (model_row_rate(m, row, &rate))
			sum->rate += rate;
		if (model_row_stalled(m, row))
			sum->stalled++;
	}
	summary_add(&m->fleet_sum, sum, +1);
}

/* Turn a row into a tombstone holding its own copy of the job. */
static void
row_vanish(struct model *m, struct model_row *row, int64_t now_mono)
{
	if (row->tagged)
		m->ntagged--;
	expire_at(m, row->drop_when_gone ? now_mono : now_mono + m->vanish_ms);
	/* Allocated only now: most rows never vanish, and a copy is the size of a job. */
	row->tomb = xcalloc(1, sizeof(*row->tomb));
	bits_job_copy(row->tomb, row->job);
	row->job = row->tomb;
	row->vanished = true;
	row->vanished_ms = now_mono;
	row->rate = -1;
	row->is_new = false;
}

/* Drop rows repeating the id before them (a server listing one job twice). */
static size_t
rows_dedup(struct model_row **rows, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (out > 0 && strcmp(rows[out - 1]->id, rows[i]->id) == 0) {
			row_free(rows[i]);
			continue;
		}
		rows[out++] = rows[i];
	}
	return out;
}

/* Order of (wire hash, index) pairs by hash. */
static int
wire_cmp(const void *a, const void *b)
{
	uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];

	return x < y ? -1 : x > y;
}

/*
 * Fill the jobs of snap that the poller did not parse again (wire_reused: the
 * same bytes as in the host's last good poll) from that snapshot: moved, not
 * copied, unless the same bytes came twice. The moved slots of old are listed
 * in moved[] (*nmoved) for model_apply to empty once the rows point to the new
 * jobs. A placeholder without its job (never expected) is dropped.
 */
static void
snap_take_reused(struct host_snapshot *old, struct host_snapshot *snap, size_t *moved,
    size_t *nmoved)
{
	uint64_t (*idx)[2] = NULL;
	bool *taken = NULL;
	size_t n = 0, nidx = 0;
	bool any = false;

	*nmoved = 0;
	for (size_t i = 0; i < snap->njobs && !any; i++)
		any = snap->jobs[i].wire_reused;
	if (!any)
		return;
	if (old != NULL && old->njobs > 0) {
		idx = xreallocarray(NULL, old->njobs, sizeof *idx);
		taken = xcalloc(old->njobs, sizeof *taken);
		for (size_t k = 0; k < old->njobs; k++)
			if (old->jobs[k].wire_hash != 0 && !old->jobs[k].wire_reused) {
				idx[nidx][0] = old->jobs[k].wire_hash;
				idx[nidx++][1] = k;
			}
		qsort(idx, nidx, sizeof *idx, wire_cmp);
	}
	for (size_t i = 0; i < snap->njobs; i++) {
		struct bits_job *job = &snap->jobs[i];
		uint64_t key[2] = { job->wire_hash, 0 };
		uint64_t (*hit)[2];

		if (!job->wire_reused) {
			snap->jobs[n++] = *job;
			continue;
		}
		hit = nidx > 0 ? bsearch(key, idx, nidx, sizeof *idx, wire_cmp) : NULL;
		if (hit == NULL)
			continue;
		if (!taken[(*hit)[1]]) {
			taken[(*hit)[1]] = true;
			snap->jobs[n] = old->jobs[(*hit)[1]];
			moved[(*nmoved)++] = (size_t)(*hit)[1];
		} else {
			bits_job_copy(&snap->jobs[n], &old->jobs[(*hit)[1]]);
		}
		snap->jobs[n++].wire_reused = false;
	}
	snap->njobs = n;
	free(idx);
	free(taken);
	host_snapshot_sort_jobs(snap);
}

/* A failed poll: keep the last good jobs, whose rows now show as stale. */
static void
apply_failed(struct model *m, struct model_host *h, struct host_snapshot *snap)
{
	if (h->last != h->good)
		host_snapshot_free(h->last);
	h->last = snap;
	host_sum_update(m, snap->host);
}

/*
 * The row of one job of a good poll: the existing row updated, a tombstone
 * brought back, or a new row. NULL when the job has no id or repeats one of
 * this answer. *moved is set when the view's order may have changed.
 */
static struct model_row *
apply_job(struct model *m, struct model_host *h, const struct host_snapshot *snap,
    const struct bits_job *job, bool first, int64_t now_mono, bool *moved)
{
	const char *id = job_id(job);
	size_t at = host_find(h, id);
	struct model_row *row;

	if (*id == '\0')
		return NULL;
	if (at != SIZE_MAX && h->rows[at]->mark == m->gen)
		return NULL;	/* the same id twice in one answer: keep the first */
	if (at != SIZE_MAX) {
		row = h->rows[at];
		if (row->vanished) {
			/* Back in the queue: a live row again. */
			row_update(row, NULL, job, snap->polled_at_ms, true);
			row_unvanish(row);
			row->vanished = false;
			if (row->tagged)
				m->ntagged++;
			*moved = true;
		} else {
			if (!u64_same(&row->job->creation_time, &job->creation_time))
				*moved = true;	/* a tie key of the view */
			row_update(row, row->job, job, snap->polled_at_ms, false);
		}
	} else {
		row = xcalloc(1, sizeof *row);
		row->host = snap->host;
		row->id = xstrdup(id);
		row->is_new = !first;
		row->seen_ms = now_mono;
		if (row->is_new)
			expire_at(m, now_mono + m->new_ms);
		row->view_index = SIZE_MAX;
		row->type = m->nnotes > 0 ? take_type_note(m, snap->host, id) : -1;
		row_update(row, NULL, job, snap->polled_at_ms, true);
		*moved = true;
	}
	row->mark = m->gen;
	return row;
}

/* Rows of h not in this answer become tombstones (or go); appended to rows. */
static size_t
apply_gone(struct model *m, struct model_host *h, struct model_row **rows, size_t n,
    int64_t now_mono, bool *moved)
{
	for (size_t i = 0; i < h->nrows; i++) {
		struct model_row *row = h->rows[i];

		if (row->mark == m->gen)
			continue;
		if (row->drop_when_gone && !row->vanished) {
			if (row->tagged)
				m->ntagged--;
			row_free(row);
			*moved = true;
			continue;
		}
		if (!row->vanished) {
			row_vanish(m, row, now_mono);
			*moved = true;
		}
		rows[n++] = row;
	}
	return n;
}

/* Take ownership of a host snapshot and update that host's rows. */
bool
model_apply(struct model *m, struct host_snapshot *snap, int64_t now_mono)
{
	struct model_host *h;
	struct model_row **rows;
	size_t n = 0, *moved_slots, nmoved;
	bool first, reorder = false;

	if (snap == NULL)
		return false;
	if (snap->host >= m->nhosts ||
	    (m->hosts[snap->host].last != NULL && snap->seq != 0 &&
	    snap->seq <= m->hosts[snap->host].last->seq)) {
		host_snapshot_free(snap);
		return false;
	}
	h = &m->hosts[snap->host];
	if (snap->polled_at_ms > m->now_wall)
		m->now_wall = snap->polled_at_ms;
	if (snap->state != HOST_STATE_OK) {
		apply_failed(m, h, snap);
		return true;
	}
	first = h->good == NULL;
	moved_slots = xreallocarray(NULL, snap->njobs + 1, sizeof *moved_slots);
	snap_take_reused(h->good, snap, moved_slots, &nmoved);
	m->gen++;
	rows = xreallocarray(NULL, h->nrows + snap->njobs + 1, sizeof *rows);
	for (size_t i = 0; i < snap->njobs; i++) {
		struct model_row *row = apply_job(m, h, snap, &snap->jobs[i], first, now_mono,
		    &reorder);

		if (row != NULL)
			rows[n++] = row;
	}
	n = apply_gone(m, h, rows, n, now_mono, &reorder);
	/* New rows were appended: restore the id order for the lookups. */
	qsort(rows, n, sizeof *rows, row_cmp_id);
	n = rows_dedup(rows, n);
	free(h->rows);
	h->rows = rows;
	h->nrows = n;
	/* The jobs moved into snap belong to it now: the old snapshot lets go. */
	for (size_t i = 0; i < nmoved; i++)
		memset(&h->good->jobs[moved_slots[i]], 0, sizeof h->good->jobs[moved_slots[i]]);
	free(moved_slots);
	host_free_snaps(h);
	h->last = h->good = snap;
	host_sum_update(m, snap->host);
	/* Sorted by host without a filter, the view only changes when rows come,
	 * go or change a tie key; other orders depend on the new values. */
	if (reorder || m->sort != MODEL_COL_HOST || m->filter != NULL)
		m->view_dirty = true;
	return true;
}

/* Expire new marks and tombstones. */
bool
model_tick(struct model *m, int64_t now_mono)
{
	bool changed = false;
	int64_t next = INT64_MAX;

	if (now_mono < m->next_expiry)
		return false;	/* nothing due: no walk over the rows */
	for (size_t i = 0; i < m->nhosts; i++) {
		struct model_host *h = &m->hosts[i];
		size_t n = 0;

		for (size_t j = 0; j < h->nrows; j++) {
			struct model_row *row = h->rows[j];

			if (row->vanished && (row->drop_when_gone ||
			    now_mono - row->vanished_ms >= m->vanish_ms)) {
				row_free(row);
				changed = true;
				m->view_dirty = true;
				continue;
			}
			if (row->is_new && now_mono - row->seen_ms >= m->new_ms) {
				row->is_new = false;
				changed = true;
			}
			if (row->is_new && row->seen_ms + m->new_ms < next)
				next = row->seen_ms + m->new_ms;
			if (row->vanished && (row->drop_when_gone ? now_mono :
			    row->vanished_ms + m->vanish_ms) < next)
				next = row->drop_when_gone ? now_mono : row->vanished_ms + m->vanish_ms;
			h->rows[n++] = row;
		}
		h->nrows = n;
	}
	m->next_expiry = next;
	return changed;
}

/* Number of hosts. */
size_t
model_nhosts(const struct model *m)
{
	return m->nhosts;
}

/* The widest host name, measured at the first call (each repaint's layout asks). */
int
model_host_name_width(const struct model *m, int (*width)(const char *s))
{
	struct model *mm = (struct model *)m;	/* a memo: the model itself is not changed */

	if (mm->host_width < 0) {
		mm->host_width = 0;
		for (size_t i = 0; i < m->nhosts; i++) {
			int w = width(m->hosts[i].name);

			if (w > mm->host_width)
				mm->host_width = w;
		}
	}
	return mm->host_width;
}

/* Host `host` (its name, snapshots and rows), or NULL. */
const struct model_host *
model_host(const struct model *m, size_t host)
{
	return host < m->nhosts ? &m->hosts[host] : NULL;
}

/* Row of (host, id), or NULL. */
struct model_row *
model_find(const struct model *m, size_t host, const char *id)
{
	size_t at;

	if (host >= m->nhosts || id == NULL)
		return NULL;
	at = host_find(&m->hosts[host], id);
	return at == SIZE_MAX ? NULL : m->hosts[host].rows[at];
}



/* An action on (host, id) was sent. */
void
model_pending_begin(struct model *m, size_t host, const char *id, enum action_kind kind)
{
	struct model_row *row = model_find(m, host, id);

	if (row != NULL) {
		row->pending++;
		row->pending_kind = kind;
	}
}

/* An action on (host, id) was answered; drop_when_gone: it left the queue. */
void
model_pending_end(struct model *m, size_t host, const char *id, bool drop_when_gone)
{
	struct model_row *row = model_find(m, host, id);

	if (row == NULL)
		return;
	if (row->pending > 0)
		row->pending--;
	if (drop_when_gone) {
		row->drop_when_gone = true;
		if (row->vanished)
			expire_at(m, INT64_MIN);	/* a tombstone already: goes at the next tick */
	}
}

/* Fleet totals: hosts by health, jobs by state, aggregate rate (kept, not summed here). */
void
model_summary(const struct model *m, struct model_summary *sum)
{
	*sum = m->fleet_sum;
	/* The rate is a running sum of doubles: what rounding leaves of a fleet
	 * that stopped is not a rate. */
	if (sum->rate < 0.5)
		sum->rate = 0;
	if (m->paused)
		sum->rate = 0;	/* no rate is current while polling is paused */
}
