/*
 * ui: the state of the interactive front end and its screen stack.
 *
 * Thread rule: everything here runs on the one UI thread, the only thread that
 * touches curses. Host snapshots and action results come from the poller's
 * queue (woken through its fd); the UI swaps them into the model and renders
 * once per loop iteration from dirty flags.
 *
 * Screens are small vtables. The bottom screen is the job table; the host
 * view, the detail and the help are full screens pushed over it; dialogs are
 * overlays drawn over the screen below. Key handlers return UI_* bits.
 */
#ifndef BITSTOP_TUI_UI_H
#define BITSTOP_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "src/action.h"
#include "tui/actions.h"
#include "tui/keymap.h"
#include "tui/model.h"
#include "tui/theme.h"

struct app;

/* What a key handler (or an event) asks of the loop; also the dirty flags. */
#define UI_HANDLED	0x01	/* the key meant something here */
#define UI_BODY		0x02	/* repaint the body */
#define UI_CURSOR	0x04	/* only the cursor moved: repaint its old and new rows */
#define UI_HEADER	0x08	/* repaint the header */
#define UI_FOOTER	0x10	/* repaint the footer */
#define UI_ALL		0x20	/* repaint everything from scratch (resize, theme) */
#define UI_POP		0x40	/* close the screen that handled the key */
#define UI_QUIT		0x80	/* leave */

struct ui;
struct screen;

struct screen_ops {
	const char *name;		/* shown in the header: "jobs", "hosts" ... */
	bool	 overlay;		/* drawn over the screen below (dialogs) */
	const enum keymap_action *hints;	/* footer hints, ended by KA_NONE */
	/* Paint into w; full is false when only the cursor moved. */
	void	(*draw)(struct screen *s, struct ui *ui, WINDOW *w, bool full);
	int	(*key)(struct screen *s, struct ui *ui, int key);
	/* Optional: a mouse event at (y, x) of the body window. */
	int	(*mouse)(struct screen *s, struct ui *ui, const MEVENT *ev, int y, int x);
	/* Optional: an action result no one else claimed (GetError). */
	int	(*on_result)(struct screen *s, struct ui *ui, const struct action_result *res);
	/* Optional: the footer's key hints as text, when they depend on the state (else hints). */
	const char *(*footer)(struct screen *s, struct ui *ui);
	/* Optional: called once per loop; UI_* bits when time changed what it shows. */
	int	(*tick)(struct screen *s, struct ui *ui);
	void	(*free)(struct screen *s);
};

struct screen {
	const struct screen_ops *ops;
};

/* How the UI reaches the poller (a fake in tests). */
struct ui_backend {
	uint64_t (*submit)(void *arg, struct action_req *req);	/* takes req */
	void	(*poll_now)(void *arg, ssize_t host);
	void	(*set_paused)(void *arg, bool paused);
	void	(*set_interval)(void *arg, unsigned ms);
	void	*arg;
};

#define UI_MAX_SCREENS 8

struct ui {
	struct app *app;
	struct ui_backend backend;
	struct model *model;
	struct theme *theme;
	struct actions *actions;
	struct errfetch *errfetch;	/* GetError in the background for jobs in error */
	struct actions_policy policy;
	bool	 color;			/* the terminal shows colours and they are wanted */

	WINDOW	*header, *body, *footer;
	struct screen *stack[UI_MAX_SCREENS];
	int	 depth;
	struct screen *jobs;		/* the bottom screen (the job table), pushed first */

	unsigned dirty;			/* UI_BODY | UI_HEADER ... */
	/* The body window still holds what the screen drawing it drew last time
	 * (no overlay, resize or other screen since): it may paint only what
	 * changed. Set for the duration of a draw. */
	bool	 body_kept;
	struct screen *body_owner;	/* the screen that drew the body last, alone; NULL */
	bool	 body_lost;		/* the body was recreated or drawn over since */
	char	*status;		/* the status line, owned */
	bool	 status_error;
	int64_t	 status_ms;		/* monotonic ms it was set (it expires) */
	bool	 paused;
	double	 refresh;		/* seconds */
	int	 exit_code;
	bool	 quit;
	int64_t	 fixed_wall_ms;		/* tests: a fixed wall clock; 0 = the real one */
	int64_t	 tick_second;		/* monotonic second of the last screen tick */
	size_t	 focus_host;		/* a job to put the cursor on once it shows (created here) */
	char	*focus_id;		/* owned; NULL for none */
	char	*wrong_line;		/* the header's "N jobs in ERROR: ..." (owned), or NULL */
};

/* Set up a UI over app (model, theme, actions); curses must be initialised.
 * Its screen stack is empty: the caller pushes the job table first. */
struct ui *ui_new(struct app *app, const struct ui_backend *backend, bool color);
void ui_free(struct ui *ui);
/* (Re)create the header, body and footer windows for the current LINES x COLS. */
void ui_layout(struct ui *ui);
/* Paint what is dirty and update the terminal once. */
void ui_render(struct ui *ui);
/* Handle one key (KF() for function keys). */
void ui_key(struct ui *ui, int key);
/* Handle a mouse event. */
void ui_mouse(struct ui *ui, const MEVENT *ev);
/* Take a host snapshot (ownership passes). */
void ui_snapshot(struct ui *ui, struct host_snapshot *snap);
/* Take an action result (borrowed). */
void ui_result(struct ui *ui, const struct action_result *res);
/* Once per loop: expire marks, ask screens whether time changed anything. */
void ui_tick(struct ui *ui);

/* Push a screen (the UI owns it from now on); the first one is the bottom. */
void ui_push(struct ui *ui, struct screen *s);
/* Set the status line (printf-like); error selects the error tone. */
void ui_status(struct ui *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Submit a request outside the action batches (GetError). Takes req; returns its id. */
uint64_t ui_submit(struct ui *ui, struct action_req *req);
/* Load a theme by name and apply it; problems go to the status line (false then). */
bool ui_set_theme(struct ui *ui, const char *name);
/* Wall clock ms (for ages and times shown). */
int64_t ui_now_wall(const struct ui *ui);
/* Why no action may be sent now (read-only, audit log), malloc'd; NULL when they may. */
char *ui_refusal(struct ui *ui);
/*
 * Plan an action on rows and send it, through a confirmation first when it is
 * destructive or bulk; refusals and results go to the status line.
 */
void ui_act(struct ui *ui, enum action_kind kind, enum actions_pri how, unsigned pri,
    struct model_row *const *rows, size_t n);

#endif
