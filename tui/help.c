#include "config.h"

#include "tui/help.h"

#include <stdlib.h>

#include "src/xalloc.h"
#include "tui/keymap.h"
#include "tui/text.h"
#include "tui/ui.h"

struct help_screen {
	struct screen base;
	size_t	 scroll;
};

static const enum keymap_action help_hints[] = { KA_BACK, KA_QUIT, KA_NONE };

/* Lines after the key list: the row marks. */
static const char *const help_legend[][2] = {
	{ "*", "tagged: actions apply to every tagged job" },
	{ "+", "new job (highlighted for a few seconds)" },
	{ "!", "an action on this job is in flight (STATE says which)" },
	{ "~", "stale: the host stopped answering; the row keeps its last known state (bulk actions leave it out unless a)" },
	{ "-", "gone: the job left the queue (dimmed for a while, then dropped)" },
};

/* The filter language, after the row marks. */
static const char *const help_filter[][2] = {
	{ "host:ws01", "a field equals the value (case-insensitive): host state priority group backend code owner name status" },
	{ "name:~^tmp", "field:~ matches an extended regular expression" },
	{ "!word", "a leading ! negates any word; all words must hold" },
	{ "age>2d", "age (s m h d w), progress (percent) and errors with < <= > >= =" },
	{ "stalled", "transferring jobs whose bytes have not moved for stall_after" },
	{ "word", "any other word: a substring of host, name, owner or state" },
};

#define HELP_NLEG (sizeof help_legend / sizeof help_legend[0])
#define HELP_NFILTER (sizeof help_filter / sizeof help_filter[0])

/* Number of lines the help has. */
static size_t
help_nlines(void)
{
	return 2 + (size_t)(KA_COUNT - 1) + 2 + HELP_NLEG + 2 + 1 + HELP_NFILTER;
}

/* Draw help line i at row y. */
static void
help_line(WINDOW *w, int y, size_t i, struct ui *ui)
{
	const struct theme *t = ui->theme;
	size_t nkeys = (size_t)(KA_COUNT - 1), nleg = sizeof help_legend / sizeof help_legend[0];
	int width = getmaxx(w);
	char *s;

	if (i == 0) {
		text_put(w, y, 1, width - 1, "bitstop: top for BITS jobs. Keys:", TEXT_LEFT,
		    theme_attr(t, THEME_LABEL));
	} else if (i >= 2 && i < 2 + nkeys) {
		const struct keymap_entry *e = keymap_entry((enum keymap_action)(i - 2 + 1));

		text_put(w, y, 2, 12, e->keys, TEXT_LEFT, theme_attr(t, THEME_HELP_KEY));
		text_put(w, y, 15, width - 15, e->help, TEXT_LEFT, theme_attr(t, THEME_NORMAL));
	} else if (i == 3 + nkeys) {
		text_put(w, y, 1, width - 1, "Row marks (left of HOST):", TEXT_LEFT, theme_attr(t, THEME_LABEL));
	} else if (i >= 4 + nkeys && i < 4 + nkeys + nleg) {
		text_put(w, y, 2, 12, help_legend[i - 4 - nkeys][0], TEXT_LEFT, theme_attr(t, THEME_HELP_KEY));
		text_put(w, y, 15, width - 15, help_legend[i - 4 - nkeys][1], TEXT_LEFT,
		    theme_attr(t, THEME_NORMAL));
	} else if (i == 7 + nkeys + nleg) {
		text_put(w, y, 1, width - 1, "Filter words (/):", TEXT_LEFT, theme_attr(t, THEME_LABEL));
	} else if (i >= 8 + nkeys + nleg && i < 8 + nkeys + nleg + HELP_NFILTER) {
		text_put(w, y, 2, 12, help_filter[i - 8 - nkeys - nleg][0], TEXT_LEFT, theme_attr(t, THEME_HELP_KEY));
		text_put(w, y, 15, width - 15, help_filter[i - 8 - nkeys - nleg][1], TEXT_LEFT,
		    theme_attr(t, THEME_NORMAL));
	} else if (i == 5 + nkeys + nleg) {
		s = xasprintf("Theme: %s%s. Tagged rows make an action apply to all of them; destructive "
		    "and bulk actions ask first (No by default).", ui->theme->name,
		    ui->color ? "" : " (no colour)");
		text_put(w, y, 1, width - 1, s, TEXT_LEFT, theme_attr(t, THEME_NORMAL));
		free(s);
	}
}

/* Paint the help from the scroll position. */
static void
help_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct help_screen *hs = (struct help_screen *)s;
	int h = getmaxy(w);

	(void)full;
	if (hs->scroll + (size_t)h > help_nlines())
		hs->scroll = help_nlines() > (size_t)h ? help_nlines() - (size_t)h : 0;
	for (int y = 0; y < h; y++) {
		text_blank(w, y, 0, getmaxx(w), theme_attr(ui->theme, THEME_NORMAL));
		help_line(w, y, hs->scroll + (size_t)y, ui);
	}
	if (h > 1 && hs->scroll + (size_t)h < help_nlines()) {
		/* Say that there is more, and how to see it. */
		char *more = xasprintf("-- more below (lines %zu-%zu of %zu): Down/PgDn scrolls, any other key closes --",
		    hs->scroll + 1, hs->scroll + (size_t)h - 1, help_nlines());

		text_put(w, h - 1, 0, getmaxx(w), more, TEXT_CENTER, theme_attr(ui->theme, THEME_LABEL));
		free(more);
	}
}

/* Scroll; q quits; any other key closes the help. */
static int
help_key(struct screen *s, struct ui *ui, int key)
{
	struct help_screen *hs = (struct help_screen *)s;

	(void)ui;
	switch (keymap_lookup(key)) {
	case KA_UP:
		if (hs->scroll > 0)
			hs->scroll--;
		return UI_HANDLED | UI_BODY;
	case KA_DOWN:
		hs->scroll++;
		return UI_HANDLED | UI_BODY;
	case KA_PGDN:
		hs->scroll += 10;
		return UI_HANDLED | UI_BODY;
	case KA_PGUP:
		hs->scroll = hs->scroll > 10 ? hs->scroll - 10 : 0;
		return UI_HANDLED | UI_BODY;
	case KA_HOME:
		hs->scroll = 0;
		return UI_HANDLED | UI_BODY;
	case KA_END:
		hs->scroll = help_nlines();
		return UI_HANDLED | UI_BODY;
	case KA_QUIT:
		return 0;
	default:
		/* Any other key closes the help, like most tools do. */
		return UI_HANDLED | UI_POP | UI_BODY | UI_FOOTER | UI_HEADER;
	}
}

/* Free the help screen. */
static void
help_free(struct screen *s)
{
	free(s);
}

static const struct screen_ops help_ops = {
	.name = "help",
	.hints = help_hints,
	.draw = help_draw,
	.key = help_key,
	.free = help_free,
};

/* The help screen. */
struct screen *
help_new(void)
{
	struct help_screen *hs = xcalloc(1, sizeof *hs);

	hs->base.ops = &help_ops;
	return &hs->base;
}
