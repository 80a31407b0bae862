#include "config.h"

#include "tui/dialog.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "src/strbuf.h"
#include "src/xalloc.h"
#include "tui/field.h"
#include "tui/keymap.h"
#include "tui/text.h"
#include "tui/ui.h"

enum dialog_kind {
	DIALOG_CONFIRM,
	DIALOG_INPUT,
	DIALOG_PROMPT,
	DIALOG_PICK,
	DIALOG_FORM
};

struct dialog {
	struct screen base;
	enum dialog_kind kind;
	char	*title;
	char	*question;		/* confirm */
	char	**items;		/* pick items, or form choices */
	size_t	 nitems;
	size_t	 sel;			/* pick: selected item; form: chosen choice */
	size_t	 top;			/* pick: first item shown */
	struct dialog_row {		/* form: a row of choices */
		char	*label;
		char	**items;
		size_t	 n;
		size_t	 sel;
	} *rows;
	size_t	 nrows;
	struct field *fields;		/* input, prompt, form */
	char	**labels;
	size_t	 nfields;
	size_t	 focus;			/* form: a field, or nfields for the choice */
	bool	 yes;			/* confirm: Yes has the focus */
	bool	 all;			/* confirm: 'a' answers 2 (yes, and include the rest) */
	dialog_done_fn done;
	dialog_changed_fn changed;
	dialog_check_fn check;
	char	*error;			/* why the last answer was refused (shown, owned) */
	void	*arg;
	bool	 finished;
};

/* Copy an array of strings. */
static char **
dialog_strv(const char *const *v, size_t n)
{
	char **out = xcalloc(n ? n : 1, sizeof *out);

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* Free an array of n strings. */
static void
dialog_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* Finish the dialog with choice; the texts of its fields go to the callback. */
static int
dialog_finish(struct dialog *d, struct ui *ui, int choice)
{
	char **texts = NULL;

	if (d->finished)
		return UI_HANDLED | UI_POP | UI_BODY;
	if (choice >= 0 && d->nfields + d->nrows > 0) {
		texts = xcalloc(d->nfields + d->nrows, sizeof *texts);
		for (size_t i = 0; i < d->nfields; i++)
			texts[i] = field_text(&d->fields[i]);
		for (size_t i = 0; i < d->nrows; i++)
			texts[d->nfields + i] = xstrdup(d->rows[i].items[d->rows[i].sel]);
	}
	if (choice >= 0 && d->check != NULL) {
		size_t field = d->focus;
		char *why = d->check(ui, d->arg, choice, texts, &field);

		if (why != NULL) {
			/* Refused: the dialog stays open with what was typed and says why. */
			free(d->error);
			d->error = why;
			if (field < d->nfields + d->nrows)
				d->focus = field;
			dialog_strv_free(texts, d->nfields + d->nrows);
			return UI_HANDLED | UI_BODY;
		}
	}
	d->finished = true;
	d->done(ui, d->arg, choice, texts);
	dialog_strv_free(texts, d->nfields + d->nrows);
	return UI_HANDLED | UI_POP | UI_BODY | UI_FOOTER | UI_HEADER;
}

/* Split text into lines of at most width columns at spaces. */
static size_t
dialog_wrap(const char *text, int width, char ***out)
{
	char **lines = NULL, *copy = xstrdup(text), *save = NULL, *word;
	struct strbuf line;
	size_t n = 0;

	strbuf_init(&line);
	for (word = strtok_r(copy, " ", &save); word != NULL; word = strtok_r(NULL, " ", &save)) {
		if (line.len > 0 && text_width(line.s) + 1 + text_width(word) > width) {
			lines = xreallocarray(lines, n + 1, sizeof *lines);
			lines[n++] = xstrdup(line.s);
			strbuf_reset(&line);
		}
		if (line.len > 0)
			strbuf_addc(&line, ' ');
		strbuf_adds(&line, word);
	}
	if (line.len > 0 || n == 0) {
		lines = xreallocarray(lines, n + 1, sizeof *lines);
		lines[n++] = xstrdup(line.s);
	}
	strbuf_done(&line);
	free(copy);
	*out = lines;
	return n;
}

/*
 * Draw a frame. Box-drawing characters are written as text (U+2500 ...) where
 * the locale has them, ASCII otherwise: the terminal's alternate character set
 * is not used, as multiplexers and captures often render it as letters.
 */
static void
dialog_frame(WINDOW *w, int y0, int x0, int h, int width, attr_t a)
{
	bool utf8 = wcwidth(L'\u2500') == 1;
	const char *hl = utf8 ? "\u2500" : "-", *vl = utf8 ? "\u2502" : "|";

	for (int x = 1; x < width - 1; x++) {
		text_put(w, y0, x0 + x, 1, hl, TEXT_LEFT, a);
		text_put(w, y0 + h - 1, x0 + x, 1, hl, TEXT_LEFT, a);
	}
	for (int y = 1; y < h - 1; y++) {
		text_put(w, y0 + y, x0, 1, vl, TEXT_LEFT, a);
		text_put(w, y0 + y, x0 + width - 1, 1, vl, TEXT_LEFT, a);
	}
	text_put(w, y0, x0, 1, utf8 ? "\u250c" : "+", TEXT_LEFT, a);
	text_put(w, y0, x0 + width - 1, 1, utf8 ? "\u2510" : "+", TEXT_LEFT, a);
	text_put(w, y0 + h - 1, x0, 1, utf8 ? "\u2514" : "+", TEXT_LEFT, a);
	text_put(w, y0 + h - 1, x0 + width - 1, 1, utf8 ? "\u2518" : "+", TEXT_LEFT, a);
}

/* Draw an empty framed box of h x width centred in w, with a title; its origin. */
static void
dialog_box(WINDOW *w, int h, int width, const char *title, const struct theme *t, int *y0, int *x0)
{
	attr_t a = theme_attr(t, THEME_DIALOG);
	int wh = getmaxy(w), ww = getmaxx(w);

	if (width > ww)
		width = ww;
	if (h > wh)
		h = wh;
	*y0 = (wh - h) / 2;
	*x0 = (ww - width) / 2;
	for (int y = 0; y < h; y++)
		text_blank(w, *y0 + y, *x0, width, a);
	dialog_frame(w, *y0, *x0, h, width, a);
	if (title != NULL && *title != '\0') {
		char *tt = xasprintf(" %s ", title);

		text_put(w, *y0, *x0 + 2, width - 4 < text_width(tt) ? width - 4 : text_width(tt), tt,
		    TEXT_LEFT, theme_attr(t, THEME_DIALOG_TITLE));
		free(tt);
	}
}

/* Width of a dialog in a window: most of it, within bounds. */
static int
dialog_width(WINDOW *w, int want)
{
	int ww = getmaxx(w);

	if (want > ww - 2)
		want = ww - 2;
	return want < 20 ? (ww < 20 ? ww : 20) : want;
}

/* Draw a confirmation. */
static void
dialog_draw_confirm(struct dialog *d, struct ui *ui, WINDOW *w)
{
	const struct theme *t = ui->theme;
	int width = dialog_width(w, 64), y0, x0, h;
	char **lines;
	size_t n = dialog_wrap(d->question, width - 4, &lines);

	h = (int)n + 4;
	dialog_box(w, h, width, d->title, t, &y0, &x0);
	for (size_t i = 0; i < n; i++)
		text_put(w, y0 + 1 + (int)i, x0 + 2, width - 4, lines[i], TEXT_LEFT, theme_attr(t, THEME_DIALOG));
	text_put(w, y0 + h - 2, x0 + width / 2 - 10, 7, "[ Yes ]", TEXT_LEFT,
	    theme_attr(t, d->yes ? THEME_DIALOG_FOCUS : THEME_DIALOG));
	text_put(w, y0 + h - 2, x0 + width / 2 + 3, 6, "[ No ]", TEXT_LEFT,
	    theme_attr(t, d->yes ? THEME_DIALOG : THEME_DIALOG_FOCUS));
	dialog_strv_free(lines, n);
}

/* Draw a pick list. */
static void
dialog_draw_pick(struct dialog *d, struct ui *ui, WINDOW *w)
{
	const struct theme *t = ui->theme;
	int width = dialog_width(w, 40), y0, x0, h = (int)d->nitems + 2, rows;

	if (h > getmaxy(w))
		h = getmaxy(w);
	rows = h - 2;
	if (d->sel < d->top)
		d->top = d->sel;
	if (rows > 0 && d->sel >= d->top + (size_t)rows)
		d->top = d->sel - (size_t)rows + 1;
	dialog_box(w, h, width, d->title, t, &y0, &x0);
	for (int i = 0; i < rows && d->top + (size_t)i < d->nitems; i++) {
		size_t k = d->top + (size_t)i;

		text_put(w, y0 + 1 + i, x0 + 1, width - 2, d->items[k], TEXT_LEFT,
		    theme_attr(t, k == d->sel ? THEME_DIALOG_FOCUS : THEME_DIALOG));
	}
}

/* Draw an input box or a form. */
static void
dialog_draw_fields(struct dialog *d, struct ui *ui, WINDOW *w)
{
	const struct theme *t = ui->theme;
	int width = dialog_width(w, 72), y0, x0, labw = 0, h;
	bool form = d->kind == DIALOG_FORM;

	for (size_t i = 0; i < d->nfields; i++)
		if (text_width(d->labels[i]) > labw)
			labw = text_width(d->labels[i]);
	for (size_t i = 0; i < d->nrows; i++)
		if (text_width(d->rows[i].label) > labw)
			labw = text_width(d->rows[i].label);
	h = (int)(d->nfields + d->nrows) + 3 + (d->error != NULL ? 1 : 0);
	dialog_box(w, h, width, d->title, t, &y0, &x0);
	if (d->error != NULL)
		text_put(w, y0 + h - 3, x0 + 2, width - 4, d->error, TEXT_LEFT,
		    theme_attr(t, THEME_STATUS_ERROR));
	for (size_t i = 0; i < d->nfields; i++) {
		int y = y0 + 1 + (int)i;

		text_put(w, y, x0 + 2, labw, d->labels[i], TEXT_RIGHT, theme_attr(t, THEME_DIALOG));
		field_draw(&d->fields[i], w, y, x0 + 3 + labw, width - labw - 5, theme_attr(t, THEME_INPUT),
		    d->focus == i);
	}
	for (size_t r = 0; r < d->nrows; r++) {
		const struct dialog_row *row = &d->rows[r];
		int y = y0 + 1 + (int)(d->nfields + r), x = x0 + 3 + labw;

		text_put(w, y, x0 + 2, labw, row->label, TEXT_RIGHT, theme_attr(t, THEME_DIALOG));
		for (size_t i = 0; i < row->n; i++) {
			char *c = xasprintf(i == row->sel ? "(*) %s" : "( ) %s", row->items[i]);
			int cw = text_width(c);

			text_put(w, y, x, cw, c, TEXT_LEFT, theme_attr(t, d->focus == d->nfields + r &&
			    i == row->sel ? THEME_DIALOG_FOCUS : THEME_DIALOG));
			x += cw + 2;
			free(c);
		}
	}
	text_put(w, y0 + h - 2, x0 + 2, width - 4,
	    form ? "Tab next field, Enter on the last one creates, Esc cancels" :
	    "Enter accepts, Esc cancels", TEXT_LEFT, theme_attr(t, THEME_DIALOG));
}

/* Draw the prompt line at the bottom of the body. */
static void
dialog_draw_prompt(struct dialog *d, struct ui *ui, WINDOW *w)
{
	int y = getmaxy(w) - 1, lw = text_width(d->labels[0]);

	text_put(w, y, 0, lw, d->labels[0], TEXT_LEFT, theme_attr(ui->theme, THEME_LABEL));
	field_draw(&d->fields[0], w, y, lw, getmaxx(w) - lw, theme_attr(ui->theme, THEME_INPUT), true);
	if (d->error != NULL && y > 0)
		text_put(w, y - 1, 0, getmaxx(w), d->error, TEXT_LEFT, theme_attr(ui->theme, THEME_STATUS_ERROR));
}

/* Paint the dialog over the screen below. */
static void
dialog_draw(struct screen *s, struct ui *ui, WINDOW *w, bool full)
{
	struct dialog *d = (struct dialog *)s;

	(void)full;
	switch (d->kind) {
	case DIALOG_CONFIRM:
		dialog_draw_confirm(d, ui, w);
		break;
	case DIALOG_PICK:
		dialog_draw_pick(d, ui, w);
		break;
	case DIALOG_INPUT:
	case DIALOG_FORM:
		dialog_draw_fields(d, ui, w);
		break;
	case DIALOG_PROMPT:
		dialog_draw_prompt(d, ui, w);
		break;
	}
}

/* Keys of a confirmation: y/n, Esc, Enter on the focused button, arrows and Tab. */
static int
dialog_key_confirm(struct dialog *d, struct ui *ui, int key)
{
	switch (key) {
	case 'y':
	case 'Y':
		return dialog_finish(d, ui, 1);
	case 'a':
	case 'A':
		return d->all ? dialog_finish(d, ui, 2) : UI_HANDLED;
	case 'n':
	case 'N':
	case 27:
	case 'q':
		return dialog_finish(d, ui, key == 27 ? -1 : 0);
	case '\n':
	case '\r':
	case KF(KEY_ENTER):
		return dialog_finish(d, ui, d->yes ? 1 : 0);
	case '\t':
	case KF(KEY_LEFT):
	case KF(KEY_RIGHT):
	case KF(KEY_BTAB):
	case 'h':
	case 'l':
		d->yes = !d->yes;
		return UI_HANDLED | UI_BODY;
	default:
		return UI_HANDLED;
	}
}

/* Keys of a pick list. */
static int
dialog_key_pick(struct dialog *d, struct ui *ui, int key)
{
	switch (keymap_lookup(key)) {
	case KA_UP:
		if (d->sel > 0)
			d->sel--;
		return UI_HANDLED | UI_BODY;
	case KA_DOWN:
		if (d->sel + 1 < d->nitems)
			d->sel++;
		return UI_HANDLED | UI_BODY;
	case KA_HOME:
		d->sel = 0;
		return UI_HANDLED | UI_BODY;
	case KA_END:
		d->sel = d->nitems ? d->nitems - 1 : 0;
		return UI_HANDLED | UI_BODY;
	case KA_DETAIL:
		return dialog_finish(d, ui, (int)d->sel);
	case KA_BACK:
	case KA_QUIT:
		return dialog_finish(d, ui, -1);
	default:
		break;
	}
	/* The sort picker opened with '>' closes on '>' too. */
	if (key == '>' || key == KF(KEY_F(6)))
		return dialog_finish(d, ui, (int)d->sel);
	return UI_HANDLED;
}

/* Keys of input, prompt and form dialogs. */
static int
dialog_key_fields(struct dialog *d, struct ui *ui, int key)
{
	bool form = d->kind == DIALOG_FORM, changed;
	size_t nfocus = d->nfields + d->nrows;

	switch (key) {
	case 27:
		if (d->kind == DIALOG_PROMPT) {
			field_set(&d->fields[0], "");
			if (d->changed != NULL)
				free(d->changed(ui, d->arg, ""));
		}
		return dialog_finish(d, ui, -1);
	case '\n':
	case '\r':
	case KF(KEY_ENTER):
		if (form && d->focus + 1 < nfocus) {
			d->focus++;
			return UI_HANDLED | UI_BODY;
		}
		return dialog_finish(d, ui, d->nrows > 0 ? (int)d->rows[0].sel : 0);
	case 'S' - '@':
		return dialog_finish(d, ui, d->nrows > 0 ? (int)d->rows[0].sel : 0);
	case '\t':
	case KF(KEY_DOWN):
		d->focus = (d->focus + 1) % nfocus;
		return UI_HANDLED | UI_BODY;
	case KF(KEY_BTAB):
	case KF(KEY_UP):
		d->focus = (d->focus + nfocus - 1) % nfocus;
		return UI_HANDLED | UI_BODY;
	default:
		break;
	}
	if (d->focus >= d->nfields) {
		struct dialog_row *row = &d->rows[d->focus - d->nfields];

		if (key == KF(KEY_LEFT))
			row->sel = (row->sel + row->n - 1) % row->n;
		else if (key == KF(KEY_RIGHT) || key == ' ')
			row->sel = (row->sel + 1) % row->n;
		return UI_HANDLED | UI_BODY;
	}
	if (field_key(&d->fields[d->focus], key, &changed) && changed) {
		free(d->error);
		d->error = NULL;
		if (d->changed != NULL) {
			char *text = field_text(&d->fields[d->focus]);

			d->error = d->changed(ui, d->arg, text);
			free(text);
		}
	}
	return UI_HANDLED | UI_BODY;
}

/* Every key goes to the dialog (modal), by kind. */
static int
dialog_key(struct screen *s, struct ui *ui, int key)
{
	struct dialog *d = (struct dialog *)s;

	if (key == KF(KEY_RESIZE))
		return 0;
	switch (d->kind) {
	case DIALOG_CONFIRM:
		return dialog_key_confirm(d, ui, key);
	case DIALOG_PICK:
		return dialog_key_pick(d, ui, key);
	default:
		return dialog_key_fields(d, ui, key);
	}
}

/* Free the dialog; a dialog never answered tells its callback it was dismissed. */
static void
dialog_free(struct screen *s)
{
	struct dialog *d = (struct dialog *)s;

	if (!d->finished)
		d->done(NULL, d->arg, -1, NULL);
	free(d->title);
	free(d->error);
	free(d->question);
	for (size_t i = 0; i < d->nrows; i++) {
		free(d->rows[i].label);
		dialog_strv_free(d->rows[i].items, d->rows[i].n);
	}
	free(d->rows);
	dialog_strv_free(d->items, d->nitems);
	dialog_strv_free(d->labels, d->nfields);
	free(d->fields);
	free(d);
}

/* Footer hints of each kind of dialog: the keys it takes. */
static const char *
dialog_footer(struct screen *s, struct ui *ui)
{
	struct dialog *d = (struct dialog *)s;

	(void)ui;
	switch (d->kind) {
	case DIALOG_CONFIRM:
		return d->all ? "y yes  a yes, and include the left-out  n/Esc no  Tab move  Enter the focused button" :
		    "y yes  n/Esc no  Tab/Left/Right move  Enter the focused button";
	case DIALOG_PICK:
		return "Up/Down move  Enter choose  Esc cancel";
	case DIALOG_PROMPT:
		return "Enter keep  Esc clear  Left/Right/Home/End edit  ^U erase";
	case DIALOG_FORM:
		return "Tab/Up/Down next field  Left/Right/Space choose  Enter on the last one (or ^S) accepts  Esc cancel";
	default:
		return "Enter accept  Esc cancel";
	}
}

static const struct screen_ops dialog_ops = {
	.name = "dialog",
	.overlay = true,
	.footer = dialog_footer,
	.draw = dialog_draw,
	.key = dialog_key,
	.free = dialog_free,
};

/* A new dialog of kind. */
static struct dialog *
dialog_new(enum dialog_kind kind, const char *title, dialog_done_fn done, void *arg)
{
	struct dialog *d = xcalloc(1, sizeof *d);

	d->base.ops = &dialog_ops;
	d->kind = kind;
	d->title = xstrdup(title != NULL ? title : "");
	d->done = done;
	d->arg = arg;
	return d;
}

/* Give a dialog n labelled text fields. */
static void
dialog_set_fields(struct dialog *d, const char *const *labels, size_t n)
{
	d->labels = dialog_strv(labels, n);
	d->nfields = n;
	d->fields = xcalloc(n ? n : 1, sizeof *d->fields);
}

/* A Yes/No question, No by default. */
struct screen *
dialog_confirm(const char *title, const char *question, dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(DIALOG_CONFIRM, title, done, arg);

	d->question = xstrdup(question);
	d->yes = false;		/* No by default */
	return &d->base;
}

/* A Yes/No question where 'a' answers 2: yes, and include what was left out. */
struct screen *
dialog_confirm_all(const char *title, const char *question, dialog_done_fn done, void *arg)
{
	struct screen *s = dialog_confirm(title, question, done, arg);

	((struct dialog *)s)->all = true;
	return s;
}

/* One labelled text field in a box. */
struct screen *
dialog_input(const char *title, const char *label, const char *initial, dialog_done_fn done,
    void *arg)
{
	struct dialog *d = dialog_new(DIALOG_INPUT, title, done, arg);

	dialog_set_fields(d, &label, 1);
	field_set(&d->fields[0], initial);
	return &d->base;
}

/* A one-line prompt at the bottom of the body, reporting every edit. */
struct screen *
dialog_prompt(const char *label, const char *initial, dialog_changed_fn changed,
    dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(DIALOG_PROMPT, NULL, done, arg);

	dialog_set_fields(d, &label, 1);
	field_set(&d->fields[0], initial);
	d->changed = changed;
	return &d->base;
}

/* Check answers before they are taken: a refused one keeps the dialog open. */
void
dialog_set_check(struct screen *s, dialog_check_fn check)
{
	((struct dialog *)s)->check = check;
}

/* A list to pick one item from, current selected. */
struct screen *
dialog_pick(const char *title, const char *const *items, size_t n, size_t current,
    dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(DIALOG_PICK, title, done, arg);

	d->items = dialog_strv(items, n);
	d->nitems = n;
	d->sel = current < n ? current : 0;
	return &d->base;
}

/* Labelled text fields (with initial texts, or NULL) and rows of choices (the new-job dialog). */
struct screen *
dialog_form(const char *title, const char *const *labels, const char *const *initial, size_t ntext,
    const struct dialog_choice *choices, size_t nchoices, dialog_done_fn done, void *arg)
{
	struct dialog *d = dialog_new(DIALOG_FORM, title, done, arg);

	dialog_set_fields(d, labels, ntext);
	for (size_t i = 0; initial != NULL && i < ntext; i++)
		field_set(&d->fields[i], initial[i] != NULL ? initial[i] : "");
	d->rows = xcalloc(nchoices ? nchoices : 1, sizeof *d->rows);
	for (size_t i = 0; i < nchoices; i++) {
		d->rows[i].label = xstrdup(choices[i].label);
		d->rows[i].items = dialog_strv(choices[i].items, choices[i].n);
		d->rows[i].n = choices[i].n;
		d->rows[i].sel = choices[i].initial < choices[i].n ? choices[i].initial : 0;
	}
	d->nrows = nchoices;
	return &d->base;
}
