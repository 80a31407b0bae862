#include "config.h"

#include "sim/sim_wsman.h"
#include "src/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* The job named by the request's JobId selector; faults and NULL otherwise. */
static struct sim_job *
sim_ops_job(struct sim_req *rq, struct sim_reply *out, const char *operation)
{
	struct sim_job *j;
	char *param;

	if (strcmp(rq->resource_uri, SIM_CLASS_URI) != 0) {
		const char *slash = strrchr(rq->resource_uri, '/');

		sim_wsman_fault_not_found(rq, out, operation, slash != NULL ? slash + 1 :
		    rq->resource_uri);
		return NULL;
	}
	if (rq->nsel == 0) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_SELECTORS_MISSING, NULL);
		return NULL;
	}
	if (rq->nsel > 1 || strcasecmp(rq->sel[0].name, "JobId") != 0) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_SELECTORS_UNEXPECTED, NULL);
		return NULL;
	}
	j = sim_host_find(&rq->site->host, rq->sel[0].value);
	if (j != NULL)
		return j;
	param = xasprintf("BitsClientJob.JobId=\"%s\"", rq->sel[0].value);
	sim_wsman_fault_not_found(rq, out, operation, param);
	free(param);
	return NULL;
}

/* A response whose body is one job instance. */
static void
sim_ops_instance(struct sim_reply *out, const char *action, const char *relates_to,
    const struct sim_job *j)
{
	sim_render_head(&out->body, SIM_ENV_TRANSFER, action, relates_to);
	sim_render_job(&out->body, j);
	sim_render_tail(&out->body);
}

/* Get: the job named by the JobId selector. */
void
sim_op_get(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_job *j = sim_ops_job(rq, out, "GetObject");

	if (j != NULL)
		sim_ops_instance(out, SIM_ACT_XFER "GetResponse", rq->message_id, j);
}

/* Parse a uint32 in decimal; -1 when it is not one. */
static int
sim_parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Put: change the writable properties of a job and return it. */
void
sim_op_put(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_job *j = sim_ops_job(rq, out, "PutInstance");
	xmlNodePtr inst;
	uint32_t num[3];
	int have[3] = { 0, 0, 0 };
	static const char *const numeric[3] = { "Priority", "MinimumRetryDelay",
	    "NoProgressTimeout" };

	if (j == NULL)
		return;
	inst = sim_xml_child(rq->body, SIM_CLASS_URI, "BitsClientJob", 0);
	if (inst == NULL) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_INVALID_REPRESENTATION, NULL);
		return;
	}
	/* validate everything first, then apply: a Put is all or nothing */
	for (int k = 0; k < 3; k++) {
		xmlNodePtr n = sim_xml_child(inst, NULL, numeric[k], 0);
		char *s;

		if (n == NULL || sim_xml_is_nil(n))
			continue;
		s = sim_xml_text(n);
		if (sim_parse_u32(s, &num[k]) != 0 || (k == 0 && num[k] > 3)) {
			char *why = xasprintf("%s: %s", numeric[k], s);

			sim_wsman_fault_invalid_param(rq, out, why);
			free(why);
			free(s);
			return;
		}
		free(s);
		have[k] = 1;
	}
	for (xmlNodePtr n = inst->children; n != NULL; n = n->next) {
		char *s;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "DisplayName") == 0) {
			if (sim_xml_is_nil(n)) {
				sim_wsman_fault_invalid_param(rq, out, "DisplayName");
				return;
			}
			s = sim_xml_text(n);
			if (strlen(s) > 256) {
				free(s);
				sim_wsman_fault_invalid_param(rq, out, "DisplayName");
				return;
			}
			sim_job_set_string(j, &j->display_name, s, rq->site->host.now);
			free(s);
		} else if (strcmp((const char *)n->name, "Description") == 0) {
			s = sim_xml_is_nil(n) ? NULL : sim_xml_text(n);
			sim_job_set_string(j, &j->description, s, rq->site->host.now);
			free(s);
		}
	}
	if (have[0])
		j->priority = num[0];
	if (have[1])
		j->min_retry_delay = num[1] < 5 ? 5 : num[1];
	if (have[2])
		j->no_progress_timeout = num[2];
	if (have[0] || have[1] || have[2])
		j->modified = rq->site->host.now;
	sim_ops_instance(out, SIM_ACT_XFER "PutResponse", rq->message_id, j);
}

/* The text of parameter name in the _INPUT element (owned), or NULL. */
static char *
sim_param(xmlNodePtr input, const char *name)
{
	xmlNodePtr n = sim_xml_child(input, NULL, name, 1);

	if (n == NULL || sim_xml_is_nil(n))
		return NULL;
	return sim_xml_text(n);
}

/* An unsigned parameter with a default; -1 (after a fault) when malformed. */
static int
sim_param_u32(struct sim_req *rq, struct sim_reply *out, xmlNodePtr input,
    const char *name, uint32_t dflt, uint32_t *v)
{
	char *s = sim_param(input, name);

	*v = dflt;
	if (s == NULL)
		return 0;
	if (sim_parse_u32(s, v) != 0) {
		free(s);
		sim_wsman_fault_invalid_param(rq, out, name);
		return -1;
	}
	free(s);
	return 0;
}

/* Begin <p:M_OUTPUT>. */
static void
sim_output_open(struct sim_req *rq, struct sim_reply *out, const char *method)
{
	char *action = xasprintf(SIM_CLASS_URI "/%sResponse", method);

	sim_render_head(&out->body, SIM_ENV_TRANSFER, action, rq->message_id);
	strbuf_addf(&out->body, "<p:%s_OUTPUT xmlns:xsi=\"" SIM_NS_XSI "\" xmlns:p=\""
	    SIM_CLASS_URI "\" xmlns:cim=\"" SIM_NS_CIM "\">", method);
	free(action);
}

/* ReturnValue and the end of the envelope. */
static void
sim_output_close(struct sim_reply *out, const char *method, uint32_t hr)
{
	strbuf_addf(&out->body, "<p:ReturnValue>%" PRIu32 "</p:ReturnValue></p:%s_OUTPUT>",
	    hr, method);
	sim_render_tail(&out->body);
}

/* Answer a method whose BITS call returned hr with no out parameters. When
 * hr is a failure it goes through the configured channel. */
static void
sim_output_hr(struct sim_req *rq, struct sim_reply *out, const char *method, uint32_t hr)
{
	if ((hr & 0x80000000u) != 0 && rq->srv->cfg.method_faults) {
		sim_wsman_fault_hresult(rq, out, hr, method);
		return;
	}
	sim_output_open(rq, out, method);
	sim_output_close(out, method, hr);
}

/* CreateJob: a static method, so it takes no selector. */
static void
sim_invoke_create(struct sim_req *rq, struct sim_reply *out, xmlNodePtr in)
{
	char *name = sim_param(in, "DisplayName"), *remote = sim_param(in, "RemoteUrl");
	char *local = sim_param(in, "LocalFile"), *desc = sim_param(in, "Description");
	char *susp = sim_param(in, "Suspend");
	uint32_t account, type, hr;
	int suspend = -1;
	struct sim_job *j;

	if (sim_param_u32(rq, out, in, "ServiceAccount", 2, &account) != 0 ||
	    sim_param_u32(rq, out, in, "Type", 0, &type) != 0)
		goto done;
	if (susp != NULL) {
		if (strcasecmp(susp, "true") == 0 || strcmp(susp, "1") == 0)
			suspend = 1;
		else if (strcasecmp(susp, "false") == 0 || strcmp(susp, "0") == 0)
			suspend = 0;
		else {
			sim_wsman_fault_invalid_param(rq, out, "Suspend");
			goto done;
		}
	}
	if (name == NULL || (remote == NULL) != (local == NULL)) {
		sim_wsman_fault_invalid_param(rq, out, name == NULL ? "DisplayName" :
		    remote == NULL ? "RemoteUrl" : "LocalFile");
		goto done;
	}
	hr = sim_host_create_job(&rq->site->host, name, remote, local, (int)account,
	    (int)type, suspend, desc, &j);
	if (j == NULL) {
		sim_output_hr(rq, out, "CreateJob", hr);
		goto done;
	}
	sim_output_open(rq, out, "CreateJob");
	strbuf_addf(&out->body, "<p:JobId>%s</p:JobId>", j->job_id);
	sim_output_close(out, "CreateJob", hr);
done:
	free(name);
	free(remote);
	free(local);
	free(desc);
	free(susp);
}

/* GetError: the job's error, or BG_E_ERROR_INFORMATION_UNAVAILABLE. */
static void
sim_invoke_get_error(struct sim_req *rq, struct sim_reply *out, struct sim_job *j)
{
	uint32_t ctx = 0, code = 0, hr;
	const char *cdesc = NULL, *edesc = NULL;

	rq->site->get_errors++;
	hr = sim_host_get_error(j, &ctx, &code, &cdesc, &edesc);
	if (hr != 0) {
		sim_output_hr(rq, out, "GetError", hr);
		return;
	}
	sim_output_open(rq, out, "GetError");
	strbuf_adds(&out->body, "<p:ContextDescription>");
	sim_render_text(&out->body, cdesc);
	strbuf_addf(&out->body, "</p:ContextDescription><p:ErrorCode>%" PRIu32
	    "</p:ErrorCode><p:ErrorContext>%" PRIu32 "</p:ErrorContext><p:ErrorDescription>",
	    code, ctx);
	sim_render_text(&out->body, edesc);
	strbuf_adds(&out->body, "</p:ErrorDescription>");
	sim_output_close(out, "GetError", 0);
}

/* Invoke one of the BitsClientJob methods bitsim implements. */
void
sim_op_invoke(struct sim_req *rq, struct sim_reply *out, const char *method)
{
	static const char *const methods[] = { "CreateJob", "SetJobState", "GetError",
	    "AddFile" };
	size_t m;
	char *root;
	xmlNodePtr in;
	struct sim_job *j = NULL;

	for (m = 0; m < sizeof methods / sizeof methods[0]; m++)
		if (strcmp(method, methods[m]) == 0)
			break;
	if (m == sizeof methods / sizeof methods[0]) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_ACTION, NULL);
		return;
	}
	if (m != 0) {
		j = sim_ops_job(rq, out, "ExecMethod");
		if (j == NULL)
			return;
	} else if (strcmp(rq->resource_uri, SIM_CLASS_URI) != 0) {
		sim_wsman_fault_not_found(rq, out, "ExecMethod", rq->resource_uri);
		return;
	}
	root = xasprintf("%s_INPUT", method);
	in = sim_xml_child(rq->body, SIM_CLASS_URI, root, 0);
	free(root);
	if (in == NULL) {
		sim_wsman_fault_invalid_param(rq, out, "The method input element is missing.");
		return;
	}
	switch (m) {
	case 0:
		sim_invoke_create(rq, out, in);
		break;
	case 1: {
		uint32_t st;
		char *s = sim_param(in, "JobState");

		if (s == NULL || sim_parse_u32(s, &st) != 0 || st > 3) {
			free(s);
			sim_wsman_fault_invalid_param(rq, out, "JobState");
			return;
		}
		free(s);
		sim_output_hr(rq, out, "SetJobState",
		    sim_host_set_state(&rq->site->host, &j, (int)st));
		break;
	}
	case 2:
		sim_invoke_get_error(rq, out, j);
		break;
	default: {
		char *remote = sim_param(in, "RemoteUrl"), *local = sim_param(in, "LocalFile");

		if (remote == NULL || local == NULL)
			sim_wsman_fault_invalid_param(rq, out, remote == NULL ? "remoteUrl" :
			    "localFile");
		else
			sim_output_hr(rq, out, "AddFile",
			    sim_host_add_file(&rq->site->host, j, remote, local));
		free(remote);
		free(local);
		break;
	}
	}
}
