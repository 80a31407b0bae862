#include "config.h"

#include "tui/text.h"

#include <stdlib.h>
#include <string.h>

#include "src/xalloc.h"

/* Next wide character of s (advancing *s); '?' for bytes the locale cannot decode. */
static wchar_t
text_next(const char **s, mbstate_t *st)
{
	wchar_t wc;
	size_t n = mbrtowc(&wc, *s, MB_CUR_MAX, st);

	if (n == (size_t)-1 || n == (size_t)-2) {
		memset(st, 0, sizeof *st);
		(*s)++;
		return L'?';
	}
	*s += n == 0 ? 1 : n;
	return wc;
}

/* Columns of one wide character as drawn (unprintable ones become '?'). */
static int
text_wcwidth(wchar_t *wc)
{
	int w = wcwidth(*wc);

	if (w < 0) {
		*wc = L'?';
		return 1;
	}
	return w;
}

/* Display width of a UTF-8 string in columns. */
int
text_width(const char *s)
{
	mbstate_t st;
	int width = 0;

	memset(&st, 0, sizeof st);
	while (s != NULL && *s != '\0') {
		wchar_t wc = text_next(&s, &st);

		width += text_wcwidth(&wc);
	}
	return width;
}

/* The character marking cut text: an ellipsis where the locale can show one. */
static wchar_t
text_ellipsis(void)
{
	return wcwidth(L'\u2026') == 1 ? L'\u2026' : L'~';
}

/* Fit s into at most width columns. */
static int
text_fit(const char *s, int width, wchar_t *out, size_t outcap)
{
	mbstate_t st;
	int used = 0, total = text_width(s);
	size_t n = 0;
	bool cut = total > width;
	int room = cut ? width - 1 : width;	/* keep a column for the ellipsis */

	memset(&st, 0, sizeof st);
	if (outcap == 0)
		return 0;
	while (s != NULL && *s != '\0' && n + 2 < outcap) {
		wchar_t wc = text_next(&s, &st);
		int cw = text_wcwidth(&wc);

		if (used + cw > room)
			break;
		out[n++] = wc;
		used += cw;
	}
	if (cut && width > 0 && n + 1 < outcap) {
		out[n++] = text_ellipsis();
		used++;
	}
	out[n] = L'\0';
	return used;
}

/* Fill width columns at (y, x) with spaces in attr. */
void
text_blank(WINDOW *w, int y, int x, int width, attr_t attr)
{
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	for (int i = 0; i < width; i++)
		mvwaddch(w, y, x + i, ' ');
}

/* Draw s at (y, x) in exactly width columns. */
void
text_put(WINDOW *w, int y, int x, int width, const char *s, enum text_align align,
    attr_t attr)
{
	wchar_t small[256], *buf = small;
	size_t cap = (size_t)width * 2 + 2;
	int used, pad;

	if (width <= 0)
		return;
	if (cap > sizeof small / sizeof small[0])
		buf = xreallocarray(NULL, cap, sizeof *buf);
	else
		cap = sizeof small / sizeof small[0];
	used = text_fit(s, width, buf, cap);
	pad = width - used;
	text_blank(w, y, x, width, attr);
	if (align == TEXT_RIGHT)
		x += pad;
	else if (align == TEXT_CENTER)
		x += pad / 2;
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	mvwaddwstr(w, y, x, buf);
	if (buf != small)
		free(buf);
}

/* Draw s at (y, x), clipped at the right edge. */
int
text_add(WINDOW *w, int y, int x, const char *s, attr_t attr)
{
	int room = getmaxx(w) - x, width;

	if (room <= 0)
		return x;
	width = text_width(s);
	if (width > room)
		width = room;
	text_put(w, y, x, width, s, TEXT_LEFT, attr);
	return x + width;
}
