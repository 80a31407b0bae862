#include "config.h"

#include "tui/list.h"

/* Keep the cursor within n rows and on the page. */
void
list_scroll(struct list_cursor *c, size_t n, size_t page)
{
	if (page == 0)
		page = 1;
	if (c->cursor >= n)
		c->cursor = n ? n - 1 : 0;
	if (c->cursor < c->top)
		c->top = c->cursor;
	if (c->cursor >= c->top + page)
		c->top = c->cursor - page + 1;
	if (c->top > 0 && c->top + page > n)
		c->top = n > page ? n - page : 0;
}

/* Move for a movement action. */
bool
list_move(struct list_cursor *c, enum keymap_action a, size_t n, size_t page)
{
	switch (a) {
	case KA_UP:
		c->cursor = c->cursor > 0 ? c->cursor - 1 : 0;
		break;
	case KA_DOWN:
		c->cursor++;
		break;
	case KA_PGUP:
		c->cursor = c->cursor > page ? c->cursor - page : 0;
		break;
	case KA_PGDN:
		c->cursor += page;
		break;
	case KA_HOME:
		c->cursor = 0;
		break;
	case KA_END:
		c->cursor = n ? n - 1 : 0;
		break;
	default:
		return false;
	}
	list_scroll(c, n, page);
	return true;
}
