#include "config.h"

#include "src/backend.h"

#include <stdlib.h>
#include <string.h>

#include "src/backend_shell.h"
#include "src/xalloc.h"

/* 0x8033801A: "The specified class does not exist in the given namespace." */
#define CODE_CANNOT_PROCESS_FILTER 0x8033801Au

struct backend_host {
	struct wsman_target target;	/* url owned */
	enum backend_choice choice;
	enum host_backend current;	/* NONE until auto has decided */
	struct shell_session *shell;	/* created on first use of the shell */
};

struct backend_op {
	struct backend_host *host;
	const struct backend_impl *impl;
	void	*state;
	enum host_backend kind;
	const struct action_req *req;	/* NULL for a list or a close */
	bool	 may_switch;		/* auto, provider not yet ruled out */
	bool	 probing;		/* an action's list, asked first to decide the host */
	unsigned earlier_requests;	/* exchanges of a provider attempt given up */
};

struct backend_host *
backend_host_new(const struct wsman_target *t, enum backend_choice choice, bool system_task)
{
	struct backend_host *b = xcalloc(1, sizeof *b);

	b->target = *t;
	b->target.url = xstrdup(t->url);
	b->choice = choice;
	b->current = choice == BACKEND_WMI ? HOST_BACKEND_WMI :
	    choice == BACKEND_SHELL ? HOST_BACKEND_SHELL : HOST_BACKEND_NONE;
	b->shell = shell_session_new(&b->target, system_task);
	return b;
}

void
backend_host_free(struct backend_host *b)
{
	if (b == NULL)
		return;
	shell_session_free(b->shell);
	free((char *)b->target.url);
	free(b);
}

enum host_backend
backend_host_current(const struct backend_host *b)
{
	return b->current;
}

bool
backend_host_has_shell(const struct backend_host *b)
{
	return shell_session_open(b->shell);
}

/* A new op running impl's state st through backend kind. */
static struct backend_op *
op_wrap(struct backend_host *b, const struct backend_impl *impl, void *st, enum host_backend kind,
    const struct action_req *req)
{
	struct backend_op *op;

	if (st == NULL)
		return NULL;
	op = xcalloc(1, sizeof *op);
	op->host = b;
	op->impl = impl;
	op->state = st;
	op->kind = kind;
	op->req = req;
	op->may_switch = b->choice == BACKEND_AUTO && b->current == HOST_BACKEND_NONE;
	return op;
}

/* The shell's state for the op (list when req is NULL). */
static void *
shell_state(struct backend_host *b, const struct action_req *req)
{
	return req == NULL ? shell_op_list(b->shell) : shell_op_action(b->shell, req);
}

/* The provider's state for the op (list when req is NULL). */
static void *
wmi_state(struct backend_host *b, const struct action_req *req)
{
	return req == NULL ? (void *)wsman_op_new_list(&b->target) :
	    (void *)backend_wmi_action(&b->target, req);
}

/*
 * An op through the backend the host is on (the provider first while undecided).
 * An action on an undecided auto host first lists the jobs through the provider:
 * on one job, "not found" would not tell a missing provider from a missing job.
 */
static struct backend_op *
op_start(struct backend_host *b, const struct action_req *req)
{
	struct backend_op *op;

	if (b->current == HOST_BACKEND_SHELL)
		return op_wrap(b, &backend_shell_impl, shell_state(b, req), HOST_BACKEND_SHELL, req);
	if (req != NULL && b->choice == BACKEND_AUTO && b->current == HOST_BACKEND_NONE) {
		struct wsman_op *check = backend_wmi_action(&b->target, req);

		if (check == NULL)
			return NULL;	/* malformed: refused before anything is sent */
		wsman_op_free(check);
		op = op_wrap(b, &backend_wmi_impl, wmi_state(b, NULL), HOST_BACKEND_WMI, req);
		if (op != NULL)
			op->probing = true;
		return op;
	}
	return op_wrap(b, &backend_wmi_impl, wmi_state(b, req), HOST_BACKEND_WMI, req);
}

struct backend_op *
backend_op_list(struct backend_host *b)
{
	return op_start(b, NULL);
}

void
backend_op_set_reuse(struct backend_op *op, const uint64_t *seen, size_t n)
{
	if (op != NULL && op->kind == HOST_BACKEND_WMI && op->req == NULL)
		wsman_op_set_reuse(op->state, seen, n);
}

struct backend_op *
backend_op_get(struct backend_host *b, const char *job_id)
{
	struct backend_op *op;

	if (job_id == NULL)
		return NULL;
	if (b->current == HOST_BACKEND_SHELL)
		return op_wrap(b, &backend_shell_impl, shell_op_get(b->shell, job_id),
		    HOST_BACKEND_SHELL, NULL);
	op = op_wrap(b, &backend_wmi_impl, wsman_op_new_get(&b->target, job_id), HOST_BACKEND_WMI,
	    NULL);
	if (op != NULL)
		op->may_switch = false;	/* "not found" on one job decides nothing */
	return op;
}

struct backend_op *
backend_op_action(struct backend_host *b, const struct action_req *req)
{
	return req != NULL ? op_start(b, req) : NULL;
}

struct backend_op *
backend_op_close(struct backend_host *b)
{
	return op_wrap(b, &backend_shell_impl, shell_op_close(b->shell), HOST_BACKEND_SHELL, NULL);
}

void
backend_op_free(struct backend_op *op)
{
	if (op == NULL)
		return;
	op->impl->free(op->state);
	free(op);
}

/*
 * After the provider's answer: the host's verdict when this was the first
 * exchange of an undecided auto host. A provider-absent fault switches the op
 * (and the host, for the session) to the shell, silently.
 */
static void
op_settle(struct backend_op *op)
{
	const struct hosterr *e;
	size_t len;
	void *st;

	if (!op->may_switch || op->impl->request(op->state, &len) != NULL)
		return;
	op->may_switch = false;
	if (op->impl->ok(op->state)) {
		op->host->current = HOST_BACKEND_WMI;
		if (op->probing && (st = wmi_state(op->host, op->req)) != NULL) {
			/* the provider is there: now the action itself */
			op->earlier_requests += op->impl->requests(op->state);
			op->impl->free(op->state);
			op->state = st;
			op->probing = false;
		}
		return;
	}
	e = op->impl->error(op->state);
	if (e == NULL || (e->kind != HOSTERR_PROVIDER_MISSING &&
	    !(e->has_code && e->code == CODE_CANNOT_PROCESS_FILTER)))
		return;
	if ((st = shell_state(op->host, op->req)) == NULL)
		return;
	op->host->current = HOST_BACKEND_SHELL;
	op->earlier_requests += op->impl->requests(op->state);
	op->impl->free(op->state);
	op->impl = &backend_shell_impl;
	op->state = st;
	op->kind = HOST_BACKEND_SHELL;
}

const char *
backend_op_request(struct backend_op *op, size_t *len)
{
	return op->impl->request(op->state, len);
}

void
backend_op_feed(struct backend_op *op, long status, const char *content_type, const char *body,
    size_t len)
{
	op->impl->feed(op->state, status, content_type, body, len);
	op_settle(op);
}

void
backend_op_fail(struct backend_op *op, const struct hosterr *err, bool sent)
{
	op->impl->fail(op->state, err, sent);
}

bool
backend_op_ok(const struct backend_op *op)
{
	return op->impl->ok(op->state);
}

const struct hosterr *
backend_op_error(const struct backend_op *op)
{
	return op->impl->error(op->state);
}

struct bits_job *
backend_op_take_jobs(struct backend_op *op, size_t *n)
{
	return op->impl->take_jobs(op->state, n);
}

const char *
backend_op_job_id(const struct backend_op *op)
{
	return op->impl->job_id(op->state);
}

bool
backend_op_already_gone(const struct backend_op *op)
{
	return op->impl->already_gone(op->state);
}

bool
backend_op_outcome_unknown(const struct backend_op *op)
{
	return op->impl->outcome_unknown(op->state);
}

bool
backend_op_take_error_info(struct backend_op *op, struct bits_error_info *out)
{
	return op->impl->take_error_info(op->state, out);
}

bool
backend_op_via_system_task(const struct backend_op *op)
{
	return op->impl->via_system_task != NULL && op->impl->via_system_task(op->state);
}

unsigned
backend_op_requests(const struct backend_op *op)
{
	return op->earlier_requests + op->impl->requests(op->state);
}

enum host_backend
backend_op_backend(const struct backend_op *op)
{
	return op->kind;
}
