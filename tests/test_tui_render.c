/*
 * Headless render tests of the job table, the header and footer, and the host
 * view: canned snapshots drawn at 80x24 and 200x50 into a curses screen on
 * /dev/null, read back as text.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/tui_fixture.h"
#include "tests/tui_screen.h"
#include "tui/hostview.h"
#include "tui/model.h"
#include "tui/status.h"
#include "tui/table.h"
#include "tui/theme.h"

#define MB (1024ULL * 1024ULL)
#define T0 (FIX_NOW_UNIX * 1000)

static const char *const names[] = { "ws01", "ws02", "ws03" };

static const struct fix_job jobs0[] = {
	{ "{A1}", "alpha-download", "CONTOSO\\amy", BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL,
	  100 * MB, 10 * MB, 2, 0, 0, 300 },
	{ "{A2}", "beta", "CONTOSO\\bob", BITS_STATE_SUSPENDED, BITS_PRIORITY_LOW,
	  BITS_SIZE_UNKNOWN, 0, 1, 0, 3, 7200 },
};
static const struct fix_job jobs1[] = {
	{ "{B1}", "gamma", "NT AUTHORITY\\SYSTEM", BITS_STATE_ERROR, BITS_PRIORITY_HIGH,
	  50 * MB, 25 * MB, 4, 1, 7, 3 * 86400 },
};
static const struct fix_job jobs2[] = {
	{ "{C1}", "delta", "CONTOSO\\cy", BITS_STATE_QUEUED, BITS_PRIORITY_FOREGROUND,
	  1 * MB, 0, 1, 0, 0, 60 },
};

struct env {
	struct model *m;
	struct theme *t;
};

/* ws01 and ws02 answering; ws03 answered once, then timed out (its row is stale). */
static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	struct fix_job next = jobs0[0];

	tui_screen_open(50, 200);
	e->t = theme_new();
	theme_apply(e->t, true);
	e->m = model_new(3, names);
	model_apply(e->m, fix_snap(0, 1, T0 - 5000, jobs0, 2), 1000);
	next.done = 20 * MB;
	{
		struct fix_job two[2] = { next, jobs0[1] };

		model_apply(e->m, fix_snap(0, 2, T0, two, 2), 6000);
	}
	model_apply(e->m, fix_snap(1, 1, T0, jobs1, 1), 1000);
	model_apply(e->m, fix_snap(2, 1, T0 - 60000, jobs2, 1), 1000);
	model_apply(e->m, fix_snap_err(2, 2, T0, T0 - 60000, HOSTERR_TIMEOUT,
	    "the host did not answer within 15 s"), 6000);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	model_free(e->m);
	theme_free(e->t);
	tui_screen_close();
	free(e);
	return 0;
}

/* Draw the table into a fresh window of h x w and return its text. */
static char *
draw_table(struct env *e, int h, int w, size_t cursor)
{
	WINDOW *win = newwin(h, w, 0, 0);
	char *text;

	table_draw(win, e->m, 0, cursor, e->t, T0);
	text = tui_window_text(win);
	delwin(win);
	return text;
}

/* Line i (0-based) of a text. */
static char *
line_of(const char *text, int i)
{
	const char *p = text;

	while (i-- > 0 && (p = strchr(p, '\n')) != NULL)
		p++;
	return p == NULL ? strdup("") : strndup(p, strcspn(p, "\n"));
}

/* At 200 columns every column is there, with its values. */
static void
test_wide_all_columns(void **state)
{
	struct env *e = *state;
	char *text = draw_table(e, 19, 200, 0), *titles = line_of(text, 0), *row;
	static const char *const cols[] = { "HOST", "STATE", "PRI", "PROGRESS", "BYTES", "RATE", "ETA",
		"FILES", "ERR", "AGE", "OWNER", "NAME" };

	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		assert_non_null(strstr(titles, cols[i]));
	assert_non_null(strstr(titles, "HOSTv"));	/* sorted by host, ascending */
	/* Within a host, jobs come in creation order: beta is older than alpha. */
	row = line_of(text, 2);
	assert_non_null(strstr(row, "ws01"));
	assert_non_null(strstr(row, "TRANSFERRING"));
	assert_non_null(strstr(row, "NORM"));
	assert_non_null(strstr(row, " 20%"));
	assert_non_null(strstr(row, "20M/100M"));
	assert_non_null(strstr(row, "2.0M/s"));	/* 10 MiB in 5 s */
	assert_non_null(strstr(row, "40s"));	/* 80 MiB left at 2 MiB/s */
	assert_non_null(strstr(row, "0/2"));
	assert_non_null(strstr(row, "5m"));
	assert_non_null(strstr(row, "CONTOSO\\amy"));
	assert_non_null(strstr(row, "alpha-download"));
	/* Columns line up under their titles. */
	assert_int_equal(tui_col(row, "alpha-download"), tui_col(titles, "NAME"));
	assert_int_equal(tui_col(row, "ws01"), tui_col(titles, "HOST"));
	free(row);
	row = line_of(text, 1);
	assert_non_null(strstr(row, "0B/?"));	/* unknown size */
	assert_non_null(strstr(row, "2h"));
	free(row);
	free(titles);
	free(text);
}

/* At 80 columns the least important columns go and each line still fits. */
static void
test_narrow_drops_columns(void **state)
{
	struct env *e = *state;
	char *text = draw_table(e, 19, 80, 0), *titles = line_of(text, 0), *row = line_of(text, 2);

	assert_non_null(strstr(titles, "HOST"));
	assert_non_null(strstr(titles, "STATE"));
	assert_non_null(strstr(titles, "PRI"));
	assert_non_null(strstr(titles, "PROGRESS"));
	assert_non_null(strstr(titles, "RATE"));
	assert_non_null(strstr(titles, "NAME"));
	assert_null(strstr(titles, "OWNER"));
	assert_null(strstr(titles, "AGE"));
	assert_null(strstr(titles, "FILES"));
	assert_non_null(strstr(row, "alpha-download"));
	assert_null(strstr(row, "amy"));
	assert_int_equal(tui_col(row, "alpha-download"), tui_col(titles, "NAME"));
	free(row);
	free(titles);
	free(text);
}

/* Narrower than any sensible layout still draws the essentials without overflow. */
static void
test_very_narrow(void **state)
{
	struct env *e = *state;
	char *text = draw_table(e, 10, 40, 0), *titles = line_of(text, 0);

	assert_non_null(strstr(titles, "HOST"));
	assert_non_null(strstr(titles, "STATE"));
	assert_null(strstr(titles, "PROGRESS"));
	free(titles);
	free(text);
}

/* A host that stopped answering keeps its rows with their last known state, marked stale. */
static void
test_stale_marker(void **state)
{
	struct env *e = *state;
	char *text = draw_table(e, 19, 200, 0), *row = line_of(text, 4);

	assert_non_null(strstr(row, "ws03"));
	assert_non_null(strstr(row, "QUEUED"));
	assert_null(strstr(row, "stale"));
	assert_int_equal(row[1], '~');
	free(row);
	free(text);
}

/* A row with an action in flight says so, and the gutter shows '!'. */
static void
test_pending_marker(void **state)
{
	struct env *e = *state;
	char *text, *row;

	model_pending_begin(e->m, 1, "{B1}", ACTION_CANCEL);
	text = draw_table(e, 19, 80, 0);
	row = line_of(text, 3);
	assert_non_null(strstr(row, "ws02"));
	assert_non_null(strstr(row, "pending cancel"));
	assert_int_equal(row[1], '!');
	free(row);
	free(text);
}

/* New rows are marked '+', vanished ones say "gone" with '-', tagged ones '*'. */
static void
test_new_gone_tagged(void **state)
{
	struct env *e = *state;
	struct fix_job fresh[2] = { jobs1[0],
		{ "{B2}", "epsilon", "x", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 1, 0, 1, 0, 0, 1 } };
	char *text, *row;

	model_apply(e->m, fix_snap(1, 2, T0 + 5000, &fresh[1], 1), 7000);
	model_tag_toggle(e->m, model_find(e->m, 0, "{A1}"));
	text = draw_table(e, 19, 200, 99);
	row = line_of(text, 2);
	assert_non_null(strstr(row, "alpha"));
	assert_int_equal(row[0], '*');
	free(row);
	row = line_of(text, 3);
	assert_non_null(strstr(row, "gamma"));
	assert_non_null(strstr(row, "gone"));
	assert_int_equal(row[1], '-');
	free(row);
	row = line_of(text, 4);
	assert_non_null(strstr(row, "epsilon"));
	assert_int_equal(row[1], '+');
	free(row);
	free(text);
}

/* Hostile server text never reaches the screen as control characters or escapes. */
static void
test_hostile_names(void **state)
{
	static const char *const hn[] = { "h\x1b[31mx" };
	struct env *e = *state;
	struct fix_job evil = { "{E\x1b]0;t\x07}", "\x1b[2J\x1b[H pwn\r\n\x9b" "6n \xff\xfe",
		"\x07\x08owner\x7f", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 10, 0, 1, 0, 0, 10 };
	struct model *m = model_new(1, hn);
	WINDOW *win = newwin(19, 200, 0, 0);
	char *text;

	model_apply(m, fix_snap(0, 1, T0, &evil, 1), 1000);
	table_draw(win, m, 0, 5, e->t, T0);
	text = tui_window_text(win);
	assert_true(tui_text_clean(text));
	assert_non_null(strstr(text, "pwn"));
	assert_non_null(strstr(text, "owner"));
	free(text);
	/* The host view too: error messages come from the server. */
	model_apply(m, fix_snap_err(0, 2, T0, T0, HOSTERR_FAULT, "bad\x1b[5mthing\x1b]8;;http://x\x07"), 2000);
	hostview_draw_table(win, m, 0, 0, e->t, T0);
	text = tui_window_text(win);
	assert_true(tui_text_clean(text));
	assert_non_null(strstr(text, "thing"));
	free(text);
	delwin(win);
	model_free(m);
}

/* The width the table gives column c on a terminal of width cols (0: not shown). */
static int
layout_width(const struct model *m, int cols, enum model_col c)
{
	struct table_layout l;

	table_layout(&l, m, cols);
	for (int i = 0; i < l.ncols; i++)
		if (l.cols[i].col == c)
			return l.cols[i].width;
	return 0;
}

/* Wide (CJK) characters take two columns: the columns after them stay aligned,
 * and a cut never splits a character. */
static void
test_wide_characters(void **state)
{
	static const char *const hn[] = { "ws01" };
	struct env *e = *state;
	struct fix_job cjk[2] = {
		{ "{W1}", "数据传输作业", "域用户名前缀很长很长很长", BITS_STATE_TRANSFERRING, BITS_PRIORITY_NORMAL,
		  10, 5, 1, 0, 0, 10 },
		{ "{W2}", "plain", "ascii", BITS_STATE_QUEUED, BITS_PRIORITY_NORMAL, 10, 5, 1, 0, 0, 5 },
	};
	struct model *m = model_new(1, hn);
	WINDOW *win = newwin(19, 200, 0, 0);
	char *titles, *r1, *r2;
	int down, dname;

	model_apply(m, fix_snap(0, 1, T0, cjk, 2), 1000);
	table_draw(win, m, 0, 5, e->t, T0);
	titles = tui_line(win, 0);
	r1 = tui_line(win, 1);
	r2 = tui_line(win, 2);
	assert_non_null(strstr(r1, "数据传输作业"));
	assert_int_equal(tui_col(r1, "数据传输作业"), tui_col(titles, "NAME"));
	assert_int_equal(tui_col(r2, "plain"), tui_col(titles, "NAME"));
	/* 200 columns: OWNER takes some of the spare room and shows the whole owner. */
	assert_non_null(strstr(r1, "域用户名前缀很长很长很长"));
	free(titles);
	free(r1);
	free(r2);
	/* 150 columns: no room to spare, the owner (20 columns) is cut with an ellipsis on a character
	 * boundary: nine two-column characters, the ellipsis, and one column of padding. */
	delwin(win);
	win = newwin(19, 150, 0, 0);
	table_draw(win, m, 0, 5, e->t, T0);
	r1 = tui_line(win, 1);
	assert_non_null(strstr(r1, "域用户名前缀很长很\u2026 "));
	free(r1);
	delwin(win);
	/* The 50 columns from 150 to 200 are shared: OWNER gets wider, by at most a third of
	 * what is spared, and NAME gets the rest. */
	down = layout_width(m, 200, MODEL_COL_OWNER) - layout_width(m, 150, MODEL_COL_OWNER);
	dname = layout_width(m, 200, MODEL_COL_NAME) - layout_width(m, 150, MODEL_COL_NAME);
	assert_true(down > 0);
	assert_true(dname >= 2 * down);
	model_free(m);
}

/* The header sums up the fleet and shows every marker; the footer shows hints and status. */
static void
test_header_footer(void **state)
{
	struct env *e = *state;
	WINDOW *hw = newwin(2, 200, 0, 0), *fw = newwin(2, 80, 0, 0);
	enum keymap_action hints[] = { KA_HELP, KA_QUIT, KA_NONE };
	struct status_header h = { .refresh = 5.0, .paused = true, .readonly = true, .insecure = true,
		.demo = true, .tagged = 2, .filter = "ws0" };
	char *l0, *l1;

	model_summary(e->m, &h.sum);
	status_draw_header(hw, &h, e->t);
	l0 = tui_line(hw, 0);
	l1 = tui_line(hw, 1);
	assert_non_null(strstr(l0, "[DEMO]"));
	assert_non_null(strstr(l0, "[PAUSED]"));
	assert_non_null(strstr(l0, "[READ-ONLY]"));
	assert_non_null(strstr(l0, "[INSECURE TLS]"));
	assert_non_null(strstr(l0, "hosts 2 ok, 1 failing"));
	assert_non_null(strstr(l1, "rate 2.0M/s"));
	assert_non_null(strstr(l0, "every 5.0s"));
	assert_non_null(strstr(l1, "jobs 4: 1 queued, 1 transferring, 1 suspended, 1 error"));
	assert_non_null(strstr(l1, "tagged 2"));
	assert_non_null(strstr(l1, "filter \"ws0\""));
	free(l0);
	free(l1);
	status_draw_footer(fw, hints, NULL, false, "cancel 'x' on ws01: ok", false, e->t);
	l0 = tui_line(fw, 0);
	l1 = tui_line(fw, 1);
	assert_string_equal(l0, "?Help qQuit");
	assert_string_equal(l1, "cancel 'x' on ws01: ok");
	free(l0);
	free(l1);
	delwin(hw);
	delwin(fw);
}

/* The host view shows status words, last good poll, latency, jobs and the error text. */
static void
test_hostview(void **state)
{
	struct env *e = *state;
	WINDOW *win = newwin(19, 200, 0, 0);
	char *text, *r;

	hostview_draw_table(win, e->m, 0, 99, e->t, T0);
	text = tui_window_text(win);
	r = line_of(text, 0);
	assert_non_null(strstr(r, "STATUS"));
	assert_non_null(strstr(r, "LAST ERROR"));
	free(r);
	r = line_of(text, 1);
	assert_non_null(strstr(r, "ws01"));
	assert_non_null(strstr(r, "ok"));
	assert_non_null(strstr(r, "12ms"));
	free(r);
	r = line_of(text, 3);
	assert_non_null(strstr(r, "ws03"));
	assert_non_null(strstr(r, "timed out"));
	assert_non_null(strstr(r, "the host did not answer within 15 s"));
	assert_non_null(strstr(r, "10s"));	/* next retry */
	free(r);
	free(text);
	delwin(win);
}

/* The cells of two windows, characters and attributes, are the same. */
static bool
same_cells(WINDOW *a, WINDOW *b)
{
	for (int y = 0; y < getmaxy(a); y++)
		for (int x = 0; x < getmaxx(a); x++) {
			cchar_t ca, cb;
			wchar_t wa[CCHARW_MAX + 1], wb[CCHARW_MAX + 1];
			attr_t aa, ab;
			short pa, pb;

			if (mvwin_wch(a, y, x, &ca) == ERR || mvwin_wch(b, y, x, &cb) == ERR)
				return false;
			getcchar(&ca, wa, &aa, &pa, NULL);
			getcchar(&cb, wb, &ab, &pb, NULL);
			if (wcscmp(wa, wb) != 0 || aa != ab || pa != pb)
				return false;
		}
	return true;
}

/*
 * Dirty rows: a repaint through the line cache paints only the lines whose row
 * changed (none when nothing did, two when only the cursor moved, one when one
 * job moved), and after any sequence of polls, failures, tags, cursor and
 * clock moves the window is cell for cell what a full paint draws.
 */
static void
test_cached_repaint(void **state)
{
	struct env *e = *state;
	WINDOW *kept = newwin(20, 200, 0, 0), *fresh = newwin(20, 200, 0, 0);
	struct table_cache c = { 0 };
	struct fix_job js[3][12];
	char ids[3][12][12];
	uint64_t seq[3] = { 10, 10, 10 };
	unsigned rnd = 12345;
	size_t cursor = 0, top = 0, n;
	int64_t now = T0;

	for (int h = 0; h < 3; h++)
		for (int j = 0; j < 12; j++) {
			snprintf(ids[h][j], sizeof ids[h][j], "{H%dJ%02d}", h, j);
			js[h][j] = jobs0[0];
			js[h][j].id = ids[h][j];
		}
	for (int h = 0; h < 3; h++)
		model_apply(e->m, fix_snap((size_t)h, seq[h]++, now, js[h], 12), 100000);
	/* A second poll gives every row its rate; the new marks expire. */
	now += 5000;
	for (int h = 0; h < 3; h++)
		model_apply(e->m, fix_snap((size_t)h, seq[h]++, now, js[h], 12), 105000);
	model_tick(e->m, 200000);
	assert_true(table_draw_cached(kept, e->m, top, cursor, e->t, now, &c) == 20);
	assert_int_equal(table_draw_cached(kept, e->m, top, cursor, e->t, now, &c), 0);
	/* One job moved: its line only. */
	js[0][3].done += MB;
	now += 5000;
	model_apply(e->m, fix_snap(0, seq[0]++, now, js[0], 12), 205000);
	assert_int_equal(table_draw_cached(kept, e->m, top, cursor, e->t, now, &c), 1);
	/* The cursor moved: its old line and its new one. */
	assert_int_equal(table_draw_cached(kept, e->m, top, cursor + 1, e->t, now, &c), 2);
	cursor++;
	for (int step = 0; step < 300; step++) {
		int h = (int)((rnd = rnd * 1103515245u + 12345u) >> 16) % 3;
		int j = (int)((rnd = rnd * 1103515245u + 12345u) >> 16) % 12;
		int what = (int)((rnd = rnd * 1103515245u + 12345u) >> 16) % 8;
		struct model_row *const *view;

		now += 700;
		switch (what) {
		case 0: js[h][j].done += MB; break;
		case 1: js[h][j].state = (js[h][j].state + 1) % BITS_STATE_COUNT; break;
		case 2: js[h][j].errors++; break;
		case 3:
			model_apply(e->m, fix_snap_err((size_t)h, seq[h]++, now, now - 700, HOSTERR_TIMEOUT,
			    "no answer"), 210000 + (int64_t)step * 700);
			break;
		case 4:
			view = model_view(e->m, &n);
			if (n > 0 && !view[cursor % n]->vanished)
				model_tag_toggle(e->m, view[cursor % n]);
			break;
		case 5: cursor = (cursor + (size_t)j) % 36; break;
		case 6: top = (size_t)j; break;
		default: break;
		}
		if (what <= 2 || what == 7)
			model_apply(e->m, fix_snap((size_t)h, seq[h]++, now,
			    js[h], what == 7 ? (size_t)j : 12), 210000 + (int64_t)step * 700);
		model_tick(e->m, 210000 + (int64_t)step * 700);
		model_view(e->m, &n);
		table_draw_cached(kept, e->m, top, cursor, e->t, now, &c);
		table_draw(fresh, e->m, top, cursor, e->t, now);
		assert_true(same_cells(kept, fresh));
		assert_int_equal(table_draw_cached(kept, e->m, top, cursor, e->t, now, &c), 0);
	}
	table_cache_reset(&c);
	delwin(kept);
	delwin(fresh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wide_all_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_narrow_drops_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_very_narrow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_gone_tagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wide_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_footer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostview, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached_repaint, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
