#include "config.h"

#include "tui/ops.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

static const char *const ops_state_names[OPS_STATE_COUNT] = {
#define X(e, n) [e] = n,
	OPS_STATES(X)
#undef X
};

/* An empty list; its run prefix tells this run's audit lines apart. */
struct ops *
ops_new(void)
{
	struct ops *o = xcalloc(1, sizeof *o);

	o->next_id = 1;
	o->run = xasprintf("%lld.%d", (long long)(time_wall_ms() / 1000), (int)getpid());
	return o;
}

/* Free one operation. */
static void
ops_op_free(struct ops_op *op)
{
	for (size_t i = 0; i < op->nchildren; i++) {
		free(op->children[i].host_name);
		free(op->children[i].job_id);
		free(op->children[i].job_name);
		free(op->children[i].error);
	}
	free(op->children);
	free(op->name);
	free(op->audit_op);
	free(op->location);
	free(op);
}

/* Free the list; NULL is a no-op. */
void
ops_free(struct ops *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->n; i++)
		ops_op_free(o->v[i]);
	free(o->v);
	free(o->run);
	free(o);
}

/* A new audit "op" value: this run's prefix and a sequence number. */
char *
ops_audit_id(struct ops *o)
{
	return xasprintf("%s.%u", o->run, ++o->seq);
}

/* Start an operation. */
struct ops_op *
ops_begin(struct ops *o, enum action_kind kind, const char *name, int64_t now_wall)
{
	struct ops_op *op = xcalloc(1, sizeof *op);

	op->id = o->next_id++;
	op->kind = kind;
	op->name = xstrdup(name);
	op->state = OPS_RUNNING;
	op->started_ms = now_wall;
	o->v = xreallocarray(o->v, o->n + 1, sizeof *o->v);
	o->v[o->n++] = op;
	return op;
}

/* Append an empty child. */
static struct ops_child *
ops_child_new(struct ops_op *op, size_t host, const char *host_name, const char *job_id,
    const char *job_name)
{
	struct ops_child *c;

	op->children = xreallocarray(op->children, op->nchildren + 1, sizeof *op->children);
	c = &op->children[op->nchildren++];
	memset(c, 0, sizeof *c);
	c->host = host;
	c->host_name = sanitize_terminal(host_name != NULL ? host_name : "?");
	c->job_id = xstrdup_or_null(job_id);
	c->job_name = job_name != NULL ? sanitize_terminal(job_name) : NULL;
	return c;
}

/* Add a child waiting for request req. */
void
ops_add_child(struct ops_op *op, size_t host, const char *host_name, const char *job_id,
    const char *job_name, uint64_t req)
{
	struct ops_child *c = ops_child_new(op, host, host_name, job_id, job_name);

	c->req = req;
	c->outcome = OPS_WAITING;
	op->nwaiting++;
}

/* Count an outcome. */
static void
ops_count(struct ops_op *op, enum ops_outcome outcome)
{
	switch (outcome) {
	case OPS_OK:
		op->nok++;
		break;
	case OPS_GONE:
		op->nok++;
		op->ngone++;
		break;
	case OPS_FAILED_CHILD:
		op->nfailed++;
		break;
	case OPS_WAITING:
		op->nwaiting++;
		break;
	}
}

/* Add a child already answered. */
struct ops_child *
ops_add_done(struct ops_op *op, const char *host_name, const char *job_id, const char *job_name,
    enum ops_outcome outcome)
{
	struct ops_child *c = ops_child_new(op, SIZE_MAX, host_name, job_id, job_name);

	c->outcome = outcome;
	ops_count(op, outcome);
	return c;
}

/* The operation and child waiting for request id. */
struct ops_op *
ops_find_req(struct ops *o, uint64_t req, struct ops_child **child)
{
	/* Newest first: answers come soon after their requests. */
	for (size_t i = o->n; i-- > 0;) {
		struct ops_op *op = o->v[i];

		if (op->nwaiting == 0)
			continue;
		for (size_t j = 0; j < op->nchildren; j++)
			if (op->children[j].outcome == OPS_WAITING && op->children[j].req == req) {
				*child = &op->children[j];
				return op;
			}
	}
	return NULL;
}

/* Settle the state of an operation whose children are all known. */
void
ops_settle(struct ops_op *op, int64_t ended_ms)
{
	op->ended_ms = ended_ms;
	if (op->nwaiting > 0)
		op->state = OPS_STOPPED;
	else
		op->state = op->nfailed > 0 ? OPS_FAILED : OPS_COMPLETED;
}

/* Record a result on its child. */
bool
ops_on_result(struct ops_op *op, struct ops_child *c, const struct action_result *res,
    int64_t now_wall)
{
	if (c->outcome != OPS_WAITING)
		return false;
	op->nwaiting--;
	if (res->ok) {
		c->outcome = res->already_gone ? OPS_GONE : OPS_OK;
	} else {
		c->outcome = OPS_FAILED_CHILD;
		c->has_code = res->error.has_code;
		c->code = res->error.code;
		c->error = sanitize_terminal(res->error.message != NULL ? res->error.message :
		    hosterr_kind_status(res->error.kind));
		c->unknown = res->unknown;
	}
	if (res->kind == ACTION_CREATE && res->ok && res->job_id != NULL && c->job_id == NULL)
		c->job_id = xstrdup(res->job_id);
	ops_count(op, c->outcome);
	if (op->nwaiting > 0)
		return false;
	ops_settle(op, now_wall);
	op->has_more_data = true;
	return true;
}

/* "Running", "Completed" ... */
const char *
ops_state_name(enum ops_state s)
{
	return (unsigned)s < OPS_STATE_COUNT ? ops_state_names[s] : "?";
}

/* Recompute the cached location when children were added. */
static void
ops_location_update(struct ops_op *op)
{
	struct strbuf sb;
	const char **seen;
	size_t nseen = 0;

	if (op->location != NULL && op->location_n == op->nchildren)
		return;
	seen = xcalloc(op->nchildren ? op->nchildren : 1, sizeof *seen);
	strbuf_init(&sb);
	for (size_t i = 0; i < op->nchildren; i++) {
		const char *h = op->children[i].host_name;
		bool dup = false;

		/* Children come host by host: the last host seen is the usual match. */
		for (size_t j = nseen; j-- > 0 && !dup;)
			dup = strcmp(seen[j], h) == 0;
		if (dup)
			continue;
		strbuf_addf(&sb, "%s%s", nseen ? "," : "", h);
		seen[nseen++] = h;
	}
	free(seen);
	free(op->location);
	op->location = strbuf_detach(&sb, NULL);
	op->location_n = op->nchildren;
	op->nhosts = nseen;
}

/* The distinct hosts, comma-separated. */
const char *
ops_location(struct ops_op *op)
{
	ops_location_update(op);
	return op->location;
}

/* Number of distinct hosts. */
size_t
ops_nhosts(struct ops_op *op)
{
	ops_location_update(op);
	return op->nhosts;
}
