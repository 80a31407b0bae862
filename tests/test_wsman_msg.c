/*
 * Tests for src/wsman_msg.c: every request envelope against a golden file in
 * tests/fixtures/golden/ (fixed MessageID/SessionId), escaping, UUIDs.
 * Set BITSTOP_REGEN_GOLDEN=1 to rewrite the golden files after a deliberate change
 * (then review the diff: the files are the contract with the server).
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
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "src/strbuf.h"
#include "src/wsman_msg.h"
#include "src/xalloc.h"

#define GOLDEN_DIR TOP_SRCDIR "/tests/fixtures/golden/"
#define JOB_ID "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}"

/* The header every golden envelope uses. */
static struct wsman_hdr
fixed_hdr(bool selector)
{
	struct wsman_hdr h = {
		.to = "http://ws01.example.org:5985/wsman",
		.resource_uri = WSMAN_BITS_JOB_URI,
		.message_id = "uuid:00000000-0000-4000-8000-000000000001",
		.session_id = "uuid:00000000-0000-4000-8000-0000000000AA",
		.locale = "en-US",
		.timeout_ms = 60000,
		.max_envelope = 512000,
	};

	if (selector) {
		h.selector_name = "JobId";
		h.selector_value = JOB_ID;
	}
	return h;
}

/* Read a whole file into a malloc'd NUL-terminated string, or NULL. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

/* Compare got with the golden file name (or rewrite it in regeneration mode). */
static void
check_golden(const char *name, const char *got)
{
	char *path = xasprintf("%s%s", GOLDEN_DIR, name);
	char *want;
	const char *regen = getenv("BITSTOP_REGEN_GOLDEN");

	if (regen != NULL && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path);
	if (want == NULL)
		fail_msg("missing golden file %s", path);
	if (strcmp(want, got) != 0)
		fail_msg("%s differs from the built envelope:\n got: %s\nwant: %s", name, got, want);
	/* Every envelope is well-formed XML. */
	{
		xmlDocPtr doc = xmlReadMemory(got, (int)strlen(got), NULL, "UTF-8", XML_PARSE_NONET);

		assert_non_null(doc);
		xmlFreeDoc(doc);
	}
	free(want);
	free(path);
}

/* Get: empty body, JobId selector, all the standard headers. */
static void
test_golden_get(void **state)
{
	struct wsman_hdr h = fixed_hdr(true);
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_get(&sb, &h);
	check_golden("get.xml", sb.s);
	strbuf_done(&sb);
}

/* Put: the given instance goes verbatim into the body. */
static void
test_golden_put(void **state)
{
	struct wsman_hdr h = fixed_hdr(true);
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_put(&sb, &h, "<p:BitsClientJob xmlns:p=\"" WSMAN_BITS_JOB_URI "\">"
	    "<p:JobId>" JOB_ID "</p:JobId><p:Priority>0</p:Priority></p:BitsClientJob>");
	check_golden("put.xml", sb.s);
	strbuf_done(&sb);
}

/* Enumerate: OptimizeEnumeration + MaxElements, with and without a WQL filter. */
static void
test_golden_enumerate(void **state)
{
	struct wsman_hdr h = fixed_hdr(false);
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_enumerate(&sb, &h, 32000, NULL);
	check_golden("enumerate.xml", sb.s);
	strbuf_reset(&sb);
	h.resource_uri = WSMAN_BITS_NAMESPACE_URI "/*";
	wsman_msg_enumerate(&sb, &h, 100, "SELECT * FROM BitsClientJob WHERE State < 6 AND DisplayName = 'a&b'");
	check_golden("enumerate-wql.xml", sb.s);
	strbuf_done(&sb);
}

/* Pull and Release carry the context they are given. */
static void
test_golden_pull_release(void **state)
{
	struct wsman_hdr h = fixed_hdr(false);
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_pull(&sb, &h, "uuid:6C0AB864-47F9-4D3E-8601-B786754BBABB", 32000);
	check_golden("pull.xml", sb.s);
	strbuf_reset(&sb);
	wsman_msg_release(&sb, &h, "uuid:6C0AB864-47F9-4D3E-8601-B786754BBABB");
	check_golden("release.xml", sb.s);
	strbuf_done(&sb);
}

/* Invoke: CreateJob (static, no selector) with hostile values; SetJobState,
 * GetError and AddFile (instance methods, JobId selector), as wsman_op sends them. */
static void
test_golden_invoke(void **state)
{
	struct wsman_hdr h = fixed_hdr(false);
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_bits_create_job(&sb, &h, "Nightly \"sync\" <caf\xc3\xa9> & 'co'",
	    "https://srv.example/get?a=1&b=<2>", "C:\\Donn\xc3\xa9" "es\\f.bin", 0, false);
	check_golden("invoke-createjob.xml", sb.s);
	h = fixed_hdr(true);
	strbuf_reset(&sb);
	wsman_msg_bits_set_job_state(&sb, &h, 2);
	check_golden("invoke-setjobstate.xml", sb.s);
	strbuf_reset(&sb);
	wsman_msg_bits_get_error(&sb, &h, 1033);
	check_golden("invoke-geterror.xml", sb.s);
	strbuf_reset(&sb);
	wsman_msg_bits_add_file(&sb, &h, "https://srv.example/2.bin", "C:\\t\\2.bin");
	check_golden("invoke-addfile.xml", sb.s);
	strbuf_reset(&sb);
	/* The generic builder: any method, parameters in the given order. */
	{
		const struct wsman_param p[] = { { "Target", "0" }, { "Scheme", "3" } };

		wsman_msg_invoke(&sb, &h, "RemoveCredentials", p, 2);
		check_golden("invoke-generic.xml", sb.s);
	}
	strbuf_done(&sb);
}

/* Optional headers are left out when not asked for. */
static void
test_minimal_header(void **state)
{
	struct wsman_hdr h = { .to = "http://h/wsman", .resource_uri = "urn:x", .message_id = "uuid:1" };
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_get(&sb, &h);
	assert_null(strstr(sb.s, "OperationTimeout"));
	assert_null(strstr(sb.s, "MaxEnvelopeSize"));
	assert_null(strstr(sb.s, "Locale"));
	assert_null(strstr(sb.s, "SessionId"));
	assert_null(strstr(sb.s, "SelectorSet"));
	assert_non_null(strstr(sb.s, "<a:MessageID>uuid:1</a:MessageID>"));
	strbuf_done(&sb);
}

/* Text escaping: markup characters become entities, CR survives as &#13;,
 * C0 controls and invalid UTF-8 become '?', valid non-ASCII passes through. */
static void
test_add_text(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_add_text(&sb, "a&b<c>d\"e'f");
	assert_string_equal(sb.s, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
	strbuf_reset(&sb);
	wsman_msg_add_text(&sb, "x\r\ny\tz\x01\x1b!");
	assert_string_equal(sb.s, "x&#13;\ny\tz?" "?!");
	strbuf_reset(&sb);
	wsman_msg_add_text(&sb, "caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80");
	assert_string_equal(sb.s, "caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80");
	strbuf_reset(&sb);
	/* Lone continuation byte, overlong "/", truncated sequence, surrogate, U+FFFE. */
	wsman_msg_add_text(&sb, "\x80|\xc0\xaf|\xe2\x80|\xed\xa0\x80|\xef\xbf\xbe");
	assert_string_equal(sb.s, "?|??|??|???|???");
	strbuf_reset(&sb);
	wsman_msg_add_text(&sb, NULL);
	assert_string_equal(sb.s, "");
	strbuf_done(&sb);
}

/* MessageIDs are "uuid:" + an upper-case version 4 UUID, different each time. */
static void
test_uuid(void **state)
{
	char a[WSMAN_UUID_SIZE], b[WSMAN_UUID_SIZE];
	size_t i;

	(void)state;
	wsman_msg_uuid(a);
	wsman_msg_uuid(b);
	assert_int_equal(strlen(a), 41);
	assert_memory_equal(a, "uuid:", 5);
	assert_string_not_equal(a, b);
	for (i = 5; i < 41; i++) {
		if (i == 13 || i == 18 || i == 23 || i == 28)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789ABCDEF", a[i]));
	}
	assert_int_equal(a[19], '4');
	assert_non_null(strchr("89AB", a[24]));
}

/* OperationTimeout is written as an xs:duration with milliseconds. */
static void
test_duration(void **state)
{
	char d[32];

	(void)state;
	wsman_msg_duration(d, sizeof(d), 60000);
	assert_string_equal(d, "PT60.000S");
	wsman_msg_duration(d, sizeof(d), 1500);
	assert_string_equal(d, "PT1.500S");
	wsman_msg_duration(d, sizeof(d), 7);
	assert_string_equal(d, "PT0.007S");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_get),
		cmocka_unit_test(test_golden_put),
		cmocka_unit_test(test_golden_enumerate),
		cmocka_unit_test(test_golden_pull_release),
		cmocka_unit_test(test_golden_invoke),
		cmocka_unit_test(test_minimal_header),
		cmocka_unit_test(test_add_text),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
