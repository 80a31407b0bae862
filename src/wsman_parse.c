#include "config.h"

#include "src/wsman_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "src/strbuf.h"
#include "src/wsman_msg.h"
#include "src/xalloc.h"

/* Longest piece of server text quoted in an error cause. */
#define QUOTE_MAX 40

static const char *const body_kind_names[] = {
	[WSMAN_BODY_EMPTY] = "an empty body",
	[WSMAN_BODY_FAULT] = "a SOAP fault",
	[WSMAN_BODY_ENUMERATE] = "an EnumerateResponse",
	[WSMAN_BODY_PULL] = "a PullResponse",
	[WSMAN_BODY_RELEASE] = "a ReleaseResponse",
	[WSMAN_BODY_OUTPUT] = "a method output",
	[WSMAN_BODY_INSTANCE] = "an instance",
};
_Static_assert(sizeof(body_kind_names) / sizeof(body_kind_names[0]) == WSMAN_BODY_INSTANCE + 1,
    "one name per body kind");

const char *
wsman_body_kind_name(enum wsman_body_kind kind)
{
	return (unsigned)kind <= WSMAN_BODY_INSTANCE ? body_kind_names[kind] : "unknown";
}

xmlNodePtr
wsman_parse_xml_next(xmlNodePtr node)
{
	for (node = node != NULL ? node->next : NULL; node != NULL; node = node->next)
		if (node->type == XML_ELEMENT_NODE)
			return node;
	return NULL;
}

xmlNodePtr
wsman_parse_xml_first(xmlNodePtr parent)
{
	xmlNodePtr n;

	if (parent == NULL)
		return NULL;
	for (n = parent->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

bool
wsman_parse_xml_is(xmlNodePtr node, const char *ns, const char *local)
{
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return false;
	if (strcmp((const char *)node->name, local) != 0)
		return false;
	if (ns == NULL)
		return node->ns == NULL || node->ns->href == NULL;
	return node->ns != NULL && node->ns->href != NULL &&
	    strcmp((const char *)node->ns->href, ns) == 0;
}

xmlNodePtr
wsman_parse_xml_child(xmlNodePtr parent, const char *ns, const char *local)
{
	xmlNodePtr n;

	for (n = wsman_parse_xml_first(parent); n != NULL; n = wsman_parse_xml_next(n))
		if (wsman_parse_xml_is(n, ns, local))
			return n;
	return NULL;
}

xmlNodePtr
wsman_parse_xml_child_any(xmlNodePtr parent, const char *local)
{
	xmlNodePtr n;

	for (n = wsman_parse_xml_first(parent); n != NULL; n = wsman_parse_xml_next(n))
		if (strcasecmp((const char *)n->name, local) == 0)
			return n;
	return NULL;
}

char *
wsman_parse_xml_text(xmlNodePtr node)
{
	struct strbuf sb;
	xmlNodePtr c;

	strbuf_init(&sb);
	for (c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			strbuf_adds(&sb, (const char *)c->content);
	return strbuf_detach(&sb, NULL);
}

/* XML whitespace (space, tab, CR, LF). */
static bool
is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *
wsman_parse_xml_trimmed(xmlNodePtr node)
{
	char *s = wsman_parse_xml_text(node);
	size_t start = 0, end = strlen(s);

	while (start < end && is_xml_space(s[start]))
		start++;
	while (end > start && is_xml_space(s[end - 1]))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

bool
wsman_parse_xml_is_nil(xmlNodePtr node)
{
	xmlChar *v = xmlGetNsProp(node, (const xmlChar *)"nil", (const xmlChar *)WSMAN_NS_XSI);
	bool nil = false;

	if (v != NULL) {
		const char *s = (const char *)v;

		while (is_xml_space(*s))
			s++;
		nil = strncmp(s, "true", 4) == 0 || s[0] == '1';
		xmlFree(v);
	}
	return nil;
}

int
wsman_parse_u64(const char *s, uint64_t *out)
{
	const char *p = s;
	uint64_t v = 0;

	if (s == NULL)
		return -1;
	while (is_xml_space(*p))
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	/* By hand rather than strtoull: no sign, no locale, and it runs for every
	 * number of every job of every poll. */
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	while (is_xml_space(*p))
		p++;
	if (*p != '\0')
		return -1;
	*out = v;
	return 0;
}

int
wsman_parse_code(const char *s, uint32_t *out)
{
	const char *p = s;
	uint64_t v;

	if (s == NULL)
		return -1;
	while (is_xml_space(*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		char *end;
		unsigned long long h;

		if (!isxdigit((unsigned char)p[2]))
			return -1;
		errno = 0;
		h = strtoull(p + 2, &end, 16);
		while (is_xml_space(*end))
			end++;
		if (errno == ERANGE || *end != '\0' || h > UINT32_MAX)
			return -1;
		*out = (uint32_t)h;
		return 0;
	}
	if (*p == '-') {
		if (wsman_parse_u64(p + 1, &v) != 0 || v > (uint64_t)INT32_MAX + 1)
			return -1;
		*out = (uint32_t)(0 - (uint32_t)v);
		return 0;
	}
	if (wsman_parse_u64(p, &v) != 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

char *
wsman_parse_charset(const char *content_type)
{
	const char *p;

	if (content_type == NULL)
		return NULL;
	for (p = strchr(content_type, ';'); p != NULL; p = strchr(p + 1, ';')) {
		const char *q = p + 1;
		size_t n = 0;
		bool quoted;

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncasecmp(q, "charset", 7) != 0)
			continue;
		q += 7;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		quoted = *q == '"';
		if (quoted)
			q++;
		while (q[n] != '\0' && (isalnum((unsigned char)q[n]) || strchr("-_.:", q[n]) != NULL))
			n++;
		if (n == 0 || (quoted && q[n] != '"'))
			return NULL;
		return xstrndup(q, n);
	}
	return NULL;
}

/*
 * What the SAX hooks of one parse share (ctxt->_private). Without a sink every
 * node is built into the tree; with one, the nodes below the streamed Items
 * element (see wsman_parse.h) go to the sink instead.
 */
struct parse_state {
	bool	 dtd;			/* a DOCTYPE or entity declaration was met */
	const struct wsman_item_sink *sink;
	unsigned depth;			/* elements open (the root is depth 1) */
	unsigned items_depth;		/* depth of the open streamed Items; 0 = none */
	bool	 body_seen;		/* the Envelope's first s:Body has started */
	bool	 in_body;		/* ... and is open */
	bool	 body_child_seen;	/* its first element child has started */
	bool	 in_enum;		/* ... is an Enumerate/PullResponse and open */
	bool	 items_seen;		/* that response's first Items has started */
	/*
	 * The fast path (XML_PARSE_SAX1): the parser resolves no namespace, so the
	 * streamed nodes are resolved here, from the declarations met below Items
	 * and, above them, from the tree. Anything unusual (an undeclared prefix,
	 * an odd QName or declaration, a repeated xsi:nil) sets odd and stops the
	 * parse: the document is then read again by the exact namespace-aware path.
	 */
	bool	 odd;
	xmlNodePtr items_node;		/* the streamed Items element in the tree */
	struct ns_binding *ns;		/* declarations below Items, innermost last */
	size_t	 nns, ns_cap;
	char	**strs;			/* interned prefixes and URIs (stable pointers) */
	size_t	 nstrs;
};

/* A namespace declared on a streamed element. */
struct ns_binding {
	const char *prefix;		/* NULL: the default namespace */
	size_t	 plen;
	const char *uri;		/* NULL: no namespace (xmlns="") */
	unsigned depth;
};

/* SAX hook: a DOCTYPE (internal subset or external ID) stops the parse at once. */
static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	st->dtd = true;
	xmlStopParser(ctxt);
}

/* SAX hook: an entity declaration also stops the parse (belt and braces). */
static void
refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
    const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	(void)name;
	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	st->dtd = true;
	xmlStopParser(ctxt);
}

/* True when a SAX2 (namespace URI, local name) pair names this element. */
static bool
sax_is(const xmlChar *uri, const xmlChar *local, const char *ns, const char *name)
{
	return uri != NULL && strcmp((const char *)uri, ns) == 0 &&
	    strcmp((const char *)local, name) == 0;
}

/* xsi:nil="true" (or "1") among SAX2 attributes (localname, prefix, URI, value, end). */
static bool
sax_nil(int nattrs, const xmlChar **attrs)
{
	for (int i = 0; i < nattrs; i++) {
		const xmlChar **a = attrs + 5 * i;
		const char *v = (const char *)a[3], *end = (const char *)a[4];

		if (strcmp((const char *)a[0], "nil") != 0 || a[2] == NULL ||
		    strcmp((const char *)a[2], WSMAN_NS_XSI) != 0)
			continue;
		while (v < end && is_xml_space(*v))
			v++;
		return (end - v >= 4 && strncmp(v, "true", 4) == 0) || (v < end && *v == '1');
	}
	return false;
}

/* True while the parser is below the streamed Items element. */
static bool
streaming(const struct parse_state *st)
{
	return st->items_depth != 0 && st->depth > st->items_depth;
}

/*
 * Both paths: an element (uri, local) opens at depth d above the streamed items.
 * Follows the Envelope's first Body, its first child (an Enumerate or Pull
 * response?) and that response's first Items; true when this is that Items.
 */
static bool
track_open(struct parse_state *st, unsigned d, const xmlChar *uri, const xmlChar *local)
{
	if (d == 2 && !st->body_seen && sax_is(uri, local, WSMAN_NS_SOAP, "Body")) {
		st->body_seen = st->in_body = true;
	} else if (d == 3 && st->in_body && !st->body_child_seen) {
		st->body_child_seen = true;
		st->in_enum = sax_is(uri, local, WSMAN_NS_ENUMERATION, "EnumerateResponse") ||
		    sax_is(uri, local, WSMAN_NS_ENUMERATION, "PullResponse");
	} else if (d == 4 && st->in_enum && !st->items_seen &&
	    (sax_is(uri, local, WSMAN_NS_WSMAN, "Items") ||
	    sax_is(uri, local, WSMAN_NS_ENUMERATION, "Items"))) {
		st->items_seen = true;
		return true;
	}
	return false;
}

/* Both paths: the element open at st->depth (above the streamed items) closes. */
static void
track_close(struct parse_state *st)
{
	if (st->depth == st->items_depth)
		st->items_depth = 0;
	else if (st->depth == 3)
		st->in_enum = false;
	else if (st->depth == 2)
		st->in_body = false;
	st->depth--;
}

/* SAX hook: an element starts; streamed below Items, built elsewhere. */
static void
stream_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;
	unsigned d = st->depth + 1;

	if (st->items_depth != 0 && d > st->items_depth) {
		st->depth = d;
		if (prefix != NULL && uri == NULL) {
			/* An undeclared prefix: the tree names such an element "prefix:local"
			 * in no namespace, so the stream does too. */
			char *qname = xasprintf("%s:%s", (const char *)prefix, (const char *)local);

			st->sink->start(st->sink->arg, qname, NULL, sax_nil(nattrs, attrs));
			free(qname);
		} else {
			st->sink->start(st->sink->arg, (const char *)local, (const char *)uri,
			    sax_nil(nattrs, attrs));
		}
		return;
	}
	if (track_open(st, d, uri, local) && st->sink != NULL)
		st->items_depth = d;
	st->depth = d;
	xmlSAX2StartElementNs(ctx, local, prefix, uri, nns, ns, nattrs, ndefaulted, attrs);
}

/* SAX hook: an element ends. */
static void
stream_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	if (streaming(st)) {
		st->depth--;
		st->sink->end(st->sink->arg);
		return;
	}
	track_close(st);
	xmlSAX2EndElementNs(ctx, local, prefix, uri);
}

/* SAX hook: character data (and CDATA, with XML_PARSE_NOCDATA; and blanks). */
static void
stream_text(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	if (streaming(st))
		st->sink->text(st->sink->arg, (const char *)ch, (size_t)len);
	else
		xmlSAX2Characters(ctx, ch, len);
}

/* SAX hook: comments are dropped below Items (the tree reader skips them too). */
static void
stream_comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (!streaming(ctxt->_private))
		xmlSAX2Comment(ctx, value);
}

/* SAX hook: so are processing instructions. */
static void
stream_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (!streaming(ctxt->_private))
		xmlSAX2ProcessingInstruction(ctx, target, data);
}

/* Structured error sink: keeps libxml2 quiet (errors stay in ctxt->lastError). */
static void
quiet_error(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

/*
 * Generic error sink: libxml2 reports some failures (a server's bytes that do not
 * convert from the charset it declared, I/O) through the per-thread generic
 * handler, which by default writes to stderr, that is, over the screen.
 */
static void __attribute__((format(printf, 2, 3)))
quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Copy at most QUOTE_MAX bytes of a libxml2 message, without its newline. */
static char *
short_message(const char *msg)
{
	size_t n;

	if (msg == NULL)
		return xstrdup("unknown error");
	n = strcspn(msg, "\n");
	if (n > 120)
		n = 120;
	return xstrndup(msg, n);
}

/* A copy of s kept until the end of the parse, one per distinct string. */
static const char *
fast_intern(struct parse_state *st, const char *s, size_t n)
{
	for (size_t i = 0; i < st->nstrs; i++)
		if (st->strs[i][0] == s[0] && strncmp(st->strs[i], s, n) == 0 &&
		    st->strs[i][n] == '\0')
			return st->strs[i];
	st->strs = xreallocarray(st->strs, st->nstrs + 1, sizeof(*st->strs));
	return st->strs[st->nstrs++] = xstrndup(s, n);
}

/* Split a SAX1 QName; false for what only the namespace-aware parser judges
 * (no or several colons in the wrong places). */
static bool
fast_split(const char *qname, const char **prefix, size_t *plen, const char **local)
{
	const char *colon = strchr(qname, ':');

	if (colon == NULL) {
		*prefix = NULL;
		*plen = 0;
		*local = qname;
		return true;
	}
	if (colon == qname || colon[1] == '\0' || strchr(colon + 1, ':') != NULL)
		return false;
	/* A local part that is no NCName start ("w:0a", "w:-a") is reparsed by the
	 * namespace-aware parser in its own way: leave those to it too. */
	if (!(isalpha((unsigned char)colon[1]) || colon[1] == '_' || (unsigned char)colon[1] >= 0x80))
		return false;
	*prefix = qname;
	*plen = (size_t)(colon - qname);
	*local = colon + 1;
	return true;
}

/* The namespace a prefix (of plen bytes; NULL: default) is bound to at a streamed
 * element; false when it is undeclared (the exact path reports that). */
static bool
fast_resolve(struct parse_state *st, const char *prefix, size_t plen, const char **uri)
{
	xmlNsPtr ns;
	char *p;

	if (prefix != NULL && plen == 3 && strncmp(prefix, "xml", 3) == 0) {
		*uri = (const char *)XML_XML_NAMESPACE;
		return true;
	}
	for (size_t i = st->nns; i-- > 0;) {
		const char *bp = st->ns[i].prefix;

		if (prefix == NULL ? bp == NULL :
		    bp != NULL && st->ns[i].plen == plen && memcmp(bp, prefix, plen) == 0) {
			*uri = st->ns[i].uri;
			return prefix == NULL || *uri != NULL;
		}
	}
	p = prefix != NULL ? xstrndup(prefix, plen) : NULL;
	ns = xmlSearchNs(st->items_node->doc, st->items_node, (const xmlChar *)p);
	free(p);
	if (ns == NULL || ns->href == NULL || ns->href[0] == '\0') {
		*uri = NULL;
		return prefix == NULL;
	}
	*uri = (const char *)ns->href;
	return true;
}

/* The namespace declarations among SAX1 attributes, pushed for depth d. */
static bool
fast_declare(struct parse_state *st, const xmlChar **atts, unsigned d)
{
	for (size_t i = 0; atts != NULL && atts[i] != NULL; i += 2) {
		const char *name = (const char *)atts[i], *val = (const char *)atts[i + 1];
		const char *prefix = NULL, *uri = NULL;

		if (strncmp(name, "xmlns", 5) != 0 || (name[5] != '\0' && name[5] != ':'))
			continue;
		if (strchr(val, '&') != NULL)
			return false;	/* escaped text in a URI: the exact path decodes it */
		if (name[5] == ':') {
			prefix = name + 6;
			if (*prefix == '\0' || strchr(prefix, ':') != NULL || *val == '\0' ||
			    strcmp(prefix, "xml") == 0 || strcmp(prefix, "xmlns") == 0)
				return false;
			prefix = fast_intern(st, prefix, strlen(prefix));
		}
		if (*val != '\0')
			uri = fast_intern(st, val, strlen(val));
		if (st->nns == st->ns_cap) {
			st->ns_cap = st->ns_cap == 0 ? 8 : st->ns_cap * 2;
			st->ns = xreallocarray(st->ns, st->ns_cap, sizeof(*st->ns));
		}
		st->ns[st->nns++] = (struct ns_binding){ prefix, prefix != NULL ? strlen(prefix) : 0,
		    uri, d };
	}
	return true;
}

/* xsi:nil among SAX1 attributes; false when the exact path must judge them. */
static bool
fast_nil(struct parse_state *st, const xmlChar **atts, bool *nil)
{
	bool seen = false;

	*nil = false;
	for (size_t i = 0; atts != NULL && atts[i] != NULL; i += 2) {
		const char *name = (const char *)atts[i], *v = (const char *)atts[i + 1];
		const char *prefix, *local, *uri;
		size_t plen;

		if (strncmp(name, "xmlns", 5) == 0 && (name[5] == '\0' || name[5] == ':'))
			continue;
		if (!fast_split(name, &prefix, &plen, &local))
			return false;
		if (prefix == NULL)
			continue;	/* unprefixed attributes are in no namespace */
		if (!fast_resolve(st, prefix, plen, &uri))
			return false;
		if (strcmp(local, "nil") != 0 || uri == NULL || strcmp(uri, WSMAN_NS_XSI) != 0)
			continue;
		if (seen)
			return false;	/* two xsi:nil through two prefixes */
		seen = true;
		while (is_xml_space(*v))
			v++;
		*nil = strncmp(v, "true", 4) == 0 || v[0] == '1';
	}
	return true;
}

/* Give up the fast path for this document. */
static void
fast_give_up(xmlParserCtxtPtr ctxt, struct parse_state *st)
{
	st->odd = true;
	xmlStopParser(ctxt);
}

/* SAX1 hook: an element starts (fast path). */
static void
fast_start(void *ctx, const xmlChar *fullname, const xmlChar **atts)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;
	unsigned d = st->depth + 1;
	const char *prefix, *local, *uri;
	xmlNodePtr node;
	size_t plen;
	bool nil;

	if (st->items_depth != 0 && d > st->items_depth) {
		st->depth = d;
		if (st->odd)
			return;
		if (!fast_declare(st, atts, d) ||
		    !fast_split((const char *)fullname, &prefix, &plen, &local) ||
		    !fast_resolve(st, prefix, plen, &uri) || !fast_nil(st, atts, &nil)) {
			fast_give_up(ctxt, st);
			return;
		}
		st->sink->start(st->sink->arg, local, uri, nil);
		return;
	}
	/* Outside the items too: a name the namespace-aware parser may refuse
	 * ("w:a:0") is left to it, so that both paths accept the same documents. */
	if (!fast_split((const char *)fullname, &prefix, &plen, &local)) {
		fast_give_up(ctxt, st);
		return;
	}
	xmlSAX2StartElement(ctx, fullname, atts);
	st->depth = d;
	node = ctxt->node;
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return;
	/* The tree resolved the element's namespace from the declarations above. */
	if (track_open(st, d, node->ns != NULL ? node->ns->href : NULL, node->name)) {
		st->items_depth = d;
		st->items_node = node;
	}
}

/* SAX1 hook: an element ends (fast path). */
static void
fast_end(void *ctx, const xmlChar *name)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	if (streaming(st)) {
		while (st->nns > 0 && st->ns[st->nns - 1].depth == st->depth)
			st->nns--;
		st->depth--;
		if (!st->odd)
			st->sink->end(st->sink->arg);
		return;
	}
	track_close(st);
	xmlSAX2EndElement(ctx, name);
}

/*
 * Parse data into a document with every safety option; NULL with *cause on
 * failure. With a sink, the items of an enumeration are streamed to it.
 */
static xmlDocPtr
safe_read(const char *data, size_t len, const char *content_type, size_t max_size,
    const struct wsman_item_sink *sink, bool fast, bool *odd, char **cause)
{
	struct parse_state st = { .sink = sink };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	char *charset;
	const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | (fast ? XML_PARSE_SAX1 : 0);

	if (max_size == 0)
		max_size = WSMAN_PARSE_DEFAULT_MAX;
	if (len > max_size || len > INT_MAX) {
		*cause = xasprintf("response of %zu bytes is over the %zu-byte limit", len, max_size);
		return NULL;
	}
	if (len == 0) {
		*cause = xstrdup("empty response body");
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		*cause = xstrdup("out of memory creating the XML parser");
		return NULL;
	}
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->externalSubset = refuse_dtd;
	ctxt->sax->entityDecl = refuse_entity;
	ctxt->sax->serror = quiet_error;
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	ctxt->sax->startElementNs = stream_start;
	ctxt->sax->endElementNs = stream_end;
	ctxt->sax->startElement = fast_start;
	ctxt->sax->endElement = fast_end;
	/* One hook for both keeps libxml2 from asking the tree whether blanks matter. */
	ctxt->sax->characters = stream_text;
	ctxt->sax->ignorableWhitespace = stream_text;
	ctxt->sax->comment = stream_comment;
	ctxt->sax->processingInstruction = stream_pi;
	ctxt->_private = &st;
	charset = wsman_parse_charset(content_type);
	if (charset != NULL && (strcasecmp(charset, "UTF-8") == 0 || strcasecmp(charset, "UTF8") == 0) &&
	    (unsigned char)data[0] == '<' && (len < 5 || memcmp(data, "<?xml", 5) != 0)) {
		/* Without a BOM or an XML declaration the document is read as UTF-8
		 * anyway; naming the charset would only copy it through a converter. */
		free(charset);
		charset = NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, charset, options);
	for (size_t i = 0; i < st.nstrs; i++)
		free(st.strs[i]);
	free(st.strs);
	free(st.ns);
	if (odd != NULL)
		*odd = st.odd;
	if (st.odd) {
		*cause = xstrdup("left to the namespace-aware parser");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (st.dtd) {
		*cause = xstrdup("response has a DOCTYPE (DTDs and entities are refused)");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc == NULL || !ctxt->wellFormed) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
		char *msg = short_message(e != NULL ? e->message : NULL);

		*cause = xasprintf("malformed XML (line %d): %s", e != NULL ? e->line : 0, msg);
		free(msg);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	free(charset);
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* Classify the body element and pick out the enumeration parts. */
static void
read_body(struct wsman_response *r)
{
	xmlNodePtr b = r->body, c;
	const char *name;
	size_t n;

	if (b == NULL) {
		r->kind = WSMAN_BODY_EMPTY;
		return;
	}
	name = (const char *)b->name;
	n = strlen(name);
	if (wsman_parse_xml_is(b, WSMAN_NS_SOAP, "Fault"))
		r->kind = WSMAN_BODY_FAULT;
	else if (wsman_parse_xml_is(b, WSMAN_NS_ENUMERATION, "EnumerateResponse"))
		r->kind = WSMAN_BODY_ENUMERATE;
	else if (wsman_parse_xml_is(b, WSMAN_NS_ENUMERATION, "PullResponse"))
		r->kind = WSMAN_BODY_PULL;
	else if (wsman_parse_xml_is(b, WSMAN_NS_ENUMERATION, "ReleaseResponse"))
		r->kind = WSMAN_BODY_RELEASE;
	else if (n > 7 && strcmp(name + n - 7, "_OUTPUT") == 0) {
		r->kind = WSMAN_BODY_OUTPUT;
		r->method = xstrndup(name, n - 7);
	} else
		r->kind = WSMAN_BODY_INSTANCE;
	if (r->kind != WSMAN_BODY_ENUMERATE && r->kind != WSMAN_BODY_PULL)
		return;
	/* Items and EndOfSequence are w: in EnumerateResponse and n: in PullResponse;
	 * accept either namespace in both. */
	for (c = wsman_parse_xml_first(b); c != NULL; c = wsman_parse_xml_next(c)) {
		if (wsman_parse_xml_is(c, WSMAN_NS_ENUMERATION, "EnumerationContext")) {
			if (!r->has_context) {
				r->has_context = true;
				r->context = wsman_parse_xml_trimmed(c);
			}
		} else if (wsman_parse_xml_is(c, WSMAN_NS_WSMAN, "Items") ||
		    wsman_parse_xml_is(c, WSMAN_NS_ENUMERATION, "Items")) {
			if (r->items == NULL)
				r->items = c;
		} else if (wsman_parse_xml_is(c, WSMAN_NS_WSMAN, "EndOfSequence") ||
		    wsman_parse_xml_is(c, WSMAN_NS_ENUMERATION, "EndOfSequence"))
			r->end_of_sequence = true;
	}
}

/* Parse a response, streaming enumeration items to sink when there is one. */
static int
parse_response(struct wsman_response *r, const char *data, size_t len,
    const char *content_type, size_t max_size, const struct wsman_item_sink *sink, bool fast,
    bool *odd, char **cause)
{
	xmlNodePtr root, c, body = NULL;

	memset(r, 0, sizeof(*r));
	r->doc = safe_read(data, len, content_type, max_size, sink, fast, odd, cause);
	if (r->doc == NULL)
		return -1;
	root = xmlDocGetRootElement(r->doc);
	if (!wsman_parse_xml_is(root, WSMAN_NS_SOAP, "Envelope")) {
		*cause = xasprintf("the document is not a SOAP 1.2 envelope (root element <%.*s>)",
		    QUOTE_MAX, root != NULL ? (const char *)root->name : "");
		wsman_response_done(r);
		return -1;
	}
	for (c = wsman_parse_xml_first(root); c != NULL; c = wsman_parse_xml_next(c)) {
		if (wsman_parse_xml_is(c, WSMAN_NS_SOAP, "Header") && r->header == NULL)
			r->header = c;
		else if (wsman_parse_xml_is(c, WSMAN_NS_SOAP, "Body") && body == NULL)
			body = c;
	}
	if (body == NULL) {
		*cause = xstrdup("the SOAP envelope has no Body");
		wsman_response_done(r);
		return -1;
	}
	if ((c = wsman_parse_xml_child(r->header, WSMAN_NS_ADDRESSING, "Action")) != NULL)
		r->action = wsman_parse_xml_trimmed(c);
	if ((c = wsman_parse_xml_child(r->header, WSMAN_NS_ADDRESSING, "RelatesTo")) != NULL)
		r->relates_to = wsman_parse_xml_trimmed(c);
	r->body = wsman_parse_xml_first(body);
	read_body(r);
	return 0;
}

int
wsman_parse_response(struct wsman_response *r, const char *data, size_t len,
    const char *content_type, size_t max_size, char **cause)
{
	return parse_response(r, data, len, content_type, max_size, NULL, false, NULL, cause);
}

int
wsman_parse_enumeration(struct wsman_response *r, const char *data, size_t len,
    const char *content_type, size_t max_size, const struct wsman_item_sink *sink, char **cause)
{
	bool odd = false;
	int rc;

	/*
	 * First the fast path: a parser without namespace processing (a third
	 * cheaper on job lists), whose few namespaces are resolved here. Unless
	 * it read a clean enumeration, the exact path reads the document again,
	 * so faults, errors and odd documents get exactly its answer and messages.
	 */
	rc = parse_response(r, data, len, content_type, max_size, sink, true, &odd, cause);
	if (rc == 0 && (r->kind == WSMAN_BODY_ENUMERATE || r->kind == WSMAN_BODY_PULL))
		return 0;
	if (rc == 0)
		wsman_response_done(r);
	else {
		free(*cause);
		*cause = NULL;
	}
	sink->reset(sink->arg);
	return parse_response(r, data, len, content_type, max_size, sink, false, NULL, cause);
}

void
wsman_response_done(struct wsman_response *r)
{
	if (r == NULL)
		return;
	xmlFreeDoc(r->doc);
	free(r->action);
	free(r->relates_to);
	free(r->method);
	free(r->context);
	memset(r, 0, sizeof(*r));
}

xmlNodePtr *
wsman_response_items(const struct wsman_response *r, size_t *n)
{
	xmlNodePtr *v = NULL, c;
	size_t cap = 0;

	*n = 0;
	for (c = wsman_parse_xml_first(r->items); c != NULL; c = wsman_parse_xml_next(c)) {
		xmlNodePtr item = c;

		/* EnumerateObjectAndEPR wraps each object with its EPR in w:Item. */
		if (wsman_parse_xml_is(c, WSMAN_NS_WSMAN, "Item")) {
			for (item = wsman_parse_xml_first(c); item != NULL; item = wsman_parse_xml_next(item))
				if (!wsman_parse_xml_is(item, WSMAN_NS_ADDRESSING, "EndpointReference"))
					break;
			if (item == NULL)
				continue;
		}
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[(*n)++] = item;
	}
	return v;
}

bool
wsman_parse_is_xml_type(const char *content_type)
{
	static const char *const ok[] = { "application/soap+xml", "application/xml", "text/xml" };
	const char *ct = content_type;
	size_t i, n;

	if (ct == NULL)
		return true;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (n == strlen(ok[i]) && strncasecmp(ct, ok[i], n) == 0)
			return true;
	return false;
}
