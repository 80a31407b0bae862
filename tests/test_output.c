/*
 * Tests for cli/output.c: the --once writers of bitstop(1), OUTPUT. Scripts parse
 * this output, so the JSON must be valid and exact (field names and order,
 * uint64 precision, nulls) and TSV escaping and error lines must not drift.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "src/bits_job.h"
#include "src/cfg.h"
#include "cli/output.h"
#include "src/snapshot.h"
#include "src/xalloc.h"

#define FFFD "\xEF\xBF\xBD"
#define GUID_A "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}"
#define GUID_B "{00000000-0000-0000-0000-000000000001}"
#define HOSTILE_NAME "evil\x1b]0;pwned\x07\"q\xff"

/* The canned fleet: four hosts (ok with two jobs, auth error, fault, pending). */
struct fleet {
	struct config *cfg;
	struct host_snapshot *snaps[4];
	time_t	 generated;
};

/* Assert that haystack contains needle, showing both when not. */
static void
assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* A set text property. */
static void
text(struct bits_text *t, const char *s)
{
	t->p = BITS_SET;
	t->s = xstrdup(s);
}

/* A set integer property. */
static void
u64(struct bits_u64 *u, uint64_t v)
{
	u->p = BITS_SET;
	u->v = v;
}

/* Unix time of a UTC date and time. */
static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	    .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

/* FILETIME of a UTC date and time. */
static uint64_t
filetime(int y, int mo, int d, int h, int mi, int s)
{
	return bits_unix_to_filetime(utc(y, mo, d, h, mi, s));
}

/* Setup: the fleet, with the later-created job first so that sorting shows. */
static int
fleet_setup(void **state)
{
	struct fleet *f = xcalloc(1, sizeof *f);
	struct bits_job *j;
	char *cause = NULL;
	static const char *const names[] = { "ws01", "ws02", "ws03", "ws04" };
	size_t i;

	f->cfg = config_new();
	for (i = 0; i < 4; i++) {
		if (config_add_host(f->cfg, names[i], NULL, &cause) != 0)
			return -1;
		f->snaps[i] = host_snapshot_new(i);
	}
	f->generated = utc(2026, 11, 21, 10, 0, 0);

	f->snaps[0]->state = HOST_STATE_OK;
	f->snaps[0]->latency_ms = 12;
	f->snaps[0]->backend = HOST_BACKEND_WMI;
	f->snaps[0]->jobs = xcalloc(2, sizeof *f->snaps[0]->jobs);
	f->snaps[0]->njobs = 2;
	j = &f->snaps[0]->jobs[0];	/* the example job of §2.2 */
	text(&j->job_id, GUID_A);
	text(&j->display_name, "TestJob");
	text(&j->description, "");
	text(&j->owner, "NT AUTHORITY\\SYSTEM");
	u64(&j->state, BITS_STATE_TRANSFERRING);
	u64(&j->priority, BITS_PRIORITY_NORMAL);
	u64(&j->bytes_total, 1048576);
	u64(&j->bytes_transferred, 524288);
	u64(&j->files_total, 1);
	u64(&j->files_transferred, 0);
	u64(&j->transient_error_count, 0);
	u64(&j->creation_time, filetime(2026, 11, 21, 9, 58, 12));
	u64(&j->modification_time, filetime(2026, 11, 21, 9, 59, 40));
	u64(&j->completion_time, 0);
	j->files_p = BITS_SET;
	j->files = xcalloc(1, sizeof *j->files);
	j->nfiles = 1;
	text(&j->files[0].remote_url, "https://srv/f.bin");
	text(&j->files[0].local_file, "C:\\t\\f.bin");
	u64(&j->files[0].bytes_total, 1048576);
	u64(&j->files[0].bytes_transferred, 524288);
	j->files[0].completed.p = BITS_SET;
	j->files[0].completed.v = false;

	j = &f->snaps[0]->jobs[1];	/* older, hostile, size unknown, beyond 2^53 */
	text(&j->job_id, GUID_B);
	text(&j->display_name, HOSTILE_NAME);
	j->owner.p = BITS_NIL;
	u64(&j->state, BITS_STATE_QUEUED);
	u64(&j->priority, BITS_PRIORITY_LOW);
	u64(&j->bytes_total, BITS_SIZE_UNKNOWN);
	u64(&j->bytes_transferred, 9007199254740993ULL);
	u64(&j->files_total, 0);
	u64(&j->files_transferred, 0);
	u64(&j->transient_error_count, 3);
	u64(&j->creation_time, filetime(2026, 11, 21, 9, 0, 0));
	u64(&j->modification_time, 0);

	f->snaps[1]->state = HOST_STATE_ERROR;
	f->snaps[1]->latency_ms = 8;
	hosterr_set(&f->snaps[1]->error, HOSTERR_AUTH,
	    "401 Unauthorized: the server rejected the credentials");
	f->snaps[2]->state = HOST_STATE_ERROR;
	f->snaps[2]->latency_ms = 30;
	hosterr_set_code(&f->snaps[2]->error, HOSTERR_FAULT, 2150858793u,
	    "The WS-Management service cannot process the request.\tTab\nline");
	*state = f;
	return 0;
}

/* Free the fleet. */
static int
fleet_teardown(void **state)
{
	struct fleet *f = *state;
	size_t i;

	for (i = 0; i < 4; i++)
		host_snapshot_free(f->snaps[i]);
	config_free(f->cfg);
	free(f);
	return 0;
}

/* Run output_write into memory; *err gets what went to the error stream. */
static char *
render(struct fleet *f, enum output_format fmt, char **err)
{
	char *out = NULL, *e = NULL;
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(&out, &olen), *es = open_memstream(&e, &elen);

	assert_non_null(o);
	assert_non_null(es);
	assert_int_equal(output_write(o, es, fmt, f->cfg, f->snaps, 4, f->generated), 0);
	fclose(o);
	fclose(es);
	if (err != NULL)
		*err = e;
	else
		free(e);
	return out;
}

/*
 * A strict JSON syntax checker (RFC 8259): objects, arrays, strings without raw
 * control characters, numbers, literals. Advances *p; false on any error.
 */
static bool json_value(const char **p);

/* Skip JSON whitespace. */
static void
json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

/* A string literal. */
static bool
json_string(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	int i;

	if (*s++ != '"')
		return false;
	while (*s != '"') {
		if (*s < 0x20)
			return false;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (i = 1; i <= 4; i++)
					if (strchr("0123456789abcdefABCDEF", s[i]) == NULL || s[i] == 0)
						return false;
				s += 5;
				continue;
			}
			if (strchr("\"\\/bfnrt", *s) == NULL || *s == 0)
				return false;
		}
		s++;
	}
	*p = (const char *)s + 1;
	return true;
}

/* A number: -?int frac? (the writer never uses exponents). */
static bool
json_number(const char **p)
{
	const char *s = *p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*p = s;
	return true;
}

/* A comma-separated sequence closed by `close`; members are "key": value when obj. */
static bool
json_seq(const char **p, char close, bool obj)
{
	(*p)++;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		json_ws(p);
		if (obj) {
			if (!json_string(p))
				return false;
			json_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!json_value(p))
			return false;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
	}
}

static bool
json_value(const char **p)
{
	json_ws(p);
	switch (**p) {
	case '{':
		return json_seq(p, '}', true);
	case '[':
		return json_seq(p, ']', false);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(*p, "true", 4) == 0 && (*p += 4, true);
	case 'f':
		return strncmp(*p, "false", 5) == 0 && (*p += 5, true);
	case 'n':
		return strncmp(*p, "null", 4) == 0 && (*p += 4, true);
	default:
		return json_number(p);
	}
}

/* True when s is exactly one valid JSON document. */
static bool
json_valid(const char *s)
{
	if (!json_value(&s))
		return false;
	json_ws(&s);
	return *s == '\0';
}

/* Protects: the JSON checker itself rejects what it must (so the next test means something). */
static void
test_json_checker(void **state)
{
	(void)state;
	assert_true(json_valid("{\"a\": [1, -2.5, true, null, \"x\\n\"]}"));
	assert_false(json_valid("{\"a\": \"raw\ttab\"}"));
	assert_false(json_valid("{\"a\": 01}"));
	assert_false(json_valid("{\"a\": 1,}"));
	assert_false(json_valid("{\"a\" 1}"));
	assert_false(json_valid("[1] [2]"));
}

/* Read the expected JSON document. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 65536);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Protects: the JSON document is valid and exactly the expected one (fields, order, nulls). */
static void
test_json(void **state)
{
	struct fleet *f = *state;
	char *err, *out = render(f, OUTPUT_JSON, &err);
	char *want = slurp(TOP_SRCDIR "/tests/fixtures/cfg/once.json");

	if (!json_valid(out))
		fail_msg("invalid JSON:\n%s", out);
	assert_string_equal(out, want);
	assert_string_equal(err, "");
	/* the details the contract spells out, so that a fixture edit cannot hide them */
	assert_contains(out, "\"generated\": \"2026-11-21T10:00:00Z\"");
	assert_contains(out, "\"bytes_total\": null, \"bytes_transferred\": 9007199254740993");
	assert_contains(out, "\"created\": \"2026-11-21T09:58:12Z\", \"modified\": "
	    "\"2026-11-21T09:59:40Z\", \"completed\": null");
	assert_contains(out, "\"name\": \"evil\\u001b]0;pwned\\u0007\\\"q" FFFD "\"");
	assert_contains(out, "\"error\": {\"kind\": \"auth\", \"code\": null, \"message\": "
	    "\"401 Unauthorized: the server rejected the credentials\"}");
	assert_contains(out, "\"code\": 2150858793");
	assert_contains(out, "\"status\": \"pending\"");
	/* jobs sorted by creation time: the older job B comes first */
	assert_true(strstr(out, GUID_B) < strstr(out, GUID_A));
	free(out);
	free(err);
	free(want);
}

/* Protects: a host list with no hosts and hosts without jobs are still valid JSON. */
static void
test_json_empty(void **state)
{
	struct fleet *f = *state;
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	assert_int_equal(output_write(o, NULL, OUTPUT_JSON, f->cfg, f->snaps, 0, f->generated), 0);
	fclose(o);
	assert_true(json_valid(out));
	assert_contains(out, "\"hosts\": []");
	free(out);
}

/* Protects: TSV header, escaping, unknown totals as "-", ERROR lines and stderr reasons. */
static void
test_tsv(void **state)
{
	struct fleet *f = *state;
	char *err, *out = render(f, OUTPUT_TSV, &err);

	assert_string_equal(out,
	    "host\tstate\tpriority\tbytes_transferred\tbytes_total\tfiles_transferred\t"
	    "files_total\tid\tname\n"
	    "ws01\tQUEUED\tLOW\t9007199254740993\t-\t0\t0\t" GUID_B "\tevil" FFFD "]0;pwned"
	    FFFD "\"q" FFFD "\n"
	    "ws01\tTRANSFERRING\tNORMAL\t524288\t1048576\t0\t1\t" GUID_A "\tTestJob\n"
	    "ws02\tERROR\t-\t-\t-\t-\t-\t-\t401 Unauthorized: the server rejected the "
	    "credentials\n"
	    "ws03\tERROR\t-\t-\t-\t-\t-\t-\tThe WS-Management service cannot process the "
	    "request.\\tTab\\nline\n"
	    "ws04\tERROR\t-\t-\t-\t-\t-\t-\tno answer yet\n");
	assert_string_equal(err,
	    "bitstop: ws02: 401 Unauthorized: the server rejected the credentials\n"
	    "bitstop: ws03: The WS-Management service cannot process the request." FFFD "Tab"
	    FFFD "line\n"
	    "bitstop: ws04: no answer yet\n");
	free(out);
	free(err);
}

/* Protects: the table is aligned, uses binary units, shows host errors, and is terminal-safe. */
static void
test_table(void **state)
{
	struct fleet *f = *state;
	char *err, *out = render(f, OUTPUT_TABLE, &err);

	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_contains(out, "HOST  STATE         PRI     PROGRESS              BYTES  FILES  NAME\n");
	assert_contains(out, "ws01  QUEUED        LOW            -          8.0 PiB/?    0/0  evil"
	    FFFD "]0;pwned" FFFD "\"q" FFFD "\n");
	assert_contains(out, "ws01  TRANSFERRING  NORMAL     50.0%  512.0 KiB/1.0 MiB    0/1  TestJob\n");
	assert_contains(out, "ws02  ERROR         401 Unauthorized: the server rejected the "
	    "credentials\n");
	assert_contains(out, "ws03  ERROR         The WS-Management service cannot process the "
	    "request." FFFD "Tab" FFFD "line\n");
	assert_contains(out, "ws04  PENDING       no answer yet\n");
	assert_contains(out, "4 hosts: 1 ok, 2 failed, 1 not answered; 2 jobs\n");
	assert_string_equal(err, "");
	free(out);
	free(err);
}

/* Protects: human sizes in B/KiB/MiB/GiB... with one decimal and no "1024.0". */
static void
test_format_size(void **state)
{
	static const struct {
		unsigned long long v;
		const char *want;
	} cases[] = {
		{ 0, "0 B" }, { 512, "512 B" }, { 1023, "1023 B" }, { 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" }, { 1048575, "1.0 MiB" }, { 1048576, "1.0 MiB" },
		{ 3435973837ULL, "3.2 GiB" }, { 18446744073709551615ULL, "16.0 EiB" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		output_format_size(buf, sizeof buf, cases[i].v);
		assert_string_equal(buf, cases[i].want);
	}
}

/* Protects: --format accepts table, json and tsv and nothing else. */
static void
test_format_names(void **state)
{
	(void)state;
	assert_int_equal(output_format_from_name("table"), OUTPUT_TABLE);
	assert_int_equal(output_format_from_name("json"), OUTPUT_JSON);
	assert_int_equal(output_format_from_name("TSV"), OUTPUT_TSV);
	assert_int_equal(output_format_from_name("csv"), -1);
	assert_int_equal(output_format_from_name(""), -1);
}

/* Protects: a write error on the output stream is reported. */
static void
test_write_error(void **state)
{
	struct fleet *f = *state;
	FILE *full = fopen("/dev/full", "w");

	if (full == NULL)
		skip();
	assert_int_equal(output_write(full, NULL, OUTPUT_JSON, f->cfg, f->snaps, 4, f->generated), -1);
	fclose(full);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_checker),
		cmocka_unit_test_setup_teardown(test_json, fleet_setup, fleet_teardown),
		cmocka_unit_test_setup_teardown(test_json_empty, fleet_setup, fleet_teardown),
		cmocka_unit_test_setup_teardown(test_tsv, fleet_setup, fleet_teardown),
		cmocka_unit_test_setup_teardown(test_table, fleet_setup, fleet_teardown),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test_setup_teardown(test_write_error, fleet_setup, fleet_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
