/*
 * keymap: every key binding of the screen (bitstop(1), KEYS), declared once; the
 * key dispatch, the help screen and the footer hints all read this table.
 */
#ifndef BITSTOP_TUI_KEYMAP_H
#define BITSTOP_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "src/action.h"
#include "tui/actions.h"

/*
 * Keys as the screens see them: a character is its wide-character value; a
 * function key (KEY_UP, KEY_F(1), KEY_RESIZE, KEY_MOUSE ...) is KF(code), above
 * every Unicode value, so that no character is mistaken for one.
 */
#define KF(code) ((int)(code) + 0x200000)
#define KEYMAP_IS_FN(key) ((key) >= 0x200000)

/* The job action of a key that sends none. */
#define KEYMAP_NO_ACTION ACTION_COUNT

/*
 * Declared once: action, keys as shown in help, help text, footer hint (or NULL),
 * up to 3 keys, and the job action the key sends (KEYMAP_NO_ACTION for none)
 * with how a priority action moves.
 */
#define KEYMAP_ACTIONS(X) \
	X(KA_UP, "Up k", "move up", NULL, KF(KEY_UP), 'k', 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_DOWN, "Down j", "move down", NULL, KF(KEY_DOWN), 'j', 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_PGUP, "PgUp", "page up", NULL, KF(KEY_PPAGE), 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_PGDN, "PgDn", "page down", NULL, KF(KEY_NPAGE), 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_HOME, "Home", "first row", NULL, KF(KEY_HOME), 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_END, "End", "last row", NULL, KF(KEY_END), 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_DETAIL, "Enter", "job details (files, error)", "Detail", '\n', '\r', KF(KEY_ENTER), KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_FILTER, "/", "filter: host:NAME state:ERROR name:~RE !WORD age>2d stalled ... (Esc clears)", "Filter", '/', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_SORT, "> F6", "choose the sort column", "Sort", '>', KF(KEY_F(6)), 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_INVERT, "I", "invert the sort order", NULL, 'I', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_TAG, "Space", "tag or untag the job", "Tag", ' ', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_UNTAG_ALL, "U", "untag all jobs", NULL, 'U', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_TAG_ALL, "*", "tag every job shown", NULL, '*', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_PRI_UP, "+", "raise priority", NULL, '+', '=', 0, ACTION_PRIORITY, ACTIONS_PRI_RAISE) \
	X(KA_PRI_DOWN, "-", "lower priority", NULL, '-', 0, 0, ACTION_PRIORITY, ACTIONS_PRI_LOWER) \
	X(KA_PRI_PICK, "p", "pick a priority", "Pri", 'p', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_RESUME, "r", "resume", "Resume", 'r', 0, 0, ACTION_RESUME, ACTIONS_PRI_SET) \
	X(KA_SUSPEND, "s", "suspend", "Suspend", 's', 0, 0, ACTION_SUSPEND, ACTIONS_PRI_SET) \
	X(KA_COMPLETE, "c", "complete (take the files)", NULL, 'c', 0, 0, ACTION_COMPLETE, ACTIONS_PRI_SET) \
	X(KA_CANCEL, "x Del", "cancel (delete the job)", "Cancel", 'x', KF(KEY_DC), 0, ACTION_CANCEL, ACTIONS_PRI_SET) \
	X(KA_NEW, "n", "new download job on the selected host", "New", 'n', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_ERROR, "e", "show the job's error (GetError)", "Error", 'e', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_HOSTS, "h", "host view / job view", "Hosts", 'h', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_OPS, "o", "operations: every action sent, its state and results per job", "Ops", 'o', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_WRONG, "w", "what's wrong: failing jobs and hosts in groups", "Wrong", 'w', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_NEXT_FAIL, "f", "host view: the next failing host", NULL, 'f', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_REFRESH, "R F5", "refresh now", NULL, 'R', KF(KEY_F(5)), 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_PAUSE, "Z", "pause / resume polling", NULL, 'Z', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_DELAY, "d", "set the refresh interval", NULL, 'd', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_THEME, "T", "next colour theme", NULL, 'T', 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_HELP, "? F1", "this help", "Help", '?', KF(KEY_F(1)), 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_BACK, "Esc", "back / close", "Back", 27, 0, 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET) \
	X(KA_QUIT, "q F10", "quit", "Quit", 'q', KF(KEY_F(10)), 0, KEYMAP_NO_ACTION, ACTIONS_PRI_SET)

enum keymap_action {
	KA_NONE = 0,
#define X(e, k, h, f, k1, k2, k3, act, how) e,
	KEYMAP_ACTIONS(X)
#undef X
	KA_COUNT
};

struct keymap_entry {
	const char *keys;	/* as shown in help: "x Del" */
	const char *help;
	const char *hint;	/* footer label, NULL when not in the footer */
	int	 key[3];	/* curses key codes, 0 = none */
	enum action_kind act;	/* the job action it sends, KEYMAP_NO_ACTION for none */
	enum actions_pri how;	/* for ACTION_PRIORITY */
};

/* The action bound to a curses key, or KA_NONE. */
enum keymap_action keymap_lookup(int key);
/* The table entry of an action (NULL for KA_NONE or out of range). */
const struct keymap_entry *keymap_entry(enum keymap_action action);
/* The job action a key action sends (kind, and how for priority); false for none. */
bool keymap_job_action(enum keymap_action action, enum action_kind *kind, enum actions_pri *how);
/* Does the key send an action (a job action, a new job, the priority picker)? */
bool keymap_is_action_key(enum keymap_action action);
/* The first key of an action as shown in the footer ("x", "F1", "Enter"). */
const char *keymap_hint_key(enum keymap_action action);

#endif
