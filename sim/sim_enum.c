#include "config.h"

#include "sim/sim_wsman.h"
#include "sim/sim_clock.h"
#include "src/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIM_WQL_DIALECT		"http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define SIM_TAIL_RESERVE	128		/* closing tags after the items */
#define SIM_CTX_OVERHEAD	128		/* response element and context */

enum sim_enum_mode { SIM_MODE_OBJECT, SIM_MODE_EPR, SIM_MODE_OBJECT_EPR };

/* A parsed "SELECT * FROM BitsClientJob [WHERE prop = value]". */
struct sim_wql {
	char	 cls[64];
	char	 prop[32];
	char	 value[64];
	int	 star;
};

/* Free one enumeration. */
static void
sim_enum_free(struct sim_enum *e)
{
	for (size_t i = 0; i < e->nitems; i++)
		free(e->items[i]);
	free(e->items);
	free(e->user);
	free(e);
}

/* Free a site's enumerations: the expired ones, or all of them. */
void
sim_enum_sweep(struct sim_site *site, double now, int expired_only)
{
	struct sim_enum **pp = &site->enums;

	while (*pp != NULL) {
		struct sim_enum *e = *pp;

		if (!expired_only || e->expires <= now) {
			*pp = e->next;
			sim_enum_free(e);
		} else
			pp = &e->next;
	}
}

/* Copy the next word of s (letters, digits, _, *, {}-) into out; returns the rest. */
static const char *
sim_wql_word(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\'' || *s == '"') {
		char q = *s++;

		while (*s != '\0' && *s != q) {
			if (n + 1 < size)
				out[n++] = *s;
			s++;
		}
		if (*s == q)
			s++;
	} else if (*s == '=' || *s == ',') {
		out[n++] = *s++;
	} else {
		while (*s != '\0' && !isspace((unsigned char)*s) && *s != '=' && *s != ',') {
			if (n + 1 < size)
				out[n++] = *s;
			s++;
		}
	}
	out[n] = '\0';
	return s;
}

/* Parse the small WQL subset we serve; -1 when it is not a query at all. */
static int
sim_wql_parse(const char *q, struct sim_wql *w)
{
	char tok[128];

	memset(w, 0, sizeof *w);
	q = sim_wql_word(q, tok, sizeof tok);
	if (strcasecmp(tok, "select") != 0)
		return -1;
	q = sim_wql_word(q, tok, sizeof tok);
	w->star = strcmp(tok, "*") == 0;
	while (strcasecmp(tok, "from") != 0) {
		if (tok[0] == '\0')
			return -1;
		q = sim_wql_word(q, tok, sizeof tok);
	}
	q = sim_wql_word(q, w->cls, sizeof w->cls);
	if (w->cls[0] == '\0')
		return -1;
	q = sim_wql_word(q, tok, sizeof tok);
	if (tok[0] == '\0')
		return 0;
	if (strcasecmp(tok, "where") != 0)
		return -1;
	q = sim_wql_word(q, w->prop, sizeof w->prop);
	q = sim_wql_word(q, tok, sizeof tok);
	if (strcmp(tok, "=") != 0)
		return -1;
	q = sim_wql_word(q, w->value, sizeof w->value);
	q = sim_wql_word(q, tok, sizeof tok);
	return tok[0] == '\0' && w->prop[0] != '\0' ? 0 : -1;
}

/* True when job j passes the WHERE clause of w. */
static int
sim_wql_match(const struct sim_wql *w, const struct sim_job *j)
{
	if (w->prop[0] == '\0')
		return 1;
	if (strcasecmp(w->prop, "JobId") == 0)
		return strcasecmp(w->value, j->job_id) == 0;
	if (strcasecmp(w->prop, "State") == 0)
		return atoi(w->value) == (int)j->state;
	if (strcasecmp(w->prop, "Priority") == 0)
		return atoi(w->value) == (int)j->priority;
	if (strcasecmp(w->prop, "DisplayName") == 0)
		return strcmp(w->value, j->display_name) == 0;
	return 0;
}

/* A CannotProcessFilter fault with the WMI provider's explanation. */
static void
sim_fault_filter(struct sim_req *rq, struct sim_reply *out, const char *inner,
    const char *query)
{
	struct sim_fault more = { .inner_message = inner, .ext_param = query };

	sim_wsman_fault_send(rq, out, SIM_FAULT_FILTER, &more);
}

/* The w:InternalError fault for too many open enumerations. */
static void
sim_fault_max_ops(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_fault more = { .message = xasprintf("The WS-Management service cannot "
	    "process the request. This user is allowed a maximum number of %u concurrent "
	    "operations, which has been exceeded. Close existing operations for this user, or "
	    "raise the quota for this user. ", rq->srv->cfg.max_enum_per_user) };

	sim_wsman_fault_send(rq, out, SIM_FAULT_MAX_OPERATIONS, &more);
	free((char *)more.message);
}

/* Render the item for job j in the requested enumeration mode (owned). */
static char *
sim_enum_item(const struct sim_job *j, enum sim_enum_mode mode)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (mode == SIM_MODE_OBJECT_EPR)
		strbuf_adds(&sb, "<w:Item>");
	if (mode != SIM_MODE_EPR)
		sim_render_job(&sb, j);
	if (mode != SIM_MODE_OBJECT) {
		strbuf_adds(&sb, "<a:EndpointReference><a:Address>" SIM_ANON "</a:Address>"
		    "<a:ReferenceParameters><w:ResourceURI>" SIM_CLASS_URI "</w:ResourceURI>"
		    "<w:SelectorSet><w:Selector Name=\"JobId\">");
		sim_render_text(&sb, j->job_id);
		strbuf_adds(&sb, "</w:Selector></w:SelectorSet></a:ReferenceParameters>"
		    "</a:EndpointReference>");
	}
	if (mode == SIM_MODE_OBJECT_EPR)
		strbuf_adds(&sb, "</w:Item>");
	return strbuf_detach(&sb, NULL);
}

/* Number of open (unexpired) enumerations user holds on site. */
static unsigned
sim_enum_count(struct sim_site *site, const char *user)
{
	unsigned n = 0;

	for (struct sim_enum *e = site->enums; e != NULL; e = e->next)
		if (strcmp(e->user, user) == 0)
			n++;
	return n;
}

/* Append items from e to dst while they fit in an envelope whose other parts
 * take base bytes; returns how many went in (always one when any is left). */
static size_t
sim_enum_fill(struct sim_req *rq, struct strbuf *dst, size_t base, struct sim_enum *e,
    size_t max, size_t byte_budget)
{
	size_t n = 0;

	while (e->pos < e->nitems && n < max) {
		size_t len = strlen(e->items[e->pos]);

		if (n > 0 && (base + dst->len + len + SIM_TAIL_RESERVE > rq->max_envelope ||
		    dst->len >= byte_budget))
			break;
		strbuf_add(dst, e->items[e->pos], len);
		e->pos++;
		n++;
	}
	return n;
}

/* Parse an unsigned element value, with a default when absent or bad. */
static unsigned long
sim_xml_ulong(xmlNodePtr n, unsigned long dflt)
{
	char *s, *end;
	unsigned long v;

	if (n == NULL)
		return dflt;
	s = sim_xml_text(n);
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v == 0)
		v = dflt;
	free(s);
	return v;
}

/*
 * The Enumerate's filter and resource URI: the WQL query (if any) into *wql.
 * -1 after sending the fault (unknown dialect, class or query).
 */
static int
sim_enum_query(struct sim_req *rq, struct sim_reply *out, xmlNodePtr en, struct sim_wql *wql)
{
	xmlNodePtr filter = sim_xml_child(en, SIM_NS_W, "Filter", 0);
	char *query = NULL;
	int rc = 0;

	if (filter == NULL)
		filter = sim_xml_child(en, SIM_NS_N, "Filter", 0);
	if (filter != NULL) {
		xmlChar *dialect = xmlGetNoNsProp(filter, (const xmlChar *)"Dialect");
		int ok = dialect == NULL || strcmp((const char *)dialect, SIM_WQL_DIALECT) == 0;

		xmlFree(dialect);
		if (!ok) {
			sim_wsman_fault_send(rq, out, SIM_FAULT_DIALECT, NULL);
			return -1;
		}
		query = sim_xml_text(filter);
	}
	if (strcmp(rq->resource_uri, SIM_CLASS_URI) != 0 &&
	    !(query != NULL && strcmp(rq->resource_uri, SIM_BITS_NS "/*") == 0)) {
		const char *slash = strrchr(rq->resource_uri, '/');

		sim_wsman_fault_not_found(rq, out, "ExecQuery", slash != NULL ? slash + 1 :
		    rq->resource_uri);
		rc = -1;
	} else if (query != NULL && (sim_wql_parse(query, wql) != 0 || !wql->star)) {
		sim_fault_filter(rq, out, "The WQL query is invalid. ", query);
		rc = -1;
	} else if (query != NULL && strcasecmp(wql->cls, "BitsClientJob") != 0) {
		sim_fault_filter(rq, out,
		    "The specified class does not exist in the given namespace. ", query);
		rc = -1;
	}
	free(query);
	return rc;
}

/* The EnumerationMode asked for (objects by default). */
static enum sim_enum_mode
sim_enum_mode_of(xmlNodePtr en)
{
	xmlNodePtr n = sim_xml_child(en, SIM_NS_W, "EnumerationMode", 0);
	enum sim_enum_mode mode = SIM_MODE_OBJECT;
	char *m;

	if (n == NULL)
		return mode;
	m = sim_xml_text(n);
	if (strcmp(m, "EnumerateEPR") == 0)
		mode = SIM_MODE_EPR;
	else if (strcmp(m, "EnumerateObjectAndEPR") == 0)
		mode = SIM_MODE_OBJECT_EPR;
	free(m);
	return mode;
}

/* A new enumeration holding the rendered items of the jobs that match wql. */
static struct sim_enum *
sim_enum_collect(struct sim_req *rq, const struct sim_wql *wql, enum sim_enum_mode mode)
{
	struct sim_enum *e = xcalloc(1, sizeof *e);

	e->user = xstrdup(rq->user);
	for (size_t i = 0; i < rq->site->host.njobs; i++) {
		const struct sim_job *j = rq->site->host.jobs[i];

		if (!sim_wql_match(wql, j))
			continue;
		e->items = xreallocarray(e->items, e->nitems + 1, sizeof *e->items);
		e->items[e->nitems++] = sim_enum_item(j, mode);
	}
	return e;
}

/* The rest of an EnumerateResponse after the context: the items, then end (may be NULL). */
static void
sim_enum_finish(struct sim_reply *out, const struct strbuf *items, const char *end)
{
	if (items->len > 0) {
		strbuf_adds(&out->body, "<w:Items>");
		strbuf_add(&out->body, items->s, items->len);
		strbuf_adds(&out->body, "</w:Items>");
	}
	if (end != NULL)
		strbuf_adds(&out->body, end);
	strbuf_adds(&out->body, "</n:EnumerateResponse>");
	sim_render_tail(&out->body);
}

/*
 * Keep e open for Pulls (unless the user has too many open: then the fault)
 * and answer with its context and the first items.
 */
static void
sim_enum_open(struct sim_req *rq, struct sim_reply *out, struct sim_enum *e,
    const struct strbuf *items)
{
	sim_enum_sweep(rq->site, sim_clock_mono(), 1);
	if (sim_enum_count(rq->site, rq->user) >= rq->srv->cfg.max_enum_per_user) {
		sim_fault_max_ops(rq, out);
		sim_enum_free(e);
		return;
	}
	sim_render_uuid(e->id);
	e->expires = sim_clock_mono() + rq->srv->cfg.enum_timeout_ms / 1000.0;
	e->next = rq->site->enums;
	rq->site->enums = e;
	strbuf_adds(&out->body, "<n:EnumerateResponse><n:EnumerationContext>");
	strbuf_adds(&out->body, e->id);
	strbuf_adds(&out->body, "</n:EnumerationContext>");
	sim_enum_finish(out, items, NULL);
}

/* Enumerate: snapshot the matching jobs and send the first batch. */
void
sim_op_enumerate(struct sim_req *rq, struct sim_reply *out)
{
	xmlNodePtr en = sim_xml_child(rq->body, SIM_NS_N, "Enumerate", 0);
	struct sim_wql wql;
	struct sim_enum *e;
	int optimize;
	unsigned long max;
	struct strbuf items;

	memset(&wql, 0, sizeof wql);
	if (en == NULL) {
		sim_wsman_fault_invalid_param(rq, out, "Missing n:Enumerate.");
		return;
	}
	if (sim_enum_query(rq, out, en, &wql) != 0)
		return;
	optimize = sim_xml_child(en, SIM_NS_W, "OptimizeEnumeration", 0) != NULL;
	max = sim_xml_ulong(sim_xml_child(en, SIM_NS_W, "MaxElements", 0), 1);
	e = sim_enum_collect(rq, &wql, sim_enum_mode_of(en));
	sim_render_head(&out->body, SIM_ENV_ENUM, SIM_ACT_ENUM "EnumerateResponse", rq->message_id);
	strbuf_init(&items);
	if (optimize && e->nitems > 0) {
		if (!rq->srv->cfg.batching_all && e->nitems > 1)
			max = 1;	/* 2008 R2 / 2012: one item first when more remain */
		sim_enum_fill(rq, &items, out->body.len + SIM_CTX_OVERHEAD, e, max, (size_t)-1);
	}
	if (optimize && e->pos == e->nitems) {
		/* everything fit: the context is present and empty */
		strbuf_adds(&out->body, "<n:EnumerateResponse><n:EnumerationContext>"
		    "</n:EnumerationContext>");
		sim_enum_finish(out, &items, "<w:EndOfSequence/>");
		sim_enum_free(e);
	} else {
		sim_enum_open(rq, out, e, &items);
	}
	strbuf_done(&items);
}

/* The open enumeration named by the request body's context, or NULL. */
static struct sim_enum *
sim_enum_lookup(struct sim_req *rq, const char *op, struct sim_enum ***link)
{
	xmlNodePtr n = sim_xml_child(sim_xml_child(rq->body, SIM_NS_N, op, 0), SIM_NS_N,
	    "EnumerationContext", 0);
	struct sim_enum **pp;
	char *id;

	if (n == NULL)
		return NULL;
	id = sim_xml_text(n);
	sim_enum_sweep(rq->site, sim_clock_mono(), 1);
	for (pp = &rq->site->enums; *pp != NULL; pp = &(*pp)->next) {
		if (strcmp((*pp)->id, id) == 0 && strcmp((*pp)->user, rq->user) == 0) {
			free(id);
			*link = pp;
			return *pp;
		}
	}
	free(id);
	return NULL;
}

/* Pull: the next batch of an open enumeration, with a new context. */
void
sim_op_pull(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_enum **link = NULL;
	struct sim_enum *e = sim_enum_lookup(rq, "Pull", &link);
	unsigned long max;
	struct strbuf items;

	if (e == NULL) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_BAD_CONTEXT, NULL);
		return;
	}
	max = sim_xml_ulong(sim_xml_child(sim_xml_child(rq->body, SIM_NS_N, "Pull", 0),
	    SIM_NS_N, "MaxElements", 0), 1);
	sim_render_head(&out->body, SIM_ENV_ENUM, SIM_ACT_ENUM "PullResponse", rq->message_id);
	strbuf_init(&items);
	sim_enum_fill(rq, &items, out->body.len + SIM_CTX_OVERHEAD, e, max,
	    rq->srv->cfg.pull_bytes);
	strbuf_adds(&out->body, "<n:PullResponse>");
	if (e->pos < e->nitems) {
		/* more to come: a new context each time */
		sim_render_uuid(e->id);
		e->expires = sim_clock_mono() + rq->srv->cfg.enum_timeout_ms / 1000.0;
		strbuf_adds(&out->body, "<n:EnumerationContext>");
		strbuf_adds(&out->body, e->id);
		strbuf_adds(&out->body, "</n:EnumerationContext><n:Items>");
		strbuf_add(&out->body, items.s, items.len);
		strbuf_adds(&out->body, "</n:Items>");
	} else {
		/* the last batch: no context at all */
		strbuf_adds(&out->body, "<n:Items>");
		strbuf_add(&out->body, items.s, items.len);
		strbuf_adds(&out->body, "</n:Items><n:EndOfSequence/>");
		*link = e->next;
		sim_enum_free(e);
	}
	strbuf_adds(&out->body, "</n:PullResponse>");
	sim_render_tail(&out->body);
	strbuf_done(&items);
}

/* Release: drop an open enumeration. */
void
sim_op_release(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_enum **link = NULL;
	struct sim_enum *e = sim_enum_lookup(rq, "Release", &link);

	if (e == NULL) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_BAD_CONTEXT, NULL);
		return;
	}
	*link = e->next;
	sim_enum_free(e);
	sim_render_head(&out->body, SIM_ENV_ENUM, SIM_ACT_ENUM "ReleaseResponse", rq->message_id);
	sim_render_tail(&out->body);
}
