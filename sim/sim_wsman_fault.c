/* sim_wsman_fault: the catalogue of SOAP faults bitsim sends, and sending them. */
#include "config.h"

#include "sim/sim_wsman_fault.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_wsman.h"
#include "src/bits_hresult.h"
#include "src/xalloc.h"

/* The three fault actions: WS-Management's, WS-Addressing's, WS-Enumeration's. */
#define SIM_FAULT_ACT_W	"http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
#define SIM_FAULT_ACT_A	SIM_NS_A "/fault"
#define SIM_FAULT_ACT_N	SIM_NS_N "/fault"

/* WinRM codes that src/bits_hresult.h does not name. */
#define SIM_CODE_HEADER_REQ	2150858769u	/* 0x80338011, a required header is missing */
#define SIM_CODE_DIALECT	2150858777u	/* 0x80338019, the filter dialect is not supported */

static const char sim_reason_not_found[] = "The WS-Management service cannot process the "
    "request. The service cannot find the resource identified by the resource URI and "
    "selectors. ";
static const char sim_reason_selectors[] = "The WS-Management service cannot process the "
    "request because the request contained invalid selectors for the resource. ";
static const char sim_reason_missing[] = "The WS-Management service cannot process the "
    "request. The request does not have all the expected SOAP headers. ";

/*
 * Every fault, once: what Windows sends for it. The texts and codes that depend
 * on the request (a method's HRESULT, the query, the bad header) are added by
 * the caller of sim_wsman_fault_send.
 */
static const struct sim_fault sim_faults[SIM_FAULT_COUNT] = {
	[SIM_FAULT_NOT_FOUND] = {
		.action = SIM_FAULT_ACT_A, .code = "s:Sender",
		.subcode = "a:DestinationUnreachable", .reason = sim_reason_not_found,
		.detail = SIM_FAULT_DETAIL "InvalidResourceURI",
		.code_value = BITS_HR_ERROR_WSMAN_RESOURCE_NOT_FOUND, .provider = 1,
		.inner_message = sim_reason_not_found, .ext_provider = "BitsClientProv",
	},
	[SIM_FAULT_SELECTORS_MISSING] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:InvalidSelectors",
		.reason = sim_reason_selectors, .detail = SIM_FAULT_DETAIL "InsufficientSelectors",
		.code_value = BITS_HR_ERROR_WSMAN_INSUFFCIENT_SELECTORS, .provider = 1,
		.inner_message = sim_reason_selectors,
	},
	[SIM_FAULT_SELECTORS_UNEXPECTED] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:InvalidSelectors",
		.reason = sim_reason_selectors, .detail = SIM_FAULT_DETAIL "UnexpectedSelectors",
		.code_value = BITS_HR_ERROR_WSMAN_UNEXPECTED_SELECTORS, .provider = 1,
		.inner_message = sim_reason_selectors,
	},
	[SIM_FAULT_ACTION] = {
		.action = SIM_FAULT_ACT_A, .code = "s:Sender", .subcode = "a:ActionNotSupported",
		.reason = "The WS-Management service does not support the action specified in "
		    "the request. ",
		.code_value = BITS_HR_ERROR_WSMAN_ACTION_NOT_SUPPORTED,
	},
	[SIM_FAULT_INVALID_PARAMETER] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:InvalidParameter",
		.reason = "The parameter is incorrect. ", .detail = SIM_FAULT_DETAIL "InvalidValue",
		.code_value = BITS_HR_ERROR_WSMAN_INVALID_PARAMETER, .provider = 1,
		.inner_code = BITS_HR_WBEM_E_INVALID_PARAMETER,
	},
	[SIM_FAULT_METHOD_FAILED] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Receiver", .subcode = "w:InternalError",
		.provider = 1, .ext_operation = "ExecMethod", .ext_provider = "BitsClientProv",
	},
	[SIM_FAULT_HEADER_REQUIRED] = {
		.action = SIM_FAULT_ACT_A, .code = "s:Sender",
		.subcode = "a:MessageInformationHeaderRequired", .reason = sim_reason_missing,
		.code_value = SIM_CODE_HEADER_REQ, .message = sim_reason_missing,
	},
	[SIM_FAULT_NO_RESOURCE_URI] = {
		.action = SIM_FAULT_ACT_A, .code = "s:Sender",
		.subcode = "a:DestinationUnreachable",
		.reason = "The WS-Management service cannot process the request because the "
		    "resource URI is missing or it has an incorrect format. ",
		.code_value = BITS_HR_ERROR_WSMAN_RESOURCE_NOT_FOUND,
	},
	[SIM_FAULT_BAD_HEADER] = {
		.action = SIM_FAULT_ACT_A, .code = "s:Sender",
		.subcode = "a:InvalidMessageInformationHeader",
		.reason = "The WS-Management service cannot process the request. The request "
		    "contains one or more invalid SOAP headers. ",
		.code_value = BITS_HR_ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER,
	},
	[SIM_FAULT_ADDRESSING_MODE] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:UnsupportedFeature",
		.reason = "The WS-Management service does not support the specified feature. ",
		.detail = SIM_FAULT_DETAIL "AddressingMode",
		.code_value = BITS_HR_ERROR_WSMAN_UNSUPPORTED_FEATURE,
	},
	[SIM_FAULT_ENVELOPE_TOO_SMALL] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:EncodingLimit",
		.reason = "The WS-Management service cannot process the request because the "
		    "envelope size in the request is too small. ",
		.detail = SIM_FAULT_DETAIL "MinimumEnvelopeLimit",
		.code_value = BITS_HR_ERROR_WSMAN_ENCODING_LIMIT,
	},
	[SIM_FAULT_SCHEMA] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:SchemaValidationError",
		.reason = "The SOAP XML in the message does not match the corresponding XML "
		    "schema definition. Change the XML and retry. ",
		.reason_lang = "", .code_value = BITS_HR_ERROR_WSMAN_SCHEMA_VALIDATION_ERROR,
	},
	[SIM_FAULT_TIMED_OUT] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Receiver", .subcode = "w:TimedOut",
		.reason = "The WS-Management service cannot complete the operation within the "
		    "time specified in OperationTimeout.  ",
		.code_value = BITS_HR_ERROR_WSMAN_OPERATION_TIMEDOUT,
	},
	[SIM_FAULT_ACCESS_DENIED] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Receiver", .subcode = "w:InternalError",
		.reason = "Access is denied. ", .code_value = BITS_HR_E_ACCESSDENIED,
	},
	[SIM_FAULT_GENERIC_FAILURE] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Receiver", .subcode = "w:InternalError",
		.reason = "Generic failure ", .code_value = BITS_HR_WBEM_E_FAILED,
		.provider = 1, .inner_message = "Generic failure ",
		.ext_operation = "ExecQuery", .ext_param = "BitsClientJob",
		.ext_provider = "BitsClientProv", .ext_status = BITS_HR_WBEM_E_FAILED,
	},
	[SIM_FAULT_FILTER] = {
		.action = SIM_FAULT_ACT_N, .code = "s:Sender", .subcode = "n:CannotProcessFilter",
		.reason = "The data source could not process the filter. The filter might be "
		    "missing or it might be invalid. Change the filter and try the request "
		    "again.  ",
		.code_value = BITS_HR_ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER, .provider = 1,
		.ext_operation = "ExecQuery", .ext_provider = "WinMgmt",
	},
	[SIM_FAULT_DIALECT] = {
		.action = SIM_FAULT_ACT_N, .code = "s:Sender",
		.subcode = "n:FilterDialectRequestedUnavailable",
		.reason = "The filter dialect (the type associated with the filter) was not "
		    "supported for this resource. ",
		.code_value = SIM_CODE_DIALECT,
	},
	[SIM_FAULT_BAD_CONTEXT] = {
		.action = SIM_FAULT_ACT_N, .code = "s:Receiver",
		.subcode = "n:InvalidEnumerationContext",
		.reason = "The WS-Enumeration context in the enumeration is not valid. "
		    "Enumeration may have been completed or canceled. You cannot use this "
		    "enumeration context anymore. Start a new enumeration. ",
		.code_value = BITS_HR_ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT,
	},
	[SIM_FAULT_MAX_OPERATIONS] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Receiver", .subcode = "w:InternalError",
		.reason = "The WS-Management service cannot process the request. The maximum "
		    "number of concurrent operations for this user has been exceeded. Close "
		    "existing operations for this user, or raise the quota for this user. ",
		.code_value = BITS_HR_ERROR_WSMAN_QUOTA_MAX_OPERATIONS,
	},
	[SIM_FAULT_INVALID_REPRESENTATION] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:InvalidRepresentation",
		.reason = "The WS-Management service cannot identify the format of the object "
		    "passed to a Put or Create method. The input XML may not be appropriate for "
		    "the resource or uses the wrong schema for the resource. Change the input "
		    "XML in the request. ",
		.detail = SIM_FAULT_DETAIL "InvalidValues",
		.code_value = BITS_HR_ERROR_WSMAN_INVALID_REPRESENTATION,
	},
	[SIM_FAULT_MUST_UNDERSTAND] = {
		.action = SIM_FAULT_ACT_A, .code = "s:MustUnderstand",
		.reason = "The WS-Management service cannot process a SOAP header in the request "
		    "that is marked as mustUnderstand by the client.  This could be caused by the "
		    "use of a version of the protocol which is not supported, or may be an "
		    "incompatibility  between the client and server implementations. ",
		.reason_lang = "",
	},
	/* WinRS: the f:Message names the shell or command (set by the caller). */
	[SIM_FAULT_SHELL_NOT_FOUND] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:InvalidSelectors",
		.reason = sim_reason_selectors, .detail = SIM_FAULT_DETAIL "UnexpectedSelectors",
		.code_value = BITS_HR_ERROR_WSMAN_UNEXPECTED_SELECTORS,
	},
	[SIM_FAULT_MAX_SHELLS] = {
		.action = SIM_FAULT_ACT_W, .code = "s:Sender", .subcode = "w:QuotaLimit",
		.reason = "The WS-Management service cannot process the request. The maximum "
		    "number of concurrent shells for this user has been exceeded. Close existing "
		    "shells or raise the quota for this user. ",
		.code_value = BITS_HR_ERROR_WSMAN_QUOTA_MAX_SHELLS,
	},
};

_Static_assert(sizeof sim_faults / sizeof sim_faults[0] == SIM_FAULT_COUNT,
    "one catalogue entry per fault");

/* Catalogue entry id, with what more sets (strings not NULL, numbers not 0) put over it. */
static struct sim_fault
sim_wsman_fault_make(enum sim_fault_id id, const struct sim_fault *more)
{
	struct sim_fault f = sim_faults[id];

	if (more == NULL)
		return f;
#define SIM_FAULT_OVER(field) do { if (more->field) f.field = more->field; } while (0)
	SIM_FAULT_OVER(reason);
	SIM_FAULT_OVER(detail);
	SIM_FAULT_OVER(code_value);
	SIM_FAULT_OVER(message);
	SIM_FAULT_OVER(inner_code);
	SIM_FAULT_OVER(inner_message);
	SIM_FAULT_OVER(ext_operation);
	SIM_FAULT_OVER(ext_param);
	SIM_FAULT_OVER(ext_provider);
	SIM_FAULT_OVER(ext_status);
#undef SIM_FAULT_OVER
	return f;
}

void
sim_wsman_fault_send(struct sim_req *rq, struct sim_reply *out, enum sim_fault_id id,
    const struct sim_fault *more)
{
	struct sim_fault f = sim_wsman_fault_make(id, more);

	strbuf_reset(&out->body);
	out->status = 500;
	sim_render_fault(&out->body, &f, rq->message_id, rq->site->machine);
}

void
sim_wsman_fault_must_understand(struct sim_req *rq, struct sim_reply *out, const char *ns,
    const char *prefix, const char *local)
{
	strbuf_reset(&out->body);
	out->status = 500;
	sim_render_must_understand(&out->body, &sim_faults[SIM_FAULT_MUST_UNDERSTAND], ns,
	    prefix, local, rq->message_id);
}

void
sim_wsman_fault_not_found(struct sim_req *rq, struct sim_reply *out,
    const char *operation, const char *param)
{
	struct sim_fault more = { .ext_operation = operation, .ext_param = param };

	if (param != NULL && strstr(param, "BitsClientJob.JobId") == NULL)
		more.ext_provider = "WinMgmt";
	sim_wsman_fault_send(rq, out, SIM_FAULT_NOT_FOUND, &more);
}

void
sim_wsman_fault_invalid_param(struct sim_req *rq, struct sim_reply *out, const char *what)
{
	char *msg = xasprintf("The parameter is incorrect. %s", what != NULL ? what : "");
	struct sim_fault more = { .inner_message = msg };

	sim_wsman_fault_send(rq, out, SIM_FAULT_INVALID_PARAMETER, &more);
	free(msg);
}

void
sim_wsman_fault_hresult(struct sim_req *rq, struct sim_reply *out, uint32_t hr,
    const char *method)
{
	char *msg = xasprintf("The method %s failed with error 0x%08" PRIX32 ". ", method, hr);
	char *param = xasprintf("BitsClientJob.%s", method);
	struct sim_fault more = {
		.reason = msg, .code_value = hr, .inner_message = msg, .ext_param = param,
		.ext_status = hr,
	};

	sim_wsman_fault_send(rq, out, SIM_FAULT_METHOD_FAILED, &more);
	free(msg);
	free(param);
}
