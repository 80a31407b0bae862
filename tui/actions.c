#include "config.h"

#include "tui/actions.h"

#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/cfg.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/model.h"
#include "tui/ops.h"

struct actions {
	actions_submit_fn submit;
	void	*arg;
	struct ops *ops;	/* every operation sent, owned */
};

/* New action tracker sending through submit(arg, req). */
struct actions *
actions_new(actions_submit_fn submit, void *arg)
{
	struct actions *a = xcalloc(1, sizeof *a);

	a->submit = submit;
	a->arg = arg;
	a->ops = ops_new();
	return a;
}

/* Free the tracker and its operations; NULL is a no-op. */
void
actions_free(struct actions *a)
{
	if (a == NULL)
		return;
	ops_free(a->ops);
	free(a);
}

/* The operations sent (and read back from the audit log). */
struct ops *
actions_ops(struct actions *a)
{
	return a->ops;
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

/* Write the plan's what and question from its requests. */
static void
plan_describe(struct actions_plan *plan, const struct model *m)
{
	struct strbuf sb;

	plan->nhosts = count_hosts(plan->reqs, plan->nreqs);
	free(plan->what);
	free(plan->question);
	strbuf_init(&sb);
	add_verb(&sb, plan->kind, plan->how, plan->pri);
	if (plan->nreqs == 1) {
		const struct action_req *r = plan->reqs[0];

		strbuf_addf(&sb, " '%s' on %s", r->job_name != NULL ? r->job_name : r->job_id,
		    model_host(m, r->host)->name);
		if (plan->kind == ACTION_PRIORITY && plan->how != ACTIONS_PRI_SET)
			strbuf_addf(&sb, " to %s", bits_priority_name(r->priority));
	} else {
		strbuf_adds(&sb, " ");
		add_count(&sb, plan->nreqs, "job", "jobs");
		strbuf_adds(&sb, " on ");
		add_count(&sb, plan->nhosts, "host", "hosts");
	}
	plan->what = xstrdup(sb.s);
	strbuf_addc(&sb, '?');
	if (plan->early_complete)
		strbuf_adds(&sb, " Not every file is transferred: only finished files are kept.");
	if (plan->kind == ACTION_CANCEL)
		strbuf_adds(&sb, " Cancelled jobs and their temporary files are deleted.");
	if (plan->nreadonly > 0)
		strbuf_addf(&sb, " (%zu on read-only hosts skipped)", plan->nreadonly);
	if (plan->nstale > 0) {
		strbuf_addf(&sb, " %zu more %s on %zu failing %s (not answering, their rows stale) %s left out: "
		    "a includes them.", plan->nstale, plan->nstale == 1 ? "job" : "jobs",
		    count_hosts(plan->stale, plan->nstale),
		    count_hosts(plan->stale, plan->nstale) == 1 ? "host" : "hosts",
		    plan->nstale == 1 ? "is" : "are");
	} else if (plan->all_stale) {
		strbuf_adds(&sb, plan->nhosts == 1 ? " Its host is not answering (the row is stale)." :
		    " Their hosts are not answering (the rows are stale).");
	}
	plan->question = strbuf_detach(&sb, NULL);
}

/* Plan kind on rows. */
struct actions_plan *
actions_plan_new(const struct actions_policy *pol, const struct model *m, enum action_kind kind,
    enum actions_pri how, unsigned pri, struct model_row *const *rows, size_t n, char **cause)
{
	struct actions_plan *plan;
	size_t nlimit = 0;
	char *why;

	if ((why = actions_refusal(pol)) != NULL) {
		*cause = why;
		return NULL;
	}
	plan = xcalloc(1, sizeof *plan);
	plan->kind = kind;
	plan->how = how;
	plan->pri = pri;
	plan->reqs = xreallocarray(NULL, n ? n : 1, sizeof *plan->reqs);
	plan->stale = xreallocarray(NULL, n ? n : 1, sizeof *plan->stale);
	for (size_t i = 0; i < n; i++) {
		const struct model_row *row = rows[i];
		struct action_req *req;
		int np = 0;

		if (row->vanished)
			continue;
		if (host_readonly(pol, row->host)) {
			plan->nreadonly++;
			continue;
		}
		if (kind == ACTION_PRIORITY && (np = new_priority(row, how, pri)) < 0) {
			nlimit++;
			continue;
		}
		req = action_req_new(kind, row->host, row->id, row->name);
		req->priority = (unsigned)np;
		if (model_row_stale(m, row)) {
			/* Its host is failing: left out unless the user includes it. */
			plan->stale[plan->nstale++] = req;
			continue;
		}
		if (kind == ACTION_COMPLETE && model_row_state(row) != BITS_STATE_TRANSFERRED)
			plan->early_complete = true;
		plan->reqs[plan->nreqs++] = req;
	}
	if (plan->nreqs == 0 && plan->nstale > 0) {
		/* Only stale rows: act on them, and say their hosts are not answering. */
		actions_plan_include_stale(plan, m);
		plan->all_stale = true;
	}
	if (plan->nreqs == 0) {
		*cause = all_skipped(m, plan->nreadonly, nlimit, n, rows, how);
		actions_plan_free(plan);
		return NULL;
	}
	plan_describe(plan, m);
	plan->confirm = kind == ACTION_CANCEL || plan->early_complete || plan->nreqs > 1 ||
	    plan->nstale > 0 || plan->all_stale;
	return plan;
}

/* Add the left-out requests of stale rows to the plan. */
void
actions_plan_include_stale(struct actions_plan *plan, const struct model *m)
{
	for (size_t i = 0; i < plan->nstale; i++) {
		struct model_row *row = model_find(m, plan->stale[i]->host, plan->stale[i]->job_id);

		if (plan->kind == ACTION_COMPLETE && row != NULL &&
		    model_row_state(row) != BITS_STATE_TRANSFERRED)
			plan->early_complete = true;
		plan->reqs[plan->nreqs++] = plan->stale[i];
	}
	plan->nstale = 0;
	plan_describe(plan, m);
}

/* Free a plan and the requests it still owns; NULL is a no-op. */
void
actions_plan_free(struct actions_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nreqs; i++)
		action_req_free(plan->reqs[i]);
	for (size_t i = 0; i < plan->nstale; i++)
		action_req_free(plan->stale[i]);
	free(plan->reqs);
	free(plan->stale);
	free(plan->question);
	free(plan->what);
	free(plan);
}

/* Submit one request as a child of op. */
static void
actions_send(struct actions *a, const struct model *m, struct ops_op *op, struct action_req *req)
{
	const char *job_name = req->kind == ACTION_CREATE ? req->display_name : req->job_name;
	char *job_id = xstrdup_or_null(req->job_id), *name = xstrdup_or_null(job_name);
	size_t host = req->host;
	uint64_t id;

	req->op = xstrdup(op->audit_op);
	id = a->submit(a->arg, req);
	ops_add_child(op, host, model_host(m, host)->name, job_id, name, id);
	free(job_id);
	free(name);
}

/* Submit every request of the plan as one operation, mark the rows pending, free the plan. */
void
actions_submit(struct actions *a, struct model *m, struct actions_plan *plan, int64_t now_wall)
{
	struct ops_op *op = ops_begin(a->ops, plan->kind, plan->what, now_wall);

	op->audit_op = ops_audit_id(a->ops);
	op->priority = plan->pri;
	op->how = plan->how;
	for (size_t i = 0; i < plan->nreqs; i++) {
		struct action_req *req = plan->reqs[i];

		plan->reqs[i] = NULL;
		model_pending_begin(m, req->host, req->job_id, req->kind);
		actions_send(a, m, op, req);
	}
	plan->nreqs = 0;
	actions_plan_free(plan);
}

/* Submit a new-job request as an operation of its own. */
void
actions_submit_create(struct actions *a, const struct model *m, struct action_req *req,
    const struct actions_create_then *then, int64_t now_wall)
{
	char *what = xasprintf("create '%s' on %s", req->display_name != NULL ? req->display_name : "",
	    model_host(m, req->host)->name);
	struct ops_op *op = ops_begin(a->ops, ACTION_CREATE, what, now_wall);

	free(what);
	op->audit_op = ops_audit_id(a->ops);
	op->type = req->type;
	op->then_priority = then != NULL ? then->priority : BITS_PRIORITY_NORMAL;
	actions_send(a, m, op, req);
}

/* The job of a create exists: send what the form asked for it, in the same operation. */
static void
actions_create_then(struct actions *a, const struct model *m, struct ops_op *op,
    const struct action_result *res)
{
	struct action_req *req;

	if (op->then_priority != BITS_PRIORITY_NORMAL && op->then_priority < BITS_PRIORITY_COUNT) {
		req = action_req_new(ACTION_PRIORITY, res->host, res->job_id, res->job_name);
		req->priority = op->then_priority;
		actions_send(a, m, op, req);
	}
}

/* The first failed child as "ws03 'beta': access denied" (or just the message for one job). */
static char *
actions_first_error(const struct ops_op *op)
{
	for (size_t i = 0; i < op->nchildren; i++) {
		const struct ops_child *c = &op->children[i];

		if (c->outcome != OPS_FAILED_CHILD)
			continue;
		if (op->nchildren == 1)
			return xstrdup(c->error);
		return xasprintf("%s '%s': %s", c->host_name, c->job_name != NULL ? c->job_name : "?",
		    c->error);
	}
	return xstrdup("?");
}

/* The finished operation's status line. */
static char *
actions_message(const struct ops_op *op, bool *failed)
{
	char *first, *msg;

	*failed = op->nfailed > 0;
	if (op->nchildren == 1 && op->nfailed == 1) {
		first = actions_first_error(op);
		msg = xasprintf("%s failed: %s", op->name, first);
		free(first);
		return msg;
	}
	if (op->nchildren == 1 && op->ngone == 1)
		return xasprintf("%s: the job had already left the queue", op->name);
	if (op->nfailed == 0)
		return xasprintf("%s: ok", op->name);
	first = actions_first_error(op);
	msg = xasprintf("%s: %zu ok, %zu failed \u2014 o to see them; first: %s", op->name, op->nok,
	    op->nfailed, first);
	free(first);
	return msg;
}

/* Fold one result in. */
bool
actions_on_result(struct actions *a, struct model *m, const struct action_result *res,
    char **msg, bool *failed)
{
	struct ops_child *c;
	struct ops_op *op;

	*msg = NULL;
	*failed = false;
	if (res->kind == ACTION_GET_ERROR || (op = ops_find_req(a->ops, res->id, &c)) == NULL)
		return false;
	if (res->job_id != NULL && res->kind != ACTION_CREATE)
		model_pending_end(m, res->host, res->job_id,
		    res->ok && (res->kind == ACTION_CANCEL || res->kind == ACTION_COMPLETE));
	if (res->kind == ACTION_CREATE && res->ok && res->job_id != NULL) {
		/* Adding children moves the array: find this child again afterwards. */
		size_t at = (size_t)(c - op->children);

		model_note_type(m, res->host, res->job_id, op->type);
		actions_create_then(a, m, op, res);
		c = &op->children[at];
	}
	if (ops_on_result(op, c, res, time_wall_ms()))
		*msg = actions_message(op, failed);
	return true;
}

/* Requests submitted and not answered yet. */
size_t
actions_in_flight(const struct actions *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->ops->n; i++)
		n += a->ops->v[i]->nwaiting;
	return n;
}
