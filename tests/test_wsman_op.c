/*
 * Tests for src/wsman_op.c: the operation state machines driven with canned
 * BitsClientJob-shaped responses (tests/fixtures/bits, hand-made in the Windows
 * shape) and real Windows faults, exchange by exchange, as the transport would.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/hosterr.h"
#include "src/strbuf.h"
#include "src/wsman_msg.h"
#include "src/wsman_op.h"
#include "src/xalloc.h"
#include "tests/wsman_test_util.h"

#define CT "application/soap+xml;charset=UTF-8"
#define JOB "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}"

static const struct wsman_target target = {
	.url = "http://ws01.example.org:5985/wsman",
	.https = false,
	.timeout_ms = 20000,
	.max_envelope = 512000,
	.max_elements = 32000,
};

static const struct wsman_target target_tls = {
	.url = "https://ws01.example.org:5986/wsman",
	.https = true,
	.timeout_ms = 20000,
	.max_envelope = 512000,
	.max_elements = 32000,
};

/* Copy of the text between open and close tags in s (first occurrence), or NULL. */
static char *
between(const char *s, const char *open, const char *close)
{
	const char *a = strstr(s, open), *b;

	if (a == NULL)
		return NULL;
	a += strlen(open);
	b = strstr(a, close);
	return b != NULL ? xstrndup(a, (size_t)(b - a)) : NULL;
}

/* The current request of op (which must exist). */
static const char *
req(struct wsman_op *op)
{
	size_t len;
	const char *r = wsman_op_request(op, &len);

	assert_non_null(r);
	assert_int_equal(strlen(r), len);
	return r;
}

/* The canned response with its RelatesTo set to the MessageID of op's request. */
static char *
answer_to(struct wsman_op *op, const char *xml)
{
	char *id = between(req(op), "<a:MessageID>", "</a:MessageID>");
	const char *a = strstr(xml, "<a:RelatesTo>"), *b;
	char *out;

	assert_non_null(id);
	if (a == NULL) {
		free(id);
		return xstrdup(xml);
	}
	a += strlen("<a:RelatesTo>");
	b = strstr(a, "</a:RelatesTo>");
	assert_non_null(b);
	out = xasprintf("%.*s%s%s", (int)(a - xml), xml, id, b);
	free(id);
	return out;
}

/* Feed op a fixture as the answer to its current request. */
static void
feed_file(struct wsman_op *op, long status, const char *dir, const char *name)
{
	size_t len;
	char *xml = test_fixture(dir, name, &len);
	char *body = answer_to(op, xml);

	wsman_op_feed(op, status, CT, body, strlen(body));
	free(body);
	free(xml);
}

/* Feed op a literal body (RelatesTo fixed up if it has one). */
static void
feed_text(struct wsman_op *op, long status, const char *ct, const char *xml)
{
	char *body = answer_to(op, xml);

	wsman_op_feed(op, status, ct, body, strlen(body));
	free(body);
}

/* The error of a finished, failed op. */
static const struct hosterr *
failed(struct wsman_op *op)
{
	const struct hosterr *e;

	assert_null(wsman_op_request(op, NULL));
	assert_false(wsman_op_ok(op));
	e = wsman_op_error(op);
	assert_non_null(e);
	assert_non_null(e->message);
	return e;
}

/* A list across Enumerate + 2 Pulls follows the moving context and collects every job. */
static void
test_list_multi_batch(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	struct bits_job *jobs;
	size_t n;

	(void)state;
	assert_non_null(strstr(req(op), "<a:Action s:mustUnderstand=\"true\">" WSMAN_NS_ENUMERATION "/Enumerate</a:Action>"));
	assert_non_null(strstr(req(op), "<w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements>"));
	assert_non_null(strstr(req(op), "<w:OperationTimeout>PT20.000S</w:OperationTimeout>"));
	assert_null(strstr(req(op), "SelectorSet"));
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	assert_non_null(strstr(req(op), WSMAN_NS_ENUMERATION "/Pull<"));
	assert_non_null(strstr(req(op), "<n:EnumerationContext>uuid:8E2A4C6D-0F1E-4A2B-9C3D-4E5F60718293</n:EnumerationContext>"));
	feed_file(op, 200, BITS_DIR, "pull-jobs-1.xml");
	assert_non_null(strstr(req(op), "<n:EnumerationContext>uuid:1B3D5F70-2A4C-4E6A-8B0C-1D2E3F405162</n:EnumerationContext>"));
	feed_file(op, 200, BITS_DIR, "pull-jobs-final.xml");
	assert_null(wsman_op_request(op, NULL));
	assert_true(wsman_op_ok(op));
	assert_null(wsman_op_error(op));
	assert_int_equal(wsman_op_requests(op), 3);
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, 4);
	assert_string_equal(jobs[0].job_id.s, JOB);
	assert_int_equal(jobs[1].state.v, BITS_STATE_TRANSIENT_ERROR);
	assert_int_equal(jobs[2].bytes_total.v, 9007199254740993ULL);
	assert_int_equal(jobs[3].files_p, BITS_ABSENT);
	bits_jobs_free(jobs, n);
	/* Taken: the op no longer owns them. */
	assert_null(wsman_op_take_jobs(op, &n));
	assert_int_equal(n, 0);
	wsman_op_free(op);
}

/* Everything in the EnumerateResponse (empty context + EndOfSequence): one exchange. */
static void
test_list_complete_and_empty(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	struct bits_job *jobs;
	size_t n;

	(void)state;
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-complete.xml");
	assert_true(wsman_op_ok(op));
	assert_int_equal(wsman_op_requests(op), 1);
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, 2);
	bits_jobs_free(jobs, n);
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-empty.xml");
	assert_true(wsman_op_ok(op));
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, 0);
	assert_null(jobs);
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-complete-pretty.xml");
	assert_true(wsman_op_ok(op));
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, 1);
	assert_int_equal(jobs[0].nfiles, 2);
	bits_jobs_free(jobs, n);
	wsman_op_free(op);
}

/* A fault mid-enumeration: Release of the last context, then the fault is the error;
 * the Release's own fate does not change it. */
static void
test_list_fault_midway_releases(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	const struct hosterr *e;

	(void)state;
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	feed_file(op, 500, REAL_DIR, "fault-timedout.xml");
	assert_non_null(strstr(req(op), WSMAN_NS_ENUMERATION "/Release<"));
	assert_non_null(strstr(req(op), "<n:Release><n:EnumerationContext>uuid:8E2A4C6D-0F1E-4A2B-9C3D-4E5F60718293</n:EnumerationContext></n:Release>"));
	assert_false(wsman_op_ok(op));
	assert_null(wsman_op_error(op));	/* not finished yet */
	feed_file(op, 200, BITS_DIR, "release-response.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_TIMEOUT);
	assert_int_equal(wsman_op_requests(op), 3);
	wsman_op_free(op);

	/* Same, with the Release itself failing at the transport. */
	op = wsman_op_new_list(&target);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	feed_file(op, 200, BITS_DIR, "pull-jobs-1.xml");
	feed_text(op, 200, CT, "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><n:PullResp");
	assert_non_null(strstr(req(op), "<n:Release><n:EnumerationContext>uuid:1B3D5F70-2A4C-4E6A-8B0C-1D2E3F405162<"));
	{
		struct hosterr t = { 0 };

		hosterr_set(&t, HOSTERR_CONNECT, "connection reset");
		wsman_op_fail(op, &t);
		hosterr_clear(&t);
	}
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_non_null(strstr(e->message, "unreadable response"));
	wsman_op_free(op);
}

/* An expired context (InvalidEnumerationContext) is not released; a transport
 * failure mid-enumeration is not followed by a Release either. */
static void
test_list_no_release_cases(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	struct hosterr t = { 0 };
	const struct hosterr *e;

	(void)state;
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	feed_file(op, 500, BITS_DIR, "fault-invalid-enumeration-context.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_FAULT);
	assert_int_equal(e->code, 0x8033801B);
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	hosterr_set(&t, HOSTERR_TIMEOUT, "no answer within 25 s");
	wsman_op_fail(op, &t);
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_TIMEOUT);
	assert_string_equal(e->message, "no answer within 25 s");
	assert_int_equal(wsman_op_requests(op), 2);
	hosterr_clear(&t);
	wsman_op_free(op);
}

/* The safety cap on Pulls abandons (with Release) an enumeration that never ends. */
static void
test_list_pull_cap(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	const struct hosterr *e;
	size_t n;
	struct bits_job *jobs;

	(void)state;
	wsman_op_set_limits(op, 0, 3);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	feed_file(op, 200, BITS_DIR, "pull-jobs-1.xml");
	feed_file(op, 200, BITS_DIR, "pull-jobs-1.xml");
	feed_file(op, 200, BITS_DIR, "pull-jobs-1.xml");
	assert_non_null(strstr(req(op), "/Release<"));
	feed_file(op, 200, BITS_DIR, "release-response.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_string_equal(e->message, "the enumeration did not end after 3 Pull requests; abandoned");
	assert_int_equal(wsman_op_requests(op), 5);
	/* A failed list hands out no partial job list. */
	jobs = wsman_op_take_jobs(op, &n);
	bits_jobs_free(jobs, n);
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	wsman_op_set_limits(op, 2, 0);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	feed_file(op, 200, BITS_DIR, "pull-jobs-1.xml");
	assert_non_null(strstr(req(op), "/Release<"));
	feed_file(op, 200, BITS_DIR, "release-response.xml");
	e = failed(op);
	assert_string_equal(e->message, "the enumeration returned more than 2 jobs; abandoned");
	wsman_op_free(op);
}

/* Broken enumeration shapes are protocol errors that name what was wrong. */
static void
test_list_bad_shapes(void **state)
{
	struct wsman_op *op;
	const struct hosterr *e;
	const char *no_eos = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\" xmlns:n=\"" WSMAN_NS_ENUMERATION
	    "\" xmlns:a=\"" WSMAN_NS_ADDRESSING "\"><s:Header><a:RelatesTo>x</a:RelatesTo></s:Header>"
	    "<s:Body><n:PullResponse><n:Items/></n:PullResponse></s:Body></s:Envelope>";

	(void)state;
	/* Pull without context and without EndOfSequence: release the previous context. */
	op = wsman_op_new_list(&target);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	feed_text(op, 200, CT, no_eos);
	assert_non_null(strstr(req(op), "<n:EnumerationContext>uuid:8E2A4C6D-0F1E-4A2B-9C3D-4E5F60718293<"));
	feed_file(op, 200, BITS_DIR, "release-response.xml");
	e = failed(op);
	assert_string_equal(e->message, "a PullResponse has neither EndOfSequence nor an enumeration context to continue with");
	wsman_op_free(op);

	/* Items of another class: release the context the server just gave. */
	op = wsman_op_new_list(&target);
	feed_file(op, 200, REAL_DIR, "enumerate-optimized-win32_service-2012.xml");
	assert_non_null(strstr(req(op), "<n:EnumerationContext>uuid:6C0AB864-47F9-4D3E-8601-B786754BBABB<"));
	feed_file(op, 200, BITS_DIR, "release-response.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_string_equal(e->message, "the enumeration returned a <Win32_Service> item, not a BitsClientJob");
	wsman_op_free(op);

	/* A GetResponse where an EnumerateResponse was expected. */
	op = wsman_op_new_list(&target);
	feed_file(op, 200, BITS_DIR, "get-job-transferring.xml");
	e = failed(op);
	assert_string_equal(e->message, "expected an EnumerateResponse, got an instance (action "
	    WSMAN_NS_TRANSFER "/GetResponse)");
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	wsman_op_free(op);
}

/* HTTP statuses map to the kinds and messages of bitstop(1) (doc/protocol.md §7). */
static void
test_http_statuses(void **state)
{
	static const struct {
		long	 status;
		const struct wsman_target *t;
		enum hosterr_kind kind;
		const char *msg;
	} cases[] = {
		{ 401, &target, HOSTERR_AUTH, "401 Unauthorized: the server rejected the credentials" },
		{ 413, &target, HOSTERR_HTTP, "413 Request Entity Too Large: request larger than the server's MaxEnvelopeSize" },
		{ 415, &target, HOSTERR_HTTP, "415 Unsupported Media Type: the server refused the request's content type" },
		{ 503, &target, HOSTERR_HTTP, "503 Service Unavailable: the server is overloaded" },
		{ 500, &target, HOSTERR_ENCRYPTION_REQUIRED, "server requires encryption: use --auth negotiate, kerberos or ntlm (they encrypt every message on plain HTTP), or HTTPS" },
		{ 500, &target_tls, HOSTERR_HTTP, "500 Internal Server Error with an empty body" },
		{ 404, &target, HOSTERR_HTTP, "unexpected HTTP status 404 from the server" },
		{ 405, &target, HOSTERR_HTTP, "unexpected HTTP status 405 from the server" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wsman_op *op = wsman_op_new_list(cases[i].t);
		const struct hosterr *e;

		req(op);
		wsman_op_feed(op, cases[i].status, NULL, "", 0);
		e = failed(op);
		assert_int_equal(e->kind, cases[i].kind);
		assert_string_equal(e->message, cases[i].msg);
		assert_true(e->has_code);
		assert_int_equal(e->code, (uint32_t)cases[i].status);
		wsman_op_free(op);
	}
}

/* 500 with a SOAP fault is decoded; on the class during a list DestinationUnreachable
 * means the provider is missing. */
static void
test_fault_decoding(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	const struct hosterr *e;

	(void)state;
	feed_file(op, 500, BITS_DIR, "fault-provider-missing.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROVIDER_MISSING);
	assert_non_null(strstr(e->message, "the BITS WMI provider is not installed (BITS Compact Server feature)"));
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_file(op, 500, BITS_DIR, "fault-access-denied.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_ACCESS_DENIED);
	assert_non_null(strstr(e->message, "not an administrator: Access is denied"));
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_file(op, 500, REAL_DIR, "fault-quota-max-concurrent-operations-pretty.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_FAULT);
	assert_int_equal(e->code, 2150859174u);
	wsman_op_free(op);
}

/* 200 answers that are not the expected SOAP response are protocol errors. */
static void
test_bad_200(void **state)
{
	static const char *const billion = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
	    "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>&b;</s:Body></s:Envelope>";
	struct wsman_op *op;
	const struct hosterr *e;
	struct strbuf deep;
	int i;

	(void)state;
	op = wsman_op_new_list(&target);
	feed_text(op, 200, "text/html; charset=utf-8", "<html><body>IIS Welcome</body></html>");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_string_equal(e->message, "the server answered HTTP 200 with Content-Type text/html; charset=utf-8, not a SOAP envelope");
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_text(op, 200, CT, "<html><body>oops</body></html>");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_non_null(strstr(e->message, "not a SOAP 1.2 envelope"));
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_text(op, 200, CT, billion);
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_non_null(strstr(e->message, "DOCTYPE"));
	wsman_op_free(op);

	/* An external entity naming a local file: refused, the file's content never shows. */
	op = wsman_op_new_list(&target);
	feed_text(op, 200, CT, "<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>&x;</s:Body></s:Envelope>");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_null(strstr(e->message, "root:"));
	wsman_op_free(op);

	op = wsman_op_new_list(&target);
	feed_text(op, 200, CT, "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>\xc3\x28</s:Body></s:Envelope>");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	wsman_op_free(op);

	strbuf_init(&deep);
	for (i = 0; i < 10000; i++)
		strbuf_adds(&deep, "<d>");
	op = wsman_op_new_list(&target);
	feed_text(op, 200, CT, deep.s);
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	wsman_op_free(op);
	strbuf_done(&deep);

	/* A RelatesTo that answers another request. */
	op = wsman_op_new_list(&target);
	{
		size_t len;
		char *xml = test_fixture(BITS_DIR, "enumerate-jobs-complete.xml", &len);

		req(op);
		wsman_op_feed(op, 200, CT, xml, len);
		free(xml);
	}
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_non_null(strstr(e->message, "RelatesTo \"uuid:11111111-2222-4333-8444-555555555555\" does not match the request's MessageID uuid:"));
	wsman_op_free(op);

	/* Over the size cap. */
	op = wsman_op_new_list(&target);
	wsman_op_set_max_response(op, 100);
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-complete.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	assert_non_null(strstr(e->message, "limit"));
	wsman_op_free(op);
}

/* Get: one job; a missing job is a fault naming the JobId. */
static void
test_get(void **state)
{
	struct wsman_op *op = wsman_op_new_get(&target, JOB);
	struct bits_job *jobs;
	const struct hosterr *e;
	size_t n;

	(void)state;
	assert_non_null(strstr(req(op), WSMAN_NS_TRANSFER "/Get<"));
	assert_non_null(strstr(req(op), "<w:Selector Name=\"JobId\">" JOB "</w:Selector>"));
	feed_file(op, 200, BITS_DIR, "get-job-transferring.xml");
	assert_true(wsman_op_ok(op));
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, 1);
	assert_int_equal(jobs[0].nfiles, 2);
	bits_jobs_free(jobs, n);
	wsman_op_free(op);

	op = wsman_op_new_get(&target, "{0BADF00D-0000-4000-8000-000000000000}");
	feed_file(op, 500, BITS_DIR, "fault-job-not-found.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_FAULT);
	assert_int_equal(e->code, 0x80338000);
	assert_non_null(strstr(e->message, "job {0BADF00D-0000-4000-8000-000000000000} was not found on the host: a:DestinationUnreachable"));
	assert_int_equal(wsman_op_requests(op), 1);
	wsman_op_free(op);
}

/* Set priority: Get, then Put of the received instance with only Priority changed. */
static void
test_set_priority(void **state)
{
	struct wsman_op *op = wsman_op_new_set_priority(&target, JOB, BITS_PRIORITY_FOREGROUND);
	struct bits_job *jobs;
	const char *put;
	size_t n;

	(void)state;
	feed_file(op, 200, BITS_DIR, "get-job-transferring.xml");
	put = req(op);
	assert_non_null(strstr(put, WSMAN_NS_TRANSFER "/Put<"));
	assert_non_null(strstr(put, "<w:Selector Name=\"JobId\">" JOB "</w:Selector>"));
	assert_non_null(strstr(put, "<p:Priority>0</p:Priority>"));
	assert_null(strstr(put, "<p:Priority>1</p:Priority>"));
	assert_non_null(strstr(put, "<p:TransientErrorCount>3</p:TransientErrorCount>"));
	assert_non_null(strstr(put, "<q:RemoteUrl>https://srv.example/a.bin?x=1&amp;y=2</q:RemoteUrl>"));
	feed_file(op, 200, BITS_DIR, "put-response.xml");
	assert_true(wsman_op_ok(op));
	assert_int_equal(wsman_op_requests(op), 2);
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, 1);
	assert_int_equal(jobs[0].priority.v, 0);
	bits_jobs_free(jobs, n);
	wsman_op_free(op);

	/* A job that vanished before the Get: no Put is sent. */
	op = wsman_op_new_set_priority(&target, JOB, BITS_PRIORITY_LOW);
	feed_file(op, 500, BITS_DIR, "fault-job-not-found.xml");
	assert_int_equal(failed(op)->kind, HOSTERR_FAULT);
	assert_int_equal(wsman_op_requests(op), 1);
	wsman_op_free(op);
}

/* SetJobState: success, both failure channels, empty output, and "already gone". */
static void
test_set_state(void **state)
{
	struct wsman_op *op = wsman_op_new_set_state(&target, JOB, BITS_SET_SUSPEND);
	const struct hosterr *e;
	const char *gone_rv = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>"
	    "<p:SetJobState_OUTPUT xmlns:p=\"" WSMAN_BITS_JOB_URI "\"><p:ReturnValue>2149580801</p:ReturnValue>"
	    "</p:SetJobState_OUTPUT></s:Body></s:Envelope>";

	(void)state;
	assert_non_null(strstr(req(op), WSMAN_BITS_JOB_URI "/SetJobState<"));
	assert_non_null(strstr(req(op), "<p:SetJobState_INPUT xmlns:p=\"" WSMAN_BITS_JOB_URI "\"><p:JobState>3</p:JobState></p:SetJobState_INPUT>"));
	feed_file(op, 200, BITS_DIR, "setjobstate-output.xml");
	assert_true(wsman_op_ok(op));
	assert_false(wsman_op_already_gone(op));
	wsman_op_free(op);

	op = wsman_op_new_set_state(&target, JOB, BITS_SET_RESUME);
	feed_file(op, 200, BITS_DIR, "setjobstate-output-empty.xml");
	assert_true(wsman_op_ok(op));
	wsman_op_free(op);

	op = wsman_op_new_set_state(&target, JOB, BITS_SET_RESUME);
	feed_file(op, 200, BITS_DIR, "setjobstate-output-invalid-state.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_FAULT);
	assert_int_equal(e->code, 0x80200002);
	assert_string_equal(e->message, "SetJobState on job " JOB " failed: 0x80200002 BG_E_INVALID_STATE: "
	    "method not allowed in the job's current state");
	wsman_op_free(op);

	op = wsman_op_new_set_state(&target, JOB, BITS_SET_COMPLETE);
	feed_file(op, 500, BITS_DIR, "fault-method-invalid-state.xml");
	e = failed(op);
	assert_int_equal(e->code, 0x80200002);
	assert_false(wsman_op_already_gone(op));
	wsman_op_free(op);

	/* Cancel or complete of a job that has already left the queue is success. */
	op = wsman_op_new_set_state(&target, JOB, BITS_SET_CANCEL);
	feed_file(op, 500, BITS_DIR, "fault-job-not-found.xml");
	assert_null(wsman_op_request(op, NULL));
	assert_true(wsman_op_ok(op));
	assert_true(wsman_op_already_gone(op));
	wsman_op_free(op);

	op = wsman_op_new_set_state(&target, JOB, BITS_SET_COMPLETE);
	feed_text(op, 200, CT, gone_rv);
	assert_true(wsman_op_ok(op));
	assert_true(wsman_op_already_gone(op));
	wsman_op_free(op);

	/* ... but suspending a missing job is an error. */
	op = wsman_op_new_set_state(&target, JOB, BITS_SET_SUSPEND);
	feed_file(op, 500, BITS_DIR, "fault-job-not-found.xml");
	assert_int_equal(failed(op)->kind, HOSTERR_FAULT);
	assert_false(wsman_op_already_gone(op));
	wsman_op_free(op);

	/* Output of the wrong method. */
	op = wsman_op_new_set_state(&target, JOB, BITS_SET_SUSPEND);
	feed_file(op, 200, BITS_DIR, "addfile-output.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_PROTOCOL);
	wsman_op_free(op);
}

/* Create: CreateJob (no selector, escaped values), then resume of the new JobId. */
static void
test_create(void **state)
{
	struct wsman_op *op = wsman_op_new_create(&target, "a&b <c>", "https://s/x?a=1&b=2",
	    "C:\\t\\x.bin", BITS_TYPE_DOWNLOAD, false);
	const char *r;

	(void)state;
	r = req(op);
	assert_non_null(strstr(r, WSMAN_BITS_JOB_URI "/CreateJob<"));
	assert_null(strstr(r, "SelectorSet"));
	assert_non_null(strstr(r, "<p:DisplayName>a&amp;b &lt;c&gt;</p:DisplayName>"));
	assert_non_null(strstr(r, "<p:RemoteUrl>https://s/x?a=1&amp;b=2</p:RemoteUrl>"));
	assert_non_null(strstr(r, "<p:Type>0</p:Type>"));
	assert_null(strstr(r, "Suspend"));	/* the resume decides, not the host's default */
	assert_null(wsman_op_job_id(op));
	feed_file(op, 200, BITS_DIR, "createjob-output.xml");
	assert_string_equal(wsman_op_job_id(op), "{5D4C3B2A-4444-4555-8666-C77788889999}");
	r = req(op);
	assert_non_null(strstr(r, "<w:Selector Name=\"JobId\">{5D4C3B2A-4444-4555-8666-C77788889999}</w:Selector>"));
	assert_non_null(strstr(r, "<p:JobState>2</p:JobState>"));
	feed_file(op, 200, BITS_DIR, "setjobstate-output.xml");
	assert_true(wsman_op_ok(op));
	assert_int_equal(wsman_op_requests(op), 2);
	assert_string_equal(wsman_op_job_id(op), "{5D4C3B2A-4444-4555-8666-C77788889999}");
	wsman_op_free(op);
}

/* Create suspended: CreateJob with Suspend=true and nothing after it (no resume, not even briefly). */
static void
test_create_suspended(void **state)
{
	struct wsman_op *op = wsman_op_new_create(&target, "n", "https://s/x", "C:\\x", 0, true);
	const char *r;

	(void)state;
	r = req(op);
	assert_non_null(strstr(r, WSMAN_BITS_JOB_URI "/CreateJob<"));
	assert_non_null(strstr(r, "<p:Type>0</p:Type><p:Suspend>true</p:Suspend>"));
	feed_file(op, 200, BITS_DIR, "createjob-output.xml");
	assert_true(wsman_op_ok(op));
	assert_null(wsman_op_request(op, NULL));
	assert_int_equal(wsman_op_requests(op), 1);
	assert_string_equal(wsman_op_job_id(op), "{5D4C3B2A-4444-4555-8666-C77788889999}");
	wsman_op_free(op);
}

/* CreateJob's answer lost: finished with an error, never re-sent. */
static void
test_create_answer_lost(void **state)
{
	struct wsman_op *op = wsman_op_new_create(&target, "n", "https://s/x", "C:\\x", 0, false);
	struct hosterr t = { 0 };
	const struct hosterr *e;

	(void)state;
	req(op);
	hosterr_set(&t, HOSTERR_TIMEOUT, "no answer within 25 s");
	wsman_op_fail(op, &t);
	hosterr_clear(&t);
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_TIMEOUT);
	assert_string_equal(e->message, "the CreateJob request got no answer (no answer within 25 s): "
	    "the job may or may not exist on the host and the request was not re-sent");
	assert_int_equal(wsman_op_requests(op), 1);
	assert_null(wsman_op_job_id(op));
	/* Further reports are ignored; nothing is ever sent again. */
	wsman_op_feed(op, 200, CT, "", 0);
	assert_null(wsman_op_request(op, NULL));
	assert_int_equal(wsman_op_requests(op), 1);
	wsman_op_free(op);
}

/* Create whose resume fails still reports the new job's id. */
static void
test_create_resume_fails(void **state)
{
	struct wsman_op *op = wsman_op_new_create(&target, "n", "https://s/x", "C:\\x", 1, false);
	const struct hosterr *e;

	(void)state;
	assert_non_null(strstr(req(op), "<p:Type>1</p:Type>"));
	feed_file(op, 200, BITS_DIR, "createjob-output.xml");
	feed_file(op, 200, BITS_DIR, "setjobstate-output-invalid-state.xml");
	e = failed(op);
	assert_int_equal(e->kind, HOSTERR_FAULT);
	assert_non_null(strstr(e->message, "job {5D4C3B2A-4444-4555-8666-C77788889999} was created but resuming it failed: "
	    "SetJobState on job {5D4C3B2A-4444-4555-8666-C77788889999} failed: 0x80200002 BG_E_INVALID_STATE"));
	assert_string_equal(wsman_op_job_id(op), "{5D4C3B2A-4444-4555-8666-C77788889999}");
	wsman_op_free(op);

	/* CreateJob on a host without the provider. */
	op = wsman_op_new_create(&target, "n", "https://s/x", "C:\\x", 0, false);
	feed_file(op, 500, BITS_DIR, "fault-provider-missing.xml");
	assert_int_equal(failed(op)->kind, HOSTERR_PROVIDER_MISSING);
	wsman_op_free(op);

	/* A CreateJob output without a JobId. */
	op = wsman_op_new_create(&target, "n", "https://s/x", "C:\\x", 0, false);
	feed_file(op, 200, BITS_DIR, "setjobstate-output.xml");
	assert_int_equal(failed(op)->kind, HOSTERR_PROTOCOL);
	wsman_op_free(op);
}

/* AddFile (documented lower-camel parameter names), then resume. */
static void
test_add_file(void **state)
{
	struct wsman_op *op = wsman_op_new_add_file(&target, JOB, "https://s/2.bin", "C:\\t\\2.bin");

	(void)state;
	assert_non_null(strstr(req(op), "<p:AddFile_INPUT xmlns:p=\"" WSMAN_BITS_JOB_URI "\"><p:remoteUrl>https://s/2.bin</p:remoteUrl><p:localFile>C:\\t\\2.bin</p:localFile>"));
	feed_file(op, 200, BITS_DIR, "addfile-output.xml");
	assert_non_null(strstr(req(op), "<p:JobState>2</p:JobState>"));
	feed_file(op, 200, BITS_DIR, "setjobstate-output.xml");
	assert_true(wsman_op_ok(op));
	assert_null(wsman_op_job_id(op));
	wsman_op_free(op);

	/* The resume after AddFile gets no answer: the error says the file was added. */
	op = wsman_op_new_add_file(&target, JOB, "https://s/2.bin", "C:\\t\\2.bin");
	feed_file(op, 200, BITS_DIR, "addfile-output.xml");
	{
		struct hosterr t = { 0 };

		req(op);
		hosterr_set(&t, HOSTERR_CONNECT, "connection reset");
		wsman_op_fail(op, &t);
		hosterr_clear(&t);
	}
	assert_string_equal(failed(op)->message, "the file was added to job " JOB " but resuming the job "
	    "failed: the resume request got no answer (connection reset)");
	assert_int_equal(failed(op)->kind, HOSTERR_CONNECT);
	wsman_op_free(op);

	/* AddFile on a job that is not there. */
	op = wsman_op_new_add_file(&target, JOB, "https://s/2.bin", "C:\\t\\2.bin");
	feed_file(op, 500, BITS_DIR, "fault-job-not-found.xml");
	assert_non_null(strstr(failed(op)->message, "job " JOB " was not found on the host"));
	assert_int_equal(wsman_op_requests(op), 1);
	wsman_op_free(op);
}

/* GetError: the outputs are handed over once. */
static void
test_get_error(void **state)
{
	struct wsman_op *op = wsman_op_new_get_error(&target, JOB);
	struct bits_error_info info;

	(void)state;
	assert_non_null(strstr(req(op), "<p:LanguageId>1033</p:LanguageId>"));
	assert_false(wsman_op_take_error_info(op, &info));
	feed_file(op, 200, BITS_DIR, "geterror-output.xml");
	assert_true(wsman_op_ok(op));
	assert_true(wsman_op_take_error_info(op, &info));
	assert_int_equal(info.error_context, BITS_CTX_REMOTE_FILE);
	assert_int_equal(info.error_code, 0x80190194);
	assert_non_null(info.error_description);
	bits_error_info_done(&info);
	assert_false(wsman_op_take_error_info(op, &info));
	wsman_op_free(op);
}

/* Constructors refuse unusable arguments. */
static void
test_constructor_checks(void **state)
{
	struct wsman_target nourl = target;

	(void)state;
	nourl.url = NULL;
	assert_null(wsman_op_new_list(NULL));
	assert_null(wsman_op_new_list(&nourl));
	assert_null(wsman_op_new_get(&target, NULL));
	assert_null(wsman_op_new_set_priority(&target, JOB, 4));
	assert_null(wsman_op_new_set_state(&target, JOB, (enum bits_set_state)4));
	assert_null(wsman_op_new_create(&target, NULL, "u", "f", 0, false));
	assert_null(wsman_op_new_create(&target, "n", "u", "f", 2, false));
	assert_null(wsman_op_new_add_file(&target, JOB, "u", NULL));
	assert_null(wsman_op_new_get_error(&target, NULL));
	wsman_op_free(NULL);
}

/* Deterministic ids come from the uuid source: one SessionId per op, a new MessageID per request. */
static void
counter_uuid(char *out, void *arg)
{
	unsigned *n = arg;

	snprintf(out, WSMAN_UUID_SIZE, "uuid:00000000-0000-4000-8000-%012u", ++*n);
}

/* The request ids: SessionId fixed for the op, MessageID fresh each exchange. */
static void
test_ids(void **state)
{
	struct wsman_op *op = wsman_op_new_list(&target);
	unsigned n = 0;
	char *s1, *s2, *m1, *m2;

	(void)state;
	wsman_op_set_uuid_source(op, counter_uuid, &n);
	s1 = between(req(op), "<p:SessionId s:mustUnderstand=\"false\">", "</p:SessionId>");
	m1 = between(req(op), "<a:MessageID>", "</a:MessageID>");
	assert_string_equal(s1, "uuid:00000000-0000-4000-8000-000000000001");
	assert_string_equal(m1, "uuid:00000000-0000-4000-8000-000000000002");
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	s2 = between(req(op), "<p:SessionId s:mustUnderstand=\"false\">", "</p:SessionId>");
	m2 = between(req(op), "<a:MessageID>", "</a:MessageID>");
	assert_string_equal(s1, s2);
	assert_string_equal(m2, "uuid:00000000-0000-4000-8000-000000000003");
	free(s1);
	free(s2);
	free(m1);
	free(m2);
	wsman_op_free(op);

	/* The default source gives random, distinct ids. */
	op = wsman_op_new_list(&target);
	m1 = between(req(op), "<a:MessageID>", "</a:MessageID>");
	feed_file(op, 200, BITS_DIR, "enumerate-jobs-first.xml");
	m2 = between(req(op), "<a:MessageID>", "</a:MessageID>");
	assert_string_not_equal(m1, m2);
	free(m1);
	free(m2);
	wsman_op_free(op);
}

/* Deterministic xorshift for the mutation test. */
static uint64_t
next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Thousands of mutated answers (flipped bytes, cuts, splices) never crash an op and
 * always leave it either finished or with a next request to send. */
static void
test_mutated_answers(void **state)
{
	static const char *const files[] = { "enumerate-jobs-first.xml", "pull-jobs-1.xml",
		"pull-jobs-final.xml", "get-job-transferring.xml", "geterror-output.xml",
		"fault-job-not-found.xml", "createjob-output.xml" };
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	int round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		size_t len, i, edits;
		char *xml = test_fixture(BITS_DIR, files[round % 7], &len);
		char *body = NULL;
		struct wsman_op *op;

		switch (round % 4) {
		case 0: op = wsman_op_new_list(&target); break;
		case 1: op = wsman_op_new_set_priority(&target, JOB, 1); break;
		case 2: op = wsman_op_new_create(&target, "n", "u", "f", 0, false); break;
		default: op = wsman_op_new_get_error(&target, JOB); break;
		}
		body = answer_to(op, xml);
		len = strlen(body);
		edits = 1 + next_rand(&seed) % 8;
		for (i = 0; i < edits && len > 0; i++) {
			size_t at = next_rand(&seed) % len;

			switch (next_rand(&seed) % 3) {
			case 0: body[at] = (char)next_rand(&seed); break;
			case 1: len = at; break;
			default: body[at] = "<>&\"/:= "[next_rand(&seed) % 8]; break;
			}
		}
		wsman_op_feed(op, next_rand(&seed) % 2 ? 200 : 500, CT, body, len);
		assert_true(wsman_op_request(op, NULL) != NULL || wsman_op_ok(op) ||
		    wsman_op_error(op) != NULL);
		wsman_op_free(op);
		free(body);
		free(xml);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_multi_batch),
		cmocka_unit_test(test_list_complete_and_empty),
		cmocka_unit_test(test_list_fault_midway_releases),
		cmocka_unit_test(test_list_no_release_cases),
		cmocka_unit_test(test_list_pull_cap),
		cmocka_unit_test(test_list_bad_shapes),
		cmocka_unit_test(test_http_statuses),
		cmocka_unit_test(test_fault_decoding),
		cmocka_unit_test(test_bad_200),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_set_priority),
		cmocka_unit_test(test_set_state),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_suspended),
		cmocka_unit_test(test_create_answer_lost),
		cmocka_unit_test(test_create_resume_fails),
		cmocka_unit_test(test_add_file),
		cmocka_unit_test(test_get_error),
		cmocka_unit_test(test_constructor_checks),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_mutated_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
