/*
 * wsman_fault: SOAP faults from Windows WinRM decoded into one struct, whatever
 * the shape (doc/protocol.md §7; every tests/fixtures/real/fault-*.xml):
 * plain WSManFault, FaultDetail, ProviderFault with text or a nested WSManFault
 * and __ExtendedStatus, MSFT_WmiError as the whole Detail, MustUnderstand with a
 * NotUnderstood header; and the mapping of a fault to a struct hosterr.
 */
#ifndef BITSTOP_WSMAN_FAULT_H
#define BITSTOP_WSMAN_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "src/hosterr.h"
#include "src/wsman_parse.h"

enum wsman_soap_code {
	WSMAN_SOAP_OTHER = 0,		/* missing or not a SOAP 1.2 code */
	WSMAN_SOAP_SENDER,
	WSMAN_SOAP_RECEIVER,
	WSMAN_SOAP_MUST_UNDERSTAND,
	WSMAN_SOAP_VERSION_MISMATCH,
	WSMAN_SOAP_DATA_ENCODING_UNKNOWN
};

/* Every string is owned, whitespace-collapsed and trimmed; NULL when absent. */
struct wsman_fault {
	enum wsman_soap_code soap_code;
	char	*subcode_ns;		/* namespace URI the subcode QName's prefix is bound to */
	char	*subcode;		/* local name: "TimedOut", "DestinationUnreachable" */
	char	*reason;		/* s:Reason/s:Text (may be "") */
	char	*fault_detail;		/* w:FaultDetail URI */
	bool	 has_wsman_code;
	uint32_t wsman_code;		/* outer f:WSManFault/@Code */
	char	*machine;		/* outer f:WSManFault/@Machine */
	char	*message;		/* outer f:Message's own text */
	char	*provider;		/* f:ProviderFault/@provider */
	char	*provider_path;		/* f:ProviderFault/@path */
	bool	 has_provider_code;
	uint32_t provider_code;		/* nested f:WSManFault/@Code */
	char	*provider_machine;	/* nested f:WSManFault/@Machine */
	char	*provider_message;	/* nested f:Message text, or the ProviderFault's own text */
	bool	 has_ext;		/* a WMI __ExtendedStatus was present */
	char	*ext_description;
	char	*ext_operation;		/* "GetObject", "ExecQuery", "ExecMethod" */
	char	*ext_parameter_info;
	char	*ext_provider_name;	/* "CIMWin32", "WinMgmt", "BitsClientProv" */
	bool	 has_ext_status;
	uint32_t ext_status_code;
	bool	 has_wmi_error;		/* an MSFT_WmiError was present */
	bool	 has_wmi_code;
	uint32_t wmi_code;		/* MSFT_WmiError error_Code */
	char	*wmi_message;		/* MSFT_WmiError Message */
	char	*wmi_message_id;	/* MSFT_WmiError MessageID ("HRESULT 0x803381a5") */
	char	*not_understood;	/* s:NotUnderstood/@qname as written */
	char	*not_understood_ns;	/* its prefix's namespace URI */
	bool	 has_code;		/* the fault's code: WSManFault Code, else MSFT_WmiError error_Code */
	uint32_t code;
};

/* Where a fault arrived, for the mapping to struct hosterr. */
enum wsman_fault_ctx {
	WSMAN_FAULT_CTX_CLASS = 0,	/* the request named the class (Enumerate, CreateJob) */
	WSMAN_FAULT_CTX_INSTANCE	/* the request named one job (Get, Put, instance methods) */
};

/* Decode the fault of a parsed response (r->kind must be WSMAN_BODY_FAULT). */
int wsman_fault_parse(const struct wsman_response *r, struct wsman_fault *f, char **cause);
void wsman_fault_done(struct wsman_fault *f);

/* True when the subcode is (ns, local). */
bool wsman_fault_subcode_is(const struct wsman_fault *f, const char *ns, const char *local);
/* The subcode as "w:TimedOut" with the conventional prefix of its namespace, malloc'd;
 * the SOAP code ("s:MustUnderstand") when there is no subcode. */
char *wsman_fault_qname(const struct wsman_fault *f);
/* The most specific human text the server gave (provider, WSManFault, WMI error,
 * reason), or NULL when there is none. */
const char *wsman_fault_text(const struct wsman_fault *f);

/* Classifications used by the operations. */
bool wsman_fault_is_not_found(const struct wsman_fault *f);
bool wsman_fault_is_access_denied(const struct wsman_fault *f);
bool wsman_fault_is_timeout(const struct wsman_fault *f);
bool wsman_fault_is_provider_missing(const struct wsman_fault *f);

/* Map a fault to an error kind and one human sentence holding the server's text. */
void wsman_fault_to_hosterr(const struct wsman_fault *f, enum wsman_fault_ctx ctx,
    struct hosterr *err);

#endif
