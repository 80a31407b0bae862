/*
 * tui_screen: a headless curses screen for the TUI render tests. The screen
 * writes to /dev/null with TERM=xterm-256color and a fixed size; tests draw
 * into its windows and read the cells back as UTF-8 text.
 */
#ifndef BITSTOP_TESTS_TUI_SCREEN_H
#define BITSTOP_TESTS_TUI_SCREEN_H

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "src/strbuf.h"

static SCREEN *tui_scr;
static FILE *tui_out, *tui_in;

/* Open a lines x cols screen (colours on). */
static inline void
tui_screen_open(int lines, int cols)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "C.utf8");
	tui_out = fopen("/dev/null", "w");
	tui_in = fopen("/dev/null", "r");
	tui_scr = newterm("xterm-256color", tui_out, tui_in);
	if (tui_scr == NULL) {
		fprintf(stderr, "newterm(xterm-256color) failed\n");
		exit(1);
	}
	resizeterm(lines, cols);
	start_color();
	use_default_colors();
}

/* Close the screen. */
static inline void
tui_screen_close(void)
{
	endwin();
	delscreen(tui_scr);
	fclose(tui_out);
	fclose(tui_in);
}

/* Line y of w as UTF-8, trailing spaces trimmed (a wide character appears once). */
static inline char *
tui_line(WINDOW *w, int y)
{
	struct strbuf sb;
	int width = getmaxx(w);

	strbuf_init(&sb);
	for (int x = 0; x < width; x++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t attrs;
		short pair;
		char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
		size_t n;
		int cw;

		if (mvwin_wch(w, y, x, &cc) == ERR)
			break;
		getcchar(&cc, wch, &attrs, &pair, NULL);
		n = wcstombs(mb, wch, sizeof mb);
		if (n == (size_t)-1)
			strbuf_addc(&sb, '#');
		else
			strbuf_add(&sb, mb, n);
		cw = wcwidth(wch[0]);
		if (cw == 2)
			x++;	/* the continuation cell of a wide character */
	}
	while (sb.len > 0 && sb.s[sb.len - 1] == ' ')
		sb.s[--sb.len] = '\0';
	return strbuf_detach(&sb, NULL);
}

/* The display column at which needle starts in line (UTF-8), or -1. */
static inline int
tui_col(const char *line, const char *needle)
{
	const char *at = strstr(line, needle);
	char *prefix;
	wchar_t wbuf[1024];
	size_t n;
	int cols;

	if (at == NULL)
		return -1;
	prefix = strndup(line, (size_t)(at - line));
	n = mbstowcs(wbuf, prefix, sizeof wbuf / sizeof wbuf[0]);
	free(prefix);
	if (n == (size_t)-1)
		return -1;
	cols = wcswidth(wbuf, n);
	return cols;
}

/* Every line of w joined with newlines (malloc'd). */
static inline char *
tui_window_text(WINDOW *w)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (int y = 0; y < getmaxy(w); y++) {
		char *l = tui_line(w, y);

		strbuf_adds(&sb, l);
		strbuf_addc(&sb, '\n');
		free(l);
	}
	return strbuf_detach(&sb, NULL);
}

/* True when no byte of s is a C0 control other than newline, DEL, or a C1 control. */
static inline bool
tui_text_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return false;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return false;
	}
	return true;
}

#endif
