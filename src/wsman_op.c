#include "config.h"

#include "src/wsman_op.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/bits_hresult.h"
#include "src/strbuf.h"
#include "src/wsman_bits.h"
#include "src/wsman_fault.h"
#include "src/wsman_items.h"
#include "src/wsman_msg.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"

#define DEFAULT_MAX_ITEMS 100000
#define DEFAULT_MAX_PULLS 5000
#define LANGUAGE_ID_EN_US 1033
/* Longest piece of a server header quoted in an error message. */
#define QUOTE_MAX 60

enum op_kind {
	OP_LIST,
	OP_GET,
	OP_SET_PRIORITY,
	OP_SET_STATE,
	OP_CREATE,
	OP_ADD_FILE,
	OP_GET_ERROR
};

/* The exchange the op is at. */
enum op_step {
	STEP_ENUMERATE,
	STEP_PULL,
	STEP_RELEASE,
	STEP_GET,
	STEP_PUT,
	STEP_CREATE,
	STEP_ADD_FILE,
	STEP_SET_STATE,
	STEP_GET_ERROR,
	STEP_DONE
};

/* What each step sends and expects back (declared once, indexed by step). */
static const struct step_info {
	const char *method;		/* the method of an Invoke step */
	enum wsman_body_kind kind;	/* expected body */
	const char *action;		/* expected response action */
} step_info[] = {
	[STEP_ENUMERATE] = { NULL, WSMAN_BODY_ENUMERATE, WSMAN_NS_ENUMERATION "/EnumerateResponse" },
	[STEP_PULL] = { NULL, WSMAN_BODY_PULL, WSMAN_NS_ENUMERATION "/PullResponse" },
	[STEP_RELEASE] = { NULL, WSMAN_BODY_EMPTY, WSMAN_NS_ENUMERATION "/ReleaseResponse" },
	[STEP_GET] = { NULL, WSMAN_BODY_INSTANCE, WSMAN_NS_TRANSFER "/GetResponse" },
	[STEP_PUT] = { NULL, WSMAN_BODY_INSTANCE, WSMAN_NS_TRANSFER "/PutResponse" },
	[STEP_CREATE] = { "CreateJob", WSMAN_BODY_OUTPUT, WSMAN_BITS_JOB_URI "/CreateJobResponse" },
	[STEP_ADD_FILE] = { "AddFile", WSMAN_BODY_OUTPUT, WSMAN_BITS_JOB_URI "/AddFileResponse" },
	[STEP_SET_STATE] = { "SetJobState", WSMAN_BODY_OUTPUT, WSMAN_BITS_JOB_URI "/SetJobStateResponse" },
	[STEP_GET_ERROR] = { "GetError", WSMAN_BODY_OUTPUT, WSMAN_BITS_JOB_URI "/GetErrorResponse" },
	[STEP_DONE] = { NULL, WSMAN_BODY_EMPTY, NULL },
};
_Static_assert(sizeof(step_info) / sizeof(step_info[0]) == STEP_DONE + 1, "one entry per step");

struct wsman_op {
	enum op_kind kind;
	enum op_step step;
	/* target, copied */
	char	*url;
	bool	 https;
	unsigned timeout_ms;
	unsigned max_envelope;
	unsigned max_elements;
	/* arguments, copied */
	char	*job_id;		/* for create: the new JobId once known */
	unsigned prio;
	enum bits_set_state set_state;	/* OP_SET_STATE; resume for create/add_file */
	char	*name;
	char	*remote_url;
	char	*local_file;
	unsigned type;
	bool	 suspended;		/* create: Suspend=true, no resume */
	/* limits */
	size_t	 max_response;
	size_t	 max_items;
	unsigned max_pulls;
	void	(*uuid_fn)(char *out, void *arg);
	void	*uuid_arg;
	/* items identical to the last poll's */
	bool	 reuse;
	const uint64_t *seen;	/* sorted wire hashes; not owned */
	size_t	 nseen;
	/* the request in flight */
	char	 session_id[WSMAN_UUID_SIZE];
	char	 message_id[WSMAN_UUID_SIZE];
	struct strbuf req;
	bool	 have_req;
	/* progress and results */
	unsigned requests;
	unsigned pulls;
	char	*context;		/* last enumeration context the server gave */
	char	*put_body;		/* instance to Put */
	struct bits_job *jobs;
	size_t	 njobs;
	bool	 ok;
	bool	 already_gone;
	bool	 unknown;		/* a change was sent and its answer lost */
	struct hosterr err;
	bool	 has_error_info;
	struct bits_error_info error_info;
};

/* A new op of a kind, with the target copied; NULL when the target is unusable. */
static struct wsman_op *
op_new(const struct wsman_target *t, enum op_kind kind, enum op_step first)
{
	struct wsman_op *op;

	if (t == NULL || t->url == NULL)
		return NULL;
	op = xcalloc(1, sizeof(*op));
	op->kind = kind;
	op->step = first;
	op->url = xstrdup(t->url);
	op->https = t->https;
	op->timeout_ms = t->timeout_ms;
	op->max_envelope = t->max_envelope;
	op->max_elements = t->max_elements > 0 ? t->max_elements : 32000;
	op->max_response = WSMAN_PARSE_DEFAULT_MAX;
	op->max_items = DEFAULT_MAX_ITEMS;
	op->max_pulls = DEFAULT_MAX_PULLS;
	strbuf_init(&op->req);
	return op;
}

/* A new op on one job; NULL when the job id or the target is unusable. */
static struct wsman_op *
op_for_job(const struct wsman_target *t, enum op_kind kind, enum op_step first, const char *job_id)
{
	struct wsman_op *op;

	if (job_id == NULL || (op = op_new(t, kind, first)) == NULL)
		return NULL;
	op->job_id = xstrdup(job_id);
	op->set_state = BITS_SET_RESUME;
	return op;
}

struct wsman_op *
wsman_op_new_list(const struct wsman_target *t)
{
	return op_new(t, OP_LIST, STEP_ENUMERATE);
}

struct wsman_op *
wsman_op_new_get(const struct wsman_target *t, const char *job_id)
{
	return op_for_job(t, OP_GET, STEP_GET, job_id);
}

struct wsman_op *
wsman_op_new_set_priority(const struct wsman_target *t, const char *job_id, unsigned prio)
{
	struct wsman_op *op;

	if (prio >= BITS_PRIORITY_COUNT || (op = op_for_job(t, OP_SET_PRIORITY, STEP_GET, job_id)) == NULL)
		return NULL;
	op->prio = prio;
	return op;
}

struct wsman_op *
wsman_op_new_set_state(const struct wsman_target *t, const char *job_id, enum bits_set_state st)
{
	struct wsman_op *op;

	if ((unsigned)st > BITS_SET_SUSPEND ||
	    (op = op_for_job(t, OP_SET_STATE, STEP_SET_STATE, job_id)) == NULL)
		return NULL;
	op->set_state = st;
	return op;
}

struct wsman_op *
wsman_op_new_create(const struct wsman_target *t, const char *name, const char *remote_url,
    const char *local_file, unsigned type, bool suspended)
{
	struct wsman_op *op;

	if (name == NULL || remote_url == NULL || local_file == NULL || type > BITS_TYPE_UPLOAD ||
	    (op = op_new(t, OP_CREATE, STEP_CREATE)) == NULL)
		return NULL;
	op->name = xstrdup(name);
	op->remote_url = xstrdup(remote_url);
	op->local_file = xstrdup(local_file);
	op->type = type;
	op->suspended = suspended;
	op->set_state = BITS_SET_RESUME;
	return op;
}

struct wsman_op *
wsman_op_new_add_file(const struct wsman_target *t, const char *job_id, const char *remote_url,
    const char *local_file)
{
	struct wsman_op *op;

	if (remote_url == NULL || local_file == NULL ||
	    (op = op_for_job(t, OP_ADD_FILE, STEP_ADD_FILE, job_id)) == NULL)
		return NULL;
	op->remote_url = xstrdup(remote_url);
	op->local_file = xstrdup(local_file);
	return op;
}

struct wsman_op *
wsman_op_new_get_error(const struct wsman_target *t, const char *job_id)
{
	return op_for_job(t, OP_GET_ERROR, STEP_GET_ERROR, job_id);
}

void
wsman_op_free(struct wsman_op *op)
{
	if (op == NULL)
		return;
	free(op->url);
	free(op->job_id);
	free(op->name);
	free(op->remote_url);
	free(op->local_file);
	strbuf_done(&op->req);
	free(op->context);
	free(op->put_body);
	bits_jobs_free(op->jobs, op->njobs);
	hosterr_clear(&op->err);
	bits_error_info_done(&op->error_info);
	free(op);
}

void
wsman_op_set_limits(struct wsman_op *op, size_t max_items, unsigned max_pulls)
{
	if (max_items > 0)
		op->max_items = max_items;
	if (max_pulls > 0)
		op->max_pulls = max_pulls;
}

void
wsman_op_set_reuse(struct wsman_op *op, const uint64_t *seen, size_t n)
{
	op->reuse = true;
	op->seen = seen;
	op->nseen = n;
}

void
wsman_op_set_max_response(struct wsman_op *op, size_t max)
{
	if (max > 0)
		op->max_response = max;
}

void
wsman_op_set_uuid_source(struct wsman_op *op, void (*fn)(char *out, void *arg), void *arg)
{
	op->uuid_fn = fn;
	op->uuid_arg = arg;
}

/* A fresh "uuid:..." from the op's source. */
static void
op_uuid(struct wsman_op *op, char *out)
{
	if (op->uuid_fn != NULL) {
		out[0] = '\0';
		op->uuid_fn(out, op->uuid_arg);
		out[WSMAN_UUID_SIZE - 1] = '\0';
	} else
		wsman_msg_uuid(out);
}

/* Build the request of the current step into op->req. */
static void
build_request(struct wsman_op *op)
{
	struct wsman_hdr h = {
		.to = op->url,
		.resource_uri = WSMAN_BITS_JOB_URI,
		.message_id = op->message_id,
		.session_id = op->session_id,
		.locale = "en-US",
		.timeout_ms = op->timeout_ms,
		.max_envelope = op->max_envelope,
	};

	if (op->session_id[0] == '\0')
		op_uuid(op, op->session_id);
	op_uuid(op, op->message_id);
	if (op->job_id != NULL && op->step != STEP_ENUMERATE && op->step != STEP_PULL &&
	    op->step != STEP_RELEASE && op->step != STEP_CREATE) {
		h.selector_name = "JobId";
		h.selector_value = op->job_id;
	}
	strbuf_reset(&op->req);
	switch (op->step) {
	case STEP_ENUMERATE:
		wsman_msg_enumerate(&op->req, &h, op->max_elements, NULL);
		break;
	case STEP_PULL:
		wsman_msg_pull(&op->req, &h, op->context, op->max_elements);
		break;
	case STEP_RELEASE:
		wsman_msg_release(&op->req, &h, op->context);
		break;
	case STEP_GET:
		wsman_msg_get(&op->req, &h);
		break;
	case STEP_PUT:
		wsman_msg_put(&op->req, &h, op->put_body);
		break;
	case STEP_CREATE:
		wsman_msg_bits_create_job(&op->req, &h, op->name, op->remote_url, op->local_file, op->type,
		    op->suspended);
		break;
	case STEP_ADD_FILE:
		wsman_msg_bits_add_file(&op->req, &h, op->remote_url, op->local_file);
		break;
	case STEP_SET_STATE:
		wsman_msg_bits_set_job_state(&op->req, &h, (unsigned)op->set_state);
		break;
	case STEP_GET_ERROR:
		wsman_msg_bits_get_error(&op->req, &h, LANGUAGE_ID_EN_US);
		break;
	case STEP_DONE:
		break;
	}
	op->have_req = true;
}

const char *
wsman_op_request(struct wsman_op *op, size_t *len)
{
	if (op->step == STEP_DONE) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (!op->have_req)
		build_request(op);
	if (len != NULL)
		*len = op->req.len;
	return op->req.s;
}

/* Move to a step; its request is built on the next wsman_op_request. */
static void
go(struct wsman_op *op, enum op_step step)
{
	op->step = step;
	op->have_req = false;
	if (step == STEP_DONE)
		strbuf_reset(&op->req);
}

/* Finish successfully. */
static void
succeed(struct wsman_op *op)
{
	op->ok = true;
	hosterr_clear(&op->err);
	go(op, STEP_DONE);
}

/*
 * Finish with the error already in op->err. An enumeration in progress is
 * released first (best effort) when a usable context is known.
 */
static void
finish_error(struct wsman_op *op, bool release)
{
	op->ok = false;
	if (release && op->kind == OP_LIST && op->context != NULL && op->context[0] != '\0')
		go(op, STEP_RELEASE);
	else
		go(op, STEP_DONE);
}

/* Finish with a protocol error (formatted), releasing any open enumeration. */
static void __attribute__((format(printf, 2, 3)))
protocol_error(struct wsman_op *op, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	hosterr_set(&op->err, HOSTERR_PROTOCOL, "%s", msg);
	free(msg);
	finish_error(op, true);
}

/* A phrase naming the job for messages: "job {GUID}". */
static char *
job_phrase(const struct wsman_op *op)
{
	return xasprintf("job %s", op->job_id != NULL ? op->job_id : "(unknown)");
}

/* Store a fault as the op's error in the context of the current step. */
static void
fault_error(struct wsman_op *op, const struct wsman_fault *f)
{
	enum wsman_fault_ctx ctx = op->step == STEP_ENUMERATE || op->step == STEP_CREATE ?
	    WSMAN_FAULT_CTX_CLASS : WSMAN_FAULT_CTX_INSTANCE;

	wsman_fault_to_hosterr(f, ctx, &op->err);
	if (ctx == WSMAN_FAULT_CTX_INSTANCE && op->job_id != NULL && wsman_fault_is_not_found(f) &&
	    op->err.kind == HOSTERR_FAULT) {
		char *job = job_phrase(op);
		char *msg = xasprintf("%s was not found on the host: %s", job, op->err.message);

		free(op->err.message);
		op->err.message = msg;
		free(job);
	}
}

/* The resume after CreateJob/AddFile failed: say that the first step took effect. */
static void
resume_failed(struct wsman_op *op)
{
	char *msg;

	if (op->kind == OP_CREATE)
		msg = xasprintf("job %s was created but resuming it failed: %s", op->job_id,
		    op->err.message != NULL ? op->err.message : "unknown error");
	else
		msg = xasprintf("the file was added to job %s but resuming the job failed: %s",
		    op->job_id, op->err.message != NULL ? op->err.message : "unknown error");
	free(op->err.message);
	op->err.message = msg;
}

/* A SOAP fault answered the current step. */
static void
on_fault(struct wsman_op *op, const struct wsman_response *r)
{
	struct wsman_fault f;
	char *cause = NULL;
	bool release = true;

	if (wsman_fault_parse(r, &f, &cause) != 0) {
		protocol_error(op, "unreadable SOAP fault: %s", cause);
		free(cause);
		return;
	}
	if (op->step == STEP_SET_STATE && op->kind == OP_SET_STATE &&
	    (op->set_state == BITS_SET_CANCEL || op->set_state == BITS_SET_COMPLETE) &&
	    wsman_fault_is_not_found(&f)) {
		/* Final states leave the queue: the job is gone, which is what was asked. */
		op->already_gone = true;
		wsman_fault_done(&f);
		succeed(op);
		return;
	}
	fault_error(op, &f);
	if (op->step == STEP_SET_STATE && (op->kind == OP_CREATE || op->kind == OP_ADD_FILE))
		resume_failed(op);
	/* An expired or unknown context cannot be released. */
	if (wsman_fault_subcode_is(&f, WSMAN_NS_ENUMERATION, "InvalidEnumerationContext"))
		release = false;
	wsman_fault_done(&f);
	finish_error(op, release);
}

/* An EnumerateResponse or PullResponse (its items read by the stream): collect,
 * then continue, finish or abandon. */
static void
on_enumeration(struct wsman_op *op, const struct wsman_response *r, struct wsman_bits_items *items)
{
	char *cause = NULL;

	/* From here on the server's newest context is the one to Pull or Release. */
	if (r->has_context && r->context[0] != '\0') {
		free(op->context);
		op->context = xstrdup(r->context);
	}
	if (wsman_bits_items_take(items, &op->jobs, &op->njobs, &cause) != 0) {
		protocol_error(op, "%s", cause);
		free(cause);
		return;
	}
	if (r->end_of_sequence) {
		/* Done; an empty or absent context is the normal end, nothing to release. */
		free(op->context);
		op->context = NULL;
		succeed(op);
		return;
	}
	if (!r->has_context || r->context[0] == '\0') {
		protocol_error(op, "%s has neither EndOfSequence nor an enumeration context to continue with",
		    wsman_body_kind_name(r->kind));
		return;
	}
	if (op->pulls >= op->max_pulls) {
		protocol_error(op, "the enumeration did not end after %u Pull requests; abandoned",
		    op->pulls);
		return;
	}
	op->pulls++;
	go(op, STEP_PULL);
}

/* A GetResponse: the job, or the instance to modify and Put back. */
static void
on_get(struct wsman_op *op, const struct wsman_response *r)
{
	struct bits_job job;
	char *cause = NULL;
	char num[16];

	if (strcmp((const char *)r->body->name, "BitsClientJob") != 0) {
		protocol_error(op, "GetResponse holds a <%.*s>, not a BitsClientJob", QUOTE_MAX,
		    (const char *)r->body->name);
		return;
	}
	if (wsman_bits_from_xml(r->body, &job, &cause) != 0) {
		protocol_error(op, "BitsClientJob instance: %s", cause);
		free(cause);
		return;
	}
	if (op->kind == OP_GET) {
		op->jobs = xmalloc(sizeof(*op->jobs));
		op->jobs[0] = job;
		op->njobs = 1;
		succeed(op);
		return;
	}
	bits_job_done(&job);
	snprintf(num, sizeof(num), "%u", op->prio);
	free(op->put_body);
	op->put_body = wsman_bits_rewrite_property(r->body, "Priority", num);
	go(op, STEP_PUT);
}

/* A PutResponse: success; keep the updated instance when it is readable. */
static void
on_put(struct wsman_op *op, const struct wsman_response *r)
{
	struct bits_job job;
	char *cause = NULL;

	if (r->body != NULL && strcmp((const char *)r->body->name, "BitsClientJob") == 0 &&
	    wsman_bits_from_xml(r->body, &job, &cause) == 0) {
		op->jobs = xmalloc(sizeof(*op->jobs));
		op->jobs[0] = job;
		op->njobs = 1;
	}
	free(cause);
	succeed(op);
}

/* A method output: check ReturnValue, then take the outputs and go on. */
static void
on_output(struct wsman_op *op, const struct wsman_response *r)
{
	const char *method = step_info[op->step].method;
	uint32_t rv;
	char *cause = NULL;

	if (wsman_bits_return_value(r->body, &rv, &cause) != 0) {
		protocol_error(op, "%s output: %s", method, cause);
		free(cause);
		return;
	}
	if (!bits_hresult_is_success(rv)) {
		char *desc;

		if (op->kind == OP_SET_STATE &&
		    (op->set_state == BITS_SET_CANCEL || op->set_state == BITS_SET_COMPLETE) &&
		    (rv == BITS_HR_BG_E_NOT_FOUND || rv == BITS_HR_WBEM_E_NOT_FOUND)) {
			op->already_gone = true;
			succeed(op);
			return;
		}
		desc = bits_hresult_format(rv);
		if (op->job_id != NULL && op->step != STEP_CREATE) {
			char *job = job_phrase(op);

			hosterr_set_code(&op->err, HOSTERR_FAULT, rv, "%s on %s failed: %s", method, job, desc);
			free(job);
		} else
			hosterr_set_code(&op->err, HOSTERR_FAULT, rv, "%s failed: %s", method, desc);
		free(desc);
		if (op->step == STEP_SET_STATE && (op->kind == OP_CREATE || op->kind == OP_ADD_FILE))
			resume_failed(op);
		finish_error(op, false);
		return;
	}
	switch (op->step) {
	case STEP_CREATE: {
		char *id = wsman_bits_out_string(r->body, "JobId");

		if (id == NULL || id[0] == '\0') {
			free(id);
			protocol_error(op, "CreateJob succeeded but returned no JobId; the job may exist on the host");
			return;
		}
		op->job_id = id;
		if (op->suspended)
			succeed(op);	/* created suspended, as asked: no resume */
		else
			go(op, STEP_SET_STATE);
		break;
	}
	case STEP_ADD_FILE:
		go(op, STEP_SET_STATE);
		break;
	case STEP_GET_ERROR:
		if (wsman_bits_error_info(r->body, &op->error_info, &cause) != 0) {
			protocol_error(op, "GetError output: %s", cause);
			free(cause);
			return;
		}
		op->has_error_info = true;
		succeed(op);
		break;
	default:
		succeed(op);
		break;
	}
}

/* A parsed SOAP answer to the current step (items: the enumeration's streamed items). */
static void
on_envelope(struct wsman_op *op, long status, const struct wsman_response *r,
    struct wsman_bits_items *items)
{
	const struct step_info *si = &step_info[op->step];

	if (r->relates_to != NULL && op->message_id[0] != '\0' &&
	    strcmp(r->relates_to, op->message_id) != 0) {
		protocol_error(op, "the response's RelatesTo \"%.*s\" does not match the request's MessageID %s",
		    QUOTE_MAX, r->relates_to, op->message_id);
		return;
	}
	if (r->kind == WSMAN_BODY_FAULT) {
		on_fault(op, r);
		return;
	}
	if (status != 200) {
		hosterr_set_code(&op->err, HOSTERR_HTTP, (uint32_t)status,
		    "HTTP %ld from the server with %s instead of a SOAP fault", status,
		    wsman_body_kind_name(r->kind));
		finish_error(op, true);
		return;
	}
	if (r->kind != si->kind && !(op->step == STEP_PUT && r->kind == WSMAN_BODY_EMPTY)) {
		protocol_error(op, "expected %s, got %s (action %.*s)", wsman_body_kind_name(si->kind),
		    wsman_body_kind_name(r->kind), QUOTE_MAX * 2, r->action != NULL ? r->action : "none");
	} else if (r->action != NULL && strcmp(r->action, si->action) != 0) {
		protocol_error(op, "expected action %s, got %.*s", si->action, QUOTE_MAX * 2, r->action);
	} else if (si->kind == WSMAN_BODY_OUTPUT && strcmp(r->method, si->method) != 0) {
		protocol_error(op, "expected %s output, got %.*s_OUTPUT", si->method, QUOTE_MAX, r->method);
	} else {
		switch (op->step) {
		case STEP_ENUMERATE:
		case STEP_PULL:
			on_enumeration(op, r, items);
			break;
		case STEP_GET:
			on_get(op, r);
			break;
		case STEP_PUT:
			on_put(op, r);
			break;
		default:
			on_output(op, r);
			break;
		}
	}
}

/* Statuses answered with a fixed message (doc/protocol.md §1, §7). */
static const struct {
	long	 status;
	enum hosterr_kind kind;
	const char *msg;
} plain_statuses[] = {
	{ 401, HOSTERR_AUTH, "401 Unauthorized: the server rejected the credentials" },
	{ 413, HOSTERR_HTTP, "413 Request Entity Too Large: request larger than the server's MaxEnvelopeSize" },
	{ 415, HOSTERR_HTTP, "415 Unsupported Media Type: the server refused the request's content type" },
	{ 503, HOSTERR_HTTP, "503 Service Unavailable: the server is overloaded" },
};

bool
wsman_status_error(long status, const char *ct, size_t len, bool https, struct hosterr *err)
{
	uint32_t code = (uint32_t)status;
	size_t i;

	for (i = 0; i < sizeof(plain_statuses) / sizeof(plain_statuses[0]); i++)
		if (status == plain_statuses[i].status)
			break;
	if (i < sizeof(plain_statuses) / sizeof(plain_statuses[0]))
		hosterr_set_code(err, plain_statuses[i].kind, code, "%s", plain_statuses[i].msg);
	else if (status == 200 && !wsman_parse_is_xml_type(ct))
		hosterr_set(err, HOSTERR_PROTOCOL,
		    "the server answered HTTP 200 with Content-Type %.*s, not a SOAP envelope", QUOTE_MAX, ct);
	else if (status == 500 && len == 0 && !https)
		hosterr_set_code(err, HOSTERR_ENCRYPTION_REQUIRED, code,
		    "server requires encryption: use --auth negotiate, kerberos or ntlm (they "
		    "encrypt every message on plain HTTP), or HTTPS");
	else if (status == 500 && len == 0)
		hosterr_set_code(err, HOSTERR_HTTP, code, "500 Internal Server Error with an empty body");
	else if (status == 200 || status == 500)
		return false;
	else
		hosterr_set_code(err, HOSTERR_HTTP, code, "unexpected HTTP status %ld from the server",
		    status);
	return true;
}

/* HTTP statuses that carry no SOAP to read; true when handled (op finished). */
static bool
on_plain_status(struct wsman_op *op, long status, const char *ct, size_t len)
{
	if (!wsman_status_error(status, ct, len, op->https, &op->err))
		return false;
	finish_error(op, true);
	return true;
}

/* Whether a response's charset (NULL: none said) leaves the body in UTF-8. */
static bool
charset_utf8(const char *content_type)
{
	char *cs = wsman_parse_charset(content_type);
	bool ok = cs == NULL || strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;

	free(cs);
	return ok;
}

/*
 * An Enumerate/Pull answer read with the last poll's items reused: the items
 * whose hash is in op->seen are cut out before parsing, the others get their
 * hash. True when done; false when the scan and the parser disagree (or the
 * scan cannot tell), so that the caller parses the whole body as usual.
 */
static bool
feed_reusing(struct wsman_op *op, long http_status, const char *content_type, const char *body,
    size_t len)
{
	struct wsman_item_range *rg = NULL;
	struct wsman_bits_items *items;
	struct wsman_item_sink sink;
	struct wsman_response r;
	size_t nrg = 0, ndrop = 0, doclen = len, k = 0;
	bool *drop = NULL;
	char *cut = NULL, *cause = NULL;
	const char *doc = body;
	int rc;

	if (!charset_utf8(content_type) || wsman_items_scan(body, len, &rg, &nrg) != 0)
		return false;
	if (nrg > 0) {
		drop = xcalloc(nrg, sizeof *drop);
		for (size_t i = 0; i < nrg; i++)
			if (wsman_items_seen(op->seen, op->nseen, rg[i].hash))
				drop[i] = true, ndrop++;
	}
	if (ndrop > 0)
		doc = cut = wsman_items_cut(body, len, rg, nrg, drop, &doclen);
	items = wsman_bits_items_new(op->max_items, op->njobs + ndrop);
	wsman_bits_items_sink(items, &sink);
	rc = wsman_parse_enumeration(&r, doc, doclen, content_type, op->max_response, &sink, &cause);
	free(cut);
	if (rc != 0 || (ndrop > 0 && wsman_bits_items_count(items) != nrg - ndrop)) {
		/* Not what the scan saw: read the whole body again, nothing reused. */
		if (rc == 0)
			wsman_response_done(&r);
		free(cause);
		wsman_bits_items_free(items);
		free(drop);
		free(rg);
		return false;
	}
	/* Hashes only where the scan and the parser agree on every item. */
	for (size_t i = 0; i < nrg && wsman_bits_items_count(items) == nrg - ndrop; i++)
		if (!drop[i])
			wsman_bits_items_set_hash(items, k++, rg[i].hash);
	for (size_t i = 0; i < nrg; i++)
		if (drop[i])
			wsman_bits_items_add_reused(items, rg[i].hash);
	on_envelope(op, http_status, &r, items);
	wsman_bits_items_free(items);
	wsman_response_done(&r);
	free(drop);
	free(rg);
	return true;
}

void
wsman_op_feed(struct wsman_op *op, long http_status, const char *content_type, const char *body,
    size_t len)
{
	struct wsman_response r;
	struct wsman_bits_items *items = NULL;
	struct wsman_item_sink sink;
	char *cause = NULL;
	int rc;

	if (op->step == STEP_DONE)
		return;
	op->requests++;
	if (op->step == STEP_RELEASE) {
		/* Best effort: whatever the answer, the op's outcome stays as it was. */
		free(op->context);
		op->context = NULL;
		go(op, STEP_DONE);
		return;
	}
	if (on_plain_status(op, http_status, content_type, len))
		return;
	if ((op->step == STEP_ENUMERATE || op->step == STEP_PULL) && op->reuse &&
	    len <= op->max_response && feed_reusing(op, http_status, content_type, body, len))
		return;
	if (op->step == STEP_ENUMERATE || op->step == STEP_PULL) {
		/* Jobs are read as the parser streams them: no tree of the items. */
		items = wsman_bits_items_new(op->max_items, op->njobs);
		wsman_bits_items_sink(items, &sink);
		rc = wsman_parse_enumeration(&r, body, len, content_type, op->max_response, &sink,
		    &cause);
	} else {
		rc = wsman_parse_response(&r, body, len, content_type, op->max_response, &cause);
	}
	if (rc != 0) {
		wsman_bits_items_free(items);
		if (http_status == 200)
			protocol_error(op, "unreadable response: %s", cause);
		else {
			hosterr_set_code(&op->err, HOSTERR_HTTP, (uint32_t)http_status,
			    "HTTP %ld from the server with an unreadable body: %s", http_status, cause);
			finish_error(op, true);
		}
		free(cause);
		return;
	}
	on_envelope(op, http_status, &r, items);
	wsman_bits_items_free(items);
	wsman_response_done(&r);
}

void
wsman_op_fail(struct wsman_op *op, const struct hosterr *err)
{
	wsman_op_fail_sent(op, err, true);
}

void
wsman_op_fail_sent(struct wsman_op *op, const struct hosterr *err, bool sent)
{
	const char *why = err != NULL && err->message != NULL ? err->message : "no answer";
	enum hosterr_kind kind = err != NULL && err->kind != HOSTERR_NONE ? err->kind : HOSTERR_CONNECT;

	if (op->step == STEP_DONE)
		return;
	op->requests++;
	op->unknown = sent && (op->step == STEP_PUT || op->step == STEP_CREATE ||
	    op->step == STEP_ADD_FILE || op->step == STEP_SET_STATE);
	if (op->step == STEP_RELEASE) {
		go(op, STEP_DONE);
		return;
	}
	if (op->step == STEP_CREATE) {
		/* Never re-sent: CreateJob is not idempotent (doc/protocol.md §10 item 11). */
		hosterr_set(&op->err, kind, "the CreateJob request got no answer (%s): the job may or may "
		    "not exist on the host and the request was not re-sent", why);
	} else if (op->step == STEP_SET_STATE && (op->kind == OP_CREATE || op->kind == OP_ADD_FILE)) {
		hosterr_set(&op->err, kind, "the resume request got no answer (%s)", why);
		resume_failed(op);
	} else {
		hosterr_set(&op->err, kind, "%s", why);
	}
	if (err != NULL && err->has_code) {
		op->err.has_code = true;
		op->err.code = err->code;
	}
	/* The host did not answer: no Release, the server expires the context itself. */
	finish_error(op, false);
}

bool
wsman_op_ok(const struct wsman_op *op)
{
	return op->step == STEP_DONE && op->ok;
}

const struct hosterr *
wsman_op_error(const struct wsman_op *op)
{
	return op->step == STEP_DONE && !op->ok ? &op->err : NULL;
}

struct bits_job *
wsman_op_take_jobs(struct wsman_op *op, size_t *n)
{
	struct bits_job *jobs = op->jobs;

	*n = op->njobs;
	op->jobs = NULL;
	op->njobs = 0;
	return jobs;
}

const char *
wsman_op_job_id(const struct wsman_op *op)
{
	return op->kind == OP_CREATE ? op->job_id : NULL;
}

bool
wsman_op_outcome_unknown(const struct wsman_op *op)
{
	return !op->ok && op->unknown;
}

bool
wsman_op_already_gone(const struct wsman_op *op)
{
	return op->already_gone;
}

bool
wsman_op_take_error_info(struct wsman_op *op, struct bits_error_info *out)
{
	if (!op->has_error_info)
		return false;
	*out = op->error_info;
	memset(&op->error_info, 0, sizeof(op->error_info));
	op->has_error_info = false;
	return true;
}

unsigned
wsman_op_requests(const struct wsman_op *op)
{
	return op->requests;
}
