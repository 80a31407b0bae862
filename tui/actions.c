#include "config.h"

#include "tui/actions.h"

#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/sanitize.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/model.h"

/* Requests submitted together, answered as one status message. */
struct actions_batch {
	enum action_kind kind;
	char	*what;		/* "cancel 37 jobs on 12 hosts" or "cancel 'alpha' on ws01" */
	uint64_t *ids;		/* request ids still unanswered */
	size_t	 nids;
	size_t	 nok;
	size_t	 nfail;
	size_t	 ngone;		/* already left the queue */
	char	*first_error;	/* "ws03 'beta': access denied" */
};

struct actions {
	actions_submit_fn submit;
	void	*arg;
	struct actions_batch **batches;
	size_t	 nbatches;
};

/* New action tracker sending through submit(arg, req). */
struct actions *
actions_new(actions_submit_fn submit, void *arg)
{
	struct actions *a = xcalloc(1, sizeof *a);

	a->submit = submit;
	a->arg = arg;
	return a;
}

/* Free one batch. */
static void
batch_free(struct actions_batch *b)
{
	free(b->what);
	free(b->ids);
	free(b->first_error);
	free(b);
}

/* Free the tracker and the batches still waiting; NULL is a no-op. */
void
actions_free(struct actions *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nbatches; i++)
		batch_free(a->batches[i]);
	free(a->batches);
	free(a);
}

/* Why no action may be sent at all, or NULL. */
char *
actions_refusal(const struct actions_policy *pol)
{
	if (pol->readonly)
		return xstrdup("read-only: actions are disabled (--readonly or readonly = true)");
	if (!pol->audit_ok)
		return xasprintf("actions refused: the audit log cannot be written (%s)",
		    pol->audit_why != NULL ? pol->audit_why : "not open");
	return NULL;
}

/* Is host read-only in the config? */
static bool
host_readonly(const struct actions_policy *pol, size_t host)
{
	return pol->cfg != NULL && host < pol->cfg->nhosts &&
	    pol->cfg->hosts[host].settings.readonly;
}

/* "1 job" / "37 jobs". */
static void
add_count(struct strbuf *sb, size_t n, const char *one, const char *many)
{
	strbuf_addf(sb, "%zu %s", n, n == 1 ? one : many);
}

/* Verb phrase of an action for messages ("cancel", "set priority HIGH on"). */
static void
add_verb(struct strbuf *sb, enum action_kind kind, enum actions_pri how, unsigned pri)
{
	if (kind != ACTION_PRIORITY)
		strbuf_adds(sb, action_kind_name(kind));
	else if (how == ACTIONS_PRI_RAISE)
		strbuf_adds(sb, "raise the priority of");
	else if (how == ACTIONS_PRI_LOWER)
		strbuf_adds(sb, "lower the priority of");
	else
		strbuf_addf(sb, "set priority %s on", bits_priority_name(pri));
}

/* The new priority of a row, or -1 when it is already there. */
static int
new_priority(const struct model_row *row, enum actions_pri how, unsigned pri)
{
	unsigned cur = row->job->priority.p == BITS_SET ? (unsigned)row->job->priority.v : BITS_PRIORITY_NORMAL;

	switch (how) {
	case ACTIONS_PRI_RAISE:
		return cur == 0 || cur >= BITS_PRIORITY_COUNT ? -1 : (int)cur - 1;
	case ACTIONS_PRI_LOWER:
		return cur + 1 >= BITS_PRIORITY_COUNT ? -1 : (int)cur + 1;
	case ACTIONS_PRI_SET:
		break;
	}
	return cur == pri || pri >= BITS_PRIORITY_COUNT ? -1 : (int)pri;
}

/* Count the distinct hosts of the plan's requests. */
static size_t
count_hosts(struct action_req *const *reqs, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = reqs[j]->host == reqs[i]->host;
		count += !seen;
	}
	return count;
}

/* Why every row was skipped. */
static char *
all_skipped(const struct model *m, size_t nreadonly,
    size_t nlimit, size_t nrows, struct model_row *const *rows, enum actions_pri how)
{
	if (nrows == 0)
		return xstrdup("no job selected");
	if (nreadonly == nrows && nrows == 1)
		return xasprintf("read-only: %s is read-only in the config", model_host(m, rows[0]->host)->name);
	if (nreadonly == nrows)
		return xasprintf("read-only: all %zu jobs are on read-only hosts", nrows);
	if (nlimit > 0 && nreadonly + nlimit == nrows)
		return xstrdup(how == ACTIONS_PRI_RAISE ? "already at the highest priority (FOREGROUND)" :
		    how == ACTIONS_PRI_LOWER ? "already at the lowest priority (LOW)" :
		    "already at that priority");
	return xstrdup("the job has left the queue");
}

/* Plan kind on rows. */
struct actions_plan *
actions_plan_new(const struct actions_policy *pol, const struct model *m, enum action_kind kind,
    enum actions_pri how, unsigned pri, struct model_row *const *rows, size_t n, char **cause)
{
	struct actions_plan *plan;
	size_t nreadonly = 0, nlimit = 0;
	bool early_complete = false;
	struct strbuf sb;
	char *why;

	if ((why = actions_refusal(pol)) != NULL) {
		*cause = why;
		return NULL;
	}
	plan = xcalloc(1, sizeof *plan);
	plan->kind = kind;
	plan->reqs = xreallocarray(NULL, n ? n : 1, sizeof *plan->reqs);
	for (size_t i = 0; i < n; i++) {
		const struct model_row *row = rows[i];
		struct action_req *req;
		int np = 0;

		if (row->vanished)
			continue;
		if (host_readonly(pol, row->host)) {
			nreadonly++;
			continue;
		}
		if (kind == ACTION_PRIORITY && (np = new_priority(row, how, pri)) < 0) {
			nlimit++;
			continue;
		}
		req = action_req_new(kind, row->host, row->id, row->name);
		req->priority = (unsigned)np;
		if (kind == ACTION_COMPLETE && model_row_state(row) != BITS_STATE_TRANSFERRED)
			early_complete = true;
		plan->reqs[plan->nreqs++] = req;
	}
	if (plan->nreqs == 0) {
		*cause = all_skipped(m, nreadonly, nlimit, n, rows, how);
		actions_plan_free(plan);
		return NULL;
	}
	plan->nhosts = count_hosts(plan->reqs, plan->nreqs);
	plan->confirm = kind == ACTION_CANCEL || early_complete || plan->nreqs > 1;

	strbuf_init(&sb);
	add_verb(&sb, kind, how, pri);
	if (plan->nreqs == 1) {
		const struct action_req *r = plan->reqs[0];

		strbuf_addf(&sb, " '%s' on %s", r->job_name != NULL ? r->job_name : r->job_id,
		    model_host(m, r->host)->name);
		if (kind == ACTION_PRIORITY && how != ACTIONS_PRI_SET)
			strbuf_addf(&sb, " to %s", bits_priority_name(r->priority));
	} else {
		strbuf_adds(&sb, " ");
		add_count(&sb, plan->nreqs, "job", "jobs");
		strbuf_adds(&sb, " on ");
		add_count(&sb, plan->nhosts, "host", "hosts");
	}
	plan->what = xstrdup(sb.s);
	strbuf_addc(&sb, '?');
	if (early_complete)
		strbuf_adds(&sb, " Not every file is transferred: only finished files are kept.");
	if (kind == ACTION_CANCEL)
		strbuf_adds(&sb, " Cancelled jobs and their temporary files are deleted.");
	if (nreadonly > 0)
		strbuf_addf(&sb, " (%zu on read-only hosts skipped)", nreadonly);
	plan->question = strbuf_detach(&sb, NULL);
	return plan;
}

/* Free a plan and the requests it still owns; NULL is a no-op. */
void
actions_plan_free(struct actions_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nreqs; i++)
		action_req_free(plan->reqs[i]);
	free(plan->reqs);
	free(plan->question);
	free(plan->what);
	free(plan);
}

/* Start tracking a batch. */
static struct actions_batch *
batch_add(struct actions *a, enum action_kind kind, const char *what)
{
	struct actions_batch *b = xcalloc(1, sizeof *b);

	b->kind = kind;
	b->what = xstrdup(what);
	a->batches = xreallocarray(a->batches, a->nbatches + 1, sizeof *a->batches);
	a->batches[a->nbatches++] = b;
	return b;
}

/* Submit one request into a batch. */
static void
batch_submit(struct actions *a, struct actions_batch *b, struct action_req *req)
{
	uint64_t id = a->submit(a->arg, req);

	b->ids = xreallocarray(b->ids, b->nids + 1, sizeof *b->ids);
	b->ids[b->nids++] = id;
}

/* Submit every request of the plan, mark the rows pending, and free the plan. */
void
actions_submit(struct actions *a, struct model *m, struct actions_plan *plan)
{
	struct actions_batch *b = batch_add(a, plan->kind, plan->what);

	for (size_t i = 0; i < plan->nreqs; i++) {
		struct action_req *req = plan->reqs[i];

		plan->reqs[i] = NULL;
		model_pending_begin(m, req->host, req->job_id, req->kind);
		batch_submit(a, b, req);
	}
	plan->nreqs = 0;
	actions_plan_free(plan);
}

/* Submit a new-job request. */
void
actions_submit_create(struct actions *a, const struct model *m, struct action_req *req)
{
	char *what = xasprintf("create '%s' on %s", req->display_name != NULL ? req->display_name : "",
	    model_host(m, req->host)->name);
	struct actions_batch *b = batch_add(a, ACTION_CREATE, what);

	free(what);
	batch_submit(a, b, req);
}

/* Find the batch waiting for id; its index. */
static struct actions_batch *
batch_find(struct actions *a, uint64_t id, size_t *at, size_t *slot)
{
	for (size_t i = 0; i < a->nbatches; i++)
		for (size_t j = 0; j < a->batches[i]->nids; j++)
			if (a->batches[i]->ids[j] == id) {
				*at = i;
				*slot = j;
				return a->batches[i];
			}
	return NULL;
}

/* The finished batch's status line. */
static char *
batch_message(const struct actions_batch *b, bool *failed)
{
	size_t total = b->nok + b->nfail;

	*failed = b->nfail > 0;
	if (total == 1 && b->nfail == 1)
		return xasprintf("%s failed: %s", b->what, b->first_error);
	if (total == 1 && b->ngone == 1)
		return xasprintf("%s: the job had already left the queue", b->what);
	if (b->nfail == 0)
		return xasprintf("%s: ok", b->what);
	return xasprintf("%s: %zu ok, %zu failed; first: %s", b->what, b->nok, b->nfail, b->first_error);
}

/* Fold one result in. */
bool
actions_on_result(struct actions *a, struct model *m, const struct action_result *res,
    char **msg, bool *failed)
{
	struct actions_batch *b;
	size_t at, slot;

	*msg = NULL;
	*failed = false;
	if (res->kind == ACTION_GET_ERROR || (b = batch_find(a, res->id, &at, &slot)) == NULL)
		return false;
	b->ids[slot] = b->ids[--b->nids];
	if (res->job_id != NULL && res->kind != ACTION_CREATE)
		model_pending_end(m, res->host, res->job_id,
		    res->ok && (res->kind == ACTION_CANCEL || res->kind == ACTION_COMPLETE));
	if (res->ok) {
		b->nok++;
		b->ngone += res->already_gone;
	} else {
		b->nfail++;
		if (b->first_error == NULL) {
			char *text = sanitize_terminal(res->error.message != NULL ? res->error.message :
			    hosterr_kind_status(res->error.kind));

			if (b->nok + b->nfail + b->nids > 1)
				b->first_error = xasprintf("%s '%s': %s", model_host(m, res->host)->name,
				    res->job_name != NULL ? res->job_name : "?", text);
			else
				b->first_error = xstrdup(text);
			free(text);
		}
	}
	if (b->nids > 0)
		return true;
	*msg = batch_message(b, failed);
	batch_free(b);
	a->batches[at] = a->batches[--a->nbatches];
	return true;
}

/* Requests submitted and not answered yet. */
size_t
actions_in_flight(const struct actions *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nbatches; i++)
		n += a->batches[i]->nids;
	return n;
}
