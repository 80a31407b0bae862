/*
 * theme: semantic colour roles and theme files (bitstop(1), FILES).
 *
 * Each role is declared once below with its compiled-in colour style and its
 * monochrome attributes. A theme file sets roles with `role = fg bg [attrs...]`
 * lines; it is looked up in $XDG_CONFIG_HOME/bitstop/themes/, then
 * PKGDATADIR/themes/, then (a bitstop run from its build tree) themes/ next
 * to the binary and in the source tree; a name holding a '/' is a path. Colours: names (default,
 * black .. white, brightblack .. brightwhite) or 0-255.
 */
#ifndef BITSTOP_TUI_THEME_H
#define BITSTOP_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#define THEME_DEF (-1)	/* the terminal's default colour */

/* Declared once: role, name in theme files, default fg, bg, attrs, monochrome attrs. */
#define THEME_ROLES(X) \
	X(THEME_NORMAL, "normal", THEME_DEF, THEME_DEF, A_NORMAL, A_NORMAL) \
	X(THEME_HEADER, "header", COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE) \
	X(THEME_HEADER_LABEL, "header.label", COLOR_CYAN, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD) \
	X(THEME_HEADER_MARKER, "header.marker", COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD) \
	X(THEME_HEADER_INSECURE, "header.insecure", COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_BLINK) \
	X(THEME_TITLE, "title", COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_UNDERLINE) \
	X(THEME_TITLE_SORTED, "title.sorted", COLOR_BLACK, COLOR_CYAN, A_BOLD, A_UNDERLINE | A_BOLD) \
	X(THEME_SELECTION, "selection", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE) \
	X(THEME_TAGGED, "tagged", COLOR_YELLOW, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_NEW, "new", COLOR_GREEN, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_VANISHED, "vanished", COLOR_BLACK + 8, THEME_DEF, A_DIM, A_DIM) \
	X(THEME_STALE, "stale", COLOR_MAGENTA, THEME_DEF, A_DIM, A_DIM | A_UNDERLINE) \
	X(THEME_PENDING, "pending", COLOR_YELLOW, THEME_DEF, A_BOLD, A_BOLD | A_UNDERLINE) \
	X(THEME_STATE_QUEUED, "state.queued", THEME_DEF, THEME_DEF, A_NORMAL, A_NORMAL) \
	X(THEME_STATE_CONNECTING, "state.connecting", COLOR_CYAN, THEME_DEF, A_NORMAL, A_NORMAL) \
	X(THEME_STATE_TRANSFERRING, "state.transferring", COLOR_GREEN, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_STATE_SUSPENDED, "state.suspended", COLOR_YELLOW, THEME_DEF, A_NORMAL, A_DIM) \
	X(THEME_STATE_ERROR, "state.error", COLOR_RED, THEME_DEF, A_BOLD, A_BOLD | A_UNDERLINE) \
	X(THEME_STATE_TRANSIENT, "state.transient_error", COLOR_MAGENTA, THEME_DEF, A_NORMAL, A_UNDERLINE) \
	X(THEME_STATE_TRANSFERRED, "state.transferred", COLOR_BLUE, THEME_DEF, A_BOLD, A_NORMAL) \
	X(THEME_STATE_ACKNOWLEDGED, "state.acknowledged", COLOR_BLUE, THEME_DEF, A_NORMAL, A_DIM) \
	X(THEME_STATE_CANCELLED, "state.cancelled", COLOR_BLACK + 8, THEME_DEF, A_NORMAL, A_DIM) \
	X(THEME_PROGRESS_DONE, "progress.done", COLOR_GREEN, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_PROGRESS_TODO, "progress.todo", COLOR_BLACK + 8, THEME_DEF, A_NORMAL, A_DIM) \
	X(THEME_HOST_OK, "host.ok", COLOR_GREEN, THEME_DEF, A_NORMAL, A_NORMAL) \
	X(THEME_HOST_DOWN, "host.down", COLOR_RED, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_HOST_POLLING, "host.polling", COLOR_YELLOW, THEME_DEF, A_NORMAL, A_DIM) \
	X(THEME_FOOTER, "footer", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE) \
	X(THEME_FOOTER_KEY, "footer.key", COLOR_WHITE, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_STATUS, "status", THEME_DEF, THEME_DEF, A_NORMAL, A_NORMAL) \
	X(THEME_STATUS_ERROR, "status.error", COLOR_RED, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_STATUS_OK, "status.ok", COLOR_GREEN, THEME_DEF, A_NORMAL, A_NORMAL) \
	X(THEME_DIALOG, "dialog", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE) \
	X(THEME_DIALOG_TITLE, "dialog.title", COLOR_BLUE, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD) \
	X(THEME_DIALOG_FOCUS, "dialog.focus", COLOR_WHITE, COLOR_BLUE, A_BOLD, A_NORMAL | A_BOLD) \
	X(THEME_INPUT, "input", COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_UNDERLINE) \
	X(THEME_LABEL, "label", COLOR_CYAN, THEME_DEF, A_BOLD, A_BOLD) \
	X(THEME_HELP_KEY, "help.key", COLOR_YELLOW, THEME_DEF, A_BOLD, A_BOLD)

enum theme_role {
#define X(e, n, fg, bg, a, m) e,
	THEME_ROLES(X)
#undef X
	THEME_ROLE_COUNT
};

struct theme_style {
	short	 fg;		/* THEME_DEF or 0-255 */
	short	 bg;
	attr_t	 attrs;		/* A_BOLD ... */
};

struct theme {
	char	*name;				/* "default", "light", or a path */
	struct theme_style style[THEME_ROLE_COUNT];
	attr_t	 attr[THEME_ROLE_COUNT];	/* resolved by theme_apply() */
	bool	 color;				/* applied with colours */
};

/* A theme with the compiled-in default (colour) styles. */
struct theme *theme_new(void);
void theme_free(struct theme *t);
/* Reset to the compiled-in colour default, or the compiled-in monochrome one. */
void theme_reset(struct theme *t, bool mono);

/*
 * Load theme `name` over the compiled-in defaults. "default" without a file is the
 * compiled-in theme, "mono" without a file the compiled-in monochrome one.
 * -1 with *cause when the theme is not found (t unchanged) or a line is bad
 * ("file:line: what"); good lines are applied even then.
 */
int theme_load(struct theme *t, const char *name, char **cause);
/* Apply the lines of a theme text (origin names it in messages). -1 with *cause at the first bad line. */
int theme_parse(struct theme *t, const char *text, const char *origin, char **cause);
/* Path of theme `name` in the search path, or NULL. malloc'd. */
char *theme_find(const char *name);
/* Sorted names of every theme found (plus "default"); free with theme_list_free. */
char **theme_list(size_t *n);
void theme_list_free(char **list, size_t n);

/* Resolve the roles into curses attributes (init_pair when colour is true). */
void theme_apply(struct theme *t, bool color);
attr_t theme_attr(const struct theme *t, enum theme_role role);
/* Role of a name / name of a role; -1 / "?" when unknown. */
int theme_role_from_name(const char *name);
const char *theme_role_name(enum theme_role role);
/* The role colouring a BITS job state. */
enum theme_role theme_state_role(unsigned state);

#endif
