#include "config.h"

#include "tui/field.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/keymap.h"

/* Set the text and put the cursor at its end. */
void
field_set(struct field *f, const char *utf8)
{
	mbstate_t st;

	memset(&st, 0, sizeof st);
	f->len = f->cur = f->scroll = 0;
	while (utf8 != NULL && *utf8 != '\0' && f->len < FIELD_MAX) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, utf8, MB_CUR_MAX, &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			utf8++;
			continue;
		}
		utf8 += n;
		if (wcwidth(wc) >= 0)
			f->text[f->len++] = wc;
	}
	f->text[f->len] = L'\0';
	f->cur = f->len;
}

/* The text as UTF-8. */
char *
field_text(const struct field *f)
{
	struct strbuf sb;
	mbstate_t st;
	char buf[MB_LEN_MAX];

	memset(&st, 0, sizeof st);
	strbuf_init(&sb);
	for (size_t i = 0; i < f->len; i++) {
		size_t n = wcrtomb(buf, f->text[i], &st);

		if (n != (size_t)-1)
			strbuf_add(&sb, buf, n);
	}
	return strbuf_detach(&sb, NULL);
}

/* Delete n characters at position at. */
static void
field_delete(struct field *f, size_t at, size_t n)
{
	if (at >= f->len || n == 0)
		return;
	if (at + n > f->len)
		n = f->len - at;
	memmove(&f->text[at], &f->text[at + n], (f->len - at - n + 1) * sizeof *f->text);
	f->len -= n;
}

/* Edit with one key. */
bool
field_key(struct field *f, int key, bool *changed)
{
	size_t start;

	*changed = false;
	switch (key) {
	case KF(KEY_LEFT):
		if (f->cur > 0)
			f->cur--;
		return true;
	case KF(KEY_RIGHT):
		if (f->cur < f->len)
			f->cur++;
		return true;
	case KF(KEY_HOME):
	case 'A' - '@':
		f->cur = 0;
		return true;
	case KF(KEY_END):
	case 'E' - '@':
		f->cur = f->len;
		return true;
	case KF(KEY_BACKSPACE):
	case 127:
	case 'H' - '@':
		if (f->cur > 0) {
			field_delete(f, --f->cur, 1);
			*changed = true;
		}
		return true;
	case KF(KEY_DC):
	case 'D' - '@':
		if (f->cur < f->len) {
			field_delete(f, f->cur, 1);
			*changed = true;
		}
		return true;
	case 'U' - '@':
		field_delete(f, 0, f->cur);
		*changed = f->cur > 0;
		f->cur = 0;
		return true;
	case 'K' - '@':
		*changed = f->cur < f->len;
		f->len = f->cur;
		f->text[f->len] = L'\0';
		return true;
	case 'W' - '@':
		start = f->cur;
		while (start > 0 && f->text[start - 1] == L' ')
			start--;
		while (start > 0 && f->text[start - 1] != L' ')
			start--;
		field_delete(f, start, f->cur - start);
		*changed = start != f->cur;
		f->cur = start;
		return true;
	default:
		break;
	}
	if (KEYMAP_IS_FN(key) || key < 0x20 || key == 0x7f || wcwidth((wchar_t)key) < 0 ||
	    f->len >= FIELD_MAX)
		return false;
	memmove(&f->text[f->cur + 1], &f->text[f->cur], (f->len - f->cur + 1) * sizeof *f->text);
	f->text[f->cur++] = (wchar_t)key;
	f->len++;
	*changed = true;
	return true;
}

/* Columns of text[from, to). */
static int
field_cols(const struct field *f, size_t from, size_t to)
{
	int cols = 0;

	for (size_t i = from; i < to; i++)
		cols += wcwidth(f->text[i]) > 0 ? wcwidth(f->text[i]) : 0;
	return cols;
}

/* Paint the field. */
void
field_draw(struct field *f, WINDOW *w, int y, int x, int width, attr_t attr, bool focused)
{
	int col = 0;

	if (width <= 1)
		return;
	/* Keep the cursor inside the visible part (one column kept for it at the end). */
	if (f->cur < f->scroll)
		f->scroll = f->cur;
	while (field_cols(f, f->scroll, f->cur) > width - 1)
		f->scroll++;
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	for (int i = 0; i < width; i++)
		mvwaddch(w, y, x + i, ' ');
	for (size_t i = f->scroll; i <= f->len; i++) {
		wchar_t wc = i < f->len ? f->text[i] : L' ';
		int cw = wcwidth(wc) > 0 ? wcwidth(wc) : 0;
		wchar_t s[2] = { wc, L'\0' };
		attr_t a = focused && i == f->cur ? attr ^ A_REVERSE : attr;

		if (col + cw > width)
			break;
		wattr_set(w, a, PAIR_NUMBER(a), NULL);
		mvwaddwstr(w, y, x + col, s);
		col += cw;
	}
}
