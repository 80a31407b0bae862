/*
 * sim_agent: the simulated powershell.exe running bitstop's agent
 * (agent/bitstop-agent.ps1): the same JSON-lines protocol, answered from the
 * host's job model, so /jobs shows the truth for both backends. It answers as
 * Windows does from an administrator's remote session: LocalSystem's jobs may
 * be read but not modified unless the request allows a SYSTEM task, and a
 * host marked not-logged-on refuses create and resume with 0x800704DD.
 */
#include "config.h"

#include "sim/sim_shell.h"
#include "sim/sim_clock.h"
#include "src/bits_hresult.h"
#include "src/xalloc.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HR_NOT_FOUND		0x80200001u	/* BG_E_NOT_FOUND */
#define HR_ACCESS_DENIED	0x80070005u
#define HR_NOT_LOGGED_ON	0x800704DDu
#define HR_INVALIDARG		0x80070057u
#define SYSTEM_ACCOUNT		"NT AUTHORITY\\SYSTEM"

/* BitsTransfer's enum names (the strings the agent writes). */
static const char *const state_names[] = {
	"Queued", "Connecting", "Transferring", "Suspended", "Error", "TransientError",
	"Transferred", "Acknowledged", "Cancelled",
};
static const char *const priority_names[] = { "Foreground", "High", "Normal", "Low" };
static const char *const context_names[] = {
	"None", "Unknown", "GeneralQueueManager", "QueueManagerNotification", "LocalFile",
	"RemoteFile", "GeneralTransport", "RemoteApplication",
};

/* A start-up progress record on stderr, as Import-Module writes it over WinRS. */
void
sim_agent_start(struct sim_cmd *cmd)
{
	strbuf_adds(&cmd->err, "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas."
	    "microsoft.com/powershell/2004/04\"><Obj S=\"progress\" RefId=\"0\"><TN RefId=\"0\">"
	    "<T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>"
	    "<I64 N=\"SourceId\">1</I64><PR N=\"Record\"><AV>Preparing modules for first use."
	    "</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD>"
	    "</PR></MS></Obj></Objs>");
}

/* Simulated Unix seconds as the agent's ISO 8601 UTC with 7 decimals; null for 0. */
static json_object *
iso_time(double t)
{
	uint64_t ticks;
	time_t secs;
	struct tm tm;
	char buf[48];

	if (t <= 0)
		return NULL;
	ticks = sim_filetime(t) - 116444736000000000ULL;
	secs = (time_t)(ticks / 10000000);
	gmtime_r(&secs, &tm);
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07" PRIu64 "Z",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ticks % 10000000);
	return json_object_new_string(buf);
}

/* A string or JSON null. */
static json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* One job as the agent's J function writes it. */
static json_object *
job_json(const struct sim_job *j)
{
	json_object *o = json_object_new_object(), *files = json_object_new_array();
	uint32_t ctx = 0, code = 0;
	const char *cdesc = NULL, *edesc = NULL;
	int has_err = sim_host_get_error(j, &ctx, &code, &cdesc, &edesc) == SIM_S_OK;

	json_object_object_add(o, "JobId", json_object_new_string(j->job_id));
	json_object_object_add(o, "DisplayName", json_object_new_string(j->display_name));
	json_object_object_add(o, "Description", str_or_null(j->description));
	json_object_object_add(o, "OwnerAccount", json_object_new_string(j->owner));
	json_object_object_add(o, "TransferType", json_object_new_string(j->type ? "Upload" : "Download"));
	json_object_object_add(o, "JobState", json_object_new_string(state_names[j->state]));
	json_object_object_add(o, "Priority", json_object_new_string(priority_names[j->priority & 3]));
	json_object_object_add(o, "BytesTotal", json_object_new_uint64(sim_job_bytes_total(j)));
	json_object_object_add(o, "BytesTransferred", json_object_new_uint64(sim_job_bytes_transferred(j)));
	json_object_object_add(o, "FilesTotal", json_object_new_int64((int64_t)j->nfiles));
	json_object_object_add(o, "FilesTransferred", json_object_new_int64(sim_job_files_transferred(j)));
	json_object_object_add(o, "CreationTime", iso_time(j->created));
	json_object_object_add(o, "ModificationTime", iso_time(j->modified));
	json_object_object_add(o, "TransferCompletionTime", iso_time(j->completed));
	json_object_object_add(o, "ErrorCondition", json_object_new_string(has_err ?
	    (j->state == SIM_ERROR ? "Error" : "TransientError") : "None"));
	json_object_object_add(o, "ErrorContext", json_object_new_string(
	    has_err && ctx < 8 ? context_names[ctx] : "None"));
	json_object_object_add(o, "ErrorContextDescription", has_err ? str_or_null(cdesc) : NULL);
	json_object_object_add(o, "ErrorDescription", has_err ? str_or_null(edesc) : NULL);
	json_object_object_add(o, "InternalErrorCode", json_object_new_int64(has_err ? code : 0));
	json_object_object_add(o, "RetryInterval", json_object_new_int64(j->min_retry_delay));
	json_object_object_add(o, "RetryTimeout", json_object_new_int64(j->no_progress_timeout));
	json_object_object_add(o, "TransientErrorCount", json_object_new_int64(j->transient_errors));
	for (size_t i = 0; i < j->nfiles; i++) {
		const struct sim_file *f = &j->files[i];
		json_object *fo = json_object_new_object();

		json_object_object_add(fo, "RemoteName", json_object_new_string(f->remote_url));
		json_object_object_add(fo, "LocalName", json_object_new_string(f->local_file));
		json_object_object_add(fo, "BytesTotal", json_object_new_uint64(f->bytes_total));
		json_object_object_add(fo, "BytesTransferred", json_object_new_uint64(f->bytes_transferred));
		json_object_object_add(fo, "IsTransferComplete", json_object_new_boolean(
		    f->bytes_total != SIM_SIZE_UNKNOWN && f->bytes_transferred == f->bytes_total));
		json_object_array_add(files, fo);
	}
	json_object_object_add(o, "FileList", files);
	return o;
}

/* Turn the answer into a failure with an HRESULT and message. */
static void
fail(json_object *o, uint32_t hr, const char *msg)
{
	char code[16];

	snprintf(code, sizeof code, "0x%08X", (unsigned)hr);
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "hresult", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(msg));
}

/* A string member of the request, or NULL. */
static const char *
req_str(json_object *r, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(r, key, &v) && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

/* The message of a BITS HRESULT as the cmdlets word it. */
static const char *
hr_message(uint32_t hr)
{
	switch (hr) {
	case BITS_HR_BG_E_INVALID_STATE:
		return "The requested action is not allowed in the current job state. The job might "
		    "have been canceled or completed transferring. It is in a read-only state now.";
	case BITS_HR_BG_E_TOO_MANY_JOBS_PER_MACHINE:
		return "The number of jobs on this computer exceeds the MaxJobsPerMachine limit.";
	default:
		return "The parameter is incorrect.";
	}
}

/* A mutation on one job; returns 0 and fills o, or sets the failure in o. */
static void
act(struct sim_req *rq, json_object *r, const char *op, json_object *o)
{
	struct sim_host *h = &rq->site->host;
	const char *id = req_str(r, "id");
	struct sim_job *j = id != NULL ? sim_host_find(h, id) : NULL;
	json_object *sys;
	int system = json_object_object_get_ex(r, "system", &sys) && json_object_get_boolean(sys);
	uint32_t hr = 0;

	if (j == NULL) {
		fail(o, HR_NOT_FOUND, "Cannot find the job: it is not in the BITS queue.");
		return;
	}
	if (strcmp(op, "get") == 0 || strcmp(op, "get_error") == 0) {
		json_object *jobs = json_object_new_array();

		json_object_array_add(jobs, job_json(j));
		json_object_object_add(o, "jobs", jobs);
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		return;
	}
	if (strcmp(j->owner, SYSTEM_ACCOUNT) == 0 && !system) {
		/* Higher integrity level than an elevated administrator's token. */
		fail(o, HR_ACCESS_DENIED, "owned by LocalSystem");
		return;
	}
	if (strcmp(op, "resume") == 0 && rq->site->not_logged_on) {
		fail(o, HR_NOT_LOGGED_ON, "The operation being requested was not performed because the "
		    "user has not logged on to the network. The specified service does not exist.");
		return;
	}
	if (strcmp(op, "suspend") == 0)
		hr = sim_host_set_state(h, &j, SIM_ACT_SUSPEND);
	else if (strcmp(op, "resume") == 0)
		hr = sim_host_set_state(h, &j, SIM_ACT_RESUME);
	else if (strcmp(op, "complete") == 0)
		hr = sim_host_set_state(h, &j, SIM_ACT_COMPLETE);
	else if (strcmp(op, "cancel") == 0)
		hr = sim_host_set_state(h, &j, SIM_ACT_CANCEL);
	else if (strcmp(op, "priority") == 0) {
		const char *p = req_str(r, "priority");
		int i = -1;

		for (int k = 0; p != NULL && k < 4; k++)
			if (strcasecmp(p, priority_names[k]) == 0)
				i = k;
		if (i < 0)
			hr = HR_INVALIDARG;
		else {
			j->priority = (uint32_t)i;
			j->modified = h->now;
		}
	} else {
		hr = HR_INVALIDARG;
	}
	if (hr != 0) {
		fail(o, hr, hr_message(hr));
		return;
	}
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	if (system && id != NULL)
		json_object_object_add(o, "via", json_object_new_string("system_task"));
}

/* Start-BitsTransfer -Asynchronous [-Suspended]: a new job owned by the connecting user. */
static void
create(struct sim_req *rq, json_object *r, json_object *o)
{
	const char *name = req_str(r, "name"), *url = req_str(r, "url");
	const char *local = req_str(r, "local"), *type = req_str(r, "type");
	json_object *susp;
	int suspended = json_object_object_get_ex(r, "suspended", &susp) && json_object_get_boolean(susp);
	struct sim_job *j = NULL;
	uint32_t hr;

	if (rq->site->not_logged_on) {
		fail(o, HR_NOT_LOGGED_ON, "The operation being requested was not performed because the "
		    "user has not logged on to the network. The specified service does not exist.");
		return;
	}
	hr = sim_host_create_job(&rq->site->host, name, url, local, 0,
	    type != NULL && strcmp(type, "upload") == 0, suspended, NULL, &j);
	if (hr != 0 || j == NULL) {
		fail(o, hr != 0 ? hr : HR_INVALIDARG, hr_message(hr));
		return;
	}
	free(j->owner);
	j->owner = xasprintf("%s\\%s", rq->site->machine, rq->user);
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "id", json_object_new_string(j->job_id));
}

void
sim_agent_line(struct sim_req *rq, struct sim_cmd *cmd, const char *line)
{
	json_object *r = json_tokener_parse(line), *o = json_object_new_object(), *v;
	int64_t seq = 0;
	const char *op;

	sim_clock_touch(rq->srv, rq->site);
	if (r != NULL && json_object_object_get_ex(r, "seq", &v) && json_object_is_type(v, json_type_int))
		seq = json_object_get_int64(v);
	op = r != NULL ? req_str(r, "op") : NULL;
	if (r == NULL || !json_object_is_type(r, json_type_object)) {
		seq = 0;
		fail(o, 0x80131500u, "Invalid JSON primitive.");
	} else if (op == NULL) {
		fail(o, HR_INVALIDARG, "unknown op");
	} else if (strcmp(op, "hello") == 0) {
		json_object_object_add(o, "agent", json_object_new_string("bitstop-agent/1"));
		json_object_object_add(o, "ps", json_object_new_string("5.1.19041.4291"));
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	} else if (strcmp(op, "list") == 0) {
		json_object *jobs = json_object_new_array();

		for (size_t i = 0; i < rq->site->host.njobs; i++)
			json_object_array_add(jobs, job_json(rq->site->host.jobs[i]));
		json_object_object_add(o, "jobs", jobs);
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	} else if (strcmp(op, "create") == 0) {
		create(rq, r, o);
	} else {
		act(rq, r, op, o);
	}
	json_object_object_add(o, "v", json_object_new_int(1));
	json_object_object_add(o, "seq", json_object_new_int64(seq));
	strbuf_adds(&cmd->out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	strbuf_addf(&cmd->out, "\r\n@@BITSTOP-END %" PRId64 "@@\r\n", seq);
	json_object_put(o);
	json_object_put(r);
}
