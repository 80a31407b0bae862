/*
 * Tests for src/wsman_items.c and the reuse of unchanged items by wsman_op:
 * the scan finds exactly the children of Items (not fooled by comments, CDATA
 * or quoted '>'), gives up on bodies it cannot follow, hashes the bytes and
 * the namespaces declared before the items; a list op given the last poll's
 * hashes parses only the items that changed and hands the others back as
 * placeholders, and falls back to a full parse when scan and parser disagree.
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

#include "src/bits_job.h"
#include "src/wsman_items.h"
#include "src/wsman_msg.h"
#include "src/wsman_op.h"
#include "src/xalloc.h"
#include "tests/wsman_test_util.h"

#define CT "application/soap+xml;charset=UTF-8"

static const struct wsman_target target = {
	.url = "http://ws01.example.org:5985/wsman",
	.timeout_ms = 20000,
	.max_envelope = 512000,
	.max_elements = 32000,
};

#define ENV_OPEN "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" " \
	"xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"><s:Body><n:PullResponse>"
#define ENV_CLOSE "</n:PullResponse></s:Body></s:Envelope>"

/* The bytes of range i of a scan. */
static char *
range_text(const char *body, const struct wsman_item_range *r)
{
	return xstrndup(body + r->off, r->len);
}

/* Every item of a fixture is found, from its '<' to its end tag. */
static void
test_scan_fixture(void **state)
{
	size_t len, n;
	char *xml = test_fixture(BITS_DIR, "pull-jobs-1.xml", &len);
	struct wsman_item_range *r;

	(void)state;
	assert_int_equal(wsman_items_scan(xml, len, &r, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		char *t = range_text(xml, &r[i]);

		assert_true(strncmp(t, "<p:BitsClientJob ", 17) == 0);
		assert_non_null(strstr(t, "<p:JobId>"));
		assert_true(strcmp(t + strlen(t) - 18, "</p:BitsClientJob>") == 0);
		assert_int_not_equal(r[i].hash, 0);
		free(t);
	}
	assert_true(r[0].off + r[0].len <= r[1].off);
	assert_int_not_equal(r[0].hash, r[1].hash);
	free(r);
	free(xml);
}

/* Comments, CDATA, quoted '>' and empty items do not move the boundaries. */
static void
test_scan_tricky(void **state)
{
	const char *body = ENV_OPEN "<!-- <n:Items><x>not these</x></n:Items> -->"
	    "<n:Items> <p:J a=\"x>y\" b='</p:J>'><p:T><![CDATA[</p:J><p:J>]]></p:T>"
	    "<!-- </p:J> --><?pi </p:J> ?></p:J>\n<p:J/><p:K><p:J>nested</p:J></p:K>"
	    "<p:J><p:J x='1'>same name</p:J></p:J></n:Items>" ENV_CLOSE;
	struct wsman_item_range *r;
	size_t n;
	char *t;

	(void)state;
	assert_int_equal(wsman_items_scan(body, strlen(body), &r, &n), 0);
	assert_int_equal(n, 4);
	t = range_text(body, &r[0]);
	assert_string_equal(t, "<p:J a=\"x>y\" b='</p:J>'><p:T><![CDATA[</p:J><p:J>]]></p:T>"
	    "<!-- </p:J> --><?pi </p:J> ?></p:J>");
	free(t);
	t = range_text(body, &r[1]);
	assert_string_equal(t, "<p:J/>");
	free(t);
	t = range_text(body, &r[2]);
	assert_string_equal(t, "<p:K><p:J>nested</p:J></p:K>");
	free(t);
	t = range_text(body, &r[3]);
	assert_string_equal(t, "<p:J><p:J x='1'>same name</p:J></p:J>");
	free(t);
	free(r);
}

/* Bodies the scan cannot follow give -1 (everything is then parsed). */
static void
test_scan_gives_up(void **state)
{
	static const char *const bad[] = {
		"\xFF\xFE<\0s\0:\0E\0",			/* UTF-16 */
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" ENV_OPEN "<n:Items/>" ENV_CLOSE,
		"<!DOCTYPE x [<!ENTITY e \"x\">]>" ENV_OPEN ENV_CLOSE,
		ENV_OPEN "<n:Items><p:J><!-- never closed",
		ENV_OPEN "<n:Items><p:J a=\"unterminated>",
	};
	struct wsman_item_range *r;
	size_t n;
	const char *ok = "<?xml version=\"1.0\" encoding=\"utf-8\"?>" ENV_OPEN
	    "<n:Items><p:J/></n:Items>" ENV_CLOSE;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = i == 0 ? 10 : strlen(bad[i]);

		assert_int_equal(wsman_items_scan(bad[i], len, &r, &n), -1);
		assert_null(r);
	}
	assert_int_equal(wsman_items_scan(ok, strlen(ok), &r, &n), 0);
	assert_int_equal(n, 1);
	free(r);
}

/* The hash changes with any byte of the item and with the namespaces around it. */
static void
test_hash(void **state)
{
	const char *a = ENV_OPEN "<n:Items><p:J><p:B>10</p:B></p:J></n:Items>" ENV_CLOSE;
	const char *b = ENV_OPEN "<n:Items><p:J><p:B>11</p:B></p:J></n:Items>" ENV_CLOSE;
	const char *c = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
	    "xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" xmlns:p=\"urn:other\">"
	    "<s:Body><n:PullResponse><n:Items><p:J><p:B>10</p:B></p:J></n:Items>" ENV_CLOSE;
	struct wsman_item_range *ra, *rb, *rc, *ra2;
	size_t n;

	(void)state;
	assert_int_equal(wsman_items_scan(a, strlen(a), &ra, &n), 0);
	assert_int_equal(wsman_items_scan(a, strlen(a), &ra2, &n), 0);
	assert_int_equal(wsman_items_scan(b, strlen(b), &rb, &n), 0);
	assert_int_equal(wsman_items_scan(c, strlen(c), &rc, &n), 0);
	assert_true(ra[0].hash == ra2[0].hash);
	assert_true(ra[0].hash != rb[0].hash);
	assert_true(ra[0].hash != rc[0].hash);
	free(ra);
	free(ra2);
	free(rb);
	free(rc);
}

/* Order of wire hashes. */
static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The MessageID the fixtures' RelatesTo answer. */
static void
fixed_uuid(char *out, void *arg)
{
	(void)arg;
	strcpy(out, "uuid:11111111-2222-4333-8444-555555555555");
}

/* Run a list op over Enumerate + Pull + Pull from fixtures, the second Pull's
 * body replaced when pull1 is given; returns the jobs. */
static struct bits_job *
list(const uint64_t *seen, size_t nseen, const char *pull1, size_t *n)
{
	static const char *const files[] = {
		"enumerate-jobs-first.xml", "pull-jobs-1.xml", "pull-jobs-final.xml"
	};
	struct wsman_op *op = wsman_op_new_list(&target);
	struct bits_job *jobs;

	wsman_op_set_uuid_source(op, fixed_uuid, NULL);
	wsman_op_set_reuse(op, seen, nseen);
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		char *xml = test_fixture(BITS_DIR, files[i], &len);

		if (i == 1 && pull1 != NULL) {
			free(xml);
			xml = xstrdup(pull1);
			len = strlen(xml);
		}
		assert_non_null(wsman_op_request(op, NULL));
		wsman_op_feed(op, 200, CT, xml, len);
		free(xml);
	}
	assert_true(wsman_op_ok(op));
	jobs = wsman_op_take_jobs(op, n);
	wsman_op_free(op);
	return jobs;
}

/* The sorted wire hashes of jobs (every one set). */
static uint64_t *
hashes(const struct bits_job *jobs, size_t n)
{
	uint64_t *h = xcalloc(n, sizeof *h);

	for (size_t i = 0; i < n; i++) {
		assert_int_not_equal(jobs[i].wire_hash, 0);
		h[i] = jobs[i].wire_hash;
	}
	qsort(h, n, sizeof *h, u64_cmp);
	return h;
}

/* A second poll with the same bytes parses nothing; a changed item is parsed. */
static void
test_op_reuse(void **state)
{
	struct bits_job *first, *again, *changed;
	size_t n1, n2, n3, len, reused = 0;
	uint64_t *seen;
	char *pull1 = test_fixture(BITS_DIR, "pull-jobs-1.xml", &len), *at;

	(void)state;
	first = list(NULL, 0, NULL, &n1);
	assert_int_equal(n1, 4);
	for (size_t i = 0; i < n1; i++) {
		assert_false(first[i].wire_reused);
		/* Names and owners are kept once (the intern pool), JobIds not. */
		if (first[i].owner.p == BITS_SET) {
			assert_true(first[i].owner.shared);
			assert_ptr_equal(first[i].owner.s,
			    bits_intern(first[i].owner.s, strlen(first[i].owner.s)));
		}
		assert_false(first[i].job_id.shared);
	}
	seen = hashes(first, n1);
	again = list(seen, n1, NULL, &n2);
	assert_int_equal(n2, 4);
	for (size_t i = 0; i < n2; i++) {
		assert_true(again[i].wire_reused);
		assert_null(again[i].job_id.s);
		assert_true(wsman_items_seen(seen, n1, again[i].wire_hash));
	}
	/* One job's BytesTransferred moves: only that item is parsed again. */
	at = strstr(pull1, "<p:BytesTransferred>0<");
	assert_non_null(at);
	at[strlen("<p:BytesTransferred>")] = '7';
	changed = list(seen, n1, pull1, &n3);
	assert_int_equal(n3, 4);
	for (size_t i = 0; i < n3; i++) {
		if (changed[i].wire_reused) {
			reused++;
			continue;
		}
		assert_false(wsman_items_seen(seen, n1, changed[i].wire_hash));
		assert_int_equal(changed[i].bytes_transferred.v, 7);
		assert_non_null(changed[i].job_id.s);
	}
	assert_int_equal(reused, 3);
	bits_jobs_free(first, n1);
	bits_jobs_free(again, n2);
	bits_jobs_free(changed, n3);
	free(seen);
	free(pull1);
}

/* When the body left after the cut does not give the items the scan saw, the
 * whole body is parsed: here a w:Item wrapper without an instance gives no job,
 * so the cut body has one job less than expected, and the known item is read
 * again rather than taken on trust. */
static void
test_op_reuse_falls_back(void **state)
{
	size_t len, n;
	char *good = test_fixture(BITS_DIR, "enumerate-jobs-complete.xml", &len), *odd, *end;
	struct wsman_item_range *r;
	struct wsman_op *op;
	struct bits_job *jobs;
	uint64_t *seen;
	size_t nseen;

	(void)state;
	assert_int_equal(wsman_items_scan(good, len, &r, &nseen), 0);
	assert_true(nseen >= 1);
	seen = xcalloc(nseen, sizeof *seen);
	for (size_t i = 0; i < nseen; i++)
		seen[i] = r[i].hash;
	qsort(seen, nseen, sizeof *seen, u64_cmp);
	free(r);
	end = strstr(good, "</w:Items>");
	assert_non_null(end);
	odd = xasprintf("%.*s<w:Item><a:EndpointReference/></w:Item>%s", (int)(end - good), good,
	    end);
	assert_int_equal(wsman_items_scan(odd, strlen(odd), &r, &n), 0);
	assert_int_equal(n, nseen + 1);
	for (size_t i = 0; i < nseen; i++)	/* the jobs' bytes are cut out of this body... */
		assert_true(wsman_items_seen(seen, nseen, r[i].hash));
	free(r);
	op = wsman_op_new_list(&target);
	wsman_op_set_uuid_source(op, fixed_uuid, NULL);
	wsman_op_set_reuse(op, seen, nseen);
	assert_non_null(wsman_op_request(op, NULL));
	wsman_op_feed(op, 200, CT, odd, strlen(odd));
	if (!wsman_op_ok(op))
		fail_msg("%s", wsman_op_error(op)->message);
	jobs = wsman_op_take_jobs(op, &n);
	assert_int_equal(n, nseen);	/* ... but the parser then disagrees with the scan */
	for (size_t i = 0; i < n; i++) {
		assert_false(jobs[i].wire_reused);
		assert_non_null(jobs[i].job_id.s);
	}
	bits_jobs_free(jobs, n);
	wsman_op_free(op);
	free(odd);
	free(good);
	free(seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_fixture),
		cmocka_unit_test(test_scan_tricky),
		cmocka_unit_test(test_scan_gives_up),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_op_reuse),
		cmocka_unit_test(test_op_reuse_falls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
