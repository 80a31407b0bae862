/*
 * The job table's fast view (tui/model_view.c) orders rows exactly as the
 * plain definition does.
 *
 * Protects the benchmark's optimisation of the view: sorting by host walks the
 * hosts in a precomputed order instead of comparing names, and numeric columns
 * sort on numbers computed once per rebuild. On a random fleet (host names
 * that tie in natural order, equal creation times, unknown sizes, tombstones,
 * a filter), every column in both directions must give a view that is strictly
 * ordered by the reference comparison below (the sort rules of the screen:
 * the column, in its natural direction, inverted by I; ties by configured host
 * order, then creation time, then job id), holding every row that matches;
 * the view kept across steady refreshes (same jobs, new values, failed polls)
 * stays exact too.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/tui_fixture.h"
#include "tui/model.h"

#define NHOSTS 60

/* Columns sorted in descending order by nature (as the screen declares them). */
static bool
ref_desc(enum model_col c)
{
	return c == MODEL_COL_PROGRESS || c == MODEL_COL_BYTES || c == MODEL_COL_RATE ||
	    c == MODEL_COL_FILES || c == MODEL_COL_ERR;
}

/* Natural, case-insensitive comparison: digit runs as numbers, leading zeros ignored. */
static int
ref_natural(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			unsigned long long x = strtoull(a, (char **)&a, 10);
			unsigned long long y = strtoull(b, (char **)&b, 10);

			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		int ca = *a >= 'A' && *a <= 'Z' ? *a + 32 : (unsigned char)*a;
		int cb = *b >= 'A' && *b <= 'Z' ? *b + 32 : (unsigned char)*b;

		if (ca != cb)
			return ca < cb ? -1 : 1;
		a++;
		b++;
	}
	return (*a != '\0') - (*b != '\0');
}

/* A row's number for a numeric column. */
static double
ref_number(const struct model *m, const struct model_row *r, enum model_col c)
{
	double rate;
	const struct bits_job *j = r->job;
	double pct;
	uint64_t eta;

	switch (c) {
	case MODEL_COL_STATE:
		return model_row_state(r);
	case MODEL_COL_PRI:
		return j->priority.p == BITS_SET ? (double)j->priority.v : BITS_PRIORITY_COUNT;
	case MODEL_COL_PROGRESS:
		return model_row_percent(r, &pct) ? pct : -1;
	case MODEL_COL_BYTES:
		return bits_job_size_known(j) ? (double)j->bytes_total.v : -1;
	case MODEL_COL_RATE:
		return model_row_rate(m, r, &rate) ? rate : -1;
	case MODEL_COL_ETA:
		return model_row_eta_shown(m, r, &eta) ? (double)eta : 1e300;
	case MODEL_COL_FILES:
		return j->files_total.p == BITS_SET ? (double)j->files_total.v : 0;
	case MODEL_COL_ERR:
		return j->transient_error_count.p == BITS_SET ? (double)j->transient_error_count.v : 0;
	case MODEL_COL_AGE:
		return j->creation_time.p == BITS_SET ? (double)j->creation_time.v : 0;
	default:
		return 0;
	}
}

/* The reference order of two rows. */
static int
ref_cmp(const struct model *m, enum model_col col, bool invert, const struct model_row *x,
    const struct model_row *y)
{
	int c;

	if (col == MODEL_COL_HOST)
		c = ref_natural(model_host(m, x->host)->name, model_host(m, y->host)->name);
	else if (col == MODEL_COL_OWNER)
		c = ref_natural(x->owner, y->owner);
	else if (col == MODEL_COL_NAME)
		c = ref_natural(x->name, y->name);
	else {
		double a = ref_number(m, x, col), b = ref_number(m, y, col);

		c = a < b ? -1 : a > b;
	}
	if (ref_desc(col))
		c = -c;
	if (invert)
		c = -c;
	if (c != 0)
		return c;
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	if (x->job->creation_time.v != y->job->creation_time.v)
		return x->job->creation_time.v < y->job->creation_time.v ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* A random job; small value ranges so that ties are frequent. */
static void
random_job(struct fix_job *f, char *id, size_t idlen, char *name, size_t namelen)
{
	static const char *const owners[] = { "CONTOSO\\amy", "contoso\\Amy", "NT AUTHORITY\\SYSTEM",
		"svc10", "svc9", "" };
	static const char *const words[] = { "KB5034441", "kb5034441", "sync 2", "sync 10",
		"Sync 02", "alpha", "" };

	snprintf(id, idlen, "{%08X-0000-0000-0000-%012X}", (unsigned)rand(), (unsigned)(rand() % 97));
	snprintf(name, namelen, "%s", words[rand() % 7]);
	f->id = id;
	f->name = name;
	f->owner = owners[rand() % 6];
	f->state = (unsigned)(rand() % (BITS_STATE_COUNT + 1));
	f->priority = (unsigned)(rand() % BITS_PRIORITY_COUNT);
	f->total = rand() % 5 == 0 ? BITS_SIZE_UNKNOWN : (uint64_t)(rand() % 4) * 1000;
	f->done = f->total == BITS_SIZE_UNKNOWN ? (uint64_t)(rand() % 3) * 100 :
	    f->total / (uint64_t)(1 + rand() % 3);
	f->files_total = (unsigned)(rand() % 3);
	f->files_done = 0;
	f->errors = (unsigned)(rand() % 3);
	f->age_s = (int64_t)(rand() % 4) * 60;
}

/* The last poll given to each host, to poll the same jobs again. */
struct last_poll {
	struct fix_job f[7];
	char	 ids[7][48], names[7][32];
	size_t	 n;
};

/* One poll of a host with up to 7 random jobs; ids are kept across polls for some. */
static struct host_snapshot *
random_snap(size_t host, uint64_t seq, int64_t polled_ms, char ids[][48], struct last_poll *last)
{
	struct fix_job f[7];
	char idbuf[7][48], names[7][32];
	size_t n = (size_t)(rand() % 8);

	for (size_t i = 0; i < n && i < 7; i++) {
		random_job(&f[i], idbuf[i], sizeof idbuf[i], names[i], sizeof names[i]);
		if (ids[i][0] != '\0' && rand() % 2 == 0)
			f[i].id = ids[i];	/* the same job again: a rate, or a tombstone when dropped */
		else
			memcpy(ids[i], idbuf[i], sizeof idbuf[i]);
	}
	n = n > 7 ? 7 : n;
	last->n = n;
	for (size_t i = 0; i < n; i++) {
		last->f[i] = f[i];
		snprintf(last->ids[i], sizeof last->ids[i], "%s", f[i].id);
		snprintf(last->names[i], sizeof last->names[i], "%s", f[i].name);
		last->f[i].id = last->ids[i];
		last->f[i].name = last->names[i];
	}
	return fix_snap(host, seq, polled_ms, f, n);
}

/* The same jobs as the host's last poll, with progress and errors moved on (or one gone). */
static struct host_snapshot *
same_jobs_snap(size_t host, uint64_t seq, int64_t polled_ms, struct last_poll *last,
    bool drop_one, bool older)
{
	struct fix_job f[7];
	size_t n = 0;

	for (size_t i = 0; i < last->n; i++) {
		if (drop_one && i == 0)
			continue;
		if (older && i == last->n - 1)
			last->f[i].age_s += 600;	/* a tie key changes: the host's rows reorder */
		f[n] = last->f[i];
		f[n].done += 50;
		f[n].errors++;
		f[n].state = (unsigned)(rand() % BITS_STATE_COUNT);
		n++;
	}
	return fix_snap(host, seq, polled_ms, f, n);
}

/* Check the current view (sorted by col) against the reference. */
static void
check_current(struct model *m, enum model_col col, bool invert, size_t want)
{
	struct model_row *const *view;
	size_t n;

	view = model_view(m, &n);
	assert_int_equal(n, want);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(view[i]->view_index, i);
		if (i + 1 < n && ref_cmp(m, col, invert, view[i], view[i + 1]) >= 0) {
			fail_msg("column %s%s: rows %zu and %zu out of order", column_title(col),
			    invert ? " inverted" : "", i, i + 1);
		}
	}
}

/* Set the sort, then check the view for that column and direction. */
static void
check_view(struct model *m, enum model_col col, bool invert, size_t want)
{
	model_set_sort(m, col, invert);
	check_current(m, col, invert, want);
}

/* Rows of the model matching a case-insensitive substring of host, name, owner or state. */
static size_t
count_rows(const struct model *m, const char *filter)
{
	size_t n = 0;

	for (size_t h = 0; h < model_nhosts(m); h++) {
		const struct model_host *mh = model_host(m, h);

		for (size_t j = 0; j < mh->nrows; j++) {
			const struct model_row *r = mh->rows[j];
			unsigned st = model_row_state(r);

			if (filter == NULL || strcasestr(mh->name, filter) != NULL ||
			    strcasestr(r->name, filter) != NULL || strcasestr(r->owner, filter) != NULL ||
			    (st < BITS_STATE_COUNT && strcasestr(bits_state_name(st), filter) != NULL))
				n++;
		}
	}
	return n;
}

/* Every column, both directions, with and without a filter, over several seeds. */
static void
test_view_matches_reference(void **state)
{
	static const char *const prefix[] = { "ws", "WS0", "ws00", "srv-", "Ws" };
	char names[NHOSTS][32];
	const char *np[NHOSTS];

	(void)state;
	for (unsigned seed = 1; seed <= 20; seed++) {
		char ids[NHOSTS][7][48];
		static struct last_poll last[NHOSTS];
		struct model *m;
		uint64_t poll;

		srand(seed);
		memset(ids, 0, sizeof ids);
		for (size_t i = 0; i < NHOSTS; i++) {
			snprintf(names[i], sizeof names[i], "%s%d", prefix[rand() % 5], rand() % 25);
			np[i] = names[i];
		}
		m = model_new(NHOSTS, np);
		memset(last, 0, sizeof last);
		for (poll = 1; poll <= 3; poll++)
			for (size_t h = 0; h < NHOSTS; h++)
				if (rand() % 4 != 0)
					model_apply(m, random_snap(h, poll, FIX_NOW_UNIX * 1000 +
					    (int64_t)poll * 5000, ids[h], &last[h]), (int64_t)poll * 5000);
		for (int col = 0; col < MODEL_COL_COUNT; col++) {
			model_set_filter(m, NULL, NULL);
			check_view(m, (enum model_col)col, false, count_rows(m, NULL));
			check_view(m, (enum model_col)col, true, count_rows(m, NULL));
			model_set_filter(m, "ws1", NULL);
			check_view(m, (enum model_col)col, false, count_rows(m, "ws1"));
			check_view(m, (enum model_col)col, true, count_rows(m, "ws1"));
		}
		/*
		 * Steady refreshes, the view not re-sorted by hand: the same jobs with new
		 * values, failed polls (stale rows), then a job leaving and another poll
		 * with new jobs; the view kept between refreshes must stay exact.
		 */
		model_set_filter(m, NULL, NULL);
		for (int inv = 0; inv < 2; inv++) {
			model_set_sort(m, MODEL_COL_HOST, inv);
			check_current(m, MODEL_COL_HOST, inv, count_rows(m, NULL));
			for (int round = 0; round < 4; round++, poll++) {
				for (size_t h = 0; h < NHOSTS; h++) {
					int64_t at = FIX_NOW_UNIX * 1000 + (int64_t)poll * 5000;

					if (round == 1 && h % 3 == 0)
						model_apply(m, fix_snap_err(h, poll, at, at - 5000,
						    HOSTERR_TIMEOUT, "no answer"), (int64_t)poll * 5000);
					else if (round == 3 && h % 5 == 0)
						model_apply(m, random_snap(h, poll, at, ids[h], &last[h]),
						    (int64_t)poll * 5000);
					else
						model_apply(m, same_jobs_snap(h, poll, at, &last[h],
						    round == 2 && h % 4 == 0, round == 0 && h % 2 == 0),
						    (int64_t)poll * 5000);
				}
				check_current(m, MODEL_COL_HOST, inv, count_rows(m, NULL));
			}
		}
		model_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_matches_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
