/* Unit tests of tui/fmt.c: the compact sizes, rates and durations the table shows. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/fmt.h"

/* Sizes fit in 5 columns with binary units and never print "1000K" style overflow. */
static void
test_size(void **state)
{
	char b[FMT_BUFSZ];

	assert_string_equal(fmt_size(b, sizeof b, 0), "0B");
	assert_string_equal(fmt_size(b, sizeof b, 1023), "1023B");
	assert_string_equal(fmt_size(b, sizeof b, 1536), "1.5K");
	assert_string_equal(fmt_size(b, sizeof b, 512 * 1024), "512K");
	assert_string_equal(fmt_size(b, sizeof b, 1023 * 1024), "1.0M");
	assert_string_equal(fmt_size(b, sizeof b, 100ULL * 1024 * 1024), "100M");
	assert_string_equal(fmt_size(b, sizeof b, 5ULL << 40), "5.0T");
	assert_string_equal(fmt_size(b, sizeof b, UINT64_MAX - 1), "16E");
}

/* Rates add "/s"; an unknown rate is a dash. */
static void
test_rate(void **state)
{
	char b[FMT_BUFSZ];

	assert_string_equal(fmt_rate(b, sizeof b, 2.0 * 1024 * 1024), "2.0M/s");
	assert_string_equal(fmt_rate(b, sizeof b, 0), "0B/s");
	assert_string_equal(fmt_rate(b, sizeof b, -1), "-");
}

/* ETA keeps two units; age keeps one. */
static void
test_durations(void **state)
{
	char b[FMT_BUFSZ];

	assert_string_equal(fmt_eta(b, sizeof b, 45), "45s");
	assert_string_equal(fmt_eta(b, sizeof b, 723), "12m03s");
	assert_string_equal(fmt_eta(b, sizeof b, 3 * 3600 + 12 * 60 + 5), "3h12m");
	assert_string_equal(fmt_eta(b, sizeof b, 2 * 86400 + 4 * 3600), "2d04h");
	assert_string_equal(fmt_eta(b, sizeof b, 1000ULL * 86400), ">99d");
	assert_string_equal(fmt_age(b, sizeof b, 59), "59s");
	assert_string_equal(fmt_age(b, sizeof b, 300), "5m");
	assert_string_equal(fmt_age(b, sizeof b, 7200), "2h");
	assert_string_equal(fmt_age(b, sizeof b, 3 * 86400), "3d");
	assert_string_equal(fmt_age(b, sizeof b, 800ULL * 86400), "2y");
	assert_string_equal(fmt_clock(b, sizeof b, 0), "never");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
