/*
 * Unit tests of tui/actions.c: which actions are refused and why, which need a
 * confirmation and its wording, priority steps, submission marking rows pending,
 * results folded into one status line per batch, and create followed by resume.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "src/cfg.h"
#include "tests/tui_fixture.h"
#include "tui/actions.h"
#include "tui/model.h"

#define T0 (FIX_NOW_UNIX * 1000)

static const char *const names[] = { "ws01", "ws02", "ws03" };

static const struct fix_job jobs0[] = {
	{ "{A1}", "alpha", "amy", BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL, 100, 10, 1, 0, 0, 300 },
	{ "{A2}", "beta", "bob", BITS_STATE_TRANSFERRED, BITS_PRIORITY_FOREGROUND, 100, 100, 1, 1, 0, 200 },
};
static const struct fix_job jobs1[] = {
	{ "{B1}", "gamma", "sys", BITS_STATE_ERROR, BITS_PRIORITY_LOW, 50, 5, 1, 0, 2, 100 },
};
static const struct fix_job jobs2[] = {
	{ "{C1}", "delta", "sys", BITS_STATE_QUEUED, BITS_PRIORITY_HIGH, 50, 0, 1, 0, 0, 100 },
};

struct fake_poller {
	struct action_req *reqs[16];
	size_t	 n;
	uint64_t next_id;
};

/* The submit seam: keep the request, number it like the poller does. */
static uint64_t
fake_submit(void *arg, struct action_req *req)
{
	struct fake_poller *p = arg;

	req->id = ++p->next_id;
	assert_true(p->n < 16);
	p->reqs[p->n++] = req;
	return req->id;
}

/* Free what the fake poller holds. */
static void
fake_done(struct fake_poller *p)
{
	for (size_t i = 0; i < p->n; i++)
		action_req_free(p->reqs[i]);
}

struct env {
	struct host_cfg hosts[3];
	struct config cfg;
	struct actions_policy pol;
	struct model *m;
	struct fake_poller poller;
	struct actions *a;
};

/* Three hosts with jobs; ws03 read-only in the config; audit usable. */
static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);

	for (size_t i = 0; i < 3; i++)
		e->hosts[i].name = (char *)names[i];
	e->hosts[2].settings.readonly = true;
	e->cfg.hosts = e->hosts;
	e->cfg.nhosts = 3;
	e->pol.cfg = &e->cfg;
	e->pol.audit_ok = true;
	e->m = model_new(3, names);
	model_apply(e->m, fix_snap(0, 1, T0, jobs0, 2), 1000);
	model_apply(e->m, fix_snap(1, 1, T0, jobs1, 1), 1000);
	model_apply(e->m, fix_snap(2, 1, T0, jobs2, 1), 1000);
	e->a = actions_new(fake_submit, &e->poller);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	actions_free(e->a);
	model_free(e->m);
	fake_done(&e->poller);
	free(e);
	return 0;
}

/* An action result for a submitted request. */
static struct action_result *
result_for(const struct action_req *req, bool ok, const char *err)
{
	struct action_result *res = action_result_new(req);

	res->ok = ok;
	if (!ok)
		hosterr_set(&res->error, HOSTERR_ACCESS_DENIED, "%s", err);
	return res;
}

/* --readonly and an unusable audit log refuse every action, saying why. */
static void
test_refusals(void **state)
{
	struct env *e = *state;
	struct model_row *row = model_find(e->m, 0, "{A1}");
	char *cause = NULL;

	e->pol.readonly = true;
	assert_null(actions_plan_new(&e->pol, e->m, ACTION_SUSPEND, 0, 0, &row, 1, &cause));
	assert_non_null(strstr(cause, "read-only"));
	free(cause);
	e->pol.readonly = false;
	e->pol.audit_ok = false;
	e->pol.audit_why = "disk full";
	assert_null(actions_plan_new(&e->pol, e->m, ACTION_SUSPEND, 0, 0, &row, 1, &cause));
	assert_non_null(strstr(cause, "audit log"));
	assert_non_null(strstr(cause, "disk full"));
	free(cause);
	/* A host read-only in the config. */
	e->pol.audit_ok = true;
	row = model_find(e->m, 2, "{C1}");
	assert_null(actions_plan_new(&e->pol, e->m, ACTION_RESUME, 0, 0, &row, 1, &cause));
	assert_string_equal(cause, "read-only: ws03 is read-only in the config");
	free(cause);
	assert_int_equal(e->poller.n, 0);
}

/* A single suspend needs no confirmation; a single cancel does, naming the job and host. */
static void
test_confirm_rules(void **state)
{
	struct env *e = *state;
	struct model_row *row = model_find(e->m, 0, "{A1}");
	struct actions_plan *plan;
	char *cause = NULL;

	plan = actions_plan_new(&e->pol, e->m, ACTION_SUSPEND, 0, 0, &row, 1, &cause);
	assert_non_null(plan);
	assert_false(plan->confirm);
	actions_plan_free(plan);
	plan = actions_plan_new(&e->pol, e->m, ACTION_CANCEL, 0, 0, &row, 1, &cause);
	assert_true(plan->confirm);
	assert_non_null(strstr(plan->question, "cancel 'alpha' on ws01?"));
	actions_plan_free(plan);
	/* Complete before TRANSFERRED asks; complete of a TRANSFERRED job does not. */
	plan = actions_plan_new(&e->pol, e->m, ACTION_COMPLETE, 0, 0, &row, 1, &cause);
	assert_true(plan->confirm);
	actions_plan_free(plan);
	row = model_find(e->m, 0, "{A2}");
	plan = actions_plan_new(&e->pol, e->m, ACTION_COMPLETE, 0, 0, &row, 1, &cause);
	assert_false(plan->confirm);
	actions_plan_free(plan);
}

/* A bulk action always asks, counting jobs and hosts, and skips read-only hosts aloud. */
static void
test_bulk_question(void **state)
{
	struct env *e = *state;
	struct model_row **rows;
	struct actions_plan *plan;
	char *cause = NULL;
	size_t n;

	model_tag_shown(e->m);
	n = model_tagged(e->m, &rows);
	assert_int_equal(n, 4);
	plan = actions_plan_new(&e->pol, e->m, ACTION_RESUME, 0, 0, rows, n, &cause);
	assert_true(plan->confirm);
	assert_int_equal(plan->nreqs, 3);
	assert_int_equal(plan->nhosts, 2);
	assert_string_equal(plan->question, "resume 3 jobs on 2 hosts? (1 on read-only hosts skipped)");
	actions_plan_free(plan);
	free(rows);
}

/* + and - step one priority level and skip rows already at the end of the range. */
static void
test_priority_steps(void **state)
{
	struct env *e = *state;
	struct model_row *rows[2] = { model_find(e->m, 0, "{A1}"), model_find(e->m, 0, "{A2}") };
	struct actions_plan *plan;
	char *cause = NULL;

	plan = actions_plan_new(&e->pol, e->m, ACTION_PRIORITY, ACTIONS_PRI_RAISE, 0, rows, 2, &cause);
	assert_int_equal(plan->nreqs, 1);	/* {A2} is FOREGROUND already */
	assert_int_equal(plan->reqs[0]->priority, BITS_PRIORITY_HIGH);
	actions_plan_free(plan);
	assert_null(actions_plan_new(&e->pol, e->m, ACTION_PRIORITY, ACTIONS_PRI_RAISE, 0, &rows[1], 1,
	    &cause));
	assert_non_null(strstr(cause, "highest"));
	free(cause);
	plan = actions_plan_new(&e->pol, e->m, ACTION_PRIORITY, ACTIONS_PRI_SET, BITS_PRIORITY_LOW, rows,
	    2, &cause);
	assert_int_equal(plan->nreqs, 2);
	assert_string_equal(plan->what, "set priority LOW on 2 jobs on 1 host");
	actions_plan_free(plan);
}

/* Submitting marks rows pending; results end the pending marks and the last result of
 * a batch gives one message counting successes and failures with the first error. */
static void
test_batch_results(void **state)
{
	struct env *e = *state;
	struct model_row *rows[2] = { model_find(e->m, 0, "{A1}"), model_find(e->m, 1, "{B1}") };
	struct action_result *res;
	struct actions_plan *plan;
	char *cause = NULL, *msg = NULL;
	bool failed;

	plan = actions_plan_new(&e->pol, e->m, ACTION_CANCEL, 0, 0, rows, 2, &cause);
	assert_string_equal(plan->question,
	    "cancel 2 jobs on 2 hosts? Cancelled jobs and their temporary files are deleted.");
	actions_submit(e->a, e->m, plan, T0);
	assert_int_equal(e->poller.n, 2);
	assert_int_equal(model_find(e->m, 0, "{A1}")->pending, 1);
	assert_int_equal(actions_in_flight(e->a), 2);

	res = result_for(e->poller.reqs[0], true, NULL);
	assert_true(actions_on_result(e->a, e->m, res, &msg, &failed));
	assert_null(msg);
	assert_int_equal(model_find(e->m, 0, "{A1}")->pending, 0);
	assert_true(model_find(e->m, 0, "{A1}")->drop_when_gone);
	action_result_free(res);
	res = result_for(e->poller.reqs[1], false, "Access is denied.\x1b[2J");
	assert_true(actions_on_result(e->a, e->m, res, &msg, &failed));
	assert_true(failed);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "cancel 2 jobs on 2 hosts: 1 ok, 1 failed \u2014 o to see them; first: ws02 'gamma': Access is denied."));
	assert_null(strchr(msg, '\x1b'));
	assert_false(model_find(e->m, 1, "{B1}")->drop_when_gone);
	free(msg);
	action_result_free(res);
	assert_int_equal(actions_in_flight(e->a), 0);
}

/* A create is one batch with one answer (the poller resumes the new job itself);
 * GetError results are not this module's. */
static void
test_create(void **state)
{
	struct env *e = *state;
	struct action_req *req = action_req_new(ACTION_CREATE, 1, NULL, NULL);
	struct action_result *res;
	char *msg = NULL;
	bool failed;

	req->display_name = xstrdup("fresh");
	req->remote_url = xstrdup("http://srv/f.bin");
	req->local_file = xstrdup("C:\\t\\f.bin");
	actions_submit_create(e->a, e->m, req, NULL, T0);
	assert_int_equal(actions_in_flight(e->a), 1);
	res = result_for(e->poller.reqs[0], true, NULL);
	free(res->job_id);
	res->job_id = xstrdup("{NEW}");
	assert_true(actions_on_result(e->a, e->m, res, &msg, &failed));
	assert_string_equal(msg, "create 'fresh' on ws02: ok");
	assert_int_equal(e->poller.n, 1);
	assert_int_equal(actions_in_flight(e->a), 0);
	free(msg);
	action_result_free(res);

	req = action_req_new(ACTION_GET_ERROR, 1, "{B1}", "gamma");
	req->id = 99;
	res = action_result_new(req);
	assert_false(actions_on_result(e->a, e->m, res, &msg, &failed));
	action_result_free(res);
	action_req_free(req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_question, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
