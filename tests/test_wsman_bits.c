/*
 * Tests for src/wsman_bits.c: BitsClientJob instances (hand-made fixtures in the
 * Windows shape, tests/fixtures/bits) convert exactly, method outputs are read,
 * and the Put body keeps the received instance.
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

#include "src/wsman_bits.h"
#include "src/wsman_msg.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"
#include "tests/wsman_test_util.h"

#define CT "application/soap+xml;charset=UTF-8"

/* Parse a fixture; the test fails if it does not parse. */
static void
parse_fixture(const char *dir, const char *name, struct wsman_response *r)
{
	size_t len;
	char *data = test_fixture(dir, name, &len);
	char *cause = NULL;

	if (wsman_parse_response(r, data, len, CT, 0, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(data);
}

/* A transferring job converts property by property, files included. */
static void
test_bits_get_job(void **state)
{
	struct wsman_response r;
	struct bits_job job;
	char *cause = NULL;

	(void)state;
	parse_fixture(BITS_DIR, "get-job-transferring.xml", &r);
	assert_int_equal(r.kind, WSMAN_BODY_INSTANCE);
	assert_int_equal(wsman_bits_from_xml(r.body, &job, &cause), 0);
	assert_string_equal(job.job_id.s, "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");
	assert_string_equal(job.display_name.s, "Nightly \"sync\" <caf\xc3\xa9> & \xe2\x80\x99" "co\xe2\x80\x99");
	assert_int_equal(job.description.p, BITS_SET);
	assert_string_equal(job.description.s, "");
	assert_string_equal(job.owner.s, "NT AUTHORITY\\SYSTEM");
	assert_int_equal(job.state.v, BITS_STATE_TRANSFERRING);
	assert_int_equal(job.priority.v, BITS_PRIORITY_HIGH);
	assert_int_equal(job.minimum_retry_delay.v, 600);
	assert_int_equal(job.no_progress_timeout.v, 1209600);
	assert_int_equal(job.creation_time.v, 133444736000000000ULL);
	assert_int_equal(job.modification_time.v, 133444736901234567ULL);
	assert_int_equal(job.completion_time.v, 0);
	assert_int_equal(job.bytes_total.v, 1048576);
	assert_int_equal(job.bytes_transferred.v, 524288);
	assert_int_equal(job.files_total.v, 2);
	assert_int_equal(job.files_transferred.v, 1);
	assert_int_equal(job.transient_error_count.v, 3);
	assert_int_equal(job.files_p, BITS_SET);
	assert_int_equal(job.nfiles, 2);
	assert_string_equal(job.files[0].remote_url.s, "https://srv.example/a.bin?x=1&y=2");
	assert_string_equal(job.files[0].local_file.s, "C:\\data\\a.bin");
	assert_true(job.files[0].completed.v);
	assert_int_equal(job.files[1].bytes_total.v, UINT64_MAX);
	assert_int_equal(job.files[1].completed.p, BITS_SET);
	assert_false(job.files[1].completed.v);
	bits_job_done(&job);
	wsman_response_done(&r);
}

/* A fresh job: no Files element (absent), nil Description and Owner. */
static void
test_bits_fresh_job(void **state)
{
	struct wsman_response r;
	struct bits_job job;
	char *cause = NULL;

	(void)state;
	parse_fixture(BITS_DIR, "get-job-fresh-nofiles.xml", &r);
	assert_int_equal(wsman_bits_from_xml(r.body, &job, &cause), 0);
	assert_int_equal(job.files_p, BITS_ABSENT);
	assert_int_equal(job.nfiles, 0);
	assert_null(job.files);
	assert_int_equal(job.description.p, BITS_NIL);
	assert_null(job.description.s);
	assert_int_equal(job.owner.p, BITS_NIL);
	assert_int_equal(job.state.v, BITS_STATE_SUSPENDED);
	bits_job_done(&job);
	wsman_response_done(&r);
}

/* Pretty-printed jobs (whitespace nodes, files in the job's own namespace) convert the same. */
static void
test_bits_pretty(void **state)
{
	struct wsman_response r;
	struct bits_job job;
	xmlNodePtr *items;
	size_t n;
	char *cause = NULL;

	(void)state;
	parse_fixture(BITS_DIR, "enumerate-jobs-complete-pretty.xml", &r);
	assert_true(r.end_of_sequence);
	assert_string_equal(r.context, "");
	items = wsman_response_items(&r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(wsman_bits_from_xml(items[0], &job, &cause), 0);
	assert_int_equal(job.nfiles, 2);
	assert_string_equal(job.files[1].local_file.s, "C:\\data\\b.bin");
	assert_int_equal(job.files[1].bytes_total.v, UINT64_MAX);
	assert_string_equal(job.description.s, "");
	assert_string_equal(job.display_name.s, "Nightly \"sync\" <caf\xc3\xa9> & \xe2\x80\x99" "co\xe2\x80\x99");
	bits_job_done(&job);
	free(items);
	wsman_response_done(&r);
}

/* 2^53+1 survives exactly (no double on the way). */
static void
test_bits_big_numbers(void **state)
{
	struct wsman_response r;
	struct bits_job job;
	xmlNodePtr *items;
	size_t n;
	char *cause = NULL;

	(void)state;
	parse_fixture(BITS_DIR, "pull-jobs-1.xml", &r);
	items = wsman_response_items(&r, &n);
	assert_int_equal(n, 2);
	assert_int_equal(wsman_bits_from_xml(items[1], &job, &cause), 0);
	assert_int_equal(job.bytes_total.v, 9007199254740993ULL);
	assert_int_equal(job.files[0].bytes_transferred.v, 9007199254740993ULL);
	assert_int_equal(job.display_name.p, BITS_SET);
	assert_string_equal(job.display_name.s, "");
	assert_string_equal(job.owner.s, "CONTOSO\\svc-deploy");
	bits_job_done(&job);
	free(items);
	wsman_response_done(&r);
}

/* A bad number in an instance is an error naming the property; nothing leaks. */
static void
test_bits_bad_values(void **state)
{
	static const char *const bad[] = {
		"<p:BytesTotal>18446744073709551616</p:BytesTotal>",
		"<p:State>-1</p:State>",
		"<p:Priority>2.0</p:Priority>",
		"<p:Files><q:Completed>maybe</q:Completed></p:Files>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *doc = xasprintf("<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>"
		    "<p:BitsClientJob xmlns:p=\"" WSMAN_BITS_JOB_URI "\" xmlns:q=\"" WSMAN_BITS_FILE_URI "\">"
		    "<p:JobId>{x}</p:JobId>%s</p:BitsClientJob></s:Body></s:Envelope>", bad[i]);
		struct wsman_response r;
		struct bits_job job;
		char *cause = NULL;

		assert_int_equal(wsman_parse_response(&r, doc, strlen(doc), NULL, 0, &cause), 0);
		assert_int_equal(wsman_bits_from_xml(r.body, &job, &cause), -1);
		assert_non_null(cause);
		assert_null(job.job_id.s);
		free(cause);
		wsman_response_done(&r);
		free(doc);
	}
}

/* Unknown elements, unknown attributes and elements of other namespaces are ignored. */
static void
test_bits_ignores_unknown(void **state)
{
	const char *doc = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>"
	    "<p:BitsClientJob xmlns:p=\"" WSMAN_BITS_JOB_URI "\" xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\" foo=\"bar\">"
	    "<p:NewProperty2030>7</p:NewProperty2030><cim:State>8</cim:State>"
	    "<p:State xsi:type=\"cim:cimUnsignedShort\" xmlns:xsi=\"" WSMAN_NS_XSI "\">4</p:State>"
	    "<cim:Location><x/></cim:Location></p:BitsClientJob></s:Body></s:Envelope>";
	struct wsman_response r;
	struct bits_job job;
	char *cause = NULL;

	(void)state;
	assert_int_equal(wsman_parse_response(&r, doc, strlen(doc), NULL, 0, &cause), 0);
	assert_int_equal(wsman_bits_from_xml(r.body, &job, &cause), 0);
	assert_int_equal(job.state.v, BITS_STATE_ERROR);
	assert_int_equal(job.job_id.p, BITS_ABSENT);
	bits_job_done(&job);
	wsman_response_done(&r);
}

/* GetError outputs, a nonzero ReturnValue, and an empty _OUTPUT (ReturnValue 0). */
static void
test_bits_method_outputs(void **state)
{
	struct wsman_response r;
	struct bits_error_info info;
	uint32_t rv;
	char *cause = NULL, *s;

	(void)state;
	parse_fixture(BITS_DIR, "geterror-output.xml", &r);
	assert_string_equal(r.method, "GetError");
	assert_int_equal(wsman_bits_error_info(r.body, &info, &cause), 0);
	assert_int_equal(info.error_context, BITS_CTX_REMOTE_FILE);
	assert_int_equal(info.error_code, 0x80190194);
	assert_string_equal(info.error_description,
	    "HTTP status 404: The requested URL does not exist on the server. ");
	assert_non_null(info.context_description);
	bits_error_info_done(&info);
	wsman_response_done(&r);

	parse_fixture(BITS_DIR, "createjob-output.xml", &r);
	s = wsman_bits_out_string(r.body, "JobId");
	assert_string_equal(s, "{5D4C3B2A-4444-4555-8666-C77788889999}");
	free(s);
	assert_null(wsman_bits_out_string(r.body, "NoSuchOutput"));
	wsman_response_done(&r);

	parse_fixture(BITS_DIR, "setjobstate-output-invalid-state.xml", &r);
	assert_int_equal(wsman_bits_return_value(r.body, &rv, &cause), 0);
	assert_int_equal(rv, 0x80200002);
	wsman_response_done(&r);

	parse_fixture(BITS_DIR, "setjobstate-output-empty.xml", &r);
	assert_int_equal(r.kind, WSMAN_BODY_OUTPUT);
	rv = 5;
	assert_int_equal(wsman_bits_return_value(r.body, &rv, &cause), 0);
	assert_int_equal(rv, 0);
	wsman_response_done(&r);

	parse_fixture(BITS_DIR, "release-response.xml", &r);
	assert_int_equal(r.kind, WSMAN_BODY_EMPTY);
	assert_string_equal(r.action, WSMAN_NS_ENUMERATION "/ReleaseResponse");
	wsman_response_done(&r);
}

/* A Put body keeps the received instance, changes only the property, drops its nil. */
static void
test_rewrite_property(void **state)
{
	struct wsman_response r, back;
	struct bits_job job;
	char *xml, *doc, *cause = NULL;

	(void)state;
	parse_fixture(BITS_DIR, "get-job-transferring.xml", &r);
	xml = wsman_bits_rewrite_property(r.body, "Priority", "0");
	assert_non_null(strstr(xml, "<p:Priority>0</p:Priority>"));
	assert_non_null(strstr(xml, "xmlns:p=\"" WSMAN_BITS_JOB_URI "\""));
	assert_non_null(strstr(xml, "<q:RemoteUrl>https://srv.example/a.bin?x=1&amp;y=2</q:RemoteUrl>"));
	doc = xasprintf("<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>%s</s:Body></s:Envelope>", xml);
	assert_int_equal(wsman_parse_response(&back, doc, strlen(doc), NULL, 0, &cause), 0);
	assert_int_equal(wsman_bits_from_xml(back.body, &job, &cause), 0);
	assert_int_equal(job.priority.v, 0);
	assert_int_equal(job.nfiles, 2);
	assert_string_equal(job.display_name.s, "Nightly \"sync\" <caf\xc3\xa9> & \xe2\x80\x99" "co\xe2\x80\x99");
	bits_job_done(&job);
	wsman_response_done(&back);
	free(doc);
	free(xml);
	/* A nil property becomes a value; a missing one is added in the class namespace. */
	xml = wsman_bits_rewrite_property(r.body, "Description", "a<b");
	assert_non_null(strstr(xml, "<p:Description>a&lt;b</p:Description>"));
	free(xml);
	wsman_response_done(&r);
	parse_fixture(BITS_DIR, "get-job-fresh-nofiles.xml", &r);
	xml = wsman_bits_rewrite_property(r.body, "Description", "x");
	assert_non_null(strstr(xml, "<p:Description>x</p:Description>"));
	assert_null(strstr(xml, "<p:Description xsi:nil"));
	free(xml);
	xml = wsman_bits_rewrite_property(r.body, "Brand", "new");
	assert_non_null(strstr(xml, "<p:Brand>new</p:Brand>"));
	free(xml);
	wsman_response_done(&r);
}

/* Items are collected across calls, capped, and checked for their class. */
static void
test_take_items(void **state)
{
	struct wsman_response r;
	struct bits_job *jobs = NULL;
	size_t n = 0;
	char *cause = NULL;

	(void)state;
	parse_fixture(BITS_DIR, "enumerate-jobs-first.xml", &r);
	assert_int_equal(wsman_bits_take_items(&r, &jobs, &n, 10, &cause), 0);
	wsman_response_done(&r);
	parse_fixture(BITS_DIR, "pull-jobs-1.xml", &r);
	assert_int_equal(wsman_bits_take_items(&r, &jobs, &n, 10, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(jobs[1].job_id.s, "{6A1C2D3E-1111-4222-8333-944455556666}");
	/* The same batch again goes over a cap of 4. */
	assert_int_equal(wsman_bits_take_items(&r, &jobs, &n, 4, &cause), -1);
	assert_string_equal(cause, "the enumeration returned more than 4 jobs; abandoned");
	assert_int_equal(n, 4);
	free(cause);
	wsman_response_done(&r);
	bits_jobs_free(jobs, n);

	jobs = NULL;
	n = 0;
	parse_fixture(REAL_DIR, "enumerate-optimized-win32_service-2012.xml", &r);
	assert_int_equal(wsman_bits_take_items(&r, &jobs, &n, 10, &cause), -1);
	assert_string_equal(cause, "the enumeration returned a <Win32_Service> item, not a BitsClientJob");
	assert_int_equal(n, 0);
	free(cause);
	wsman_response_done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits_get_job),
		cmocka_unit_test(test_bits_fresh_job),
		cmocka_unit_test(test_bits_pretty),
		cmocka_unit_test(test_bits_big_numbers),
		cmocka_unit_test(test_bits_bad_values),
		cmocka_unit_test(test_bits_ignores_unknown),
		cmocka_unit_test(test_bits_method_outputs),
		cmocka_unit_test(test_rewrite_property),
		cmocka_unit_test(test_take_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
