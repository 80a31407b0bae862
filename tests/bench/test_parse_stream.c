/*
 * The streamed parse of enumeration items (wsman_parse_enumeration with the
 * wsman_bits_items sink, what the poller uses) reads exactly what the tree
 * parse reads (wsman_parse_response + wsman_bits_take_items).
 *
 * Protects the benchmark's optimisation of the parse path: on every fixture,
 * on hand-made documents with the awkward shapes (w:Item wrappers and EPRs,
 * xsi:nil, undeclared prefixes, elements nested in properties, comments, CDATA,
 * entities, a second Items, items outside an enumeration, foreign namespaces,
 * bad numbers and booleans, the job limit) and on thousands of random
 * mutations of real enumeration bodies, both paths give the same parse result
 * or error message, the same response fields, and the same jobs (every
 * property, presence included) or the same item error.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/strbuf.h"
#include "src/wsman_bits.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"
#include "tests/wsman_test_util.h"

#define CT "application/soap+xml;charset=UTF-8"

/* What one way of parsing gave. */
struct outcome {
	int	 rc;			/* parse */
	char	*cause;
	enum wsman_body_kind kind;
	bool	 has_context, eos;
	char	*context, *action, *relates_to;
	int	 take_rc;		/* items */
	char	*take_cause;
	struct bits_job *jobs;
	size_t	 njobs;
};

/* A string or a marker for NULL, for comparisons. */
static const char *
str(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* The tree way: a full tree, then the items read from it. */
static void
by_tree(const char *doc, size_t len, size_t max, struct outcome *o)
{
	struct wsman_response r;

	memset(o, 0, sizeof *o);
	o->rc = wsman_parse_response(&r, doc, len, CT, 0, &o->cause);
	if (o->rc != 0)
		return;
	o->kind = r.kind;
	o->has_context = r.has_context;
	o->eos = r.end_of_sequence;
	o->context = r.context != NULL ? xstrdup(r.context) : NULL;
	o->action = r.action != NULL ? xstrdup(r.action) : NULL;
	o->relates_to = r.relates_to != NULL ? xstrdup(r.relates_to) : NULL;
	o->take_rc = wsman_bits_take_items(&r, &o->jobs, &o->njobs, max, &o->take_cause);
	wsman_response_done(&r);
}

/* The streamed way the poller takes. */
static void
by_stream(const char *doc, size_t len, size_t max, struct outcome *o)
{
	struct wsman_bits_items *items = wsman_bits_items_new(max, 0);
	struct wsman_item_sink sink;
	struct wsman_response r;

	memset(o, 0, sizeof *o);
	wsman_bits_items_sink(items, &sink);
	o->rc = wsman_parse_enumeration(&r, doc, len, CT, 0, &sink, &o->cause);
	if (o->rc == 0) {
		o->kind = r.kind;
		o->has_context = r.has_context;
		o->eos = r.end_of_sequence;
		o->context = r.context != NULL ? xstrdup(r.context) : NULL;
		o->action = r.action != NULL ? xstrdup(r.action) : NULL;
		o->relates_to = r.relates_to != NULL ? xstrdup(r.relates_to) : NULL;
		o->take_rc = wsman_bits_items_take(items, &o->jobs, &o->njobs, &o->take_cause);
		/* Nothing of the items is left in the tree. */
		assert_null(wsman_parse_xml_first(r.items));
		wsman_response_done(&r);
	}
	wsman_bits_items_free(items);
}

static void
outcome_done(struct outcome *o)
{
	free(o->cause);
	free(o->context);
	free(o->action);
	free(o->relates_to);
	free(o->take_cause);
	bits_jobs_free(o->jobs, o->njobs);
}

/* Two text properties are the same (presence and bytes). */
static bool
text_eq(const struct bits_text *a, const struct bits_text *b)
{
	return a->p == b->p && (a->p != BITS_SET || strcmp(a->s, b->s) == 0);
}

static bool
u64_eq(const struct bits_u64 *a, const struct bits_u64 *b)
{
	return a->p == b->p && (a->p != BITS_SET || a->v == b->v);
}

/* Two jobs are the same, property by property, files included. */
static bool
job_eq(const struct bits_job *a, const struct bits_job *b)
{
	if (!text_eq(&a->job_id, &b->job_id) || !text_eq(&a->display_name, &b->display_name) ||
	    !text_eq(&a->description, &b->description) || !text_eq(&a->owner, &b->owner))
		return false;
	if (!u64_eq(&a->state, &b->state) || !u64_eq(&a->priority, &b->priority) ||
	    !u64_eq(&a->minimum_retry_delay, &b->minimum_retry_delay) ||
	    !u64_eq(&a->no_progress_timeout, &b->no_progress_timeout) ||
	    !u64_eq(&a->creation_time, &b->creation_time) ||
	    !u64_eq(&a->modification_time, &b->modification_time) ||
	    !u64_eq(&a->completion_time, &b->completion_time) ||
	    !u64_eq(&a->bytes_total, &b->bytes_total) ||
	    !u64_eq(&a->bytes_transferred, &b->bytes_transferred) ||
	    !u64_eq(&a->files_total, &b->files_total) ||
	    !u64_eq(&a->files_transferred, &b->files_transferred) ||
	    !u64_eq(&a->transient_error_count, &b->transient_error_count))
		return false;
	if (a->files_p != b->files_p || a->nfiles != b->nfiles)
		return false;
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct bits_file *x = &a->files[i], *y = &b->files[i];

		if (!text_eq(&x->remote_url, &y->remote_url) || !text_eq(&x->local_file, &y->local_file) ||
		    !u64_eq(&x->bytes_total, &y->bytes_total) ||
		    !u64_eq(&x->bytes_transferred, &y->bytes_transferred) ||
		    x->completed.p != y->completed.p ||
		    (x->completed.p == BITS_SET && x->completed.v != y->completed.v))
			return false;
	}
	return true;
}

/* Both ways agree on doc; returns the number of jobs read (for coverage counts). */
static size_t
check_same(const char *what, const char *doc, size_t len, size_t max)
{
	struct outcome t, s;
	size_t n;

	by_tree(doc, len, max, &t);
	by_stream(doc, len, max, &s);
	if (t.rc != s.rc || strcmp(str(t.cause), str(s.cause)) != 0)
		fail_msg("%s: parse differs: tree %d %s, stream %d %s", what, t.rc, str(t.cause), s.rc,
		    str(s.cause));
	if (t.kind != s.kind || t.has_context != s.has_context || t.eos != s.eos ||
	    strcmp(str(t.context), str(s.context)) != 0 || strcmp(str(t.action), str(s.action)) != 0 ||
	    strcmp(str(t.relates_to), str(s.relates_to)) != 0)
		fail_msg("%s: response fields differ", what);
	if (t.take_rc != s.take_rc || strcmp(str(t.take_cause), str(s.take_cause)) != 0)
		fail_msg("%s: items differ: tree %d %s, stream %d %s", what, t.take_rc,
		    str(t.take_cause), s.take_rc, str(s.take_cause));
	if (t.njobs != s.njobs)
		fail_msg("%s: %zu jobs by the tree, %zu streamed", what, t.njobs, s.njobs);
	for (size_t i = 0; i < t.njobs; i++)
		if (!job_eq(&t.jobs[i], &s.jobs[i]))
			fail_msg("%s: job %zu differs", what, i);
	n = t.njobs;
	outcome_done(&t);
	outcome_done(&s);
	return n;
}

/* Every XML fixture of a directory. */
static size_t
check_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t files = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t len, nlen = strlen(e->d_name);
		char *doc;

		if (nlen < 5 || strcmp(e->d_name + nlen - 4, ".xml") != 0)
			continue;
		doc = test_fixture(dir, e->d_name, &len);
		check_same(e->d_name, doc, len, 100000);
		check_same(e->d_name, doc, len, 0);
		free(doc);
		files++;
	}
	closedir(d);
	return files;
}

/* Every fixture, with and without room for jobs. */
static void
test_fixtures_agree(void **state)
{
	(void)state;
	assert_true(check_dir(BITS_DIR) > 10);
	assert_true(check_dir(REAL_DIR) > 10);
}

#define ENV_HEAD "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" " \
	"xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" " \
	"xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" " \
	"xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" " \
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" " \
	"xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob\">" \
	"<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse</a:Action>" \
	"</s:Header><s:Body>"
#define JOB(inner) "<p:BitsClientJob>" inner "</p:BitsClientJob>"
#define PULL(items) ENV_HEAD "<n:PullResponse><n:EnumerationContext>c1</n:EnumerationContext>" \
	"<n:Items>" items "</n:Items><n:EndOfSequence/></n:PullResponse></s:Body></s:Envelope>"

/* Shapes a hostile or unusual server may send. */
static const char *const shapes[] = {
	PULL(JOB("<p:JobId>{A}</p:JobId><p:State>2</p:State>")),
	PULL(JOB("<p:JobId xsi:nil=\"true\"/><p:Owner xsi:nil=\" 1\">x</p:Owner>"
	    "<p:Description xsi:nil=\"false\">d</p:Description>")),
	PULL(JOB("<p:JobId>{A}</p:JobId><p:JobId>{B}</p:JobId><p:STATE> 3 </p:STATE>")),
	PULL(JOB("<p:DisplayName>a<x>hidden</x>b<!-- c --><?pi x?>c<![CDATA[<d>]]>&amp;&#233;</p:DisplayName>")),
	PULL(JOB("<q:JobId>{undeclared}</q:JobId><p:State>1</p:State>")),
	PULL("<q:BitsClientJob><p:JobId>{A}</p:JobId></q:BitsClientJob>"),
	PULL(JOB("<JobId>{no namespace}</JobId><c:State xmlns:c=\"urn:other\">5</c:State>")),
	PULL(JOB("<p:Files xsi:nil=\"true\"/><p:Files><x:RemoteUrl xmlns:x=\"urn:any\">u</x:RemoteUrl>"
	    "<p:completed> TRUE </p:completed><LocalFile>l<i>j</i></LocalFile><p:BytesTotal>7</p:BytesTotal>"
	    "<p:Nested><p:BytesTransferred>9</p:BytesTransferred></p:Nested></p:Files><p:Files/>")),
	PULL(JOB("<p:Files><p:Completed>yes</p:Completed></p:Files>")),
	PULL(JOB("<p:Files><p:Completed> 1 </p:Completed><p:BytesTotal>x</p:BytesTotal></p:Files>")),
	PULL(JOB("<p:BytesTotal>18446744073709551616</p:BytesTotal>")),
	PULL(JOB("<p:BytesTotal>-1</p:BytesTotal>")),
	PULL(JOB("<p:BytesTotal></p:BytesTotal>")),
	PULL(JOB("<p:BytesTotal>\n 12 \t</p:BytesTotal><p:Priority>0x2</p:Priority>")),
	PULL("<w:Item><a:EndpointReference><a:Address>x</a:Address></a:EndpointReference>"
	    JOB("<p:JobId>{W}</p:JobId>") "<p:BitsClientJob><p:JobId>{second}</p:JobId></p:BitsClientJob>"
	    "</w:Item><w:Item><a:EndpointReference/></w:Item><w:Item>" JOB("<p:JobId>{W2}</p:JobId>")
	    "<a:EndpointReference/></w:Item>"),
	PULL("<w:Item><p:Other/></w:Item>"),
	PULL("text<!-- c -->" JOB("") "<p:Win32_Service/>" JOB("<p:JobId>{late}</p:JobId>")),
	PULL(JOB("<p:JobId>{1}</p:JobId>") JOB("<p:JobId>{2}</p:JobId>") JOB("<p:JobId>{3}</p:JobId>")),
	ENV_HEAD "<n:PullResponse><w:Items>" JOB("<p:JobId>{first}</p:JobId>") "</w:Items><n:Items>"
	    JOB("<p:JobId>{second Items}</p:JobId>") "</n:Items></n:PullResponse></s:Body></s:Envelope>",
	ENV_HEAD "<n:ReleaseResponse/><n:PullResponse><n:Items>" JOB("<p:JobId>{not first}</p:JobId>")
	    "</n:Items></n:PullResponse></s:Body></s:Envelope>",
	ENV_HEAD "<n:PullResponse><n:X><n:Items>" JOB("<p:JobId>{deep}</p:JobId>")
	    "</n:Items></n:X></n:PullResponse></s:Body><s:Body><n:PullResponse><n:Items>"
	    JOB("<p:JobId>{second body}</p:JobId>") "</n:Items></n:PullResponse></s:Body></s:Envelope>",
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><x:PullResponse "
	    "xmlns:x=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"><x:Items><y:BitsClientJob "
	    "xmlns:y=\"urn:y\"><y:JobId>{y}</y:JobId></y:BitsClientJob></x:Items></x:PullResponse>"
	    "</s:Body></s:Envelope>",
	PULL(JOB("<p:JobId>{A}</p:JobId>") "<p:BitsClientJob><p:JobId>{unclosed}</p:JobId>"),
	"<!DOCTYPE s:Envelope [<!ENTITY e \"x\">]>" PULL(JOB("<p:JobId>&e;</p:JobId>")),
	PULL(JOB("<p:JobId>&undefined;</p:JobId>")),
	/* Namespaces the fast path resolves itself, or hands back to the exact one. */
	PULL("<BitsClientJob xmlns=\"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/"
	    "bits/BitsClientJob\"><JobId>{default ns}</JobId><State xmlns=\"\">4</State>"
	    "<Owner xmlns=\"urn:other\">o</Owner></BitsClientJob>"),
	PULL(JOB("<p:JobId xmlns:p=\"urn:redefined\">{x}</p:JobId><p:State>1</p:State>")),
	PULL(JOB("<p:JobId xmlns:p=\"\">{empty}</p:JobId>")),
	PULL(JOB("<p:Owner xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" i:nil=\"true\">o</p:Owner>")),
	PULL(JOB("<p:Owner xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" i:nil=\"true\" "
	    "xsi:nil=\"false\">o</p:Owner>")),
	PULL(JOB("<p:Job:Id>{two colons}</p:Job:Id><p:State>2</p:State>")),
	PULL(JOB("<p:JobId z:nil=\"true\">{undeclared attribute prefix}</p:JobId>")),
	PULL(JOB("<p:JobId xml:lang=\"en\">{xml prefix}</p:JobId>")),
	PULL(JOB("<p:JobId xmlns:q=\"urn:a&amp;b\">{escaped uri}</p:JobId>")),
	PULL("<p:BitsClientJob xmlns:p=\"urn:inner\"><p:JobId>{inner}</p:JobId></p:BitsClientJob>"
	    JOB("<p:JobId>{outer again}</p:JobId>")),
	/* Odd names outside the items: both paths must accept the same documents. */
	ENV_HEAD "<n:PullResponse><w:EndOfSequencuuid:0>x</w:EndOfSequencuuid:0><n:Items>"
	    JOB("<p:JobId>{a}</p:JobId>") "</n:Items></n:PullResponse></s:Body></s:Envelope>",
	ENV_HEAD "<n:PullResponse><n:0a>x</n:0a><n:Items s:a:b=\"1\" :c=\"2\">"
	    JOB("<p:JobId>{b}</p:JobId>") "</n:Items></n:PullResponse></s:Body></s:Envelope>",
	PULL(JOB("<p:0a>x</p:0a><p:JobId>{c}</p:JobId>")),
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:t=\"http://www.w3.org/"
	    "2003/05/soap-envelope\"><s:Body s:a=\"1\" t:a=\"2\"><n:PullResponse xmlns:n=\"http://"
	    "schemas.xmlsoap.org/ws/2004/09/enumeration\"><n:Items>" JOB("<p:JobId>{dup attr}</p:JobId>")
	    "</n:Items></n:PullResponse></s:Body></s:Envelope>",
};

/* Each awkward shape, with a generous and a tight job limit. */
static void
test_shapes_agree(void **state)
{
	size_t jobs = 0;

	(void)state;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		char what[32];

		snprintf(what, sizeof what, "shape %zu", i);
		jobs += check_same(what, shapes[i], strlen(shapes[i]), 100000);
		check_same(what, shapes[i], strlen(shapes[i]), 2);
	}
	assert_true(jobs > 10);
}

/* Pieces a mutation inserts: markup that changes what the reader sees. */
static const char *const pieces[] = {
	"<p:Files/>", " xsi:nil=\"true\"", "<!-- c -->", "<![CDATA[7]]>", "&amp;", "<w:Item>",
	"</w:Item>", "<a:EndpointReference/>", "<x:F xmlns:x=\"u\">1</x:F>", "<p:State>9</p:State>",
	"<p:BitsClientJob>", "</p:BitsClientJob>", "<n:Items>", "</w:Items>", "<q:JobId>", " ", "1",
	"<p:Files><p:Completed>1</p:Completed>", "</p:Files>", "<p:Owner xsi:nil=\"1\"/>", "x", ">",
};

/* True when doc is a well-formed SOAP envelope. */
static bool
parses(const char *doc, size_t len)
{
	struct wsman_response r;
	char *cause = NULL;

	if (wsman_parse_response(&r, doc, len, CT, 0, &cause) != 0) {
		free(cause);
		return false;
	}
	wsman_response_done(&r);
	return true;
}

/* Random edits (delete, insert a piece, replace a byte) of real enumeration bodies. */
static void
test_mutations_agree(void **state)
{
	static const char *const bases[] = { "enumerate-jobs-complete.xml", "pull-jobs-1.xml",
		"enumerate-jobs-complete-pretty.xml", "pull-jobs-final.xml", "enumerate-jobs-first.xml" };
	size_t ok = 0, jobs = 0;

	(void)state;
	srand(5);
	for (int round = 0; round < 4000; round++) {
		size_t len;
		char *base = test_fixture(BITS_DIR, bases[round % 5], &len);
		struct strbuf sb;
		int edits = 1 + rand() % 4;
		char what[48];

		strbuf_init(&sb);
		strbuf_add(&sb, base, len);
		for (int e = 0; e < edits && sb.len > 0; e++) {
			size_t at = (size_t)rand() % sb.len;
			struct strbuf next;

			strbuf_init(&next);
			strbuf_add(&next, sb.s, at);
			switch (rand() % 3) {
			case 0:	/* delete */
				at += 1 + (size_t)rand() % 12;
				break;
			case 1:	/* insert */
				strbuf_adds(&next, pieces[rand() % (sizeof pieces / sizeof pieces[0])]);
				break;
			default:	/* replace one byte */
				strbuf_addc(&next, "<>/\"=&x1 \t:"[rand() % 11]);
				at++;
				break;
			}
			if (at < sb.len)
				strbuf_add(&next, sb.s + at, sb.len - at);
			strbuf_done(&sb);
			sb = next;
		}
		snprintf(what, sizeof what, "mutation %d of %s", round, bases[round % 5]);
		jobs += check_same(what, sb.s != NULL ? sb.s : "", sb.len, round % 7 == 0 ? 1 : 100000);
		ok += sb.len > 0 && parses(sb.s, sb.len);
		strbuf_done(&sb);
		free(base);
	}
	/* The mutations reached the reader, not only the XML parser's errors. */
	assert_true(ok > 400);
	assert_true(jobs > 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_agree),
		cmocka_unit_test(test_shapes_agree),
		cmocka_unit_test(test_mutations_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
