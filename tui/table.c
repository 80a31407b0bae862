#include "config.h"

#include "tui/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/bits_job.h"
#include "src/xalloc.h"
#include "tui/fmt.h"
#include "tui/text.h"

#define TABLE_NAME_MIN 16
#define TABLE_HOST_MIN 6
#define TABLE_HOST_MAX 24

/* A column's alignment for text_put(). */
static enum text_align
table_align(enum model_col c)
{
	return column_get(c)->align == COLUMN_RIGHT ? TEXT_RIGHT : TEXT_LEFT;
}

/* Width of a host column: the widest host name, within [min, max]. */
int
table_host_width(const struct model *m, int min, int max)
{
	int w = model_host_name_width(m, text_width);

	if (w < min)
		w = min;
	return w > max ? max : w;
}

/* Choose the columns that fit in width. */
void
table_layout(struct table_layout *l, const struct model *m, int width)
{
	bool shown[MODEL_COL_COUNT];
	int widths[MODEL_COL_COUNT];
	int x;

	for (int c = 0; c < MODEL_COL_COUNT; c++) {
		shown[c] = true;
		widths[c] = column_get((enum model_col)c)->width;
	}
	widths[MODEL_COL_HOST] = table_host_width(m, TABLE_HOST_MIN, TABLE_HOST_MAX);
	for (;;) {
		int used = TABLE_GUTTER, drop = -1;

		for (int c = 0; c < MODEL_COL_COUNT; c++)
			if (shown[c] && c != MODEL_COL_NAME)
				used += widths[c] + 1;
		if (used + TABLE_NAME_MIN <= width)
			break;
		for (int c = 0; c < MODEL_COL_COUNT; c++)
			if (shown[c] && column_get((enum model_col)c)->keep < COLUMN_NEVER &&
			    (drop < 0 || column_get((enum model_col)c)->keep <
			    column_get((enum model_col)drop)->keep))
				drop = c;
		if (drop < 0) {
			/* Only the essentials left: narrow the host column instead. */
			int over = used + TABLE_NAME_MIN - width;

			widths[MODEL_COL_HOST] -= over;
			if (widths[MODEL_COL_HOST] < TABLE_HOST_MIN)
				widths[MODEL_COL_HOST] = TABLE_HOST_MIN;
			break;
		}
		shown[drop] = false;
	}
	if (shown[MODEL_COL_OWNER]) {
		/* A wide terminal: a third of the spare columns to OWNER (up to twice its width), the rest to NAME. */
		int used = TABLE_GUTTER, spare;

		for (int c = 0; c < MODEL_COL_COUNT; c++)
			if (shown[c] && c != MODEL_COL_NAME)
				used += widths[c] + 1;
		spare = width - used - TABLE_NAME_MIN * 3;
		if (spare > 0)
			widths[MODEL_COL_OWNER] += spare / 3 < widths[MODEL_COL_OWNER] ? spare / 3 :
			    widths[MODEL_COL_OWNER];
	}
	l->ncols = 0;
	x = TABLE_GUTTER;
	for (int c = 0; c < MODEL_COL_COUNT; c++) {
		if (!shown[c])
			continue;
		l->cols[l->ncols].col = (enum model_col)c;
		l->cols[l->ncols].x = x;
		l->cols[l->ncols].width = c == MODEL_COL_NAME ? (width - x > 0 ? width - x : 0) : widths[c];
		x += widths[c] + 1;
		l->ncols++;
	}
}

/* Rows of the view that fit in a window of height h. */
int
table_page(int h)
{
	return h > 1 ? h - 1 : 1;
}

/*
 * Where a line goes: painted into w, or (w NULL) described into key, a byte
 * string of every cell's place, text and attributes. Two equal keys paint the
 * same line, so a repaint skips the lines whose key did not change.
 */
struct table_out {
	WINDOW	*w;
	char	 key[TABLE_KEY_MAX];
	size_t	 len;
	bool	 over;		/* the key did not fit: always paint */
};

/* Append bytes to the key. */
static void
table_key_add(struct table_out *o, const void *p, size_t n)
{
	if (o->len + n > sizeof o->key) {
		o->over = true;
		return;
	}
	memcpy(o->key + o->len, p, n);
	o->len += n;
}

/* A cell: s at (y, x) in width columns (text_put), or its description. */
static void
table_put(struct table_out *o, int y, int x, int width, const char *s, enum text_align align,
    attr_t attr)
{
	int v[3] = { x, width, (int)align };

	if (o->w != NULL) {
		text_put(o->w, y, x, width, s, align, attr);
		return;
	}
	table_key_add(o, v, sizeof v);
	table_key_add(o, &attr, sizeof attr);
	table_key_add(o, s, strlen(s) + 1);
}

/* Blank columns: text_blank, or its description. */
static void
table_blank(struct table_out *o, int y, int x, int width, attr_t attr)
{
	if (o->w != NULL)
		text_blank(o->w, y, x, width, attr);
	else
		table_put(o, y, x, width, "", TEXT_LEFT, attr);
}

/* Draw the column titles. */
static void
table_draw_titles(struct table_out *o, int y, int width, const struct table_layout *l,
    const struct model *m, const struct theme *t)
{
	table_blank(o, y, 0, width, theme_attr(t, THEME_TITLE));
	for (int i = 0; i < l->ncols; i++) {
		enum model_col c = l->cols[i].col;
		bool sorted = model_sort_col(m) == c;
		char title[32];

		snprintf(title, sizeof title, "%s%s", column_title(c),
		    !sorted ? "" : model_sort_invert(m) ? "^" : "v");
		table_put(o, y, l->cols[i].x, l->cols[i].width, title, table_align(c),
		    theme_attr(t, sorted ? THEME_TITLE_SORTED : THEME_TITLE));
	}
}

/* The progress bar characters: block elements where the locale has them. */
static void
table_bar_chars(const char **done, const char **todo)
{
	bool utf8 = wcwidth(L'\u2588') == 1;

	*done = utf8 ? "\u2588" : "#";
	*todo = utf8 ? "\u2591" : ".";
}

/* PROGRESS cell: a bar and the percentage. */
static void
table_draw_progress(struct table_out *o, int y, int x, int width, const struct model_row *row,
    attr_t base, bool plain, const struct theme *t)
{
	int barw = width - 5, fill;
	const char *done, *todo;
	char pct_s[8];
	double pct;

	table_blank(o, y, x, width, base);
	if (!model_row_percent(row, &pct)) {
		table_put(o, y, x + width - 4, 4, "?", TEXT_RIGHT, base);
		return;
	}
	table_bar_chars(&done, &todo);
	fill = (int)(pct * barw / 100.0 + 0.5);
	if (o->w == NULL) {
		/* The bar is described by its fill (the characters and roles follow from it). */
		int v[3] = { fill, barw, plain };

		table_key_add(o, v, sizeof v);
	} else {
		for (int i = 0; i < barw; i++)
			text_put(o->w, y, x + i, 1, i < fill ? done : todo, TEXT_LEFT,
			    plain ? theme_attr(t, i < fill ? THEME_PROGRESS_DONE : THEME_PROGRESS_TODO) : base);
	}
	snprintf(pct_s, sizeof pct_s, "%3.0f%%", pct);
	table_put(o, y, x + barw + 1, 4, pct_s, TEXT_RIGHT, base);
}

/* The role of a whole row, and whether cells may use their own roles. */
static enum theme_role
table_row_role(const struct model *m, const struct model_row *row, bool selected, bool *plain)
{
	*plain = false;
	if (selected)
		return THEME_SELECTION;
	if (row->tagged)
		return THEME_TAGGED;
	if (row->vanished)
		return THEME_VANISHED;
	if (model_row_stale(m, row))
		return THEME_STALE;
	*plain = true;
	return row->is_new ? THEME_NEW : THEME_NORMAL;
}

/* The gutter's status mark. */
static const char *
table_mark(const struct model *m, const struct model_row *row)
{
	if (row->pending > 0)
		return "!";
	if (row->vanished)
		return "-";
	if (model_row_stale(m, row))
		return "~";
	if (row->is_new)
		return "+";
	return " ";
}

/* One row, painted or described. */
static void
table_out_row(struct table_out *o, int y, int width, const struct table_layout *l,
    const struct model *m, const struct model_row *row, bool selected, const struct theme *t,
    int64_t now_wall_ms)
{
	bool plain;
	attr_t base = theme_attr(t, table_row_role(m, row, selected, &plain));
	char buf[512];

	table_blank(o, y, 0, width, base);
	table_put(o, y, 0, 1, row->tagged ? "*" : " ", TEXT_LEFT,
	    plain || selected ? base : theme_attr(t, THEME_TAGGED));
	table_put(o, y, 1, 1, table_mark(m, row), TEXT_LEFT, base);
	for (int i = 0; i < l->ncols; i++) {
		enum model_col c = l->cols[i].col;
		attr_t a = base;

		switch (c) {
		case MODEL_COL_STATE:
			buf[0] = '\0';
			column_get(c)->text(buf, sizeof buf, m, row, now_wall_ms);
			if (row->pending > 0 && !selected)
				a = theme_attr(t, THEME_PENDING);
			else if (plain)
				a = theme_attr(t, theme_state_role(model_row_state(row)));
			break;
		case MODEL_COL_PROGRESS:
			table_draw_progress(o, y, l->cols[i].x, l->cols[i].width, row, base, plain, t);
			continue;
		default:
			buf[0] = '\0';
			column_get(c)->text(buf, sizeof buf, m, row, now_wall_ms);
			break;
		}
		table_put(o, y, l->cols[i].x, l->cols[i].width, buf, table_align(c), a);
	}
}

/* Draw one row. */
void
table_draw_row(WINDOW *w, int y, const struct table_layout *l, const struct model *m,
    const struct model_row *row, bool selected, const struct theme *t, int64_t now_wall_ms)
{
	struct table_out o = { .w = w };

	table_out_row(&o, y, getmaxx(w), l, m, row, selected, t, now_wall_ms);
}

/* Forget what the window shows: the next cached draw paints every line. */
void
table_cache_reset(struct table_cache *c)
{
	for (int i = 0; i < c->nlines; i++)
		free(c->keys[i]);
	free(c->keys);
	c->keys = NULL;
	c->nlines = 0;
}

/* Paint line y from o's description unless the cache says the window shows it already. */
static bool
table_cache_line(struct table_cache *c, int y, const struct table_out *o)
{
	char *k;

	if (c == NULL || o->over)
		return true;
	if (y >= c->nlines) {
		c->keys = xreallocarray(c->keys, (size_t)y + 1, sizeof *c->keys);
		memset(c->keys + c->nlines, 0, (size_t)(y + 1 - c->nlines) * sizeof *c->keys);
		c->nlines = y + 1;
	}
	k = c->keys[y];
	if (k != NULL && memcmp(k, &o->len, sizeof o->len) == 0 &&
	    memcmp(k + sizeof o->len, o->key, o->len) == 0)
		return false;
	free(k);
	k = xmalloc(sizeof o->len + o->len);
	memcpy(k, &o->len, sizeof o->len);
	memcpy(k + sizeof o->len, o->key, o->len);
	c->keys[y] = k;
	return true;
}

/* Draw one row through the cache: nothing when the window shows it already. */
bool
table_draw_row_cached(WINDOW *w, int y, const struct table_layout *l, const struct model *m,
    const struct model_row *row, bool selected, const struct theme *t, int64_t now_wall_ms,
    struct table_cache *c)
{
	struct table_out o = { .w = NULL };

	table_out_row(&o, y, getmaxx(w), l, m, row, selected, t, now_wall_ms);
	if (!table_cache_line(c, y, &o))
		return false;
	table_draw_row(w, y, l, m, row, selected, t, now_wall_ms);
	return true;
}

/* Draw the whole table. */
void
table_draw(WINDOW *w, struct model *m, size_t top, size_t cursor, const struct theme *t,
    int64_t now_wall_ms)
{
	table_draw_cached(w, m, top, cursor, t, now_wall_ms, NULL);
}

/* Draw the whole table, painting only the lines that differ from what c says w shows. */
size_t
table_draw_cached(WINDOW *w, struct model *m, size_t top, size_t cursor, const struct theme *t,
    int64_t now_wall_ms, struct table_cache *c)
{
	struct table_layout l;
	struct model_row *const *view;
	struct table_out o = { .w = NULL };
	size_t n, painted = 0;
	int h = getmaxy(w), width = getmaxx(w);

	table_layout(&l, m, width);
	table_draw_titles(&o, 0, width, &l, m, t);
	if (table_cache_line(c, 0, &o)) {
		o.w = w;
		table_draw_titles(&o, 0, width, &l, m, t);
		painted++;
	}
	view = model_view(m, &n);
	for (int y = 1; y < h; y++) {
		size_t i = top + (size_t)(y - 1);

		if (i < n) {
			painted += table_draw_row_cached(w, y, &l, m, view[i], i == cursor, t, now_wall_ms, c);
			continue;
		}
		o = (struct table_out){ .w = NULL };
		table_blank(&o, y, 0, width, theme_attr(t, THEME_NORMAL));
		if (table_cache_line(c, y, &o)) {
			text_blank(w, y, 0, width, theme_attr(t, THEME_NORMAL));
			painted++;
		}
	}
	if (n == 0 && h > 2) {
		if (c != NULL)
			table_cache_reset(c);	/* the note is not in the cache */
		const char *note = model_filter(m) != NULL ? "no job matches the filter (Esc in / clears it)" :
		    "no jobs";

		text_put(w, 2, 0, width, note, TEXT_CENTER, theme_attr(t, THEME_NORMAL));
	}
	return painted;
}
