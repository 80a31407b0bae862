#include "config.h"

#include "tui/hostview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/hosterr.h"
#include "src/sanitize.h"
#include "src/snapshot.h"
#include "src/xalloc.h"
#include "tui/fmt.h"
#include "tui/model.h"
#include "tui/newjob.h"
#include "tui/table.h"
#include "tui/text.h"
#include "tui/ui.h"

/* Declared once: the host view's columns. */
#define HOSTVIEW_COLUMNS(X) \
	X(HV_HOST, "HOST", 0, TEXT_LEFT) \
	X(HV_STATUS, "STATUS", 20, TEXT_LEFT) \
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
	size_t	 cursor;
	size_t	 top;
};

static const enum keymap_action hostview_hints[] = {
	KA_HELP, KA_BACK, KA_NEW, KA_QUIT, KA_NONE
};

/* Text of one cell of host h, and its role. */
static enum theme_role
hostview_cell(char *buf, size_t len, enum hostview_col c, const struct model *m, size_t h,
    int64_t now_wall_ms)
{
	const struct model_host *mh = model_host(m, h);
	const struct host_snapshot *s = mh->last;
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
	case HV_LAST_OK:
		snprintf(buf, len, "%s", fmt_clock(t, sizeof t, s != NULL ? s->last_ok_ms : 0));
		break;
	case HV_LATENCY:
		if (s != NULL)
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
		break;
	default:
		break;
	}
	return THEME_NORMAL;
}

/* Draw the host table into w, host `top` first, `cursor` selected. */
void
hostview_draw_table(WINDOW *w, const struct model *m, size_t top, size_t cursor,
    const struct theme *t, int64_t now_wall_ms)
{
	int h = getmaxy(w), width = getmaxx(w), x[HV_COUNT], wd[HV_COUNT], pos = 1;
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
		bool sel = i == cursor;
		attr_t base = theme_attr(t, sel ? THEME_SELECTION : THEME_NORMAL);

		text_blank(w, y, 0, width, base);
		if (i >= model_nhosts(m))
			continue;
		for (int c = 0; c < HV_COUNT; c++) {
			enum theme_role r = hostview_cell(buf, sizeof buf, (enum hostview_col)c, m, i, now_wall_ms);

			if (x[c] >= width)
				break;
			text_put(w, y, x[c], x[c] + wd[c] > width ? width - x[c] : wd[c], buf, hostview_cols[c].align,
			    sel ? base : theme_attr(t, r));
		}
	}
}

/* Keep the cursor visible and draw the host table. */
static void
hostview_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct hostview *hv = (struct hostview *)s;
	size_t n = model_nhosts(ui->model), page = (size_t)(getmaxy(w) > 1 ? getmaxy(w) - 1 : 1);

	(void)full;
	if (hv->cursor >= n)
		hv->cursor = n ? n - 1 : 0;
	if (hv->cursor < hv->top)
		hv->top = hv->cursor;
	if (hv->cursor >= hv->top + page)
		hv->top = hv->cursor - page + 1;
	hostview_draw_table(w, ui->model, hv->top, hv->cursor, ui->theme, ui_now_wall(ui));
}

/* Move, show a host's jobs (Enter), create a job there (n), or go back. */
static int
hostview_key(struct screen *s, struct ui *ui, int key)
{
	struct hostview *hv = (struct hostview *)s;
	size_t n = model_nhosts(ui->model), page = (size_t)(ui->body ? getmaxy(ui->body) - 1 : 1);

	switch (keymap_lookup(key)) {
	case KA_UP:
		hv->cursor = hv->cursor > 0 ? hv->cursor - 1 : 0;
		return UI_HANDLED | UI_BODY;
	case KA_DOWN:
		hv->cursor = hv->cursor + 1 < n ? hv->cursor + 1 : hv->cursor;
		return UI_HANDLED | UI_BODY;
	case KA_PGUP:
		hv->cursor = hv->cursor > page ? hv->cursor - page : 0;
		return UI_HANDLED | UI_BODY;
	case KA_PGDN:
		hv->cursor = hv->cursor + page < n ? hv->cursor + page : (n ? n - 1 : 0);
		return UI_HANDLED | UI_BODY;
	case KA_HOME:
		hv->cursor = 0;
		return UI_HANDLED | UI_BODY;
	case KA_END:
		hv->cursor = n ? n - 1 : 0;
		return UI_HANDLED | UI_BODY;
	case KA_DETAIL:
		/* The jobs of exactly this host. */
		if (hv->cursor < n) {
			const char *name = model_host(ui->model, hv->cursor)->name;
			char *f = xasprintf(strchr(name, ' ') != NULL ? "host:\"%s\"" : "host:%s", name);

			if (model_set_filter(ui->model, f, NULL) == 0)
				ui_status(ui, false, "showing the jobs of %s (Esc clears the filter)",
				    model_host(ui->model, hv->cursor)->name);
			free(f);
		}
		return UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	case KA_NEW:
		if (hv->cursor < n)
			newjob_open(ui, hv->cursor);
		return UI_HANDLED | UI_BODY;
	case KA_HOSTS:
	case KA_BACK:
		return UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	default:
		return 0;
	}
}

/* Click selects a host; the wheel scrolls. */
static int
hostview_mouse(struct screen *s, struct ui *ui, const MEVENT *ev, int y, int x)
{
	struct hostview *hv = (struct hostview *)s;
	size_t n = model_nhosts(ui->model);

	(void)x;
	if (ev->bstate & BUTTON4_PRESSED)
		hv->cursor = hv->cursor > 3 ? hv->cursor - 3 : 0;
	else if (ev->bstate & BUTTON5_PRESSED)
		hv->cursor = hv->cursor + 3 < n ? hv->cursor + 3 : (n ? n - 1 : 0);
	else if (y > 0 && hv->top + (size_t)(y - 1) < n)
		hv->cursor = hv->top + (size_t)(y - 1);
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

/* Free the host view. */
static void
hostview_free(struct screen *s)
{
	free(s);
}

static const struct screen_ops hostview_ops = {
	.name = "hosts",
	.hints = hostview_hints,
	.draw = hostview_draw,
	.key = hostview_key,
	.mouse = hostview_mouse,
	.tick = hostview_tick,
	.free = hostview_free,
};

/* The host view screen. */
struct screen *
hostview_new(void)
{
	struct hostview *hv = xcalloc(1, sizeof *hv);

	hv->base.ops = &hostview_ops;
	return &hv->base;
}
