#include "config.h"

#include "src/backend.h"

/*
 * backend_wmi: the BITS WMI provider (BitsClientJob over WS-Man) behind the
 * backend interface; every call goes to the wsman_op it wraps.
 */

/* wsman_op_request through the interface. */
static const char *
wmi_request(void *impl, size_t *len)
{
	return wsman_op_request(impl, len);
}

/* wsman_op_feed through the interface. */
static void
wmi_feed(void *impl, long status, const char *ct, const char *body, size_t len)
{
	wsman_op_feed(impl, status, ct, body, len);
}

/* wsman_op_fail_sent through the interface. */
static void
wmi_fail(void *impl, const struct hosterr *err, bool sent)
{
	wsman_op_fail_sent(impl, err, sent);
}

/* wsman_op_ok through the interface. */
static bool
wmi_ok(const void *impl)
{
	return wsman_op_ok(impl);
}

/* wsman_op_error through the interface. */
static const struct hosterr *
wmi_error(const void *impl)
{
	return wsman_op_error(impl);
}

/* wsman_op_take_jobs through the interface. */
static struct bits_job *
wmi_take_jobs(void *impl, size_t *n)
{
	return wsman_op_take_jobs(impl, n);
}

/* wsman_op_job_id through the interface. */
static const char *
wmi_job_id(const void *impl)
{
	return wsman_op_job_id(impl);
}

/* wsman_op_already_gone through the interface. */
static bool
wmi_already_gone(const void *impl)
{
	return wsman_op_already_gone(impl);
}

/* wsman_op_outcome_unknown through the interface. */
static bool
wmi_outcome_unknown(const void *impl)
{
	return wsman_op_outcome_unknown(impl);
}

/* wsman_op_take_error_info through the interface. */
static bool
wmi_take_error_info(void *impl, struct bits_error_info *out)
{
	return wsman_op_take_error_info(impl, out);
}

/* wsman_op_requests through the interface. */
static unsigned
wmi_requests(const void *impl)
{
	return wsman_op_requests(impl);
}

/* wsman_op_free through the interface. */
static void
wmi_free(void *impl)
{
	wsman_op_free(impl);
}

const struct backend_impl backend_wmi_impl = {
	.request = wmi_request, .feed = wmi_feed, .fail = wmi_fail, .ok = wmi_ok,
	.error = wmi_error, .take_jobs = wmi_take_jobs, .job_id = wmi_job_id,
	.already_gone = wmi_already_gone, .outcome_unknown = wmi_outcome_unknown, .take_error_info = wmi_take_error_info,
	.requests = wmi_requests, .free = wmi_free,
};

struct wsman_op *
backend_wmi_action(const struct wsman_target *t, const struct action_req *req)
{
	if (req->kind != ACTION_CREATE && req->job_id == NULL)
		return NULL;
	switch (req->kind) {
	case ACTION_CANCEL:
		return wsman_op_new_set_state(t, req->job_id, BITS_SET_CANCEL);
	case ACTION_COMPLETE:
		return wsman_op_new_set_state(t, req->job_id, BITS_SET_COMPLETE);
	case ACTION_RESUME:
		return wsman_op_new_set_state(t, req->job_id, BITS_SET_RESUME);
	case ACTION_SUSPEND:
		return wsman_op_new_set_state(t, req->job_id, BITS_SET_SUSPEND);
	case ACTION_PRIORITY:
		if (req->priority >= BITS_PRIORITY_COUNT)
			return NULL;
		return wsman_op_new_set_priority(t, req->job_id, req->priority);
	case ACTION_CREATE:
		if (req->display_name == NULL || req->remote_url == NULL || req->local_file == NULL)
			return NULL;
		return wsman_op_new_create(t, req->display_name, req->remote_url, req->local_file,
		    req->type, req->suspended);
	case ACTION_GET_ERROR:
		return wsman_op_new_get_error(t, req->job_id);
	case ACTION_COUNT:
		break;
	}
	return NULL;
}
