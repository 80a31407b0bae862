/* help: every key binding (from the keymap table), the row marks and the theme. */
#ifndef BITSTOP_TUI_HELP_H
#define BITSTOP_TUI_HELP_H

struct screen;

struct screen *help_new(void);

#endif
