#include "config.h"

#include "src/backend_shell.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/agent_proto.h"
#include "src/bits_hresult.h"
#include "src/wsman_fault.h"
#include "src/wsman_msg.h"
#include "src/wsman_parse.h"
#include "src/winrs.h"
#include "src/xalloc.h"

/* IdleTimeOut asked for the shell: well within Windows' default of 7200 s, so a
 * shell bitstop could not delete (killed, host unreachable) goes away soon. */
#define SHELL_IDLE_TIMEOUT_S	600
/* Receives answered w:TimedOut in a row before the op gives up. */
#define SHELL_MAX_TIMEOUTS	8
/* Receives one op may take (a 64 MiB answer in Windows' 500 KB envelopes needs 130). */
#define SHELL_MAX_RECEIVES	1024
/* Shells or PowerShells replaced within one op before it gives up. */
#define SHELL_MAX_RESTARTS	3
/* Largest stderr kept for messages. */
#define SHELL_MAX_STDERR	65536
#define HR_ACCESS_DENIED	0x80070005u
#define HR_NOT_LOGGED_ON	0x800704DDu
#define HR_BG_NOT_FOUND		0x80200001u
#define CODE_INVALID_SELECTORS	2150858843u	/* 0x8033805B: the shell or command is gone */

struct shell_session {
	const struct wsman_target *t;
	bool	 system_task;
	char	*shell_id;		/* NULL: no shell */
	char	*command_id;		/* NULL: no PowerShell running */
	unsigned seq;			/* last request number */
	struct agent_reader rd;		/* the agent's stdout */
	struct strbuf err;		/* the agent's stderr, for a PowerShell that died */
};

enum sh_step {
	SH_CREATE,
	SH_COMMAND,
	SH_SEND,
	SH_RECEIVE,
	SH_SIGNAL,
	SH_DELETE,
	SH_DONE
};

/* What each step sends is built by build(); names for messages. */
static const char *const step_names[] = {
	[SH_CREATE] = "Create", [SH_COMMAND] = "Command", [SH_SEND] = "Send",
	[SH_RECEIVE] = "Receive", [SH_SIGNAL] = "Signal", [SH_DELETE] = "Delete", [SH_DONE] = "",
};
_Static_assert(sizeof step_names / sizeof step_names[0] == SH_DONE + 1, "one name per step");

struct shell_op {
	struct shell_session *s;
	const struct action_req *req;	/* NULL for a list or a close */
	bool	 close;
	enum sh_step step;
	char	*line;			/* the request line */
	unsigned seq;
	struct strbuf body;
	bool	 have_body;
	unsigned requests;
	unsigned timeouts;
	unsigned receives;
	unsigned restarts;
	bool	 ok;
	bool	 already_gone;
	bool	 unknown;		/* an action line reached the agent, its answer did not come */
	struct hosterr err;
	struct agent_answer ans;
};

struct shell_session *
shell_session_new(const struct wsman_target *t, bool system_task)
{
	struct shell_session *s = xcalloc(1, sizeof *s);

	s->t = t;
	s->system_task = system_task;
	agent_reader_init(&s->rd);
	strbuf_init(&s->err);
	return s;
}

void
shell_session_free(struct shell_session *s)
{
	if (s == NULL)
		return;
	free(s->shell_id);
	free(s->command_id);
	agent_reader_done(&s->rd);
	strbuf_done(&s->err);
	free(s);
}

bool
shell_session_open(const struct shell_session *s)
{
	return s != NULL && s->shell_id != NULL;
}

/* The PowerShell is gone (ended, or its shell is): its output is worthless. */
static void
session_lose_command(struct shell_session *s)
{
	free(s->command_id);
	s->command_id = NULL;
	agent_reader_reset(&s->rd);
	strbuf_reset(&s->err);
}

/* The shell is gone (expired, deleted, WinRM restarted). */
static void
session_lose_shell(struct shell_session *s)
{
	session_lose_command(s);
	free(s->shell_id);
	s->shell_id = NULL;
}

/* The first step for the session's state. */
static enum sh_step
first_step(const struct shell_session *s)
{
	return s->shell_id == NULL ? SH_CREATE : s->command_id == NULL ? SH_COMMAND : SH_SEND;
}

/* A new op sending line (owned) to the agent. */
static struct shell_op *
op_new(struct shell_session *s, const struct action_req *req, char *line, unsigned seq)
{
	struct shell_op *op = xcalloc(1, sizeof *op);

	op->s = s;
	op->req = req;
	op->line = line;
	op->seq = seq;
	op->step = first_step(s);
	strbuf_init(&op->body);
	return op;
}

void *
shell_op_list(struct shell_session *s)
{
	char *line;

	if (s == NULL)
		return NULL;
	line = agent_request_line(++s->seq, NULL, s->system_task);
	return op_new(s, NULL, line, s->seq);
}

void *
shell_op_get(struct shell_session *s, const char *job_id)
{
	char *line;

	if (s == NULL || (line = agent_request_get_line(s->seq + 1, job_id)) == NULL)
		return NULL;
	s->seq++;
	return op_new(s, NULL, line, s->seq);
}

void *
shell_op_action(struct shell_session *s, const struct action_req *req)
{
	char *line;

	if (s == NULL || (line = agent_request_line(s->seq + 1, req, s->system_task)) == NULL)
		return NULL;
	s->seq++;
	return op_new(s, req, line, s->seq);
}

void *
shell_op_close(struct shell_session *s)
{
	struct shell_op *op;

	if (!shell_session_open(s))
		return NULL;
	op = op_new(s, NULL, NULL, 0);
	op->close = true;
	op->step = s->command_id != NULL ? SH_SIGNAL : SH_DELETE;
	return op;
}

/* Finish with an error (the message formatted). */
static void __attribute__((format(printf, 3, 4)))
op_error(struct shell_op *op, enum hosterr_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	hosterr_set(&op->err, kind, "%s", msg);
	free(msg);
	op->step = SH_DONE;
}

/* Build the envelope of the current step into op->body. */
static void
build(struct shell_op *op)
{
	struct shell_session *s = op->s;
	char mid[WSMAN_UUID_SIZE];
	struct winrs_hdr h = {
		.to = s->t->url, .message_id = mid, .timeout_ms = s->t->timeout_ms,
		.max_envelope = s->t->max_envelope, .shell_id = s->shell_id,
	};

	wsman_msg_uuid(mid);
	strbuf_reset(&op->body);
	switch (op->step) {
	case SH_CREATE:
		h.shell_id = NULL;
		winrs_msg_create(&op->body, &h, SHELL_IDLE_TIMEOUT_S);
		break;
	case SH_COMMAND:
		winrs_msg_command(&op->body, &h, agent_command, agent_arguments);
		break;
	case SH_SEND:
		winrs_msg_send(&op->body, &h, s->command_id, op->line, strlen(op->line), false);
		break;
	case SH_RECEIVE:
		winrs_msg_receive(&op->body, &h, s->command_id);
		break;
	case SH_SIGNAL:
		winrs_msg_signal(&op->body, &h, s->command_id, WINRS_SIGNAL_TERMINATE);
		break;
	case SH_DELETE:
		winrs_msg_delete(&op->body, &h);
		break;
	case SH_DONE:
		break;
	}
	op->have_body = true;
}

/* interface: the request to send now. */
static const char *
sh_request(void *impl, size_t *len)
{
	struct shell_op *op = impl;

	if (op->step == SH_DONE)
		return NULL;
	if (!op->have_body)
		build(op);
	*len = op->body.len;
	return op->body.s;
}

/* Go to a step (its body is built when asked for). */
static void
go(struct shell_op *op, enum sh_step step)
{
	op->step = step;
	op->have_body = false;
}

/* Start over from a new shell or PowerShell, or give up past the limit. */
static void
restart(struct shell_op *op, const char *why)
{
	if (++op->restarts > SHELL_MAX_RESTARTS) {
		op_error(op, HOSTERR_PROTOCOL, "the WinRS shell failed again after being replaced: %s",
		    why);
		return;
	}
	go(op, first_step(op->s));
}

/* True when the op is an action whose request line has reached the agent. */
static bool
line_delivered(const struct shell_op *op, bool sent)
{
	return op->req != NULL && op->req->kind != ACTION_GET_ERROR &&
	    (op->step == SH_RECEIVE || (op->step == SH_SEND && sent));
}

/* A one-line message for a failed agent answer, and its kind. */
static void
answer_error(struct shell_op *op)
{
	const struct agent_answer *a = &op->ans;
	const char *name = bits_hresult_name(a->hresult);
	char id[64];

	snprintf(id, sizeof id, "0x%08X%s%s", (unsigned)a->hresult, name != NULL ? " " : "",
	    name != NULL ? name : "");
	if (a->hresult == HR_ACCESS_DENIED && strstr(a->message, "LocalSystem") != NULL)
		hosterr_set_code(&op->err, HOSTERR_ACCESS_DENIED, a->hresult,
		    "owned by LocalSystem: enable system_task for this host to act as SYSTEM (%s)", id);
	else if (a->hresult == HR_ACCESS_DENIED)
		hosterr_set_code(&op->err, HOSTERR_ACCESS_DENIED, a->hresult,
		    "access denied: %s (%s)", a->message, id);
	else if (a->hresult == HR_NOT_LOGGED_ON)
		hosterr_set_code(&op->err, HOSTERR_FAULT, a->hresult,
		    "BITS refused to create or resume a job from a remote session: this Windows build "
		    "needs the job's owner logged on (%s)", id);
	else
		hosterr_set_code(&op->err, HOSTERR_FAULT, a->hresult, "%s (%s)",
		    a->message[0] != '\0' ? a->message : "the agent reported a failure", id);
}

/* The agent's answer to our request has arrived. */
static void
on_answer(struct shell_op *op, const char *line)
{
	char *cause = NULL;

	op->step = SH_DONE;
	if (agent_answer_parse(line, op->seq, &op->ans, &cause) != 0) {
		hosterr_set(&op->err, HOSTERR_PROTOCOL, "%s", cause);
		free(cause);
		return;
	}
	if (op->ans.ok) {
		op->ok = true;
		return;
	}
	if (op->ans.hresult == HR_BG_NOT_FOUND && op->req != NULL &&
	    (op->req->kind == ACTION_CANCEL || op->req->kind == ACTION_COMPLETE)) {
		op->ok = true;
		op->already_gone = true;
		return;
	}
	answer_error(op);
}

/* A ReceiveResponse: collect output, look for the answer, notice a PowerShell that ended. */
static void
on_receive(struct shell_op *op, const struct wsman_response *r)
{
	struct shell_session *s = op->s;
	struct strbuf out, err;
	struct winrs_output o;
	char *cause = NULL, *line = NULL;

	strbuf_init(&out);
	strbuf_init(&err);
	if (winrs_parse_receive(r, s->command_id, &out, &err, &o, &cause) != 0) {
		op_error(op, HOSTERR_PROTOCOL, "%s", cause);
		free(cause);
		goto done;
	}
	if (++op->receives > SHELL_MAX_RECEIVES) {
		op_error(op, HOSTERR_PROTOCOL, "no whole answer from the agent after %u Receives",
		    SHELL_MAX_RECEIVES);
		goto done;
	}
	/* Windows holds a Receive until output comes or OperationTimeout passes: an
	 * empty answer, like a w:TimedOut, counts towards giving up. */
	if (out.len == 0 && err.len == 0 && !o.done) {
		if (++op->timeouts > SHELL_MAX_TIMEOUTS) {
			op_error(op, HOSTERR_TIMEOUT, "the agent did not answer within %u Receives",
			    SHELL_MAX_TIMEOUTS);
			goto done;
		}
	} else {
		op->timeouts = 0;
	}
	if (err.len > 0 && s->err.len < SHELL_MAX_STDERR)
		strbuf_add(&s->err, err.s, err.len);
	if (agent_reader_feed(&s->rd, out.s, out.len) != 0) {
		session_lose_command(s);
		op_error(op, HOSTERR_PROTOCOL, "the agent's answer is larger than %zu bytes",
		    AGENT_MAX_BUFFER);
		goto done;
	}
	if (agent_reader_take(&s->rd, op->seq, &line)) {
		on_answer(op, line);
		free(line);
		goto done;
	}
	if (o.done) {
		struct strbuf why;

		strbuf_init(&why);
		agent_stderr_text(s->err.s, s->err.len, &why);
		if (why.len == 0)
			strbuf_addf(&why, "powershell.exe ended with exit code %ld", o.exit_code);
		session_lose_command(s);
		restart(op, why.s);
		strbuf_done(&why);
		goto done;
	}
	go(op, SH_RECEIVE);
done:
	strbuf_done(&out);
	strbuf_done(&err);
}

/* A SOAP fault at the current step. */
static void
on_fault(struct shell_op *op, const struct wsman_response *r)
{
	struct wsman_fault f;
	char *cause = NULL;
	struct hosterr e = { 0 };

	if (wsman_fault_parse(r, &f, &cause) != 0) {
		op_error(op, HOSTERR_PROTOCOL, "unreadable fault: %s", cause);
		free(cause);
		return;
	}
	if (op->step == SH_RECEIVE && wsman_fault_is_timeout(&f)) {
		/* No output within OperationTimeout: normal, ask again. */
		if (++op->timeouts > SHELL_MAX_TIMEOUTS) {
			op->unknown = line_delivered(op, true);
			op_error(op, HOSTERR_TIMEOUT, "the agent did not answer within %u Receives",
			    SHELL_MAX_TIMEOUTS);
		} else
			go(op, SH_RECEIVE);
	} else if (op->close) {
		/* Best effort: the shell is forgotten whatever the answer. */
		go(op, op->step == SH_SIGNAL ? SH_DELETE : SH_DONE);
		if (op->step == SH_DONE) {
			session_lose_shell(op->s);
			op->ok = true;
		}
	} else if (op->step != SH_CREATE && (wsman_fault_subcode_is(&f, WSMAN_NS_WSMAN,
	    "InvalidSelectors") || (f.has_code && f.code == CODE_INVALID_SELECTORS))) {
		/* The command (or, for Command, the shell) is gone: WinRM restarted, the
		 * shell idled out, or the PowerShell ended. Replace what is gone. */
		if (op->step == SH_COMMAND)
			session_lose_shell(op->s);
		else
			session_lose_command(op->s);
		restart(op, "the shell or its command was not found");
	} else if (op->step == SH_CREATE && wsman_fault_is_access_denied(&f)) {
		/* Group policy can switch WinRS off while WMI over WinRM still works. */
		wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
		hosterr_set_code(&op->err, HOSTERR_ACCESS_DENIED, e.code, "remote shells are refused "
		    "on this host (WinRS AllowRemoteShellAccess off, or the user may not open "
		    "shells): %s", e.message);
		op->err.has_code = e.has_code;
		hosterr_clear(&e);
		op->step = SH_DONE;
	} else {
		wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
		hosterr_set_code(&op->err, e.kind, e.code, "WinRS %s refused: %s",
		    step_names[op->step], e.message);
		op->err.has_code = e.has_code;
		hosterr_clear(&e);
		op->step = SH_DONE;
	}
	wsman_fault_done(&f);
}

/* A successful response to the current step. */
static void
on_success(struct shell_op *op, const struct wsman_response *r)
{
	struct shell_session *s = op->s;

	switch (op->step) {
	case SH_CREATE:
		free(s->shell_id);
		if ((s->shell_id = winrs_parse_shell_id(r)) == NULL)
			op_error(op, HOSTERR_PROTOCOL, "the CreateResponse has no ShellId");
		else
			go(op, SH_COMMAND);
		break;
	case SH_COMMAND:
		session_lose_command(s);
		if ((s->command_id = winrs_parse_command_id(r)) == NULL)
			op_error(op, HOSTERR_PROTOCOL, "the CommandResponse has no CommandId");
		else
			go(op, SH_SEND);
		break;
	case SH_SEND:
		go(op, SH_RECEIVE);
		break;
	case SH_RECEIVE:
		on_receive(op, r);
		break;
	case SH_SIGNAL:
		go(op, SH_DELETE);
		break;
	case SH_DELETE:
		session_lose_shell(s);
		op->ok = true;
		op->step = SH_DONE;
		break;
	case SH_DONE:
		break;
	}
}

/* interface: the answer to the request just sent. */
static void
sh_feed(void *impl, long status, const char *ct, const char *body, size_t len)
{
	struct shell_op *op = impl;
	struct wsman_response r;
	char *cause = NULL;

	if (op->step == SH_DONE)
		return;
	op->requests++;
	op->have_body = false;
	if (wsman_status_error(status, ct, len, op->s->t->https, &op->err)) {
		if (op->close)
			session_lose_shell(op->s);
		op->step = SH_DONE;
		return;
	}
	if (wsman_parse_response(&r, body, len, ct, WSMAN_PARSE_DEFAULT_MAX, &cause) != 0) {
		op_error(op, status == 200 ? HOSTERR_PROTOCOL : HOSTERR_HTTP,
		    "unreadable answer to WinRS %s: %s", step_names[op->step], cause);
		free(cause);
		if (op->close)
			session_lose_shell(op->s);
		return;
	}
	if (r.kind == WSMAN_BODY_FAULT)
		on_fault(op, &r);
	else if (status != 200)
		op_error(op, HOSTERR_HTTP, "HTTP %ld without a fault from WinRS %s", status,
		    step_names[op->step]);
	else
		on_success(op, &r);
	wsman_response_done(&r);
}

/* interface: no answer to the request just sent. */
static void
sh_fail(void *impl, const struct hosterr *err, bool sent)
{
	struct shell_op *op = impl;

	if (op->step == SH_DONE)
		return;
	op->requests++;
	op->unknown = line_delivered(op, sent);
	if (op->close) {
		/* The host is unreachable: its shell idles out by itself. */
		session_lose_shell(op->s);
		op->step = SH_DONE;
		return;
	}
	if (err != NULL && err->kind != HOSTERR_NONE)
		hosterr_copy(&op->err, err);
	else
		hosterr_set(&op->err, HOSTERR_CONNECT, "no answer");
	op->step = SH_DONE;
}

/* interface: finished successfully. */
static bool
sh_ok(const void *impl)
{
	const struct shell_op *op = impl;

	return op->step == SH_DONE && op->ok;
}

/* interface: the error when finished and not ok. */
static const struct hosterr *
sh_error(const void *impl)
{
	const struct shell_op *op = impl;

	return &op->err;
}

/* interface: the jobs of a list. */
static struct bits_job *
sh_take_jobs(void *impl, size_t *n)
{
	struct shell_op *op = impl;
	struct bits_job *jobs = op->ans.jobs;

	*n = op->ans.njobs;
	op->ans.jobs = NULL;
	op->ans.njobs = 0;
	return jobs;
}

/* interface: the new job's id of a create. */
static const char *
sh_job_id(const void *impl)
{
	const struct shell_op *op = impl;

	return op->ans.job_id;
}

/* interface: cancel/complete found the job gone. */
static bool
sh_already_gone(const void *impl)
{
	const struct shell_op *op = impl;

	return op->already_gone;
}

/* interface: an action's effect is unknown (its line left, no answer came). */
static bool
sh_outcome_unknown(const void *impl)
{
	const struct shell_op *op = impl;

	return !op->ok && op->unknown;
}

/* interface: the error block of get_error. */
static bool
sh_take_error_info(void *impl, struct bits_error_info *out)
{
	struct shell_op *op = impl;

	if (!op->ans.has_error_info)
		return false;
	*out = op->ans.error_info;
	memset(&op->ans.error_info, 0, sizeof op->ans.error_info);
	op->ans.has_error_info = false;
	return true;
}

/* interface: the action ran as SYSTEM. */
static bool
sh_via_system_task(const void *impl)
{
	const struct shell_op *op = impl;

	return op->ok && op->ans.via_system_task;
}

/* interface: exchanges so far. */
static unsigned
sh_requests(const void *impl)
{
	const struct shell_op *op = impl;

	return op->requests;
}

/* interface: free the op. */
static void
sh_free(void *impl)
{
	struct shell_op *op = impl;

	if (op == NULL)
		return;
	free(op->line);
	strbuf_done(&op->body);
	hosterr_clear(&op->err);
	agent_answer_done(&op->ans);
	free(op);
}

const struct backend_impl backend_shell_impl = {
	.request = sh_request, .feed = sh_feed, .fail = sh_fail, .ok = sh_ok, .error = sh_error,
	.take_jobs = sh_take_jobs, .job_id = sh_job_id, .already_gone = sh_already_gone,
	.outcome_unknown = sh_outcome_unknown,
	.take_error_info = sh_take_error_info, .requests = sh_requests, .free = sh_free,
	.via_system_task = sh_via_system_task,
};
