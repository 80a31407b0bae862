/* Tests for src/bits_job.c: names, FILETIME conversion, ownership helpers. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/bits_job.h"
#include "src/xalloc.h"

/* Every enum value has its doc/protocol.md §4 name; out of range is "UNKNOWN". */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(bits_state_name(0), "QUEUED");
	assert_string_equal(bits_state_name(2), "TRANSFERRING");
	assert_string_equal(bits_state_name(5), "TRANSIENT_ERROR");
	assert_string_equal(bits_state_name(8), "CANCELLED");
	assert_string_equal(bits_state_name(9), "UNKNOWN");
	assert_string_equal(bits_state_name(UINT64_MAX), "UNKNOWN");
	assert_string_equal(bits_priority_name(0), "FOREGROUND");
	assert_string_equal(bits_priority_name(3), "LOW");
	assert_string_equal(bits_priority_name(4), "UNKNOWN");
	assert_string_equal(bits_job_type_name(2), "UPLOAD_REPLY");
	assert_string_equal(bits_job_type_name(3), "UNKNOWN");
	assert_string_equal(bits_error_context_name(5), "REMOTE_FILE");
	assert_string_equal(bits_error_context_name(7), "REMOTE_APPLICATION");
	assert_string_equal(bits_error_context_name(8), "UNKNOWN");
}

/* Names parse back case-insensitively; unknown names and NULL give -1. */
static void
test_from_name(void **state)
{
	(void)state;
	assert_int_equal(bits_state_from_name("transferred"), BITS_STATE_TRANSFERRED);
	assert_int_equal(bits_state_from_name("Transient_Error"), BITS_STATE_TRANSIENT_ERROR);
	assert_int_equal(bits_state_from_name("TRANSFER"), -1);
	assert_int_equal(bits_state_from_name(""), -1);
	assert_int_equal(bits_state_from_name(NULL), -1);
	assert_int_equal(bits_priority_from_name("high"), BITS_PRIORITY_HIGH);
	assert_int_equal(bits_priority_from_name("NORMAL"), BITS_PRIORITY_NORMAL);
	assert_int_equal(bits_priority_from_name("urgent"), -1);
}

/* FILETIME ticks map to Unix seconds exactly; 0 and pre-1970 are "unset". */
static void
test_filetime(void **state)
{
	time_t t = 12345;

	(void)state;
	assert_false(bits_filetime_to_unix(0, &t));
	assert_int_equal(t, 12345);
	assert_false(bits_filetime_to_unix(BITS_FILETIME_UNIX_EPOCH - 1, &t));
	assert_true(bits_filetime_to_unix(BITS_FILETIME_UNIX_EPOCH, &t));
	assert_int_equal(t, 0);
	/* 2023-11-14T22:13:20Z = 1700000000. */
	assert_true(bits_filetime_to_unix(133444736000000000ULL, &t));
	assert_int_equal(t, 1700000000);
	/* Sub-second ticks are truncated. */
	assert_true(bits_filetime_to_unix(133444736000000000ULL + 9999999ULL, &t));
	assert_int_equal(t, 1700000000);
	/* The largest FILETIME still converts on a 64-bit time_t. */
	if (sizeof(time_t) >= 8) {
		assert_true(bits_filetime_to_unix(UINT64_MAX, &t));
		assert_int_equal((uint64_t)t, (UINT64_MAX - BITS_FILETIME_UNIX_EPOCH) / 10000000ULL);
	}
	assert_int_equal(bits_unix_to_filetime(1700000000), 133444736000000000ULL);
	assert_int_equal(bits_unix_to_filetime(0), BITS_FILETIME_UNIX_EPOCH);
	assert_int_equal(bits_unix_to_filetime(-1), 0);
}

/* BytesTotal is "known" only when set and not BG_SIZE_UNKNOWN. */
static void
test_size_known(void **state)
{
	struct bits_job job;

	(void)state;
	memset(&job, 0, sizeof(job));
	assert_false(bits_job_size_known(&job));
	job.bytes_total.p = BITS_NIL;
	assert_false(bits_job_size_known(&job));
	job.bytes_total.p = BITS_SET;
	job.bytes_total.v = BITS_SIZE_UNKNOWN;
	assert_false(bits_job_size_known(&job));
	job.bytes_total.v = 0;
	assert_true(bits_job_size_known(&job));
}

/* Build a job with two files, owning all its strings. */
static void
make_job(struct bits_job *job)
{
	memset(job, 0, sizeof(*job));
	job->job_id.p = BITS_SET;
	job->job_id.s = xstrdup("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");
	job->display_name.p = BITS_SET;
	job->display_name.s = xstrdup("");
	job->description.p = BITS_NIL;
	job->state.p = BITS_SET;
	job->state.v = BITS_STATE_TRANSFERRING;
	job->files_p = BITS_SET;
	job->nfiles = 2;
	job->files = xcalloc(2, sizeof(*job->files));
	job->files[0].remote_url.p = BITS_SET;
	job->files[0].remote_url.s = xstrdup("https://srv/a?x=1&y=2");
	job->files[0].local_file.p = BITS_NIL;
	job->files[1].local_file.p = BITS_SET;
	job->files[1].local_file.s = xstrdup("C:\\t\\b.bin");
	job->files[1].bytes_total.p = BITS_SET;
	job->files[1].bytes_total.v = UINT64_MAX;
}

/* A copy is deep (no shared strings) and keeps every presence flag. */
static void
test_copy(void **state)
{
	struct bits_job a, b;

	(void)state;
	make_job(&a);
	bits_job_copy(&b, &a);
	assert_ptr_not_equal(a.job_id.s, b.job_id.s);
	assert_string_equal(b.job_id.s, a.job_id.s);
	assert_int_equal(b.display_name.p, BITS_SET);
	assert_string_equal(b.display_name.s, "");
	assert_int_equal(b.description.p, BITS_NIL);
	assert_null(b.description.s);
	assert_int_equal(b.owner.p, BITS_ABSENT);
	assert_int_equal(b.nfiles, 2);
	assert_ptr_not_equal(a.files, b.files);
	assert_ptr_not_equal(a.files[0].remote_url.s, b.files[0].remote_url.s);
	assert_string_equal(b.files[0].remote_url.s, "https://srv/a?x=1&y=2");
	assert_int_equal(b.files[0].local_file.p, BITS_NIL);
	assert_string_equal(b.files[1].local_file.s, "C:\\t\\b.bin");
	assert_int_equal(b.files[1].bytes_total.v, UINT64_MAX);
	bits_job_done(&a);
	/* b survives a's destruction. */
	assert_string_equal(b.files[1].local_file.s, "C:\\t\\b.bin");
	bits_job_done(&b);
	assert_null(b.files);
	assert_int_equal(b.nfiles, 0);
	assert_int_equal(b.job_id.p, BITS_ABSENT);
}

/* bits_jobs_free and the _done helpers accept NULL and free arrays. */
static void
test_free_helpers(void **state)
{
	struct bits_job *jobs;
	struct bits_error_info info;

	(void)state;
	bits_jobs_free(NULL, 3);
	bits_job_done(NULL);
	bits_error_info_done(NULL);
	jobs = xcalloc(2, sizeof(*jobs));
	make_job(&jobs[0]);
	make_job(&jobs[1]);
	bits_jobs_free(jobs, 2);
	info.error_context = BITS_CTX_REMOTE_FILE;
	info.error_code = 0x80190194;
	info.context_description = xstrdup("remote file");
	info.error_description = xstrdup("404");
	bits_error_info_done(&info);
	assert_null(info.context_description);
	assert_int_equal(info.error_code, 0);
}

/* The intern pool: one copy per text, shared texts copied by pointer and never
 * freed by a job (valgrind would see the invalid free), odd texts refused. */
static void
test_intern(void **state)
{
	char big[600];
	const char *a = bits_intern("CONTOSO\\amy", 11), *b = bits_intern("CONTOSO\\amyX", 11);
	struct bits_job job = { 0 }, copy;

	(void)state;
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_string_equal(a, "CONTOSO\\amy");
	assert_ptr_not_equal(bits_intern("CONTOSO\\bob", 11), a);
	assert_null(bits_intern("a\0b", 3));
	memset(big, 'x', sizeof big);
	assert_null(bits_intern(big, sizeof big));
	job.owner.p = BITS_SET;
	job.owner.shared = true;
	job.owner.s = (char *)a;
	job.display_name.p = BITS_SET;
	job.display_name.s = xstrdup("own copy");
	bits_job_copy(&copy, &job);
	assert_ptr_equal(copy.owner.s, a);
	assert_true(copy.owner.shared);
	assert_ptr_not_equal(copy.display_name.s, job.display_name.s);
	assert_false(copy.display_name.shared);
	bits_job_done(&copy);
	bits_job_done(&job);
	assert_string_equal(bits_intern("CONTOSO\\amy", 11), "CONTOSO\\amy");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_from_name),
		cmocka_unit_test(test_filetime),
		cmocka_unit_test(test_size_known),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_free_helpers),
		cmocka_unit_test(test_intern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
