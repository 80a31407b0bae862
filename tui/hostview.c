#include "config.h"

#include "tui/hostview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/hosterr.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/xalloc.h"
#include "tui/dialog.h"
#include "tui/fmt.h"
#include "tui/list.h"
#include "tui/model.h"
#include "tui/newjob.h"
#include "tui/table.h"
#include "tui/text.h"
#include "tui/ui.h"

/* Declared once: the host view's columns (id, title, width (0: flexible), alignment). */
#define HOSTVIEW_COLUMNS(X) \
	X(HV_HOST, "HOST", 0, TEXT_LEFT) \
	X(HV_STATUS, "STATUS", 20, TEXT_LEFT) \
	X(HV_GROUP, "GROUP", 12, TEXT_LEFT) \
	X(HV_BACKEND, "BACKEND", 7, TEXT_LEFT) \
	X(HV_LAST_OK, "LAST OK", 8, TEXT_LEFT) \
	X(HV_LATENCY, "LATENCY", 7, TEXT_RIGHT) \
	X(HV_JOBS, "JOBS", 5, TEXT_RIGHT) \
	X(HV_FAILS, "FAILS", 5, TEXT_RIGHT) \
	X(HV_NEXT, "NEXT", 6, TEXT_RIGHT) \
	X(HV_ERROR, "LAST ERROR", 0, TEXT_LEFT)

enum hostview_col {
#define X(e, t, w, a) e,
	HOSTVIEW_COLUMNS(X)
#undef X
	HV_COUNT
};

static const struct {
	const char *title;
	int	 width;
	enum text_align align;
} hostview_cols[HV_COUNT] = {
#define X(e, t, w, a) [e] = { t, w, a },
	HOSTVIEW_COLUMNS(X)
#undef X
};

struct hostview {
	struct screen base;
	struct list_cursor c;		/* index into order */
	size_t	*order;			/* shown hosts, filtered and sorted */
	size_t	 n;
	bool	*tagged;		/* by host index */
	char	*filter;		/* words that must all be in the host's line; NULL none */
	enum hostview_col sort;
	bool	 invert;
};

/* Text of one cell of host h, and its role. */
static enum theme_role
hostview_cell(char *buf, size_t len, enum hostview_col c, const struct model *m, size_t h,
    int64_t now_wall_ms)
{
	const struct model_host *mh = model_host(m, h);
	const struct host_snapshot *s = mh->last;
	const char *b;
	char t[FMT_BUFSZ];

	buf[0] = '\0';
	switch (c) {
	case HV_HOST:
		snprintf(buf, len, "%s", mh->name);
		break;
	case HV_STATUS:
		if (s == NULL || s->state == HOST_STATE_PENDING) {
			snprintf(buf, len, "polling");
			return THEME_HOST_POLLING;
		}
		snprintf(buf, len, "%s", hosterr_kind_status(s->state == HOST_STATE_OK ? HOSTERR_NONE : s->error.kind));
		return s->state == HOST_STATE_OK ? THEME_HOST_OK : THEME_HOST_DOWN;
	case HV_GROUP:
		snprintf(buf, len, "%s", mh->group != NULL ? mh->group : "");
		break;
	case HV_BACKEND:
		b = mh->good != NULL ? host_backend_name(mh->good->backend) : NULL;
		snprintf(buf, len, "%s", b != NULL ? b : "");
		break;
	case HV_LAST_OK:
		snprintf(buf, len, "%s", fmt_clock(t, sizeof t, s != NULL ? s->last_ok_ms : 0));
		break;
	case HV_LATENCY:
		/* Blank for a host that never answered: there is no latency to show. */
		if (s != NULL && s->last_ok_ms > 0)
			snprintf(buf, len, "%ums", s->latency_ms);
		break;
	case HV_JOBS:
		if (mh->good != NULL)
			snprintf(buf, len, "%zu", mh->good->njobs);
		break;
	case HV_FAILS:
		if (s != NULL)
			snprintf(buf, len, "%u", s->failures);
		break;
	case HV_NEXT:
		if (s != NULL && s->next_poll_ms > 0)
			snprintf(buf, len, "%s", s->next_poll_ms <= now_wall_ms ? "now" :
			    fmt_eta(t, sizeof t, (uint64_t)((s->next_poll_ms - now_wall_ms + 999) / 1000)));
		break;
	case HV_ERROR:
		if (s != NULL && s->state == HOST_STATE_ERROR && s->error.message != NULL) {
			/* Server text: sanitized before it reaches the terminal. */
			char *clean = sanitize_terminal(s->error.message);

			snprintf(buf, len, "%s", clean);
			free(clean);
			return THEME_HOST_DOWN;
		}
		if (s != NULL && s->state == HOST_STATE_OK && s->warning != NULL)
			snprintf(buf, len, "warning: %s", s->warning);	/* our own text */
		break;
	default:
		break;
	}
	return THEME_NORMAL;
}

/* Draw hosts order[0..n) into w, row `top` first, `cursor` selected, tagged ones marked. */
static void
hostview_draw_rows(WINDOW *w, const struct model *m, const size_t *order, size_t n, const bool *tagged,
    size_t top, size_t cursor, const struct theme *t, int64_t now_wall_ms)
{
	int h = getmaxy(w), width = getmaxx(w), x[HV_COUNT], wd[HV_COUNT], pos = 2;
	char buf[512];

	for (int c = 0; c < HV_COUNT; c++) {
		wd[c] = c == HV_HOST ? table_host_width(m, 4, 30) : hostview_cols[c].width;
		x[c] = pos;
		if (c == HV_ERROR)
			wd[c] = width - pos > 0 ? width - pos : 0;
		pos += wd[c] + 1;
	}
	text_blank(w, 0, 0, width, theme_attr(t, THEME_TITLE));
	for (int c = 0; c < HV_COUNT; c++)
		if (x[c] < width)
			text_put(w, 0, x[c], x[c] + wd[c] > width ? width - x[c] : wd[c], hostview_cols[c].title,
			    hostview_cols[c].align, theme_attr(t, THEME_TITLE));
	for (int y = 1; y < h; y++) {
		size_t i = top + (size_t)(y - 1);
		bool sel = i == cursor, tag = i < n && tagged != NULL && tagged[order[i]];
		attr_t base = theme_attr(t, sel ? THEME_SELECTION : tag ? THEME_TAGGED : THEME_NORMAL);

		text_blank(w, y, 0, width, base);
		if (i >= n) {
			if (n == 0 && y == 2)
				text_put(w, y, 0, width, "no host matches the filter (/ changes it)", TEXT_CENTER, base);
			continue;
		}
		text_put(w, y, 0, 1, tag ? "*" : " ", TEXT_LEFT, base);
		for (int c = 0; c < HV_COUNT; c++) {
			enum theme_role r = hostview_cell(buf, sizeof buf, (enum hostview_col)c, m, order[i], now_wall_ms);

			if (x[c] >= width)
				break;
			text_put(w, y, x[c], x[c] + wd[c] > width ? width - x[c] : wd[c], buf, hostview_cols[c].align,
			    sel || tag ? base : theme_attr(t, r));
		}
	}
}

/* Draw every host in configured order (tests). */
void
hostview_draw_table(WINDOW *w, const struct model *m, size_t top, size_t cursor,
    const struct theme *t, int64_t now_wall_ms)
{
	size_t n = model_nhosts(m), *order = xcalloc(n ? n : 1, sizeof *order);

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	hostview_draw_rows(w, m, order, n, NULL, top, cursor, t, now_wall_ms);
	free(order);
}

/* The whole line of a host, lower-cased into buf, for the filter. */
static void
hostview_line(char *buf, size_t len, const struct model *m, size_t h, int64_t now)
{
	size_t at = 0;
	char cell[256];

	buf[0] = '\0';
	for (int c = 0; c < HV_COUNT && at + 1 < len; c++) {
		hostview_cell(cell, sizeof cell, (enum hostview_col)c, m, h, now);
		at += (size_t)snprintf(buf + at, len - at, "%s ", cell);
		if (at >= len)
			at = len - 1;
	}
}

/* Does host h pass the filter (every word a substring of its line; !word must not be)? */
static bool
hostview_match(const struct hostview *hv, const struct model *m, size_t h, int64_t now)
{
	char line[1024], *copy, *save = NULL, *word;
	bool ok = true;

	if (hv->filter == NULL)
		return true;
	hostview_line(line, sizeof line, m, h, now);
	copy = xstrdup(hv->filter);
	for (word = strtok_r(copy, " ", &save); word != NULL && ok; word = strtok_r(NULL, " ", &save)) {
		bool neg = word[0] == '!' && word[1] != '\0';

		ok = (strcasestr(line, word + neg) != NULL) != neg;
	}
	free(copy);
	return ok;
}

/* What a host comparison needs. */
struct hostview_sort {
	const struct model *m;
	const struct hostview *hv;
	int64_t	 now;
};

/* qsort_r comparator of host indexes: text cells as text, number cells as numbers. */
static int
hostview_cmp(const void *a, const void *b, void *arg)
{
	const struct hostview_sort *o = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct hostview *hv = o->hv;
	char bx[256], by[256];
	int c;

	hostview_cell(bx, sizeof bx, hv->sort, o->m, x, o->now);
	hostview_cell(by, sizeof by, hv->sort, o->m, y, o->now);
	if (hostview_cols[hv->sort].align == TEXT_RIGHT) {
		double dx = bx[0] != '\0' ? strtod(bx, NULL) : -1, dy = by[0] != '\0' ? strtod(by, NULL) : -1;

		c = dx < dy ? -1 : dx > dy;
	} else {
		c = strcasecmp(bx, by);
	}
	if (hv->invert)
		c = -c;
	return c != 0 ? c : x < y ? -1 : x > y;
}

/* Rebuild the shown hosts: filtered, then sorted (configured order by HOST). */
static void
hostview_rebuild(struct hostview *hv, struct ui *ui)
{
	const struct model *m = ui->model;
	size_t total = model_nhosts(m), keep_host = hv->c.cursor < hv->n ? hv->order[hv->c.cursor] : SIZE_MAX;
	int64_t now = ui_now_wall(ui);

	hv->n = 0;
	for (size_t h = 0; h < total; h++)
		if (hostview_match(hv, m, h, now))
			hv->order[hv->n++] = h;
	if (hv->sort != HV_HOST || hv->invert) {
		struct hostview_sort o = { m, hv, now };

		qsort_r(hv->order, hv->n, sizeof *hv->order, hostview_cmp, &o);
	}
	/* The cursor follows its host. */
	for (size_t i = 0; i < hv->n && keep_host != SIZE_MAX; i++)
		if (hv->order[i] == keep_host)
			hv->c.cursor = i;
}

/* Rows of the body below the titles. */
static size_t
hostview_page(const struct ui *ui)
{
	return ui->body != NULL && getmaxy(ui->body) > 1 ? (size_t)getmaxy(ui->body) - 1 : 1;
}

/* Keep the cursor visible and draw the host table. */
static void
hostview_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct hostview *hv = (struct hostview *)s;

	(void)full;
	hostview_rebuild(hv, ui);
	list_scroll(&hv->c, hv->n, hostview_page(ui));
	hostview_draw_rows(w, ui->model, hv->order, hv->n, hv->tagged, hv->c.top, hv->c.cursor, ui->theme,
	    ui_now_wall(ui));
}

/* The jobs of the tagged hosts (or the cursor's host when none is tagged). */
static size_t
hostview_rows(struct hostview *hv, struct ui *ui, struct model_row ***out, size_t *nhosts)
{
	struct model_row **rows = NULL;
	size_t n = 0, cap = 0, total = model_nhosts(ui->model), tagged = 0;

	for (size_t h = 0; h < total; h++)
		tagged += hv->tagged[h];
	*nhosts = 0;
	for (size_t h = 0; h < total; h++) {
		const struct model_host *mh = model_host(ui->model, h);

		if (tagged > 0 ? !hv->tagged[h] : !(hv->c.cursor < hv->n && hv->order[hv->c.cursor] == h))
			continue;
		(*nhosts)++;
		for (size_t j = 0; j < mh->nrows; j++) {
			if (mh->rows[j]->vanished)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				rows = xreallocarray(rows, cap, sizeof *rows);
			}
			rows[n++] = mh->rows[j];
		}
	}
	*out = rows;
	return n;
}

/* An action on every job of the tagged hosts (or of the cursor's host). */
static int
hostview_act(struct hostview *hv, struct ui *ui, enum action_kind kind, enum actions_pri how)
{
	struct model_row **rows;
	size_t nhosts, n = hostview_rows(hv, ui, &rows, &nhosts);

	if (n == 0)
		ui_status(ui, true, "no job on the %s", nhosts > 1 ? "tagged hosts" : "host");
	else
		ui_act(ui, kind, how, 0, rows, n);
	free(rows);
	return UI_HANDLED | UI_BODY;
}

/* The host filter prompt changed. */
static char *
hostview_filter_changed(struct ui *ui, void *arg, const char *text)
{
	struct hostview *hv = arg;

	free(hv->filter);
	hv->filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	ui->dirty |= UI_BODY;
	return NULL;
}

/* The host filter prompt closed. */
static void
hostview_filter_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	(void)arg;
	(void)choice;
	(void)texts;
	if (ui != NULL)
		ui->dirty |= UI_BODY;
}

/* The host sort picker answered. */
static void
hostview_sort_done(struct ui *ui, void *arg, int choice, char *const *texts)
{
	struct hostview *hv = arg;

	(void)texts;
	if (ui != NULL && choice >= 0 && choice < HV_COUNT) {
		hv->sort = (enum hostview_col)choice;
		hv->invert = false;
		ui->dirty |= UI_BODY;
	}
}

/* f: the next failing host after the cursor (wrapping). */
static int
hostview_next_failing(struct hostview *hv, struct ui *ui)
{
	for (size_t k = 1; k <= hv->n; k++) {
		size_t i = (hv->c.cursor + k) % hv->n;
		const struct host_snapshot *s = model_host(ui->model, hv->order[i])->last;

		if (s != NULL && s->state == HOST_STATE_ERROR) {
			hv->c.cursor = i;
			list_scroll(&hv->c, hv->n, hostview_page(ui));
			return UI_HANDLED | UI_BODY;
		}
	}
	ui_status(ui, false, "no failing host%s", hv->filter != NULL ? " among those shown" : "");
	return UI_HANDLED;
}

/* Tags: Space one host, * every shown host, U none. */
static int
hostview_tag(struct hostview *hv, struct ui *ui, enum keymap_action a)
{
	size_t n = 0;

	if (a == KA_TAG && hv->c.cursor < hv->n) {
		hv->tagged[hv->order[hv->c.cursor]] = !hv->tagged[hv->order[hv->c.cursor]];
		list_move(&hv->c, KA_DOWN, hv->n, hostview_page(ui));
		return UI_HANDLED | UI_BODY;
	}
	for (size_t i = 0; i < hv->n; i++) {
		n += hv->tagged[hv->order[i]] != (a == KA_TAG_ALL);
		hv->tagged[hv->order[i]] = a == KA_TAG_ALL;
	}
	ui_status(ui, false, "%zu host%s %s: actions apply to all their jobs", n, n == 1 ? "" : "s",
	    a == KA_TAG_ALL ? "tagged" : "untagged");
	return UI_HANDLED | UI_BODY;
}

/* Keys that open something or leave. */
static int
hostview_key_open(struct hostview *hv, struct ui *ui, enum keymap_action a)
{
	static const char *titles[HV_COUNT];
	struct screen *scr;

	switch (a) {
	case KA_DETAIL:
		/* The jobs of exactly this host. */
		if (hv->c.cursor < hv->n) {
			const char *name = model_host(ui->model, hv->order[hv->c.cursor])->name;
			char *f = xasprintf(strchr(name, ' ') != NULL ? "host:\"%s\"" : "host:%s", name);

			if (model_set_filter(ui->model, f, NULL) == 0)
				ui_status(ui, false, "showing the jobs of %s (Esc clears the filter)", name);
			free(f);
		}
		return UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	case KA_NEW:
		if (hv->c.cursor < hv->n)
			newjob_open(ui, hv->order[hv->c.cursor]);
		return UI_HANDLED | UI_BODY;
	case KA_FILTER:
		scr = dialog_prompt("Hosts: ", hv->filter, hostview_filter_changed, hostview_filter_done, hv);
		ui_status(ui, false, "words all in the host's line (name, status, group, backend, error); !word excludes");
		ui_push(ui, scr);
		return UI_HANDLED;
	case KA_SORT:
		for (int c = 0; c < HV_COUNT; c++)
			titles[c] = hostview_cols[c].title;
		ui_push(ui, dialog_pick("Sort hosts by", titles, HV_COUNT, hv->sort, hostview_sort_done, hv));
		return UI_HANDLED;
	case KA_INVERT:
		hv->invert = !hv->invert;
		return UI_HANDLED | UI_BODY;
	case KA_REFRESH:
		if (hv->c.cursor < hv->n) {
			ui->backend.poll_now(ui->backend.arg, (ssize_t)hv->order[hv->c.cursor]);
			ui_status(ui, false, "polling %s now", model_host(ui->model, hv->order[hv->c.cursor])->name);
		}
		return UI_HANDLED;
	case KA_HOSTS:
	case KA_BACK:
		if (a == KA_BACK && hv->filter != NULL) {
			free(hv->filter);
			hv->filter = NULL;
			return UI_HANDLED | UI_BODY;
		}
		return UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	default:
		return 0;
	}
}

/* Move, tag, act on the jobs of the tagged hosts, filter, sort, open a host's jobs. */
static int
hostview_key(struct screen *s, struct ui *ui, int key)
{
	struct hostview *hv = (struct hostview *)s;
	enum keymap_action a = keymap_lookup(key);
	enum action_kind kind;
	enum actions_pri how;

	hostview_rebuild(hv, ui);
	if (list_move(&hv->c, a, hv->n, hostview_page(ui)))
		return UI_HANDLED | UI_BODY;
	if (keymap_job_action(a, &kind, &how))
		return hostview_act(hv, ui, kind, how);
	switch (a) {
	case KA_TAG:
	case KA_TAG_ALL:
	case KA_UNTAG_ALL:
		return hostview_tag(hv, ui, a);
	case KA_NEXT_FAIL:
		return hostview_next_failing(hv, ui);
	default:
		return hostview_key_open(hv, ui, a);
	}
}

/* Click selects a host; the wheel scrolls. */
static int
hostview_mouse(struct screen *s, struct ui *ui, const MEVENT *ev, int y, int x)
{
	struct hostview *hv = (struct hostview *)s;

	(void)x;
	if (ev->bstate & BUTTON4_PRESSED)
		hv->c.cursor = hv->c.cursor > 3 ? hv->c.cursor - 3 : 0;
	else if (ev->bstate & BUTTON5_PRESSED)
		hv->c.cursor += 3;
	else if (y > 0 && hv->c.top + (size_t)(y - 1) < hv->n)
		hv->c.cursor = hv->c.top + (size_t)(y - 1);
	list_scroll(&hv->c, hv->n, hostview_page(ui));
	return UI_HANDLED | UI_BODY;
}

/* Host statuses show a countdown to the next poll: repaint every second. */
static int
hostview_tick(struct screen *s, struct ui *ui)
{
	(void)s;
	(void)ui;
	return UI_BODY;
}

/* Footer hints, read-only aware. */
static const char *
hostview_footer(struct screen *s, struct ui *ui)
{
	(void)s;
	if (ui->policy.readonly)
		return "Enter this host's jobs  / filter  > sort  f next failing  R poll it  h/Esc jobs  q quit";
	return "Enter this host's jobs  Space tag  r/s/x all their jobs  / filter  > sort  f next failing  "
	    "n new job  R poll it  h/Esc jobs  q quit";
}

/* Free the host view. */
static void
hostview_free(struct screen *s)
{
	struct hostview *hv = (struct hostview *)s;

	free(hv->order);
	free(hv->tagged);
	free(hv->filter);
	free(hv);
}

static const struct screen_ops hostview_ops = {
	.name = "hosts",
	.footer = hostview_footer,
	.draw = hostview_draw,
	.key = hostview_key,
	.mouse = hostview_mouse,
	.tick = hostview_tick,
	.free = hostview_free,
};

/* The host view screen. */
struct screen *
hostview_new(struct ui *ui)
{
	struct hostview *hv = xcalloc(1, sizeof *hv);
	size_t n = model_nhosts(ui->model);

	hv->base.ops = &hostview_ops;
	hv->order = xcalloc(n ? n : 1, sizeof *hv->order);
	hv->tagged = xcalloc(n ? n : 1, sizeof *hv->tagged);
	hostview_rebuild(hv, ui);
	return &hv->base;
}
