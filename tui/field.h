/*
 * field: a one-line text editor for dialogs and the filter prompt (no curses
 * drawing here; field_draw only paints it). Text is kept as wide characters so
 * that the cursor moves by character; printable characters only.
 */
#ifndef BITSTOP_TUI_FIELD_H
#define BITSTOP_TUI_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#define FIELD_MAX 1024	/* characters */

struct field {
	wchar_t	 text[FIELD_MAX + 1];
	size_t	 len;
	size_t	 cur;		/* cursor, 0..len */
	size_t	 scroll;	/* first character shown */
};

/* Set the text (UTF-8) and put the cursor at its end. */
void field_set(struct field *f, const char *utf8);
/* The text as UTF-8 (malloc'd). */
char *field_text(const struct field *f);
/* Edit with one key (see keymap.h KF()); true when the key was an editing key. */
bool field_key(struct field *f, int key, bool *changed);
/* Paint the field at (y, x) in width columns, the cursor shown reversed when focused. */
void field_draw(struct field *f, WINDOW *w, int y, int x, int width, attr_t attr, bool focused);

#endif
