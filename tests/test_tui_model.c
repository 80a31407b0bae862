/*
 * Unit tests of tui/model.c: row identity across refreshes, new and vanished
 * marks, stale rows, filter, sort, tags, pending actions, rate and ETA, jobs
 * taken from the last snapshot when the poller did not parse them again.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "tests/tui_fixture.h"
#include "tui/model.h"

#define MB (1024ULL * 1024ULL)
#define T0 (FIX_NOW_UNIX * 1000)

static const char *const names[] = { "ws01", "ws02", "ws10" };

static const struct fix_job jobs_a[] = {
	{ "{A1}", "alpha", "CONTOSO\\amy", BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL,
	  100 * MB, 10 * MB, 2, 0, 0, 300 },
	{ "{A2}", "beta", "CONTOSO\\bob", BITS_STATE_SUSPENDED, BITS_PRIORITY_LOW,
	  BITS_SIZE_UNKNOWN, 0, 1, 0, 3, 120 },
};
static const struct fix_job jobs_b[] = {
	{ "{B1}", "gamma", "NT AUTHORITY\\SYSTEM", BITS_STATE_ERROR, BITS_PRIORITY_HIGH,
	  50 * MB, 50 * MB, 1, 1, 7, 6000 },
};

/* Model with three hosts and first polls of ws01 and ws02 applied at mono 1000. */
static struct model *
model_fixture(void)
{
	struct model *m = model_new(3, names);

	model_set_grace(m, 5000, 10000);
	assert_true(model_apply(m, fix_snap(0, 1, T0, jobs_a, 2), 1000));
	assert_true(model_apply(m, fix_snap(1, 1, T0, jobs_b, 1), 1000));
	return m;
}

/* Rows of the first poll are not "new" (nothing to compare with) and all appear. */
static void
test_first_poll_rows(void **state)
{
	struct model *m = model_fixture();
	struct model_row *const *view;
	size_t n;

	view = model_view(m, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_false(view[i]->is_new);
	assert_string_equal(view[0]->id, "{A1}");
	assert_string_equal(view[2]->id, "{B1}");
	model_free(m);
}

/* A row keeps its identity (same object, tag kept) across a refresh, and a job seen
 * for the first time after the first poll is marked new until the grace period ends. */
static void
test_identity_and_new(void **state)
{
	struct model *m = model_fixture();
	struct fix_job next[3] = { jobs_a[0], jobs_a[1],
		{ "{A0}", "delta", "x", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 1 * MB, 0, 1, 0, 0, 5 } };
	struct model_row *before = model_find(m, 0, "{A2}"), *row;

	model_tag_toggle(m, before);
	assert_true(model_apply(m, fix_snap(0, 2, T0 + 5000, next, 3), 6000));
	row = model_find(m, 0, "{A2}");
	assert_ptr_equal(row, before);
	assert_true(row->tagged);
	row = model_find(m, 0, "{A0}");
	assert_non_null(row);
	assert_true(row->is_new);
	assert_false(model_tick(m, 10000));
	assert_true(row->is_new);
	assert_true(model_tick(m, 11000));
	assert_false(row->is_new);
	model_free(m);
}

/* A job that leaves the queue stays as a tombstone with its last data, then is dropped. */
static void
test_vanished(void **state)
{
	struct model *m = model_fixture();
	struct model_row *row;
	size_t n;

	assert_true(model_apply(m, fix_snap(0, 2, T0 + 5000, &jobs_a[1], 1), 6000));
	row = model_find(m, 0, "{A1}");
	assert_non_null(row);
	assert_true(row->vanished);
	assert_string_equal(row->name, "alpha");
	assert_int_equal(row->job->bytes_transferred.v, 10 * MB);
	model_view(m, &n);
	assert_int_equal(n, 3);
	assert_false(model_tick(m, 15999));
	assert_true(model_tick(m, 16000));
	assert_null(model_find(m, 0, "{A1}"));
	model_view(m, &n);
	assert_int_equal(n, 2);
	model_free(m);
}

/* A vanished job that comes back is a live row again. */
static void
test_vanished_returns(void **state)
{
	struct model *m = model_fixture();
	struct model_row *row;

	model_apply(m, fix_snap(0, 2, T0 + 5000, &jobs_a[1], 1), 6000);
	model_apply(m, fix_snap(0, 3, T0 + 10000, jobs_a, 2), 11000);
	row = model_find(m, 0, "{A1}");
	assert_non_null(row);
	assert_false(row->vanished);
	/* back in the queue: the row shows the live job and holds no tombstone copy */
	assert_null(row->tomb);
	assert_ptr_not_equal(row->job, NULL);
	model_free(m);
}

/* A failed poll keeps the host's rows, marked stale with the time of the last good poll;
 * a good poll clears the mark. */
static void
test_stale(void **state)
{
	struct model *m = model_fixture();
	struct model_row *row = model_find(m, 1, "{B1}");
	struct model_summary sum;

	assert_false(model_row_stale(m, row));
	assert_true(model_apply(m, fix_snap_err(1, 2, T0 + 5000, T0, HOSTERR_TIMEOUT, "timed out"), 6000));
	row = model_find(m, 1, "{B1}");
	assert_non_null(row);
	assert_true(model_row_stale(m, row));
	assert_int_equal(model_row_stale_since(m, row), T0);
	model_summary(m, &sum);
	assert_int_equal(sum.hosts_ok, 1);
	assert_int_equal(sum.hosts_failing, 1);
	assert_int_equal(sum.hosts_polling, 1);
	assert_int_equal(sum.jobs, 3);
	model_apply(m, fix_snap(1, 3, T0 + 10000, jobs_b, 1), 11000);
	assert_false(model_row_stale(m, model_find(m, 1, "{B1}")));
	model_free(m);
}

/* An older or repeated snapshot (by seq) is ignored and freed. */
static void
test_old_snapshot_ignored(void **state)
{
	struct model *m = model_fixture();

	assert_false(model_apply(m, fix_snap(0, 1, T0, &jobs_a[1], 1), 2000));
	assert_false(model_find(m, 0, "{A1}")->vanished);
	model_free(m);
}

/* Rate comes from bytes moved between two polls; ETA from what is left at that rate. */
static void
test_rate_eta(void **state)
{
	struct model *m = model_fixture();
	struct fix_job next[2] = { jobs_a[0], jobs_a[1] };
	struct model_row *row;
	struct model_summary sum;
	uint64_t eta;
	double pct;

	row = model_find(m, 0, "{A1}");
	assert_true(row->rate < 0);
	assert_false(model_row_eta(row, &eta));
	next[0].done = 20 * MB;	/* 10 MiB in 5 s: 2 MiB/s, 80 MiB left: 40 s */
	model_apply(m, fix_snap(0, 2, T0 + 5000, next, 2), 6000);
	row = model_find(m, 0, "{A1}");
	assert_true(row->rate > 2.0 * MB - 1 && row->rate < 2.0 * MB + 1);
	assert_true(model_row_eta(row, &eta));
	assert_int_equal(eta, 40);
	assert_true(model_row_percent(row, &pct));
	assert_true(pct > 19.9 && pct < 20.1);
	/* Unknown size: no percent, no ETA. */
	row = model_find(m, 0, "{A2}");
	assert_false(model_row_percent(row, &pct));
	assert_false(model_row_eta(row, &eta));
	model_summary(m, &sum);
	assert_true(sum.rate > 2.0 * MB - 1 && sum.rate < 2.0 * MB + 1);
	/* Bytes going backwards (a restart): rate unknown, not negative nonsense. */
	next[0].done = 1 * MB;
	model_apply(m, fix_snap(0, 3, T0 + 10000, next, 2), 11000);
	assert_true(model_find(m, 0, "{A1}")->rate < 0);
	model_free(m);
}

/*
 * Rates and ETAs tell the truth: only a fresh TRANSFERRING row shows them,
 * never a suspended one that moved, a stale one, or any while polling is
 * paused; the aggregate counts only the rows that show a rate.
 */
static void
test_rate_truth(void **state)
{
	struct model *m = model_fixture();
	struct fix_job next[2] = { jobs_a[0], jobs_a[1] };
	struct model_summary sum;
	struct model_row *a1, *a2;
	uint64_t eta;
	double rate;

	(void)state;
	next[0].done = 20 * MB;
	next[1].state = BITS_STATE_SUSPENDED;
	next[1].done = 5 * MB;	/* bytes counted while it was briefly running: no rate now */
	model_apply(m, fix_snap(0, 2, T0 + 5000, next, 2), 6000);
	a1 = model_find(m, 0, "{A1}");
	a2 = model_find(m, 0, "{A2}");
	assert_true(model_row_rate(m, a1, &rate));
	assert_true(model_row_eta_shown(m, a1, &eta));
	assert_false(model_row_rate(m, a2, &rate));
	assert_false(model_row_eta_shown(m, a2, &eta));
	model_summary(m, &sum);
	assert_true(sum.rate > 2.0 * MB - 1 && sum.rate < 2.0 * MB + 1);
	/* Paused: nothing is current. */
	model_set_paused(m, true);
	assert_false(model_row_rate(m, a1, &rate));
	assert_false(model_row_eta_shown(m, a1, &eta));
	model_summary(m, &sum);
	assert_true(sum.rate == 0);
	model_set_paused(m, false);
	/* The host stops answering: its rows keep their state but show no rate. */
	model_apply(m, fix_snap_err(0, 3, T0 + 10000, T0 + 5000, HOSTERR_TIMEOUT, "no answer"), 11000);
	a1 = model_find(m, 0, "{A1}");
	assert_true(model_row_stale(m, a1));
	assert_int_equal(model_row_state(a1), BITS_STATE_TRANSFERRING);
	assert_false(model_row_rate(m, a1, &rate));
	model_summary(m, &sum);
	assert_true(sum.rate == 0);
	model_free(m);
}

/* The filter matches host, name, owner and state case-insensitively; the empty one clears. */
static void
test_filter(void **state)
{
	struct model *m = model_fixture();
	struct model_row *const *view;
	size_t n;

	assert_int_equal(model_set_filter(m, "GAMMA", NULL), 0);
	view = model_view(m, &n);
	assert_int_equal(n, 1);
	assert_string_equal(view[0]->id, "{B1}");
	assert_int_equal(model_set_filter(m, "ws01", NULL), 0);
	model_view(m, &n);
	assert_int_equal(n, 2);
	assert_int_equal(model_set_filter(m, "bob", NULL), 0);
	view = model_view(m, &n);
	assert_int_equal(n, 1);
	assert_string_equal(view[0]->id, "{A2}");
	assert_int_equal(model_set_filter(m, "suspend", NULL), 0);
	view = model_view(m, &n);
	assert_int_equal(n, 1);
	assert_string_equal(view[0]->id, "{A2}");
	assert_int_equal(model_set_filter(m, "no such thing", NULL), 0);
	model_view(m, &n);
	assert_int_equal(n, 0);
	assert_null(model_find(m, 0, "{A1}")->view_index == SIZE_MAX ? NULL : "shown");
	assert_int_equal(model_set_filter(m, "", NULL), 0);
	assert_null(model_filter(m));
	model_view(m, &n);
	assert_int_equal(n, 3);
	model_free(m);
}

/* Sorting by a column orders rows by it (its natural direction), I inverts it,
 * and host names compare naturally (ws2 before ws10). */
static void
test_sort(void **state)
{
	static const char *const hn[] = { "ws10", "ws2" };
	struct model *m = model_new(2, hn);
	struct model_row *const *view;
	size_t n;

	model_apply(m, fix_snap(0, 1, T0, jobs_b, 1), 1000);
	model_apply(m, fix_snap(1, 1, T0, jobs_a, 2), 1000);
	view = model_view(m, &n);
	assert_int_equal(n, 3);
	assert_int_equal(view[0]->host, 1);
	assert_int_equal(view[2]->host, 0);
	model_set_sort(m, MODEL_COL_NAME, false);
	view = model_view(m, &n);
	assert_string_equal(view[0]->name, "alpha");
	assert_string_equal(view[1]->name, "beta");
	assert_string_equal(view[2]->name, "gamma");
	model_set_sort(m, MODEL_COL_NAME, true);
	view = model_view(m, &n);
	assert_string_equal(view[0]->name, "gamma");
	/* ERR sorts descending by nature: most errors first. */
	model_set_sort(m, MODEL_COL_ERR, false);
	view = model_view(m, &n);
	assert_string_equal(view[0]->id, "{B1}");
	assert_string_equal(view[1]->id, "{A2}");
	/* PRI ascending: FOREGROUND/HIGH first. */
	model_set_sort(m, MODEL_COL_PRI, false);
	view = model_view(m, &n);
	assert_string_equal(view[0]->id, "{B1}");
	assert_string_equal(view[2]->id, "{A2}");
	/* AGE: oldest first. */
	model_set_sort(m, MODEL_COL_AGE, false);
	view = model_view(m, &n);
	assert_string_equal(view[0]->id, "{B1}");
	assert_string_equal(view[2]->id, "{A2}");
	assert_int_equal(view[2]->view_index, 2);
	model_free(m);
}

/* Tags: toggle, tag all shown (not hidden rows), untag all, tagged rows listed
 * with shown ones first and tombstones excluded. */
static void
test_tags(void **state)
{
	struct model *m = model_fixture();
	struct model_row **rows;
	size_t n;

	assert_int_equal(model_set_filter(m, "ws01", NULL), 0);
	assert_int_equal(model_tag_shown(m), 2);
	assert_false(model_find(m, 1, "{B1}")->tagged);
	model_set_filter(m, NULL, NULL);
	model_tag_toggle(m, model_find(m, 1, "{B1}"));
	assert_int_equal(model_set_filter(m, "gamma", NULL), 0);
	n = model_tagged(m, &rows);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0]->id, "{B1}");	/* shown first */
	free(rows);
	model_set_filter(m, NULL, NULL);
	/* A tombstone is not a target. */
	model_apply(m, fix_snap(0, 2, T0 + 5000, &jobs_a[1], 1), 6000);
	n = model_tagged(m, &rows);
	assert_int_equal(n, 2);
	assert_int_equal(model_tagged_count(m), 2);
	free(rows);
	assert_int_equal(model_untag_all(m), 3);
	n = model_tagged(m, &rows);
	assert_int_equal(n, 0);
	free(rows);
	model_free(m);
}

/* Pending actions are counted per row; a job cancelled by us is dropped as soon as
 * it is gone, without a tombstone. */
static void
test_pending_and_drop(void **state)
{
	struct model *m = model_fixture();
	struct model_row *row = model_find(m, 0, "{A1}");

	model_pending_begin(m, 0, "{A1}", ACTION_CANCEL);
	assert_int_equal(row->pending, 1);
	assert_int_equal(row->pending_kind, ACTION_CANCEL);
	model_pending_end(m, 0, "{A1}", true);
	assert_int_equal(row->pending, 0);
	model_apply(m, fix_snap(0, 2, T0 + 5000, &jobs_a[1], 1), 6000);
	assert_null(model_find(m, 0, "{A1}"));
	/* Answer after the snapshot: the tombstone goes at the next tick. */
	model_pending_begin(m, 1, "{B1}", ACTION_CANCEL);
	model_apply(m, fix_snap(1, 2, T0 + 5000, NULL, 0), 6000);
	assert_true(model_find(m, 1, "{B1}")->vanished);
	model_pending_end(m, 1, "{B1}", true);
	assert_true(model_tick(m, 6001));
	assert_null(model_find(m, 1, "{B1}"));
	model_free(m);
}

/* Hostile names are sanitized once in the model: no escape byte survives. */
static void
test_sanitized(void **state)
{
	static const char *const hn[] = { "evil\x1b]0;pwned\x07" };
	struct fix_job j = { "{E1}", "x\x1b[2Jy\r\n", "o\x9bwn", BITS_STATE_QUEUED,
		BITS_PRIORITY_NORMAL, 1, 0, 1, 0, 0, 1 };
	struct model *m = model_new(1, hn);
	struct model_row *row;

	model_apply(m, fix_snap(0, 1, T0, &j, 1), 1000);
	row = model_find(m, 0, "{E1}");
	assert_null(strchr(row->name, '\x1b'));
	assert_null(strchr(row->name, '\r'));
	assert_null(strchr(row->name, '\n'));
	assert_null(strstr(row->owner, "\xc2\x9b"));
	assert_null(strchr(model_host(m, 0)->name, '\x1b'));
	assert_null(strchr(model_host(m, 0)->name, '\x07'));
	model_free(m);
}

/* A server listing the same job twice yields one row. */
static void
test_duplicate_ids(void **state)
{
	struct fix_job d[2] = { jobs_a[0], jobs_a[0] };
	struct model *m = model_new(1, names);
	size_t n;

	model_apply(m, fix_snap(0, 1, T0, d, 2), 1000);
	model_view(m, &n);
	assert_int_equal(n, 1);
	model_apply(m, fix_snap(0, 2, T0 + 1000, d, 2), 2000);
	model_view(m, &n);
	assert_int_equal(n, 1);
	model_free(m);
}

/* Jobs the poller did not parse again (the same bytes as last poll: only the
 * hash, wire_reused) are taken from the host's last snapshot: the rows show
 * the earlier values, a changed job its new ones, and a hash sent twice gives
 * two jobs; the old snapshot is freed without the moved jobs (valgrind). */
static void
test_reused_jobs(void **state)
{
	struct model *m = model_new(3, names);
	struct host_snapshot *first = fix_snap(0, 1, T0, jobs_a, 2), *next;
	struct fix_job moved = jobs_a[1];
	struct model_row *row;

	(void)state;
	model_set_grace(m, 5000, 10000);
	first->jobs[0].wire_hash = 11;
	first->jobs[1].wire_hash = 22;
	assert_true(model_apply(m, first, 1000));
	/* {A1} unchanged (twice, as a server may list it), {A2} moved on. */
	moved.done = 5 * MB;
	next = fix_snap(0, 2, T0 + 5000, &moved, 1);
	next->jobs = xreallocarray(next->jobs, 3, sizeof *next->jobs);
	memset(&next->jobs[1], 0, 2 * sizeof *next->jobs);
	next->jobs[1].wire_hash = next->jobs[2].wire_hash = 11;
	next->jobs[1].wire_reused = next->jobs[2].wire_reused = true;
	next->jobs[0].wire_hash = 33;
	next->njobs = 3;
	host_snapshot_sort_jobs(next);	/* as the poller does: placeholders stay */
	assert_int_equal(next->njobs, 3);
	assert_true(model_apply(m, next, 6000));
	row = model_find(m, 0, "{A1}");
	assert_non_null(row);
	assert_false(row->vanished);
	assert_string_equal(row->name, "alpha");
	assert_string_equal(row->job->owner.s, "CONTOSO\\amy");
	assert_int_equal(row->job->bytes_transferred.v, 10 * MB);
	assert_false(row->job->wire_reused);
	row = model_find(m, 0, "{A2}");
	assert_non_null(row);
	assert_int_equal(row->job->bytes_transferred.v, 5 * MB);
	/* A third poll reuses the job taken the time before. */
	next = fix_snap(0, 3, T0 + 10000, NULL, 0);	/* room for one job */
	next->jobs[0].wire_hash = 11;
	next->jobs[0].wire_reused = true;
	next->njobs = 1;
	assert_true(model_apply(m, next, 11000));
	row = model_find(m, 0, "{A1}");
	assert_string_equal(row->job->display_name.s, "alpha");
	assert_true(model_find(m, 0, "{A2}")->vanished);
	model_free(m);
}

/* The tagged count (kept, not counted per repaint) follows rows that vanish,
 * return and go; marks that appear after a tick with nothing due still expire. */
static void
test_tagged_count_and_expiry(void **state)
{
	struct model *m = model_fixture();
	struct fix_job more[3] = { jobs_a[0], jobs_a[1],
		{ "{A3}", "eta", "x", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 1 * MB, 0, 1, 0, 0, 5 } };

	(void)state;
	assert_false(model_tick(m, 2000));	/* nothing new, nothing vanished */
	model_tag_toggle(m, model_find(m, 0, "{A1}"));
	model_tag_toggle(m, model_find(m, 1, "{B1}"));
	assert_int_equal(model_tagged_count(m), 2);
	/* {A1} vanishes: no longer counted; it comes back: counted again. */
	model_apply(m, fix_snap(0, 2, T0 + 5000, &jobs_a[1], 1), 6000);
	assert_int_equal(model_tagged_count(m), 1);
	model_apply(m, fix_snap(0, 3, T0 + 10000, more, 3), 11000);
	assert_int_equal(model_tagged_count(m), 2);
	assert_true(model_find(m, 0, "{A3}")->is_new);
	assert_false(model_tick(m, 15999));
	assert_true(model_tick(m, 16000));	/* grace 5000 after 11000 */
	assert_false(model_find(m, 0, "{A3}")->is_new);
	assert_int_equal(model_tag_shown(m), 2);	/* {A2} and {A3} */
	assert_int_equal(model_tagged_count(m), 4);
	/* Cancelled by us: the row goes without a tombstone, and its tag with it. */
	model_pending_end(m, 0, "{A3}", true);
	model_apply(m, fix_snap(0, 4, T0 + 15000, jobs_a, 2), 16000);
	assert_null(model_find(m, 0, "{A3}"));
	assert_int_equal(model_tagged_count(m), 3);
	assert_int_equal(model_untag_all(m), 3);
	assert_int_equal(model_tagged_count(m), 0);
	model_free(m);
}

/* A pseudo-random number in [0, n). */
static int
rnd_below(unsigned *r, int n)
{
	*r = *r * 1103515245u + 12345u;
	return (int)((*r >> 16) % (unsigned)n);
}

/* A reference group of the recount. */
struct ref_group {
	enum model_wrong_kind kind;
	int	 sub;
	uint32_t code;
	const char *text;
	size_t	 jobs, hosts;
	size_t	 last_host;	/* SIZE_MAX: none yet */
};

/* Count one job (or jobs) of host into the reference group of this key. */
static void
ref_count(struct ref_group *g, size_t *ng, enum model_wrong_kind kind, int sub, uint32_t code,
    const char *text, size_t host, size_t jobs)
{
	size_t i;

	for (i = 0; i < *ng && !(g[i].kind == kind && g[i].sub == sub && g[i].code == code &&
	    strcmp(g[i].text, text) == 0); i++)
		;
	if (i == *ng) {
		g[(*ng)++] = (struct ref_group){ kind, sub, code, text, 0, 0, SIZE_MAX };
	}
	g[i].jobs += jobs;
	if (g[i].last_host != host) {	/* hosts are walked in order: a new one */
		g[i].hosts++;
		g[i].last_host = host;
	}
}

/* The failing groups recounted from every row, compared with those the model keeps. */
static void
check_wrong_recount(const struct model *m)
{
	struct ref_group ref[256];
	size_t nref = 0, njobs_ref = 0, njobs = 0, nhosts_ref = 0, nhosts = 0;
	const struct model_wrong_group *v;
	size_t n = model_wrong_groups(m, &v);

	for (size_t h = 0; h < model_nhosts(m); h++) {
		const struct model_host *mh = model_host(m, h);
		size_t live = 0;

		for (size_t j = 0; j < mh->nrows; j++) {
			const struct model_row *row = mh->rows[j];
			unsigned st = model_row_state(row);
			uint32_t code = row->err == MODEL_ERR_KNOWN ? row->err_code : 0;

			if (row->vanished)
				continue;
			live++;
			if (st != BITS_STATE_ERROR && st != BITS_STATE_TRANSIENT_ERROR)
				continue;
			ref_count(ref, &nref, MODEL_WRONG_CODE, (int)row->err, code, "", h, 1);
			ref_count(ref, &nref, MODEL_WRONG_NAME, 0, 0, row->name, h, 1);
			ref_count(ref, &nref, MODEL_WRONG_OWNER, 0, 0, row->owner, h, 1);
			if (st == BITS_STATE_ERROR)
				ref_count(ref, &nref, MODEL_WRONG_HEAD, row->err == MODEL_ERR_KNOWN, code, "", h, 1);
		}
		if (mh->last != NULL && mh->last->state == HOST_STATE_ERROR)
			ref_count(ref, &nref, MODEL_WRONG_HOST, (int)mh->last->error.kind, 0, "", h, live);
		assert_true(nref < 200);
	}
	for (size_t i = 0; i < nref; i++) {
		size_t k;

		for (k = 0; k < n && !(v[k].kind == ref[i].kind && v[k].sub == ref[i].sub &&
		    v[k].code == ref[i].code && strcmp(v[k].text, ref[i].text) == 0); k++)
			;
		assert_true(k < n);
		assert_int_equal(v[k].jobs, ref[i].jobs);
		assert_int_equal(v[k].hosts, ref[i].hosts);
		njobs_ref += ref[i].jobs;
		nhosts_ref += ref[i].hosts;
	}
	for (size_t k = 0; k < n; k++) {
		njobs += v[k].jobs;
		nhosts += v[k].hosts;
	}
	/* No group the recount does not have counts anything. */
	assert_int_equal(njobs, njobs_ref);
	assert_int_equal(nhosts, nhosts_ref);
}

/* The header's summary the model keeps equals a recount over every host and row. */
static void
check_summary_recount(const struct model *m)
{
	struct model_summary sum, ref;
	double rate;

	memset(&ref, 0, sizeof ref);
	for (size_t h = 0; h < model_nhosts(m); h++) {
		const struct model_host *mh = model_host(m, h);

		if (mh->last == NULL || mh->last->state == HOST_STATE_PENDING)
			ref.hosts_polling++;
		else if (mh->last->state == HOST_STATE_OK)
			ref.hosts_ok++;
		else
			ref.hosts_failing++;
		for (size_t j = 0; j < mh->nrows; j++) {
			const struct model_row *row = mh->rows[j];

			if (row->vanished)
				continue;
			ref.jobs++;
			if (model_row_state(row) < BITS_STATE_COUNT)
				ref.per_state[model_row_state(row)]++;
			if (model_row_rate(m, row, &rate))
				ref.rate += rate;
		}
	}
	model_summary(m, &sum);
	assert_int_equal(sum.hosts_ok, ref.hosts_ok);
	assert_int_equal(sum.hosts_failing, ref.hosts_failing);
	assert_int_equal(sum.hosts_polling, ref.hosts_polling);
	assert_int_equal(sum.jobs, ref.jobs);
	for (int st = 0; st < BITS_STATE_COUNT; st++)
		assert_int_equal(sum.per_state[st], ref.per_state[st]);
	assert_true(sum.rate - ref.rate < 1.0 && ref.rate - sum.rate < 1.0);
}

/* The failing groups and the header's summary the model keeps host by host equal a
 * full recount over every row after each step of random polls, failed polls,
 * vanishing jobs, code answers and expiries. */
static void
test_wrong_groups_recount(void **state)
{
	static const char *const hn[] = { "h0", "h1", "h2", "h3" };
	static const char *const jn[] = { "nightly", "sync", "tmp cache" };
	static const char *const on[] = { "CONTOSO\\amy", "CONTOSO\\bob" };
	static const unsigned states[] = { BITS_STATE_ERROR, BITS_STATE_TRANSIENT_ERROR,
	    BITS_STATE_TRANSFERRING, BITS_STATE_QUEUED };
	struct model *m = model_new(4, hn);
	struct fix_job js[4][8];
	char ids[4][8][12];
	size_t njobs[4];
	uint64_t seq[4] = { 1, 1, 1, 1 };
	unsigned rnd = 777;
	int64_t mono = 1000;

	(void)state;
	model_set_grace(m, 3000, 6000);
#define RND(n) rnd_below(&rnd, (n))
	for (int h = 0; h < 4; h++) {
		njobs[h] = 8;
		for (int j = 0; j < 8; j++) {
			snprintf(ids[h][j], sizeof ids[h][j], "{%d-%d}", h, j);
			js[h][j] = jobs_a[0];
			js[h][j].id = ids[h][j];
			js[h][j].name = jn[RND(3)];
			js[h][j].owner = on[RND(2)];
			js[h][j].state = states[RND(4)];
		}
	}
	for (int step = 0; step < 400; step++) {
		int h = RND(4), j = RND(8);
		const struct model_host *mh;

		mono += 500;
		switch (RND(6)) {
		case 0: case 1:
			js[h][j].state = states[RND(4)];
			js[h][j].name = jn[RND(3)];
			model_apply(m, fix_snap((size_t)h, seq[h]++, T0 + mono, js[h], njobs[h]), mono);
			break;
		case 2:
			njobs[h] = (size_t)RND(9);	/* jobs leave (tombstones) or come back */
			model_apply(m, fix_snap((size_t)h, seq[h]++, T0 + mono, js[h], njobs[h]), mono);
			break;
		case 3:
			model_apply(m, fix_snap_err((size_t)h, seq[h]++, T0 + mono, T0, RND(2) ?
			    HOSTERR_TIMEOUT : HOSTERR_AUTH, "down"), mono);
			break;
		case 4:
			mh = model_host(m, (size_t)h);
			if (mh->nrows > 0) {
				enum model_err err = (enum model_err)(1 + RND(3));

				model_set_row_error(m, (size_t)h, mh->rows[(size_t)j % mh->nrows]->id,
				    err, 0x80190000u + (uint32_t)RND(3));
			}
			break;
		default:
			model_tick(m, mono);
			break;
		}
		check_wrong_recount(m);
		check_summary_recount(m);
	}
#undef RND
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_poll_rows),
		cmocka_unit_test(test_identity_and_new),
		cmocka_unit_test(test_vanished),
		cmocka_unit_test(test_vanished_returns),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_old_snapshot_ignored),
		cmocka_unit_test(test_rate_eta),
		cmocka_unit_test(test_rate_truth),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_pending_and_drop),
		cmocka_unit_test(test_sanitized),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_reused_jobs),
		cmocka_unit_test(test_tagged_count_and_expiry),
		cmocka_unit_test(test_wrong_groups_recount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
