#include "config.h"

#include "tui/term.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "src/xalloc.h"

/* Signals that end the program through the loop, and fatal ones that re-raise. */
static const int term_quit_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
static const int term_fatal_sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGQUIT };

#define TERM_NQUIT (sizeof term_quit_sigs / sizeof term_quit_sigs[0])
#define TERM_NFATAL (sizeof term_fatal_sigs / sizeof term_fatal_sigs[0])

static struct termios term_saved;		/* the terminal as we found it */
static char term_reset[256];			/* escape strings that undo curses */
static size_t term_reset_len;
static volatile sig_atomic_t term_active;	/* curses is up: restoring means something */
static int term_pipe[2] = { -1, -1 };
static struct sigaction term_old_quit[TERM_NQUIT], term_old_fatal[TERM_NFATAL];

/* Restore the terminal with async-signal-safe calls only (fatal paths). */
static void
term_emergency_restore(void)
{
	if (!term_active)
		return;
	term_active = 0;
	if (term_reset_len > 0 && write(STDOUT_FILENO, term_reset, term_reset_len) < 0) {
		/* nothing more can be done on this path */
	}
	tcsetattr(STDIN_FILENO, TCSANOW, &term_saved);
}

/* Fatal signal: restore, then die of the same signal (SA_RESETHAND made it default). */
static void
term_fatal_handler(int sig)
{
	int saved = errno;

	term_emergency_restore();
	errno = saved;
	raise(sig);
}

/* Quit and resize signals: one byte into the self-pipe for the loop. */
static void
term_pipe_handler(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (term_pipe[1] >= 0 && write(term_pipe[1], &b, 1) < 0) {
		/* a full pipe already holds a wake-up */
	}
	errno = saved;
}

/* Append a terminfo string (when the terminal has it) to the reset sequence. */
static void
term_add_reset(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (term_reset_len + n < sizeof term_reset) {
		memcpy(term_reset + term_reset_len, s, n);
		term_reset_len += n;
	}
}

/* Precompute what the emergency restore writes. */
static void
term_prepare_reset(void)
{
	static const char mouse_off[] = "\033[?1006l\033[?1002l\033[?1000l";
	char *kmous = tigetstr("kmous");

	term_reset_len = 0;
	if (kmous != NULL && kmous != (char *)-1 &&
	    term_reset_len + sizeof mouse_off - 1 < sizeof term_reset) {
		memcpy(term_reset, mouse_off, sizeof mouse_off - 1);
		term_reset_len = sizeof mouse_off - 1;
	}
	term_add_reset("sgr0");
	term_add_reset("cnorm");
	term_add_reset("rmkx");
	term_add_reset("rmcup");
}

/* Install the handlers (before initscr, so that curses keeps its own off). */
static void
term_install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = term_pipe_handler;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < TERM_NQUIT; i++)
		sigaction(term_quit_sigs[i], &sa, &term_old_quit[i]);
	sa.sa_handler = term_fatal_handler;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < TERM_NFATAL; i++)
		sigaction(term_fatal_sigs[i], &sa, &term_old_fatal[i]);
}

/* Put the previous handlers back. */
static void
term_restore_handlers(void)
{
	for (size_t i = 0; i < TERM_NQUIT; i++)
		sigaction(term_quit_sigs[i], &term_old_quit[i], NULL);
	for (size_t i = 0; i < TERM_NFATAL; i++)
		sigaction(term_fatal_sigs[i], &term_old_fatal[i], NULL);
}

/* Close the self-pipe. */
static void
term_close_pipe(void)
{
	for (int i = 0; i < 2; i++) {
		if (term_pipe[i] >= 0)
			close(term_pipe[i]);
		term_pipe[i] = -1;
	}
}

/* Start curses on the terminal with the restoring handlers installed first. */
int
term_start(bool want_color, bool *color, char **cause)
{
	SCREEN *scr;
	const char *cup = NULL;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("the interactive screen needs a terminal (use --once for scripts)");
		return -1;
	}
	if (tcgetattr(STDIN_FILENO, &term_saved) != 0) {
		*cause = xasprintf("cannot read the terminal settings: %s", strerror(errno));
		return -1;
	}
	if (pipe(term_pipe) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(term_pipe[i], F_SETFL, fcntl(term_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(term_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	term_install_handlers();
	xalloc_set_fatal_hook(term_emergency_restore);
	if ((scr = newterm(NULL, stdout, stdin)) == NULL ||
	    (cup = tigetstr("cup")) == NULL || cup == (char *)-1) {
		/* Unknown, or known but unable to move the cursor (dumb, hardcopy). */
		if (scr != NULL) {
			endwin();
			delscreen(scr);
		}
		term_restore_handlers();
		xalloc_set_fatal_hook(NULL);
		term_close_pipe();
		*cause = xasprintf("cannot start the screen on terminal type '%s'%s",
		    getenv("TERM") != NULL ? getenv("TERM") : "(unset)",
		    scr != NULL ? ": it cannot move the cursor (use --once there)" : "");
		return -1;
	}
	term_prepare_reset();
	term_active = 1;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	*color = false;
	if (want_color && has_colors() && start_color() == OK) {
		use_default_colors();
		*color = true;
	}
	refresh();
	return 0;
}

/* End curses and put the signal handlers and the xalloc hook back. */
void
term_stop(void)
{
	if (term_active) {
		mousemask(0, NULL);
		endwin();
		term_active = 0;
	}
	xalloc_set_fatal_hook(NULL);
	term_restore_handlers();
	term_close_pipe();
}

/* Read end of the signal self-pipe. */
int
term_signal_fd(void)
{
	return term_pipe[0];
}

/* Drain the self-pipe into a resize flag and the first quit signal. */
void
term_take_signals(bool *winch, int *quit_sig)
{
	unsigned char buf[64];
	ssize_t n;

	*winch = false;
	*quit_sig = 0;
	while ((n = read(term_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH)
				*winch = true;
			else if (*quit_sig == 0)
				*quit_sig = buf[i];
		}
	}
}

/* Resize curses to the terminal's current size. */
void
term_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}
