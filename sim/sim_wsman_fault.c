/* sim_wsman_fault: the SOAP faults bitsim sends, shaped as Windows shapes them. */
#include "config.h"

#include "sim/sim_wsman_fault.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_wsman.h"
#include "src/xalloc.h"

#define SIM_CODE_NOT_FOUND	2150858752u	/* 0x80338000 */
#define SIM_CODE_BAD_HEADER	2150858767u	/* 0x8033800F */
#define SIM_CODE_HEADER_REQ	2150858769u	/* 0x80338011 */
#define SIM_CODE_ACTION		2150858771u	/* 0x80338013 */
#define SIM_CODE_SCHEMA		2150858817u	/* 0x80338041 */
#define SIM_CODE_UNSUPPORTED	2150858818u	/* 0x80338042 */
#define SIM_CODE_ENCODING_LIMIT	2150858805u	/* 0x80338035 */
#define SIM_CODE_SEL_INSUFF	2150858842u	/* 0x8033805A */
#define SIM_CODE_SEL_UNEXP	2150858843u	/* 0x8033805B */
#define SIM_CODE_TIMEDOUT	2150858793u	/* 0x80338029 */
#define SIM_CODE_INVALID_PARAM	2150858810u	/* 0x8033803A */

static const char sim_reason_not_found[] = "The WS-Management service cannot process the "
    "request. The service cannot find the resource identified by the resource URI and "
    "selectors. ";

/* Set out to HTTP 500 with fault f. */
void
sim_wsman_fault(struct sim_req *rq, struct sim_reply *out, const struct sim_fault *f)
{
	strbuf_reset(&out->body);
	out->status = 500;
	sim_render_fault(&out->body, f, rq->message_id, rq->site->machine);
}

/* Common faults. */
void
sim_wsman_fault_not_found(struct sim_req *rq, struct sim_reply *out,
    const char *operation, const char *param)
{
	struct sim_fault f = {
		.action = SIM_NS_A "/fault", .code = "s:Sender",
		.subcode = "a:DestinationUnreachable", .reason = sim_reason_not_found,
		.detail = SIM_FAULT_DETAIL "InvalidResourceURI",
		.code_value = SIM_CODE_NOT_FOUND, .provider = 1,
		.inner_message = sim_reason_not_found, .ext_operation = operation,
		.ext_param = param, .ext_provider = "BitsClientProv",
	};

	if (param != NULL && strstr(param, "BitsClientJob.JobId") == NULL)
		f.ext_provider = "WinMgmt";
	sim_wsman_fault(rq, out, &f);
}

/* InvalidSelectors: InsufficientSelectors or UnexpectedSelectors. */
void
sim_wsman_fault_selectors(struct sim_req *rq, struct sim_reply *out, int insufficient)
{
	static const char reason[] = "The WS-Management service cannot process the request "
	    "because the request contained invalid selectors for the resource. ";
	struct sim_fault f = {
		.action = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
		.code = "s:Sender", .subcode = "w:InvalidSelectors", .reason = reason,
		.detail = insufficient ? SIM_FAULT_DETAIL "InsufficientSelectors" :
		    SIM_FAULT_DETAIL "UnexpectedSelectors",
		.code_value = insufficient ? SIM_CODE_SEL_INSUFF : SIM_CODE_SEL_UNEXP,
		.provider = 1, .inner_message = reason,
	};

	sim_wsman_fault(rq, out, &f);
}

/* ActionNotSupported for an Action or method we do not serve. */
void
sim_wsman_fault_action(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_fault f = {
		.action = SIM_NS_A "/fault", .code = "s:Sender",
		.subcode = "a:ActionNotSupported",
		.reason = "The WS-Management service does not support the action specified in "
		    "the request. ",
		.code_value = SIM_CODE_ACTION,
	};

	sim_wsman_fault(rq, out, &f);
}

/* InvalidParameter naming what was wrong. */
void
sim_wsman_fault_invalid_param(struct sim_req *rq, struct sim_reply *out, const char *what)
{
	char *msg = xasprintf("The parameter is incorrect. %s", what != NULL ? what : "");
	struct sim_fault f = {
		.action = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
		.code = "s:Sender", .subcode = "w:InvalidParameter",
		.reason = "The parameter is incorrect. ",
		.detail = SIM_FAULT_DETAIL "InvalidValue",
		.code_value = SIM_CODE_INVALID_PARAM, .provider = 1,
		.inner_code = 2147749896u,	/* WBEM_E_INVALID_PARAMETER */
		.inner_message = msg,
	};

	sim_wsman_fault(rq, out, &f);
	free(msg);
}

/* A failed BITS method as a WMI provider fault carrying the HRESULT. */
void
sim_wsman_fault_hresult(struct sim_req *rq, struct sim_reply *out, uint32_t hr,
    const char *method)
{
	char *msg = xasprintf("The method %s failed with error 0x%08" PRIX32 ". ", method, hr);
	char *param = xasprintf("BitsClientJob.%s", method);
	struct sim_fault f = {
		.action = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
		.code = "s:Receiver", .subcode = "w:InternalError", .reason = msg,
		.code_value = hr, .provider = 1, .inner_message = msg,
		.ext_operation = "ExecMethod", .ext_param = param,
		.ext_provider = "BitsClientProv", .ext_status = hr,
	};

	sim_wsman_fault(rq, out, &f);
	free(msg);
	free(param);
}

/* An a:... header fault with its WSManFault code and message. */
void
sim_wsman_fault_header(struct sim_req *rq, struct sim_reply *out, const char *subcode,
    uint32_t code, const char *reason, const char *message)
{
	struct sim_fault f = {
		.action = SIM_NS_A "/fault", .code = "s:Sender", .subcode = subcode,
		.reason = reason, .code_value = code, .message = message,
	};

	sim_wsman_fault(rq, out, &f);
}
