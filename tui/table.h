/*
 * table: the job table (bitstop(1), THE SCREEN). Its columns are declared once
 * in tui/column.h (title, width, alignment, how early a narrow terminal drops
 * them, cell text, sort key); draw functions take the WINDOW to draw into, so
 * tests render into a fixed-size screen.
 *
 * Every row starts with a two-column gutter: '*' when tagged, then '+' new,
 * '~' stale, '-' gone (vanished), '!' action pending.
 */
#ifndef BITSTOP_TUI_TABLE_H
#define BITSTOP_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "tui/model.h"
#include "tui/theme.h"

#define TABLE_GUTTER 2

struct table_layout {
	int	 ncols;
	struct {
		enum model_col col;
		int	 x;
		int	 width;
	} cols[MODEL_COL_COUNT];
};

/* What each line of a table window shows (described, not drawn), so that a
 * repaint paints only the lines that changed. Zeroed: knows nothing. */
struct table_cache {
	char	**keys;		/* per line: its description; NULL when unknown */
	int	 nlines;
};

/* Longest description of a line kept: a longer one is always painted. */
#define TABLE_KEY_MAX 4096

/* Width of a host column: the widest host name, within [min, max]. */
int table_host_width(const struct model *m, int min, int max);
/* Choose the columns that fit in width, dropping the least important first. */
void table_layout(struct table_layout *l, const struct model *m, int width);
/* Draw one row on line y. */
void table_draw_row(WINDOW *w, int y, const struct table_layout *l, const struct model *m,
    const struct model_row *row, bool selected, const struct theme *t, int64_t now_wall_ms);
/*
 * Draw the whole table into w: titles on line 0, then the view from row `top`,
 * `cursor` selected; blank lines below; a note when nothing is shown.
 */
void table_draw(WINDOW *w, struct model *m, size_t top, size_t cursor, const struct theme *t,
    int64_t now_wall_ms);
/* table_draw painting only the lines that differ from what c says w shows
 * (c NULL: every line); the number of lines painted. */
size_t table_draw_cached(WINDOW *w, struct model *m, size_t top, size_t cursor,
    const struct theme *t, int64_t now_wall_ms, struct table_cache *c);
/* table_draw_row through the cache; false when w showed the row already. */
bool table_draw_row_cached(WINDOW *w, int y, const struct table_layout *l, const struct model *m,
    const struct model_row *row, bool selected, const struct theme *t, int64_t now_wall_ms,
    struct table_cache *c);
/* Forget what the window shows (it was drawn over, resized or cleared); frees the lines. */
void table_cache_reset(struct table_cache *c);
/* Rows of the view that fit in a window of height h (the titles take one line). */
int table_page(int h);

#endif
