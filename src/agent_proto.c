#include "config.h"

#include "src/agent_proto.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "src/xalloc.h"

#define END_MARKER "@@BITSTOP-END "
/* Longest server text kept in a message. */
#define MESSAGE_MAX 400

/* The agent's op name for each action kind (declared once, indexed by kind). */
static const char *const action_ops[ACTION_COUNT] = {
	[ACTION_CANCEL] = "cancel", [ACTION_COMPLETE] = "complete", [ACTION_RESUME] = "resume",
	[ACTION_SUSPEND] = "suspend", [ACTION_PRIORITY] = "priority", [ACTION_CREATE] = "create",
	[ACTION_GET_ERROR] = "get_error",
};

/* BitsTransfer's enum names, indexed like the model's enums. */
static const char *const state_names[BITS_STATE_COUNT] = {
	"Queued", "Connecting", "Transferring", "Suspended", "Error", "TransientError",
	"Transferred", "Acknowledged", "Cancelled",
};
static const char *const priority_names[BITS_PRIORITY_COUNT] = {
	"Foreground", "High", "Normal", "Low",
};
static const char *const context_names[BITS_CTX_COUNT] = {
	"None", "Unknown", "GeneralQueueManager", "QueueManagerNotification", "LocalFile",
	"RemoteFile", "GeneralTransport", "RemoteApplication",
};

/* Index of name in a table (case-insensitive), or -1. */
static int
name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name != NULL && i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

char *
agent_request_line(unsigned seq, const struct action_req *req, bool system)
{
	json_object *o = json_object_new_object();
	char *line;

	json_object_object_add(o, "v", json_object_new_int(AGENT_PROTO_VERSION));
	json_object_object_add(o, "seq", json_object_new_int64(seq));
	if (req == NULL) {
		json_object_object_add(o, "op", json_object_new_string("list"));
	} else {
		if ((unsigned)req->kind >= ACTION_COUNT ||
		    (req->kind == ACTION_CREATE ? (req->display_name == NULL ||
		    req->remote_url == NULL || req->local_file == NULL || req->type > BITS_TYPE_UPLOAD) :
		    req->job_id == NULL) ||
		    (req->kind == ACTION_PRIORITY && req->priority >= BITS_PRIORITY_COUNT)) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, "op", json_object_new_string(action_ops[req->kind]));
		if (req->kind == ACTION_CREATE) {
			json_object_object_add(o, "name", json_object_new_string(req->display_name));
			json_object_object_add(o, "url", json_object_new_string(req->remote_url));
			json_object_object_add(o, "local", json_object_new_string(req->local_file));
			json_object_object_add(o, "type", json_object_new_string(
			    req->type == BITS_TYPE_UPLOAD ? "upload" : "download"));
			if (req->suspended)	/* Start-BitsTransfer -Suspended */
				json_object_object_add(o, "suspended", json_object_new_boolean(1));
		} else {
			json_object_object_add(o, "id", json_object_new_string(req->job_id));
		}
		if (req->kind == ACTION_PRIORITY)
			json_object_object_add(o, "priority",
			    json_object_new_string(priority_names[req->priority]));
		json_object_object_add(o, "system", json_object_new_boolean(system));
	}
	line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return line;
}

char *
agent_request_get_line(unsigned seq, const char *job_id)
{
	json_object *o;
	char *line;

	if (job_id == NULL)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "v", json_object_new_int(AGENT_PROTO_VERSION));
	json_object_object_add(o, "seq", json_object_new_int64(seq));
	json_object_object_add(o, "op", json_object_new_string("get"));
	json_object_object_add(o, "id", json_object_new_string(job_id));
	line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return line;
}

void
agent_reader_init(struct agent_reader *r)
{
	strbuf_init(&r->buf);
}

void
agent_reader_done(struct agent_reader *r)
{
	strbuf_done(&r->buf);
}

void
agent_reader_reset(struct agent_reader *r)
{
	strbuf_reset(&r->buf);
}

int
agent_reader_feed(struct agent_reader *r, const char *data, size_t len)
{
	if (len > AGENT_MAX_BUFFER - r->buf.len)
		return -1;
	strbuf_add(&r->buf, data, len);
	return 0;
}

/* Drop the first n bytes of the buffer. */
static void
reader_consume(struct agent_reader *r, size_t n)
{
	memmove(r->buf.s, r->buf.s + n, r->buf.len - n);
	r->buf.len -= n;
	r->buf.s[r->buf.len] = '\0';
}

int
agent_reader_take(struct agent_reader *r, unsigned seq, char **line)
{
	for (;;) {
		char *m = memmem(r->buf.s, r->buf.len, END_MARKER, sizeof END_MARKER - 1);
		char *eol, *end;
		const char *start, *last;
		unsigned long got;

		if (m == NULL)
			return 0;
		eol = memchr(m, '\n', r->buf.len - (size_t)(m - r->buf.s));
		if (eol == NULL)
			return 0;	/* the marker line is not complete yet */
		errno = 0;
		got = strtoul(m + sizeof END_MARKER - 1, &end, 10);
		if (errno != 0 || got != seq || strncmp(end, "@@", 2) != 0) {
			/* an earlier request's answer, or noise: drop it */
			reader_consume(r, (size_t)(eol + 1 - r->buf.s));
			continue;
		}
		/* the answer is the last non-empty line before the marker */
		last = m;
		while (last > r->buf.s && (last[-1] == '\n' || last[-1] == '\r'))
			last--;
		start = last;
		while (start > r->buf.s && start[-1] != '\n')
			start--;
		*line = xstrndup(start, (size_t)(last - start));
		reader_consume(r, (size_t)(eol + 1 - r->buf.s));
		return 1;
	}
}

/* A string member (NULL when absent, null or not a string). */
static const char *
get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A text property: set, nil (JSON null) or absent. */
static void
get_text(json_object *o, const char *key, struct bits_text *t)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		t->p = BITS_ABSENT;
	} else if (v == NULL) {
		t->p = BITS_NIL;
	} else if (json_object_is_type(v, json_type_string)) {
		t->p = BITS_SET;
		t->s = xstrdup(json_object_get_string(v));
	} else {
		t->p = BITS_ABSENT;
	}
}

/* A non-negative integer property; false when present but not one. */
static bool
get_u64(json_object *o, const char *key, struct bits_u64 *u)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		u->p = BITS_ABSENT;
		return true;
	}
	if (!json_object_is_type(v, json_type_int))
		return false;
	/* json-c keeps values past INT64_MAX as unsigned; negative ones are refused */
	if (json_object_get_int64(v) < 0)
		return false;
	u->v = json_object_get_uint64(v);
	u->p = BITS_SET;
	return true;
}

/* An enum property by its BitsTransfer name; false when present but unknown. */
static bool
get_enum(json_object *o, const char *key, const char *const *names, size_t n, struct bits_u64 *u)
{
	const char *s = get_str(o, key);
	int i;

	if (s == NULL) {
		u->p = BITS_ABSENT;
		return true;
	}
	if ((i = name_index(names, n, s)) < 0)
		return false;
	u->p = BITS_SET;
	u->v = (uint64_t)i;
	return true;
}

/* An ISO 8601 UTC time ("2026-11-21T09:58:12.1234567Z") as FILETIME; null is absent. */
static bool
get_time(json_object *o, const char *key, struct bits_u64 *u)
{
	const char *s = get_str(o, key);
	struct tm tm = { 0 };
	int n = 0;
	uint64_t frac = 0, scale = 10000000;
	time_t t;

	u->p = BITS_ABSENT;
	if (s == NULL)
		return true;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return false;
	s += n;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
	}
	if (strcmp(s, "Z") != 0 || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return false;
	u->p = BITS_SET;
	u->v = bits_unix_to_filetime(t) + frac;
	return true;
}

/* One file of a job's FileList. */
static bool
file_from_json(json_object *o, struct bits_file *f)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object))
		return false;
	get_text(o, "RemoteName", &f->remote_url);
	get_text(o, "LocalName", &f->local_file);
	if (json_object_object_get_ex(o, "IsTransferComplete", &v) &&
	    json_object_is_type(v, json_type_boolean)) {
		f->completed.p = BITS_SET;
		f->completed.v = json_object_get_boolean(v);
	}
	return get_u64(o, "BytesTotal", &f->bytes_total) &&
	    get_u64(o, "BytesTransferred", &f->bytes_transferred);
}

/* One job; false (and *what set) when a property has the wrong type. */
static bool
job_from_json(json_object *o, struct bits_job *j, const char **what)
{
	json_object *files;

	if (!json_object_is_type(o, json_type_object))
		return *what = "a job that is not an object", false;
	get_text(o, "JobId", &j->job_id);
	get_text(o, "DisplayName", &j->display_name);
	get_text(o, "Description", &j->description);
	get_text(o, "OwnerAccount", &j->owner);
	if (j->job_id.p != BITS_SET)
		return *what = "a job without a JobId", false;
	if (!get_enum(o, "JobState", state_names, BITS_STATE_COUNT, &j->state))
		return *what = "an unknown JobState", false;
	if (!get_enum(o, "Priority", priority_names, BITS_PRIORITY_COUNT, &j->priority))
		return *what = "an unknown Priority", false;
	if (!get_u64(o, "BytesTotal", &j->bytes_total) ||
	    !get_u64(o, "BytesTransferred", &j->bytes_transferred) ||
	    !get_u64(o, "FilesTotal", &j->files_total) ||
	    !get_u64(o, "FilesTransferred", &j->files_transferred) ||
	    !get_u64(o, "TransientErrorCount", &j->transient_error_count) ||
	    !get_u64(o, "RetryInterval", &j->minimum_retry_delay) ||
	    !get_u64(o, "RetryTimeout", &j->no_progress_timeout))
		return *what = "a count that is not a non-negative integer", false;
	if (!get_time(o, "CreationTime", &j->creation_time) ||
	    !get_time(o, "ModificationTime", &j->modification_time) ||
	    !get_time(o, "TransferCompletionTime", &j->completion_time))
		return *what = "a time that is not ISO 8601 UTC", false;
	if (json_object_object_get_ex(o, "FileList", &files) &&
	    json_object_is_type(files, json_type_array)) {
		size_t n = json_object_array_length(files);

		j->files_p = BITS_SET;
		j->files = xcalloc(n ? n : 1, sizeof *j->files);
		for (size_t i = 0; i < n; i++) {
			if (!file_from_json(json_object_array_get_idx(files, i), &j->files[i]))
				return *what = "a malformed FileList entry", false;
			j->nfiles++;
		}
	}
	return true;
}

/* The error block of a job, for get_error. */
static void
error_info_from_json(json_object *o, struct bits_error_info *e)
{
	json_object *v;
	const char *s;

	e->error_context = (uint32_t)(name_index(context_names, BITS_CTX_COUNT,
	    get_str(o, "ErrorContext")) < 0 ? 0 : name_index(context_names, BITS_CTX_COUNT,
	    get_str(o, "ErrorContext")));
	if (json_object_object_get_ex(o, "InternalErrorCode", &v) &&
	    json_object_is_type(v, json_type_int))
		e->error_code = (uint32_t)json_object_get_int64(v);
	if ((s = get_str(o, "ErrorContextDescription")) != NULL)
		e->context_description = xstrdup(s);
	if ((s = get_str(o, "ErrorDescription")) != NULL)
		e->error_description = xstrdup(s);
}

/* The first line of s, cut to MESSAGE_MAX bytes, malloc'd. */
static char *
one_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");

	return xstrndup(s, n < MESSAGE_MAX ? n : MESSAGE_MAX);
}

int
agent_answer_parse(const char *line, unsigned seq, struct agent_answer *a, char **cause)
{
	json_tokener *tok = json_tokener_new_ex(16);
	json_object *o, *v, *jobs;
	const char *what = NULL, *s;
	int64_t got;

	memset(a, 0, sizeof *a);
	o = json_tokener_parse_ex(tok, line, (int)strnlen(line, AGENT_MAX_BUFFER));
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset < (int)strlen(line)) {
		*cause = xasprintf("the agent's answer is not one JSON document (%s)",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(o);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object))
		what = "an answer that is not an object";
	else if (!json_object_object_get_ex(o, "v", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != AGENT_PROTO_VERSION)
		what = "an answer of another protocol version";
	else if (!json_object_object_get_ex(o, "seq", &v) || !json_object_is_type(v, json_type_int) ||
	    (got = json_object_get_int64(v)) != (int64_t)seq)
		what = "an answer to another request";
	else if (!json_object_object_get_ex(o, "ok", &v) || !json_object_is_type(v, json_type_boolean))
		what = "an answer without \"ok\"";
	if (what != NULL)
		goto bad;
	a->ok = json_object_get_boolean(v);
	if (!a->ok) {
		unsigned long hr;
		char *end;

		s = get_str(o, "hresult");
		errno = 0;
		hr = s != NULL ? strtoul(s, &end, 16) : 0;
		if (s == NULL || errno != 0 || *end != '\0' || hr > UINT32_MAX) {
			what = "a failure without an HRESULT";
			goto bad;
		}
		a->hresult = (uint32_t)hr;
		s = get_str(o, "message");
		a->message = one_line(s != NULL ? s : "");
		json_object_put(o);
		return 0;
	}
	s = get_str(o, "via");
	a->via_system_task = s != NULL && strcmp(s, "system_task") == 0;
	if ((s = get_str(o, "id")) != NULL)
		a->job_id = xstrdup(s);
	if (json_object_object_get_ex(o, "jobs", &jobs)) {
		size_t n;

		if (!json_object_is_type(jobs, json_type_array)) {
			what = "\"jobs\" that is not an array";
			goto bad;
		}
		n = json_object_array_length(jobs);
		a->jobs = xcalloc(n ? n : 1, sizeof *a->jobs);
		for (size_t i = 0; i < n; i++) {
			json_object *jo = json_object_array_get_idx(jobs, i);

			a->njobs++;
			if (!job_from_json(jo, &a->jobs[i], &what))
				goto bad;
			if (i == 0) {
				a->has_error_info = true;
				error_info_from_json(jo, &a->error_info);
			}
		}
	}
	json_object_put(o);
	return 0;
bad:
	*cause = xasprintf("the agent sent %s", what);
	json_object_put(o);
	agent_answer_done(a);
	return -1;
}

void
agent_answer_done(struct agent_answer *a)
{
	free(a->message);
	free(a->job_id);
	bits_jobs_free(a->jobs, a->njobs);
	bits_error_info_done(&a->error_info);
	memset(a, 0, sizeof *a);
}

/* Append CLIXML text (entities and _xHHHH_ escapes decoded, controls as spaces). */
static void
clixml_text(const char *s, size_t n, struct strbuf *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};

	for (size_t i = 0; i < n;) {
		unsigned cp;
		int used = 0;
		bool done = false;

		for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
			size_t el = strlen(ents[k].ent);

			if (n - i >= el && strncmp(s + i, ents[k].ent, el) == 0) {
				strbuf_addc(out, ents[k].c);
				i += el;
				done = true;
			}
		}
		if (done)
			continue;
		if (n - i >= 7 && sscanf(s + i, "_x%4x_%n", &cp, &used) == 1 && used == 7) {
			if (cp < 0x20 || cp == 0x7F)
				strbuf_addc(out, ' ');
			else if (cp < 0x80)
				strbuf_addc(out, (char)cp);
			i += 7;
			continue;
		}
		strbuf_addc(out, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
		i++;
	}
}

void
agent_stderr_text(const char *data, size_t len, struct strbuf *out)
{
	static const char head[] = "#< CLIXML";
	static const char open[] = "<S S=\"Error\">";
	const char *p = data, *end = data + len;
	size_t start = out->len;

	if (len < sizeof head - 1 || memcmp(data, head, sizeof head - 1) != 0) {
		clixml_text(data, len, out);
		goto trim;
	}
	while ((p = memmem(p, (size_t)(end - p), open, sizeof open - 1)) != NULL) {
		struct strbuf piece;
		const char *q, *t;

		p += sizeof open - 1;
		q = memmem(p, (size_t)(end - p), "</S>", 4);
		if (q == NULL)
			break;
		/* one line of the error record; its position lines ("At line:1 char:1",
		 * "+ ...", "    + CategoryInfo ...") are dropped */
		strbuf_init(&piece);
		clixml_text(p, (size_t)(q - p), &piece);
		for (t = piece.s; *t == ' '; t++)
			;
		if (*t != '\0' && *t != '+' && strncmp(t, "At line:", 8) != 0 &&
		    strncmp(t, "At char:", 8) != 0) {
			if (out->len > start)
				strbuf_addc(out, ' ');
			strbuf_adds(out, t);
		}
		strbuf_done(&piece);
		p = q + 4;
	}
trim:
	/* one line: collapse runs of spaces and trim the end */
	{
		size_t w = start;

		for (size_t r = start; r < out->len; r++)
			if (out->s[r] != ' ' || (w > start && out->s[w - 1] != ' '))
				out->s[w++] = out->s[r];
		while (w > start && out->s[w - 1] == ' ')
			w--;
		out->len = w;
		out->s[w] = '\0';
	}
}
