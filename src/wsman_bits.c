#include "config.h"

#include "src/wsman_bits.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/strbuf.h"
#include "src/wsman_msg.h"
#include "src/xalloc.h"

/* Longest piece of server text quoted in an error cause. */
#define QUOTE_MAX 40

/* Kinds of BitsClientJob and BitsClientFile properties. */
enum prop_type { PROP_TEXT, PROP_U64, PROP_BOOL };

/* Property table, declared once: wire name, type, field of struct bits_job. */
#define BITS_JOB_PROPS(X) \
	X("JobId", PROP_TEXT, job_id) \
	X("DisplayName", PROP_TEXT, display_name) \
	X("Description", PROP_TEXT, description) \
	X("Owner", PROP_TEXT, owner) \
	X("State", PROP_U64, state) \
	X("Priority", PROP_U64, priority) \
	X("MinimumRetryDelay", PROP_U64, minimum_retry_delay) \
	X("NoProgressTimeout", PROP_U64, no_progress_timeout) \
	X("JobCreationTime", PROP_U64, creation_time) \
	X("JobLastModificationTime", PROP_U64, modification_time) \
	X("JobCompletionTime", PROP_U64, completion_time) \
	X("BytesTotal", PROP_U64, bytes_total) \
	X("BytesTransferred", PROP_U64, bytes_transferred) \
	X("FilesTotal", PROP_U64, files_total) \
	X("FilesTransferred", PROP_U64, files_transferred) \
	X("TransientErrorCount", PROP_U64, transient_error_count)

/* The embedded BitsClientFile's properties (message names carry "file "). */
#define BITS_FILE_PROPS(X) \
	X("RemoteUrl", "file RemoteUrl", PROP_TEXT, remote_url) \
	X("LocalFile", "file LocalFile", PROP_TEXT, local_file) \
	X("BytesTotal", "file BytesTotal", PROP_U64, bytes_total) \
	X("BytesTransferred", "file BytesTransferred", PROP_U64, bytes_transferred) \
	X("Completed", "file Completed", PROP_BOOL, completed)

struct prop_desc {
	const char *name;
	const char *what;	/* name in messages */
	size_t	 len;		/* strlen(name): most names are told apart by length */
	enum prop_type type;
	size_t	 offset;
};

static const struct prop_desc job_props[] = {
#define X(n, t, f) { n, n, sizeof(n) - 1, t, offsetof(struct bits_job, f) },
	BITS_JOB_PROPS(X)
#undef X
};
static const struct prop_desc file_props[] = {
#define X(n, w, t, f) { n, w, sizeof(n) - 1, t, offsetof(struct bits_file, f) },
	BITS_FILE_PROPS(X)
#undef X
};

/*
 * A reader of BitsClientJob instances from element events: the content of an
 * Items element (items, possibly wrapped in w:Item with an EPR), or a single
 * instance. The events come from the parser as it streams (wsman_parse_enumeration)
 * or from a walk of a tree, so both give the same jobs and the same errors.
 * After the first error the rest of the events are ignored.
 */
struct wsman_bits_items {
	bool	 single;	/* the top element is the instance (no item checks) */
	size_t	 max, have;	/* jobs allowed in all; jobs taken before these */
	struct bits_job *jobs;	/* read so far, owned */
	size_t	 njobs, cap;
	char	*cause;		/* first error */
	unsigned depth;		/* elements open below the top of the events */
	unsigned skip;		/* depth of a subtree being ignored; 0 = none */
	unsigned wrapper;	/* depth of an open w:Item; 0 = none */
	bool	 wrapper_used;	/* it gave its instance already */
	unsigned inst;		/* depth of the instance being read; 0 = none */
	struct strbuf inst_uri;	/* its namespace URI */
	const char *inst_uri_at;	/* ... as the events give it (parsers repeat the pointer) */
	bool	 inst_has_uri;
	struct bits_job job;	/* the instance being read */
	unsigned files;		/* depth of the open, non-nil Files element; 0 = none */
	unsigned prop;		/* depth of the property whose text is collected; 0 = none */
	const struct prop_desc *desc;
	void	*field;		/* its struct bits_text / bits_u64 / bits_bool */
	struct strbuf text;
};

/* Quote at most QUOTE_MAX bytes of server text in a cause. */
static char *
quoted(const char *s)
{
	size_t n = strlen(s);

	return n > QUOTE_MAX ? xasprintf("\"%.*s...\"", QUOTE_MAX, s) : xasprintf("\"%s\"", s);
}

/* Record the first error (taking msg); the instance being read is dropped. */
static void
items_fail(struct wsman_bits_items *it, char *msg)
{
	if (it->inst != 0 && !it->single) {
		it->cause = xasprintf("BitsClientJob instance: %s", msg);
		free(msg);
	} else {
		it->cause = msg;
	}
	bits_job_done(&it->job);
	it->inst = 0;
}

/* A property of the table by local name of len bytes (case-insensitive), or NULL. */
static const struct prop_desc *
prop_find(const struct prop_desc *tab, size_t n, const char *local, size_t len)
{
	/* Windows writes the names exactly so: a plain compare first. */
	for (size_t i = 0; i < n; i++)
		if (tab[i].len == len && memcmp(tab[i].name, local, len) == 0)
			return &tab[i];
	for (size_t i = 0; i < n; i++)
		if (tab[i].len == len && strcasecmp(tab[i].name, local) == 0)
			return &tab[i];
	return NULL;
}

/* Start reading a property into field (first occurrence wins; nil kept as nil). */
static void
prop_begin(struct wsman_bits_items *it, const struct prop_desc *d, void *field, bool nil,
    unsigned depth)
{
	enum bits_presence *p = field;	/* every value struct starts with its presence */

	if (*p != BITS_ABSENT || nil) {
		if (*p == BITS_ABSENT)
			*p = BITS_NIL;
		it->skip = depth;
		return;
	}
	it->prop = depth;
	it->desc = d;
	it->field = field;
	strbuf_reset(&it->text);
}

/* The property's text is complete: store it, or fail on a bad number or boolean. */
static void
prop_end(struct wsman_bits_items *it)
{
	const char *s = it->text.s != NULL ? it->text.s : "";
	char *q;

	it->prop = 0;
	if (it->desc->type == PROP_TEXT) {
		struct bits_text *t = it->field;
		const char *shared = NULL;

		t->p = BITS_SET;
		/* Texts that repeat across jobs and hosts are kept once. */
		if (t == &it->job.display_name || t == &it->job.description ||
		    t == &it->job.owner || strcmp(it->desc->name, "RemoteUrl") == 0)
			shared = bits_intern(s, it->text.len);
		t->shared = shared != NULL;
		t->s = shared != NULL ? (char *)shared : xstrndup(s, it->text.len);
	} else if (it->desc->type == PROP_U64) {
		struct bits_u64 *u = it->field;

		if (wsman_parse_u64(s, &u->v) != 0) {
			q = quoted(s);
			items_fail(it, xasprintf("%s %s is not an unsigned 64-bit integer",
			    it->desc->what, q));
			free(q);
			return;
		}
		u->p = BITS_SET;
	} else {
		struct bits_bool *b = it->field;
		size_t start = 0, end = it->text.len;
		char *v;

		while (start < end && (s[start] == ' ' || s[start] == '\t' || s[start] == '\r' ||
		    s[start] == '\n'))
			start++;
		while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
		    s[end - 1] == '\r' || s[end - 1] == '\n'))
			end--;
		v = xstrndup(s + start, end - start);
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			b->v = true;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			b->v = false;
		else {
			q = quoted(v);
			items_fail(it, xasprintf("%s %s is not a boolean", it->desc->what, q));
			free(q);
			free(v);
			return;
		}
		b->p = BITS_SET;
		free(v);
	}
}

/* Begin an instance at depth (its namespace keeps the properties apart from others). */
static void
instance_begin(struct wsman_bits_items *it, const char *uri, unsigned depth)
{
	memset(&it->job, 0, sizeof(it->job));
	it->inst = depth;
	it->files = 0;
	it->inst_has_uri = uri != NULL;
	it->inst_uri_at = uri;
	strbuf_reset(&it->inst_uri);
	if (uri != NULL)
		strbuf_adds(&it->inst_uri, uri);
}

/* An element at item level: an item, a w:Item wrapper, or what a wrapper holds. */
static void
item_start(struct wsman_bits_items *it, const char *local, const char *uri, unsigned d)
{
	if (it->single) {
		if (d == 1)
			instance_begin(it, uri, d);
		else
			it->skip = d;
		return;
	}
	if (d == 1 && uri != NULL && strcmp(uri, WSMAN_NS_WSMAN) == 0 && strcmp(local, "Item") == 0) {
		/* EnumerateObjectAndEPR wraps each object with its EPR in w:Item. */
		it->wrapper = d;
		it->wrapper_used = false;
		return;
	}
	if (d == 2 && it->wrapper != 0 && !it->wrapper_used && !(uri != NULL &&
	    strcmp(uri, WSMAN_NS_ADDRESSING) == 0 && strcmp(local, "EndpointReference") == 0))
		it->wrapper_used = true;
	else if (d != 1) {
		it->skip = d;
		return;
	}
	if (strcmp(local, "BitsClientJob") != 0)
		items_fail(it, xasprintf("the enumeration returned a <%.*s> item, not a BitsClientJob",
		    QUOTE_MAX, local));
	else if (it->have + it->njobs >= it->max)
		items_fail(it, xasprintf("the enumeration returned more than %zu jobs; abandoned",
		    it->max));
	else
		instance_begin(it, uri, d);
}

/* A child of the instance: a job property, a Files entry, or something to ignore. */
static void
job_prop_start(struct wsman_bits_items *it, const char *local, const char *uri, bool nil,
    unsigned d)
{
	const struct prop_desc *desc;
	size_t len;

	/* Properties are in the instance's namespace or none (not e.g. cim:Location). */
	if (uri != NULL && uri != it->inst_uri_at &&
	    (!it->inst_has_uri || strcmp(uri, it->inst_uri.s) != 0)) {
		it->skip = d;
		return;
	}
	len = strlen(local);
	if (len == 5 && (memcmp(local, "Files", 5) == 0 || strcasecmp(local, "Files") == 0)) {
		struct bits_file *f;

		if (nil) {
			if (it->job.files_p == BITS_ABSENT)
				it->job.files_p = BITS_NIL;
			it->skip = d;
			return;
		}
		it->job.files_p = BITS_SET;
		it->job.files = xreallocarray(it->job.files, it->job.nfiles + 1, sizeof(*it->job.files));
		f = &it->job.files[it->job.nfiles++];
		memset(f, 0, sizeof(*f));
		it->files = d;
		return;
	}
	desc = prop_find(job_props, sizeof(job_props) / sizeof(job_props[0]), local, len);
	if (desc == NULL) {
		it->skip = d;
		return;
	}
	prop_begin(it, desc, (char *)&it->job + desc->offset, nil, d);
}

/* Sink: an element starts. */
static void
items_start(void *arg, const char *local, const char *uri, bool nil)
{
	struct wsman_bits_items *it = arg;
	unsigned d = ++it->depth;
	const struct prop_desc *desc;

	if (it->cause != NULL || it->skip != 0)
		return;
	if (it->inst == 0) {
		item_start(it, local, uri, d);
	} else if (d == it->inst + 1) {
		job_prop_start(it, local, uri, nil, d);
	} else if (it->files != 0 && d == it->files + 1) {
		/* Embedded file properties: local name in any namespace. */
		desc = prop_find(file_props, sizeof(file_props) / sizeof(file_props[0]), local,
		    strlen(local));
		if (desc == NULL)
			it->skip = d;
		else
			prop_begin(it, desc, (char *)&it->job.files[it->job.nfiles - 1] + desc->offset,
			    nil, d);
	}
}

/* Sink: character data; kept only directly inside the property being read. */
static void
items_text(void *arg, const char *s, size_t len)
{
	struct wsman_bits_items *it = arg;

	if (it->cause == NULL && it->skip == 0 && it->prop != 0 && it->depth == it->prop)
		strbuf_add(&it->text, s, len);
}

/* Sink: the latest element ends. */
static void
items_end(void *arg)
{
	struct wsman_bits_items *it = arg;
	unsigned d = it->depth--;

	if (it->cause != NULL)
		return;
	if (it->skip != 0) {
		if (it->skip == d)
			it->skip = 0;
		return;
	}
	if (d == it->prop) {
		prop_end(it);
	} else if (d == it->files) {
		it->files = 0;
	} else if (d == it->inst) {
		if (it->njobs == it->cap) {
			it->cap = it->cap == 0 ? 16 : it->cap * 2;
			it->jobs = xreallocarray(it->jobs, it->cap, sizeof(*it->jobs));
		}
		it->jobs[it->njobs++] = it->job;
		memset(&it->job, 0, sizeof(it->job));
		it->inst = 0;
	} else if (d == it->wrapper) {
		it->wrapper = 0;
	}
}

/* Sink: forget everything read so far (the document is read again). */
static void
items_reset(void *arg)
{
	struct wsman_bits_items *it = arg;

	bits_jobs_free(it->jobs, it->njobs);
	it->jobs = NULL;
	it->njobs = it->cap = 0;
	bits_job_done(&it->job);
	free(it->cause);
	it->cause = NULL;
	it->depth = it->skip = it->wrapper = it->inst = it->files = it->prop = 0;
	it->wrapper_used = false;
}

struct wsman_bits_items *
wsman_bits_items_new(size_t max, size_t have)
{
	struct wsman_bits_items *it = xcalloc(1, sizeof(*it));

	it->max = max;
	it->have = have;
	strbuf_init(&it->inst_uri);
	strbuf_init(&it->text);
	return it;
}

void
wsman_bits_items_sink(struct wsman_bits_items *it, struct wsman_item_sink *sink)
{
	sink->start = items_start;
	sink->text = items_text;
	sink->end = items_end;
	sink->reset = items_reset;
	sink->arg = it;
}

int
wsman_bits_items_take(struct wsman_bits_items *it, struct bits_job **jobs, size_t *njobs,
    char **cause)
{
	if (it->njobs > 0) {
		*jobs = xreallocarray(*jobs, *njobs + it->njobs, sizeof(**jobs));
		memcpy(*jobs + *njobs, it->jobs, it->njobs * sizeof(**jobs));
		*njobs += it->njobs;
		it->njobs = 0;
	}
	if (it->cause != NULL) {
		*cause = it->cause;
		it->cause = NULL;
		return -1;
	}
	return 0;
}

void
wsman_bits_items_free(struct wsman_bits_items *it)
{
	if (it == NULL)
		return;
	bits_jobs_free(it->jobs, it->njobs);
	bits_job_done(&it->job);
	strbuf_done(&it->inst_uri);
	strbuf_done(&it->text);
	free(it->cause);
	free(it);
}

size_t
wsman_bits_items_count(const struct wsman_bits_items *it)
{
	return it->njobs;
}

void
wsman_bits_items_set_hash(struct wsman_bits_items *it, size_t i, uint64_t hash)
{
	if (i < it->njobs)
		it->jobs[i].wire_hash = hash;
}

void
wsman_bits_items_add_reused(struct wsman_bits_items *it, uint64_t hash)
{
	struct bits_job *job;

	if (it->njobs == it->cap) {
		it->cap = it->cap ? it->cap * 2 : 16;
		it->jobs = xreallocarray(it->jobs, it->cap, sizeof(*it->jobs));
	}
	job = &it->jobs[it->njobs++];
	memset(job, 0, sizeof(*job));
	job->wire_hash = hash;
	job->wire_reused = true;
}

/* Replay a tree as sink events: the element, its text and its elements, in order. */
static void
walk(xmlNodePtr el, const struct wsman_item_sink *sink)
{
	sink->start(sink->arg, (const char *)el->name,
	    el->ns != NULL ? (const char *)el->ns->href : NULL, wsman_parse_xml_is_nil(el));
	for (xmlNodePtr c = el->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			walk(c, sink);
		else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			sink->text(sink->arg, (const char *)c->content, strlen((const char *)c->content));
	}
	sink->end(sink->arg);
}

int
wsman_bits_from_xml(xmlNodePtr inst, struct bits_job *job, char **cause)
{
	struct wsman_bits_items *it = wsman_bits_items_new(1, 0);
	struct wsman_item_sink sink;
	int rc = 0;

	memset(job, 0, sizeof(*job));
	it->single = true;
	wsman_bits_items_sink(it, &sink);
	walk(inst, &sink);
	if (it->cause != NULL) {
		*cause = it->cause;
		it->cause = NULL;
		rc = -1;
	} else if (it->njobs == 1) {
		*job = it->jobs[0];
		it->njobs = 0;
	}
	wsman_bits_items_free(it);
	return rc;
}

/*
 * A uint32 out-parameter (ReturnValue, ErrorCode...); missing or nil leaves *v
 * at 0 (some methods return an empty _OUTPUT). what names it in the error:
 * "ReturnValue 'x' is not a 32-bit code".
 */
static int
out_code(xmlNodePtr output, const char *name, const char *what, uint32_t *v, char **cause)
{
	xmlNodePtr c = wsman_parse_xml_child_any(output, name);
	char *s;

	*v = 0;
	if (c == NULL || wsman_parse_xml_is_nil(c))
		return 0;
	s = wsman_parse_xml_text(c);
	if (wsman_parse_code(s, v) != 0) {
		char *q = quoted(s);

		*cause = xasprintf("%s %s is not a 32-bit %s", name, q, what);
		free(q);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

int
wsman_bits_return_value(xmlNodePtr output, uint32_t *rv, char **cause)
{
	return out_code(output, "ReturnValue", "code", rv, cause);
}

char *
wsman_bits_out_string(xmlNodePtr output, const char *name)
{
	xmlNodePtr c = wsman_parse_xml_child_any(output, name);

	if (c == NULL || wsman_parse_xml_is_nil(c))
		return NULL;
	return wsman_parse_xml_text(c);
}

int
wsman_bits_error_info(xmlNodePtr output, struct bits_error_info *info, char **cause)
{
	memset(info, 0, sizeof(*info));
	if (out_code(output, "ErrorContext", "number", &info->error_context, cause) != 0 ||
	    out_code(output, "ErrorCode", "number", &info->error_code, cause) != 0)
		return -1;
	info->context_description = wsman_bits_out_string(output, "ContextDescription");
	info->error_description = wsman_bits_out_string(output, "ErrorDescription");
	return 0;
}

/* True when the property element belongs to the instance (same namespace, or none). */
static bool
same_ns(xmlNodePtr inst, xmlNodePtr prop)
{
	const xmlChar *a = inst->ns != NULL ? inst->ns->href : NULL;
	const xmlChar *b = prop->ns != NULL ? prop->ns->href : NULL;

	return b == NULL || (a != NULL && xmlStrEqual(a, b));
}

char *
wsman_bits_rewrite_property(xmlNodePtr inst, const char *name, const char *value)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr copy, c, target = NULL;
	xmlBufferPtr buf;
	char *out;

	/* Copying into a fresh document re-declares the namespaces the instance uses. */
	copy = xmlDocCopyNode(inst, doc, 1);
	xmlDocSetRootElement(doc, copy);
	for (c = wsman_parse_xml_first(copy); c != NULL; c = wsman_parse_xml_next(c))
		if (same_ns(copy, c) && strcasecmp((const char *)c->name, name) == 0) {
			target = c;
			break;
		}
	if (target == NULL)
		target = xmlNewChild(copy, copy->ns, (const xmlChar *)name, NULL);
	else {
		xmlAttrPtr nil = xmlHasNsProp(target, (const xmlChar *)"nil", (const xmlChar *)WSMAN_NS_XSI);

		if (nil != NULL)
			xmlRemoveProp(nil);
		xmlNodeSetContent(target, NULL);
	}
	xmlNodeAddContent(target, (const xmlChar *)value);
	buf = xmlBufferCreate();
	xmlNodeDump(buf, doc, copy, 0, 0);
	out = xstrdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

int
wsman_bits_take_items(const struct wsman_response *r, struct bits_job **jobs, size_t *njobs,
    size_t max, char **cause)
{
	struct wsman_bits_items *it = wsman_bits_items_new(max, *njobs);
	struct wsman_item_sink sink;
	int rc;

	wsman_bits_items_sink(it, &sink);
	for (xmlNodePtr c = wsman_parse_xml_first(r->items); c != NULL && it->cause == NULL;
	    c = wsman_parse_xml_next(c))
		walk(c, &sink);
	rc = wsman_bits_items_take(it, jobs, njobs, cause);
	wsman_bits_items_free(it);
	return rc;
}
