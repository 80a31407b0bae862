/*
 * dialog: modal overlays drawn over the current screen: confirmation (No by
 * default), one-line input, the filter prompt (live), a pick list, and a form
 * of text fields plus one choice (the new-job dialog).
 *
 * Each dialog calls its done callback exactly once: with choice -1 when it is
 * dismissed (Esc; or the UI closing, then with ui NULL), else the answer (confirm: 1 yes, 0 no;
 * pick: the index; input and form: 0, with texts holding the fields, owned by
 * the dialog and valid during the call; form: choice is the chosen index).
 * The callback owns arg and frees it.
 */
#ifndef BITSTOP_TUI_DIALOG_H
#define BITSTOP_TUI_DIALOG_H

#include <stddef.h>

struct ui;
struct screen;

typedef void (*dialog_done_fn)(struct ui *ui, void *arg, int choice, char *const *texts);
/* An edit of a prompt: an error to show under it (malloc'd), or NULL. */
typedef char *(*dialog_changed_fn)(struct ui *ui, void *arg, const char *text);
/*
 * Check an answer before the dialog closes: NULL accepts it; a message
 * (malloc'd) refuses it, is shown in the dialog, and *field (preset to the
 * focused one) is where the cursor goes; what was typed stays.
 */
typedef char *(*dialog_check_fn)(struct ui *ui, void *arg, int choice, char *const *texts,
    size_t *field);

struct screen *dialog_confirm(const char *title, const char *question, dialog_done_fn done,
    void *arg);
/* A confirmation where 'a' answers 2 (yes, including what the question says was left out). */
struct screen *dialog_confirm_all(const char *title, const char *question, dialog_done_fn done,
    void *arg);
struct screen *dialog_input(const char *title, const char *label, const char *initial,
    dialog_done_fn done, void *arg);
/* One line at the bottom of the body; changed() runs on every edit. */
struct screen *dialog_prompt(const char *label, const char *initial, dialog_changed_fn changed,
    dialog_done_fn done, void *arg);
/* Check answers of an input, prompt or form dialog before they are taken. */
void dialog_set_check(struct screen *s, dialog_check_fn check);
struct screen *dialog_pick(const char *title, const char *const *items, size_t n, size_t current,
    dialog_done_fn done, void *arg);
/* A row of a form's choices: a label, the items, the one chosen at first. */
struct dialog_choice {
	const char *label;
	const char *const *items;
	size_t	 n;
	size_t	 initial;
};

/*
 * A form: ntext labelled text fields (initial texts, or NULL), then rows of
 * choices (Left/Right/Space), Tab/Up/Down between them, Enter on the last one
 * (or ^S) to submit. done's choice is the first row's chosen index; texts
 * holds the ntext fields, then the chosen item of each row.
 */
struct screen *dialog_form(const char *title, const char *const *labels, const char *const *initial,
    size_t ntext, const struct dialog_choice *choices, size_t nchoices, dialog_done_fn done, void *arg);

#endif
