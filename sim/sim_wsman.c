#include "config.h"

#include "sim/sim_wsman.h"
#include "sim/sim_shell.h"
#include "sim/sim_wsman_fault.h"
#include "sim/sim_xml.h"
#include "src/xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>




/* True when the header block (a direct child of s:Header) is one we handle. */
static int
sim_header_known(xmlNodePtr h)
{
	static const struct { const char *ns, *name; } known[] = {
		{ SIM_NS_A, "To" }, { SIM_NS_A, "ReplyTo" }, { SIM_NS_A, "Action" },
		{ SIM_NS_A, "MessageID" }, { SIM_NS_A, "FaultTo" },
		{ SIM_NS_W, "ResourceURI" }, { SIM_NS_W, "MaxEnvelopeSize" },
		{ SIM_NS_W, "OperationTimeout" }, { SIM_NS_W, "Locale" },
		{ SIM_NS_W, "SelectorSet" }, { SIM_NS_W, "OptionSet" },
		{ SIM_NS_P, "DataLocale" }, { SIM_NS_P, "SessionId" },
		{ SIM_NS_P, "OperationID" }, { SIM_NS_P, "SequenceId" },
	};

	if (h->ns == NULL)
		return 0;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp((const char *)h->ns->href, known[i].ns) == 0 &&
		    strcmp((const char *)h->name, known[i].name) == 0)
			return 1;
	return 0;
}

/* mustUnderstand="true", SOAP-qualified or (as python3-winrm sends it) not. */
static int
sim_header_must_understand(xmlNodePtr h)
{
	xmlChar *v = xmlGetNsProp(h, (const xmlChar *)"mustUnderstand", (const xmlChar *)SIM_NS_S);
	int mu;

	if (v == NULL)
		v = xmlGetNoNsProp(h, (const xmlChar *)"mustUnderstand");
	mu = v != NULL && (strcmp((const char *)v, "true") == 0 || strcmp((const char *)v, "1") == 0);
	xmlFree(v);
	return mu;
}

/* Read the selectors of the SelectorSet header. */
static void
sim_read_selectors(struct sim_req *rq, xmlNodePtr set)
{
	for (xmlNodePtr c = set->children; c != NULL; c = c->next) {
		xmlChar *name;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Selector") != 0)
			continue;
		if (rq->nsel == SIM_MAX_SELECTORS) {
			rq->bad_selectors = 1;
			return;
		}
		name = xmlGetNoNsProp(c, (const xmlChar *)"Name");
		rq->sel[rq->nsel].name = xstrdup(name != NULL ? (const char *)name : "");
		rq->sel[rq->nsel].value = sim_xml_trimmed(c);
		rq->nsel++;
		xmlFree(name);
	}
}

/* A header we do not know marked mustUnderstand: the MustUnderstand fault, -1. */
static int
sim_check_must_understand(struct sim_req *rq, struct sim_reply *out)
{
	for (xmlNodePtr h = rq->header->children; h != NULL; h = h->next) {
		if (h->type != XML_ELEMENT_NODE)
			continue;
		if (!sim_header_known(h) && sim_header_must_understand(h)) {
			sim_wsman_fault_must_understand(rq, out,
			    h->ns != NULL ? (const char *)h->ns->href : NULL,
			    h->ns != NULL ? (const char *)h->ns->prefix : NULL,
			    (const char *)h->name);
			return -1;
		}
	}
	return 0;
}

/* The addressing headers: Action, MessageID, To, an anonymous ReplyTo, a ResourceURI. */
static int
sim_check_addressing(struct sim_req *rq, struct sim_reply *out)
{
	xmlNodePtr n, addr;
	char *s;
	int anonymous;

	if (rq->action == NULL || *rq->action == '\0' || rq->message_id == NULL ||
	    *rq->message_id == '\0' || sim_xml_child(rq->header, SIM_NS_A, "To", 0) == NULL) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_HEADER_REQUIRED, NULL);
		return -1;
	}
	n = sim_xml_child(rq->header, SIM_NS_A, "ReplyTo", 0);
	addr = sim_xml_child(n, SIM_NS_A, "Address", 0);
	if (addr == NULL) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_HEADER_REQUIRED, NULL);
		return -1;
	}
	s = sim_xml_trimmed(addr);
	anonymous = strcmp(s, SIM_ANON) == 0;
	free(s);
	if (!anonymous) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_ADDRESSING_MODE, NULL);
		return -1;
	}
	if (rq->resource_uri == NULL || *rq->resource_uri == '\0') {
		sim_wsman_fault_send(rq, out, SIM_FAULT_NO_RESOURCE_URI, NULL);
		return -1;
	}
	return 0;
}

/* OperationTimeout: an xs:duration, capped by the server's maximum. */
static int
sim_check_timeout(struct sim_req *rq, struct sim_reply *out)
{
	xmlNodePtr n = sim_xml_child(rq->header, SIM_NS_W, "OperationTimeout", 0);
	double t;
	char *s;

	if (n == NULL)
		return 0;
	s = sim_xml_trimmed(n);
	if (sim_xml_duration(s, &t) != 0) {
		struct sim_fault more = { .message = xasprintf("The WS-Management service cannot "
		    "process the request. The XML contains an invalid timeout field in the SOAP "
		    "header: %s. ", s) };

		sim_wsman_fault_send(rq, out, SIM_FAULT_BAD_HEADER, &more);
		free((char *)more.message);
		free(s);
		return -1;
	}
	free(s);
	rq->timeout = t;
	if (rq->timeout * 1000 > rq->srv->cfg.max_timeout_ms)
		rq->timeout = rq->srv->cfg.max_timeout_ms / 1000.0;
	return 0;
}

/* MaxEnvelopeSize: at least 8192, no smaller than the request; it caps the answer. */
static int
sim_check_envelope(struct sim_req *rq, struct sim_reply *out)
{
	xmlNodePtr n = sim_xml_child(rq->header, SIM_NS_W, "MaxEnvelopeSize", 0);
	unsigned long long v;
	char *s, *end;
	int ok;

	if (n == NULL)
		return 0;
	s = sim_xml_trimmed(n);
	v = strtoull(s, &end, 10);
	ok = *s != '\0' && *end == '\0' && v >= 8192;
	free(s);
	if (!ok) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_ENVELOPE_TOO_SMALL, NULL);
		return -1;
	}
	if (rq->req_len > v) {
		/* the request itself is over the size it allows */
		strbuf_reset(&out->body);
		out->status = 413;
		return -1;
	}
	if (v < rq->max_envelope)
		rq->max_envelope = (size_t)v;
	return 0;
}

/* Check the headers as Windows does, in its order; 0 when the request may proceed. */
static int
sim_check_headers(struct sim_req *rq, struct sim_reply *out)
{
	xmlNodePtr set;

	if (sim_check_must_understand(rq, out) != 0 || sim_check_addressing(rq, out) != 0 ||
	    sim_check_timeout(rq, out) != 0 || sim_check_envelope(rq, out) != 0)
		return -1;
	set = sim_xml_child(rq->header, SIM_NS_W, "SelectorSet", 0);
	if (set != NULL)
		sim_read_selectors(rq, set);
	return 0;
}

/* Faults that stand in for the whole operation (injected by the control). */
static int
sim_injected(struct sim_req *rq, struct sim_reply *out, enum sim_fault_kind inject)
{
	switch (inject) {
	case SIM_FK_TIMEOUT: {
		unsigned ms = rq->site->fault.ms;

		sim_wsman_fault_send(rq, out, SIM_FAULT_TIMED_OUT, NULL);
		out->delay_ms = ms != 0 ? ms : (unsigned)(rq->timeout * 1000);
		return 1;
	}
	case SIM_FK_DENIED:
		sim_wsman_fault_send(rq, out, SIM_FAULT_ACCESS_DENIED, NULL);
		return 1;
	case SIM_FK_500:
		sim_wsman_fault_send(rq, out, SIM_FAULT_GENERIC_FAILURE, NULL);
		return 1;
	case SIM_FK_NOPROVIDER:
		if (strncmp(rq->resource_uri, SIM_BITS_NS "/", sizeof SIM_BITS_NS) == 0) {
			sim_wsman_fault_not_found(rq, out, "GetObject",
			    rq->resource_uri + sizeof SIM_BITS_NS);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Route a checked request by its Action. */
static void
sim_route(struct sim_req *rq, struct sim_reply *out)
{
	const char *a = rq->action;

	if (strcmp(rq->resource_uri, SIM_SHELL_URI) == 0)
		sim_shell_handle(rq, out);
	else if (strcmp(a, SIM_ACT_ENUM "Enumerate") == 0)
		sim_op_enumerate(rq, out);
	else if (strcmp(a, SIM_ACT_ENUM "Pull") == 0)
		sim_op_pull(rq, out);
	else if (strcmp(a, SIM_ACT_ENUM "Release") == 0)
		sim_op_release(rq, out);
	else if (strcmp(a, SIM_ACT_XFER "Get") == 0)
		sim_op_get(rq, out);
	else if (strcmp(a, SIM_ACT_XFER "Put") == 0)
		sim_op_put(rq, out);
	else if (strncmp(a, SIM_CLASS_URI "/", sizeof SIM_CLASS_URI) == 0 &&
	    strchr(a + sizeof SIM_CLASS_URI, '/') == NULL)
		sim_op_invoke(rq, out, a + sizeof SIM_CLASS_URI);
	else
		sim_wsman_fault_send(rq, out, SIM_FAULT_ACTION, NULL);
}

/* Text of a header (owned, trimmed), or NULL when absent. */
static char *
sim_header_text(xmlNodePtr header, const char *ns, const char *name)
{
	xmlNodePtr n = sim_xml_child(header, ns, name, 0);

	return n != NULL ? sim_xml_trimmed(n) : NULL;
}

/* Handle one POSTed envelope; inject is the fault chosen for this request. */
void
sim_wsman_handle(struct sim_server *srv, struct sim_site *site, const char *user,
    const char *data, size_t len, const char *encoding, enum sim_fault_kind inject,
    struct sim_reply *out)
{
	struct sim_req rq = {
		.srv = srv, .site = site, .user = user,
		.max_envelope = srv->cfg.max_envelope, .timeout = 60, .req_len = len,
	};
	xmlNodePtr root;

	out->status = 200;
	out->delay_ms = 0;
	strbuf_reset(&out->body);
	if (rq.timeout * 1000 > srv->cfg.max_timeout_ms)
		rq.timeout = srv->cfg.max_timeout_ms / 1000.0;
	rq.doc = xmlReadMemory(data, (int)len, "request.xml", encoding,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = rq.doc != NULL ? xmlDocGetRootElement(rq.doc) : NULL;
	if (root != NULL && root->ns != NULL &&
	    strcmp((const char *)root->ns->href, SIM_NS_S) == 0 &&
	    strcmp((const char *)root->name, "Envelope") == 0) {
		rq.header = sim_xml_child(root, SIM_NS_S, "Header", 0);
		rq.body = sim_xml_child(root, SIM_NS_S, "Body", 0);
	}
	if (rq.header != NULL) {
		rq.action = sim_header_text(rq.header, SIM_NS_A, "Action");
		rq.message_id = sim_header_text(rq.header, SIM_NS_A, "MessageID");
		rq.resource_uri = sim_header_text(rq.header, SIM_NS_W, "ResourceURI");
	}
	if (rq.header == NULL || rq.body == NULL) {
		sim_wsman_fault_send(&rq, out, SIM_FAULT_SCHEMA, NULL);
	} else if (sim_check_headers(&rq, out) == 0 && !sim_injected(&rq, out,
	    site->client && inject == SIM_FK_NONE ? SIM_FK_NOPROVIDER : inject)) {
		if (rq.bad_selectors)
			sim_wsman_fault_send(&rq, out, SIM_FAULT_SELECTORS_UNEXPECTED, NULL);
		else
			sim_route(&rq, out);
	}
	for (int i = 0; i < rq.nsel; i++) {
		free(rq.sel[i].name);
		free(rq.sel[i].value);
	}
	free(rq.action);
	free(rq.message_id);
	free(rq.resource_uri);
	xmlFreeDoc(rq.doc);
}
