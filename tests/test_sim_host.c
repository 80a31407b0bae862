/* Unit tests of bitsim's job model (sim/sim_host.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sim/sim_host.h"

#define T0 1767225600.0	/* 2026-01-01T00:00:00Z */

/* A host with one download job (one half-done file) in state st. */
static struct sim_job *
make_job(struct sim_host *h, int st, int type, int with_file)
{
	struct sim_job *j;
	uint32_t hr;

	sim_host_init(h, 0, 42, 0, T0);
	hr = sim_host_create_job(h, "unit", with_file ? "http://s/f" : NULL,
	    with_file ? "C:\\f" : NULL, 0, type, 1, NULL, &j);
	assert_int_equal(hr, 0);
	if (with_file) {
		j->files[0].bytes_total = 1000;
		j->files[0].bytes_transferred = st == SIM_TRANSFERRED ? 1000 : 500;
	}
	j->state = (enum sim_state)st;
	return j;
}

/* Every SetJobState from every state gives what doc/protocol.md §5 says. */
static void
test_set_state_table(void **state)
{
	(void)state;
	for (int st = 0; st <= 8; st++) {
		for (int act = 0; act <= 3; act++) {
			struct sim_host h;
			struct sim_job *j = make_job(&h, st, 0, 1);
			uint32_t hr = sim_host_set_state(&h, &j, act);

			if (st >= SIM_ACKNOWLEDGED) {
				/* final states: nothing is allowed */
				assert_int_equal(hr, BITS_HR_BG_E_INVALID_STATE);
				assert_non_null(j);
			} else if (act == SIM_ACT_CANCEL) {
				assert_int_equal(hr, 0);
				assert_null(j);
				assert_int_equal(h.njobs, 0);	/* left the queue */
			} else if (act == SIM_ACT_COMPLETE) {
				/* download: partial files give BG_S_PARTIAL_COMPLETE */
				assert_int_equal(hr, st == SIM_TRANSFERRED ? 0 : 0x00200017u);
				assert_null(j);
				assert_int_equal(h.njobs, 0);
			} else if (act == SIM_ACT_RESUME) {
				int want = st == SIM_SUSPENDED || st == SIM_ERROR ||
				    st == SIM_TRANSIENT_ERROR ? SIM_QUEUED : st;

				assert_int_equal(hr, 0);
				assert_int_equal(j->state, want);
			} else {
				int want = st == SIM_TRANSFERRED ? SIM_TRANSFERRED : SIM_SUSPENDED;

				assert_int_equal(hr, 0);
				assert_int_equal(j->state, want);
			}
			sim_host_done(&h);
		}
	}
}

/* Completing an upload job before TRANSFERRED is BG_E_INVALID_STATE. */
static void
test_complete_upload(void **state)
{
	(void)state;
	for (int st = 0; st <= SIM_TRANSFERRED; st++) {
		struct sim_host h;
		struct sim_job *j = make_job(&h, st, 1, 1);
		uint32_t hr = sim_host_set_state(&h, &j, SIM_ACT_COMPLETE);

		if (st == SIM_TRANSFERRED) {
			assert_int_equal(hr, 0);
			assert_null(j);
		} else {
			assert_int_equal(hr, BITS_HR_BG_E_INVALID_STATE);
			assert_int_equal(j->state, st);
		}
		sim_host_done(&h);
	}
}

/* Resuming a job with no files fails with BG_E_EMPTY and leaves it SUSPENDED. */
static void
test_resume_empty(void **state)
{
	struct sim_host h;
	struct sim_job *j = make_job(&h, SIM_SUSPENDED, 0, 0);

	(void)state;
	assert_int_equal(sim_host_set_state(&h, &j, SIM_ACT_RESUME), BITS_HR_BG_E_EMPTY);
	assert_int_equal(j->state, SIM_SUSPENDED);
	assert_int_equal(sim_host_add_file(&h, j, "http://s/g", "C:\\g"), 0);
	assert_int_equal(sim_host_set_state(&h, &j, SIM_ACT_RESUME), 0);
	assert_int_equal(j->state, SIM_QUEUED);
	sim_host_done(&h);
}

/* CreateJob checks its arguments, owners follow ServiceAccount, upload jobs
 * take one file. */
static void
test_create_job(void **state)
{
	struct sim_host h;
	struct sim_job *j;

	(void)state;
	sim_host_init(&h, 0, 1, 0, T0);
	assert_int_equal(sim_host_create_job(&h, NULL, "u", "l", 0, 0, 1, NULL, &j),
	    BITS_HR_E_INVALIDARG);
	assert_int_equal(sim_host_create_job(&h, "x", "u", NULL, 0, 0, 1, NULL, &j),
	    BITS_HR_E_INVALIDARG);
	assert_int_equal(sim_host_create_job(&h, "x", "u", "l", 3, 0, 1, NULL, &j),
	    BITS_HR_E_INVALIDARG);
	assert_int_equal(sim_host_create_job(&h, "x", "u", "l", 0, 0, 1, NULL, &j), 0);
	assert_string_equal(j->owner, "NT AUTHORITY\\SYSTEM");
	assert_int_equal(j->state, SIM_SUSPENDED);
	assert_int_equal(sim_job_bytes_total(j), SIM_SIZE_UNKNOWN);
	assert_int_equal(sim_host_create_job(&h, "y", "u", "l", 2, 1, 0, NULL, &j), 0);
	assert_string_equal(j->owner, "NT AUTHORITY\\NETWORK SERVICE");
	assert_int_equal(j->state, SIM_QUEUED);	/* Suspend=false */
	assert_int_equal(sim_host_add_file(&h, j, "u2", "l2"), BITS_HR_BG_E_TOO_MANY_FILES);
	assert_ptr_equal(sim_host_find(&h, j->job_id), j);
	/* MaxJobsPerMachine (--max-jobs): the next CreateJob is refused */
	h.max_jobs = 2;
	assert_int_equal(sim_host_create_job(&h, "z", "u", "l", 0, 0, 1, NULL, &j),
	    BITS_HR_BG_E_TOO_MANY_JOBS_PER_MACHINE);
	sim_host_done(&h);
	/* a host seeded with more jobs than the BITS default keeps them all */
	sim_host_init(&h, 0, 1, 2000, T0);
	assert_int_equal(h.njobs, 2000);
	sim_host_done(&h);
}

/* Same seed, same jobs; another seed, other jobs. */
static void
test_seed_determinism(void **state)
{
	struct sim_host a, b, c;

	(void)state;
	sim_host_init(&a, 3, 99, 40, T0);
	sim_host_init(&b, 3, 99, 40, T0);
	sim_host_init(&c, 3, 100, 40, T0);
	assert_int_equal(a.njobs, 40);
	for (size_t i = 0; i < a.njobs; i++) {
		assert_string_equal(a.jobs[i]->job_id, b.jobs[i]->job_id);
		assert_string_equal(a.jobs[i]->display_name, b.jobs[i]->display_name);
		assert_int_equal(a.jobs[i]->state, b.jobs[i]->state);
		assert_int_equal(sim_job_bytes_total(a.jobs[i]), sim_job_bytes_total(b.jobs[i]));
		assert_int_equal(sim_job_bytes_transferred(a.jobs[i]),
		    sim_job_bytes_transferred(b.jobs[i]));
	}
	assert_string_not_equal(a.jobs[0]->job_id, c.jobs[0]->job_id);
	sim_host_done(&a);
	sim_host_done(&b);
	sim_host_done(&c);
}

/* The seeded queue shows every non-final state, unknown sizes and a non-ASCII name. */
static void
test_seed_variety(void **state)
{
	struct sim_host h;
	int seen[9] = { 0 }, unknown = 0, utf8 = 0;

	(void)state;
	sim_host_init(&h, 0, 5, 10, T0);
	for (size_t i = 0; i < h.njobs; i++) {
		seen[h.jobs[i]->state] = 1;
		unknown |= sim_job_bytes_total(h.jobs[i]) == SIM_SIZE_UNKNOWN;
		for (const char *c = h.jobs[i]->display_name; *c; c++)
			utf8 |= (unsigned char)*c >= 0x80;
	}
	for (int st = 0; st <= SIM_TRANSFERRED; st++)
		assert_true(seen[st]);
	assert_true(unknown);
	assert_true(utf8);
	sim_host_done(&h);
}

/* Time moves jobs forward: bytes never go back, everything ends settled,
 * and looking often or rarely gives the same result. */
static void
test_advance(void **state)
{
	struct sim_host a, b;

	(void)state;
	sim_host_init(&a, 1, 7, 30, T0);
	sim_host_init(&b, 1, 7, 30, T0);
	for (int step = 1; step <= 400; step++) {
		uint64_t before[30];

		for (size_t i = 0; i < a.njobs; i++)
			before[i] = sim_job_bytes_transferred(a.jobs[i]);
		sim_host_advance(&a, T0 + step * 0.5);
		for (size_t i = 0; i < a.njobs; i++)
			assert_true(sim_job_bytes_transferred(a.jobs[i]) >= before[i]);
	}
	sim_host_advance(&b, T0 + 200);
	for (size_t i = 0; i < a.njobs; i++) {
		assert_int_equal(a.jobs[i]->state, b.jobs[i]->state);
		assert_int_equal(sim_job_bytes_transferred(a.jobs[i]),
		    sim_job_bytes_transferred(b.jobs[i]));
	}
	/* after 30 simulated days nothing is still moving */
	sim_host_advance(&a, T0 + 30 * 86400.0);
	for (size_t i = 0; i < a.njobs; i++) {
		int st = a.jobs[i]->state;

		assert_true(st == SIM_SUSPENDED || st == SIM_ERROR || st == SIM_TRANSFERRED);
		if (st == SIM_TRANSFERRED) {
			assert_int_equal(sim_job_bytes_transferred(a.jobs[i]),
			    sim_job_bytes_total(a.jobs[i]));
			assert_true(a.jobs[i]->completed > 0);
		}
	}
	sim_host_done(&a);
	sim_host_done(&b);
}

/* Churn (--churn): transferred jobs leave, new ones arrive, the queue never grows
 * past its starting size, and reading often or rarely gives the same queue. */
static void
test_churn(void **state)
{
	struct sim_host a, b;
	int saw_new = 0;

	(void)state;
	sim_host_init(&a, 2, 11, 20, T0);
	sim_host_init(&b, 2, 11, 20, T0);
	sim_host_set_churn(&a, 30);
	sim_host_set_churn(&b, 30);
	for (int step = 1; step <= 4000; step++) {
		sim_host_advance(&a, T0 + step * 0.5);
		assert_true(a.njobs <= 20);
	}
	sim_host_advance(&b, T0 + 2000);
	assert_int_equal(a.njobs, b.njobs);
	for (size_t i = 0; i < a.njobs; i++) {
		assert_string_equal(a.jobs[i]->job_id, b.jobs[i]->job_id);
		assert_int_equal(a.jobs[i]->state, b.jobs[i]->state);
		assert_int_equal(sim_job_bytes_transferred(a.jobs[i]),
		    sim_job_bytes_transferred(b.jobs[i]));
		if (a.jobs[i]->created > T0)
			saw_new = 1;
	}
	assert_true(saw_new);
	/* the seeded TRANSFERRED jobs were completed by their owners and left */
	for (size_t i = 0; i < a.njobs; i++)
		assert_false(a.jobs[i]->state == SIM_TRANSFERRED &&
		    a.jobs[i]->completed > 0 && a.jobs[i]->completed < T0 - 1);
	sim_host_done(&a);
	sim_host_done(&b);
}

/* GetError reports the job's HRESULT only in the error states. */
static void
test_get_error(void **state)
{
	struct sim_host h;
	uint32_t ctx, code;
	const char *cd, *ed;
	int found = 0;

	(void)state;
	sim_host_init(&h, 0, 5, 10, T0);
	for (size_t i = 0; i < h.njobs; i++) {
		struct sim_job *j = h.jobs[i];
		uint32_t hr = sim_host_get_error(j, &ctx, &code, &cd, &ed);

		if (j->state == SIM_ERROR || j->state == SIM_TRANSIENT_ERROR) {
			assert_int_equal(hr, 0);
			assert_true((code & 0x80000000u) != 0);
			assert_true(ctx >= 4 && ctx <= 7);
			assert_true(strlen(ed) > 0 && strlen(cd) > 0);
			found++;
		} else
			assert_int_equal(hr, BITS_HR_BG_E_ERROR_INFORMATION_UNAVAILABLE);
	}
	assert_true(found >= 2);
	sim_host_done(&h);
}

/* Run the sim_host unit tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_state_table),
		cmocka_unit_test(test_complete_upload),
		cmocka_unit_test(test_resume_empty),
		cmocka_unit_test(test_create_job),
		cmocka_unit_test(test_seed_determinism),
		cmocka_unit_test(test_seed_variety),
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_get_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
