#include "config.h"

#include "src/action.h"

#include <stdlib.h>

#include "src/xalloc.h"

static const char *const kind_names[ACTION_COUNT] = {
#define X(e, n) [e] = n,
	ACTION_KINDS(X)
#undef X
};

const char *
action_kind_name(enum action_kind kind)
{
	return (unsigned)kind < ACTION_COUNT ? kind_names[kind] : "unknown";
}

struct action_req *
action_req_new(enum action_kind kind, size_t host, const char *job_id, const char *job_name)
{
	struct action_req *req = xcalloc(1, sizeof *req);

	req->kind = kind;
	req->host = host;
	req->job_id = xstrdup_or_null(job_id);
	req->job_name = xstrdup_or_null(job_name);
	return req;
}

void
action_req_free(struct action_req *req)
{
	if (req == NULL)
		return;
	free(req->job_id);
	free(req->job_name);
	free(req->op);
	free(req->display_name);
	free(req->remote_url);
	free(req->local_file);
	free(req);
}

struct action_result *
action_result_new(const struct action_req *req)
{
	struct action_result *res = xcalloc(1, sizeof *res);

	res->id = req->id;
	res->host = req->host;
	res->kind = req->kind;
	res->job_id = xstrdup_or_null(req->job_id);
	res->job_name = xstrdup_or_null(req->kind == ACTION_CREATE ? req->display_name : req->job_name);
	res->op = xstrdup_or_null(req->op);
	return res;
}

void
action_result_free(struct action_result *res)
{
	if (res == NULL)
		return;
	free(res->job_id);
	free(res->job_name);
	free(res->op);
	hosterr_clear(&res->error);
	bits_error_info_done(&res->error_info);
	free(res);
}
