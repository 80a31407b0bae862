/*
 * text: drawing UTF-8 strings into a fixed number of terminal columns.
 * Widths are measured with wcwidth (CJK takes two columns, combining marks
 * none); text that does not fit is cut with an ellipsis, never mid-character.
 * Strings are expected to be sanitized already (src/sanitize.h); anything
 * unprintable that is left is drawn as '?'.
 */
#ifndef BITSTOP_TUI_TEXT_H
#define BITSTOP_TUI_TEXT_H

#include <stddef.h>
#include <wchar.h>

#include <curses.h>

enum text_align {
	TEXT_LEFT,
	TEXT_RIGHT,
	TEXT_CENTER
};

/* Display width of a UTF-8 string in columns. */
int text_width(const char *s);
/* Draw s at (y, x) in exactly width columns (padded with spaces) with attr. */
void text_put(WINDOW *w, int y, int x, int width, const char *s, enum text_align align,
    attr_t attr);
/* Draw s at (y, x) with attr, clipped at the right edge of the window; returns the end column. */
int text_add(WINDOW *w, int y, int x, const char *s, attr_t attr);
/* Fill width columns at (y, x) with spaces in attr. */
void text_blank(WINDOW *w, int y, int x, int width, attr_t attr);

#endif
