#include "config.h"

#include "src/wsman_bits.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/wsman_msg.h"
#include "src/xalloc.h"

/* Longest piece of server text quoted in an error cause. */
#define QUOTE_MAX 40

/* Kinds of BitsClientJob properties. */
enum prop_type { PROP_TEXT, PROP_U64 };

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

struct prop_desc {
	const char *name;
	enum prop_type type;
	size_t	 offset;
};

static const struct prop_desc job_props[] = {
#define X(n, t, f) { n, t, offsetof(struct bits_job, f) },
	BITS_JOB_PROPS(X)
#undef X
};

/* Quote at most QUOTE_MAX bytes of server text in a cause. */
static char *
quoted(const char *s)
{
	size_t n = strlen(s);

	return n > QUOTE_MAX ? xasprintf("\"%.*s...\"", QUOTE_MAX, s) : xasprintf("\"%s\"", s);
}

/* Read a text property element into t (first occurrence wins). */
static void
read_text(xmlNodePtr el, struct bits_text *t)
{
	if (t->p != BITS_ABSENT)
		return;
	if (wsman_parse_xml_is_nil(el)) {
		t->p = BITS_NIL;
		return;
	}
	t->p = BITS_SET;
	t->s = wsman_parse_xml_text(el);
}

/* Read a uint64 property element into u; -1 with *cause when the value is bad. */
static int
read_u64(xmlNodePtr el, const char *what, struct bits_u64 *u, char **cause)
{
	char *s;

	if (u->p != BITS_ABSENT)
		return 0;
	if (wsman_parse_xml_is_nil(el)) {
		u->p = BITS_NIL;
		return 0;
	}
	s = wsman_parse_xml_text(el);
	if (wsman_parse_u64(s, &u->v) != 0) {
		char *q = quoted(s);

		*cause = xasprintf("%s %s is not an unsigned 64-bit integer", what, q);
		free(q);
		free(s);
		return -1;
	}
	u->p = BITS_SET;
	free(s);
	return 0;
}

/* Read a boolean property element into b. */
static int
read_bool(xmlNodePtr el, const char *what, struct bits_bool *b, char **cause)
{
	char *s;

	if (b->p != BITS_ABSENT)
		return 0;
	if (wsman_parse_xml_is_nil(el)) {
		b->p = BITS_NIL;
		return 0;
	}
	s = wsman_parse_xml_trimmed(el);
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		b->v = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		b->v = false;
	else {
		char *q = quoted(s);

		*cause = xasprintf("%s %s is not a boolean", what, q);
		free(q);
		free(s);
		return -1;
	}
	b->p = BITS_SET;
	free(s);
	return 0;
}

/* Read one embedded BitsClientFile (children matched by local name in any namespace). */
static int
read_file(xmlNodePtr el, struct bits_file *f, char **cause)
{
	xmlNodePtr c;

	for (c = wsman_parse_xml_first(el); c != NULL; c = wsman_parse_xml_next(c)) {
		const char *n = (const char *)c->name;
		int rc = 0;

		if (strcasecmp(n, "RemoteUrl") == 0)
			read_text(c, &f->remote_url);
		else if (strcasecmp(n, "LocalFile") == 0)
			read_text(c, &f->local_file);
		else if (strcasecmp(n, "BytesTotal") == 0)
			rc = read_u64(c, "file BytesTotal", &f->bytes_total, cause);
		else if (strcasecmp(n, "BytesTransferred") == 0)
			rc = read_u64(c, "file BytesTransferred", &f->bytes_transferred, cause);
		else if (strcasecmp(n, "Completed") == 0)
			rc = read_bool(c, "file Completed", &f->completed, cause);
		if (rc != 0)
			return -1;
	}
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

/* Append one Files element to the job. */
static int
read_files_entry(xmlNodePtr el, struct bits_job *job, char **cause)
{
	struct bits_file *f;

	if (wsman_parse_xml_is_nil(el)) {
		if (job->files_p == BITS_ABSENT)
			job->files_p = BITS_NIL;
		return 0;
	}
	job->files_p = BITS_SET;
	job->files = xreallocarray(job->files, job->nfiles + 1, sizeof(*job->files));
	f = &job->files[job->nfiles++];
	memset(f, 0, sizeof(*f));
	return read_file(el, f, cause);
}

int
wsman_bits_from_xml(xmlNodePtr inst, struct bits_job *job, char **cause)
{
	xmlNodePtr c;
	size_t i;

	memset(job, 0, sizeof(*job));
	for (c = wsman_parse_xml_first(inst); c != NULL; c = wsman_parse_xml_next(c)) {
		const char *n = (const char *)c->name;
		int rc = 0;

		if (!same_ns(inst, c))
			continue;	/* e.g. cim:Location */
		if (strcasecmp(n, "Files") == 0) {
			rc = read_files_entry(c, job, cause);
		} else {
			for (i = 0; i < sizeof(job_props) / sizeof(job_props[0]); i++) {
				void *field = (char *)job + job_props[i].offset;

				if (strcasecmp(n, job_props[i].name) != 0)
					continue;
				if (job_props[i].type == PROP_TEXT)
					read_text(c, field);
				else
					rc = read_u64(c, job_props[i].name, field, cause);
				break;
			}
		}
		if (rc != 0) {
			bits_job_done(job);
			return -1;
		}
	}
	return 0;
}

int
wsman_bits_return_value(xmlNodePtr output, uint32_t *rv, char **cause)
{
	xmlNodePtr c = wsman_parse_xml_child_any(output, "ReturnValue");
	char *s;

	*rv = 0;
	if (c == NULL || wsman_parse_xml_is_nil(c))
		return 0;	/* some methods return an empty _OUTPUT (wsman-bits.md §2.6.2) */
	s = wsman_parse_xml_text(c);
	if (wsman_parse_code(s, rv) != 0) {
		char *q = quoted(s);

		*cause = xasprintf("ReturnValue %s is not a 32-bit code", q);
		free(q);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

char *
wsman_bits_out_string(xmlNodePtr output, const char *name)
{
	xmlNodePtr c = wsman_parse_xml_child_any(output, name);

	if (c == NULL || wsman_parse_xml_is_nil(c))
		return NULL;
	return wsman_parse_xml_text(c);
}

/* A uint32 out-parameter; missing or nil leaves *v at 0. */
static int
out_code(xmlNodePtr output, const char *name, uint32_t *v, char **cause)
{
	xmlNodePtr c = wsman_parse_xml_child_any(output, name);
	char *s;

	*v = 0;
	if (c == NULL || wsman_parse_xml_is_nil(c))
		return 0;
	s = wsman_parse_xml_text(c);
	if (wsman_parse_code(s, v) != 0) {
		char *q = quoted(s);

		*cause = xasprintf("%s %s is not a 32-bit number", name, q);
		free(q);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

int
wsman_bits_error_info(xmlNodePtr output, struct bits_error_info *info, char **cause)
{
	memset(info, 0, sizeof(*info));
	if (out_code(output, "ErrorContext", &info->error_context, cause) != 0 ||
	    out_code(output, "ErrorCode", &info->error_code, cause) != 0)
		return -1;
	info->context_description = wsman_bits_out_string(output, "ContextDescription");
	info->error_description = wsman_bits_out_string(output, "ErrorDescription");
	return 0;
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
	xmlNodePtr *items;
	size_t n, i;
	int rc = 0;

	items = wsman_response_items(r, &n);
	for (i = 0; i < n && rc == 0; i++) {
		struct bits_job job;

		if (strcmp((const char *)items[i]->name, "BitsClientJob") != 0) {
			*cause = xasprintf("the enumeration returned a <%.*s> item, not a BitsClientJob",
			    QUOTE_MAX, (const char *)items[i]->name);
			rc = -1;
		} else if (*njobs >= max) {
			*cause = xasprintf("the enumeration returned more than %zu jobs; abandoned", max);
			rc = -1;
		} else if (wsman_bits_from_xml(items[i], &job, cause) != 0) {
			char *inner = *cause;

			*cause = xasprintf("BitsClientJob instance: %s", inner);
			free(inner);
			rc = -1;
		} else {
			*jobs = xreallocarray(*jobs, *njobs + 1, sizeof(**jobs));
			(*jobs)[(*njobs)++] = job;
		}
	}
	free(items);
	return rc;
}
