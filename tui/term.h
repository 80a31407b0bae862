/*
 * term: the terminal for the full-screen UI, and its restoration on every
 * exit path: normal exit, SIGINT/SIGTERM/SIGHUP (turned into a quit by the
 * loop through a self-pipe), fatal signals (SIGSEGV, SIGABRT, ...: an
 * async-signal-safe restore of the saved termios and the terminal's reset
 * strings, then the signal is raised again) and out-of-memory (xalloc hook).
 * SIGWINCH also goes through the self-pipe.
 */
#ifndef BITSTOP_TUI_TERM_H
#define BITSTOP_TUI_TERM_H

#include <stdbool.h>

/* Start curses on the terminal. *color: colours are available and wanted. -1 with *cause. */
int term_start(bool want_color, bool *color, char **cause);
/* End curses and put the signal handlers back. */
void term_stop(void);
/* Read end of the signal self-pipe (for poll). */
int term_signal_fd(void);
/* Drain the self-pipe: *winch when the size changed, *quit_sig the first quit signal (or 0). */
void term_take_signals(bool *winch, int *quit_sig);
/* Resize curses to the terminal's current size (curses then queues KEY_RESIZE). */
void term_resize(void);

#endif
