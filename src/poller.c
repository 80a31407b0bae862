#include "config.h"

#include "src/poller.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <curl/curl.h>

#include "src/audit.h"
#include "src/cfg.h"
#include "src/http.h"
#include "src/queue.h"
#include "src/backend.h"
#include "src/wsman_op.h"
#include "src/xalloc.h"

/*
 * Requests in flight per thread: POLLER_MAX_PARALLEL, or with more than four
 * threads one per POLLER_HOSTS_PER_REQUEST hosts (at least POLLER_MIN_PARALLEL):
 * enough for a refresh to finish in time when each request waits ~200 ms, without
 * an easy handle (and its 16 KiB buffer) per host.
 */
#define POLLER_MAX_PARALLEL	96
#define POLLER_MIN_PARALLEL	24
#define POLLER_HOSTS_PER_REQUEST 8
/*
 * Hosts per thread, and so per curl multi handle: in libcurl 7.88 the cost of
 * each transfer (its removal from the multi handle above all) grows with the
 * connections the handle holds, so the cost of a poll grows with the hosts
 * sharing a multi handle (measured at 10,000 hosts). Past 4 threads a
 * fleet gets more threads (at most 16), each with at most ~640 hosts; they run
 * at a lower priority than the UI thread (nice +5, SCHED_BATCH).
 */
#define POLLER_HOSTS_PER_THREAD	500
#define POLLER_MAX_HOSTS_PER_MULTI 640
#define POLLER_MAX_THREADS	16
#define POLLER_NICE		5
#define POLLER_BACKOFF_CAP_MS	30000
#define POLLER_MAX_ENVELOPE	512000
#define POLLER_MAX_ELEMENTS	32000
/*
 * Snapshots a worker finishes are handed over together at the next multiple of
 * this many ms of the monotonic clock, the same instant for every thread, while
 * its other polls keep finishing (and at once when none is left in flight): the
 * UI wakes and redraws at most about five times a second however many threads
 * there are, instead of once per host. Action results are never held.
 */
#define POLLER_BATCH_MS		200
/* Longest wait for the remote shells to be deleted when the poller stops. */
#define POLLER_CLOSE_MS		4000

/*
 * Per-host run-time state. Owned and touched only by the host's worker thread,
 * except `refresh`, which any thread may set.
 */
struct host_rt {
	size_t	 idx;
	const struct host_cfg *cfg;
	struct http_conn *conn;
	struct backend_host *backend;	/* how the host is reached; owned */
	struct backend_op *op;		/* in flight, or NULL when idle */
	struct action_req *action;	/* the action op runs, NULL for a poll */
	struct action_req **pending;	/* FIFO of actions waiting for the host */
	size_t	 npending;
	atomic_bool refresh;		/* poll as soon as idle */
	int64_t	 next_poll;		/* monotonic ms */
	int64_t	 op_started;		/* monotonic ms */
	unsigned op_connects;
	unsigned failures;
	int64_t	 last_ok_wall;
	uint64_t seq;
	uint64_t *seen;			/* wire hashes of the last good poll's jobs, sorted */
	size_t	 nseen;
};

struct worker {
	struct poller *p;
	pthread_t thread;
	bool	 started;
	CURLM	*multi;
	/* Easy handles not in use; at most as many exist as requests were ever in
	 * flight at once. The share lets them resume each other's TLS sessions. */
	CURL	**idle;
	size_t	 nidle;
	size_t	 neasy;			/* handles made (idle has room for all) */
	CURLSH	*share;
	struct host_snapshot **held;	/* finished, not yet handed over; owned */
	size_t	 nheld;
	int64_t	 held_since;		/* monotonic ms of the oldest held */
	struct host_rt **hosts;		/* not owned */
	size_t	 nhosts;
	unsigned inflight;
	pthread_mutex_t lock;		/* guards inbox */
	struct action_req **inbox;
	size_t	 ninbox;
};

struct poller {
	const struct config *cfg;
	struct poller_opts opts;
	struct queue *events;
	struct host_rt *hosts;		/* cfg->nhosts */
	struct worker *workers;
	unsigned nworkers;
	atomic_bool stop;
	atomic_bool paused;
	atomic_uint interval_ms;
	atomic_uint_fast64_t next_id;
};

/* Append to a pointer array grown one by one (arrays here stay small). */
static void
ptr_push(struct action_req ***arr, size_t *n, struct action_req *item)
{
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[(*n)++] = item;
}

/* Remove and return the first element of a pointer array. */
static struct action_req *
ptr_shift(struct action_req **arr, size_t *n)
{
	struct action_req *first = arr[0];

	memmove(arr, arr + 1, (*n - 1) * sizeof *arr);
	(*n)--;
	return first;
}

/* Push one event for the consumer. */
static void
poller_emit(struct poller *p, struct host_snapshot *snap, struct action_result *res)
{
	struct poller_event *ev = xcalloc(1, sizeof *ev);

	ev->type = snap != NULL ? POLLER_EV_SNAPSHOT : POLLER_EV_ACTION;
	ev->snap = snap;
	ev->result = res;
	queue_push(p->events, ev);
}

/* Hand every held snapshot over, in the order the polls finished. */
static void
worker_flush(struct worker *w)
{
	for (size_t i = 0; i < w->nheld; i++)
		poller_emit(w->p, w->held[i], NULL);
	w->nheld = 0;
}

/* Hold a finished snapshot for the next hand-over (takes snap). */
static void
worker_hold(struct worker *w, struct host_snapshot *snap, int64_t now)
{
	if (w->nheld == 0)
		w->held_since = now;
	w->held = xreallocarray(w->held, w->nheld + 1, sizeof *w->held);
	w->held[w->nheld++] = snap;
}

/* Backoff after `failures` consecutive failures: interval doubling, capped. */
static int64_t
poller_backoff_ms(unsigned interval, unsigned failures)
{
	int64_t d = interval, cap = (int64_t)interval * 8;

	if (cap > POLLER_BACKOFF_CAP_MS)
		cap = POLLER_BACKOFF_CAP_MS;
	if (cap < interval)
		cap = interval;
	for (unsigned i = 1; i < failures && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

/* An easy handle for one request: an idle one, or a new one. */
static CURL *
worker_easy(struct worker *w)
{
	CURL *easy;

	if (w->nidle > 0)
		return w->idle[--w->nidle];
	easy = curl_easy_init();
	if (easy == NULL) {
		fprintf(stderr, "bitstop: curl_easy_init failed\n");
		exit(70);
	}
	w->neasy++;
	w->idle = xreallocarray(w->idle, w->neasy, sizeof *w->idle);
	return easy;
}

/*
 * Send the op's current request (body NULL: the same one again, after an
 * authentication step) on an easy handle of the worker; -1 with err when it
 * cannot be sent (no credentials, ...).
 */
static int
worker_send(struct worker *w, struct host_rt *h, const char *body, size_t len, struct hosterr *err)
{
	const char *what = h->action != NULL ? action_kind_name(h->action->kind) : "poll";
	CURL *easy = worker_easy(w);

	if (http_conn_prepare(h->conn, easy, body, len, what, err) != 0) {
		w->idle[w->nidle++] = http_conn_release(h->conn);
		return -1;
	}
	curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)h);
	curl_easy_setopt(easy, CURLOPT_SHARE, w->share);
	curl_multi_add_handle(w->multi, easy);
	return 0;
}

/* Order of wire hashes. */
static int
hash_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Keep the wire hashes of a good poll's jobs: what the next poll may reuse. */
static void
host_remember_items(struct host_rt *h, const struct host_snapshot *snap)
{
	size_t n = 0;

	if (snap->njobs > h->nseen || h->seen == NULL)
		h->seen = xreallocarray(h->seen, snap->njobs + 1, sizeof *h->seen);
	for (size_t i = 0; i < snap->njobs; i++)
		if (snap->jobs[i].wire_hash != 0)
			h->seen[n++] = snap->jobs[i].wire_hash;
	qsort(h->seen, n, sizeof *h->seen, hash_cmp);
	h->nseen = n;
}

/* The poll of h is over: build its snapshot and schedule the next one. */
static void
worker_finish_poll(struct worker *w, struct host_rt *h, int64_t now)
{
	struct poller *p = w->p;
	struct host_snapshot *snap = host_snapshot_new(h->idx);
	unsigned interval = atomic_load(&p->interval_ms);
	int64_t delay;

	snap->seq = ++h->seq;
	snap->latency_ms = (unsigned)(now - h->op_started);
	snap->requests = backend_op_requests(h->op);
	snap->connects = h->op_connects;
	snap->polled_at_ms = time_wall_ms();
	if (backend_op_ok(h->op)) {
		snap->state = HOST_STATE_OK;
		snap->backend = backend_op_backend(h->op);
		snap->jobs = backend_op_take_jobs(h->op, &snap->njobs);
		host_snapshot_sort_jobs(snap);
		if (p->opts.reuse_jobs)
			host_remember_items(h, snap);
		h->failures = 0;
		h->last_ok_wall = snap->polled_at_ms;
		delay = interval - (now - h->op_started);
		if (delay < 0)
			delay = 0;
	} else {
		const struct hosterr *e = backend_op_error(h->op);

		snap->state = HOST_STATE_ERROR;
		/* the way the host answered before, if it ever did */
		snap->backend = h->last_ok_wall > 0 ? backend_host_current(h->backend) : HOST_BACKEND_NONE;
		if (e != NULL && e->kind != HOSTERR_NONE)
			hosterr_copy(&snap->error, e);
		else
			hosterr_set(&snap->error, HOSTERR_PROTOCOL, "the poll failed for an unknown reason");
		h->failures++;
		delay = poller_backoff_ms(interval, h->failures);
	}
	h->next_poll = now + delay;
	snap->last_ok_ms = h->last_ok_wall;
	snap->failures = h->failures;
	snap->next_poll_ms = snap->polled_at_ms + delay;
	worker_hold(w, snap, now);
}

/* The action of h is over: report it, log the outcome, and re-poll the host at once. */
static void
worker_finish_action(struct worker *w, struct host_rt *h)
{
	struct poller *p = w->p;
	struct action_req *req = h->action;
	struct action_result *res = action_result_new(req);

	res->ok = backend_op_ok(h->op);
	if (res->ok) {
		res->already_gone = backend_op_already_gone(h->op);
		res->via_system_task = backend_op_via_system_task(h->op);
		if (req->kind == ACTION_CREATE && backend_op_job_id(h->op) != NULL) {
			free(res->job_id);
			res->job_id = xstrdup(backend_op_job_id(h->op));
		}
		if (req->kind == ACTION_GET_ERROR)
			res->has_error_info = backend_op_take_error_info(h->op, &res->error_info);
	} else {
		const struct hosterr *e = backend_op_error(h->op);

		res->unknown = backend_op_outcome_unknown(h->op);
		if (e != NULL && e->kind != HOSTERR_NONE)
			hosterr_copy(&res->error, e);
		else
			hosterr_set(&res->error, HOSTERR_PROTOCOL, "the action failed for an unknown reason");
		if (req->kind == ACTION_CREATE && backend_op_job_id(h->op) != NULL) {
			free(res->job_id);
			res->job_id = xstrdup(backend_op_job_id(h->op));
		}
	}
	if (p->opts.audit != NULL && req->kind != ACTION_GET_ERROR)
		audit_outcome(p->opts.audit, res, h->cfg->name);
	/* An action changed the job: poll the host at once to show it. GetError
	 * changes nothing, and re-polling after each one cost two more requests. */
	if (req->kind != ACTION_GET_ERROR)
		atomic_store(&h->refresh, true);
	action_req_free(req);
	h->action = NULL;
	worker_flush(w);	/* what was polled before the result arrives before it */
	poller_emit(p, NULL, res);
}

/* Finish h's operation (poll or action) and free it. */
static void
worker_finish_op(struct worker *w, struct host_rt *h, int64_t now)
{
	if (h->action != NULL)
		worker_finish_action(w, h);
	else
		worker_finish_poll(w, h, now);
	backend_op_free(h->op);
	h->op = NULL;
	w->inflight--;
}

/*
 * Send the op's next request (again: the same one, after an authentication
 * step), or finish the op
 * when none is left; a request that cannot be sent fails the op's step.
 */
static void
worker_advance(struct worker *w, struct host_rt *h, bool again)
{
	struct hosterr err = { 0 };
	const char *body = NULL;
	size_t len = 0;

	for (;;) {
		if (!again && (body = backend_op_request(h->op, &len)) == NULL)
			break;
		if (atomic_load(&w->p->stop))
			break;
		if (worker_send(w, h, body, len, &err) == 0)
			return;
		backend_op_fail(h->op, &err, false);	/* it never left */
		hosterr_clear(&err);
		again = false;
	}
	worker_finish_op(w, h, time_mono_ms());
}

/* Fail an action before anything was sent (audit log unusable, bad request). */
static void
worker_refuse_action(struct worker *w, struct action_req *req, const char *why)
{
	struct action_result *res = action_result_new(req);

	res->ok = false;
	hosterr_set(&res->error, HOSTERR_LOCAL, "%s", why);
	action_req_free(req);
	worker_flush(w);
	poller_emit(w->p, NULL, res);
}

/* Start the next pending action of an idle host; true when something was sent. */
static bool
worker_start_action(struct worker *w, struct host_rt *h, int64_t now)
{
	struct poller *p = w->p;

	while (h->npending > 0) {
		struct action_req *req = ptr_shift(h->pending, &h->npending);
		struct backend_op *op = backend_op_action(h->backend, req);

		if (op == NULL) {
			worker_refuse_action(w, req, "malformed action request");
			continue;
		}
		if (p->opts.audit != NULL && req->kind != ACTION_GET_ERROR) {
			/* The intent is on disk before the request leaves (bitstop(1), FILES). */
			if (!audit_ok(p->opts.audit) ||
			    audit_intent(p->opts.audit, req, h->cfg->name, h->cfg->url) != 0) {
				const char *why = audit_error(p->opts.audit);
				char *msg = xasprintf("audit log unusable, action refused: %s",
				    why != NULL ? why : "write failed");

				backend_op_free(op);
				worker_refuse_action(w, req, msg);
				free(msg);
				continue;
			}
		}
		h->op = op;
		h->action = req;
		h->op_started = now;
		h->op_connects = 0;
		w->inflight++;
		worker_advance(w, h, false);
		if (h->op == NULL)
			continue;
		return true;
	}
	return false;
}

/* Start a poll of an idle host. */
static void
worker_start_poll(struct worker *w, struct host_rt *h, int64_t now)
{
	atomic_store(&h->refresh, false);
	h->op = backend_op_list(h->backend);
	if (w->p->opts.reuse_jobs)
		backend_op_set_reuse(h->op, h->seen, h->nseen);
	h->action = NULL;
	h->op_started = now;
	h->op_connects = 0;
	w->inflight++;
	worker_advance(w, h, false);
}

/* Move queued action requests to their hosts. */
static void
worker_take_inbox(struct worker *w)
{
	struct action_req **inbox;
	size_t n;

	pthread_mutex_lock(&w->lock);
	inbox = w->inbox;
	n = w->ninbox;
	w->inbox = NULL;
	w->ninbox = 0;
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < n; i++) {
		struct host_rt *h = &w->p->hosts[inbox[i]->host];

		ptr_push(&h->pending, &h->npending, inbox[i]);
	}
	free(inbox);
}

/* Start whatever is due; returns ms until the next host is due (capped). */
static long
worker_schedule(struct worker *w, int64_t now, bool *started)
{
	struct poller *p = w->p;
	unsigned cap = p->opts.max_parallel;
	bool paused = atomic_load(&p->paused);
	long wait = 1000;

	for (size_t i = 0; i < w->nhosts; i++) {
		struct host_rt *h = w->hosts[i];
		bool due;

		if (h->op != NULL)
			continue;
		if (w->inflight >= cap)
			return 50;
		if (h->npending > 0 && worker_start_action(w, h, now)) {
			*started = true;
			continue;
		}
		due = atomic_load(&h->refresh) || (!paused && now >= h->next_poll);
		if (due) {
			worker_start_poll(w, h, now);
			*started = true;
		} else if (!paused && h->next_poll - now < wait) {
			wait = (long)(h->next_poll - now);
		}
	}
	return wait;
}

/* Handle one finished transfer. */
static void
worker_transfer_done(struct worker *w, CURL *easy, CURLcode rc)
{
	struct host_rt *h = NULL;
	struct http_response resp;
	struct hosterr err = { 0 };
	int rc2;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&h);
	curl_multi_remove_handle(w->multi, easy);
	if (h == NULL) {
		curl_easy_cleanup(easy);
		w->neasy--;
		return;
	}
	if (h->op == NULL) {
		w->idle[w->nidle++] = http_conn_release(h->conn);
		return;
	}
	rc2 = http_conn_finish(h->conn, rc, &resp, &err);
	if (rc2 == 0)
		backend_op_feed(h->op, resp.status, resp.content_type, resp.body, resp.len);
	else if (rc2 < 0)
		backend_op_fail(h->op, &err, resp.sent);
	h->op_connects += resp.connects;
	w->idle[w->nidle++] = http_conn_release(h->conn);
	hosterr_clear(&err);
	/* 1: an authentication step; the request itself goes (again) next */
	worker_advance(w, h, rc2 > 0);
}

/* A poller thread: schedule, run transfers, hand results over. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct poller *p = w->p;
#ifdef SCHED_BATCH
	struct sched_param batch = { 0 };

	/* A key press wakes the UI thread ahead of a parse (best effort: refused,
	 * the thread keeps the normal policy). */
	pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
#endif
	/* And the UI thread gets the larger CPU share when both want it. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
	    getpriority(PRIO_PROCESS, 0) + POLLER_NICE);

	while (!atomic_load(&p->stop)) {
		bool busy = false;
		int running = 0, left;
		long wait;
		CURLMsg *msg;
		int64_t now = time_mono_ms();

		worker_take_inbox(w);
		wait = worker_schedule(w, now, &busy);
		curl_multi_perform(w->multi, &running);
		while ((msg = curl_multi_info_read(w->multi, &left)) != NULL) {
			if (msg->msg == CURLMSG_DONE) {
				worker_transfer_done(w, msg->easy_handle, msg->data.result);
				busy = true;
			}
		}
		if (w->nheld > 0) {
			/* Every thread hands over at the same instants (multiples of
			 * POLLER_BATCH_MS), so that the UI wakes once for all of them. */
			int64_t due = (w->held_since / POLLER_BATCH_MS + 1) * POLLER_BATCH_MS -
			    time_mono_ms();

			if (w->inflight == 0 || due <= 0)
				worker_flush(w);
			else if (due < wait)
				wait = (long)due;
		}
		if (busy)
			wait = 0;
		if (wait < 0)
			wait = 0;
		curl_multi_poll(w->multi, NULL, 0, (int)wait, NULL);
	}
	return NULL;
}

/*
 * Keep one idle connection per host for keep-alive across refreshes, within
 * the open-file limit: past it, each thread holds at most its share of the
 * files left and libcurl closes its oldest idle connection to make room, so
 * hosts take turns instead of failing to connect.
 */
static void
poller_limit_connections(struct poller *p)
{
	struct rlimit rl;
	rlim_t left = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		left = rl.rlim_cur > POLLER_FD_RESERVE + 8 ? rl.rlim_cur - POLLER_FD_RESERVE : 8;
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		long keep = (long)w->nhosts + 8, share = 0;

		/* Each thread's share of the files left, in proportion to its hosts. */
		if (left > 0 && p->cfg->nhosts > 0) {
			share = (long)((double)left * (double)w->nhosts / (double)p->cfg->nhosts);
			if (share < 1)
				share = 1;
		}

		if (share > 0 && keep > share) {
			keep = share;
			curl_multi_setopt(w->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, share);
			if (p->opts.max_parallel > (unsigned)share)
				p->opts.max_parallel = (unsigned)share;
		}
		curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS, keep);
	}
}

struct poller *
poller_new(const struct config *cfg, const struct poller_opts *opts)
{
	struct poller *p = xcalloc(1, sizeof *p);
	int64_t now = time_mono_ms();
	char *cause = NULL;

	p->cfg = cfg;
	p->opts = *opts;
	if (p->opts.interval_ms < 100)
		p->opts.interval_ms = 100;
	if (p->opts.nthreads == 0) {
		size_t t = (cfg->nhosts + POLLER_HOSTS_PER_THREAD - 1) / POLLER_HOSTS_PER_THREAD;

		if (t > 4)	/* large fleets: bounded hosts per multi handle instead */
			t = (cfg->nhosts + POLLER_MAX_HOSTS_PER_MULTI - 1) / POLLER_MAX_HOSTS_PER_MULTI;
		if (t < 4 && cfg->nhosts > 4 * POLLER_HOSTS_PER_THREAD)
			t = 4;
		p->opts.nthreads = (unsigned)(t > POLLER_MAX_THREADS ? POLLER_MAX_THREADS : t);
	}
	if (p->opts.nthreads == 0)
		p->opts.nthreads = 1;
	if (p->opts.nthreads > cfg->nhosts && cfg->nhosts > 0)
		p->opts.nthreads = (unsigned)cfg->nhosts;
	if (p->opts.max_parallel == 0) {
		size_t per = cfg->nhosts / p->opts.nthreads / POLLER_HOSTS_PER_REQUEST;

		p->opts.max_parallel = p->opts.nthreads <= 4 ? POLLER_MAX_PARALLEL :
		    per > POLLER_MAX_PARALLEL ? POLLER_MAX_PARALLEL :
		    per < POLLER_MIN_PARALLEL ? POLLER_MIN_PARALLEL : (unsigned)per;
	}
	atomic_init(&p->stop, false);
	atomic_init(&p->paused, false);
	atomic_init(&p->interval_ms, p->opts.interval_ms);
	atomic_init(&p->next_id, 1);
	p->events = queue_new(&cause);
	if (p->events == NULL) {
		fprintf(stderr, "bitstop: %s\n", cause);
		exit(70);
	}
	p->hosts = xcalloc(cfg->nhosts ? cfg->nhosts : 1, sizeof *p->hosts);
	p->nworkers = p->opts.nthreads;
	p->workers = xcalloc(p->nworkers, sizeof *p->workers);
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		w->p = p;
		w->multi = curl_multi_init();
		w->share = curl_share_init();
		curl_share_setopt(w->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
		pthread_mutex_init(&w->lock, NULL);
		w->hosts = xcalloc(cfg->nhosts / p->nworkers + 1, sizeof *w->hosts);
	}
	for (size_t i = 0; i < cfg->nhosts; i++) {
		struct host_rt *h = &p->hosts[i];
		struct worker *w = &p->workers[i % p->nworkers];
		unsigned tmo = (unsigned)(cfg->hosts[i].settings.timeout * 1000.0);
		struct wsman_target target = { 0 };

		h->idx = i;
		h->cfg = &cfg->hosts[i];
		h->conn = http_conn_new(h->cfg, p->opts.verbose);
		target.url = h->cfg->url;
		target.https = h->cfg->https;
		/* Ask the server to answer a little before our own transport timeout. */
		target.timeout_ms = tmo > 2000 ? tmo - 1000 : tmo;
		target.max_envelope = POLLER_MAX_ENVELOPE;
		target.max_elements = POLLER_MAX_ELEMENTS;
		h->backend = backend_host_new(&target, h->cfg->settings.backend,
		    h->cfg->settings.system_task);
		h->next_poll = now;
		atomic_init(&h->refresh, false);
		w->hosts[w->nhosts++] = h;
	}
	poller_limit_connections(p);
	return p;
}

int
poller_start(struct poller *p, char **cause)
{
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		int rc = pthread_create(&w->thread, NULL, worker_main, w);

		if (rc != 0) {
			*cause = xasprintf("cannot start poller thread: %s", strerror(rc));
			return -1;
		}
		w->started = true;
	}
	return 0;
}

int
poller_wake_fd(const struct poller *p)
{
	return queue_wake_fd(p->events);
}

struct poller_event *
poller_next_event(struct poller *p)
{
	return queue_pop(p->events);
}

void
poller_event_free(struct poller_event *ev)
{
	if (ev == NULL)
		return;
	host_snapshot_free(ev->snap);
	action_result_free(ev->result);
	free(ev);
}

/* queue_free's item destructor. */
static void
poller_event_free_void(void *ev)
{
	poller_event_free(ev);
}

void
poller_refresh(struct poller *p, ssize_t host)
{
	if (host >= 0) {
		if ((size_t)host >= p->cfg->nhosts)
			return;
		atomic_store(&p->hosts[host].refresh, true);
		curl_multi_wakeup(p->workers[(size_t)host % p->nworkers].multi);
		return;
	}
	for (size_t i = 0; i < p->cfg->nhosts; i++)
		atomic_store(&p->hosts[i].refresh, true);
	for (unsigned i = 0; i < p->nworkers; i++)
		curl_multi_wakeup(p->workers[i].multi);
}

void
poller_set_paused(struct poller *p, bool paused)
{
	atomic_store(&p->paused, paused);
	for (unsigned i = 0; i < p->nworkers; i++)
		curl_multi_wakeup(p->workers[i].multi);
}

void
poller_set_interval(struct poller *p, unsigned interval_ms)
{
	if (interval_ms < 100)
		interval_ms = 100;
	atomic_store(&p->interval_ms, interval_ms);
	for (unsigned i = 0; i < p->nworkers; i++)
		curl_multi_wakeup(p->workers[i].multi);
}

uint64_t
poller_submit(struct poller *p, struct action_req *req)
{
	struct worker *w;
	uint64_t id = atomic_fetch_add(&p->next_id, 1);

	req->id = id;
	if (req->host >= p->cfg->nhosts) {
		struct action_result *res = action_result_new(req);

		hosterr_set(&res->error, HOSTERR_LOCAL, "no such host");
		action_req_free(req);
		poller_emit(p, NULL, res);
		return id;
	}
	w = &p->workers[req->host % p->nworkers];
	pthread_mutex_lock(&w->lock);
	ptr_push(&w->inbox, &w->ninbox, req);
	pthread_mutex_unlock(&w->lock);
	curl_multi_wakeup(w->multi);
	return id;
}

/*
 * An action still waiting for its answer when the poller stops: its outcome line
 * says so, so that every intent in the audit log has an outcome.
 */
static void
poller_audit_abandoned(struct poller *p, const struct host_rt *h)
{
	struct action_result *res = action_result_new(h->action);

	res->ok = false;
	res->unknown = true;
	hosterr_set(&res->error, HOSTERR_LOCAL, "bitstop stopped before the host answered: the "
	    "request was sent and its effect is unknown until the next poll");
	audit_outcome(p->opts.audit, res, h->cfg->name);
	action_result_free(res);
}

/*
 * Delete every remote shell the hosts hold (Signal, then Delete), all hosts at
 * once on one multi handle, within POLLER_CLOSE_MS: shells left behind would
 * count against the user's MaxShellsPerUser until they idle out.
 */
static void
poller_close_shells(struct poller *p)
{
	CURLM *multi = NULL;
	CURLSH *share = p->nworkers > 0 ? p->workers[0].share : NULL;
	int64_t deadline = time_mono_ms() + POLLER_CLOSE_MS;
	unsigned running = 0;

	for (size_t i = 0; i < p->cfg->nhosts; i++) {
		struct host_rt *h = &p->hosts[i];
		const char *body;
		size_t len;
		CURL *easy;
		struct hosterr err = { 0 };

		if (!backend_host_has_shell(h->backend) ||
		    (h->op = backend_op_close(h->backend)) == NULL)
			continue;
		if ((body = backend_op_request(h->op, &len)) == NULL || (easy = curl_easy_init()) == NULL)
			continue;
		if (multi == NULL)
			multi = curl_multi_init();
		if (http_conn_prepare(h->conn, easy, body, len, "close", &err) != 0) {
			hosterr_clear(&err);
			curl_easy_cleanup(http_conn_release(h->conn));
			continue;
		}
		curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)h);
		curl_easy_setopt(easy, CURLOPT_SHARE, share);
		curl_multi_add_handle(multi, easy);
		running++;
	}
	while (running > 0 && time_mono_ms() < deadline) {
		int still, left;
		CURLMsg *msg;

		curl_multi_perform(multi, &still);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct host_rt *h = NULL;
			struct http_response resp;
			struct hosterr err = { 0 };
			CURL *easy = msg->easy_handle;
			const char *next;
			size_t len = 0;
			int rc;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&h);
			curl_multi_remove_handle(multi, easy);
			rc = http_conn_finish(h->conn, msg->data.result, &resp, &err);

			if (rc == 0)
				backend_op_feed(h->op, resp.status, resp.content_type, resp.body, resp.len);
			else if (rc < 0)
				backend_op_fail(h->op, &err, resp.sent);
			hosterr_clear(&err);
			easy = http_conn_release(h->conn);
			/* 1: an authentication step, the same request goes again */
			next = rc > 0 ? NULL : backend_op_request(h->op, &len);
			if ((rc > 0 || next != NULL) &&
			    http_conn_prepare(h->conn, easy, next, len, "close", &err) == 0) {
				curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)h);
				curl_multi_add_handle(multi, easy);
			} else {
				hosterr_clear(&err);
				http_conn_release(h->conn);
				curl_easy_cleanup(easy);
				running--;
			}
		}
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	for (size_t i = 0; i < p->cfg->nhosts; i++) {
		struct host_rt *h = &p->hosts[i];
		CURL *easy = http_conn_easy(h->conn);

		if (easy != NULL) {
			curl_multi_remove_handle(multi, easy);
			curl_easy_cleanup(http_conn_release(h->conn));
		}
		backend_op_free(h->op);
		h->op = NULL;
	}
	if (multi != NULL)
		curl_multi_cleanup(multi);
}

void
poller_free(struct poller *p)
{
	if (p == NULL)
		return;
	atomic_store(&p->stop, true);
	for (unsigned i = 0; i < p->nworkers; i++)
		curl_multi_wakeup(p->workers[i].multi);
	for (unsigned i = 0; i < p->nworkers; i++)
		if (p->workers[i].started)
			pthread_join(p->workers[i].thread, NULL);
	for (size_t i = 0; i < p->cfg->nhosts; i++) {
		struct host_rt *h = &p->hosts[i];
		struct worker *w = &p->workers[i % p->nworkers];

		if (http_conn_easy(h->conn) != NULL) {
			curl_multi_remove_handle(w->multi, http_conn_easy(h->conn));
			curl_easy_cleanup(http_conn_release(h->conn));
		}
		if (h->action != NULL && p->opts.audit != NULL && h->action->kind != ACTION_GET_ERROR)
			poller_audit_abandoned(p, h);
		backend_op_free(h->op);
		h->op = NULL;
		action_req_free(h->action);
		h->action = NULL;
	}
	poller_close_shells(p);
	for (size_t i = 0; i < p->cfg->nhosts; i++) {
		struct host_rt *h = &p->hosts[i];

		for (size_t j = 0; j < h->npending; j++)
			action_req_free(h->pending[j]);
		free(h->pending);
		free(h->seen);
		http_conn_free(h->conn);
		backend_host_free(h->backend);
	}
	for (unsigned i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		for (size_t j = 0; j < w->ninbox; j++)
			action_req_free(w->inbox[j]);
		free(w->inbox);
		free(w->hosts);
		for (size_t j = 0; j < w->nheld; j++)
			host_snapshot_free(w->held[j]);
		free(w->held);
		for (size_t j = 0; j < w->nidle; j++)
			curl_easy_cleanup(w->idle[j]);
		free(w->idle);
		curl_multi_cleanup(w->multi);
		curl_share_cleanup(w->share);
		pthread_mutex_destroy(&w->lock);
	}
	queue_free(p->events, poller_event_free_void);
	free(p->workers);
	free(p->hosts);
	free(p);
}
