/*
 * Unit tests of the filter language (tui/filter.c through model_set_filter):
 * every field exactly and case-insensitively, regexes, negation, comparisons,
 * stalled, bare words, and bad input (an error naming the word; the filter in
 * force stays).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/tui_fixture.h"
#include "tui/model.h"

#define MB (1024ULL * 1024ULL)
#define T0 (FIX_NOW_UNIX * 1000)

static const char *const names[] = { "sim-1", "sim-10", "sim-100" };

static const struct fix_job jobs0[] = {
	{ "{A1}", "nightly sync", "CONTOSO\\amy", BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL,
	  100 * MB, 10 * MB, 2, 0, 0, 300 },
	{ "{A2}", "tmp-cache", "CONTOSO\\bob", BITS_STATE_TRANSIENT_ERROR, BITS_PRIORITY_LOW,
	  BITS_SIZE_UNKNOWN, 0, 1, 0, 3, 3 * 86400 },
};
static const struct fix_job jobs1[] = {
	{ "{B1}", "gamma", "NT AUTHORITY\\SYSTEM", BITS_STATE_ERROR, BITS_PRIORITY_HIGH,
	  50 * MB, 45 * MB, 1, 0, 7, 6000 },
};
static const struct fix_job jobs2[] = {
	{ "{C1}", "delta", "CONTOSO\\cy", BITS_STATE_SUSPENDED, BITS_PRIORITY_FOREGROUND,
	  1 * MB, 0, 1, 0, 0, 60 },
};

/* Three hosts whose names are prefixes of each other, in two groups, one over the shell backend. */
static struct model *
fixture(void)
{
	struct model *m = model_new(3, names);
	struct host_snapshot *s;

	model_apply(m, fix_snap(0, 1, T0, jobs0, 2), 1000);
	s = fix_snap(1, 1, T0, jobs1, 1);
	s->backend = HOST_BACKEND_SHELL;
	model_apply(m, s, 1000);
	model_apply(m, fix_snap(2, 1, T0, jobs2, 1), 1000);
	model_set_host_group(m, 0, "branch-a");
	model_set_host_group(m, 1, "lab");
	model_set_row_error(m, 1, "{B1}", MODEL_ERR_KNOWN, 0x80190194);
	return m;
}

/* The ids shown by filter f, space-separated, in view order. */
static const char *
shown(struct model *m, const char *f)
{
	static char buf[256];
	struct model_row *const *view;
	char *cause = NULL;
	size_t n;

	if (model_set_filter(m, f, &cause) != 0)
		fail_msg("filter '%s' refused: %s", f, cause);
	view = model_view(m, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, view[i]->id);
	}
	return buf;
}

/* host: is exact (sim-10 is not sim-100), case-insensitive; a bare word stays a substring. */
static void
test_host_exact(void **state)
{
	struct model *m = fixture();

	(void)state;
	assert_string_equal(shown(m, "host:sim-10"), "{B1}");
	assert_string_equal(shown(m, "HOST:SIM-1"), "{A2} {A1}");
	assert_string_equal(shown(m, "sim-10"), "{B1} {C1}");
	assert_string_equal(shown(m, "host:\"sim-100\""), "{C1}");
	model_free(m);
}

/* state: is exact (ERROR is not TRANSIENT_ERROR); priority: by name. */
static void
test_state_priority(void **state)
{
	struct model *m = fixture();

	(void)state;
	assert_string_equal(shown(m, "state:ERROR"), "{B1}");
	assert_string_equal(shown(m, "state:transient_error"), "{A2}");
	assert_string_equal(shown(m, "ERROR"), "{A2} {B1}");
	assert_string_equal(shown(m, "priority:high"), "{B1}");
	assert_string_equal(shown(m, "priority:FOREGROUND"), "{C1}");
	model_free(m);
}

/* group:, backend:, code: (hex, short name, full name), owner:, name: with quotes, status:. */
static void
test_other_fields(void **state)
{
	struct model *m = fixture();

	(void)state;
	assert_string_equal(shown(m, "group:BRANCH-A"), "{A2} {A1}");
	assert_string_equal(shown(m, "group:lab"), "{B1}");
	assert_string_equal(shown(m, "backend:shell"), "{B1}");
	assert_string_equal(shown(m, "code:0x80190194"), "{B1}");
	assert_string_equal(shown(m, "code:http_404"), "{B1}");
	assert_string_equal(shown(m, "code:BG_E_HTTP_ERROR_404"), "{B1}");
	assert_string_equal(shown(m, "code:0x80190195"), "");
	assert_string_equal(shown(m, "owner:contoso\\bob"), "{A2}");
	assert_string_equal(shown(m, "owner:CONTOSO"), "");
	assert_string_equal(shown(m, "name:\"nightly sync\""), "{A1}");
	assert_string_equal(shown(m, "name:nightly"), "");
	assert_string_equal(shown(m, "status:ok"), "{A2} {A1} {B1} {C1}");
	model_apply(m, fix_snap_err(2, 2, T0 + 5000, T0, HOSTERR_AUTH, "401"), 6000);
	assert_string_equal(shown(m, "status:auth"), "{C1}");
	model_free(m);
}

/* field:~re is an extended, case-insensitive regex; ! negates any word; words all hold. */
static void
test_regex_negation(void **state)
{
	struct model *m = fixture();

	(void)state;
	assert_string_equal(shown(m, "name:~^TMP"), "{A2}");
	assert_string_equal(shown(m, "host:~^sim-1(0|00)$"), "{B1} {C1}");
	assert_string_equal(shown(m, "!name:~^tmp"), "{A1} {B1} {C1}");
	assert_string_equal(shown(m, "!host:sim-1 !host:sim-100"), "{B1}");
	assert_string_equal(shown(m, "!error"), "{A1} {C1}");
	assert_string_equal(shown(m, "owner:~contoso host:sim-1"), "{A2} {A1}");
	model_free(m);
}

/* age, progress and errors compare numbers; ages take units. */
static void
test_compare(void **state)
{
	struct model *m = fixture();

	(void)state;
	assert_string_equal(shown(m, "age>2d"), "{A2}");
	assert_string_equal(shown(m, "age<=5m"), "{A1} {C1}");
	assert_string_equal(shown(m, "progress<10"), "{C1}");
	assert_string_equal(shown(m, "progress>=90"), "{B1}");
	assert_string_equal(shown(m, "errors>2"), "{A2} {B1}");
	assert_string_equal(shown(m, "errors=0 !state:SUSPENDED"), "{A1}");
	model_free(m);
}

/* stalled: a transferring job whose bytes did not move for the stall time. */
static void
test_stalled(void **state)
{
	struct model *m = fixture();
	struct model_summary sum;

	(void)state;
	model_set_stall(m, 60 * 1000);
	assert_string_equal(shown(m, "stalled"), "");
	model_apply(m, fix_snap(0, 2, T0 + 30000, jobs0, 2), 31000);
	assert_string_equal(shown(m, "stalled"), "");
	model_apply(m, fix_snap(0, 3, T0 + 61000, jobs0, 2), 62000);
	assert_string_equal(shown(m, "stalled"), "{A1}");
	assert_string_equal(shown(m, "!stalled host:sim-1"), "{A2}");
	model_summary(m, &sum);
	assert_int_equal(sum.stalled, 1);
	model_free(m);
}

/* Bad input: an error that names the word; the filter in force stays. */
static void
test_bad_input(void **state)
{
	static const struct {
		const char *filter;
		const char *says;
	} bad[] = {
		{ "colour:red", "no field 'colour'" },
		{ "state:DONE", "no such state" },
		{ "priority:urgent", "no such priority" },
		{ "name:~(unclosed", "not a regular expression" },
		{ "age>2x", "an age is a number" },
		{ "progress<ten", "compared with a number" },
		{ "name:\"open", "double quote is not closed" },
		{ "!", "'!' needs a word" },
	};
	struct model *m = fixture();

	(void)state;
	assert_string_equal(shown(m, "host:sim-10"), "{B1}");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		size_t n;

		assert_int_equal(model_set_filter(m, bad[i].filter, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, bad[i].says) == NULL)
			fail_msg("'%s': cause '%s' lacks '%s'", bad[i].filter, cause, bad[i].says);
		free(cause);
		assert_string_equal(model_filter(m), "host:sim-10");
		model_view(m, &n);
		assert_int_equal(n, 1);
	}
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_exact),
		cmocka_unit_test(test_state_priority),
		cmocka_unit_test(test_other_fields),
		cmocka_unit_test(test_regex_negation),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_stalled),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
