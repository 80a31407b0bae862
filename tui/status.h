/*
 * status: the header (fleet summary and markers) and the footer (key hints
 * and the one status line). Draw functions take their WINDOW.
 */
#ifndef BITSTOP_TUI_STATUS_H
#define BITSTOP_TUI_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "tui/keymap.h"
#include "tui/model.h"
#include "tui/theme.h"

#define STATUS_HEADER_LINES 2
#define STATUS_FOOTER_LINES 2

struct status_header {
	struct model_summary sum;
	double	 refresh;	/* seconds */
	bool	 paused;
	bool	 readonly;
	bool	 insecure;
	bool	 demo;
	const char *audit_problem;	/* non-NULL: actions refused because of the audit log */
	size_t	 tagged;
	const char *filter;
	const char *wrong;	/* one line of what is wrong ("12 jobs in ERROR: HTTP_404 x9, ..."), or NULL */
	const char *view;	/* "jobs", "hosts", "detail", "help" */
};

/* Draw the two header lines into w (its first two lines). */
void status_draw_header(WINDOW *w, const struct status_header *h, const struct theme *t);
/*
 * Draw the footer: key hints for `hints` (ended by KA_NONE), or text_hints
 * when not NULL ("y Yes  n No ..."), on line 0, the status message on line 1
 * (error tone when error is true). no_actions leaves out the keys that send
 * actions (read-only). Quit always keeps its place at the end.
 */
void status_draw_footer(WINDOW *w, const enum keymap_action *hints, const char *text_hints,
    bool no_actions, const char *msg, bool error, const struct theme *t);

#endif
