/*
 * Tests for src/wsman_parse.c: every real Windows capture parses, enumeration
 * sequences walk to the end, BitsClientJob instances convert exactly, and hostile
 * documents fail cleanly.
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
#include <unistd.h>

#include <cmocka.h>

#include "src/strbuf.h"
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

/* Parse a string expected to be refused; returns the cause (caller frees). */
static char *
parse_refused(const char *data, size_t len, const char *ct, size_t max)
{
	struct wsman_response r;
	char *cause = NULL;

	assert_int_equal(wsman_parse_response(&r, data, len, ct, max, &cause), -1);
	assert_non_null(cause);
	assert_null(r.doc);
	return cause;
}

/* Every file in tests/fixtures/real parses, and the body kind follows the file name. */
static void
test_all_real_captures_parse(void **state)
{
	DIR *d = opendir(REAL_DIR);
	struct dirent *e;
	unsigned count = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		size_t l = strlen(n);
		struct wsman_response r;
		enum wsman_body_kind want = WSMAN_BODY_EMPTY;

		if (l < 5 || strcmp(n + l - 4, ".xml") != 0)
			continue;
		if (strncmp(n, "enumerate-", 10) == 0)
			want = WSMAN_BODY_ENUMERATE;
		else if (strncmp(n, "pull-", 5) == 0)
			want = WSMAN_BODY_PULL;
		else if (strncmp(n, "fault-", 6) == 0)
			want = WSMAN_BODY_FAULT;
		else if (strncmp(n, "get-", 4) == 0)
			want = WSMAN_BODY_INSTANCE;
		else if (strncmp(n, "invoke-", 7) == 0)
			want = WSMAN_BODY_OUTPUT;
		else
			fail_msg("unclassified fixture %s", n);
		parse_fixture(REAL_DIR, n, &r);
		if (r.kind != want)
			fail_msg("%s: kind %s", n, wsman_body_kind_name(r.kind));
		assert_non_null(r.action);
		wsman_response_done(&r);
		count++;
	}
	closedir(d);
	assert_int_equal(count, 48);
}

struct enum_expect {
	const char *file;
	size_t	 items;
	bool	 has_context;
	bool	 empty_context;
	bool	 eos;
};

/* Item counts, context and EndOfSequence of every real enumeration response. */
static void
test_real_enumeration_shapes(void **state)
{
	static const struct enum_expect ex[] = {
		{ "enumerate-optimized-complete-shells-activityid.xml", 2, true, true, true },
		{ "enumerate-optimized-complete-win32_computersystem-2012.xml", 1, true, true, true },
		{ "enumerate-optimized-complete-win32_operatingsystem-2003.xml", 1, true, true, true },
		{ "enumerate-optimized-complete-win32_operatingsystem-2012.xml", 1, true, true, true },
		{ "enumerate-optimized-complete-win32_service-2003.xml", 104, true, true, true },
		{ "enumerate-optimized-empty-result.xml", 0, true, true, true },
		{ "enumerate-optimized-win32_networkadapterconfiguration-2012.xml", 1, true, false, false },
		{ "enumerate-optimized-win32_process-2012.xml", 1, true, false, false },
		{ "enumerate-optimized-win32_service-2008r2.xml", 1, true, false, false },
		{ "enumerate-optimized-win32_service-2012.xml", 1, true, false, false },
		{ "enumerate-optimized-wql-xmlfragment-win32_service-2012.xml", 1, true, false, false },
		{ "enumerate-win32_process-2008r2-pretty.xml", 2, true, false, false },
		{ "pull-eventing-bookmark-header-pretty.xml", 1, true, false, false },
		{ "pull-eventing-empty-items-pretty.xml", 0, true, false, false },
		{ "pull-final-win32_networkadapterconfiguration-2012.xml", 12, false, false, true },
		{ "pull-final-win32_process-2008r2-pretty.xml", 1, false, false, true },
		{ "pull-final-win32_process-2012.xml", 13, false, false, true },
		{ "pull-win32_process-2012-1.xml", 32, true, false, false },
		{ "pull-win32_service-2008r2-1.xml", 50, true, false, false },
		{ "pull-win32_service-2008r2-2.xml", 52, true, false, false },
		{ "pull-win32_service-2008r2-final.xml", 19, false, false, true },
		{ "pull-win32_service-2012-1.xml", 50, true, false, false },
		{ "pull-win32_service-2012-2.xml", 52, true, false, false },
		{ "pull-win32_service-2012-final.xml", 28, false, false, true },
		{ "pull-wql-xmlfragment-win32_service-2012-1.xml", 59, true, false, false },
		{ "pull-wql-xmlfragment-win32_service-2012-2.xml", 61, true, false, false },
		{ "pull-wql-xmlfragment-win32_service-2012-final.xml", 10, false, false, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		struct wsman_response r;
		xmlNodePtr *items;
		size_t n;

		parse_fixture(REAL_DIR, ex[i].file, &r);
		items = wsman_response_items(&r, &n);
		if (n != ex[i].items || r.has_context != ex[i].has_context ||
		    r.end_of_sequence != ex[i].eos ||
		    (r.has_context && (r.context[0] == '\0') != ex[i].empty_context))
			fail_msg("%s: %zu items, context %s, eos %d", ex[i].file, n,
			    r.has_context ? r.context : "(absent)", r.end_of_sequence);
		if (r.has_context && !ex[i].empty_context)
			assert_memory_equal(r.context, "uuid:", 5);
		free(items);
		wsman_response_done(&r);
	}
}

/*
 * Walk an Enumerate + Pull sequence the way a client does: count items, require a
 * non-empty context to continue, a changing context, and stop only on EndOfSequence.
 */
static size_t
walk(const char *const *files)
{
	size_t total = 0, i;
	char *prev = NULL;

	for (i = 0; files[i] != NULL; i++) {
		struct wsman_response r;
		xmlNodePtr *items;
		size_t n;

		parse_fixture(REAL_DIR, files[i], &r);
		assert_int_equal(r.kind, i == 0 ? WSMAN_BODY_ENUMERATE : WSMAN_BODY_PULL);
		items = wsman_response_items(&r, &n);
		total += n;
		free(items);
		if (r.end_of_sequence) {
			assert_null(files[i + 1]);
			wsman_response_done(&r);
			break;
		}
		assert_true(r.has_context);
		assert_true(r.context[0] != '\0');
		if (prev != NULL)
			assert_string_not_equal(prev, r.context);
		free(prev);
		prev = xstrdup(r.context);
		wsman_response_done(&r);
		assert_non_null(files[i + 1]);
	}
	free(prev);
	return total;
}

/* The multi-batch captures walk to the end with the right totals. */
static void
test_real_sequences(void **state)
{
	static const char *const svc2012[] = { "enumerate-optimized-win32_service-2012.xml",
		"pull-win32_service-2012-1.xml", "pull-win32_service-2012-2.xml",
		"pull-win32_service-2012-final.xml", NULL };
	static const char *const svc2008[] = { "enumerate-optimized-win32_service-2008r2.xml",
		"pull-win32_service-2008r2-1.xml", "pull-win32_service-2008r2-2.xml",
		"pull-win32_service-2008r2-final.xml", NULL };
	static const char *const frag[] = { "enumerate-optimized-wql-xmlfragment-win32_service-2012.xml",
		"pull-wql-xmlfragment-win32_service-2012-1.xml",
		"pull-wql-xmlfragment-win32_service-2012-2.xml",
		"pull-wql-xmlfragment-win32_service-2012-final.xml", NULL };
	static const char *const proc2012[] = { "enumerate-optimized-win32_process-2012.xml",
		"pull-win32_process-2012-1.xml", "pull-final-win32_process-2012.xml", NULL };
	static const char *const nic2012[] = { "enumerate-optimized-win32_networkadapterconfiguration-2012.xml",
		"pull-final-win32_networkadapterconfiguration-2012.xml", NULL };
	static const char *const proc2008[] = { "enumerate-win32_process-2008r2-pretty.xml",
		"pull-final-win32_process-2008r2-pretty.xml", NULL };

	(void)state;
	assert_int_equal(walk(svc2012), 131);
	assert_int_equal(walk(svc2008), 122);
	assert_int_equal(walk(frag), 131);
	assert_int_equal(walk(proc2012), 46);
	assert_int_equal(walk(nic2012), 13);
	assert_int_equal(walk(proc2008), 3);
}

/* Header fields, the doubly bound "p" prefix, nil vs empty vs uint64 in a real Get. */
static void
test_real_get_values(void **state)
{
	struct wsman_response r;
	xmlNodePtr c;
	char *s;
	uint64_t v;
	const char *disk = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_LogicalDisk";

	(void)state;
	parse_fixture(REAL_DIR, "get-win32_logicaldisk-activityid.xml", &r);
	assert_string_equal(r.action, WSMAN_NS_TRANSFER "/GetResponse");
	assert_string_equal(r.relates_to, "uuid:4ED2993C-4339-4E99-81FC-C2FD3812781A");
	/* p:ActivityId is in the Microsoft wsman namespace, the body's p: is the class. */
	assert_non_null(wsman_parse_xml_child(r.header, WSMAN_NS_MSWSMAN, "ActivityId"));
	assert_true(wsman_parse_xml_is(r.body, disk, "Win32_LogicalDisk"));
	assert_false(wsman_parse_xml_is(r.body, WSMAN_NS_MSWSMAN, "Win32_LogicalDisk"));
	c = wsman_parse_xml_child(r.body, disk, "FreeSpace");
	s = wsman_parse_xml_text(c);
	assert_int_equal(wsman_parse_u64(s, &v), 0);
	assert_int_equal(v, 840649814016ULL);
	free(s);
	c = wsman_parse_xml_child(r.body, disk, "VolumeName");
	assert_false(wsman_parse_xml_is_nil(c));
	s = wsman_parse_xml_text(c);
	assert_string_equal(s, "");
	free(s);
	assert_true(wsman_parse_xml_is_nil(wsman_parse_xml_child(r.body, disk, "BlockSize")));
	wsman_response_done(&r);
}

/* Invoke outputs: method name from <M>_OUTPUT and ReturnValue (last, after arrays). */
static void
test_real_invoke_outputs(void **state)
{
	struct wsman_response r;
	uint32_t rv = 99;
	char *cause = NULL;

	(void)state;
	parse_fixture(REAL_DIR, "invoke-cim_datafile-delete-output-2008r2.xml", &r);
	assert_string_equal(r.method, "Delete");
	assert_int_equal(wsman_bits_return_value(r.body, &rv, &cause), 0);
	assert_int_equal(rv, 0);
	wsman_response_done(&r);
	parse_fixture(REAL_DIR, "invoke-stdregprov-enumkey-output-2003.xml", &r);
	assert_string_equal(r.method, "EnumKey");
	rv = 99;
	assert_int_equal(wsman_bits_return_value(r.body, &rv, &cause), 0);
	assert_int_equal(rv, 0);
	wsman_response_done(&r);
}

/* uint64 edges: 0, 2^53+1, UINT64_MAX accepted; overflow, signs, junk rejected. */
static void
test_u64_edges(void **state)
{
	uint64_t v;
	uint32_t c;

	(void)state;
	assert_int_equal(wsman_parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(wsman_parse_u64("9007199254740993", &v), 0);
	assert_int_equal(v, 9007199254740993ULL);
	assert_int_equal(wsman_parse_u64("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(wsman_parse_u64("\n  42\t", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(wsman_parse_u64("18446744073709551616", &v), -1);
	assert_int_equal(wsman_parse_u64("99999999999999999999999", &v), -1);
	assert_int_equal(wsman_parse_u64("-1", &v), -1);
	assert_int_equal(wsman_parse_u64("+1", &v), -1);
	assert_int_equal(wsman_parse_u64("", &v), -1);
	assert_int_equal(wsman_parse_u64("  ", &v), -1);
	assert_int_equal(wsman_parse_u64("0x10", &v), -1);
	assert_int_equal(wsman_parse_u64("1e3", &v), -1);
	assert_int_equal(wsman_parse_u64("12 3", &v), -1);
	assert_int_equal(wsman_parse_u64(NULL, &v), -1);
	assert_int_equal(wsman_parse_code("2150858752", &c), 0);
	assert_int_equal(c, 0x80338000);
	assert_int_equal(wsman_parse_code("-2144108472", &c), 0);
	assert_int_equal(c, 0x80338048);
	assert_int_equal(wsman_parse_code("0x803381a5", &c), 0);
	assert_int_equal(c, 0x803381A5);
	assert_int_equal(wsman_parse_code("4294967296", &c), -1);
	assert_int_equal(wsman_parse_code("-2147483649", &c), -1);
	assert_int_equal(wsman_parse_code("0x", &c), -1);
}

/* The charset parameter is read from Content-Type in its usual spellings. */
static void
test_charset(void **state)
{
	char *s;

	(void)state;
	s = wsman_parse_charset("application/soap+xml;charset=UTF-8");
	assert_string_equal(s, "UTF-8");
	free(s);
	s = wsman_parse_charset("application/soap+xml; action=\"x\"; Charset = \"utf-16\"");
	assert_string_equal(s, "utf-16");
	free(s);
	assert_null(wsman_parse_charset("application/soap+xml"));
	assert_null(wsman_parse_charset(NULL));
	assert_null(wsman_parse_charset("text/xml; charset=\"unterminated"));
}

/* XML media types are recognised with parameters and in any case; others are not. */
static void
test_xml_type(void **state)
{
	(void)state;
	assert_true(wsman_parse_is_xml_type(NULL));
	assert_true(wsman_parse_is_xml_type("application/soap+xml;charset=UTF-8"));
	assert_true(wsman_parse_is_xml_type(" Application/SOAP+XML ; charset=utf-16"));
	assert_true(wsman_parse_is_xml_type("text/xml"));
	assert_true(wsman_parse_is_xml_type("application/xml; charset=utf-8"));
	assert_false(wsman_parse_is_xml_type("text/html; charset=utf-8"));
	assert_false(wsman_parse_is_xml_type("application/soap+xmlx"));
	assert_false(wsman_parse_is_xml_type("multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\""));
	assert_false(wsman_parse_is_xml_type(""));
}

/* A UTF-16 body labelled so in Content-Type decodes to the same values. */
static void
test_utf16_body(void **state)
{
	size_t len, i;
	char *data = test_fixture(BITS_DIR, "get-job-transferring.xml", &len);
	struct strbuf u16;
	struct wsman_response r;
	struct bits_job job;
	char *cause = NULL;
	const unsigned char *p = (const unsigned char *)data;

	(void)state;
	/* Transcode UTF-8 to UTF-16LE (BMP only, which this fixture is). */
	strbuf_init(&u16);
	strbuf_add(&u16, "\xff\xfe", 2);
	for (i = 0; i < len;) {
		unsigned cp;

		if (p[i] < 0x80)
			cp = p[i++];
		else if ((p[i] & 0xE0) == 0xC0) {
			cp = ((p[i] & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
			i += 2;
		} else {
			cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
			i += 3;
		}
		strbuf_addc(&u16, (char)(cp & 0xFF));
		strbuf_addc(&u16, (char)(cp >> 8));
	}
	assert_int_equal(wsman_parse_response(&r, u16.s, u16.len,
	    "application/soap+xml;charset=UTF-16", 0, &cause), 0);
	assert_int_equal(wsman_bits_from_xml(r.body, &job, &cause), 0);
	assert_string_equal(job.display_name.s, "Nightly \"sync\" <caf\xc3\xa9> & \xe2\x80\x99" "co\xe2\x80\x99");
	bits_job_done(&job);
	wsman_response_done(&r);
	strbuf_done(&u16);
	free(data);
}

/* Billion laughs: refused at the DOCTYPE, no expansion, quickly. */
static void
test_hostile_billion_laughs(void **state)
{
	const char *doc = "<?xml version=\"1.0\"?><!DOCTYPE lolz ["
	    "<!ENTITY lol \"lol\">"
	    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
	    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
	    "]><s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><x>&lol9;</x></s:Body></s:Envelope>";
	char *cause = parse_refused(doc, strlen(doc), CT, 0);

	(void)state;
	assert_non_null(strstr(cause, "DOCTYPE"));
	free(cause);
}

/* An external entity pointing at a local file is refused and the file is never read. */
static void
test_hostile_external_entity(void **state)
{
	char path[] = "/tmp/bitstop-xxe-XXXXXX";
	int fd = mkstemp(path);
	char *doc, *cause;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "TOPSECRET", 9), 9);
	close(fd);
	doc = xasprintf("<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"file://%s\">]>"
	    "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><x>&xxe;</x></s:Body></s:Envelope>", path);
	cause = parse_refused(doc, strlen(doc), CT, 0);
	assert_non_null(strstr(cause, "DOCTYPE"));
	assert_null(strstr(cause, "TOPSECRET"));
	free(cause);
	free(doc);
	/* Without a DOCTYPE the reference is simply undefined. */
	doc = xstrdup("<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><x>&xxe;</x></s:Body></s:Envelope>");
	cause = parse_refused(doc, strlen(doc), CT, 0);
	free(cause);
	free(doc);
	/* An external DTD reference is refused as well (and never fetched). */
	doc = xasprintf("<!DOCTYPE s:Envelope SYSTEM \"file://%s\"><s:Envelope xmlns:s=\"" WSMAN_NS_SOAP
	    "\"><s:Body/></s:Envelope>", path);
	cause = parse_refused(doc, strlen(doc), CT, 0);
	free(cause);
	free(doc);
	unlink(path);
}

/* 10,000 nested elements: an error, not a stack overflow. */
static void
test_hostile_deep_nesting(void **state)
{
	struct strbuf sb;
	int i;
	char *cause;

	(void)state;
	strbuf_init(&sb);
	strbuf_adds(&sb, "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body>");
	for (i = 0; i < 10000; i++)
		strbuf_adds(&sb, "<a>");
	for (i = 0; i < 10000; i++)
		strbuf_adds(&sb, "</a>");
	strbuf_adds(&sb, "</s:Body></s:Envelope>");
	cause = parse_refused(sb.s, sb.len, CT, 0);
	assert_non_null(strstr(cause, "malformed XML"));
	free(cause);
	strbuf_done(&sb);
}

/* Truncated, invalid UTF-8, HTML, non-SOAP, bodiless, empty and oversized documents. */
static void
test_hostile_malformed(void **state)
{
	size_t len;
	char *data = test_fixture(REAL_DIR, "pull-win32_service-2012-1.xml", &len);
	char *cause;
	const char *bad_utf8 = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><x>\xff\xfe\xc3</x></s:Body></s:Envelope>";
	const char *html = "<!DOCTYPE html><html><head><title>IIS</title></head><body>Welcome</body></html>";
	const char *html2 = "<html><body><h1>Service Unavailable</h1></body></html>";
	const char *nobody = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Header/></s:Envelope>";
	const char *soap11 = "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body/></e:Envelope>";

	(void)state;
	cause = parse_refused(data, len / 2, CT, 0);
	assert_non_null(strstr(cause, "malformed XML"));
	free(cause);
	cause = parse_refused(bad_utf8, strlen(bad_utf8), CT, 0);
	free(cause);
	cause = parse_refused(html, strlen(html), "text/html", 0);
	free(cause);
	cause = parse_refused(html2, strlen(html2), "text/html", 0);
	assert_non_null(strstr(cause, "not a SOAP 1.2 envelope"));
	free(cause);
	cause = parse_refused(nobody, strlen(nobody), CT, 0);
	assert_non_null(strstr(cause, "no Body"));
	free(cause);
	cause = parse_refused(soap11, strlen(soap11), CT, 0);
	free(cause);
	cause = parse_refused("", 0, CT, 0);
	free(cause);
	cause = parse_refused(data, len, CT, 1000);
	assert_non_null(strstr(cause, "limit"));
	free(cause);
	cause = parse_refused("<s:Envelope", 11, "application/soap+xml;charset=NO-SUCH-CHARSET", 0);
	free(cause);
	free(data);
}

/* Envelopes built by wsman_msg parse back with every value intact (& < > " ' and non-ASCII). */
static void
test_roundtrip_msg(void **state)
{
	const char *name = "A&B <C> \"D\" 'E' caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
	const struct wsman_param params[] = {
		{ "DisplayName", name }, { "RemoteUrl", "https://h/x?a=1&b=2" }, { "LocalFile", "C:\\t\\x" },
	};
	struct wsman_hdr h = { .to = "http://h:5985/wsman?a=1&b=2", .resource_uri = WSMAN_BITS_JOB_URI,
		.message_id = "uuid:1", .selector_name = "JobId", .selector_value = "{<&>}" };
	struct strbuf sb;
	struct wsman_response r;
	char *cause = NULL, *s;
	xmlNodePtr c;

	(void)state;
	strbuf_init(&sb);
	wsman_msg_invoke(&sb, &h, "CreateJob", params, 3);
	assert_int_equal(wsman_parse_response(&r, sb.s, sb.len, CT, 0, &cause), 0);
	assert_string_equal(r.action, WSMAN_BITS_JOB_URI "/CreateJob");
	assert_true(wsman_parse_xml_is(r.body, WSMAN_BITS_JOB_URI, "CreateJob_INPUT"));
	s = wsman_bits_out_string(r.body, "DisplayName");
	assert_string_equal(s, name);
	free(s);
	s = wsman_bits_out_string(r.body, "RemoteUrl");
	assert_string_equal(s, "https://h/x?a=1&b=2");
	free(s);
	c = wsman_parse_xml_child(r.header, WSMAN_NS_ADDRESSING, "To");
	s = wsman_parse_xml_text(c);
	assert_string_equal(s, "http://h:5985/wsman?a=1&b=2");
	free(s);
	c = wsman_parse_xml_child(wsman_parse_xml_child(r.header, WSMAN_NS_WSMAN, "SelectorSet"), WSMAN_NS_WSMAN, "Selector");
	s = wsman_parse_xml_text(c);
	assert_string_equal(s, "{<&>}");
	free(s);
	wsman_response_done(&r);
	strbuf_done(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_real_captures_parse),
		cmocka_unit_test(test_real_enumeration_shapes),
		cmocka_unit_test(test_real_sequences),
		cmocka_unit_test(test_real_get_values),
		cmocka_unit_test(test_real_invoke_outputs),
		cmocka_unit_test(test_u64_edges),
		cmocka_unit_test(test_charset),
		cmocka_unit_test(test_xml_type),
		cmocka_unit_test(test_utf16_body),
		cmocka_unit_test(test_hostile_billion_laughs),
		cmocka_unit_test(test_hostile_external_entity),
		cmocka_unit_test(test_hostile_deep_nesting),
		cmocka_unit_test(test_hostile_malformed),
		cmocka_unit_test(test_roundtrip_msg),
	};

	xmlInitParser();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
