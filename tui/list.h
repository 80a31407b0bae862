/*
 * list: the cursor of a list screen (host view, operations, what's wrong):
 * movement keys, scrolling and the visible page. No curses.
 */
#ifndef BITSTOP_TUI_LIST_H
#define BITSTOP_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/keymap.h"

struct list_cursor {
	size_t	 cursor;
	size_t	 top;
};

/* Keep the cursor within n rows and visible in a page of page rows. */
void list_scroll(struct list_cursor *c, size_t n, size_t page);
/* Move for a movement action (up, down, page, home, end); false for other actions. */
bool list_move(struct list_cursor *c, enum keymap_action a, size_t n, size_t page);

#endif
