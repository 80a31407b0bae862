#include "config.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tui/app.h"
#include "src/poller.h"
#include "tui/jobs.h"
#include "tui/keymap.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/ui.h"

/* Idle wake-ups: marks expire and countdowns move at this pace (nothing is drawn
 * unless something changed). */
#define RUN_TICK_MS 1000

/* The UI's seam to the poller. */
static uint64_t
run_submit(void *arg, struct action_req *req)
{
	return poller_submit(arg, req);
}

/* Poll a host (or all, host < 0) now. */
static void
run_refresh(void *arg, ssize_t host)
{
	poller_refresh(arg, host);
}

/* Pause or resume scheduled polling. */
static void
run_set_paused(void *arg, bool paused)
{
	poller_set_paused(arg, paused);
}

/* Change the refresh interval. */
static void
run_set_interval(void *arg, unsigned ms)
{
	poller_set_interval(arg, ms);
}

/* Take every queued snapshot and result. */
static void
run_drain(struct ui *ui, struct poller *p)
{
	struct poller_event *ev;

	while ((ev = poller_next_event(p)) != NULL) {
		if (ev->type == POLLER_EV_SNAPSHOT && ev->snap != NULL) {
			ui_snapshot(ui, ev->snap);
			ev->snap = NULL;
		} else if (ev->type == POLLER_EV_ACTION && ev->result != NULL) {
			ui_result(ui, ev->result);
		}
		poller_event_free(ev);
	}
}

/* Read every key waiting on the terminal. */
static void
run_keys(struct ui *ui)
{
	wint_t wch;
	int rc;

	while (!ui->quit && (rc = wget_wch(stdscr, &wch)) != ERR) {
		MEVENT ev;

		if (rc == KEY_CODE_YES && wch == KEY_MOUSE) {
			if (getmouse(&ev) == OK)
				ui_mouse(ui, &ev);
		} else {
			ui_key(ui, rc == KEY_CODE_YES ? KF(wch) : (int)wch);
		}
	}
}

/* Check a theme before the screen starts. */
int
app_check_theme(const char *name, char **cause)
{
	struct theme *t = theme_new();
	int rc = theme_load(t, name, cause);

	theme_free(t);
	return rc;
}

/* Run the full-screen UI until the user quits. */
int
app_run_tui(struct app *app)
{
	struct ui_backend backend = {
		run_submit, run_refresh, run_set_paused, run_set_interval, app->poller
	};
	struct pollfd fds[3];
	struct ui *ui;
	char *cause = NULL;
	bool color;
	int rc;

	/* Only the character type: wide characters for curses. Numbers keep the C
	 * locale, which the poller threads format protocol text with. */
	setlocale(LC_CTYPE, "");
	if (term_start(!app->no_color, &color, &cause) != 0) {
		fprintf(stderr, "bitstop: %s\n", cause);
		free(cause);
		return 2;
	}
	ui = ui_new(app, &backend, color);
	ui_push(ui, jobs_new());
	ui_layout(ui);
	fds[0].fd = STDIN_FILENO;
	fds[1].fd = poller_wake_fd(app->poller);
	fds[2].fd = term_signal_fd();
	for (int i = 0; i < 3; i++)
		fds[i].events = POLLIN;
	while (!ui->quit) {
		bool winch;
		int sig;

		ui_render(ui);
		if (poll(fds, 3, RUN_TICK_MS) < 0 && errno != EINTR)
			break;
		term_take_signals(&winch, &sig);
		if (sig != 0) {
			ui->exit_code = 128 + sig;
			break;
		}
		/* resizeterm() queues KEY_RESIZE: the key reader below relays out. */
		if (winch)
			term_resize();
		run_drain(ui, app->poller);
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal went away: nothing to draw on. */
			ui->exit_code = 129;
			break;
		}
		run_keys(ui);
		ui_tick(ui);
	}
	rc = ui->exit_code;
	ui_free(ui);
	term_stop();
	return rc;
}
