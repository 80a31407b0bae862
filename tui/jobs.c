#include "config.h"

#include "tui/jobs.h"

#include <stdlib.h>
#include <string.h>

#include "src/snapshot.h"
#include "src/xalloc.h"
#include "tui/detail.h"
#include "tui/dialog.h"
#include "tui/errfetch.h"
#include "tui/hostview.h"
#include "tui/newjob.h"
#include "tui/opsview.h"
#include "tui/wrongview.h"
#include "tui/table.h"
#include "tui/ui.h"

struct jobs_screen {
	struct screen base;
	size_t	 cursor;		/* index in the view */
	size_t	 top;			/* first row shown */
	size_t	 key_host;		/* identity of the cursor row */
	char	*key_id;		/* NULL when the view is empty */
	bool	 drawn;			/* what the window shows, for cursor-only repaints */
	size_t	 drawn_cursor;
	size_t	 drawn_top;
	struct table_cache cache;	/* what each line of the body shows */
	int64_t	 click_ms;		/* last button-1 press on a row (double-click detection) */
	size_t	 click_row;
};

/* Two presses on one row within this many ms open the detail view. */
#define JOBS_DOUBLE_CLICK_MS 400

static const enum keymap_action jobs_hints[] = {
	KA_HELP, KA_FILTER, KA_SORT, KA_TAG, KA_PRI_PICK, KA_RESUME, KA_SUSPEND, KA_CANCEL,
	KA_NEW, KA_DETAIL, KA_HOSTS, KA_OPS, KA_WRONG, KA_QUIT, KA_NONE
};

/* Rows of the body that show jobs. */
static size_t
jobs_page(const struct ui *ui)
{
	return (size_t)table_page(ui->body != NULL ? getmaxy(ui->body) : 2);
}

/* Remember the identity of the row at the cursor. */
static void
jobs_keep_key(struct jobs_screen *js, struct model_row *const *view, size_t n)
{
	free(js->key_id);
	js->key_id = NULL;
	if (js->cursor < n) {
		js->key_host = view[js->cursor]->host;
		js->key_id = xstrdup(view[js->cursor]->id);
	}
}

/* Keep the cursor inside the page. */
static void
jobs_scroll(struct jobs_screen *js, size_t n, size_t page)
{
	if (js->cursor < js->top)
		js->top = js->cursor;
	if (js->cursor >= js->top + page)
		js->top = js->cursor - page + 1;
	if (js->top > 0 && js->top + page > n)
		js->top = n > page ? n - page : 0;
}

/* Follow the cursor's job into the current view. */
static struct model_row *const *
jobs_sync(struct jobs_screen *js, struct ui *ui, size_t *n)
{
	struct model_row *const *view = model_view(ui->model, n);
	struct model_row *row = js->key_id != NULL ? model_find(ui->model, js->key_host, js->key_id) : NULL;
	struct model_row *want = ui->focus_id != NULL ? model_find(ui->model, ui->focus_host, ui->focus_id) : NULL;

	if (want != NULL && want->view_index != SIZE_MAX) {
		/* A job created here: the cursor lands on it once it shows. */
		row = want;
		free(ui->focus_id);
		ui->focus_id = NULL;
	}
	if (row != NULL && row->view_index != SIZE_MAX)
		js->cursor = row->view_index;
	else if (js->cursor >= *n)
		js->cursor = *n > 0 ? *n - 1 : 0;
	jobs_keep_key(js, view, *n);
	jobs_scroll(js, *n, jobs_page(ui));
	return view;
}

/* The row under the cursor, or NULL. */
struct model_row *
jobs_selected(struct screen *s, struct ui *ui)
{
	struct jobs_screen *js = (struct jobs_screen *)s;
	struct model_row *const *view;
	size_t n;

	view = jobs_sync(js, ui, &n);
	return js->cursor < n ? view[js->cursor] : NULL;
}

/* Paint the table, or only the two rows the cursor moved between. */
static void
jobs_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct jobs_screen *js = (struct jobs_screen *)s;
	struct model_row *const *view;
	struct table_layout l;
	size_t n;

	view = jobs_sync(js, ui, &n);
	/* Drawn over, resized or another screen's since: every line is painted. */
	if (!ui->body_kept)
		table_cache_reset(&js->cache);
	if (full || !js->drawn || js->top != js->drawn_top) {
		/* Only the lines whose row changed (or moved) are painted. */
		table_draw_cached(w, ui->model, js->top, js->cursor, ui->theme, ui_now_wall(ui), &js->cache);
	} else if (js->drawn_cursor != js->cursor) {
		/* Only the cursor moved: repaint its old and its new row. */
		table_layout(&l, ui->model, getmaxx(w));
		if (js->drawn_cursor < n && js->drawn_cursor >= js->top)
			table_draw_row_cached(w, 1 + (int)(js->drawn_cursor - js->top), &l, ui->model,
			    view[js->drawn_cursor], false, ui->theme, ui_now_wall(ui), &js->cache);
		if (js->cursor < n)
			table_draw_row_cached(w, 1 + (int)(js->cursor - js->top), &l, ui->model,
			    view[js->cursor], true, ui->theme, ui_now_wall(ui), &js->cache);
	}
	/* The codes of the failing jobs on the screen (ERROR column). */
	if (js->top < n)
		errfetch_rows(ui->errfetch, ui->model, view + js->top,
		    n - js->top < jobs_page(ui) ? n - js->top : jobs_page(ui));
	js->drawn = true;
	js->drawn_cursor = js->cursor;
	js->drawn_top = js->top;
}

/* Move the cursor to index to; repaint two rows, or the body when it scrolled. */
static int
jobs_move(struct jobs_screen *js, struct ui *ui, size_t to)
{
	struct model_row *const *view;
	size_t n, top = js->top;

	view = model_view(ui->model, &n);
	if (n == 0)
		return UI_HANDLED;
	js->cursor = to >= n ? n - 1 : to;
	jobs_keep_key(js, view, n);
	jobs_scroll(js, n, jobs_page(ui));
	return UI_HANDLED | (js->top == top ? UI_CURSOR : UI_BODY);
}

/* Act on the tagged rows, or on the cursor row when none is tagged. */
static void
jobs_act(struct ui *ui, enum action_kind kind, enum actions_pri how, unsigned pri)
{
	struct model_row **rows, *row;
	size_t n = model_tagged(ui->model, &rows);

	if (n > 0) {
		ui_act(ui, kind, how, pri, rows, n);
	} else if ((row = jobs_selected(ui->jobs, ui)) != NULL) {
		ui_act(ui, kind, how, pri, &row, 1);
	} else {
		ui_status(ui, true, "no job selected");
	}
	free(rows);
}

/* The priority picker answered. */
static void
jobs_pick_priority_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	(void)arg;
	(void)texts;
	if (ui != NULL && choice >= 0)
		jobs_act(ui, ACTION_PRIORITY, ACTIONS_PRI_SET, (unsigned)choice);
}

/* The sort picker answered. */
static void
jobs_pick_sort_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	(void)arg;
	(void)texts;
	if (ui != NULL && choice >= 0) {
		model_set_sort(ui->model, (enum model_col)choice, false);
		ui->dirty |= UI_BODY;
	}
}

/* The filter prompt changed: apply it when it parses, else say why (the last good one stays). */
static char *
jobs_filter_changed(struct ui *ui, void *arg, const char *text)
{
	char *cause = NULL;

	(void)arg;
	ui->dirty |= UI_BODY | UI_HEADER;
	if (model_set_filter(ui->model, text, &cause) != 0)
		return cause;
	return NULL;
}

/* Enter in the filter prompt: refused while the filter does not parse. */
static char *
jobs_filter_check(struct ui *ui, void *arg, int choice, char *const *texts, size_t *field)
{
	char *cause = NULL;

	(void)arg;
	(void)choice;
	*field = 0;
	if (model_set_filter(ui->model, texts[0], &cause) != 0)
		return cause;
	return NULL;
}

/* The filter prompt closed (the filter stays, or Esc cleared it). */
static void
jobs_filter_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	size_t n;

	(void)arg;
	(void)choice;
	(void)texts;
	if (ui == NULL)
		return;
	/* Replace the prompt's hint with what the filter did. */
	model_view(ui->model, &n);
	if (model_filter(ui->model) != NULL && *model_filter(ui->model) != '\0')
		ui_status(ui, false, "filter \"%s\": %zu job%s shown", model_filter(ui->model), n,
		    n == 1 ? "" : "s");
	else
		ui_status(ui, false, "filter cleared: %zu job%s shown", n, n == 1 ? "" : "s");
	ui->dirty |= UI_BODY | UI_HEADER;
}

/* n: a new job on the cursor row's host (or the only host). */
static void
jobs_new_job(struct ui *ui)
{
	struct model_row *row = jobs_selected(ui->jobs, ui);

	if (row != NULL)
		newjob_open(ui, row->host);
	else if (model_nhosts(ui->model) == 1)
		newjob_open(ui, 0);
	else
		ui_status(ui, true, "no job selected: pick the host in the host view (h), then press n");
}

/* Keys that open other screens or dialogs. */
static int
jobs_key_screens(struct jobs_screen *js, struct ui *ui, enum keymap_action a)
{
	static const char *const pris[] = { "FOREGROUND", "HIGH", "NORMAL", "LOW" };
	const char *titles[MODEL_COL_COUNT];
	struct model_row *row = jobs_selected(&js->base, ui);
	struct screen *scr;
	char *why;

	switch (a) {
	case KA_DETAIL:
	case KA_ERROR:
		if (row == NULL) {
			ui_status(ui, true, "no job selected");
			return UI_HANDLED;
		}
		ui_push(ui, detail_new(ui, row->host, row->id, a == KA_ERROR));
		return UI_HANDLED;
	case KA_FILTER:
		ui_status(ui, false, "words all hold: host:ws01 state:ERROR !name:~^tmp age>2d stalled ... "
		    "(? lists them); Enter keeps it, Esc clears it");
		scr = dialog_prompt("Filter: ", model_filter(ui->model), jobs_filter_changed,
		    jobs_filter_done, NULL);
		dialog_set_check(scr, jobs_filter_check);
		ui_push(ui, scr);
		return UI_HANDLED;
	case KA_SORT:
		for (int c = 0; c < MODEL_COL_COUNT; c++)
			titles[c] = column_title((enum model_col)c);
		ui_push(ui, dialog_pick("Sort by", titles, MODEL_COL_COUNT, model_sort_col(ui->model),
		    jobs_pick_sort_done, NULL));
		return UI_HANDLED;
	case KA_PRI_PICK:
		if ((why = ui_refusal(ui)) != NULL) {
			/* Refused before the picker opens, not after a choice. */
			ui_status(ui, true, "%s", why);
			free(why);
			return UI_HANDLED;
		}
		ui_push(ui, dialog_pick("Priority", pris, 4, row != NULL && row->job->priority.p == BITS_SET ?
		    (size_t)row->job->priority.v : BITS_PRIORITY_NORMAL, jobs_pick_priority_done, NULL));
		return UI_HANDLED;
	case KA_HOSTS:
		ui_push(ui, hostview_new(ui));
		return UI_HANDLED;
	case KA_OPS:
		ui_push(ui, opsview_new());
		return UI_HANDLED;
	case KA_WRONG:
		ui_push(ui, wrongview_new());
		return UI_HANDLED;
	case KA_NEW:
		jobs_new_job(ui);
		return UI_HANDLED;
	default:
		return 0;
	}
}

/* Movement, tags, actions and the screens and dialogs opened from the table. */
static int
jobs_key(struct screen *s, struct ui *ui, int key)
{
	struct jobs_screen *js = (struct jobs_screen *)s;
	enum keymap_action a = keymap_lookup(key);
	size_t n, page = jobs_page(ui);
	struct model_row *row;
	enum action_kind kind;
	enum actions_pri how;
	int rc;

	model_view(ui->model, &n);
	if (keymap_job_action(a, &kind, &how)) {
		jobs_act(ui, kind, how, 0);
		return UI_HANDLED | UI_BODY;
	}
	switch (a) {
	case KA_UP:
		return jobs_move(js, ui, js->cursor > 0 ? js->cursor - 1 : 0);
	case KA_DOWN:
		return jobs_move(js, ui, js->cursor + 1);
	case KA_PGUP:
		return jobs_move(js, ui, js->cursor > page ? js->cursor - page : 0);
	case KA_PGDN:
		return jobs_move(js, ui, js->cursor + page);
	case KA_HOME:
		return jobs_move(js, ui, 0);
	case KA_END:
		return jobs_move(js, ui, n ? n - 1 : 0);
	case KA_INVERT:
		model_set_sort(ui->model, model_sort_col(ui->model), !model_sort_invert(ui->model));
		return UI_HANDLED | UI_BODY;
	case KA_TAG:
		if ((row = jobs_selected(s, ui)) == NULL || row->vanished)
			return UI_HANDLED;
		model_tag_toggle(ui->model, row);
		return jobs_move(js, ui, js->cursor + 1) | UI_BODY | UI_HEADER;
	case KA_UNTAG_ALL:
		ui_status(ui, false, "%zu jobs untagged", model_untag_all(ui->model));
		return UI_HANDLED | UI_BODY | UI_HEADER;
	case KA_TAG_ALL:
		ui_status(ui, false, "%zu more jobs tagged", model_tag_shown(ui->model));
		return UI_HANDLED | UI_BODY | UI_HEADER;
	case KA_BACK:
		if (model_filter(ui->model) == NULL)
			return UI_HANDLED;
		model_set_filter(ui->model, NULL, NULL);
		ui_status(ui, false, "filter cleared");
		return UI_HANDLED | UI_BODY | UI_HEADER;
	default:
		break;
	}
	if ((rc = jobs_key_screens(js, ui, a)) != 0)
		return rc;
	return 0;
}

/* Click selects (on the titles: sorts by that column); the wheel scrolls. */
static int
jobs_mouse(struct screen *s, struct ui *ui, const MEVENT *ev, int y, int x)
{
	struct jobs_screen *js = (struct jobs_screen *)s;
	struct table_layout l;
	size_t n;

	model_view(ui->model, &n);
	if (!(ev->bstate & BUTTON1_PRESSED))
		js->click_ms = 0;	/* only press, press counts as a double click */
	if (ev->bstate & BUTTON4_PRESSED)
		return jobs_move(js, ui, js->cursor > 3 ? js->cursor - 3 : 0);
	if (ev->bstate & BUTTON5_PRESSED)
		return jobs_move(js, ui, js->cursor + 3);
	if (!(ev->bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return UI_HANDLED;
	if (y == 0) {
		table_layout(&l, ui->model, getmaxx(ui->body));
		for (int i = 0; i < l.ncols; i++) {
			if (x >= l.cols[i].x && x < l.cols[i].x + l.cols[i].width + 1) {
				enum model_col c = l.cols[i].col;

				model_set_sort(ui->model, c, model_sort_col(ui->model) == c &&
				    !model_sort_invert(ui->model));
				return UI_HANDLED | UI_BODY;
			}
		}
		return UI_HANDLED;
	}
	if (js->top + (size_t)(y - 1) >= n)
		return UI_HANDLED;
	{
		/* mouseinterval(0) keeps presses instant, so curses reports no double clicks:
		 * detect them here. */
		size_t row = js->top + (size_t)(y - 1);
		int64_t now = time_mono_ms();
		bool dbl = (ev->bstate & BUTTON1_DOUBLE_CLICKED) ||
		    (js->click_ms != 0 && row == js->click_row && now - js->click_ms <= JOBS_DOUBLE_CLICK_MS);

		js->click_ms = dbl ? 0 : now;
		js->click_row = row;
		if (dbl) {
			jobs_move(js, ui, row);
			return jobs_key_screens(js, ui, KA_DETAIL) | UI_BODY;
		}
		return jobs_move(js, ui, row);
	}
}

/* Free the jobs screen. */
static void
jobs_free(struct screen *s)
{
	struct jobs_screen *js = (struct jobs_screen *)s;

	free(js->key_id);
	table_cache_reset(&js->cache);
	free(js);
}

static const struct screen_ops jobs_ops = {
	.name = "jobs",
	.hints = jobs_hints,
	.draw = jobs_draw,
	.key = jobs_key,
	.mouse = jobs_mouse,
	.free = jobs_free,
};

/* The job table screen. */
struct screen *
jobs_new(void)
{
	struct jobs_screen *js = xcalloc(1, sizeof *js);

	js->base.ops = &jobs_ops;
	return &js->base;
}
