/* Tests for src/bits_hresult.c: the code table, computed HTTP codes, formatting. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/bits_hresult.h"

/* The table is strictly sorted, so the binary search finds every entry. */
static void
test_table_sorted_and_findable(void **state)
{
	size_t i, n = bits_hresult_count();
	struct bits_hresult_desc d;

	(void)state;
	assert_true(n > 60);
	for (i = 0; i < n; i++) {
		if (i > 0)
			assert_true(bits_hresult_code_at(i - 1) < bits_hresult_code_at(i));
		assert_true(bits_hresult_lookup(bits_hresult_code_at(i), &d));
		assert_int_equal(d.code, bits_hresult_code_at(i));
		assert_true(strlen(d.name) > 0);
		assert_true(strlen(d.meaning) > 0);
	}
}

/* The BITS and WinRM codes bitstop meets (doc/protocol.md) have their names. */
static void
test_known_codes(void **state)
{
	(void)state;
	assert_string_equal(bits_hresult_name(0x80200002), "BG_E_INVALID_STATE");
	assert_string_equal(bits_hresult_name(0x80200003), "BG_E_EMPTY");
	assert_string_equal(bits_hresult_name(0x80200049), "BG_E_TOO_MANY_JOBS_PER_USER");
	assert_string_equal(bits_hresult_name(0x00200017), "BG_S_PARTIAL_COMPLETE");
	assert_string_equal(bits_hresult_name(2150858752u), "ERROR_WSMAN_RESOURCE_NOT_FOUND");
	assert_string_equal(bits_hresult_name(2150858793u), "ERROR_WSMAN_OPERATION_TIMEDOUT");
	assert_string_equal(bits_hresult_name(2150859174u), "ERROR_WSMAN_QUOTA_MAX_OPERATIONS");
	assert_string_equal(bits_hresult_name(0x80041002), "WBEM_E_NOT_FOUND");
	assert_string_equal(bits_hresult_name(0x8004102F), "WBEM_E_INVALID_METHOD_PARAMETERS");
	assert_string_equal(bits_hresult_name(0x80070005), "E_ACCESSDENIED");
	assert_string_equal(bits_hresult_name(0x80070057), "E_INVALIDARG");
	assert_null(bits_hresult_name(0x12345678));
	assert_null(bits_hresult_name(0x80190194));
}

/*
 * The names in code are the table's (BITS_HR_x is the code named x), and a Win32
 * error returned as an HRESULT (0x8007xxxx) takes the Win32 error's row.
 */
static void
test_names_from_table(void **state)
{
	struct bits_hresult_desc d;

	(void)state;
	assert_int_equal(BITS_HR_BG_E_NOT_FOUND, 0x80200001u);
	assert_string_equal(bits_hresult_name(BITS_HR_ERROR_WSMAN_QUOTA_MAX_OPERATIONS),
	    "ERROR_WSMAN_QUOTA_MAX_OPERATIONS");
	assert_int_equal(BITS_HR_ERROR_ACCESS_DENIED, 5);
	assert_string_equal(bits_hresult_name(0x80070002), "ERROR_FILE_NOT_FOUND");
	assert_true(bits_hresult_lookup(0x80070002, &d));
	assert_int_equal(d.code, 0x80070002u);
	assert_string_equal(d.meaning, "the system cannot find the file specified");
	/* its own row wins over the Win32 one */
	assert_string_equal(bits_hresult_name(0x80070005), "E_ACCESSDENIED");
	assert_null(bits_hresult_name(0x80071234));
	/* job errors the demo fleet shows get a name in the ERROR column */
	assert_string_equal(bits_hresult_name(0x80070070), "ERROR_DISK_FULL");
	assert_string_equal(bits_hresult_name(0x80072EFE), "ERROR_INTERNET_CONNECTION_ABORTED");
}

/* BG_E_HTTP_ERROR_xxx is computed from 0x80190000 + status, 100..599 only. */
static void
test_http_error_codes(void **state)
{
	struct bits_hresult_desc d;

	(void)state;
	assert_true(bits_hresult_lookup(0x80190194, &d));
	assert_string_equal(d.name, "BG_E_HTTP_ERROR_404");
	assert_string_equal(d.meaning, "the remote server answered HTTP 404 Not Found");
	assert_true(bits_hresult_lookup(0x80190193, &d));
	assert_string_equal(d.name, "BG_E_HTTP_ERROR_403");
	assert_true(bits_hresult_lookup(0x80190064, &d));
	assert_string_equal(d.name, "BG_E_HTTP_ERROR_100");
	assert_string_equal(d.meaning, "the remote server answered HTTP 100");
	assert_true(bits_hresult_lookup(0x80190000 + 599, &d));
	assert_false(bits_hresult_lookup(0x80190000 + 99, &d));
	assert_int_equal(d.code, 0x80190000 + 99);
	assert_string_equal(d.name, "");
	assert_false(bits_hresult_lookup(0x80190000 + 600, &d));
}

/* The formatter gives "0xCODE NAME: meaning", or the bare hex code when unknown. */
static void
test_format(void **state)
{
	char *s;

	(void)state;
	s = bits_hresult_format(0x80200002);
	assert_string_equal(s, "0x80200002 BG_E_INVALID_STATE: method not allowed in the job's current state");
	free(s);
	s = bits_hresult_format(0x80190194);
	assert_string_equal(s, "0x80190194 BG_E_HTTP_ERROR_404: the remote server answered HTTP 404 Not Found");
	free(s);
	s = bits_hresult_format(0xDEADBEEF);
	assert_string_equal(s, "0xDEADBEEF");
	free(s);
}

/* Only 0 and the BG_S_* codes count as method success. */
static void
test_success_codes(void **state)
{
	(void)state;
	assert_true(bits_hresult_is_success(0));
	assert_true(bits_hresult_is_success(0x00200017));
	assert_true(bits_hresult_is_success(0x0020001A));
	assert_false(bits_hresult_is_success(2));
	assert_false(bits_hresult_is_success(0x80200002));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted_and_findable),
		cmocka_unit_test(test_known_codes),
		cmocka_unit_test(test_names_from_table),
		cmocka_unit_test(test_http_error_codes),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_success_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
