#include "config.h"

#include "src/wsman_fault.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/bits_hresult.h"
#include "src/strbuf.h"
#include "src/wsman_msg.h"
#include "src/xalloc.h"

/* Conventional prefixes for printing subcodes. */
static const struct {
	const char *ns;
	const char *prefix;
} known_prefixes[] = {
	{ WSMAN_NS_SOAP, "s" },
	{ WSMAN_NS_ADDRESSING, "a" },
	{ WSMAN_NS_WSMAN, "w" },
	{ WSMAN_NS_ENUMERATION, "n" },
	{ WSMAN_NS_TRANSFER, "x" },
	{ WSMAN_NS_EVENTING, "e" },
	{ WSMAN_NS_MSWSMAN, "p" },
};

/* Collapse runs of XML whitespace to one space and trim; takes ownership of s. */
static char *
collapse(char *s)
{
	char *r = s, *w = s;
	bool space = false;

	if (s == NULL)
		return NULL;
	for (; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n') {
			space = w != s;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* Collapsed own text of an element, or NULL when the element is NULL. */
static char *
text_of(xmlNodePtr n)
{
	return n != NULL ? collapse(wsman_parse_xml_text(n)) : NULL;
}

/* Collapsed value of an unqualified attribute, or NULL. */
static char *
attr_of(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = collapse(xstrdup((const char *)v));
	xmlFree(v);
	return s;
}

/* Numeric Code attribute into *code; false when absent or not a number. */
static bool
code_attr(xmlNodePtr n, uint32_t *code)
{
	char *s = attr_of(n, "Code");
	bool ok = s != NULL && wsman_parse_code(s, code) == 0;

	free(s);
	return ok;
}

/* Resolve the QName written as the text of node: namespace URI and local name. */
static void
resolve_qname(xmlNodePtr node, const char *qname, char **ns, char **local)
{
	const char *colon = strchr(qname, ':');
	xmlNsPtr x;

	if (colon != NULL) {
		char *prefix = xstrndup(qname, (size_t)(colon - qname));

		x = xmlSearchNs(node->doc, node, (const xmlChar *)prefix);
		free(prefix);
		*local = xstrdup(colon + 1);
	} else {
		x = xmlSearchNs(node->doc, node, NULL);
		*local = xstrdup(qname);
	}
	*ns = x != NULL && x->href != NULL ? xstrdup((const char *)x->href) : NULL;
}

/* s:Code/s:Value and the first s:Subcode/s:Value. */
static void
read_code(xmlNodePtr fault, struct wsman_fault *f)
{
	xmlNodePtr code = wsman_parse_xml_child(fault, WSMAN_NS_SOAP, "Code");
	xmlNodePtr value = wsman_parse_xml_child(code, WSMAN_NS_SOAP, "Value");
	xmlNodePtr sub = wsman_parse_xml_child(wsman_parse_xml_child(code, WSMAN_NS_SOAP, "Subcode"),
	    WSMAN_NS_SOAP, "Value");
	char *q, *ns = NULL, *local = NULL;

	if (value != NULL) {
		q = wsman_parse_xml_trimmed(value);
		resolve_qname(value, q, &ns, &local);
		if (ns != NULL && strcmp(ns, WSMAN_NS_SOAP) == 0) {
			if (strcmp(local, "Sender") == 0)
				f->soap_code = WSMAN_SOAP_SENDER;
			else if (strcmp(local, "Receiver") == 0)
				f->soap_code = WSMAN_SOAP_RECEIVER;
			else if (strcmp(local, "MustUnderstand") == 0)
				f->soap_code = WSMAN_SOAP_MUST_UNDERSTAND;
			else if (strcmp(local, "VersionMismatch") == 0)
				f->soap_code = WSMAN_SOAP_VERSION_MISMATCH;
			else if (strcmp(local, "DataEncodingUnknown") == 0)
				f->soap_code = WSMAN_SOAP_DATA_ENCODING_UNKNOWN;
		}
		free(q);
		free(ns);
		free(local);
	}
	if (sub != NULL) {
		q = wsman_parse_xml_trimmed(sub);
		if (q[0] != '\0')
			resolve_qname(sub, q, &f->subcode_ns, &f->subcode);
		free(q);
	}
}

/* The fields of a WMI __ExtendedStatus instance (any namespace, by local name). */
static void
read_ext_status(xmlNodePtr st, struct wsman_fault *f)
{
	xmlNodePtr c;

	f->has_ext = true;
	if ((c = wsman_parse_xml_child_any(st, "Description")) != NULL && !wsman_parse_xml_is_nil(c))
		f->ext_description = text_of(c);
	if ((c = wsman_parse_xml_child_any(st, "Operation")) != NULL && !wsman_parse_xml_is_nil(c))
		f->ext_operation = text_of(c);
	if ((c = wsman_parse_xml_child_any(st, "ParameterInfo")) != NULL && !wsman_parse_xml_is_nil(c))
		f->ext_parameter_info = text_of(c);
	if ((c = wsman_parse_xml_child_any(st, "ProviderName")) != NULL && !wsman_parse_xml_is_nil(c))
		f->ext_provider_name = text_of(c);
	if ((c = wsman_parse_xml_child_any(st, "StatusCode")) != NULL && !wsman_parse_xml_is_nil(c)) {
		char *s = wsman_parse_xml_text(c);

		f->has_ext_status = wsman_parse_code(s, &f->ext_status_code) == 0;
		free(s);
	}
}

/* The fields of a CIM MSFT_WmiError instance. */
static void
read_wmi_error(xmlNodePtr e, struct wsman_fault *f)
{
	xmlNodePtr c;

	f->has_wmi_error = true;
	if ((c = wsman_parse_xml_child_any(e, "error_Code")) != NULL && !wsman_parse_xml_is_nil(c)) {
		char *s = wsman_parse_xml_text(c);

		f->has_wmi_code = wsman_parse_code(s, &f->wmi_code) == 0;
		free(s);
	}
	if ((c = wsman_parse_xml_child_any(e, "Message")) != NULL && !wsman_parse_xml_is_nil(c))
		f->wmi_message = text_of(c);
	if ((c = wsman_parse_xml_child_any(e, "MessageID")) != NULL && !wsman_parse_xml_is_nil(c))
		f->wmi_message_id = text_of(c);
	if (f->wmi_message == NULL &&
	    (c = wsman_parse_xml_child_any(e, "error_WindowsErrorMessage")) != NULL && !wsman_parse_xml_is_nil(c))
		f->wmi_message = text_of(c);
}

/* f:ExtendedError: an __ExtendedStatus or an MSFT_WmiError. */
static void
read_extended_error(xmlNodePtr ee, struct wsman_fault *f)
{
	xmlNodePtr c;

	for (c = wsman_parse_xml_first(ee); c != NULL; c = wsman_parse_xml_next(c)) {
		if (strcmp((const char *)c->name, "__ExtendedStatus") == 0 && !f->has_ext)
			read_ext_status(c, f);
		else if (strcmp((const char *)c->name, "MSFT_WmiError") == 0 && !f->has_wmi_error)
			read_wmi_error(c, f);
	}
}

/* f:ProviderFault: attributes, nested WSManFault or text, ExtendedError. */
static void
read_provider_fault(xmlNodePtr pf, struct wsman_fault *f)
{
	xmlNodePtr inner = wsman_parse_xml_child(pf, WSMAN_NS_FAULT, "WSManFault");
	xmlNodePtr ee = wsman_parse_xml_child(pf, WSMAN_NS_FAULT, "ExtendedError");

	f->provider = attr_of(pf, "provider");
	f->provider_path = attr_of(pf, "path");
	if (inner != NULL) {
		f->has_provider_code = code_attr(inner, &f->provider_code);
		f->provider_machine = attr_of(inner, "Machine");
		f->provider_message = text_of(wsman_parse_xml_child(inner, WSMAN_NS_FAULT, "Message"));
	}
	if (f->provider_message == NULL || f->provider_message[0] == '\0') {
		free(f->provider_message);
		f->provider_message = text_of(pf);
	}
	if (ee != NULL)
		read_extended_error(ee, f);
}

/* The outer f:WSManFault. */
static void
read_wsman_fault(xmlNodePtr wf, struct wsman_fault *f)
{
	xmlNodePtr msg = wsman_parse_xml_child(wf, WSMAN_NS_FAULT, "Message");
	xmlNodePtr pf, ee;

	f->has_wsman_code = code_attr(wf, &f->wsman_code);
	f->machine = attr_of(wf, "Machine");
	f->message = text_of(msg);
	pf = wsman_parse_xml_child(msg, WSMAN_NS_FAULT, "ProviderFault");
	if (pf == NULL)
		pf = wsman_parse_xml_child(wf, WSMAN_NS_FAULT, "ProviderFault");
	if (pf != NULL)
		read_provider_fault(pf, f);
	if ((ee = wsman_parse_xml_child(wf, WSMAN_NS_FAULT, "ExtendedError")) != NULL)
		read_extended_error(ee, f);
}

int
wsman_fault_parse(const struct wsman_response *r, struct wsman_fault *f, char **cause)
{
	xmlNodePtr fault = r->body, detail, c, nu;

	memset(f, 0, sizeof(*f));
	if (r->kind != WSMAN_BODY_FAULT || fault == NULL) {
		*cause = xasprintf("expected a SOAP fault, got %s", wsman_body_kind_name(r->kind));
		return -1;
	}
	read_code(fault, f);
	f->reason = text_of(wsman_parse_xml_child(wsman_parse_xml_child(fault, WSMAN_NS_SOAP, "Reason"),
	    WSMAN_NS_SOAP, "Text"));
	detail = wsman_parse_xml_child(fault, WSMAN_NS_SOAP, "Detail");
	for (c = wsman_parse_xml_first(detail); c != NULL; c = wsman_parse_xml_next(c)) {
		if (wsman_parse_xml_is(c, WSMAN_NS_WSMAN, "FaultDetail") && f->fault_detail == NULL)
			f->fault_detail = text_of(c);
		else if (wsman_parse_xml_is(c, WSMAN_NS_FAULT, "WSManFault") && f->machine == NULL &&
		    !f->has_wsman_code)
			read_wsman_fault(c, f);
		else if (strcmp((const char *)c->name, "MSFT_WmiError") == 0 && !f->has_wmi_error)
			read_wmi_error(c, f);
	}
	nu = wsman_parse_xml_child(r->header, WSMAN_NS_SOAP, "NotUnderstood");
	if (nu != NULL) {
		char *q = attr_of(nu, "qname");

		if (q != NULL) {
			char *local = NULL;

			resolve_qname(nu, q, &f->not_understood_ns, &local);
			free(local);
			f->not_understood = q;
		}
	}
	/* The code: WSManFault/@Code, then MSFT_WmiError error_Code (then the subcode). */
	if (f->has_wsman_code) {
		f->has_code = true;
		f->code = f->wsman_code;
	} else if (f->has_wmi_code) {
		f->has_code = true;
		f->code = f->wmi_code;
	}
	return 0;
}

void
wsman_fault_done(struct wsman_fault *f)
{
	if (f == NULL)
		return;
	free(f->subcode_ns);
	free(f->subcode);
	free(f->reason);
	free(f->fault_detail);
	free(f->machine);
	free(f->message);
	free(f->provider);
	free(f->provider_path);
	free(f->provider_machine);
	free(f->provider_message);
	free(f->ext_description);
	free(f->ext_operation);
	free(f->ext_parameter_info);
	free(f->ext_provider_name);
	free(f->wmi_message);
	free(f->wmi_message_id);
	free(f->not_understood);
	free(f->not_understood_ns);
	memset(f, 0, sizeof(*f));
}

bool
wsman_fault_subcode_is(const struct wsman_fault *f, const char *ns, const char *local)
{
	return f->subcode != NULL && f->subcode_ns != NULL && strcmp(f->subcode, local) == 0 &&
	    strcmp(f->subcode_ns, ns) == 0;
}

char *
wsman_fault_qname(const struct wsman_fault *f)
{
	static const char *const soap_names[] = {
		[WSMAN_SOAP_OTHER] = NULL,
		[WSMAN_SOAP_SENDER] = "s:Sender",
		[WSMAN_SOAP_RECEIVER] = "s:Receiver",
		[WSMAN_SOAP_MUST_UNDERSTAND] = "s:MustUnderstand",
		[WSMAN_SOAP_VERSION_MISMATCH] = "s:VersionMismatch",
		[WSMAN_SOAP_DATA_ENCODING_UNKNOWN] = "s:DataEncodingUnknown",
	};
	size_t i;

	if (f->subcode == NULL)
		return xstrdup(soap_names[f->soap_code] != NULL ? soap_names[f->soap_code] : "SOAP fault");
	for (i = 0; f->subcode_ns != NULL && i < sizeof(known_prefixes) / sizeof(known_prefixes[0]); i++)
		if (strcmp(f->subcode_ns, known_prefixes[i].ns) == 0)
			return xasprintf("%s:%s", known_prefixes[i].prefix, f->subcode);
	return xstrdup(f->subcode);
}

/* True for a non-empty string. */
static bool
filled(const char *s)
{
	return s != NULL && s[0] != '\0';
}

const char *
wsman_fault_text(const struct wsman_fault *f)
{
	if (filled(f->provider_message))
		return f->provider_message;
	if (filled(f->message))
		return f->message;
	if (filled(f->wmi_message))
		return f->wmi_message;
	if (filled(f->reason))
		return f->reason;
	return NULL;
}

/* True when the fault's code, provider code or WMI code is one of the n codes. */
static bool
has_any_code(const struct wsman_fault *f, const uint32_t *codes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((f->has_code && f->code == codes[i]) ||
		    (f->has_provider_code && f->provider_code == codes[i]) ||
		    (f->has_wmi_code && f->wmi_code == codes[i]) ||
		    (f->has_ext_status && f->ext_status_code == codes[i]))
			return true;
	}
	return false;
}

bool
wsman_fault_is_not_found(const struct wsman_fault *f)
{
	static const uint32_t codes[] = { BITS_HR_ERROR_WSMAN_RESOURCE_NOT_FOUND,
		BITS_HR_WBEM_E_NOT_FOUND, BITS_HR_BG_E_NOT_FOUND };

	return wsman_fault_subcode_is(f, WSMAN_NS_ADDRESSING, "DestinationUnreachable") ||
	    has_any_code(f, codes, sizeof(codes) / sizeof(codes[0]));
}

bool
wsman_fault_is_access_denied(const struct wsman_fault *f)
{
	static const uint32_t codes[] = { BITS_HR_E_ACCESSDENIED, BITS_HR_ERROR_ACCESS_DENIED,
		BITS_HR_WBEM_E_ACCESS_DENIED, BITS_HR_ERROR_WSMAN_WMI_SVC_ACCESS_DENIED,
		BITS_HR_ERROR_WSMAN_WMI_PROVIDER_ACCESS_DENIED,
		BITS_HR_ERROR_WSMAN_WMI_CANNOT_CONNECT_ACCESS_DENIED };

	return wsman_fault_subcode_is(f, WSMAN_NS_WSMAN, "AccessDenied") ||
	    has_any_code(f, codes, sizeof(codes) / sizeof(codes[0]));
}

bool
wsman_fault_is_timeout(const struct wsman_fault *f)
{
	static const uint32_t codes[] = { BITS_HR_ERROR_WSMAN_OPERATION_TIMEDOUT };

	return wsman_fault_subcode_is(f, WSMAN_NS_WSMAN, "TimedOut") ||
	    has_any_code(f, codes, sizeof(codes) / sizeof(codes[0]));
}

bool
wsman_fault_is_provider_missing(const struct wsman_fault *f)
{
	static const uint32_t codes[] = { BITS_HR_WBEM_E_INVALID_NAMESPACE, BITS_HR_WBEM_E_INVALID_CLASS,
		BITS_HR_WBEM_E_PROVIDER_NOT_FOUND, BITS_HR_WBEM_E_PROVIDER_LOAD_FAILURE };

	return wsman_fault_subcode_is(f, WSMAN_NS_ADDRESSING, "DestinationUnreachable") ||
	    (f->has_code && f->code == BITS_HR_ERROR_WSMAN_RESOURCE_NOT_FOUND) ||
	    has_any_code(f, codes, sizeof(codes) / sizeof(codes[0]));
}

/* "w:InvalidSelectors 0x8033805B ERROR_WSMAN_UNEXPECTED_SELECTORS" into sb. */
static void
add_identity(struct strbuf *sb, const struct wsman_fault *f)
{
	char *q = wsman_fault_qname(f);

	strbuf_adds(sb, q);
	free(q);
	if (f->has_code) {
		const char *name = bits_hresult_name(f->code);

		if (f->code < 0x10000)
			strbuf_addf(sb, " code %u", (unsigned)f->code);
		else
			strbuf_addf(sb, " 0x%08X", (unsigned)f->code);
		if (name != NULL)
			strbuf_addf(sb, " %s", name);
	}
}

/* Strip one trailing full stop so a sentence can be built around the text. */
static char *
sentence_body(const char *text)
{
	size_t n = strlen(text);

	if (n > 0 && text[n - 1] == '.')
		n--;
	return xstrndup(text, n);
}

void
wsman_fault_to_hosterr(const struct wsman_fault *f, enum wsman_fault_ctx ctx, struct hosterr *err)
{
	const char *text = wsman_fault_text(f);
	char *body = text != NULL ? sentence_body(text) : NULL;
	struct strbuf id;
	enum hosterr_kind kind;
	const char *lead;

	strbuf_init(&id);
	add_identity(&id, f);
	if (ctx == WSMAN_FAULT_CTX_CLASS && wsman_fault_is_provider_missing(f)) {
		kind = HOSTERR_PROVIDER_MISSING;
		lead = "the BITS WMI provider is not installed (BITS Compact Server feature)";
	} else if (wsman_fault_is_access_denied(f)) {
		kind = HOSTERR_ACCESS_DENIED;
		lead = "not an administrator";
	} else if (wsman_fault_is_timeout(f)) {
		kind = HOSTERR_TIMEOUT;
		lead = "the server timed out the operation";
	} else {
		kind = HOSTERR_FAULT;
		lead = NULL;
	}
	if (kind == HOSTERR_PROVIDER_MISSING)
		/* The server's text here is the generic "cannot find the resource". */
		hosterr_set(err, kind, "%s (%s)", lead, id.s);
	else if (lead != NULL && body != NULL)
		hosterr_set(err, kind, "%s: %s (%s)", lead, body, id.s);
	else if (lead != NULL)
		hosterr_set(err, kind, "%s (%s)", lead, id.s);
	else if (body != NULL)
		hosterr_set(err, kind, "%s: %s", id.s, body);
	else
		hosterr_set(err, kind, "%s fault without a message", id.s);
	if (f->has_code) {
		err->has_code = true;
		err->code = f->code;
	}
	strbuf_done(&id);
	free(body);
}
