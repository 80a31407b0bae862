/*
 * wsman_parse: WS-Management responses from hostile servers, parsed safely
 * (no network, no entities, no DTD at all, a size cap) and read by namespace
 * URI + local name, never by prefix (doc/protocol.md §2, §10 item 1).
 *
 * A struct wsman_response owns the libxml2 document; the node pointers in it
 * (and those returned by the helpers) live as long as the response.
 */
#ifndef BITSTOP_WSMAN_PARSE_H
#define BITSTOP_WSMAN_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>


/* Default cap on a response body (configurable per call). */
#define WSMAN_PARSE_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

enum wsman_body_kind {
	WSMAN_BODY_EMPTY = 0,	/* s:Body without an element (e.g. ReleaseResponse) */
	WSMAN_BODY_FAULT,	/* s:Fault */
	WSMAN_BODY_ENUMERATE,	/* n:EnumerateResponse */
	WSMAN_BODY_PULL,	/* n:PullResponse */
	WSMAN_BODY_RELEASE,	/* n:ReleaseResponse */
	WSMAN_BODY_OUTPUT,	/* <Method>_OUTPUT of an Invoke */
	WSMAN_BODY_INSTANCE	/* any other element: the instance of a Get/Put response */
};

struct wsman_response {
	xmlDocPtr doc;		/* owned */
	xmlNodePtr header;	/* s:Header, or NULL */
	xmlNodePtr body;	/* first element of s:Body, or NULL */
	char	*action;	/* a:Action, trimmed; NULL when absent */
	char	*relates_to;	/* a:RelatesTo, trimmed; NULL when absent */
	enum wsman_body_kind kind;
	char	*method;	/* WSMAN_BODY_OUTPUT: the method name */
	/* WSMAN_BODY_ENUMERATE / WSMAN_BODY_PULL */
	bool	 has_context;	/* EnumerationContext element present */
	char	*context;	/* its trimmed text ("" when empty); NULL when absent */
	bool	 end_of_sequence; /* w:EndOfSequence or n:EndOfSequence present */
	xmlNodePtr items;	/* w:Items or n:Items, or NULL */
};

/* Name of a body kind for messages, with its article ("a PullResponse", "a SOAP fault"). */
const char *wsman_body_kind_name(enum wsman_body_kind kind);

/*
 * Parse a response body. content_type (may be NULL) supplies the charset;
 * max_size 0 means WSMAN_PARSE_DEFAULT_MAX. Documents with a DOCTYPE are refused
 * before any entity is declared. Returns 0, or -1 with *cause (malloc'd) set.
 */
int wsman_parse_response(struct wsman_response *r, const char *data, size_t len,
    const char *content_type, size_t max_size, char **cause);
/*
 * Streaming of enumeration items. wsman_parse_enumeration() parses like
 * wsman_parse_response() except that the content of the Items element that
 * wsman_response_items() would read (the first w:/n:Items of an
 * EnumerateResponse or PullResponse body) is not built into the tree: each
 * node below it goes to the sink as the parser meets it, and r->items is left
 * empty. Saves building and freeing a tree of every job on every poll.
 */
struct wsman_item_sink {
	/* An element: local name, namespace URI (NULL when none), xsi:nil="true". */
	void	(*start)(void *arg, const char *local, const char *uri, bool nil);
	/* Character data directly inside the latest open element (CDATA included). */
	void	(*text)(void *arg, const char *s, size_t len);
	/* The end of the latest open element. */
	void	(*end)(void *arg);
	/* Forget every event so far: the document is read again from the start. */
	void	(*reset)(void *arg);
	void	*arg;
};
int wsman_parse_enumeration(struct wsman_response *r, const char *data, size_t len,
    const char *content_type, size_t max_size, const struct wsman_item_sink *sink, char **cause);
/* Free the document and strings; the struct is zeroed. */
void wsman_response_done(struct wsman_response *r);
/* The items of an Enumerate/Pull response, w:Item wrappers unwrapped: a malloc'd
 * array (NULL when there are none) of *n element pointers owned by r. */
xmlNodePtr *wsman_response_items(const struct wsman_response *r, size_t *n);

/* The charset parameter of a Content-Type value, malloc'd; NULL when none. */
char *wsman_parse_charset(const char *content_type);

/* Element-walking helpers: element children only, text and comments skipped. */
xmlNodePtr wsman_parse_xml_first(xmlNodePtr parent);
xmlNodePtr wsman_parse_xml_next(xmlNodePtr node);
/* True when node is an element with this namespace URI (NULL = no namespace) and local name. */
bool wsman_parse_xml_is(xmlNodePtr node, const char *ns, const char *local);
/* First element child with this namespace and local name, or NULL. */
xmlNodePtr wsman_parse_xml_child(xmlNodePtr parent, const char *ns, const char *local);
/* First element child with this local name in any namespace (case-insensitive), or NULL. */
xmlNodePtr wsman_parse_xml_child_any(xmlNodePtr parent, const char *local);
/* The element's own character data (direct text children), malloc'd, never NULL. */
char *wsman_parse_xml_text(xmlNodePtr node);
/* The same with leading and trailing XML whitespace removed. */
char *wsman_parse_xml_trimmed(xmlNodePtr node);
/* True when the element carries xsi:nil="true". */
bool wsman_parse_xml_is_nil(xmlNodePtr node);

/* Strict decimal uint64: digits only (surrounding whitespace allowed), no sign, no overflow. */
int wsman_parse_u64(const char *s, uint64_t *out);
/* A 32-bit code: unsigned decimal, negative int32 decimal, or 0x-hex. */
int wsman_parse_code(const char *s, uint32_t *out);

/* True when a Content-Type names an XML media type (application/soap+xml,
 * application/xml, text/xml) or is missing. */
bool wsman_parse_is_xml_type(const char *content_type);

#endif
