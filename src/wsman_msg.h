/*
 * wsman_msg: SOAP 1.2 / WS-Management request envelopes in the shapes Windows
 * WinRM accepts (doc/protocol.md §3, §5, §6): Get, Put, Enumerate, Pull, Release
 * and Invoke. Builders append to a strbuf; every value is XML-escaped, so any
 * string (URLs with '&', names with quotes, non-ASCII) is safe to pass.
 */
#ifndef BITSTOP_WSMAN_MSG_H
#define BITSTOP_WSMAN_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "src/strbuf.h"

#define WSMAN_NS_SOAP "http://www.w3.org/2003/05/soap-envelope"
#define WSMAN_NS_ADDRESSING "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define WSMAN_NS_TRANSFER "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define WSMAN_NS_ENUMERATION "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define WSMAN_NS_EVENTING "http://schemas.xmlsoap.org/ws/2004/08/eventing"
#define WSMAN_NS_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define WSMAN_NS_MSWSMAN "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define WSMAN_NS_FAULT "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define WSMAN_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define WSMAN_ANONYMOUS "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define WSMAN_DIALECT_WQL "http://schemas.microsoft.com/wbem/wsman/1/WQL"

#define WSMAN_ACTION_GET WSMAN_NS_TRANSFER "/Get"
#define WSMAN_ACTION_PUT WSMAN_NS_TRANSFER "/Put"
#define WSMAN_ACTION_ENUMERATE WSMAN_NS_ENUMERATION "/Enumerate"
#define WSMAN_ACTION_PULL WSMAN_NS_ENUMERATION "/Pull"
#define WSMAN_ACTION_RELEASE WSMAN_NS_ENUMERATION "/Release"

/* The BITS provider's classes (doc/protocol.md §3). */
#define WSMAN_BITS_NAMESPACE_URI "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits"
#define WSMAN_BITS_JOB_URI WSMAN_BITS_NAMESPACE_URI "/BitsClientJob"
#define WSMAN_BITS_FILE_URI WSMAN_BITS_NAMESPACE_URI "/BitsClientFile"

/* "uuid:" + 36 characters + NUL. */
#define WSMAN_UUID_SIZE 42

/* What goes into the SOAP header of every request. */
struct wsman_hdr {
	const char *to;			/* endpoint URL (a:To) */
	const char *resource_uri;	/* w:ResourceURI */
	const char *message_id;		/* a:MessageID, e.g. "uuid:..." */
	const char *session_id;		/* p:SessionId, or NULL to leave it out */
	const char *locale;		/* w:Locale / p:DataLocale xml:lang, or NULL */
	unsigned timeout_ms;		/* w:OperationTimeout; 0 leaves it out */
	unsigned max_envelope;		/* w:MaxEnvelopeSize; 0 leaves it out */
	const char *selector_name;	/* one selector (e.g. "JobId"), or NULL */
	const char *selector_value;
};

/* One in-parameter of a method call: <p:name>value</p:name>. */
struct wsman_param {
	const char *name;
	const char *value;
};

/* Transfer Get with an empty body. */
void wsman_msg_get(struct strbuf *out, const struct wsman_hdr *h);
/* Transfer Put; instance_xml is the complete instance element, already serialized. */
void wsman_msg_put(struct strbuf *out, const struct wsman_hdr *h, const char *instance_xml);
/* Enumerate with OptimizeEnumeration and MaxElements; wql (or NULL) adds a WQL filter. */
void wsman_msg_enumerate(struct strbuf *out, const struct wsman_hdr *h, unsigned max_elements,
    const char *wql);
/* Pull the next batch of an enumeration. */
void wsman_msg_pull(struct strbuf *out, const struct wsman_hdr *h, const char *context,
    unsigned max_elements);
/* Release an enumeration context. */
void wsman_msg_release(struct strbuf *out, const struct wsman_hdr *h, const char *context);
/* Invoke method on the resource: action "<resource_uri>/<method>", body <method>_INPUT. */
void wsman_msg_invoke(struct strbuf *out, const struct wsman_hdr *h, const char *method,
    const struct wsman_param *params, size_t nparams);

/* The BitsClientJob method calls bitstop makes (doc/protocol.md §5). */
/* CreateJob; suspended adds Suspend=true (without it the job's start is the host's default). */
void wsman_msg_bits_create_job(struct strbuf *out, const struct wsman_hdr *h, const char *name,
    const char *remote_url, const char *local_file, unsigned type, bool suspended);
/* AddFile with the documented lower-camel parameter names (remoteUrl, localFile). */
void wsman_msg_bits_add_file(struct strbuf *out, const struct wsman_hdr *h, const char *remote_url,
    const char *local_file);
void wsman_msg_bits_set_job_state(struct strbuf *out, const struct wsman_hdr *h, unsigned state);
void wsman_msg_bits_get_error(struct strbuf *out, const struct wsman_hdr *h, unsigned language_id);

/* Append s as XML character data: & < > " ' escaped, CR kept as &#13;, other C0
 * controls and invalid UTF-8 bytes replaced with '?' (XML 1.0 cannot carry them). */
void wsman_msg_add_text(struct strbuf *out, const char *s);
/* Write "uuid:" + a random version 4 UUID (getrandom) into out[WSMAN_UUID_SIZE]. */
void wsman_msg_uuid(char *out);
/* Format milliseconds as an xs:duration "PT60.000S". */
void wsman_msg_duration(char *out, size_t size, unsigned ms);

#endif
