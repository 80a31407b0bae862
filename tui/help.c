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

/* Number of lines the help has. */
static size_t
help_nlines(void)
{
	return 2 + (size_t)(KA_COUNT - 1) + 2 + sizeof help_legend / sizeof help_legend[0] + 2;
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
	if (hs->scroll + 1 > help_nlines())
		hs->scroll = help_nlines() - 1;
	for (int y = 0; y < h; y++) {
		text_blank(w, y, 0, getmaxx(w), theme_attr(ui->theme, THEME_NORMAL));
		help_line(w, y, hs->scroll + (size_t)y, ui);
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
	case KA_HOME:
		hs->scroll = 0;
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
