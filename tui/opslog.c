#include "config.h"

#include "tui/opslog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "src/action.h"
#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/ops.h"

/* How much of the log's end is read: operations of interest are the recent ones. */
#define OPSLOG_TAIL (4L * 1024 * 1024)

/* One request of a past operation, as its intent and outcome lines tell it. */
struct opslog_req {
	uint64_t id;
	char	*host;
	char	*job;
	char	*name;
	enum ops_outcome outcome;
	bool	 unknown;	/* the answer was lost */
	bool	 has_code;
	uint32_t code;
	char	*message;
};

/* A past operation being gathered. */
struct opslog_op {
	char	*op;
	enum action_kind kind;
	char	*priority;		/* params.priority of a priority action */
	int64_t	 started_ms, ended_ms;
	struct opslog_req *reqs;
	size_t	 nreqs;
};

struct opslog {
	struct opslog_op *v;
	size_t	 n;
};

/* A string member, or NULL. */
static const char *
opslog_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* "2026-12-04T22:36:00Z" as wall ms, 0 when it does not parse. */
static int64_t
opslog_time(const char *s)
{
	struct tm tm;
	char *end;

	if (s == NULL)
		return 0;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return 0;
	return (int64_t)timegm(&tm) * 1000;
}

/* The action named name, or -1. */
static int
opslog_kind(const char *name)
{
	for (int k = 0; name != NULL && k < ACTION_COUNT; k++)
		if (strcmp(action_kind_name((enum action_kind)k), name) == 0)
			return k;
	return -1;
}

/* The gathered operation with id op, created when new. */
static struct opslog_op *
opslog_find(struct opslog *l, const char *op, bool create)
{
	for (size_t i = l->n; i-- > 0;)
		if (strcmp(l->v[i].op, op) == 0)
			return &l->v[i];
	if (!create)
		return NULL;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	l->v[l->n].op = xstrdup(op);
	return &l->v[l->n++];
}

/* An intent line: a request of its operation. */
static void
opslog_intent(struct opslog *l, struct json_object *o, const char *op, int kind)
{
	struct opslog_op *p = opslog_find(l, op, true);
	struct opslog_req *r;
	struct json_object *params, *pri;

	p->kind = (enum action_kind)kind;
	if (p->started_ms == 0)
		p->started_ms = opslog_time(opslog_str(o, "time"));
	if (p->priority == NULL && json_object_object_get_ex(o, "params", &params) &&
	    json_object_object_get_ex(params, "priority", &pri) &&
	    json_object_is_type(pri, json_type_string))
		p->priority = xstrdup(json_object_get_string(pri));
	p->reqs = xreallocarray(p->reqs, p->nreqs + 1, sizeof *p->reqs);
	r = &p->reqs[p->nreqs++];
	memset(r, 0, sizeof *r);
	{
		struct json_object *id;

		if (json_object_object_get_ex(o, "id", &id))
			r->id = (uint64_t)json_object_get_int64(id);
	}
	r->host = xstrdup_or_null(opslog_str(o, "host"));
	r->job = xstrdup_or_null(opslog_str(o, "job"));
	r->name = xstrdup_or_null(opslog_str(o, "name"));
	r->outcome = OPS_WAITING;
}

/* An outcome line: the answer to one request of its operation. */
static void
opslog_outcome(struct opslog *l, struct json_object *o, const char *op)
{
	struct opslog_op *p = opslog_find(l, op, false);
	struct json_object *id, *code;
	const char *result = opslog_str(o, "result"), *msg = opslog_str(o, "message");
	uint64_t rid;

	if (p == NULL || !json_object_object_get_ex(o, "id", &id))
		return;
	rid = (uint64_t)json_object_get_int64(id);
	for (size_t i = 0; i < p->nreqs; i++) {
		struct opslog_req *r = &p->reqs[i];

		if (r->id != rid || r->outcome != OPS_WAITING)
			continue;
		if (result != NULL && strcmp(result, "ok") == 0) {
			r->outcome = msg != NULL ? OPS_GONE : OPS_OK;
		} else {
			r->outcome = OPS_FAILED_CHILD;
			r->unknown = result != NULL && strcmp(result, "unknown") == 0;
			r->message = xstrdup(msg != NULL ? msg : "failed");
			if (json_object_object_get_ex(o, "code", &code) &&
			    json_object_is_type(code, json_type_int)) {
				r->has_code = true;
				r->code = (uint32_t)json_object_get_int64(code);
			}
		}
		p->ended_ms = opslog_time(opslog_str(o, "time"));
		return;
	}
}

/* One line of the log. */
static void
opslog_line(struct opslog *l, const char *line)
{
	struct json_object *o = json_tokener_parse(line);
	const char *event, *op;
	int kind;

	if (o == NULL)
		return;
	event = opslog_str(o, "event");
	op = opslog_str(o, "op");
	kind = opslog_kind(opslog_str(o, "action"));
	if (event != NULL && op != NULL && kind >= 0 && kind != ACTION_GET_ERROR) {
		if (strcmp(event, "intent") == 0)
			opslog_intent(l, o, op, kind);
		else if (strcmp(event, "outcome") == 0)
			opslog_outcome(l, o, op);
	}
	json_object_put(o);
}

/* The name an operation had: "cancel 37 jobs on 12 hosts", "resume 'alpha' on ws01". */
static char *
opslog_name(const struct opslog_op *p, size_t nhosts)
{
	const char *verb = action_kind_name(p->kind);
	const struct opslog_req *r = &p->reqs[0];

	if (p->kind == ACTION_PRIORITY && p->priority != NULL) {
		if (p->nreqs == 1)
			return xasprintf("set priority %s on '%s' on %s", p->priority,
			    r->name != NULL ? r->name : r->job != NULL ? r->job : "?", r->host);
		return xasprintf("set priority %s on %zu jobs on %zu host%s", p->priority, p->nreqs, nhosts,
		    nhosts == 1 ? "" : "s");
	}
	if (p->nreqs == 1)
		return xasprintf("%s '%s' on %s", verb, r->name != NULL ? r->name : r->job != NULL ? r->job : "?",
		    r->host != NULL ? r->host : "?");
	return xasprintf("%s %zu jobs on %zu host%s", verb, p->nreqs, nhosts, nhosts == 1 ? "" : "s");
}

/* Turn a gathered operation into a past operation of o. */
static void
opslog_add(struct ops *o, const struct opslog_op *p)
{
	struct ops_op *op;
	char *name;

	if (p->nreqs == 0)
		return;
	op = ops_begin(o, p->kind, "", p->started_ms);
	op->past = true;
	op->audit_op = xstrdup(p->op);
	for (size_t i = 0; i < p->nreqs; i++) {
		const struct opslog_req *r = &p->reqs[i];
		struct ops_child *c = ops_add_done(op, r->host, r->job, r->name, r->outcome);

		if (r->outcome == OPS_FAILED_CHILD) {
			c->has_code = r->has_code;
			c->code = r->code;
			c->error = xstrdup(r->message);
			c->unknown = r->unknown;
		}
	}
	name = opslog_name(p, ops_nhosts(op));
	free(op->name);
	op->name = name;
	ops_settle(op, p->ended_ms);
}

/* Free what was gathered. */
static void
opslog_done(struct opslog *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->v[i].nreqs; j++) {
			free(l->v[i].reqs[j].host);
			free(l->v[i].reqs[j].job);
			free(l->v[i].reqs[j].name);
			free(l->v[i].reqs[j].message);
		}
		free(l->v[i].reqs);
		free(l->v[i].op);
		free(l->v[i].priority);
	}
	free(l->v);
}

/* Read the log's last operations into o. */
int
opslog_load(struct ops *o, const char *path, size_t keep, char **cause)
{
	struct opslog l = { NULL, 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long size;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("audit log %s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > OPSLOG_TAIL) {
		fseek(f, size - OPSLOG_TAIL, SEEK_SET);
		(void)getline(&line, &cap, f);	/* the first line read is cut */
	} else {
		fseek(f, 0, SEEK_SET);
	}
	while ((len = getline(&line, &cap, f)) > 0)
		opslog_line(&l, line);
	free(line);
	fclose(f);
	for (size_t i = l.n > keep ? l.n - keep : 0; i < l.n; i++)
		opslog_add(o, &l.v[i]);
	opslog_done(&l);
	return 0;
}
