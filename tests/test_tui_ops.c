/*
 * Unit tests of the operations of the screen (tui/ops.c, tui/actions.c) and of
 * reading them back from the audit log (tui/opslog.c): an action on many jobs
 * is one operation with a child per job, Failed when a child failed, with
 * HasMoreData until looked at; the audit log written by src/audit.c carries
 * the operation id, and the operations of an earlier run come back from it,
 * past, with their children, Stopped when answers are missing; lines that are
 * not operations of the screen, or not JSON, are skipped.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>

#include "src/audit.h"
#include "tests/tui_fixture.h"
#include "tui/actions.h"
#include "tui/model.h"
#include "tui/ops.h"
#include "tui/opslog.h"

#define T0 (FIX_NOW_UNIX * 1000)

static const char *const names[] = { "ws01", "ws02" };
static const struct fix_job jobs0[] = {
	{ "{A1}", "alpha", NULL, BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL, 10, 1, 1, 0, 0, 60 },
	{ "{A2}", "beta", NULL, BITS_STATE_SUSPENDED, BITS_PRIORITY_NORMAL, 10, 1, 1, 0, 0, 60 },
};
static const struct fix_job jobs1[] = {
	{ "{B1}", "gamma", NULL, BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 10, 0, 1, 0, 0, 60 },
};

/* The fake poller: writes the audit lines a real one writes, keeps the requests. */
struct env {
	struct model *m;
	struct actions *a;
	struct audit *audit;
	char	 path[64];
	struct action_req *reqs[8];
	size_t	 n;
};

/* Submit: the intent line, then keep the request (ids from 1). */
static uint64_t
fake_submit(void *arg, struct action_req *req)
{
	struct env *e = arg;

	req->id = e->n + 1;
	assert_int_equal(audit_intent(e->audit, req, names[req->host], "https://x/wsman"), 0);
	e->reqs[e->n++] = req;
	return req->id;
}

/* Answer request i: the outcome line, then the result to the tracker. */
static void
answer(struct env *e, size_t i, bool ok, uint32_t code, char **msg)
{
	struct action_result *res = action_result_new(e->reqs[i]);
	bool failed;

	res->ok = ok;
	if (!ok)
		hosterr_set_code(&res->error, HOSTERR_FAULT, code, "Access is denied.");
	assert_int_equal(audit_outcome(e->audit, res, names[res->host]), 0);
	assert_true(actions_on_result(e->a, e->m, res, msg, &failed));
	action_result_free(res);
}

/* A cancel of three jobs on two hosts, one of which fails; the log read back. */
static void
test_operation_and_log(void **state)
{
	struct actions_policy pol = { .audit_ok = true };
	struct env e = { 0 };
	struct model_row *rows[3];
	struct actions_plan *plan;
	struct ops_op *op;
	struct ops *past;
	char *cause = NULL, *msg = NULL;

	(void)state;
	snprintf(e.path, sizeof e.path, "/tmp/bitstop-ops-%d.log", (int)getpid());
	unlink(e.path);
	e.audit = audit_open(e.path, &cause);
	assert_non_null(e.audit);
	e.m = model_new(2, names);
	model_apply(e.m, fix_snap(0, 1, T0, jobs0, 2), 1000);
	model_apply(e.m, fix_snap(1, 1, T0, jobs1, 1), 1000);
	e.a = actions_new(fake_submit, &e);
	rows[0] = model_find(e.m, 0, "{A1}");
	rows[1] = model_find(e.m, 0, "{A2}");
	rows[2] = model_find(e.m, 1, "{B1}");
	plan = actions_plan_new(&pol, e.m, ACTION_CANCEL, ACTIONS_PRI_SET, 0, rows, 3, &cause);
	assert_non_null(plan);
	actions_submit(e.a, e.m, plan, T0);
	op = actions_ops(e.a)->v[0];
	assert_string_equal(op->name, "cancel 3 jobs on 2 hosts");
	assert_int_equal(op->state, OPS_RUNNING);
	assert_false(op->has_more_data);
	assert_string_equal(ops_location(op), "ws01,ws02");
	answer(&e, 0, true, 0, &msg);
	assert_null(msg);
	answer(&e, 1, false, 0x80070005, &msg);
	assert_null(msg);
	answer(&e, 2, true, 0, &msg);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "cancel 3 jobs on 2 hosts: 2 ok, 1 failed"));
	free(msg);
	assert_int_equal(op->state, OPS_FAILED);
	assert_true(op->has_more_data);
	assert_int_equal(op->children[1].outcome, OPS_FAILED_CHILD);
	assert_int_equal(op->children[1].code, 0x80070005);

	/* A second run reads it back from the log, past. */
	audit_close(e.audit);
	{
		FILE *f = fopen(e.path, "a");

		/* Not operations of the screen: --action lines (no op), garbage, GetError. */
		fputs("{\"time\":\"2026-11-21T10:00:00Z\",\"event\":\"intent\",\"id\":9,\"host\":\"ws01\","
		    "\"job\":\"{Z}\",\"action\":\"cancel\"}\n", f);
		fputs("not json at all\n{\"event\":\n", f);
		/* An operation whose answer never came: Stopped. */
		fputs("{\"time\":\"2026-11-21T10:00:01Z\",\"event\":\"intent\",\"id\":1,\"op\":\"later.1\","
		    "\"host\":\"ws02\",\"job\":\"{B1}\",\"name\":\"gamma\",\"action\":\"priority\","
		    "\"params\":{\"priority\":\"HIGH\"}}\n", f);
		fclose(f);
	}
	past = ops_new();
	assert_int_equal(opslog_load(past, e.path, 10, &cause), 0);
	assert_int_equal(past->n, 2);
	op = past->v[0];
	assert_true(op->past);
	assert_false(op->has_more_data);
	assert_string_equal(op->name, "cancel 3 jobs on 2 hosts");
	assert_int_equal(op->state, OPS_FAILED);
	assert_int_equal(op->nchildren, 3);
	assert_int_equal(op->nfailed, 1);
	assert_string_equal(op->children[1].job_id, "{A2}");
	assert_true(op->children[1].has_code);
	assert_int_equal(op->children[1].code, 0x80070005);
	assert_string_equal(op->children[1].error, "Access is denied.");
	assert_string_equal(ops_location(op), "ws01,ws02");
	op = past->v[1];
	assert_string_equal(op->name, "set priority HIGH on 'gamma' on ws02");
	assert_int_equal(op->state, OPS_STOPPED);
	ops_free(past);
	/* Only the last ones are kept. */
	past = ops_new();
	assert_int_equal(opslog_load(past, e.path, 1, &cause), 0);
	assert_int_equal(past->n, 1);
	assert_int_equal(past->v[0]->state, OPS_STOPPED);
	ops_free(past);
	/* A missing log is no operations, not an error. */
	past = ops_new();
	unlink(e.path);
	assert_int_equal(opslog_load(past, e.path, 10, &cause), 0);
	assert_int_equal(past->n, 0);
	ops_free(past);
	for (size_t i = 0; i < e.n; i++)
		action_req_free(e.reqs[i]);
	actions_free(e.a);
	model_free(e.m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operation_and_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
