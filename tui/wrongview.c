#include "config.h"

#include "tui/wrongview.h"

#include <stdio.h>
#include <stdlib.h>

#include "src/xalloc.h"
#include "tui/list.h"
#include "tui/text.h"
#include "tui/ui.h"
#include "tui/wrong.h"

struct wrongview {
	struct screen base;
	struct list_cursor c;		/* over the groups */
};

/* Lines of the view: a section title before the first group of each section. */
static size_t
wrongview_line_of(const struct wrong *w, size_t group)
{
	size_t line = 1;	/* the summary line */

	for (size_t i = 0; i <= group && i < w->n; i++)
		line += (i == 0 || w->v[i].section != w->v[i - 1].section ? 1 : 0) + (i < group ? 1 : 0);
	return line;
}

/* Paint the groups. */
static void
wrongview_draw(struct screen *s, struct ui *ui, WINDOW *win, bool full)
{
	struct wrongview *v = (struct wrongview *)s;
	const struct theme *t = ui->theme;
	int h = getmaxy(win), width = getmaxx(win), y;
	size_t first, line = 0;
	struct wrong w;
	char buf[512];

	(void)full;
	wrong_build(&w, ui->model);
	list_scroll(&v->c, w.n, (size_t)(h > 4 ? h - 4 : 1));
	for (y = 0; y < h; y++)
		text_blank(win, y, 0, width, theme_attr(t, THEME_NORMAL));
	snprintf(buf, sizeof buf, " %zu failing job%s, %zu failing host%s%s", w.failing_jobs,
	    w.failing_jobs == 1 ? "" : "s", w.failing_hosts, w.failing_hosts == 1 ? "" : "s",
	    w.n > 0 ? ": Enter shows a group in the job table, ready to tag (*) and act" : ": nothing is wrong");
	text_put(win, 0, 0, width, buf, TEXT_LEFT, theme_attr(t, THEME_LABEL));
	/* Scroll by lines so that the cursor's group and its section title show. */
	first = wrongview_line_of(&w, v->c.top);
	if (first > 1)
		first--;
	for (size_t i = 0, ln = 1; i < w.n; i++) {
		const struct wrong_group *g = &w.v[i];
		bool sel = i == v->c.cursor;

		if (i == 0 || g->section != w.v[i - 1].section) {
			if (ln >= first && (y = (int)(ln - first) + 1) < h) {
				snprintf(buf, sizeof buf, " %-60s %6s %6s", wrong_section_title(g->section), "JOBS", "HOSTS");
				text_put(win, y, 0, width, buf, TEXT_LEFT, theme_attr(t, THEME_TITLE));
			}
			ln++;
		}
		if (ln >= first && (y = (int)(ln - first) + 1) < h) {
			attr_t a = theme_attr(t, sel ? THEME_SELECTION : g->section == WRONG_HOSTS ? THEME_HOST_DOWN :
			    THEME_NORMAL);

			text_blank(win, y, 0, width, a);
			text_put(win, y, 2, 59, g->label, TEXT_LEFT, a);
			snprintf(buf, sizeof buf, "%6zu %6zu", g->jobs, g->hosts);
			text_put(win, y, 62, 13, buf, TEXT_LEFT, a);
			if (width > 77)
				text_put(win, y, 77, width - 77, g->filter, TEXT_LEFT,
				    sel ? a : theme_attr(t, THEME_VANISHED));
		}
		ln++;
		line = ln;
	}
	(void)line;
	wrong_done(&w);
}

/* Move; Enter filters the job table to the group. */
static int
wrongview_key(struct screen *s, struct ui *ui, int key)
{
	struct wrongview *v = (struct wrongview *)s;
	enum keymap_action a = keymap_lookup(key);
	size_t page = ui->body != NULL && getmaxy(ui->body) > 4 ? (size_t)getmaxy(ui->body) - 4 : 1;
	struct wrong w;
	int rc = 0;

	wrong_build(&w, ui->model);
	if (list_move(&v->c, a, w.n, page)) {
		rc = UI_HANDLED | UI_BODY;
	} else if (a == KA_DETAIL) {
		if (v->c.cursor < w.n && model_set_filter(ui->model, w.v[v->c.cursor].filter, NULL) == 0) {
			size_t n;

			model_view(ui->model, &n);
			ui_status(ui, false, "%s: %zu job%s shown (* tags them, then act; Esc clears the filter)",
			    w.v[v->c.cursor].label, n, n == 1 ? "" : "s");
		}
		rc = UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	} else if (a == KA_BACK || a == KA_WRONG) {
		rc = UI_HANDLED | UI_POP | UI_BODY | UI_HEADER | UI_FOOTER;
	}
	wrong_done(&w);
	return rc;
}

/* Counts change with every poll. */
static int
wrongview_tick(struct screen *s, struct ui *ui)
{
	(void)s;
	(void)ui;
	return UI_BODY;
}

/* Footer hints. */
static const char *
wrongview_footer(struct screen *s, struct ui *ui)
{
	(void)s;
	(void)ui;
	return "Enter show the group in the job table  Esc/w back  ? help  q quit";
}

/* Free the view. */
static void
wrongview_free(struct screen *s)
{
	free(s);
}

static const struct screen_ops wrongview_ops = {
	.name = "what's wrong",
	.footer = wrongview_footer,
	.draw = wrongview_draw,
	.key = wrongview_key,
	.tick = wrongview_tick,
	.free = wrongview_free,
};

/* The "what's wrong" view. */
struct screen *
wrongview_new(void)
{
	struct wrongview *v = xcalloc(1, sizeof *v);

	v->base.ops = &wrongview_ops;
	return &v->base;
}
