/*
 * sim_wsman_fault: every SOAP fault bitsim sends (HTTP 500), shaped as Windows
 * shapes them, declared once in the catalogue of sim_wsman_fault.c and named
 * here. doc/protocol.md §7 describes the shape.
 */
#ifndef BITSIM_SIM_WSMAN_FAULT_H
#define BITSIM_SIM_WSMAN_FAULT_H

#include <stdint.h>

#include "sim/sim_render.h"

struct sim_req;
struct sim_reply;

/* The faults of the catalogue. */
enum sim_fault_id {
	SIM_FAULT_NOT_FOUND,		/* a:DestinationUnreachable: no such job or class */
	SIM_FAULT_SELECTORS_MISSING,	/* w:InvalidSelectors, InsufficientSelectors */
	SIM_FAULT_SELECTORS_UNEXPECTED,	/* w:InvalidSelectors, UnexpectedSelectors */
	SIM_FAULT_ACTION,		/* a:ActionNotSupported */
	SIM_FAULT_INVALID_PARAMETER,	/* w:InvalidParameter */
	SIM_FAULT_METHOD_FAILED,	/* w:InternalError carrying a BITS HRESULT */
	SIM_FAULT_HEADER_REQUIRED,	/* a:MessageInformationHeaderRequired */
	SIM_FAULT_NO_RESOURCE_URI,	/* a:DestinationUnreachable: no ResourceURI */
	SIM_FAULT_BAD_HEADER,		/* a:InvalidMessageInformationHeader */
	SIM_FAULT_ADDRESSING_MODE,	/* w:UnsupportedFeature: ReplyTo not anonymous */
	SIM_FAULT_ENVELOPE_TOO_SMALL,	/* w:EncodingLimit: MaxEnvelopeSize under 8192 */
	SIM_FAULT_SCHEMA,		/* w:SchemaValidationError: no Header or Body */
	SIM_FAULT_TIMED_OUT,		/* w:TimedOut */
	SIM_FAULT_ACCESS_DENIED,	/* w:InternalError, E_ACCESSDENIED */
	SIM_FAULT_GENERIC_FAILURE,	/* w:InternalError, WBEM_E_FAILED from the provider */
	SIM_FAULT_FILTER,		/* n:CannotProcessFilter */
	SIM_FAULT_DIALECT,		/* n:FilterDialectRequestedUnavailable */
	SIM_FAULT_BAD_CONTEXT,		/* n:InvalidEnumerationContext */
	SIM_FAULT_MAX_OPERATIONS,	/* w:InternalError: too many open enumerations */
	SIM_FAULT_INVALID_REPRESENTATION, /* w:InvalidRepresentation: a Put body */
	SIM_FAULT_MUST_UNDERSTAND,	/* s:MustUnderstand (sim_wsman_fault_must_understand) */
	SIM_FAULT_SHELL_NOT_FOUND,	/* w:InvalidSelectors: no such WinRS shell or command */
	SIM_FAULT_MAX_SHELLS,		/* w:QuotaLimit: MaxShellsPerUser reached */
	SIM_FAULT_COUNT
};

/*
 * Set out to HTTP 500 with fault id. The fields of more that are set (strings
 * not NULL, numbers not 0) replace the catalogue's: the texts and codes that
 * depend on the request. more may be NULL.
 */
void sim_wsman_fault_send(struct sim_req *rq, struct sim_reply *out, enum sim_fault_id id,
    const struct sim_fault *more);
/* The s:MustUnderstand fault naming the header not understood (namespace, prefix, name). */
void sim_wsman_fault_must_understand(struct sim_req *rq, struct sim_reply *out, const char *ns,
    const char *prefix, const char *local);
/* Not found, with the WMI operation and object path of the __ExtendedStatus. */
void sim_wsman_fault_not_found(struct sim_req *rq, struct sim_reply *out,
    const char *operation, const char *param);
/* InvalidParameter naming what was wrong. */
void sim_wsman_fault_invalid_param(struct sim_req *rq, struct sim_reply *out,
    const char *what);
/* A failed BITS method as a WMI provider fault carrying the HRESULT. */
void sim_wsman_fault_hresult(struct sim_req *rq, struct sim_reply *out, uint32_t hr,
    const char *method);

#endif
